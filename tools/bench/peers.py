#!/usr/bin/env python3
"""vtts against its peers on one voice, side by side in one run: sherpa-onnx 1.13.8's
C++ CLI and piper-tts 1.8.0.

    python3 -m venv /tmp/sherpa
    /tmp/sherpa/bin/pip install sherpa-onnx==1.13.8 sherpa-onnx-bin==1.13.8 onnx
    cargo build --release
    python3 tools/bench/peers.py --model /tmp/medium.onnx --sherpa-venv /tmp/sherpa [--rounds 5]

1.13.8, because 2.x dropped espeak-ng and cannot read Vietnamese for a Piper voice
(../shared/research/PEERS.md). sherpa-onnx needs three things beside a Piper voice, which
this script makes in --work-dir: a copy of the model with sherpa's metadata in it (made
with the `onnx` package of the sherpa venv), tokens.txt from the voice's phoneme_id_map, and
espeak-ng data (piper-tts's, from the repo's .venv). Every engine runs on 2 threads with
noise off; each round runs the three in turn, and the medians are printed as a Markdown
table: a fresh process speaking one sentence (vtts with its optimised graph cached), the
literary paragraph, and the paragraph's peak RSS.
"""

import argparse
import json
import statistics
import subprocess
from pathlib import Path

import procs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SENTENCE = "Xin chào các bạn, hôm nay trời Hà Nội trong xanh và nắng nhẹ."
PARAGRAPH = HERE / "data/paragraph.txt"

# What sherpa-onnx reads from a Piper voice's ONNX metadata.
METADATA = """
import json, sys
import onnx
model, config, out = sys.argv[1:]
config = json.load(open(config))
m = onnx.load(model)
meta = {
    "model_type": "vits", "comment": "piper", "language": "Vietnamese", "voice": "vi",
    "has_espeak": "1", "n_speakers": str(config.get("num_speakers", 1)),
    "sample_rate": str(config["audio"]["sample_rate"]),
}
del m.metadata_props[:]
for key, value in meta.items():
    entry = m.metadata_props.add()
    entry.key, entry.value = key, value
onnx.save(m, out)
"""


def prepare_sherpa(model, venv, work):
    """The voice as sherpa-onnx wants it: (model copy, tokens.txt, espeak-ng data dir)."""
    work.mkdir(parents=True, exist_ok=True)
    config = Path(str(model) + ".json")
    copy = work / "sherpa-voice.onnx"
    subprocess.run([venv / "bin/python", "-c", METADATA, model, config, copy], check=True)
    tokens = work / "tokens.txt"
    id_map = json.loads(config.read_text())["phoneme_id_map"]
    with open(tokens, "w") as out:
        for symbol, ids in id_map.items():
            # Piper's ids are per codepoint; sherpa refuses longer symbols.
            if symbol != "\n" and len(symbol) == 1:
                out.write(f"{symbol} {ids[0]}\n")
    found = list((ROOT / ".venv/lib").glob("python3*/site-packages/piper/espeak-ng-data"))
    if not found:
        raise SystemExit("no piper/espeak-ng-data in .venv: run tools/setup-test-env.sh")
    return copy, tokens, found[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--sherpa-venv", required=True, type=Path)
    parser.add_argument("--vtts", default=str(ROOT / "target/release/vtts"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/vtts-bench-peers"))
    args = parser.parse_args()
    model = str(Path(args.model).resolve())
    copy, tokens, espeak = prepare_sherpa(model, args.sherpa_venv, args.work_dir)
    paragraph = PARAGRAPH.read_text()
    out = args.work_dir
    no_noise = ["--noise-scale", "0", "--noise-w", "0"]
    sherpa = [
        args.sherpa_venv / "bin/sherpa-onnx-offline-tts", f"--vits-model={copy}",
        f"--vits-tokens={tokens}", f"--vits-data-dir={espeak}", "--num-threads=2",
        "--vits-noise-scale=0", "--vits-noise-scale-w=0", "--vits-length-scale=1",
        "--tts-silence-scale=1", f"--output-filename={out / 'sherpa.wav'}",
    ]
    piper = [ROOT / ".venv/bin/python", "-m", "piper", "-m", model, *no_noise,
             "--sentence-silence", "0.2", "-f"]
    engines = {
        "vtts": lambda text: procs.run(
            [args.vtts, "-q", "-m", model, *no_noise, "-o", out / "vtts.wav"], stdin_text=text),
        "sherpa-onnx 1.13.8": lambda text: procs.run([*sherpa, text]),
        "piper-tts 1.8.0": lambda text: procs.run(
            [*piper, out / "piper.wav"], stdin_text=text),
    }
    for run in engines.values():  # warm-up: caches, page cache
        run(SENTENCE)
    times = {name: {"sentence": [], "paragraph": [], "rss": []} for name in engines}
    for _ in range(args.rounds):
        for name, run in engines.items():
            times[name]["sentence"].append(run(SENTENCE).wall)
            done = run(paragraph)
            times[name]["paragraph"].append(done.wall)
            times[name]["rss"].append(done.rss_mb)
    med = statistics.median
    base = {key: med(times["vtts"][key]) for key in ("sentence", "paragraph")}
    print(f"medians of {args.rounds} rounds, {Path(model).name}, 2 threads each, noise off\n")
    print("| engine | one sentence, fresh process | literary paragraph | paragraph peak RSS |")
    print("|---|---|---|---|")
    for name, t in times.items():
        sentence, whole = med(t["sentence"]), med(t["paragraph"])
        print(f"| {name} | {sentence * 1000:,.0f} ms ({sentence / base['sentence']:.2f}×) "
              f"| {whole:,.2f} s ({whole / base['paragraph']:.2f}×) | {med(t['rss']):.0f} MB |")


if __name__ == "__main__":
    main()
