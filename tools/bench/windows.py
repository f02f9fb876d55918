#!/usr/bin/env python3
"""Windowed decoding against the whole-graph run, side by side in one run.

For sentences of about 60, 180, 480 and 1,000 ids, interleaved, with
VTTS_WINDOWS unset (windows) and VTTS_WINDOWS=0 (the whole graph):

- time to first audio of `vtts --raw` to a pipe (process start included, the
  optimised graphs already cached), and its peak RSS;
- time to the first body byte of /tts/stream in a warm server, and the time
  of the whole sentence (/tts/stream's last byte);
- peak RSS of the CLI on text50k.txt against a short sentence.

Noise is off. Prints medians as a Markdown table.

    cargo build --release
    .venv/bin/python tools/voicegen/voicegen.py --preset medium --output /tmp/medium.onnx
    python3 tools/bench/windows.py --model /tmp/medium.onnx [--runs 5]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import time
from pathlib import Path

import procs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLAUSES = [
    "Hôm nay trời Hà Nội trong xanh và nắng nhẹ",
    "người dân đổ ra đường đi dạo quanh hồ Gươm",
    "những hàng cây xanh rì rào trong gió sớm",
    "các quán cà phê ven hồ đã đông khách từ sáng",
    "trẻ em nô đùa trên những con phố đi bộ",
    "các cụ già tập thể dục bên bờ hồ yên tĩnh",
]
NO_NOISE = ["--noise-scale", "0", "--noise-w", "0"]
# Opened write-only: vtts takes a read-write /dev/null on its standard
# output for a closed one (subprocess.DEVNULL is read-write).
SINK = open(os.devnull, "wb")


def ids_of(binary, text):
    out = subprocess.run([binary, "phonemize", text], capture_output=True, text=True, check=True)
    return sum(len(json.loads(line)["ids"]) for line in out.stdout.splitlines())


def sentence(binary, target):
    """One sentence of the clauses' words, a comma after each clause, as close to
    `target` ids as whole words come."""
    words = [(w, i == len(c.split()) - 1) for c in CLAUSES * 8 for i, w in enumerate(c.split())]
    best = None
    for n in range(1, len(words) + 1):
        text = " ".join(w + ("," if end else "") for w, end in words[:n]).rstrip(",") + "."
        count = ids_of(binary, text)
        if best is None or abs(count - target) < abs(best[1] - target):
            best = (text, count)
        if count >= target:
            return best
    return best


def env(windows):
    e = dict(os.environ)
    if windows:
        e.pop("VTTS_WINDOWS", None)
    else:
        e["VTTS_WINDOWS"] = "0"
    return e


def start(binary, model, windows):
    server = subprocess.Popen(
        [binary, "serve", "-m", model, "--host", "127.0.0.1", "--port", "0",
         "--audio-dir", f"/tmp/vtts-bench-windows-{int(windows)}"],
        stderr=subprocess.PIPE, text=True, env=env(windows))
    for line in server.stderr:
        if "on http://" in line:
            host, port = line.split("on http://")[1].split()[0].rsplit(":", 1)
            return server, (host, int(port))
    raise SystemExit("vtts serve did not start")


def stream(address, text):
    """(seconds to the first body byte, seconds to the end) of /tts/stream."""
    body = json.dumps({"text": text, "noise_scale": 0, "noise_w": 0}).encode()
    started = time.perf_counter()
    sock = socket.create_connection(address)
    sock.sendall(b"POST /tts/stream HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    data, first = b"", None
    while True:
        piece = sock.recv(1 << 16)
        if not piece:
            break
        data += piece
        head_end = data.find(b"\r\n\r\n")
        # The first chunk after the head holds the WAV header and the first audio.
        if first is None and head_end >= 0 and len(data) > head_end + 4 + 64:
            first = time.perf_counter() - started
    sock.close()
    return first, time.perf_counter() - started


def med(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--binary", default=str(ROOT / "target/release/vtts"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary, model = args.binary, args.model

    texts = [sentence(binary, target) for target in (60, 180, 480, 1000)]
    # Warm the model cache for both ways of loading.
    for windows in (True, False):
        procs.run([binary, "-q", "-m", model, *NO_NOISE, "--raw", "Xin chào."], stdout=SINK,
                  env=env(windows))

    cli = {(w, n): [] for w in (True, False) for _, n in texts}
    rss = {(w, n): [] for w in (True, False) for _, n in texts}
    for _ in range(args.runs):
        for text, n in texts:
            for windows in (True, False):
                run = procs.run_streamed([binary, "-q", "-m", model, *NO_NOISE, "--raw", text],
                                         env=env(windows))
                cli[windows, n].append(run.first_byte)
                rss[windows, n].append(run.rss_mb)

    servers = {w: start(binary, model, w) for w in (True, False)}
    first = {(w, n): [] for w in (True, False) for _, n in texts}
    whole = {(w, n): [] for w in (True, False) for _, n in texts}
    try:
        for text, _ in texts:
            for windows in (True, False):
                stream(servers[windows][1], text)  # warm-up
        for _ in range(args.runs):
            for text, n in texts:
                for windows in (True, False):
                    f, t = stream(servers[windows][1], text)
                    first[windows, n].append(f)
                    whole[windows, n].append(t)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait()

    text50k = str(HERE / "data/text50k.txt")
    def peak(w, *input_args):
        return procs.run([binary, "-q", "-m", model, *NO_NOISE, "--raw", *input_args],
                         stdout=SINK, env=env(w)).rss_mb
    big = {w: peak(w, "-f", text50k) for w in (True, False)}
    short = {w: med([peak(w, "Xin chào.") for _ in range(3)]) for w in (True, False)}

    print(f"medians of {args.runs} interleaved runs, {Path(model).name}")
    print()
    print("| ids | CLI first audio, windows | whole | /tts/stream first byte, windows | whole "
          "| whole sentence, windows | whole | CLI peak RSS, windows | whole |")
    print("|---|---|---|---|---|---|---|---|---|")
    for _, n in texts:
        ms = lambda v: f"{med(v) * 1000:.0f} ms"
        mb = lambda v: f"{med(v):.0f} MB"
        print(f"| {n} | {ms(cli[True, n])} | {ms(cli[False, n])} | {ms(first[True, n])} "
              f"| {ms(first[False, n])} | {ms(whole[True, n])} | {ms(whole[False, n])} "
              f"| {mb(rss[True, n])} | {mb(rss[False, n])} |")
    print()
    print(f"text50k.txt peak RSS: windows {big[True]:.0f} MB (short sentence {short[True]:.0f} MB), "
          f"whole {big[False]:.0f} MB (short sentence {short[False]:.0f} MB)")


if __name__ == "__main__":
    main()
