#!/usr/bin/env bash
# Benchmarks river-core against raft-rs (crate `raft` 0.7) on the same in-process workload and
# prints µs per committed entry for both, with the ratio. The benchmark lives in its own cargo
# workspace (bench/raft-compare) so raft-rs never enters the default build.
#
#   scripts/bench-raft.sh                    # 100000 entries per cell, best of 7 runs
#   scripts/bench-raft.sh --entries 20000 --runs 3
#
# Exits non-zero if river-core is not at least 2x faster than raft-rs in every cell.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec cargo run --quiet --release --manifest-path "$root/bench/raft-compare/Cargo.toml" -- "$@"
