//! Linearizable reads without a log entry (Ongaro's thesis §6.4, ReadIndex) on bare nodes
//! with a hand-driven network. Each test's doc line names the step it checks.

mod harness;

use harness::{id, Cluster};
use river_core::*;

fn read(c: &mut Cluster, at: char, n: u64) -> Read {
    let i = id(at).index();
    let outcome = c.nodes[i].read(ReadId(n));
    c.flush(i);
    outcome
}

/// What node `at` decided about read `n`, if anything yet.
fn result(c: &Cluster, at: char, n: u64) -> Option<ReadResult> {
    c.reads
        .iter()
        .find(|(node, r, _)| *node == id(at) && r.id == ReadId(n))
        .map(|(_, r, _)| r.result)
}

fn is_append_reply(m: &Message<u32>) -> bool {
    matches!(m.body, Body::AppendEntriesResponse { .. })
}

/// Thesis §6.4 steps 2–4: the leader records its commit index, confirms its leadership with
/// one heartbeat round acknowledged by a majority, and only then lets the read be served.
#[test]
fn leader_serves_a_read_after_a_heartbeat_round_at_its_commit_index() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    c.propose('A', 5);
    c.run_all();
    let commit = c.node('A').commit_index();
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert!(c.saw(
        'A',
        |e| matches!(e, Event::ReadIndexRecorded { index, .. } if *index == commit)
    ));
    assert_eq!(result(&c, 'A', 1), None, "not before the round");
    // The read's round leaves at once, as heartbeats.
    assert!(c.queue.iter().all(|m| matches!(
        &m.body,
        Body::AppendEntries { entries, read_round: 1, .. } if entries.is_empty()
    )));
    let heartbeat = c.queue.pop_front().unwrap();
    c.deliver(heartbeat);
    // One follower's answer plus the leader make a majority of three.
    let answer = c.queue.pop_back().unwrap();
    assert!(is_append_reply(&answer));
    c.deliver(answer);
    assert!(c.saw('A', |e| *e == Event::LeadershipConfirmed { round: 1 }));
    assert_eq!(
        result(&c, 'A', 1),
        Some(ReadResult::Serve { index: commit })
    );
}

/// Thesis §6.4 step 1: a new leader may not know which entries are committed until it has
/// committed one of its own term, so a read waits for that; its read index then includes it.
#[test]
fn new_leader_holds_reads_until_it_commits_an_entry_of_its_term() {
    let mut c = Cluster::new(3);
    c.timeout('A');
    c.run(|m| {
        matches!(
            m.body,
            Body::RequestVote { .. } | Body::RequestVoteResponse { .. }
        )
    });
    assert_eq!(c.node('A').role(), Role::Leader);
    assert_eq!(c.node('A').commit_index(), LogIndex(0));
    c.queue.clear(); // the no-op's first AppendEntries are lost
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert!(!c.saw('A', |e| matches!(e, Event::ReadIndexRecorded { .. })));
    c.heartbeat('A');
    c.run_all();
    assert_eq!(c.node('A').commit_index(), LogIndex(1));
    assert_eq!(
        result(&c, 'A', 1),
        Some(ReadResult::Serve { index: LogIndex(1) })
    );
}

/// Thesis §6.4 step 3: an answer to a heartbeat sent before the read arrived proves nothing
/// about the leader now; only answers to the read's own round count.
#[test]
fn answers_to_an_older_round_do_not_confirm_a_read() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    c.heartbeat('A');
    // The followers answer round 0 heartbeats; hold the answers.
    let heartbeats: Vec<_> = c.queue.drain(..).collect();
    for m in heartbeats {
        c.deliver(m);
    }
    let old_answers: Vec<_> = c.queue.drain(..).collect();
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    let new_round: Vec<_> = c.queue.drain(..).collect();
    for m in old_answers {
        c.deliver(m);
    }
    assert_eq!(result(&c, 'A', 1), None);
    c.queue.extend(new_round);
    c.run_all();
    assert!(matches!(result(&c, 'A', 1), Some(ReadResult::Serve { .. })));
}

/// Thesis §6.4: a leader cut off from the majority cannot confirm its leadership, so its read
/// is never served (a newer leader may have committed writes it has not seen); it fails after
/// an election timeout instead.
#[test]
fn deposed_leader_in_a_minority_fails_the_read() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    c.timeout('B');
    c.run_among("BC");
    assert_eq!(c.node('B').role(), Role::Leader);
    assert_eq!(
        c.node('A').role(),
        Role::Leader,
        "A has not heard of term 2"
    );
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    c.run_among("A");
    c.queue.clear();
    assert_eq!(result(&c, 'A', 1), None);
    c.tick('A', c.config.election_timeout_max_ms);
    assert_eq!(result(&c, 'A', 1), Some(ReadResult::Failed));
    assert!(c.saw('A', |e| *e == Event::ReadFailed));
}

