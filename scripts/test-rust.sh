#!/usr/bin/env bash
# Every Rust test, then the swarm over thousands of seeds. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --release
cargo build --release -p river-cli
river=target/release/river

# Correct Raft under random faults: every event checked, then healed and converged.
"$river" check --seeds 2000
"$river" check --seeds 500 --prevote --checkquorum
"$river" check --seeds 500 --nodes 3
# The built-in scenarios play through with their expectations met.
"$river" run --scenario partition
"$river" run --scenario figure8
