#!/usr/bin/env bash
# Creates .venv with piper-tts 1.8.0, the reference runtime vtts is checked
# against. The venv sees Debian's site packages, so with `apt-get install
# python3-torch` it can also run tools/voicegen. Everything comes from package
# registries by package name. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VTTS_VENV:-.venv}
PIPER_VERSION=1.8.0
ORT_VERSION=1.32.0

if [ ! -x "$VENV/bin/python" ]; then
    # Debian's python3, so that --system-site-packages sees python3-torch
    # (CPU, 145 MB) instead of pip's 3 GB CUDA build.
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "piper-tts==$PIPER_VERSION" "onnxruntime==$ORT_VERSION"
"$VENV/bin/python" -c "import piper, onnxruntime; print('venv ready: piper-tts $PIPER_VERSION, onnxruntime', onnxruntime.__version__)"
