"""Sentence runs per second on one voice: one 2-thread session called serially (what vtts serve
does, behind its lock), the same session called by 2 threads at once (what piper-tts's server
does), and two 1-thread sessions in parallel.

    .venv/bin/python tools/bench/ort_concurrency.py MODEL [VTTS]
"""
import json, subprocess, sys, threading, time
import numpy as np, onnxruntime as ort
from stream import SENTENCES
model = sys.argv[1]
vtts = sys.argv[2] if len(sys.argv) > 2 else "target/release/vtts"
ids = [json.loads(l)["ids"] for l in subprocess.run([vtts, "phonemize", "-m", model, *SENTENCES], capture_output=True, text=True, check=True).stdout.splitlines()]
feeds = [{"input": np.array([i], dtype=np.int64), "input_lengths": np.array([len(i)], dtype=np.int64), "scales": np.array([0, 1, 0], dtype=np.float32)} for i in ids]
def sess(threads):
    o = ort.SessionOptions(); o.intra_op_num_threads = threads
    s = ort.InferenceSession(model, o, providers=["CPUExecutionProvider"]); s.run(None, feeds[0]); return s
def work(sessions, rounds=3):
    jobs = feeds * rounds; lock = threading.Lock(); t = time.perf_counter()
    def go(s):
        while True:
            with lock:
                if not jobs: return
                f = jobs.pop()
            s.run(None, f)
    th = [threading.Thread(target=go, args=(s,)) for s in sessions]
    [x.start() for x in th]; [x.join() for x in th]
    return len(feeds) * rounds / (time.perf_counter() - t)
a = sess(2); b1 = sess(1); b2 = sess(1)
for r in range(2):
    print("one 2-thread session, serial   %.2f runs/s" % work([a]))
    print("one 2-thread session, 2 callers %.2f runs/s" % work([a, a]))
    print("two 1-thread sessions, parallel %.2f runs/s" % work([b1, b2]))
