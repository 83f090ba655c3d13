#!/usr/bin/env bash
# Builds crates/wasm for the browser into web/pkg: cargo (profile `wasm`: size-optimised,
# LTO, one codegen unit, panic=abort), then wasm-bindgen (--target web), then wasm-opt from
# the npm package `binaryen`. Run scripts/setup.sh first (npm start and npm test do).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# RIVER_TEACH=1 builds the page with time travel, inspectors, live safety and the bugs
# panel (the `teach` feature); without it the page stays within its 80 KB budget.
features="--no-default-features"
if [ "${RIVER_TEACH:-}" = 1 ]; then features=""; fi
cargo build --quiet -p river-wasm --target wasm32-unknown-unknown --profile wasm $features
# Every browser that runs the page has TextEncoder.encodeInto: no fallback in the glue.
wasm-bindgen --target web --encode-into always --out-dir web/pkg --out-name river_wasm \
  target/wasm32-unknown-unknown/wasm/river_wasm.wasm

# The features rustc enables for wasm32 by default; wasm-opt must accept them.
# --flatten --rereloop first rebuilds every function's control flow from scratch (Binaryen's
# Relooper), which -Oz then folds tighter than rustc's own structure: about 350 bytes
# gzipped. --converge repeats -Oz until the module stops shrinking. --low-memory-unused lets it fold
# constant offsets into loads and stores: the lowest 1 KB is the far end of the 1 MB stack
# (rustc puts the stack first, growing down from 1 MB to 0, data above it), which only a
# run already overflowing its stack would reach.
node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --converge --low-memory-unused \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers --strip-target-features \
  web/pkg/river_wasm_bg.wasm -o web/pkg/river_wasm_bg.wasm

bytes=$(wc -c < web/pkg/river_wasm_bg.wasm)
gz=$(gzip -9 -c web/pkg/river_wasm_bg.wasm | wc -c)
echo "web/pkg/river_wasm_bg.wasm: $bytes bytes, $gz gzipped"
