#!/usr/bin/env bash
# Clippy, every Rust test, then `river check` over thousands of seeds and the built-in
# scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."

# Lints first, as errors: every crate and target natively, then the wasm crate for the
# browser, where its handle, painter and clock exist (natively it is nearly empty). On a
# clean clone this checks every dependency twice (native and wasm): about 95 s of CPU.
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p river-wasm --all-targets -- -D warnings
cargo test --workspace --release --no-fail-fast
# Hostile input: libFuzzer hands forged messages to one node and to small clusters; no node
# may panic or break its own invariants (a short smoke run; the README gives a long one).
bash scripts/fuzz.sh hostile -max_total_time=45
cargo build --release -p river-cli
river=target/release/river

# Correct Raft under random faults: every event checked, then healed and converged.
"$river" check --seeds 2000
"$river" check --seeds 500 --prevote --checkquorum
"$river" check --seeds 500 --nodes 3
# The built-in scenarios play through with their expectations met.
"$river" run --scenario partition
"$river" run --scenario figure8
# Every guided tour plays through with each step's claims checked (about a second in all).
# The reads tour ends with read-without-heartbeat on and claims the stale read breaks
# linearizability: river-lincheck must find exactly that, so there the run must fail (1) and
# say so.
for tour in scenarios/tours/*.scenario; do
  if [ "$tour" = scenarios/tours/reads.scenario ]; then
    status=0
    out=$("$river" run --scenario "$tour" 2>&1) || status=$?
    if [ "$status" != 1 ] || ! grep -q '^NOT LINEARIZABLE' <<<"$out"; then
      echo "$tour: expected its stale read to be found not linearizable (status 1), got status $status"
      echo "$out" | tail -5
      exit 1
    fi
  else
    "$river" run --scenario "$tour" >/dev/null
  fi
done
