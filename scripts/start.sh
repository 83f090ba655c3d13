#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the page and serves dist/ on localhost.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
port="${PORT:-4173}"
echo "River Raft: http://127.0.0.1:$port/  (Ctrl+C to stop)"
exec node_modules/.bin/vite preview --host 127.0.0.1 --port "$port"
