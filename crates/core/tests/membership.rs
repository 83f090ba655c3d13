//! Membership changes one server at a time (Ongaro's thesis §4.1–4.2, and the 2015 erratum
//! posted to raft-dev), on bare nodes with a hand-driven network. Each test's doc line names
//! the section it checks.

mod harness;

use harness::{id, Cluster};
use river_core::*;

/// Three voters A–C with A leading term 1 and its no-op committed everywhere, plus `spares`
/// servers that wait to be added.
fn cluster(spares: usize, tweak: impl Fn(&mut Config)) -> Cluster {
    let mut c = Cluster::with_spares(3, spares, tweak);
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    c
}

fn appended(p: Result<Proposal, ChangeRefusal>) -> LogIndex {
    match p {
        Ok(Proposal::Appended { index, .. }) => index,
        other => panic!("expected the change to be appended, got {other:?}"),
    }
}

/// §4.2.1: a new server joins as a learner, which receives the log but does not count, and
/// the leader promotes it by itself once it has caught up.
#[test]
fn new_server_joins_as_learner_and_is_promoted_once_caught_up() {
    let mut c = cluster(1, |_| {});
    for v in 1..=5 {
        c.propose('A', v);
    }
    c.run_among("ABC");
    let index = appended(c.change('A', MembershipChange::AddLearner(id('D'))));
    assert_eq!(
        c.learners('A'),
        "D",
        "in effect on the leader as soon as appended"
    );
    assert_eq!(c.voters('A'), "ABC");
    assert_eq!(c.node('D').role(), Role::Follower);
    c.run_all();
    // D caught up and the leader appended the promotion after the learner entry.
    assert_eq!(c.voters('A'), "ABCD");
    assert!(c.node('A').membership_index() > index);
    c.heartbeat('A');
    c.run_all();
    for n in ['A', 'B', 'C', 'D'] {
        assert_eq!(c.voters(n), "ABCD", "{n}");
        assert_eq!(c.learners(n), "", "{n}");
        assert_eq!(
            c.node(n).commit_index(),
            c.node('A').log().last_index(),
            "{n}"
        );
    }
    assert_eq!(c.commands('D'), c.commands('A'));
}

/// §4.1: a learner's replica does not count toward commitment; a majority of the voters does.
#[test]
fn learner_does_not_count_toward_a_majority() {
    let mut c = cluster(1, |_| {});
    appended(c.change('A', MembershipChange::AddLearner(id('D'))));
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    // D is a voter now (4 voters, majority 3); with only A and D reachable nothing commits.
    assert_eq!(c.voters('A'), "ABCD");
    let commit = c.node('A').commit_index();
    c.propose('A', 7);
    c.run_among("AD");
    assert_eq!(
        c.node('A').commit_index(),
        commit,
        "2 of 4 is not a majority"
    );
    c.heartbeat('A');
    c.run_among("ABD");
    assert!(c.node('A').commit_index() > commit, "3 of 4 is");
}

/// §4.1: a server uses the latest configuration in its log, committed or not; when that
/// entry is truncated it goes back to the one before.
#[test]
fn configuration_takes_effect_when_appended_and_reverts_when_truncated() {
    let mut c = Cluster::with_spares(5, 1, |_| {});
    c.elect('A');
    c.heartbeat('A');
    c.run_all();
    appended(c.change('A', MembershipChange::AddLearner(id('F'))));
    // Only B receives the change, and its answer is lost: uncommitted.
    c.run(|m| m.to == id('B') && m.from == id('A'));
    assert_eq!(c.learners('B'), "F", "in effect on B before it commits");
    assert!(c.node('A').commit_index() < c.node('A').membership_index());
    assert!(c.node('B').commit_index() < c.node('B').membership_index());
    // C, which never saw it, wins term 2 with D and E and overwrites B's uncommitted entry.
    c.timeout('C');
    c.run_among("CDE");
    assert_eq!(c.node('C').role(), Role::Leader);
    c.heartbeat('C');
    c.run_among("BCDE");
    assert_eq!(
        c.learners('B'),
        "",
        "truncated: back to the previous configuration"
    );
    assert!(c.saw('B', |e| matches!(
        e,
        Event::MembershipChanged {
            index: LogIndex(0),
            ..
        }
    )));
}

/// The 2015 erratum: a leader may not append a change until it has committed an entry of its
/// own term; `config-change-before-noop` skips that rule.
#[test]
fn change_waits_for_a_committed_entry_of_the_leaders_term() {
    for bug in [false, true] {
        let mut c = Cluster::with_spares(3, 1, |cfg| {
            cfg.bugs.set(Bug::ConfigChangeBeforeNoop, bug);
        });
        c.timeout('A');
        c.run(|m| m.kind() != MessageKind::Heartbeat && m.kind() != MessageKind::AppendEntries);
        assert_eq!(c.node('A').role(), Role::Leader);
        assert_eq!(
            c.node('A').commit_index(),
            LogIndex(0),
            "the no-op is not committed"
        );
        let result = c.change('A', MembershipChange::AddLearner(id('D')));
        if bug {
            assert!(
                matches!(result, Ok(Proposal::Appended { .. })),
                "{result:?}"
            );
        } else {
            assert_eq!(result, Err(ChangeRefusal::NoCommitInTerm));
            c.heartbeat('A');
            c.run_all();
            appended(c.change('A', MembershipChange::AddLearner(id('D'))));
        }
    }
}

