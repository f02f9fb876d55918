#!/usr/bin/env python3
"""The Wyoming front end side by side with HTTP, in one run:

- first audio: a Wyoming `synthesize` (its first audio-chunk), /tts/stream
  (its first body byte) and the first sentence alone, interleaved;
- `describe` answered idle and while every synthesis worker is busy;
- the server's memory with three voices offered, after each has spoken, at
  --max-loaded-voices 1 and 3.

Prints medians (and the worst describe). Run with the project venv and the
wyoming package on the path:

    cargo build --release
    .venv/bin/python tools/voicegen/voicegen.py --preset medium --output /tmp/medium.onnx
    PYTHONPATH=.venv/wyoming-1.10.2 .venv/bin/python tools/bench/wyoming_bench.py --model /tmp/medium.onnx
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from wyoming.audio import AudioChunk, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeVoice

from stream import SENTENCES, stream

TEXT = " ".join(SENTENCES)


def start(binary, models, extra=()):
    args = [binary, "serve", "--host", "127.0.0.1", "--port", "0",
            "--wyoming", "tcp://127.0.0.1:0", "--audio-dir", "/tmp/vtts-bench-audio"]
    for model in models:
        args += ["-m", model]
    server = subprocess.Popen(args + list(extra), stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        if line.startswith("vtts: serving "):
            http = line.split("http://")[1].split()[0].rsplit(":", 1)
            tcp = line.split("tcp://")[1].split()[0].rsplit(":", 1)
            return server, (http[0], int(http[1])), (tcp[0], int(tcp[1]))
    raise SystemExit("vtts serve did not start")


async def first_chunk(address, text, voice=None):
    """Seconds to the first audio-chunk, and to the audio-stop."""
    started = time.perf_counter()
    first = None
    async with AsyncTcpClient(*address) as client:
        voice = SynthesizeVoice(name=voice) if voice else None
        await client.write_event(Synthesize(text=text, voice=voice).event())
        while True:
            event = await client.read_event()
            if event is None:
                raise SystemExit("the connection closed")
            if first is None and AudioChunk.is_type(event.type):
                first = time.perf_counter() - started
            if AudioStop.is_type(event.type):
                return first, time.perf_counter() - started


async def describe(address):
    started = time.perf_counter()
    async with AsyncTcpClient(*address) as client:
        await client.write_event(Describe().event())
        while True:
            event = await client.read_event()
            if Info.is_type(event.type):
                return (time.perf_counter() - started) * 1000


async def describe_under_load(address, clients, seconds):
    """describe's latency while `clients` keep every worker busy."""
    stop = time.monotonic() + seconds

    async def keep_busy():
        while time.monotonic() < stop:
            await first_chunk(address, TEXT)

    busy = [asyncio.create_task(keep_busy()) for _ in range(clients)]
    await asyncio.sleep(1.0)
    latencies = []
    while time.monotonic() < stop - 1:
        latencies.append(await describe(address))
        await asyncio.sleep(0.1)
    await asyncio.gather(*busy)
    return latencies


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def median_ms(values):
    return statistics.median(values) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/vtts")
    parser.add_argument("--model", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--load-seconds", type=float, default=20)
    args = parser.parse_args()

    # Without noise, so that every run of a text is the same length on every path.
    folder = tempfile.mkdtemp()
    quiet = os.path.join(folder, "quiet.onnx")
    shutil.copy(args.model, quiet)
    with open(args.model + ".json") as f:
        config = json.load(f)
    config["inference"].update(noise_scale=0, noise_w=0)
    with open(quiet + ".json", "w") as f:
        json.dump(config, f)

    server, http, tcp = start(args.binary, [quiet], ["--workers", "2"])
    try:
        rows = {"wyoming first audio-chunk": [], "wyoming audio-stop": [],
                "/tts/stream first byte": [], "/tts/stream end": [], "first sentence alone": []}
        asyncio.run(first_chunk(tcp, SENTENCES[0]))  # warm-up
        for _ in range(args.runs):
            first, end = asyncio.run(first_chunk(tcp, TEXT))
            rows["wyoming first audio-chunk"].append(first)
            rows["wyoming audio-stop"].append(end)
            first, end, _ = stream(http, TEXT)
            rows["/tts/stream first byte"].append(first)
            rows["/tts/stream end"].append(end)
            _, alone, _ = stream(http, SENTENCES[0])
            rows["first sentence alone"].append(alone)
        print(f"10-sentence text, medium voice, medians of {args.runs} interleaved runs:")
        for name, values in rows.items():
            print(f"  {name:28} {median_ms(values):8.1f} ms")

        idle = [asyncio.run(describe(tcp)) for _ in range(20)]
        loaded = asyncio.run(describe_under_load(tcp, 4, args.load_seconds))
        print(f"describe idle: median {statistics.median(idle):.1f} ms, worst {max(idle):.1f} ms")
        print(f"describe with 2 workers busy and 4 clients: {len(loaded)} calls, "
              f"median {statistics.median(loaded):.1f} ms, worst {max(loaded):.1f} ms")
    finally:
        server.terminate()
        server.wait()

    with tempfile.TemporaryDirectory() as copies:
        models = []
        for name in ["one", "two", "three"]:
            model = os.path.join(copies, f"{name}.onnx")
            shutil.copy(quiet, model)
            shutil.copy(quiet + ".json", model + ".json")
            models.append(model)
        for kept in [1, 3]:
            server, http, tcp = start(args.binary, models, ["--max-loaded-voices", str(kept)])
            try:
                start_mb = rss_mb(server.pid)
                for name in ["one", "two", "three", "one"]:
                    asyncio.run(first_chunk(tcp, SENTENCES[0], voice=name))
                print(f"3 voices offered, --max-loaded-voices {kept}: RSS {start_mb:.0f} MB at start, "
                      f"{rss_mb(server.pid):.0f} MB after each spoke")
            finally:
                server.terminate()
                server.wait()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