/// Bug `read-without-heartbeat`: the same deposed leader skips the round and serves the read
/// at once — stale, since B leads a newer term. This is what the round prevents.
#[test]
fn without_the_round_a_deposed_leader_serves_a_stale_read() {
    let mut c = Cluster::with(3, |config| {
        config.bugs = BugSet::NONE.with(Bug::ReadWithoutHeartbeat)
    });
    c.elect('A');
    c.run_all();
    c.timeout('B');
    c.run_among("BC");
    c.propose('B', 9);
    c.run_among("BC");
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert_eq!(
        result(&c, 'A', 1),
        Some(ReadResult::Serve { index: LogIndex(1) }),
        "served without B's committed write at index 3"
    );
    assert!(c.node('B').commit_index() >= LogIndex(3));
}

/// Thesis §6.4: a follower forwards the read to its leader, gets the read index back, and
/// serves once it has itself applied that far.
#[test]
fn follower_serves_a_read_through_the_leaders_read_index() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    c.propose('A', 5);
    // A commits entry 2 with C's help; B hears of it only later.
    c.run(|m| m.to != id('B') && m.from != id('B'));
    let commit = c.node('A').commit_index();
    assert_eq!(commit, LogIndex(2));
    assert_eq!(read(&mut c, 'B', 7), Read::Pending);
    assert!(c.saw(
        'B',
        |e| matches!(e, Event::ReadForwarded { leader, .. } if *leader == id('A'))
    ));
    // The request reaches A, whose round C confirms; everything for B waits.
    let mut held = Vec::new();
    while let Some(m) = c.queue.pop_front() {
        if m.to == id('B') {
            held.push(m);
        } else {
            c.deliver(m);
        }
    }
    let answer = held
        .iter()
        .position(|m| {
            matches!(
                m.body,
                Body::ReadIndexResponse {
                    read_index: Some(_),
                    ..
                }
            )
        })
        .expect("A answers after the round");
    // B learns the read index before it has committed that far: it must wait.
    let answer = held.remove(answer);
    c.deliver(answer);
    assert!(c.node('B').commit_index() < commit);
    assert_eq!(
        result(&c, 'B', 7),
        None,
        "not before B has applied the read index"
    );
    c.queue.extend(held);
    c.heartbeat('A');
    c.run_all();
    let served = c
        .reads
        .iter()
        .find(|(n, r, _)| *n == id('B') && r.id == ReadId(7))
        .copied();
    let (_, state, applied) = served.expect("B served the read");
    assert_eq!(state.result, ReadResult::Serve { index: commit });
    assert!(
        applied as u64 >= commit.0,
        "served only after applying the read index"
    );
}

/// Thesis §6.4: with no leader known there is nobody to ask.
#[test]
fn read_without_a_known_leader_is_refused() {
    let mut c = Cluster::new(3);
    assert_eq!(read(&mut c, 'A', 1), Read::NotLeader { leader: None });
    c.timeout('B');
    assert_eq!(read(&mut c, 'B', 1), Read::NotLeader { leader: None });
}

/// Thesis §6.4: a leader that steps down fails the reads it had not handed out; a forwarded
/// read whose answer never comes fails after an election timeout.
#[test]
fn reads_fail_when_leadership_is_lost_or_no_answer_comes() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert_eq!(read(&mut c, 'B', 2), Read::Pending);
    c.queue.clear();
    c.timeout('C');
    c.run_all();
    assert_eq!(c.node('C').role(), Role::Leader);
    assert_eq!(result(&c, 'A', 1), Some(ReadResult::Failed));
    assert_eq!(result(&c, 'B', 2), Some(ReadResult::Failed));
    // A forwarded read whose request is lost.
    assert_eq!(read(&mut c, 'A', 3), Read::Pending);
    c.queue.clear();
    c.tick('A', c.config.election_timeout_max_ms);
    assert_eq!(result(&c, 'A', 3), Some(ReadResult::Failed));
}

/// Thesis §6.4: in a one-server cluster the leader is its own majority and serves at once.
#[test]
fn single_server_serves_reads_at_once() {
    let mut c = Cluster::new(1);
    c.elect('A');
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert_eq!(
        result(&c, 'A', 1),
        Some(ReadResult::Serve { index: LogIndex(1) })
    );
}

/// A message is outside input: a ReadIndex reaching a follower is answered with no index, and
/// an answer for a read nobody asked about changes nothing.
#[test]
fn misdirected_read_messages_change_nothing() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.run_all();
    let term = c.node('B').term();
    c.deliver(Message {
        from: id('C'),
        to: id('B'),
        term,
        body: Body::ReadIndex { id: ReadId(4) },
    });
    let answer = c.queue.pop_front().unwrap();
    assert_eq!(
        answer.body,
        Body::ReadIndexResponse {
            id: ReadId(4),
            read_index: None
        }
    );
    c.deliver(Message {
        from: id('A'),
        to: id('B'),
        term,
        body: Body::ReadIndexResponse {
            id: ReadId(9),
            read_index: Some(LogIndex(u64::MAX)),
        },
    });
    assert!(c.reads.is_empty());
    assert_eq!(c.node('B').role(), Role::Follower);
}
