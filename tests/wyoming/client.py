"""A Wyoming client that behaves as Home Assistant's wyoming integration does,
built on the `wyoming` package from PyPI (the tests run it at 1.7.2, what HA
pins, and at the current release). Driven by tests/wyoming.rs; prints one
JSON object on stdout.

    client.py info URI
    client.py speak URI OUT TEXT [VOICE [SPEAKER]]
    client.py stream URI OUT VOICE CHUNK...
    client.py load URI TEXT CLIENTS
"""

import asyncio
import json
import sys
import time

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncClient
from wyoming.error import Error
from wyoming.info import Describe, Info
from wyoming.tts import (
    Synthesize,
    SynthesizeChunk,
    SynthesizeStart,
    SynthesizeStop,
    SynthesizeStopped,
    SynthesizeVoice,
)

# Home Assistant's timeouts: 1 s for describe, and it gives up on a TTS
# request that stalls; these bound the test instead.
INFO_TIMEOUT = 1.0
READ_TIMEOUT = 60.0


async def describe(uri):
    """One describe on its own connection, as load_wyoming_info does."""
    started = time.monotonic()
    async with AsyncClient.from_uri(uri) as client:
        await client.write_event(Describe().event())
        while True:
            event = await asyncio.wait_for(client.read_event(), INFO_TIMEOUT)
            if event is None:
                raise RuntimeError("connection closed before info")
            if Info.is_type(event.type):
                return Info.from_event(event), (time.monotonic() - started) * 1000


def pick(info):
    """HA's WyomingTtsProvider: the first installed program, its installed voices."""
    program = next(p for p in info.tts if p.installed)
    voices = [v for v in program.voices if v.installed]
    languages = sorted({lang for v in voices for lang in v.languages})
    return program, voices, languages


async def info_command(uri):
    info, ms = await describe(uri)
    program, voices, languages = pick(info)
    return {
        "program": program.name,
        "version": program.version,
        "streaming": program.supports_synthesize_streaming,
        "languages": languages,
        "voices": [
            {
                "name": v.name,
                "languages": v.languages,
                "speakers": [s.name for s in v.speakers] if v.speakers else None,
            }
            for v in voices
        ],
        "describe_ms": ms,
    }


async def read_audio(client, until, out):
    """Reads events until one `until` accepts; writes the PCM to `out`."""
    kinds, starts, chunks = [], [], []
    first_chunk_format = None
    pcm = bytearray()
    while True:
        event = await asyncio.wait_for(client.read_event(), READ_TIMEOUT)
        if event is None:
            kinds.append("closed")
            break
        kinds.append(event.type)
        if AudioStart.is_type(event.type):
            start = AudioStart.from_event(event)
            starts.append([start.rate, start.width, start.channels])
        elif AudioChunk.is_type(event.type):
            chunk = AudioChunk.from_event(event)
            if first_chunk_format is None:
                first_chunk_format = [chunk.rate, chunk.width, chunk.channels]
            chunks.append(len(chunk.audio) // (chunk.width * chunk.channels))
            pcm += chunk.audio
        elif Error.is_type(event.type):
            error = Error.from_event(event)
            kinds[-1] = "error: " + error.text
        if until(event):
            break
    with open(out, "wb") as f:
        f.write(pcm)
    return {
        "kinds": kinds,
        "starts": starts,
        "format": first_chunk_format,
        "chunk_samples": chunks,
        "bytes": len(pcm),
    }


async def speak_command(uri, out, text, voice=None, speaker=None):
    """HA's async_get_tts_audio: synthesize, then read to the first audio-stop."""
    async with AsyncClient.from_uri(uri) as client:
        voice = SynthesizeVoice(name=voice, speaker=speaker) if voice else None
        await client.write_event(Synthesize(text=text, voice=voice).event())
        return await read_audio(client, lambda e: AudioStop.is_type(e.type), out)


async def stream_command(uri, out, voice, chunks):
    """HA's async_stream_tts_audio: start, chunks from a task of their own
    while audio is read, the compatibility synthesize, stop; read to stopped."""
    async with AsyncClient.from_uri(uri) as client:
        synth_voice = SynthesizeVoice(name=voice) if voice else None
        await client.write_event(SynthesizeStart(voice=synth_voice).event())

        async def send():
            for chunk in chunks:
                await client.write_event(SynthesizeChunk(text=chunk).event())
                await asyncio.sleep(0.01)
            await client.write_event(
                Synthesize(text="".join(chunks), voice=synth_voice).event()
            )
            await client.write_event(SynthesizeStop().event())

        sender = asyncio.create_task(send())
        result = await read_audio(
            client, lambda e: SynthesizeStopped.is_type(e.type), out
        )
        await sender
        return result


async def load_command(uri, text, clients):
    """Several HA requests at once, and describe's latency meanwhile."""
    outs = [f"/dev/shm/vtts-wyoming-load-{i}.pcm" for i in range(clients)]
    speaking = [
        asyncio.create_task(speak_command(uri, out, text)) for out in outs
    ]
    await asyncio.sleep(0.2)
    latencies = []
    while not all(task.done() for task in speaking):
        _, ms = await describe(uri)
        latencies.append(ms)
        await asyncio.sleep(0.05)
    results = [await task for task in speaking]
    import os

    for out in outs:
        os.unlink(out)
    return {
        "describe_ms": latencies,
        "complete": sum(1 for r in results if r["kinds"][-1] == "audio-stop"),
        "bytes": [r["bytes"] for r in results],
    }


def main():
    command, uri, *rest = sys.argv[1:]
    if command == "info":
        result = info_command(uri)
    elif command == "speak":
        result = speak_command(uri, *rest)
    elif command == "stream":
        out, voice, *chunks = rest
        result = stream_command(uri, out, voice or None, chunks)
    elif command == "load":
        text, clients = rest
        result = load_command(uri, text, int(clients))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(asyncio.run(result)))


if __name__ == "__main__":
    main()
