#!/usr/bin/env bash
# Records what every front end of a vtts binary writes for the corpus, so
# that two builds can be compared byte for byte (`cmp -r`, or sha256sum):
#   tools/frontends/record.sh BINARY OUT_DIR [CORPUS]
# Noise is off, so the audio depends only on the text, the voice and the
# settings. Used to check that a refactoring changes no output.
set -euo pipefail
binary=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${3:-$root/tests/data/corpus.txt}
tiny=$root/tests/voices/vi_VN-test-tiny.onnx
multi=$root/tests/voices/vi_VN-test-tiny_multi.onnx
mkdir -p "$out"
export VTTS_OFFLINE=1 VTTS_DATA_DIR=$out/no-voices
quiet=(-q --noise-scale 0 --noise-w 0)

# The CLI: the whole corpus to a file; the start of it as a WAV stream, as
# raw PCM and with other settings; one file per line; JSON lines.
part=$out/part.txt
head -100 "$corpus" > "$part"
"$binary" -m "$tiny" "${quiet[@]}" -f "$corpus" -o "$out/cli-file.wav"
"$binary" -m "$tiny" "${quiet[@]}" -f "$part" | cat > "$out/cli-stream.wav"
"$binary" -m "$tiny" "${quiet[@]}" --raw -f "$part" | cat > "$out/cli-raw.pcm"
"$binary" -m "$multi" "${quiet[@]}" -s 2 --speed slow --dialect south -f "$part" -o "$out/cli-multi.wav"
head -40 "$corpus" | "$binary" -m "$tiny" "${quiet[@]}" --output-dir "$out/cli-dir" > /dev/null
head -40 "$corpus" | python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    if line.strip():
        print(json.dumps({"text": line.strip(), "output_file": sys.argv[1] + "/%03d.wav" % i,
                          "speed": ["slow", "fast", None][i % 3], "noise_scale": 0, "noise_w": 0}))
' "$out/cli-json" > "$out/jobs.jsonl"
mkdir -p "$out/cli-json"
"$binary" -m "$tiny" -q --json-input < "$out/jobs.jsonl" > /dev/null

# The server: /tts (the saved file), /tts/stream, /v1/audio/speech.
for voice in tiny multi; do
    model=$tiny; [ "$voice" = multi ] && model=$multi
    log=$out/serve-$voice.log
    "$binary" serve -m "$model" --host 127.0.0.1 --port 0 --audio-dir "$out/audio-$voice" 2> "$log" &
    pid=$!
    for _ in $(seq 100); do grep -q 'serving voice' "$log" && break; sleep 0.1; done
    addr=$(sed -n 's|.*on http://\([^ ]*\) .*|\1|p' "$log" | head -1)
    mkdir -p "$out/http-$voice"
    n=0
    while IFS= read -r line && [ $n -lt 24 ]; do
        [ -n "${line// /}" ] || continue
        n=$((n + 1))
        name=$(printf '%03d' $n)
        extra=(--data-urlencode noise_scale=0 --data-urlencode noise_w=0)
        [ "$voice" = multi ] && extra+=(--data-urlencode speaker=speaker_1 --data-urlencode speed=fast)
        url=$(curl -sf -G "http://$addr/tts" --data-urlencode "text=$line" "${extra[@]}" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["audio_url"])')
        curl -sf "$url" -o "$out/http-$voice/$name-tts.wav"
        curl -sf -G "http://$addr/tts/stream" --data-urlencode "text=$line" "${extra[@]}" \
            -o "$out/http-$voice/$name-stream.wav"
        curl -sf -X POST "http://$addr/tts/stream" --data-urlencode "text=$line" "${extra[@]}" \
            -o "$out/http-$voice/$name-stream-post.wav"
    done < "$corpus"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$out/audio-$voice" "$log"
done
rm -rf "$out/no-voices" "$out/jobs.jsonl" "$part"
(cd "$out" && find . -type f | sort | xargs sha256sum) > "$out.sha256"
echo "recorded $(wc -l < "$out.sha256") outputs in $out ($out.sha256)"
