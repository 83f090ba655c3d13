#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the page and serves dist/ on localhost.
# `RIVER_TEACH=1 npm start` builds and serves the teaching page (dist-teach/) instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
port="${PORT:-4173}"
echo "River Raft: http://127.0.0.1:$port/  (Ctrl+C to stop)"
mode=production
if [ "${RIVER_TEACH:-}" = 1 ]; then mode=teach; fi
exec node_modules/.bin/vite preview --mode "$mode" --host 127.0.0.1 --port "$port"
