#!/usr/bin/env python3
"""Reference phonemes and ids from piper-tts's text front end (no inference).

Reads a UTF-8 text file (one text per line; `-` = stdin) and prints one JSON
line per input line:

    {"text": line, "sentences": [{"phonemes": "...", "ids": [...]}, ...]}

using PiperVoice.phonemize + PiperVoice.phonemes_to_ids, exactly what
PiperVoice.synthesize does before inference. The voice config (`--config`, or
`--model` to use MODEL.json) gives the espeak voice and phoneme_id_map; without
one, espeak voice "vi" and piper's DEFAULT_PHONEME_ID_MAP are used (the map the
test voices carry).

    .venv/bin/python tools/reference/piper_ids.py texts.txt > ids.jsonl
"""

import argparse
import json
import sys

from piper import PiperConfig, PiperVoice
from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP


def load_config(args) -> PiperConfig:
    path = args.config or (f"{args.model}.json" if args.model else None)
    if path:
        with open(path, "r", encoding="utf-8") as f:
            return PiperConfig.from_dict(json.load(f))
    return PiperConfig.from_dict(
        {
            "num_symbols": 256,
            "num_speakers": 1,
            "audio": {"sample_rate": 22050},
            "espeak": {"voice": args.espeak_voice},
            "phoneme_type": "espeak",
            "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="text file, one text per line ('-' = stdin)")
    parser.add_argument("--model", help="voice .onnx whose MODEL.json to use")
    parser.add_argument("--config", help="voice config .onnx.json to use")
    parser.add_argument("--espeak-voice", default="vi", help="without a config (default vi)")
    args = parser.parse_args()

    # phonemize/phonemes_to_ids never touch the ONNX session
    voice = PiperVoice(session=None, config=load_config(args))  # type: ignore[arg-type]

    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as f:
            data = f.read()
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # final newline

    out = sys.stdout
    for line in lines:
        line = line.rstrip("\r")
        sentences = []
        for phonemes in voice.phonemize(line):
            if not phonemes:
                continue  # synthesize() skips empty sentences too
            sentences.append(
                {"phonemes": "".join(phonemes), "ids": voice.phonemes_to_ids(phonemes)}
            )
        record = {"text": line, "sentences": sentences}
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
