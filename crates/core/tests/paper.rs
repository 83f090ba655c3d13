//! Paper-section tests on bare nodes with a hand-driven network. Each test's doc line names
//! the section of Ongaro & Ousterhout (2014) or Ongaro's thesis that it checks.

mod harness;

use harness::{id, Cluster};
use river_core::*;

/// §5.2: a follower whose timer fires becomes candidate, and a majority of votes elects it.
#[test]
fn timeout_starts_election_and_majority_elects_leader() {
    let mut c = Cluster::new(3);
    c.timeout('A');
    assert_eq!(c.node('A').role(), Role::Candidate);
    assert_eq!(c.node('A').term(), Term(1));
    assert_eq!(c.node('A').voted_for(), Some(id('A')));
    c.run_all();
    assert_eq!(c.node('A').role(), Role::Leader);
    for n in ['B', 'C'] {
        assert_eq!(c.node(n).role(), Role::Follower);
        assert_eq!(c.node(n).voted_for(), Some(id('A')));
        assert_eq!(c.node(n).leader(), Some(id('A')));
    }
}

/// §8: a new leader appends a no-op entry of its term, and committing it commits the term.
#[test]
fn new_leader_appends_and_commits_a_noop() {
    let mut c = Cluster::new(3);
    c.elect('A');
    assert_eq!(c.commands('A'), vec![None]);
    assert_eq!(c.node('A').commit_index(), LogIndex(1));
    c.heartbeat('A');
    c.run_all();
    for n in ['B', 'C'] {
        assert_eq!(c.node(n).commit_index(), LogIndex(1));
    }
}

/// §5.2: each server votes for at most one candidate in a term, first come first served.
#[test]
fn second_candidate_in_same_term_is_denied_vote() {
    let mut c = Cluster::new(3);
    c.timeout('A');
    c.timeout('B');
    // Both are candidates in term 1; C hears A first.
    let to_c: Vec<_> = c
        .queue
        .iter()
        .filter(|m| m.to == id('C'))
        .cloned()
        .collect();
    c.queue.clear();
    for m in to_c {
        c.deliver(m);
    }
    assert_eq!(c.node('C').voted_for(), Some(id('A')));
    assert!(c.saw('C', |e| matches!(
        e,
        Event::VoteDenied { candidate, reason: VoteDenial::AlreadyVoted(_), .. } if *candidate == id('B')
    )));
}

/// §5.2, Figure 2 "Persistent state": the vote is in the same Ready as the reply that
/// reveals it, so a caller that persists before sending never leaks an unrecorded vote.
#[test]
fn vote_is_persisted_before_the_reply_leaves() {
    let mut c = Cluster::new(3);
    c.timeout('A');
    let request = c.queue.pop_front().unwrap();
    let b = request.to.index();
    c.nodes[b].step(request);
    let mut ready = Ready::default();
    c.nodes[b].take_ready(&mut ready);
    assert!(ready
        .messages
        .iter()
        .any(|m| matches!(m.body, Body::RequestVoteResponse { granted: true, .. })));
    assert_eq!(
        ready.hard_state,
        Some(HardState {
            term: Term(1),
            voted_for: Some(id('A'))
        })
    );
}

/// §5.4.1: a voter denies a candidate whose log is less up-to-date than its own.
#[test]
fn candidate_with_stale_log_is_denied_vote() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.propose('A', 7);
    // Only B gets the new entry.
    c.run(|m| m.to != id('C') && m.from != id('C'));
    c.timeout('C');
    c.run(|m| m.to == id('B') || m.from == id('B'));
    assert_ne!(c.node('C').role(), Role::Leader);
    assert!(c.saw('B', |e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteDenial::LogBehind,
            ..
        }
    )));
}

/// §5.1: a message from an older term is answered with the current term; the stale sender
/// steps down when it sees the newer term.
#[test]
fn stale_leader_learns_newer_term_and_steps_down() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    // B and C move on to term 2 without A.
    c.timeout('B');
    c.run_among("BC");
    assert_eq!(c.node('B').role(), Role::Leader);
    assert_eq!(c.node('A').role(), Role::Leader, "A has not heard yet");
    c.heartbeat('A');
    c.run_all();
    assert_eq!(c.node('A').role(), Role::Follower);
    assert_eq!(c.node('A').term(), Term(2));
    assert!(c.saw('A', |e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::HigherTerm,
            ..
        }
    )));
    assert!(c.saw('C', |e| matches!(e, Event::StaleMessage { .. })));
}