/// §4.1: at most one change is in flight: a second waits until the first commits.
#[test]
fn second_change_waits_for_the_first_to_commit() {
    let mut c = cluster(2, |_| {});
    appended(c.change('A', MembershipChange::Remove(id('C'))));
    assert_eq!(
        c.change('A', MembershipChange::AddLearner(id('D'))),
        Err(ChangeRefusal::ChangeInFlight)
    );
    c.run_all();
    appended(c.change('A', MembershipChange::AddLearner(id('D'))));
    assert_eq!(
        c.change('B', MembershipChange::AddLearner(id('E'))),
        Ok(Proposal::NotLeader {
            leader: Some(id('A'))
        })
    );
    assert_eq!(
        c.node('A')
            .membership()
            .apply(MembershipChange::Remove(id('E'))),
        Err(ChangeRefusal::NotMember(id('E')))
    );
}

/// §4.2.2: a leader that removes itself manages the cluster without counting itself, and
/// steps down once the change commits; it never campaigns again.
#[test]
fn leader_that_removes_itself_steps_down_once_the_removal_commits() {
    let mut c = cluster(0, |_| {});
    let index = appended(c.change('A', MembershipChange::Remove(id('A'))));
    assert_eq!(c.voters('A'), "BC");
    assert_eq!(
        c.node('A').role(),
        Role::Leader,
        "still leading until it commits"
    );
    c.propose('A', 42);
    c.run_all();
    assert!(c.node('A').commit_index() >= index);
    assert_eq!(c.node('A').role(), Role::Follower);
    assert!(c.saw('A', |e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::Removed,
            ..
        }
    )));
    c.timeout('A');
    assert_eq!(
        c.node('A').role(),
        Role::Follower,
        "a removed server does not campaign"
    );
    assert!(c.queue.is_empty());
    c.elect('B');
    assert_eq!(c.voters('B'), "BC");
    assert_eq!(c.commands('B'), c.commands('C'));
}

/// §4.2: removing a server shrinks the majority; the removed server's votes no longer count.
#[test]
fn removed_servers_vote_no_longer_counts() {
    let mut c = cluster(0, |_| {});
    appended(c.change('A', MembershipChange::Remove(id('C'))));
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    assert_eq!(c.voters('B'), "AB");
    // B campaigns; only C (removed, still running) would vote: not enough.
    c.timeout('B');
    c.run_among("BC");
    assert_eq!(
        c.node('B').role(),
        Role::Candidate,
        "C's vote does not count"
    );
    c.run_all();
}

/// §4.2.3: a removed server that never learned of its removal times out and campaigns, but
/// with PreVote the servers that hear from a live leader refuse it, so it cannot disrupt.
#[test]
fn removed_server_cannot_disrupt_under_prevote() {
    let mut c = cluster(0, |cfg| {
        cfg.pre_vote = true;
        cfg.check_quorum = true;
    });
    appended(c.change('A', MembershipChange::Remove(id('C'))));
    c.run_among("AB"); // C never hears of it
    c.heartbeat('A');
    c.run_among("AB");
    assert_eq!(c.voters('C'), "ABC", "C still thinks it is a member");
    let term = c.node('A').term();
    c.timeout('C');
    c.run_all();
    assert_eq!(c.node('A').role(), Role::Leader);
    assert_eq!(c.node('A').term(), term, "the leader was not disrupted");
    assert!(c.saw('B', |e| matches!(
        e,
        Event::VoteDenied {
            pre_vote: true,
            reason: VoteDenial::LeaderAlive,
            ..
        }
    )));
}

/// §4.1: a configuration survives a restart: it is read back from the log.
#[test]
fn configuration_is_restored_from_the_log_after_a_restart() {
    let mut c = cluster(1, |_| {});
    appended(c.change('A', MembershipChange::AddLearner(id('D'))));
    c.run_all();
    c.heartbeat('A');
    c.run_all();
    c.restart('B');
    assert_eq!(c.voters('B'), "ABCD");
    c.restart('D');
    assert_eq!(c.voters('D'), "ABCD");
}

/// Thesis §3.10 with §4.2: while a leadership transfer runs the leader takes nothing new,
/// configuration changes included.
#[test]
fn change_waits_for_a_leadership_transfer() {
    let mut c = cluster(1, |_| {});
    c.nodes[0].transfer_leadership(id('B'));
    assert_eq!(
        c.change('A', MembershipChange::AddLearner(id('D'))),
        Ok(Proposal::Transferring { target: id('B') })
    );
}
