//! Same seed and inputs give the same trace, bit for bit; different seeds differ.

use river_sim::swarm::{self, CheckOptions};

fn trace_text(seed: u64) -> (u64, String, String) {
    let (sim, report) = swarm::run(&CheckOptions::default(), seed, true).unwrap();
    let mut trace = String::new();
    for record in &sim.trace.records {
        record.write_json(&mut trace).unwrap();
        trace.push('\n');
    }
    let mut history = String::new();
    sim.history.write_edn(&mut history).unwrap();
    assert_eq!(report.trace_digest, sim.trace.digest());
    (report.trace_digest, trace, history)
}

#[test]
fn same_seed_same_trace_and_history() {
    for seed in [1, 42, 977] {
        let a = trace_text(seed);
        let b = trace_text(seed);
        assert_eq!(a.0, b.0, "digest of seed {seed}");
        assert!(a.1 == b.1, "trace of seed {seed} differs");
        assert!(a.2 == b.2, "history of seed {seed} differs");
        assert!(a.1.lines().count() > 1_000, "a real run has many events");
    }
}

#[test]
fn different_seeds_differ() {
    assert_ne!(trace_text(1).0, trace_text(2).0);
}

#[test]
fn keeping_the_trace_does_not_change_the_run() {
    let options = CheckOptions::default();
    let kept = swarm::run(&options, 9, true).unwrap().1;
    let digest_only = swarm::run(&options, 9, false).unwrap().1;
    assert_eq!(kept, digest_only);
}

/// `run_until` never moves the clock past its limit, even when moot actions (a timeout for
/// an answered request) sit in the queue just before the next real event.
#[test]
fn run_until_never_overshoots() {
    let (mut sim, _) = swarm::setup(&CheckOptions::default(), 3).unwrap();
    for t in (0..3_000).step_by(7) {
        sim.run_until(t);
        assert_eq!(sim.now_ms(), t);
    }
}
