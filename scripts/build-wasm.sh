#!/usr/bin/env bash
# Builds crates/wasm for the browser into web/pkg: cargo (profile `wasm`:
# size-optimised, LTO, one codegen unit, panic=abort), then wasm-bindgen (--target web), then
# wasm-opt from the npm package `binaryen`, then short import and export names
# (scripts/short-names.mjs). Run scripts/setup.sh first (npm start and npm test do).
# RIVER_WASM_NAMES=1 keeps the wasm's name section, so a profile of the page names Rust
# functions (web/bench/profile.mjs); a build for profiling only, never to ship: it is larger.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# One build holds the whole page, teaching tools (time travel, inspectors, live safety, the
# bugs panel) included.
build() {
  local out="$1"
  cargo build --quiet -p river-wasm --target wasm32-unknown-unknown --profile wasm
  # Every browser that runs the page has TextEncoder.encodeInto: no fallback in the glue.
  wasm-bindgen --target web --encode-into always --out-dir "$out" --out-name river_wasm \
    target/wasm32-unknown-unknown/wasm/river_wasm.wasm

  # The features rustc enables for wasm32 by default; wasm-opt must accept them.
  # --flatten --rereloop first rebuilds every function's control flow from scratch (Binaryen's
  # Relooper), which -Oz then folds tighter than rustc's own structure: about 350 bytes
  # gzipped. --converge repeats -Oz until the module stops shrinking. --low-memory-unused lets
  # it fold constant offsets into loads and stores: the lowest 1 KB is the far end of the 1 MB
  # stack (rustc puts the stack first, growing down from 1 MB to 0, data above it), which only
  # a run already overflowing its stack would reach. --merge-similar-functions (before and
  # after) folds the look-alike functions serde's monomorphized serializers leave: 0.3 KB.
  # --reorder-functions-by-name last puts each module's functions side by side (the names
  # section is still there; --strip-debug drops it after), so gzip finds the repeats within
  # its 32 KB window: 2.0 KB. Then scripts/order-functions.mjs puts each function after
  # those it looks most like, and wasm-opt applies that order: 0.6 KB more (node's gzip -9,
  # as bench.mjs measures it; 0.7 KB by GNU gzip, 1.2 KB with brotli). A build that keeps
  # its names for profiling keeps the order by name.
  local features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
    --enable-mutable-globals --enable-reference-types --enable-multivalue)
  local keep=(--strip-debug)
  if [ "${RIVER_WASM_NAMES:-}" = 1 ]; then keep=(-g); fi
  node_modules/.bin/wasm-opt --merge-similar-functions --flatten --rereloop -Oz -Oz --converge \
    --low-memory-unused --merge-similar-functions -Oz --reorder-functions-by-name \
    "${features[@]}" "${keep[@]}" --strip-producers --strip-target-features \
    "$out/river_wasm_bg.wasm" -o "$out/river_wasm_bg.wasm"
  if [ "${RIVER_WASM_NAMES:-}" != 1 ]; then
    node scripts/order-functions.mjs "$out/river_wasm_bg.wasm"
    node_modules/.bin/wasm-opt --reorder-functions-by-name "${features[@]}" --strip-debug \
      "$out/river_wasm_bg.wasm" -o "$out/river_wasm_bg.wasm"
  fi
  # Short names for the wasm's imports and exports, in the wasm and the glue alike
  # (wasm-bindgen's carry a 16-hex-digit hash each): 1.6 KB gzipped off the wasm and 1.1 KB
  # off the script.
  node scripts/short-names.mjs "$out/river_wasm_bg.wasm" "$out/river_wasm.js" \
    "$out/river_wasm.d.ts" "$out/river_wasm_bg.wasm.d.ts"

  local bytes gz
  bytes=$(wc -c < "$out/river_wasm_bg.wasm")
  gz=$(gzip -9 -c "$out/river_wasm_bg.wasm" | wc -c)
  echo "$out/river_wasm_bg.wasm: $bytes bytes, $gz gzipped"
}

build web/pkg
