"""Drives vtts's /v1/audio/speech with the openai package from PyPI, as an
application would, and reports what came back as one JSON line.

    python client.py BASE_URL OUT_DIR [API_KEY]

Every response body is saved in OUT_DIR for the Rust test to decode with
ffmpeg; exceptions are reported by their class name.
"""

import json
import sys
from pathlib import Path

import openai

base, out = sys.argv[1], Path(sys.argv[2])
key = sys.argv[3] if len(sys.argv) > 3 else "not-checked"
client = openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=60)
text = "Xin chào các bạn. Hôm nay trời đẹp quá!"
report = {"version": openai.__version__, "files": {}, "errors": {}}


def save(name, data):
    (out / name).write_bytes(data)
    report["files"][name] = len(data)


def error_of(call):
    try:
        call()
        return None
    except openai.APIStatusError as error:
        return {"class": type(error).__name__, "status": error.status_code,
                "param": getattr(error, "param", None), "code": getattr(error, "code", None)}


# Defaults only: OpenAI's default format is mp3.
save("default.mp3", client.audio.speech.create(model="tts-1", voice="alloy", input=text).content)
# Without noise (vtts's own fields, through extra_body), so that every
# format carries the same audio.
for fmt in ["mp3", "opus", "flac", "wav", "pcm"]:
    reply = client.audio.speech.create(model="gpt-4o-mini-tts", voice="nova", input=text,
                                       response_format=fmt, speed=1.25,
                                       instructions="Speak calmly.",
                                       extra_body={"noise_scale": 0, "noise_w": 0})
    save(f"format.{fmt}", reply.content)

# Streamed, as the SDK documents it, chunk by chunk.
chunks = 0
with client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="echo", input=text * 3, response_format="mp3",
        extra_body={"noise_scale": 0, "noise_w": 0}) as response:
    report["streamed_content_type"] = response.headers.get("content-type")
    data = b""
    for chunk in response.iter_bytes():
        chunks += 1
        data += chunk
save("streamed.mp3", data)
report["streamed_chunks"] = chunks

report["errors"]["speed"] = error_of(lambda: client.audio.speech.create(
    model="tts-1", voice="alloy", input=text, speed=9))
report["errors"]["aac"] = error_of(lambda: client.audio.speech.create(
    model="tts-1", voice="alloy", input=text, response_format="aac"))
report["errors"]["missing_key"] = error_of(lambda: openai.OpenAI(
    base_url=base + "/v1", api_key="wrong", max_retries=0).audio.speech.create(
        model="tts-1", voice="alloy", input=text))
report["models"] = [m.id for m in client.models.list()]
print(json.dumps(report))
