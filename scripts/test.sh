#!/usr/bin/env bash
# `npm test`: every Rust test of the workspace, then the browser tests against a fresh
# build of the page in Debian's Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --browser
cargo test --workspace --release --no-fail-fast
bash scripts/build.sh
node --test --test-concurrency=1 web/tests/page.test.mjs
