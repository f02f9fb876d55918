"""Probe how espeak-ng (through piper-tts) splits Vietnamese text into clauses.

Prints, for each probe text, espeak's raw clauses (phonemes, terminator,
end_of_sentence) and piper's sentences. Run with the project venv:

    .venv/bin/python tools/segment/probe.py            # the built-in probes
    .venv/bin/python tools/segment/probe.py "văn bản"  # your own texts
"""

import sys

from piper import espeakbridge
from piper.phonemize_espeak import EspeakPhonemizer

PHONEMIZER = EspeakPhonemizer()

# "tôi đi" and "bạn về" around the construct under test.
PROBES = {
    "sentence marks": ["tôi đi. bạn về", "tôi đi? bạn về", "tôi đi! bạn về"],
    "clause marks": ["tôi đi, bạn về", "tôi đi: bạn về", "tôi đi; bạn về"],
    "doubled marks": [
        "tôi đi?! bạn về", "tôi đi!? bạn về", "tôi đi!! bạn về", "tôi đi?? bạn về",
        "tôi đi.. bạn về", "tôi đi,, bạn về", "tôi đi., bạn về", "tôi đi,. bạn về",
        "tôi đi;. bạn về", "tôi đi:; bạn về", "tôi đi?. bạn về", "tôi đi.? bạn về",
        "tôi đi ! bạn về", "tôi đi , bạn về", "tôi đi . bạn về",
    ],
    "ellipsis": [
        "tôi đi… bạn về", "tôi đi... bạn về", "tôi đi …bạn về", "tôi đi... Bạn về",
        "tôi đi…. bạn về", "tôi đi.... bạn về", "tôi đi . . . bạn về", "tôi đi…",
        "tôi đi...", "…tôi đi", "tôi đi…, bạn về", "tôi đi…! bạn về",
    ],
    "dashes": [
        "tôi đi – bạn về", "tôi đi — bạn về", "tôi đi–bạn về", "tôi đi—bạn về",
        "tôi đi - bạn về", "tôi đi-bạn về", "tôi đi -bạn về", "tôi đi- bạn về",
        "tôi đi -- bạn về", "– tôi đi", "tôi đi –", "tôi đi ― bạn về", "tôi đi ‒ bạn về",
    ],
    "quotes": [
        'tôi "đi" bạn về', "tôi “đi” bạn về", "tôi ‘đi’ bạn về", "tôi 'đi' bạn về",
        "tôi «đi» bạn về", 'tôi đi." bạn về', 'tôi đi". bạn về', "tôi đi.” bạn về",
        "tôi đi!” bạn về", "tôi đi?” Bạn về", "tôi đi,” bạn về", "“tôi đi.” “bạn về.”",
        '"tôi đi"', "tôi đi: “bạn về”",
    ],
    "brackets": [
        "tôi (đi) bạn về", "tôi [đi] bạn về", "tôi {đi} bạn về", "tôi đi (bạn về)",
        "tôi đi.) bạn về", "tôi đi). bạn về", "(tôi đi.) bạn về", "tôi đi (bạn, về) nhé",
    ],
    "slash and others": [
        "tôi/đi bạn về", "tôi / đi bạn về", "tôi đi & bạn về", "tôi đi * bạn về",
        "tôi đi • bạn về", "tôi đi · bạn về", "tôi đi | bạn về", "tôi đi _ bạn về",
        "tôi đi ~ bạn về", "tôi đi # bạn về", "tôi đi¡ bạn về", "tôi đi¿ bạn về",
    ],
    "no space after mark": [
        "tôi đi.bạn về", "tôi đi,bạn về", "tôi đi?bạn về", "tôi đi!bạn về",
        "tôi đi:bạn về", "tôi đi;bạn về", "tôi đi.Bạn về",
    ],
    "period and case": ["tôi đi. Bạn về", "ông A. Nam đi", "tôi đi. đi", "tôi đi.\tbạn về"],
    "line breaks": [
        "tôi đi\nbạn về", "tôi đi\n\nbạn về", "tôi đi.\nbạn về", "tôi đi.\n\nbạn về",
        "tôi đi,\nbạn về", "tôi đi,\n\nbạn về", "tôi đi!\n\nbạn về", "tôi đi\r\nbạn về",
        "tôi đi\r\n\r\nbạn về", "tôi đi\n \nbạn về", "tôi đi\n\n\nbạn về", "tôi đi\rbạn về",
        "tôi đi\u2028bạn về", "tôi đi\u2029bạn về", "tôi đi\u0085bạn về",
    ],
    "spaces": [
        "  tôi đi  ", "tôi   đi", "tôi\tđi", "tôi\u00a0đi", "tôi\u200bđi",
        "tôi đi ,bạn về", "tôi đi\u3000bạn về", "tôi\u202fđi",
    ],
    "marks with nothing before": [
        ". . .", ", ,", ". tôi đi", ", tôi đi", "tôi đi. . bạn về", "tôi đi, , bạn về",
        "tôi đi. , bạn về", "tôi đi, . bạn về", "!", "", " ", "tôi đi. ! bạn về",
        "tôi đi; ; bạn về", "– – tôi đi", "tôi đi! . bạn về",
    ],
    "final mark": ["tôi đi", "tôi đi.", "tôi đi,", "tôi đi:", "tôi đi;", "tôi đi –"],
    "cjk and fullwidth": ["tôi đi。bạn về", "tôi đi，bạn về", "tôi đi？bạn về", "tôi đi！bạn về"],
    "long clause": [" ".join(["tôi đi học"] * n) for n in (40, 60, 100)],
}


def show(text: str) -> None:
    espeakbridge.set_voice("vi")
    clauses = espeakbridge.get_phonemes(text)
    sentences = ["".join(s) for s in PHONEMIZER.phonemize("vi", text)]
    print(f"{text!r}")
    print(f"    clauses:   {clauses}")
    print(f"    sentences: {sentences}")


def main() -> None:
    if len(sys.argv) > 1:
        for text in sys.argv[1:]:
            show(text)
        return
    for title, texts in PROBES.items():
        print(f"== {title}")
        for text in texts:
            show(text)


if __name__ == "__main__":
    main()
