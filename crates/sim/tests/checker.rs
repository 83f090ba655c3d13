//! The checker judges what it is shown, not what it assumes: it re-reads a restarted
//! server's log from its disk, re-checks Leader Completeness when a commit of an earlier
//! term becomes known after a later leader took office, and reports an impossible report
//! from the simulator instead of crashing.

use river_core::{Body, Bug, LogIndex, NodeId, Role};
use river_sim::checker::{Change, Property};
use river_sim::kv::Op;
use river_sim::network::{Endpoint, LinkParams, Packet};
use river_sim::{SimConfig, Simulation};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

fn cluster(nodes: usize, bug: Option<Bug>) -> Simulation {
    let mut config = SimConfig::new(nodes, 7);
    config.link = LinkParams {
        latency_min_ms: 10,
        latency_max_ms: 10,
        ..LinkParams::default()
    };
    if let Some(bug) = bug {
        config.raft.bugs.set(bug, true);
    }
    Simulation::new(config).unwrap()
}

fn properties(sim: &Simulation) -> Vec<Property> {
    sim.checker
        .violations()
        .iter()
        .map(|v| v.property)
        .collect()
}

fn put(key: &str, value: &str) -> Op {
    Op::Put {
        key: key.into(),
        value: value.into(),
    }
}

/// A one-server cluster that has committed a put, and its disk's log.
fn one_server_with_a_commit() -> Simulation {
    let mut sim = cluster(1, None);
    sim.force_timeout(A);
    sim.advance(10);
    sim.submit(A, put("x", "1"));
    sim.advance(100);
    assert!(sim.checker.committed_len() >= 2, "the no-op and the put");
    assert!(sim.checker.violations().is_empty());
    sim
}

/// A restarted server's log is read from its disk: a disk that lost a committed entry is
/// noticed at the restart, not assumed to hold what the server had before.
#[test]
fn a_restart_from_a_disk_that_lost_committed_entries_is_caught() {
    let mut sim = one_server_with_a_commit();
    let now = sim.now_ms();
    let disk = sim.server(A).disk.log.clone();
    sim.crash(A);
    // A faithful disk: nothing lost.
    let mut faithful = sim.checker.clone();
    faithful.restarted(now, A, LogIndex::ZERO, &disk);
    assert!(
        faithful.violations().is_empty(),
        "{:?}",
        faithful.violations()
    );
    // A disk that came back with only the first entry.
    sim.checker.restarted(now, A, LogIndex::ZERO, &disk[..1]);
    assert_eq!(properties(&sim), vec![Property::CommittedEntryKept]);
}

/// A simulator that reports the impossible (an applied index outside the log, a rewrite
/// from index 0, a server outside the cluster) is reported, and the checker goes on.
#[test]
fn impossible_reports_are_violations_not_crashes() {
    let mut sim = one_server_with_a_commit();
    let node = sim.node(A).unwrap().clone();
    let now = sim.now_ms();
    let last = node.log().last_index();
    let past_end = Change {
        log_from: None,
        applied: Some((LogIndex(last.0 + 1), LogIndex(last.0 + 5))),
        snapshot_installed: None,
    };
    sim.checker.observe(now, &node, past_end);
    let from_zero = Change {
        log_from: Some(LogIndex(0)),
        applied: None,
        snapshot_installed: None,
    };
    sim.checker.observe(now, &node, from_zero);
    sim.checker.restarted(now, NodeId(9), LogIndex::ZERO, &[]);
    let texts: Vec<&str> = sim
        .checker
        .violations()
        .iter()
        .map(|v| v.text.as_str())
        .collect();
    assert!(
        properties(&sim)
            .iter()
            .all(|p| *p == Property::SimulatorConsistency),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("outside its log")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("from index 0")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("outside this 1-server cluster")),
        "{texts:?}"
    );
}

/// Runs up to `ms`, or until D leads, holding every message from B or C to A as it
/// leaves; returns their ids.
fn run_holding_replies_to_a(sim: &mut Simulation, ms: u64) -> Vec<u64> {
    let mut held = Vec::new();
    let end = sim.now_ms() + ms;
    while sim.node(D).unwrap().role() != Role::Leader && sim.step_until(end) {
        let ids: Vec<u64> = sim
            .in_flight()
            .filter(|m| m.to == Endpoint::Node(A) && !m.held)
            .filter(|m| m.from == Endpoint::Node(B) || m.from == Endpoint::Node(C))
            .map(|m| m.id)
            .collect();
        for id in ids {
            sim.hold_in_flight(id);
            held.push(id);
        }
    }
    held
}

/// Plays §5.4's situation with `bug` on: A (term 1) gets an entry onto B and C, but their
/// acknowledgements are held on the wire; D is elected for term 2 without it; then the
/// term-1 acknowledgements arrive and A learns, still in term 1, that the entry is
/// committed. Returns the simulation and whether D was elected.
fn late_commit(bug: Option<Bug>) -> (Simulation, bool) {
    let mut sim = cluster(5, bug);
    sim.force_timeout(A);
    sim.advance(100);
    assert_eq!(sim.leader(), Some(A));
    // A and B hear nothing from D and E.
    for (x, y) in [(A, D), (A, E), (B, D), (B, E)] {
        sim.cut(x, y, false);
    }
    sim.submit(A, put("x", "1"));
    let mut held = run_holding_replies_to_a(&mut sim, 100);
    assert_eq!(sim.node(A).unwrap().log().last_index(), LogIndex(2));
    assert_eq!(sim.node(C).unwrap().log().last_index(), LogIndex(2));
    assert_eq!(
        sim.node(A).unwrap().commit_index(),
        LogIndex(1),
        "A has not learned it"
    );
    // D campaigns for term 2 with a shorter log; the acknowledgements arrive as soon as it
    // leads, before it has committed anything.
    sim.force_timeout(D);
    held.extend(run_holding_replies_to_a(&mut sim, 60));
    let elected = sim.node(D).unwrap().role() == Role::Leader;
    assert!(
        sim.checker.violations().is_empty(),
        "{:?}",
        sim.checker.violations()
    );
    // Only the acknowledgements of term 1 arrive; C's later term-2 answers stay held.
    let acks: Vec<u64> = held
        .into_iter()
        .filter(|&id| {
            sim.in_flight().any(|m| {
                m.id == id
                    && matches!(&m.packet, Packet::Raft(message) if message.term.0 == 1
                        && matches!(message.body, Body::AppendEntriesResponse { success: true, .. }))
            })
        })
        .collect();
    assert!(!acks.is_empty());
    for id in acks {
        sim.release_in_flight(id);
    }
    sim.advance(1);
    (sim, elected)
}

/// Leader Completeness (§5.4) is about the log a leader was elected with. An entry that was
/// committed in term 1 but known committed only after D took office in term 2 is checked
/// against D's election then; correct Raft never elects D, and stays safe.
#[test]
fn a_commit_learned_after_a_later_election_is_checked_against_it() {
    let (sim, elected) = late_commit(Some(Bug::NoUpToDateCheck));
    assert!(elected, "without the up-to-date check, C votes for D");
    assert_eq!(
        sim.node(A).unwrap().commit_index(),
        LogIndex(2),
        "A learned the commit"
    );
    let found = sim.checker.violations().first().expect("a violation");
    assert_eq!(found.property, Property::LeaderCompleteness);
    assert!(
        found.text.contains("learned after the election"),
        "{}",
        found.text
    );

    let (sim, elected) = late_commit(None);
    assert!(!elected, "C refuses D, whose log is behind");
    assert!(
        sim.checker.violations().is_empty(),
        "{:?}",
        sim.checker.violations()
    );
}