/// §5.3: committed entries reach every log, and followers apply them in order.
#[test]
fn proposals_replicate_commit_and_apply_everywhere() {
    let mut c = Cluster::new(5);
    c.elect('A');
    for v in 1..=10 {
        assert!(matches!(c.propose('A', v), Proposal::Appended { .. }));
    }
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    for i in 0..5 {
        let values: Vec<_> = c.applied[i]
            .iter()
            .filter_map(|(_, p)| match p {
                Payload::Command(v) => Some(*v),
                Payload::Noop | Payload::Membership(_) => None,
            })
            .collect();
        assert_eq!(values, (1..=10).collect::<Vec<_>>());
        assert_eq!(c.nodes[i].commit_index(), LogIndex(11));
    }
}

/// §5.3: a proposal to a follower is refused with a pointer to the leader.
#[test]
fn follower_refuses_proposal_and_names_leader() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    assert_eq!(
        c.propose('B', 1),
        Proposal::NotLeader {
            leader: Some(id('A'))
        }
    );
}

fn append(
    prev: u64,
    prev_term: u64,
    terms: &[u64],
    commit: u64,
    term: u64,
    to: char,
) -> Message<u32> {
    Message {
        from: id('A'),
        to: id(to),
        term: Term(term),
        body: Body::AppendEntries {
            prev_log_index: LogIndex(prev),
            prev_log_term: Term(prev_term),
            entries: terms
                .iter()
                .map(|&t| Entry {
                    term: Term(t),
                    payload: Payload::Command(t as u32),
                })
                .collect(),
            leader_commit: LogIndex(commit),
            read_round: 0,
        },
    }
}

/// §5.3 (AppendEntries step 2): a follower rejects when its log lacks prev_log_index, and
/// hints where its log ends.
#[test]
fn consistency_check_rejects_missing_prev_entry_with_hint() {
    let mut c = Cluster::new(3);
    c.deliver(append(0, 0, &[1, 1], 0, 1, 'B'));
    c.deliver(append(5, 1, &[1], 0, 1, 'B'));
    let reply = c.queue.pop_back().unwrap();
    assert_eq!(
        reply.body,
        Body::AppendEntriesResponse {
            success: false,
            match_index: LogIndex(0),
            reject: Some(RejectHint {
                rejected_index: LogIndex(5),
                conflict_term: None,
                conflict_index: LogIndex(3),
            }),
            read_round: 0,
        }
    );
}

/// §5.3 (step 2, with the conflict-term optimisation): the hint names the conflicting term
/// and its first index, so the leader skips the whole term.
#[test]
fn consistency_check_hints_first_index_of_conflicting_term() {
    let mut c = Cluster::new(3);
    c.deliver(append(0, 0, &[1, 2, 2, 2], 0, 2, 'B'));
    c.deliver(append(4, 3, &[3], 0, 3, 'B'));
    let reply = c.queue.pop_back().unwrap();
    let Body::AppendEntriesResponse {
        reject: Some(hint), ..
    } = reply.body
    else {
        panic!("expected rejection, got {reply:?}")
    };
    assert_eq!(hint.conflict_term, Some(Term(2)));
    assert_eq!(hint.conflict_index, LogIndex(2));
}

/// §5.3 (step 3): a stale or duplicated AppendEntries that matches a prefix of the log
/// never truncates the entries after it.
#[test]
fn stale_append_does_not_truncate() {
    let mut c = Cluster::new(3);
    c.deliver(append(0, 0, &[1, 1, 1], 0, 1, 'B'));
    c.deliver(append(0, 0, &[1], 0, 1, 'B'));
    assert_eq!(c.log_terms('B'), vec![1, 1, 1]);
    assert!(!c.saw('B', |e| matches!(e, Event::Truncated { .. })));
}

