//! Log compaction with snapshots (Ongaro's thesis ch. 5, the paper's §7), on bare nodes with
//! a hand-driven network. Each test's doc line names the section it checks.

mod harness;

use harness::{id, Cluster};
use river_core::*;

/// Three servers with A leading term 1; C cut off while A commits `count` commands with B,
/// then A compacts everything it applied into a `bytes`-byte snapshot.
fn leader_compacted_past(count: u32, bytes: usize) -> Cluster {
    let mut c = Cluster::with(3, |cfg| cfg.snapshot_chunk_bytes = 64);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    for v in 1..=count {
        c.propose('A', v);
    }
    c.run_among("AB");
    c.heartbeat('A');
    c.run_among("AB");
    assert!(c.compact('A', bytes));
    c
}

/// §5.1: compaction drops the applied prefix from the log and keeps its last index and term
/// in the snapshot, with the configuration in effect there.
#[test]
fn compaction_replaces_the_applied_prefix_with_a_snapshot() {
    let c = leader_compacted_past(5, 10);
    let a = c.node('A');
    let snapshot = a.snapshot().expect("compacted");
    assert_eq!(snapshot.index, LogIndex(6));
    assert_eq!(snapshot.term, Term(1));
    assert_eq!(snapshot.membership.voters().count(), 3);
    assert_eq!(a.log().snapshot_index(), LogIndex(6));
    assert!(a.log().entries().is_empty());
    assert_eq!(a.log().last_index(), LogIndex(6));
    assert!(
        c.disks[0].log.is_empty(),
        "the stored log lost the prefix too"
    );
    assert_eq!(c.disks[0].snapshot.as_ref(), Some(snapshot));
    assert!(c.saw('A', |e| matches!(
        e,
        Event::SnapshotTaken {
            index: LogIndex(6),
            ..
        }
    )));
}

/// §7, Figure 13: a follower behind the compacted prefix is sent the snapshot in chunks, each
/// with its offset and `done` on the last; it installs it and then takes entries again.
#[test]
fn follower_behind_the_snapshot_installs_it_in_chunks() {
    let mut c = leader_compacted_past(5, 150);
    c.propose('A', 6);
    c.run_among("AB");
    let mut chunks = Vec::new();
    c.heartbeat('A');
    c.run(|m| {
        if let Body::InstallSnapshot {
            offset, data, done, ..
        } = &m.body
        {
            chunks.push((*offset, data.len(), *done));
        }
        true
    });
    assert_eq!(chunks, [(0, 64, false), (64, 64, false), (128, 22, true)]);
    let snapshot = c.node('A').snapshot().unwrap().clone();
    assert_eq!(c.installed[2], std::slice::from_ref(&snapshot));
    assert_eq!(c.node('C').log().snapshot_index(), LogIndex(6));
    assert_eq!(
        c.node('C').log().last_index(),
        c.node('A').log().last_index()
    );
    assert_eq!(c.node('C').commit_index(), c.node('A').commit_index());
    assert_eq!(
        c.applied[2].last().map(|(i, _)| *i),
        Some(LogIndex(7)),
        "entries after it apply"
    );
    assert_eq!(c.disks[2].snapshot, Some(snapshot));
}

/// §7: a lost chunk is sent again with the next heartbeat, from where the follower stands.
#[test]
fn lost_chunk_is_sent_again() {
    let mut c = leader_compacted_past(3, 100);
    c.heartbeat('A');
    let mut dropped = false;
    c.run(|m| {
        let second = matches!(m.body, Body::InstallSnapshot { offset: 64, .. });
        let drop = second && !dropped;
        dropped |= drop;
        !drop
    });
    assert!(dropped);
    assert!(c.installed[2].is_empty(), "the last chunk was lost");
    c.heartbeat('A');
    c.run_all();
    assert_eq!(c.installed[2].len(), 1);
    assert_eq!(
        c.node('C').log().last_index(),
        c.node('A').log().last_index()
    );
}

