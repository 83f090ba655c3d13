#!/usr/bin/env bash
# Builds the page into dist/: the wasm (scripts/build-wasm.sh), a type check of the shell, then
# Vite. dist/ uses relative paths, so any static host can serve it from any folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh "$@"
bash scripts/build-wasm.sh
node_modules/.bin/tsc -p .
node_modules/.bin/vite build --logLevel warn
echo "built dist/"