/// §5.3 (step 3): at the first real conflict, the entry and all that follow are removed.
#[test]
fn conflicting_entries_are_truncated_at_first_conflict() {
    let mut c = Cluster::new(3);
    c.deliver(append(0, 0, &[1, 1, 1, 1], 0, 1, 'B'));
    c.deliver(append(1, 1, &[1, 2], 0, 2, 'B'));
    assert_eq!(c.log_terms('B'), vec![1, 1, 2]);
    assert!(c.saw('B', |e| *e
        == Event::Truncated {
            from: LogIndex(3),
            removed: 2
        }));
}

/// §5.3 (step 5): commit index = min(leaderCommit, index of last new entry), so a short
/// message cannot commit entries it did not vouch for.
#[test]
fn commit_index_is_min_of_leader_commit_and_last_new_entry() {
    let mut c = Cluster::new(3);
    c.deliver(append(0, 0, &[1, 1, 1, 1], 0, 1, 'B'));
    c.deliver(append(0, 0, &[1], 4, 1, 'B'));
    assert_eq!(c.node('B').commit_index(), LogIndex(1));
    c.deliver(append(2, 1, &[1, 1], 9, 1, 'B'));
    assert_eq!(c.node('B').commit_index(), LogIndex(4));
}

/// §5.3: after rejections the leader backs up next_index with the hint, one term per round
/// trip, until the follower's log matches; here 60 wrong entries need few round trips.
#[test]
fn leader_backs_up_over_many_wrong_entries_quickly() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    // A, isolated, appends 60 entries that will never commit.
    for v in 0..60 {
        c.propose('A', v);
    }
    c.queue.clear();
    // B becomes leader with C and commits 60 entries of its own.
    c.timeout('B');
    c.run_among("BC");
    for v in 100..160 {
        c.propose('B', v);
    }
    c.run_among("BC");
    c.heartbeat('B');
    let mut round_trips = 0;
    while !c.queue.is_empty() {
        round_trips += 1;
        let batch: Vec<_> = c.queue.drain(..).collect();
        for m in batch {
            c.deliver(m);
        }
    }
    assert!(round_trips <= 8, "took {round_trips} rounds");
    assert_eq!(c.node('A').log().entries(), c.node('B').log().entries());
}

fn is_append(m: &Message<u32>) -> bool {
    matches!(m.body, Body::AppendEntries { .. })
}

/// §5.4.2, Figure 8: a term-2 entry stored on a majority while the leader is in term 4 is
/// not committed by counting replicas; `figure8-commit` commits it anyway.
#[test]
fn old_term_entry_on_majority_is_not_committed_by_counting() {
    for (bugs, expect_commit) in [
        (BugSet::NONE, LogIndex(1)),
        (BugSet::NONE.with(Bug::Figure8Commit), LogIndex(2)),
    ] {
        let mut c = Cluster::with(3, |cfg| cfg.bugs = bugs);
        c.elect('A'); // term 1: index 1 everywhere
        c.heartbeat('A');
        c.run_all();
        // Term 2: B wins, but its entry (index 2, term 2) reaches nobody.
        c.timeout('B');
        c.run(|m| !is_append(m));
        assert_eq!(
            (c.node('B').role(), c.node('B').term()),
            (Role::Leader, Term(2))
        );
        // Term 3: A's candidacy only demotes B; term 4: B wins again, entry 3 not delivered.
        c.timeout('A');
        c.run(|m| m.to == id('B'));
        c.timeout('B');
        c.run(|m| !is_append(m));
        assert_eq!(
            (c.node('B').role(), c.node('B').term()),
            (Role::Leader, Term(4))
        );
        // A delayed copy of index 2 (term 2) reaches C: now B and C store it, a majority.
        let entry2 = c.node('B').log().entry(LogIndex(2)).unwrap().clone();
        assert_eq!(entry2.term, Term(2));
        c.deliver(Message {
            from: id('B'),
            to: id('C'),
            term: Term(4),
            body: Body::AppendEntries {
                prev_log_index: LogIndex(1),
                prev_log_term: Term(1),
                entries: vec![entry2],
                leader_commit: LogIndex(1),
                read_round: 0,
            },
        });
        c.run(|m| !is_append(m));
        assert_eq!(c.node('B').commit_index(), expect_commit, "bugs {bugs:?}");
    }
}

