#!/usr/bin/env bash
# Builds the page into dist/: the wasm (scripts/build-wasm.sh), a type check of the shell, then
# Vite, then dist/river-raft.html (the page in one file, scripts/single-file.mjs). dist/ uses
# relative paths, so any static host can serve it from any folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh "$@"
bash scripts/build-wasm.sh
node_modules/.bin/tsc -p .
node_modules/.bin/vite build --logLevel warn
# The whole page in one file, for file:// (a double-click, an attachment, a USB stick).
node scripts/single-file.mjs
# An example documentation page with two embeds (?embed).
cp web/embed.html dist/embed.html
echo "built dist/"
