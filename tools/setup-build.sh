#!/usr/bin/env bash
# Installs the system packages that building vtts needs, by package name,
# on Debian or Ubuntu (as root, or through sudo when it is there):
#  - libasound2-dev and pkg-config: cpal, for --play;
#  - python3 and python3-pip: the build asks pip for the onnxruntime wheel
#    whose library it bundles (build.rs, by package name);
#  - gcc, libc6-dev and make: linking, and LAME, the MP3 encoder, built from its bundled sources
#    with its own configure script.
# Installs nothing that is already there. Safe to run again.
set -euo pipefail

packages=(libasound2-dev pkg-config python3 python3-pip gcc libc6-dev make)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0

if ! command -v apt-get >/dev/null; then
    echo "setup-build: install these packages with your system's package manager: ${missing[*]}" >&2
    exit 1
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "setup-build: run as root, or install: ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi
echo "setup-build: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
