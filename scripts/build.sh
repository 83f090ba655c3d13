#!/usr/bin/env bash
# Builds the page into dist/: the wasm (scripts/build-wasm.sh), a type check of the shell,
# then Vite. dist/ uses relative paths, so any static host can serve it from any folder.
# RIVER_TEACH=1 builds the teaching page (time travel, inspectors, live safety, the bugs
# panel) into dist-teach/ instead: it does not yet fit the default page's size budget.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh "$@"
bash scripts/build-wasm.sh
node_modules/.bin/tsc -p .
if [ "${RIVER_TEACH:-}" = 1 ]; then
  node_modules/.bin/vite build --mode teach --logLevel warn
  echo "built dist-teach/"
else
  node_modules/.bin/vite build --logLevel warn
  echo "built dist/"
fi
