//! Hostile and malformed input (issue 11 §2): a message is outside input, so `Node::step`
//! refuses one that no correct server could have sent, names what was wrong in
//! `Event::MessageRefused`, changes nothing, and keeps running. Each test sends one kind of
//! bad message, checks the refusal and that the node's state is untouched, then checks that
//! the cluster still elects, replicates and commits.

mod harness;

use harness::{id, Cluster};
use river_core::*;

/// Everything a refused message must leave alone.
#[derive(Debug, PartialEq)]
struct Snapshot {
    term: Term,
    voted_for: Option<NodeId>,
    log: Vec<Entry<u32>>,
    commit_index: LogIndex,
    role: Role,
    leader: Option<NodeId>,
    election_timer: (u64, u64),
    progress: Vec<Option<Progress>>,
}

fn snapshot(c: &Cluster, n: char) -> Snapshot {
    let node = c.node(n);
    Snapshot {
        term: node.term(),
        voted_for: node.voted_for(),
        log: node.log().entries().to_vec(),
        commit_index: node.commit_index(),
        role: node.role(),
        leader: node.leader(),
        election_timer: node.election_timer(),
        progress: (0..c.nodes.len() as u8)
            .map(|i| node.progress(NodeId(i)))
            .collect(),
    }
}

/// A three-node cluster with A leading term 1 and one committed command.
fn cluster_with_leader() -> Cluster {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.propose('A', 10);
    c.run_all();
    c
}

/// Delivers `m` to `n` and checks that it was refused for `reason`, with nothing changed
/// and nothing sent.
fn assert_refused(c: &mut Cluster, n: char, m: Message<u32>, reason: RefusalReason) {
    let (from, kind) = (m.from, m.kind());
    let before = snapshot(c, n);
    let refused_before = c.refusals(n).len();
    c.deliver_to(n, m);
    assert_eq!(
        c.refusals(n)[refused_before..],
        [(from, kind, reason)],
        "{n} should refuse for {reason:?}"
    );
    assert_eq!(snapshot(c, n), before, "a refused message changes nothing");
    assert!(c.queue.is_empty(), "a refused message is not answered");
}

/// The cluster still works: whoever leads (electing `fallback` if nobody does) commits a new
/// command on every server.
fn assert_still_replicates(c: &mut Cluster, fallback: char) {
    let refusals = |c: &Cluster| {
        c.events
            .iter()
            .filter(|(_, e)| matches!(e, Event::MessageRefused { .. }))
            .count()
    };
    let forged = refusals(c);
    c.run_all();
    let leader = match c.nodes.iter().find(|n| n.role() == Role::Leader) {
        Some(n) => n.id().letter(),
        None => {
            c.elect(fallback);
            fallback
        }
    };
    let Proposal::Appended { index, .. } = c.propose(leader, 77) else {
        panic!("{leader} should accept a proposal");
    };
    c.run_all();
    c.heartbeat(leader);
    c.run_all();
    for node in &c.nodes {
        assert!(node.commit_index() >= index, "{} did not commit", node.id());
        assert_eq!(
            node.log().entry(index).map(|e| e.payload.clone()),
            Some(Payload::Command(77))
        );
    }
    assert_eq!(refusals(c), forged, "honest traffic is never refused");
}

fn append(
    from: char,
    to: char,
    term: u64,
    prev: (u64, u64),
    entry_terms: &[u64],
    commit: u64,
) -> Message<u32> {
    Message {
        from: id(from),
        to: id(to),
        term: Term(term),
        body: Body::AppendEntries {
            prev_log_index: LogIndex(prev.0),
            prev_log_term: Term(prev.1),
            entries: entry_terms
                .iter()
                .map(|&t| Entry {
                    term: Term(t),
                    payload: Payload::Command(99),
                })
                .collect(),
            leader_commit: LogIndex(commit),
            read_round: 0,
        },
    }
}

fn vote_request(from: NodeId, to: char, term: u64, last: (u64, u64)) -> Message<u32> {
    Message {
        from,
        to: id(to),
        term: Term(term),
        body: Body::RequestVote {
            pre_vote: false,
            last_log_index: LogIndex(last.0),
            last_log_term: Term(last.1),
            leadership_transfer: false,
        },
    }
}

/// §5.3: a leader only creates entries in its own term, so an entry whose term is above the
/// message's term is refused (it used to trip an assertion).
#[test]
fn entry_from_a_term_above_the_message_is_refused() {
    let mut c = cluster_with_leader();
    let reason = RefusalReason::EntryTermAboveMessage {
        index: LogIndex(3),
        term: Term(5),
    };
    assert_refused(&mut c, 'B', append('A', 'B', 1, (2, 1), &[5], 2), reason);
    assert_still_replicates(&mut c, 'A');
}

