//! Clients are faulty too (Ongaro's thesis §6.3): their requests are lost, duplicated,
//! delayed and cut off, they retry with the same request number, and the state machine's
//! sessions make each request take effect once. These tests show that the sessions are
//! what keeps the histories linearizable: the same runs with sessions switched off are
//! caught, because a request that reached the log twice took effect twice.

use river_core::{NodeId, Payload};
use river_lincheck::{check, Problem, Report};
use river_sim::history::OpFn;
use river_sim::kv::{Command, Op};
use river_sim::network::{Endpoint, LinkParams, Packet};
use river_sim::swarm::{self, CheckOptions, Outcome};
use river_sim::{SimConfig, Simulation};
use std::collections::BTreeMap;

const A: NodeId = NodeId(0);

/// The values of puts whose request (client, number) sits in `sim`'s longest log more than
/// once: requests that reached the log twice.
fn puts_in_the_log_twice(sim: &Simulation) -> Vec<String> {
    let longest = sim
        .ids()
        .filter_map(|id| sim.node(id))
        .max_by_key(|n| n.commit_index())
        .expect("a running server");
    let mut copies: BTreeMap<(u32, u64), (usize, Option<String>)> = BTreeMap::new();
    for entry in longest.log().entries() {
        if let Payload::Command(Command { client, seq, op }) = &entry.payload {
            let value = match op.as_ref() {
                Op::Put { value, .. } => Some(value.clone()),
                _ => None,
            };
            copies.entry((*client, *seq)).or_insert((0, value)).0 += 1;
        }
    }
    copies
        .into_values()
        .filter(|(count, _)| *count > 1)
        .filter_map(|(_, value)| value)
        .collect()
}

fn put(value: &str) -> Op {
    Op::Put {
        key: "x".into(),
        value: value.into(),
    }
}

/// The page's "duplicate" button, held and released late: a person's `x=1` is answered,
/// then `x=2`, and then the copy of `x=1` reaches the leader. With sessions the copy is
/// answered from the session and changes nothing; without, it writes 1 again, and a read
/// of x after `x=2` completed sees 1.
fn late_duplicate(sessions: bool) -> (Simulation, Report) {
    let mut config = SimConfig::new(3, 11);
    config.client_sessions = sessions;
    let mut sim = Simulation::new(config).unwrap();
    sim.force_timeout(A);
    sim.advance(200);
    assert_eq!(sim.leader(), Some(A));
    sim.submit(A, put("1"));
    let request = sim
        .in_flight()
        .find(|m| m.to == Endpoint::Node(A) && matches!(m.packet, Packet::Request { .. }))
        .expect("the request is on the wire")
        .id;
    let copy = sim.duplicate_in_flight(request).unwrap();
    sim.hold_in_flight(copy);
    sim.advance(200);
    sim.submit(A, put("2"));
    sim.advance(200);
    sim.release_in_flight(copy);
    sim.advance(200);
    sim.submit(A, Op::Get { key: "x".into() });
    sim.advance(200);
    assert!(sim.clients_idle(), "every request was answered");
    let report = check(&sim.history).unwrap();
    (sim, report)
}

#[test]
fn a_late_duplicate_takes_effect_once_with_sessions_and_twice_without() {
    let (sim, report) = late_duplicate(true);
    assert_eq!(report.problems, vec![]);
    assert_eq!(report.operations, 3);
    let value = |sim: &Simulation| sim.server(A).kv.read("x").cloned();
    assert_eq!(value(&sim).as_deref(), Some("2"));

    let (sim, report) = late_duplicate(false);
    assert_eq!(value(&sim).as_deref(), Some("1"), "the copy wrote 1 again");
    assert_eq!(puts_in_the_log_twice(&sim), vec![String::from("1")]);
    let [Problem::NotLinearizable {
        culprit, last_put, ..
    }] = &report.problems[..]
    else {
        panic!("{:?}", report.problems)
    };
    assert_eq!(
        (culprit.f, culprit.value.as_deref()),
        (OpFn::Get, Some("1"))
    );
    assert_eq!(
        last_put.as_ref().and_then(|p| p.value.as_deref()),
        Some("2")
    );
}

fn options(sessions: bool) -> CheckOptions {
    CheckOptions {
        client_sessions: sessions,
        // These tests count the copies of a request in a log after the run: keep every
        // entry there.
        compaction: false,
        ..CheckOptions::default()
    }
}

/// The swarm loses, duplicates, delays and cuts client traffic on about half its seeds:
/// requests reach the log more than once, and every history stays linearizable, each
/// retried request counted as one operation.
#[test]
fn faulty_clients_keep_histories_linearizable() {
    let (mut faulty, mut twice) = (0, 0);
    for seed in 1..=150 {
        let (sim, run) = swarm::run(&options(true), seed, false).unwrap();
        assert_eq!(run.outcome, Outcome::Ok, "seed {seed}");
        let report = check(&sim.history).unwrap();
        assert_eq!(report.problems, vec![], "seed {seed}");
        faulty += usize::from(run.mix.client_faults);
        twice += puts_in_the_log_twice(&sim).len();
    }
    assert!(
        (50..=100).contains(&faulty),
        "{faulty} of 150 seeds had faulty clients"
    );
    assert!(twice > 100, "only {twice} puts reached a log twice");
}

/// The same swarm with sessions off is caught, and for the reason the checker names: the
/// read it cannot place saw a put whose request is in the log twice.
#[test]
fn without_sessions_the_swarm_is_caught() {
    let mut caught = Vec::new();
    for seed in 1..=600 {
        let (sim, run) = swarm::run(&options(false), seed, false).unwrap();
        assert!(
            !matches!(run.outcome, Outcome::Unsafe(_)),
            "the logs stay safe"
        );
        let report = check(&sim.history).unwrap();
        for problem in &report.problems {
            let Problem::NotLinearizable { culprit, .. } = problem else {
                continue;
            };
            assert_eq!(culprit.f, OpFn::Get, "seed {seed}: {problem}");
            let value = culprit.value.clone().expect("it read a written value");
            assert!(
                puts_in_the_log_twice(&sim).contains(&value),
                "seed {seed}: {value} was not applied twice: {problem}"
            );
            if caught.last() != Some(&seed) {
                caught.push(seed);
            }
        }
    }
    assert!(caught.len() >= 3, "caught only in seeds {caught:?}");
}

/// Clients that never fault: links that only delay, as before this issue.
#[test]
fn client_links_without_faults_only_delay() {
    let mut config = SimConfig::new(3, 5);
    config.link = LinkParams {
        loss: 1.0,
        ..LinkParams::default()
    };
    let mut sim = Simulation::new(config).unwrap();
    sim.submit(A, put("1"));
    assert_eq!(sim.in_flight().count(), 1, "the request was not lost");
    sim.set_client_faults(true);
    sim.submit(NodeId(1), put("2"));
    assert_eq!(sim.in_flight().count(), 1, "now it was");
}
