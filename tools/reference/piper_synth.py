#!/usr/bin/env python3
"""Reference synthesis with piper-tts, for comparing vtts against.

Reads UTF-8 text on stdin, synthesises it with piper.PiperVoice and writes one
JSON line per sentence (per audio chunk) to stdout:

    {"phonemes": "<phonemes joined>", "ids": [...], "samples": [i16, ...]}

`samples` are exactly piper's `audio_chunk.audio_int16_array` (peak-normalised,
as piper does by default). Options left out fall back to the voice config.

    echo "Xin chào." | .venv/bin/python tools/reference/piper_synth.py \
        --model tests/voices/vi_VN-test-tiny.onnx --noise-scale 0 --noise-w 0
"""

import argparse
import json
import sys

from piper import PiperVoice, SynthesisConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="voice .onnx (config: MODEL.json)")
    parser.add_argument("--config", help="voice config (default MODEL.json)")
    parser.add_argument("--noise-scale", type=float)
    parser.add_argument("--noise-w", type=float)
    parser.add_argument("--length-scale", type=float)
    parser.add_argument("--speaker", type=int, help="speaker id (multi-speaker voices)")
    args = parser.parse_args()

    voice = PiperVoice.load(args.model, config_path=args.config)
    syn_config = SynthesisConfig(
        noise_scale=args.noise_scale,
        noise_w_scale=args.noise_w,
        length_scale=args.length_scale,
        speaker_id=args.speaker,
    )

    text = sys.stdin.buffer.read().decode("utf-8")
    out = sys.stdout
    for chunk in voice.synthesize(text, syn_config=syn_config):
        record = {
            "phonemes": "".join(chunk.phonemes),
            "ids": [int(i) for i in chunk.phoneme_ids],
            "samples": chunk.audio_int16_array.tolist(),
        }
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