/// §5.3: `prev_log_term` describes the leader's own entry, so it too is at most the
/// message's term.
#[test]
fn prev_log_term_above_the_message_is_refused() {
    let mut c = cluster_with_leader();
    let reason = RefusalReason::EntryTermAboveMessage {
        index: LogIndex(2),
        term: Term(9),
    };
    assert_refused(&mut c, 'C', append('A', 'C', 1, (2, 9), &[], 2), reason);
    assert_still_replicates(&mut c, 'A');
}

/// Figure 2: terms never decrease along a log, so entries whose terms go down (even from a
/// newer term, which must not be adopted) are refused; appending them used to panic.
#[test]
fn entries_whose_terms_go_down_are_refused() {
    let mut c = cluster_with_leader();
    let reason = RefusalReason::EntryTermsDecrease { index: LogIndex(4) };
    assert_refused(&mut c, 'B', append('A', 'B', 3, (2, 1), &[3, 2], 2), reason);
    // The first new entry below `prev_log_term` goes down too.
    let reason = RefusalReason::EntryTermsDecrease { index: LogIndex(3) };
    assert_refused(&mut c, 'B', append('A', 'B', 1, (2, 1), &[0], 2), reason);
    assert_eq!(
        c.node('B').term(),
        Term(1),
        "the newer term was not adopted"
    );
    assert_still_replicates(&mut c, 'A');
}

/// Ids are below `MAX_CLUSTER_SIZE`; a message naming any other sender is refused, even one
/// past Z. (A sender outside the current configuration is heard: thesis §4.1.)
#[test]
fn sender_outside_the_cluster_is_refused() {
    let mut c = cluster_with_leader();
    for stranger in [NodeId(15), NodeId(25), NodeId(255)] {
        let m = vote_request(stranger, 'B', 7, (9, 6));
        assert_refused(&mut c, 'B', m, RefusalReason::UnknownSender);
    }
    assert_eq!(NodeId(255).to_string(), "#255");
    assert_still_replicates(&mut c, 'A');
}

/// A node never sends to itself; a message claiming to is refused.
#[test]
fn message_claiming_to_come_from_its_receiver_is_refused() {
    let mut c = Cluster::new(3);
    let m = vote_request(id('B'), 'B', 1, (0, 0));
    assert_refused(&mut c, 'B', m, RefusalReason::FromItself);
    assert_eq!(c.node('B').voted_for(), None);
    assert_still_replicates(&mut c, 'B');
}

/// A misrouted message (addressed to C, delivered to B) is refused by B.
#[test]
fn message_addressed_to_another_node_is_refused() {
    let mut c = cluster_with_leader();
    let reason = RefusalReason::AddressedElsewhere { to: id('C') };
    assert_refused(&mut c, 'B', append('A', 'C', 1, (2, 1), &[1], 2), reason);
    assert_still_replicates(&mut c, 'A');
}

/// §5.1: adopting term u64::MAX would leave the node no term to campaign in (and `next`
/// used to overflow, or wrap to 0 where overflow checks are off), so it is refused.
#[test]
fn term_at_the_maximum_is_refused() {
    let mut c = cluster_with_leader();
    let m = vote_request(id('C'), 'A', u64::MAX, (9, 1));
    assert_refused(&mut c, 'A', m, RefusalReason::TermAtMaximum);
    let m = append('C', 'B', u64::MAX, (0, 0), &[], 0);
    assert_refused(&mut c, 'B', m, RefusalReason::TermAtMaximum);
    assert_eq!(c.node('A').role(), Role::Leader);
    assert_still_replicates(&mut c, 'A');
}

/// A vote request whose last entry is from a term above the one it campaigns in describes
/// no real log, and must not win a vote by looking up-to-date.
#[test]
fn vote_request_with_last_log_term_above_its_term_is_refused() {
    let mut c = cluster_with_leader();
    let reason = RefusalReason::EntryTermAboveMessage {
        index: LogIndex(1),
        term: Term(8),
    };
    assert_refused(&mut c, 'B', vote_request(id('C'), 'B', 2, (1, 8)), reason);
    assert_still_replicates(&mut c, 'A');
}