/// Figure 2 "Persistent state": term, vote and log survive a restart; role and commit
/// index do not.
#[test]
fn restart_keeps_persistent_state_and_drops_volatile_state() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.propose('A', 5);
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    let before = (
        c.node('A').term(),
        c.node('A').voted_for(),
        c.node('A').log().clone(),
    );
    c.restart('A');
    assert_eq!(c.node('A').role(), Role::Follower);
    assert_eq!(c.node('A').commit_index(), LogIndex(0));
    assert_eq!(
        (
            c.node('A').term(),
            c.node('A').voted_for(),
            c.node('A').log().clone()
        ),
        before
    );
}

/// §5.2 with the `forget-vote` bug: a restarted server votes again in the same term.
#[test]
fn forget_vote_bug_lets_a_restarted_server_vote_twice() {
    for (bugs, second_vote) in [
        (BugSet::NONE, false),
        (BugSet::NONE.with(Bug::ForgetVote), true),
    ] {
        let mut c = Cluster::with(3, |cfg| cfg.bugs = bugs);
        c.timeout('A');
        c.timeout('B');
        let to_c: Vec<_> = c
            .queue
            .iter()
            .filter(|m| m.to == id('C'))
            .cloned()
            .collect();
        c.queue.clear();
        let (from_a, from_b): (Vec<_>, Vec<_>) = to_c.into_iter().partition(|m| m.from == id('A'));
        for m in from_a {
            c.deliver(m);
        }
        c.restart('C');
        for m in from_b {
            c.deliver(m);
        }
        assert_eq!(
            c.node('C').voted_for() == Some(id('B')),
            second_vote,
            "{bugs:?}"
        );
    }
}

/// §5.4.1 with the `no-up-to-date-check` bug: a voter grants a stale candidate its vote.
#[test]
fn no_up_to_date_check_bug_grants_vote_to_stale_candidate() {
    let mut c = Cluster::with(3, |cfg| cfg.bugs = BugSet::NONE.with(Bug::NoUpToDateCheck));
    c.elect('A');
    c.propose('A', 7);
    c.run(|m| m.to != id('C') && m.from != id('C'));
    c.timeout('C');
    c.run(|m| m.to == id('B') || m.from == id('B'));
    assert_eq!(c.node('C').role(), Role::Leader);
}

/// §5.2: the election timeout is drawn at random from the configured range, afresh each time.
#[test]
fn election_timeout_is_random_in_range_and_redrawn() {
    let mut c = Cluster::new(3);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..50 {
        c.timeout('A');
        let (_, timeout) = c.node('A').election_timer();
        assert!((150..=300).contains(&timeout));
        seen.insert(timeout);
    }
    assert!(seen.len() > 10, "timeouts should vary: {seen:?}");
}

/// §5.2: a follower that hears nothing starts an election exactly when its timer expires.
#[test]
fn timer_fires_after_the_drawn_timeout() {
    let mut c = Cluster::new(3);
    let (_, timeout) = c.node('B').election_timer();
    assert_eq!(c.node('B').ms_until_next_timer(), timeout);
    c.tick('B', timeout - 1);
    assert_eq!(c.node('B').role(), Role::Follower);
    c.tick('B', 1);
    assert_eq!(c.node('B').role(), Role::Candidate);
}

/// §5.2: a leader sends heartbeats at the configured interval, which keeps followers from
/// timing out.
#[test]
fn heartbeats_keep_followers_from_electing() {
    let mut c = Cluster::new(3);
    c.elect('A');
    for _ in 0..100 {
        c.tick('A', 10);
        c.run_all();
        c.tick('B', 10);
        c.tick('C', 10);
        c.run_all();
    }
    assert_eq!(c.node('A').role(), Role::Leader);
    assert_eq!(c.node('B').term(), Term(1));
}

/// §5.2: one server alone is a majority of one; it elects itself and commits alone.
#[test]
fn single_node_cluster_elects_and_commits_alone() {
    let mut c = Cluster::new(1);
    c.timeout('A');
    assert_eq!(c.node('A').role(), Role::Leader);
    c.propose('A', 1);
    assert_eq!(c.node('A').commit_index(), LogIndex(2));
}

