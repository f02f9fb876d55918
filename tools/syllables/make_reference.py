"""Writes tests/data/syllables.tsv: how piper-tts reads every Vietnamese syllable.

Run from the repository root with the reference venv:

    .venv/bin/python tools/syllables/make_reference.py

Each line is `token<TAB>phonemes`, the phonemes being what
`piper.phonemize_espeak.EspeakPhonemizer().phonemize("vi", token)` returns,
joined. Tokens: every syllable of `vietnamese.py` (modern and old tone-mark
placement), each in lower case, Capitalised and UPPER case, and each of those
typed without diacritics. Sorted by code point, one line per token.

It then reruns derive_tables.py, which relearns crates/text/src/data/rhymes.tsv,
function_words.txt and exceptions.tsv from the new reference.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

import derive_tables  # noqa: E402
import vietnamese  # noqa: E402
from piper.phonemize_espeak import EspeakPhonemizer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "syllables.tsv"


def tokens():
    """Every token to ask about, mapped to the classes it belongs to."""
    found = {}
    for syllable, style in vietnamese.syllables():
        for case, token in vietnamese.case_variants(syllable).items():
            found.setdefault(token, set()).add(f"{style}/{case}")
            plain = vietnamese.strip_marks(token)
            found.setdefault(plain, set()).add(f"no-diacritics/{case}")
    return found


def main():
    phonemizer = EspeakPhonemizer()
    found = tokens()
    lines = []
    for token in sorted(found):
        sentences = phonemizer.phonemize("vi", token)
        if len(sentences) != 1:
            sys.exit(f"{token!r}: expected one sentence, got {sentences!r}")
        phonemes = "".join(sentences[0])
        if not phonemes or "\t" in phonemes or "\n" in phonemes:
            sys.exit(f"{token!r}: unexpected phonemes {phonemes!r}")
        lines.append(f"{token}\t{phonemes}\n")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(lines), encoding="utf-8")

    classes = {}
    for names in found.values():
        for name in names:
            classes[name] = classes.get(name, 0) + 1
    print(f"{len(lines)} tokens written to {OUT.relative_to(ROOT)}")
    for name in sorted(classes):
        print(f"  {name}: {classes[name]}")
    derive_tables.main()


if __name__ == "__main__":
    main()
