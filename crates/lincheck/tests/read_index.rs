//! ReadIndex reads (thesis §6.4) keep histories linearizable, and the checker catches the
//! deliberately broken read that skips the leadership check.

use river_core::{Bug, BugSet};
use river_lincheck::check;
use river_sim::scenario::{Player, Scenario};

fn history_violated(name: &str, bugs: BugSet) -> bool {
    let text = std::fs::read_to_string(format!(
        "{}/../../scenarios/bugs/{name}.scenario",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut scenario = Scenario::parse(&text).unwrap();
    scenario.config.raft.bugs = bugs;
    let mut sim = Player::simulation(&scenario);
    // Without the bug the script's last expectation fails (the read is never answered);
    // the history up to there is what is checked.
    let _ = Player::new(scenario).run_to_end(&mut sim);
    let report = check(&sim.history).expect("the simulator writes paired histories");
    assert!(!report.inconclusive());
    report.violated()
}

/// A deposed leader that serves a read without a heartbeat round returns x=1 after x=2
/// completed: not linearizable. The same script on correct Raft is. Under CheckQuorum the
/// deposed leader is one frozen in office and thawed within its lease.
#[test]
fn read_without_heartbeat_history_is_not_linearizable() {
    for name in [
        "read-without-heartbeat",
        "read-without-heartbeat-checkquorum",
    ] {
        let bug = BugSet::NONE.with(Bug::ReadWithoutHeartbeat);
        assert!(history_violated(name, bug), "{name}");
        assert!(!history_violated(name, BugSet::NONE), "{name}");
    }
}

/// A lease that forgets the clock-drift bound lets a leader cut off from fast-clocked
/// followers return x=1 after x=2 completed: not linearizable. Correct Raft's shorter lease
/// has run out, and the history stays linearizable.
#[test]
fn lease_without_drift_bound_history_is_not_linearizable() {
    let name = "lease-without-drift-bound";
    let bug = BugSet::NONE.with(Bug::LeaseWithoutDriftBound);
    assert!(history_violated(name, bug));
    assert!(!history_violated(name, BugSet::NONE));
}
