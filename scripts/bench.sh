#!/usr/bin/env bash
# `npm run bench`: the election lab's native speed (scripts/bench-elections.sh), then builds
# the page and prints its size (gzipped, per file) and, measured in
# headless Chromium, main-thread busy time and frame times. Exits non-zero over budget.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# Native: the election lab (its own script, so the browser part stays separate).
bash scripts/bench-elections.sh
bash scripts/build.sh --browser
node web/bench/bench.mjs "$@"
# Seeking in a long run, memory after a 30-minute run.
node web/bench/long-run.mjs
