#!/usr/bin/env python3
"""Time to first audio vs. total time of /tts/stream, side by side in one run.

Starts `vtts serve` with a voice, then, interleaved, requests (a) a
10-sentence text on /tts/stream, noting when the first audio byte and the last
byte arrive, and (b) the first sentence alone, whose total time is the
synthesis time of that sentence. Prints medians.

    cargo build --release
    .venv/bin/python tools/voicegen/voicegen.py --preset medium --output /tmp/medium.onnx
    python3 tools/bench/stream.py --model /tmp/medium.onnx [--runs 10]
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


def stream(address, text):
    """Returns (seconds to the first audio byte, seconds to the end, body bytes)."""
    body = json.dumps({"text": text}).encode()
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
        # The first chunk after the head is the 44-byte WAV header; audio follows it.
        if first_audio is None and head_end >= 0 and len(data) > head_end + 4 + 60:
            first_audio = time.perf_counter() - started
    total = time.perf_counter() - started
    sock.close()
    return first_audio, total, len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--binary", default="target/release/vtts")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    server, address = start(args.binary, args.model)
    try:
        text = " ".join(SENTENCES)
        stream(address, text)  # warm-up
        firsts, totals, alone = [], [], []
        for _ in range(args.runs):
            first, total, _ = stream(address, text)
            firsts.append(first)
            totals.append(total)
            alone.append(stream(address, SENTENCES[0])[1])
        med = statistics.median
        print(f"voice {args.model}, {len(SENTENCES)} sentences, {args.runs} runs, medians:")
        print(f"  first sentence alone (its synthesis): {med(alone) * 1000:7.1f} ms")
        print(f"  time to first audio byte:             {med(firsts) * 1000:7.1f} ms")
        print(f"  total time, 10 sentences:             {med(totals) * 1000:7.1f} ms")
        print(f"  first audio / total:                  {med(firsts) / med(totals):7.3f}")
        print(f"  first audio - first sentence alone:   {(med(firsts) - med(alone)) * 1000:7.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
