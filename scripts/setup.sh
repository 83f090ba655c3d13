#!/usr/bin/env bash
# Installs whatever the demo needs and this machine lacks; quick when everything is there.
#   - the Rust target wasm32-unknown-unknown and clippy (rustup),
#   - wasm-bindgen-cli at exactly the version Cargo.lock pins for the wasm-bindgen crate,
#   - the npm packages of package-lock.json (vite, typescript, binaryen, playwright-core,
#     axe-core for the accessibility tests),
#   - with --browser: Debian's Chromium at /usr/bin/chromium, for the browser tests and the
#     benchmark (playwright's own browser download does not work here).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! rustup component list --installed | grep -q '^clippy'; then
  echo "setup: adding the Rust component clippy"
  rustup component add clippy
fi

# The CLI must match the crate exactly, or the generated glue does not fit the module.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want" ]; then
  cargo generate-lockfile --offline 2>/dev/null || cargo generate-lockfile
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (found '${have:-none}')"
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
fi