/// §7, Figure 13 step 6: a follower whose log holds the snapshot's last entry keeps what
/// follows it; one whose log conflicts there discards it all.
#[test]
fn installed_snapshot_discards_a_conflicting_log() {
    for bug in [false, true] {
        let mut c = Cluster::with(3, |cfg| {
            cfg.bugs.set(Bug::SnapshotKeepsConflictingLog, bug);
        });
        // C leads term 1 alone and appends entries no one else gets.
        c.elect('C');
        c.heartbeat('C');
        c.run_all();
        for v in 90..96 {
            c.propose('C', v);
        }
        c.queue.clear();
        // A wins term 2 with B and commits more than C holds, then compacts.
        c.timeout('A');
        c.run_among("AB");
        for v in 1..=3 {
            c.propose('A', v);
        }
        c.run_among("AB");
        c.heartbeat('A');
        c.run_among("AB");
        assert!(c.compact('A', 20));
        let index = c.node('A').log().snapshot_index();
        assert!(
            index < c.node('C').log().last_index(),
            "C's log reaches past the snapshot"
        );
        c.heartbeat('A');
        c.run_all();
        let kept = c.saw('C', |e| {
            matches!(e, Event::SnapshotInstalled { kept_log: true, .. })
        });
        assert_eq!(
            kept, bug,
            "bug {bug}: C's entries of term 1 conflict with the snapshot"
        );
        if bug {
            // Term-1 entries now follow a snapshot ending in term 2: no leader's log.
            assert_eq!(c.node('C').log().entries()[0].term, Term(1));
        } else {
            assert_eq!(c.log_terms('C'), c.log_terms('A'));
        }
    }
}

/// §5.1: a server restarts from its snapshot plus the log after it: everything the
/// snapshot covers is committed and applied, and it carries on from there.
#[test]
fn restart_from_snapshot_plus_log() {
    let mut c = leader_compacted_past(4, 30);
    c.propose('A', 5);
    c.run_among("AB");
    c.restart('A');
    let a = c.node('A');
    assert_eq!(a.log().snapshot_index(), LogIndex(5));
    assert_eq!(a.commit_index(), LogIndex(5));
    assert_eq!(a.applied_index(), LogIndex(5));
    assert_eq!(a.log().last_index(), LogIndex(6));
    assert_eq!(a.snapshot().map(|s| s.data.len()), Some(30));
    c.elect('B');
    c.heartbeat('B');
    c.run_all();
    assert_eq!(c.node('A').commit_index(), c.node('B').commit_index());
}

/// Thesis §5.1: the snapshot carries the configuration, so a server that restarts from it
/// still knows the members after the entries that named them are gone.
#[test]
fn snapshot_carries_the_configuration() {
    let mut c = Cluster::with_spares(3, 1, |_| {});
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    c.change('A', MembershipChange::AddLearner(id('D')))
        .unwrap();
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    assert!(c.compact('A', 8));
    c.restart('A');
    assert_eq!(c.voters('A'), "ABCD");
    assert!(c.node('A').log().entries().is_empty());
}

/// A malformed InstallSnapshot (index 0, a term above the message's, bytes past the limit)
/// is refused without effect, like any malformed message.
#[test]
fn malformed_install_snapshot_is_refused() {
    let mut c = leader_compacted_past(2, 10);
    let base = |index: u64, term: u64, offset: u64| Message {
        from: id('A'),
        to: id('C'),
        term: Term(1),
        body: Body::InstallSnapshot {
            last_included_index: LogIndex(index),
            last_included_term: Term(term),
            membership: Membership::initial(3),
            offset,
            data: vec![1, 2, 3],
            done: true,
        },
    };
    c.deliver_to('C', base(0, 1, 0));
    c.deliver_to('C', base(5, 0, 0));
    c.deliver_to('C', base(5, 1, u64::MAX - 1));
    c.deliver_to('C', base(5, 1, MAX_SNAPSHOT_BYTES as u64));
    c.deliver_to('C', base(MAX_SNAPSHOT_INDEX + 1, 1, 0));
    let malformed = c
        .refusals('C')
        .iter()
        .filter(|r| r.2 == RefusalReason::MalformedSnapshot)
        .count();
    assert_eq!(malformed, 5);
    c.deliver_to('C', base(5, 2, 0));
    assert!(matches!(
        c.refusals('C').last(),
        Some((_, _, RefusalReason::EntryTermAboveMessage { .. }))
    ));
    assert!(c.installed[2].is_empty());
    assert_eq!(c.node('C').term(), Term(1));
}