/// Thesis §9.6: with PreVote, a partitioned server does not raise its term, so it cannot
/// disrupt the cluster when it returns.
#[test]
fn prevote_keeps_isolated_server_term_unchanged() {
    let mut c = Cluster::with(3, |cfg| cfg.pre_vote = true);
    c.elect('A');
    assert_eq!(c.node('A').term(), Term(1), "PreVote round then term 1");
    c.heartbeat('A');
    c.run_all();
    for _ in 0..5 {
        c.timeout('C');
        c.queue.clear(); // C is cut off
    }
    assert_eq!(c.node('C').term(), Term(1));
    assert_eq!(c.node('C').role(), Role::PreCandidate);
}

/// Thesis §9.6: a server that heard from a leader recently refuses PreVotes.
#[test]
fn prevote_denied_while_leader_is_alive() {
    let mut c = Cluster::with(3, |cfg| cfg.pre_vote = true);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    c.timeout('C');
    c.run_all();
    assert_eq!(c.node('A').role(), Role::Leader);
    assert_eq!(c.node('C').term(), Term(1));
    assert!(c.saw('B', |e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteDenial::LeaderAlive,
            pre_vote: true,
            ..
        }
    )));
}

/// Thesis §6.2: with CheckQuorum, a leader that hears from no majority for an election
/// timeout steps down.
#[test]
fn checkquorum_leader_without_majority_steps_down() {
    let mut c = Cluster::with(3, |cfg| cfg.check_quorum = true);
    c.elect('A');
    for _ in 0..10 {
        c.tick('A', 50);
        c.queue.clear();
    }
    assert_ne!(c.node('A').role(), Role::Leader);
    assert!(c.saw('A', |e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::LostQuorum,
            ..
        }
    )));
}

/// Thesis §6.2: with CheckQuorum a leader in contact with a majority keeps leading.
#[test]
fn checkquorum_leader_with_majority_stays() {
    let mut c = Cluster::with(3, |cfg| cfg.check_quorum = true);
    c.elect('A');
    for _ in 0..20 {
        c.tick('A', 50);
        c.run_all();
    }
    assert_eq!(c.node('A').role(), Role::Leader);
}

/// Thesis §4.2.3: under CheckQuorum a follower that hears from its leader ignores a
/// disruptive RequestVote with a higher term.
#[test]
fn checkquorum_follower_ignores_vote_request_while_leader_alive() {
    let mut c = Cluster::with(3, |cfg| cfg.check_quorum = true);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    c.timeout('C');
    c.run_all();
    assert_eq!(c.node('B').term(), Term(1));
    assert!(c.saw('B', |e| matches!(e, Event::VoteIgnoredInLease { .. })));
}

/// Config validation: impossible settings are refused rather than misbehaving.
#[test]
fn impossible_config_is_refused() {
    let mut cfg = Config::new(NodeId(0), 3);
    cfg.heartbeat_interval_ms = 400;
    assert!(Node::<u32>::new(cfg, 1).is_err());
}

/// Figure 2 ("Followers"): only AppendEntries from the current leader, granting a vote, or
/// starting an election resets the election timer. A refused RequestVote with a higher term
/// raises the term but does not postpone this server's own election.
#[test]
fn refused_higher_term_vote_request_does_not_reset_election_timer() {
    let mut c = Cluster::new(3);
    c.elect('A');
    c.propose('A', 1);
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    // C falls behind: A's next entry reaches only B.
    c.propose('A', 2);
    c.run(|m| m.to != id('C') && m.from != id('C'));
    c.tick('B', 100);
    let (elapsed_before, _) = c.node('B').election_timer();
    assert_eq!(elapsed_before, 100);
    c.timeout('C'); // C, behind, campaigns in term 2
    c.run(|m| m.to == id('B'));
    assert_eq!(c.node('B').term(), Term(2));
    assert!(c.saw('B', |e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteDenial::LogBehind,
            ..
        }
    )));
    assert_eq!(c.node('B').election_timer().0, 100, "timer kept running");
}
