"""The written Vietnamese syllable: onsets, rhymes, tones and how they combine.

This is what `make_reference.py` enumerates. The onsets and rhymes come from
crates/text/src/data/, and crates/text/src/g2p.rs mirrors the spelling rules below, so both
accept the same set of tokens (its tests check that against the reference): a
syllable is an onset, a rhyme and a tone, spelled by these rules.
"""

import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "crates" / "text" / "src" / "data"


def _inventory():
    """Onsets and rhymes from the data files the Rust reader uses too."""
    onsets = []
    for line in (DATA / "onsets.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            onset = line.split("\t")[0]
            onsets.append("" if onset == "-" else onset)
    rhymes = {"plain": [], "medial": [], "qu": []}
    for line in (DATA / "rhymes.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, words = line.split(":")
            rhymes[kind] += words.split()
    return onsets, rhymes


ONSETS, _RHYMES = _inventory()
PLAIN_RHYMES = _RHYMES["plain"]
MEDIAL_RHYMES = _RHYMES["medial"]
QU_RHYMES = _RHYMES["qu"]

FRONT = ("i", "y", "e", "ê")
STOP_CODAS = ("p", "t", "c", "ch")
VOWELS = set("aăâeêioôơuưy")
QUALITY = set("ăâêôơư")

# Tone name -> combining mark (None for ngang, the level tone).
TONES = {
    "ngang": None,
    "huyen": "\u0300",
    "sac": "\u0301",
    "hoi": "\u0309",
    "nga": "\u0303",
    "nang": "\u0323",
}


def onset_rhyme_pairs():
    """Every (onset, written rhyme) pair that Vietnamese spelling allows.

    The written rhyme of "gi" merges a leading i ("gi" + "in" is "gìn"); rhymes
    "ia" and "iu" keep theirs apart because "gia"/"giu" already mean gi + a/u.
    """
    for onset in ONSETS:
        if onset == "qu":
            for rhyme in QU_RHYMES:
                yield onset, rhyme
            continue
        for rhyme in PLAIN_RHYMES + MEDIAL_RHYMES:
            medial = rhyme in MEDIAL_RHYMES
            front = rhyme.startswith(FRONT) and not medial
            if rhyme.startswith("yê") and onset != "":
                continue  # iê after a consonant, yê only at the start
            if rhyme.startswith("iê") and onset == "":
                continue
            if onset in ("c", "k", "gh", "ngh") and medial:
                continue  # k + medial is spelled qu; gh/ngh never glide
            if onset == "c" and front:
                continue
            if onset in ("gh", "ngh") and not front:
                continue  # "ko" (informal không) is k + o, as espeak reads it
            if onset in ("g", "ng") and front:
                continue
            if onset == "gi":
                if medial or rhyme in ("y", "ia", "iu"):
                    continue
                if rhyme.startswith("i"):
                    rhyme = rhyme[1:]
            yield onset, rhyme


def tone_positions(onset, rhyme):
    """Indices in `rhyme` where the tone mark may go: the modern placement
    first, then the old one ("hòa", "thủy") when it differs."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    if onset == "gi" and not vowels:
        return [-1]  # "gì": the i of the onset carries the tone
    quality = [i for i in vowels if rhyme[i] in QUALITY]
    if quality:
        return [quality[-1]]  # ươ -> ơ, uyê -> ê, ưa -> ư
    has_coda = vowels[-1] != len(rhyme) - 1
    if len(vowels) == 1:
        return vowels
    if len(vowels) == 3:
        return [vowels[1]]  # oai, oay, uya, uyu, oeo
    if has_coda:
        return [vowels[-1]]  # oan, uyn, oong
    cluster = rhyme[vowels[0]] + rhyme[vowels[1]]
    if cluster in ("oa", "oe", "uy") and onset != "qu":
        return [vowels[1], vowels[0]]  # hoà (modern) and hòa (old)
    return [vowels[0]]  # ai, ao, ia, ua, ...


def with_tone(onset, rhyme, position, mark):
    if mark is None:
        return onset + rhyme
    if position == -1:
        return unicodedata.normalize("NFC", onset + mark + rhyme)
    marked = rhyme[: position + 1] + mark + rhyme[position + 1 :]
    return unicodedata.normalize("NFC", onset + marked)


def coda_is_stop(rhyme):
    return rhyme.endswith(STOP_CODAS)


def syllables():
    """(token, class) for every lower-case syllable with its tone marks."""
    for onset, rhyme in onset_rhyme_pairs():
        for tone, mark in TONES.items():
            if coda_is_stop(rhyme) and tone not in ("sac", "nang"):
                continue
            positions = tone_positions(onset, rhyme)
            if mark is None:
                positions = positions[:1]
            for n, position in enumerate(positions):
                style = "old-placement" if n else "syllable"
                yield with_tone(onset, rhyme, position, mark), style


def strip_marks(token):
    """The token as typed without any diacritics: đ -> d, all marks removed."""
    decomposed = unicodedata.normalize("NFD", token.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def case_variants(token):
    return {"lower": token, "capital": token[:1].upper() + token[1:], "upper": token.upper()}
