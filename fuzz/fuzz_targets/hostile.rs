//! Fuzzes river-core with hostile input: the bytes decode into a small cluster (or one node
//! alone) and a sequence of environment inputs among which are forged messages — any
//! sender, any receiver, any term, any entries, any indexes. No node may panic, and every
//! node keeps its own invariants (`river_model::fuzz::hostile`). A crash is kept as a
//! regression test in `crates/model/tests/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    river_model::fuzz::hostile(data);
});
