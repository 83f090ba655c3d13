//! Fuzzes the real river-core through the same driver as the property tests: the bytes
//! decode into a cluster shape and a sequence of environment inputs (deliveries in any
//! order, losses, duplicates, ticks, proposals, crash-restarts, forced timeouts, reads,
//! compactions, membership changes and leadership transfers; forged messages are left out,
//! they are the `hostile` target's), and every safety invariant is
//! checked after every input. A broken invariant or a core assertion is
//! a crash; keep it as a regression test in `crates/model/tests/regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use river_core::BugSet;
use river_model::driver::{run, Scenario};

fuzz_target!(|scenario: Scenario| {
    let scenario = scenario.honest();
    if let Err(failure) = run(&scenario, BugSet::NONE) {
        panic!("{failure:?}\n{scenario:?}");
    }
});
