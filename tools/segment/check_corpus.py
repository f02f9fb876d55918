"""Check the segmentation spec of crates/text/src/segment.rs against piper-tts.

For every line of tests/data/corpus.txt, segment the line with the same rules
as the Rust code (mirrored below), phonemise each word alone with piper-tts,
build each sentence's phonemes with the formula

    for each clause: words' phonemes joined by " ", the mark, " " after , : ;

and compare with what piper-tts gives for the whole line. With --golden PATH
it also writes the lines, piper's sentences and the per-word phonemes to PATH,
which the Rust unit tests read to check the Rust code against piper directly.

    .venv/bin/python tools/segment/check_corpus.py [--golden tests/data/corpus_golden.txt]
"""

import argparse
import sys
import unicodedata
from pathlib import Path

from piper.phonemize_espeak import EspeakPhonemizer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "corpus.txt"

MARKS = {",": ",", ":": ":", ";": ";", "–": ";", "—": ";", ".": ".", "?": "?", "!": "!"}
SENTENCE_END = {".", "?", "!"}
SEPARATORS = set('"“”„‟«»‹›()[]{}/\\|•·_―‒¡¿')
EDGE_ONLY = set("-‐‑'‘’‚‛")
ELLIPSIS = "…"
SPACES = {"\u200b", "\u2060", "\ufeff"}
AFFIXES = "".join(MARKS) + ELLIPSIS + "".join(SEPARATORS | EDGE_ONLY)


def is_affix(c: str) -> bool:
    return c in MARKS or c == ELLIPSIS or c in SEPARATORS or c in EDGE_ONLY


def is_body_break(c: str) -> bool:
    return c in SEPARATORS or c in ",:;–—…"


def is_space(c: str) -> bool:
    return c.isspace() or c in SPACES


class Segmenter:
    """Mirror of the Rust Builder; sentences are lists of (words, mark)."""

    def __init__(self) -> None:
        self.sentences: list[list[tuple[list[str], str]]] = []
        self.clauses: list[tuple[list[str], str]] = []
        self.words: list[str] = []
        self.after_ellipsis = False

    def run(self, text: str) -> list[list[tuple[list[str], str]]]:
        newlines, token = 0, None
        for c in text:
            if is_space(c):
                if token is not None:
                    self.token(token)
                    token = None
                newlines += c == "\n"
            elif token is None:
                self.gap(newlines)
                newlines, token = 0, c
            else:
                token += c
        if token is not None:
            self.token(token)
        self.end_sentence()
        return self.sentences

    def gap(self, newlines: int) -> None:
        if newlines >= 2 or (newlines == 1 and (self.words or self.after_ellipsis)):
            self.end_sentence()

    def token(self, token: str) -> None:
        start = 0
        while start < len(token) and is_affix(token[start]):
            start += 1
        end = len(token)
        while end > start and is_affix(token[end - 1]):
            end -= 1
        self.marks(token[:start])
        piece = ""
        for c in token[start:end]:
            if is_body_break(c):
                self.word(piece)
                piece = ""
            else:
                piece += c
        self.word(piece)
        self.marks(token[end:])

    def marks(self, run: str) -> None:
        dots, ellipsis = 0, False
        for c in run + " ":
            if c in ".…":
                dots += 1
                ellipsis |= c == "…"
                continue
            if dots:
                self.apply("…" if ellipsis or dots >= 3 else ".")
                dots, ellipsis = 0, False
            if c in MARKS or c == ELLIPSIS:
                self.apply(c)

    def word(self, piece: str) -> None:
        word = piece.strip(AFFIXES)
        if word:
            self.words.append(word)
            self.after_ellipsis = False

    def apply(self, c: str) -> None:
        if self.words:
            mark = "," if c == ELLIPSIS else MARKS[c]
            self.clauses.append((self.words, mark))
            self.words = []
            self.after_ellipsis = c == ELLIPSIS
        elif self.after_ellipsis and c != ELLIPSIS and self.clauses:
            mark = MARKS[c]
            self.clauses[-1] = (self.clauses[-1][0], mark)
            self.after_ellipsis = False
        else:
            return
        if mark in SENTENCE_END:
            self.end_sentence()

    def end_sentence(self) -> None:
        if self.words:
            self.clauses.append((self.words, ""))
            self.words = []
        elif self.after_ellipsis and self.clauses:
            self.clauses[-1] = (self.clauses[-1][0], "")
        self.after_ellipsis = False
        if self.clauses:
            self.sentences.append(self.clauses)
        self.clauses = []


def segment(text: str) -> list[list[tuple[list[str], str]]]:
    return Segmenter().run(text)


class Piper:
    def __init__(self) -> None:
        self.phonemizer = EspeakPhonemizer()
        self.cache: dict[str, str] = {}

    def sentences(self, text: str) -> list[str]:
        # espeak yields an empty clause after a final `.”`; PiperVoice drops
        # empty sentences before synthesis, so they are dropped here too.
        # piper yields NFD codepoints; compare NFC strings.
        return [
            unicodedata.normalize("NFC", "".join(s))
            for s in self.phonemizer.phonemize("vi", text)
            if s
        ]

    def word(self, word: str) -> str:
        if word not in self.cache:
            self.cache[word] = "".join(self.sentences(word))
        return self.cache[word]


def formula(piper: Piper, sentence: list[tuple[list[str], str]]) -> str:
    out = ""
    for words, mark in sentence:
        out += " ".join(piper.word(w) for w in words) + mark
        if mark in (",", ":", ";"):
            out += " "
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--golden", type=Path, help="write the golden file here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    piper = Piper()
    lines = [l for l in args.corpus.read_text(encoding="utf-8").splitlines() if l.strip()]
    matched = 0
    n_sentences = 0
    golden: list[str] = []
    for line in lines:
        expected = piper.sentences(line)
        ours = segment(line)
        got = [formula(piper, s) for s in ours]
        n_sentences += len(ours)
        if got == expected:
            matched += 1
        else:
            print(f"MISMATCH {line!r}\n  piper:   {expected}\n  formula: {got}")
        golden.append(f"T\t{line}")
        golden.extend(f"S\t{s}" for s in expected)
    print(f"{matched}/{len(lines)} lines match ({n_sentences} sentences, {len(piper.cache)} distinct words)")

    if args.golden:
        words = [f"W\t{w}\t{p}" for w, p in sorted(piper.cache.items())]
        header = [
            "# Written by tools/segment/check_corpus.py from piper-tts 1.8.0.",
            "# W<TAB>word<TAB>phonemes of the word alone (NFC)",
            "# T<TAB>corpus line, then S<TAB>phonemes of each of its sentences (NFC)",
        ]
        args.golden.write_text("\n".join(header + words + golden) + "\n", encoding="utf-8")
    return 0 if matched == len(lines) else 1


if __name__ == "__main__":
    sys.exit(main())
