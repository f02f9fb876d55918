#!/usr/bin/env python3
"""Time a Piper-format voice with onnxruntime (CPU, 2 threads by default).

    bench.py VOICE.onnx [--ids 100] [--runs 5] [--threads 2]

Prints session load time, median inference time for an id sequence of the given
length (Piper-like ^ _ p _ ... $ ids, default scales 0.667/1/0.8, sid 0) and the
output length in seconds.
"""

import argparse
import json
import statistics
import time

import numpy as np
import onnxruntime


def piper_like_ids(n: int) -> np.ndarray:
    rng = np.random.RandomState(12345)
    ids = [1, 0]
    for p in rng.randint(14, 160, size=(n - 3) // 2):
        ids += [int(p), 0]
    ids.append(2)
    return np.array([ids], dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--ids", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scales", default="0.667,1,0.8",
                        help="noise_scale,length_scale,noise_w (default 0.667,1,0.8)")
    args = parser.parse_args()

    with open(f"{args.model}.json", encoding="utf-8") as f:
        config = json.load(f)
    rate = config["audio"]["sample_rate"]

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    t0 = time.perf_counter()
    sess = onnxruntime.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    load = time.perf_counter() - t0

    ids = piper_like_ids(args.ids)
    feeds = {
        "input": ids,
        "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
        "scales": np.array([float(v) for v in args.scales.split(",")], dtype=np.float32),
    }
    if config["num_speakers"] > 1:
        feeds["sid"] = np.array([0], dtype=np.int64)
    for _ in range(3):  # warm-up: the first runs are much slower
        sess.run(None, feeds)
    times, seconds = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        out = sess.run(None, feeds)[0]
        times.append(time.perf_counter() - t0)
        seconds.append(out.shape[-1] / rate)
    infer = statistics.median(times)
    audio = statistics.median(seconds)
    print(json.dumps({
        "model": args.model,
        "ids": int(ids.shape[1]),
        "scales": args.scales,
        "load_s": round(load, 3),
        "infer_ms_median": round(infer * 1000, 1),
        "audio_s_median": round(audio, 2),
        "rtf": round(infer / audio, 4),
    }))


if __name__ == "__main__":
    main()
