#!/usr/bin/env python3
"""Time to first audio vs. total time of /tts/stream, side by side in one run.

Starts `vtts serve` with a voice, then, interleaved, requests (a) a
10-sentence text on /tts/stream in each format, noting when the first body
byte and the last byte arrive, and (b) the first sentence alone (as WAV),
whose total time is the synthesis time of that sentence. Nothing of a body
is sent before the first sentence is ready, so the first body byte is the
first audio (for WAV, its header goes out with the first sentence's
samples). Prints medians.

    cargo build --release
    .venv/bin/python tools/voicegen/voicegen.py --preset medium --output /tmp/medium.onnx
    python3 tools/bench/stream.py --model /tmp/medium.onnx [--runs 10] [--formats wav,mp3,opus,flac]
"""

import argparse
import json
import socket
import statistics
import subprocess
import time

SENTENCES = [
    "Hôm nay trời Hà Nội trong xanh và nắng nhẹ.",
    "Người dân đổ ra đường đi dạo quanh hồ Gươm.",
    "Những hàng cây xanh rì rào trong gió sớm.",
    "Các quán cà phê ven hồ đã đông khách từ sáng.",
    "Trẻ em nô đùa trên những con phố đi bộ.",
    "Các cụ già tập thể dục bên bờ hồ yên tĩnh.",
    "Du khách nước ngoài thích thú chụp ảnh kỷ niệm.",
    "Tiếng chuông chùa vang lên từ phía xa xa.",
    "Chiều nay có thể có mưa rào ở vài nơi.",
    "Mọi người nhớ mang theo áo mưa khi ra ngoài nhé!",
]


def start(binary, model):
    server = subprocess.Popen(
        [binary, "serve", "-m", model, "--host", "127.0.0.1", "--port", "0",
         "--audio-dir", "/tmp/vtts-bench-audio"],
        stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        if "on http://" in line:
            host, port = line.split("on http://")[1].split()[0].rsplit(":", 1)
            return server, (host, int(port))
    raise SystemExit("vtts serve did not start")


def stream(address, text, fmt="wav"):
    """Returns (seconds to the first body byte, seconds to the end, body bytes)."""
    body = json.dumps({"text": text, "format": fmt, "noise_scale": 0, "noise_w": 0}).encode()
    started = time.perf_counter()
    sock = socket.create_connection(address)
    sock.sendall(b"POST /tts/stream HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    data = b""
    first_audio = None
    # The response is chunked: it ends with the zero-length chunk.
    while not data.endswith(b"\r\n0\r\n\r\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        head_end = data.find(b"\r\n\r\n")
        # After the head, a chunk's size line, then its first byte.
        if first_audio is None and head_end >= 0:
            size_end = data.find(b"\r\n", head_end + 4)
            if size_end >= 0 and len(data) > size_end + 2:
                first_audio = time.perf_counter() - started
    total = time.perf_counter() - started
    sock.close()
    return first_audio, total, len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--binary", default="target/release/vtts")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--formats", default="wav,mp3")
    args = parser.parse_args()
    formats = args.formats.split(",")
    server, address = start(args.binary, args.model)
    try:
        text = " ".join(SENTENCES)
        for fmt in formats:
            stream(address, text, fmt)  # warm-up
        firsts = {fmt: [] for fmt in formats}
        totals = {fmt: [] for fmt in formats}
        sizes = {}
        alone = []
        for run in range(args.runs):
            # Each round in another order, so no format always follows another.
            order = formats[run % len(formats):] + formats[:run % len(formats)]
            for fmt in order:
                first, total, size = stream(address, text, fmt)
                firsts[fmt].append(first)
                totals[fmt].append(total)
                sizes[fmt] = size
            alone.append(stream(address, SENTENCES[0])[1])
        med = statistics.median
        print(f"voice {args.model}, {len(SENTENCES)} sentences, {args.runs} runs, medians:")
        print(f"  first sentence alone (its synthesis): {med(alone) * 1000:7.1f} ms")
        for fmt in formats:
            print(f"  {fmt:5} first byte {med(firsts[fmt]) * 1000:7.1f} ms"
                  f" ({(med(firsts[fmt]) - med(alone)) * 1000:+6.1f} ms after the first sentence),"
                  f" total {med(totals[fmt]) * 1000:7.1f} ms, first/total {med(firsts[fmt]) / med(totals[fmt]):.3f},"
                  f" {sizes[fmt]} bytes")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
