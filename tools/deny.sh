#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (rules in deny.toml), as CI runs them:
#
#   tools/deny.sh
#
# Installs cargo-deny (by crate name, with cargo) if it is missing, then fails
# on a licence not allowed, a wildcard version, a crate from anywhere but
# crates.io, and reports duplicate crate versions as warnings. Then checks
# RustSec's advisories, whose database is fetched from GitHub: where it cannot
# be fetched the check is skipped with a message; anywhere else it must pass.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deny --version >/dev/null 2>&1; then
    echo "installing cargo-deny"
    cargo install cargo-deny --locked
fi
cargo deny --version

cargo deny --locked check licenses bans sources

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo deny --locked check advisories 2>&1 | tee "$log" || status=$?
if [ "$status" != 0 ] && grep -q 'failed to fetch advisory database' "$log"; then
    echo "deny: SKIPPED the advisories check: the RustSec database" \
        "(https://github.com/RustSec/advisory-db) cannot be fetched from here." \
        "Licences, bans and sources passed."
    exit 0
fi
exit "$status"