/// Terms use checked arithmetic: a node whose next term would be the maximum (which every
/// peer refuses) does not campaign, says so at each timeout, and stays as it is; one term
/// lower it still campaigns and wins.
#[test]
fn node_with_no_term_left_says_it_cannot_campaign() {
    assert_eq!(Term::MAX.next(), None);
    assert_eq!(Term(u64::MAX - 1).next_campaign(), None);
    for pre_vote in [false, true] {
        for (term, can_campaign) in [
            (u64::MAX, false),
            (u64::MAX - 1, false),
            (u64::MAX - 2, true),
        ] {
            let config = Config {
                pre_vote,
                ..Config::new(NodeId(0), 1)
            };
            let hard_state = HardState {
                term: Term(term),
                voted_for: None,
            };
            let mut node: Node<u32> = Node::restart(config, 1, hard_state, Vec::new()).unwrap();
            let mut ready = Ready::default();
            for _ in 0..2 {
                node.force_election_timeout();
                node.take_ready(&mut ready);
                let said = ready
                    .events
                    .contains(&Event::CannotCampaign { term: Term(term) });
                assert_eq!(said, !can_campaign, "term {term}");
            }
            if can_campaign {
                assert_eq!(node.role(), Role::Leader);
                assert_eq!(node.term(), Term(u64::MAX - 1));
                assert!(matches!(node.propose(5), Proposal::Appended { .. }));
            } else {
                assert_eq!(node.role(), Role::Follower);
                assert_eq!(node.term(), Term(term));
                // It waits a whole timeout before saying so again, not every tick.
                node.tick(1);
                node.take_ready(&mut ready);
                assert!(ready.events.is_empty());
            }
        }
    }
}

/// §5.3: a follower can only match entries its leader sent, so a success reply claiming a
/// match past the leader's log is refused (it used to trip an assertion).
#[test]
fn success_reply_matching_past_the_leaders_log_is_refused() {
    let mut c = cluster_with_leader();
    let m = Message {
        from: id('B'),
        to: id('A'),
        term: Term(1),
        body: Body::AppendEntriesResponse {
            success: true,
            match_index: LogIndex(99),
            reject: None,
            read_round: 0,
        },
    };
    let reason = RefusalReason::MatchPastLog {
        match_index: LogIndex(99),
        last_index: LogIndex(2),
    };
    assert_refused(&mut c, 'A', m, reason);
    assert_still_replicates(&mut c, 'A');
}

/// Log indexes convert with checks, never `as usize`: index 2^32 + 1 is past the end of a
/// short log on every platform (on wasm32 it used to truncate to index 1 and match). Such a
/// message is well-formed, so it is answered with an ordinary rejection, not refused.
#[test]
fn index_past_four_billion_is_past_the_end() {
    let mut c = cluster_with_leader();
    let huge = (1u64 << 32) + 1;
    c.deliver_to('B', append('A', 'B', 1, (huge, 1), &[1], huge));
    assert!(c.refusals('B').is_empty());
    let reply = c.queue.pop_front().expect("B answers");
    assert_eq!(
        reply.body,
        Body::AppendEntriesResponse {
            success: false,
            match_index: LogIndex::ZERO,
            reject: Some(RejectHint {
                rejected_index: LogIndex(huge),
                conflict_term: None,
                conflict_index: LogIndex(3),
            }),
            read_round: 0,
        }
    );
    assert_eq!(c.node('B').log().last_index(), LogIndex(2));
    assert_still_replicates(&mut c, 'A');
}

/// Entries that would sit past index u64::MAX are refused before any index is computed.
#[test]
fn entries_past_the_last_possible_index_are_refused() {
    let mut c = cluster_with_leader();
    let m = append('A', 'B', 1, (u64::MAX, 1), &[1], 0);
    assert_refused(&mut c, 'B', m, RefusalReason::IndexOverflow);
    assert_still_replicates(&mut c, 'A');
}

/// A configuration entry that no correct leader creates (no voter; a server both voting and
/// learning) is refused with the whole message.
#[test]
fn malformed_configuration_entry_is_refused() {
    let mut c = cluster_with_leader();
    for membership in [
        Membership::of(&[], &[id('B')]),
        Membership::of(&[id('A'), id('B')], &[id('B')]),
    ] {
        let mut m = append('A', 'B', 1, (2, 1), &[1, 1], 2);
        if let Body::AppendEntries { entries, .. } = &mut m.body {
            entries[1].payload = Payload::Membership(membership);
        }
        let reason = RefusalReason::MalformedMembership { index: LogIndex(4) };
        assert_refused(&mut c, 'B', m, reason);
    }
    assert_still_replicates(&mut c, 'A');
}
