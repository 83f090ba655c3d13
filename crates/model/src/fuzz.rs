//! The fuzzers' one target function (feature `arbitrary`): `fuzz/`'s libFuzzer target and the
//! seeded random-bytes loop both call [`hostile`], so they exercise the same code.

use crate::driver::{run, Scenario};
use arbitrary::{Arbitrary, Unstructured};
use river_core::BugSet;

/// Decodes `data` into a scenario — a small cluster, or one node alone (the first byte's
/// low bit) — with forged messages among its inputs, and runs it on correct Raft. Panics
/// if a node panics or an invariant that must hold breaks; returns whether the bytes made a
/// scenario at all.
pub fn hostile(data: &[u8]) -> bool {
    let bytes = Unstructured::new(data);
    let Ok((lone, scenario)) = <(bool, Scenario)>::arbitrary_take_rest(bytes) else {
        return false;
    };
    let scenario = if lone { scenario.lone() } else { scenario };
    if let Err(failure) = run(&scenario, BugSet::NONE) {
        panic!("{failure:?}\n{scenario:?}");
    }
    true
}
