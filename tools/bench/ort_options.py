#!/usr/bin/env python3
"""Which ONNX Runtime session options help a Piper voice on this machine.

Each configuration runs in a fresh process (with ONNX Runtime's telemetry off, as in
vtts): create the session (timed), run the first
sentence once (timed: the first run of a session is slower), then the whole
paragraph's sentences (timed), and report its peak RSS. Configurations are visited
round-robin, `--rounds` times, and medians are printed. The library is the same
onnxruntime that vtts bundles, so the numbers transfer.

    .venv/bin/python tools/bench/ort_options.py --model /tmp/vtts-bench/voices/medium.onnx
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> how to set up SessionOptions (applied in the worker).
CONFIGS = {
    "default": {},
    "intra_op_1": {"intra_op_num_threads": 1},
    "no_spinning": {"config": {"session.intra_op.allow_spinning": "0"}},
    "opt_extended": {"level": "ORT_ENABLE_EXTENDED"},
    "opt_basic": {"level": "ORT_ENABLE_BASIC"},
    "opt_disabled": {"level": "ORT_DISABLE_ALL"},
    "no_cpu_arena": {"enable_cpu_mem_arena": False},
    "no_mem_pattern": {"enable_mem_pattern": False},
    "parallel_executor": {"execution_mode": "ORT_PARALLEL", "inter_op_num_threads": 2},
    "no_prepacking": {"config": {"session.disable_prepacking": "1"}},
    "saved_optimized": {"saved": "all", "level": "ORT_DISABLE_ALL"},
    # What vtts does: the graph it cached (extended level, weights in their own
    # file), loaded without optimisation, memory patterns and prepacking.
    "vtts": {"saved": "extended", "level": "ORT_DISABLE_ALL", "enable_mem_pattern": False,
             "config": {"session.disable_prepacking": "1"}},
}


def options_for(spec):
    import onnxruntime as ort
    options = ort.SessionOptions()
    if "level" in spec:
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, spec["level"])
    for key in ("intra_op_num_threads", "inter_op_num_threads", "enable_cpu_mem_arena",
                "enable_mem_pattern"):
        if key in spec:
            setattr(options, key, spec[key])
    if "execution_mode" in spec:
        options.execution_mode = getattr(ort.ExecutionMode, spec["execution_mode"])
    for key, value in spec.get("config", {}).items():
        options.add_session_config_entry(key, value)
    return options


def worker(model, name, ids_file):
    import numpy as np
    import onnxruntime as ort
    spec = CONFIGS[name]
    sentences = [json.loads(line)["ids"] for line in open(ids_file)]
    path = optimized_path(model, spec["saved"]) if spec.get("saved") else model
    started = time.perf_counter()
    session = ort.InferenceSession(path, options_for(spec), providers=["CPUExecutionProvider"])
    loaded = time.perf_counter()
    feeds = [{"input": np.array([ids], dtype=np.int64),
              "input_lengths": np.array([len(ids)], dtype=np.int64),
              "scales": np.array([0, 1, 0], dtype=np.float32)} for ids in sentences]
    session.run(None, feeds[0])
    first = time.perf_counter()
    for feed in feeds:
        session.run(None, feed)
    done = time.perf_counter()
    print(json.dumps({"load": loaded - started, "first_run": first - loaded,
                      "paragraph": done - first,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def optimized_path(model, kind):
    return str(Path("/tmp/vtts-bench") / f"{Path(model).stem}.optimized-{kind}.onnx")


def save_optimized(model):
    """Saves the graph optimised at level ALL (weights inside), and as vtts caches it."""
    import onnxruntime as ort
    took = {}
    for kind in ("all", "extended"):
        options = ort.SessionOptions()
        options.optimized_model_filepath = optimized_path(model, kind)
        if kind == "extended":
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            options.add_session_config_entry(
                "session.optimized_model_external_initializers_file_name",
                Path(optimized_path(model, kind)).name + ".data")
            options.add_session_config_entry(
                "session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        started = time.perf_counter()
        ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        took[kind] = time.perf_counter() - started
    return took


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--vtts", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", str(HERE.parents[1] / "target")), "release/vtts"))
    parser.add_argument("--text", default=str(HERE / "data/paragraph.txt"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(CONFIGS))
    parser.add_argument("--json")
    args = parser.parse_args()
    ids_file = "/tmp/vtts-bench/ort-options-ids.jsonl"
    Path(ids_file).parent.mkdir(parents=True, exist_ok=True)
    with open(ids_file, "w") as out:
        subprocess.run([args.vtts, "phonemize", "-m", args.model, "-f", args.text], check=True,
                       stdout=out)
    saving = save_optimized(args.model)
    for kind, took in saving.items():
        print(f"saving the model optimised at level {kind} took {took * 1000:.0f} ms")
    runs = {name: [] for name in args.only}
    for _ in range(args.rounds):
        for name in args.only:
            out = subprocess.run([sys.executable, __file__, "--worker", args.model, name,
                                  ids_file], check=True, capture_output=True, text=True,
                                 env=dict(os.environ, ORT_DISABLE_TELEMETRY="1")).stdout
            runs[name].append(json.loads(out))
    med = statistics.median
    base = med(r["paragraph"] for r in runs.get("default", runs[args.only[0]]))
    print(f"{'options':18} {'load ms':>8} {'1st run ms':>10} {'paragraph ms':>12} {'vs default':>10}"
          f" {'peak RSS MB':>11}")
    table = {}
    for name, rs in runs.items():
        row = {key: med(r[key] for r in rs) for key in ("load", "first_run", "paragraph", "rss_mb")}
        table[name] = row
        print(f"{name:18} {row['load'] * 1000:8.0f} {row['first_run'] * 1000:10.0f}"
              f" {row['paragraph'] * 1000:12.0f} {100 * (row['paragraph'] / base - 1):+9.1f}%"
              f" {row['rss_mb']:11.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"save_optimized_s": saving, "configs": table},
                                              indent=2) + "\n")


if __name__ == "__main__":
    main()
