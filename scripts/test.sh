#!/usr/bin/env bash
# `npm test`: clippy, every Rust test and the swarm over thousands of seeds (scripts/test-rust.sh),
# then the browser tests against a fresh build of the page in Debian's Chromium: the page's
# basics, then its teaching tools (time travel, inspectors, live safety, the bugs panel), then
# the page in one file (dist/river-raft.html) from file://, share links and embedding.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --browser
bash scripts/test-rust.sh
bash scripts/build.sh
node --test --test-concurrency=1 web/tests/*.test.mjs
