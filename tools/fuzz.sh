#!/usr/bin/env bash
# Fuzzes the text front end (normalise → phonemise → cut → ids, fuzz/fuzz_targets/text.rs)
# for a time box, as CI does:
#
#   tools/fuzz.sh [SECONDS]      # default 60
#
# Installs cargo-fuzz (by crate name, with cargo) if it is missing. Prints how
# many inputs were run; on a crash or a timeout prints the input that caused it
# (kept in fuzz/artifacts/text/) and exits non-zero. Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -s none text fuzz/artifacts/text/crash-...
#
# The seeds in fuzz/seeds/text are read, never written: inputs libFuzzer finds
# go to the scratch corpus fuzz/corpus/text, which is not committed.
# CARGO_TARGET_DIR, if set, is used for the build (default fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: tools/fuzz.sh [SECONDS]   (a whole number of seconds, not '$seconds')" >&2
    exit 2
fi

# cargo-fuzz passes nightly-only flags (-Zsanitizer, -Cpasses=sancov...);
# this lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
# libfuzzer-sys compiles libFuzzer, which is C++.
if ! command -v c++ >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++ >/dev/null
    else
        echo "tools/fuzz.sh: libFuzzer needs a C++ compiler: install g++ (apt-get install g++)" >&2
        exit 1
    fi
fi

# Fuzz the same dependency versions vtts is locked to.
[ -f fuzz/Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock

corpus=fuzz/corpus/text
artifacts=fuzz/artifacts/text
mkdir -p "$corpus" "$artifacts"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The text front end is safe Rust, so no sanitizer (-s none): several times
# the executions per second. Debug assertions and overflow checks stay on.
# An input that takes over 10 s is reported like a crash (super-linear work).
# The log line per new corpus input is left out of the output.
status=0
cargo fuzz run -s none ${CARGO_TARGET_DIR:+--target-dir "$CARGO_TARGET_DIR"} \
    text "$corpus" fuzz/seeds/text -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    2>&1 | tee "$log" | { grep --line-buffered -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE) ' || true; } || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
elapsed=${elapsed:-$seconds}
if [ "$status" = 0 ]; then
    echo "fuzz: no crash: ${runs:-?} inputs in $elapsed s" \
        "($(( ${runs:-0} / (elapsed > 0 ? elapsed : 1) )) per second)," \
        "$(find "$corpus" -type f | wc -l) inputs kept in $corpus"
    exit 0
fi

artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
if [ -z "$artifact" ] || [ ! -f "$artifact" ]; then
    echo "fuzz: failed before any crash was found (see the build output above)" >&2
    exit "$status"
fi
echo "fuzz: CRASH after ${runs:-?} inputs: $artifact ($(wc -c <"$artifact") bytes):" >&2
od -A d -c "$artifact" | head -n 40 >&2
echo "base64: $(base64 -w 0 "$artifact")" >&2
echo "reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run -s none text $artifact" >&2
echo "minimise:  RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none text $artifact" >&2
exit 1
