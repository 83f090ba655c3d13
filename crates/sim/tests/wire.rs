//! A person's hand on the wire: drop, duplicate, hold and release one message.

use river_core::{Event, MessageKind, NodeId, Role};
use river_sim::network::{Endpoint, Packet};
use river_sim::trace::{DropReason, TraceEvent};
use river_sim::{SimConfig, Simulation};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);

fn leader_a() -> Simulation {
    let mut sim = Simulation::new(SimConfig::new(3, 5)).unwrap();
    sim.trace.keep = true;
    sim.force_timeout(A);
    sim.advance(200);
    assert_eq!(sim.node(A).unwrap().role(), Role::Leader);
    sim
}

/// The next message of `kind` from `from` to `to` on the wire.
fn next_on_wire(sim: &mut Simulation, from: NodeId, to: NodeId, kind: MessageKind) -> u64 {
    for _ in 0..10_000 {
        let found = sim.in_flight().find(|m| {
            m.from == Endpoint::Node(from)
                && m.to == Endpoint::Node(to)
                && matches!(&m.packet, Packet::Raft(r) if r.kind() == kind)
        });
        if let Some(m) = found {
            return m.id;
        }
        sim.step();
    }
    panic!("no {kind:?} from {from} to {to}")
}

/// §5.1: an AppendEntries held on the wire across a term change arrives stale and is
/// answered with the newer term; the receiver's log does not change.
#[test]
fn held_append_entries_released_after_a_new_term_is_rejected_as_stale() {
    let mut sim = leader_a();
    sim.submit(A, river_sim::kv::Op::parse("x=1").unwrap());
    let held = next_on_wire(&mut sim, A, C, MessageKind::AppendEntries);
    assert!(sim.hold_in_flight(held));
    // C hears nothing new; B moves the cluster to term 2 and A steps down.
    sim.force_timeout(B);
    sim.advance(300);
    let term = sim.node(C).unwrap().term();
    assert!(term.0 >= 2);
    assert!(
        sim.in_flight().any(|m| m.id == held && m.held),
        "still held"
    );
    let log_before = sim.node(C).unwrap().log().clone();
    assert!(sim.release_in_flight(held));
    sim.advance(1);
    assert_eq!(sim.node(C).unwrap().log(), &log_before);
    let stale = sim.trace.records.iter().any(|r| {
        matches!(r.event, TraceEvent::Node { node, event: Event::StaleMessage { kind: MessageKind::AppendEntries, .. } } if node == C)
    });
    assert!(stale, "C reports the stale AppendEntries");
    assert_eq!(sim.checker.violation_count(), 0);
}

/// §5.3: a duplicated AppendEntries changes nothing the second time.
#[test]
fn duplicated_append_entries_changes_no_log() {
    let mut sim = leader_a();
    sim.submit(A, river_sim::kv::Op::parse("x=1").unwrap());
    let original = next_on_wire(&mut sim, A, B, MessageKind::AppendEntries);
    let copy = sim.duplicate_in_flight(original).unwrap();
    let arrived = |sim: &Simulation, id: u64| {
        sim.trace
            .records
            .iter()
            .any(|r| r.event == TraceEvent::Deliver { id })
    };
    while !arrived(&sim, original) {
        sim.step();
    }
    assert!(!arrived(&sim, copy), "the copy comes second");
    let log_after_first = sim.node(B).unwrap().log().clone();
    while !arrived(&sim, copy) {
        sim.step();
    }
    assert_eq!(sim.node(B).unwrap().log(), &log_after_first);
    assert_eq!(sim.checker.violation_count(), 0);
}

#[test]
fn dropped_message_never_arrives() {
    let mut sim = leader_a();
    let id = next_on_wire(&mut sim, A, B, MessageKind::Heartbeat);
    assert!(sim.drop_in_flight(id));
    assert!(!sim.drop_in_flight(id), "only once");
    sim.advance(100);
    let delivered = sim
        .trace
        .records
        .iter()
        .any(|r| r.event == TraceEvent::Deliver { id });
    assert!(!delivered);
    let dropped = sim.trace.records.iter().any(|r| {
        r.event
            == TraceEvent::Drop {
                id,
                reason: DropReason::Dropped,
            }
    });
    assert!(dropped);
}
