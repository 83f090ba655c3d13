#!/usr/bin/env bash
# `npm test`: every Rust test and the swarm over thousands of seeds (scripts/test-rust.sh),
# then the browser tests against a fresh build of the page in Debian's Chromium, and those of
# the teaching page (RIVER_TEACH=1: time travel, inspectors, live safety, the bugs panel).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --browser
bash scripts/test-rust.sh
bash scripts/build.sh
node --test --test-concurrency=1 web/tests/page.test.mjs
RIVER_TEACH=1 bash scripts/build.sh
node --test --test-concurrency=1 web/tests/teach.test.mjs
