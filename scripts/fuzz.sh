#!/usr/bin/env bash
# Fuzzes river-core with libFuzzer through cargo-fuzz, installing what it needs if missing:
# cargo-fuzz (crates.io) and a C++ compiler (libFuzzer is C++; Debian's g++).
#   bash scripts/fuzz.sh TARGET [libFuzzer flags…]
#   bash scripts/fuzz.sh hostile -max_total_time=45      # the smoke run of scripts/test-rust.sh
#   bash scripts/fuzz.sh hostile -runs=10000000          # the README's long run
# Targets live in fuzz/fuzz_targets (`hostile`: forged messages; `scenario`: honest inputs).
# Only the stable toolchain is needed: cargo-fuzz passes nightly-only flags (coverage
# instrumentation), which RUSTC_BOOTSTRAP=1 lets stable rustc accept. No sanitizer (`-s none`):
# the fuzzed code is safe Rust (`unsafe` is forbidden), so AddressSanitizer would only slow
# each execution down (about 2× here). A crash leaves its input in fuzz/artifacts/ and exits
# non-zero.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
target="${1:?usage: scripts/fuzz.sh TARGET [libFuzzer flags…]}"
shift
if ! command -v c++ >/dev/null; then
  echo "fuzz: installing Debian's g++ (libFuzzer is C++)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y g++
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
cd "$root/fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" -- "$@"
