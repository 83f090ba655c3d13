//! One server's own events in sentences: elections and votes, leadership transfers, commits,
//! snapshots, configurations, reads and the messages it refused. Routine events (timer
//! ticks, rejected appends, rollbacks and stale messages, told elsewhere) say nothing here.

use super::*;
use river_core::Term;
use river_sim::reasons::{step_down_text, vote_denial_text};

impl Narrator {
    /// Remembers leadership transfers in progress (thesis §3.10), so a user the leader
    /// turns away meanwhile is told why.
    pub(super) fn follow_transfers(&mut self, n: NodeId, event: &Event) {
        match *event {
            Event::TransferStarted { target } => {
                self.handing.retain(|h| h.leader != n);
                self.handing.push(Handover {
                    leader: n,
                    target,
                    timeout_now_told: false,
                });
            }
            Event::TransferAbandoned { .. }
            | Event::BecameFollower { .. }
            | Event::SteppedDown { .. } => self.handing.retain(|h| h.leader != n),
            _ => {}
        }
    }

    /// Tells `event` of node `n` at `t`; `previous` is the record just before it in the
    /// batch (a server told to campaign by TimeoutNow starts its election at once, and
    /// that is one happening, not a timeout as well).
    pub(super) fn node_event(
        &mut self,
        t: u64,
        (n, event): (NodeId, &Event),
        previous: Option<&TraceEvent>,
        sim: &Simulation,
        feed: &mut Feed,
    ) {
        let (kind, text) = match *event {
            Event::ElectionStarted { .. }
                if matches!(previous, Some(TraceEvent::Node { node, event: Event::TimeoutNowReceived { .. } }) if *node == n) =>
            {
                return
            }
            Event::ElectionStarted { term } => (
                FeedKind::Election,
                format!("{n} timed out and started an election for term {term}"),
            ),
            Event::PreVoteStarted { term } => (
                FeedKind::Election,
                format!("{n} timed out and asks whether it could win term {term} (PreVote)"),
            ),
            Event::BecameLeader { term, votes } => {
                let voters = election_voters(sim, n, term).unwrap_or(sim.size());
                (
                    FeedKind::Election,
                    format!("{n} became leader for term {term} with {votes} of {voters} votes"),
                )
            }
            Event::SteppedDown { term, reason } => (
                FeedKind::Election,
                match reason {
                    StepDownReason::LeaderExists => {
                        format!("{n} stopped campaigning: {}", step_down_text(reason, term))
                    }
                    _ => format!("{n} stepped down: {}", step_down_text(reason, term)),
                },
            ),
            Event::VoteGranted {
                candidate,
                term,
                pre_vote,
            } => (
                FeedKind::Vote,
                if pre_vote {
                    format!("{n} would vote for {candidate} in term {term} (PreVote)")
                } else {
                    format!("{n} voted for {candidate} in term {term}")
                },
            ),
            Event::VoteDenied {
                candidate,
                term,
                pre_vote,
                reason,
            } => {
                let why = vote_denial_text(reason, candidate, term);
                let what = if pre_vote { "a PreVote" } else { "a vote" };
                (
                    FeedKind::Vote,
                    format!("{n} refused {candidate} {what} for term {term}: {why}"),
                )
            }
            Event::VoteIgnoredInLease { candidate, term } => (
                FeedKind::Vote,
                format!(
                    "{n} ignored {candidate}'s request for term {term}: its leader is alive (CheckQuorum)"
                ),
            ),
            Event::Committed { index, term } => {
                // Followers learn commits from the leader; only the leader's is news.
                let Some(node) = sim.node(n).filter(|x| x.role() == Role::Leader) else {
                    return;
                };
                // A configuration says what its commit means ("; F now votes") here, when
                // it happens, rather than at the end of the batch.
                let mut meaning = String::new();
                let what = match node.log().entry(index) {
                    Some(e) if e.term == term => match &e.payload {
                        Payload::Command(c) => fit(&op_text(&c.op), COMMAND_CHARS),
                        Payload::Noop => String::from("its no-op"),
                        Payload::Membership(m) => {
                            meaning = crate::members::meaning(membership_before(node, index), *m);
                            self.committed = Some(*m);
                            membership_entry_text(*m)
                        }
                    },
                    // Compacted into a snapshot since (the narrator reads the log after
                    // the event): a server that has not compacted it yet still has its
                    // words; with none left, they are gone with it.
                    None if index <= node.log().snapshot_index() => sim
                        .ids()
                        .filter_map(|id| sim.node(id)?.log().entry(index))
                        .find(|e| e.term == term)
                        .map_or(String::from("now in its snapshot"), |e| {
                            fit(&payload_text(&e.payload), COMMAND_CHARS)
                        }),
                    _ => String::from("?"),
                };
                (
                    FeedKind::Commit,
                    format!("{n} committed entry {index} ({what}): a majority stores it{meaning}"),
                )
            }
            Event::RefusedToOverwriteCommitted { index } => (
                FeedKind::Violation,
                format!("{n} was told to overwrite committed entry {index} and refused"),
            ),
            Event::RivalLeader { other, term } => (
                FeedKind::Violation,
                format!("{n} and {other} both lead term {term}"),
            ),
            Event::MessageRefused { from, kind, reason } => (
                FeedKind::Warn,
                format!(
                    "{n} refused {from}'s {}: {}",
                    kind.name(),
                    refusal_text(n, reason)
                ),
            ),
            Event::CannotCampaign { term } => (
                FeedKind::Warn,
                format!("{n}'s election timer fired, but no term after {term} is left to campaign in"),
            ),
            Event::SnapshotTaken { index, .. } => (
                FeedKind::Commit,
                format!("{n} compacted its log: a snapshot of its store now stands for entries 1 to {index}"),
            ),
            Event::SnapshotInstalled { index, kept_log, .. } => (
                FeedKind::Commit,
                if kept_log {
                    format!("{n} installed its leader's snapshot of entries 1 to {index} and kept the entries after it")
                } else {
                    format!("{n} installed its leader's snapshot of entries 1 to {index}; its old log is gone")
                },
            ),
            Event::MembershipChanged { index, membership } if index.0 == 0 => (
                FeedKind::Election,
                format!(
                    "{n} went back to the initial configuration {}: the entry that changed it was removed",
                    membership_text(membership)
                ),
            ),
            // Told once, by the first server to use it (the leader that appended it): a
            // line for each follower that stores the entry said the same thing nine times
            // over in a cluster of nine.
            Event::MembershipChanged { index, membership } => {
                if self.adopted.replace((index, membership)) == Some((index, membership)) {
                    return;
                }
                (
                    FeedKind::Election,
                    format!(
                        "{n} now uses the configuration {} from entry {index}, before it commits; each follower switches to it as soon as it stores the entry",
                        membership_text(membership)
                    ),
                )
            }
            Event::TransferStarted { target } => (
                FeedKind::Election,
                format!("{n} starts handing leadership to {target}: it takes no new commands and brings {target}'s log up to date"),
            ),
            Event::TimeoutNowSent { target } => {
                match self.handing.iter_mut().find(|h| h.leader == n) {
                    Some(h) if h.timeout_now_told => return,
                    Some(h) => h.timeout_now_told = true,
                    // Begun before the narrator's memory (a seek into a transfer).
                    None => self.handing.push(Handover {
                        leader: n,
                        target,
                        timeout_now_told: true,
                    }),
                }
                (
                    FeedKind::Election,
                    format!("{n} sends {target} TimeoutNow: {target} holds the whole log and should campaign now"),
                )
            }
            Event::TransferAbandoned { target } => (
                FeedKind::Warn,
                format!("{n} gave up handing leadership to {target}: no new leader within an election timeout; it takes commands again"),
            ),
            Event::ReadIndexRecorded { index, round, .. }
                if sim.config().raft.bugs.has(Bug::ReadWithoutHeartbeat) =>
            {
                (
                    FeedKind::Violation,
                    format!("{n} takes its commit index {index} as the read index and, broken on purpose (read-without-heartbeat), answers without waiting for heartbeat round {round} to confirm it still leads: if it no longer does, the value may be stale"),
                )
            }
            Event::ReadIndexRecorded { index, round, .. } => (
                FeedKind::Commit,
                format!("{n} takes its commit index {index} as the read index and checks it still leads with heartbeat round {round}"),
            ),
            // With the bug the round "confirms" in the same step as the read is taken: one
            // happening, told by the line above.
            Event::LeadershipConfirmed { .. }
                if matches!(previous, Some(TraceEvent::Node { node, event: Event::ReadIndexRecorded { .. } }) if *node == n)
                    && sim.config().raft.bugs.has(Bug::ReadWithoutHeartbeat) =>
            {
                return
            }
            Event::LeadershipConfirmed { round }
                if sim.config().raft.bugs.has(Bug::ReadWithoutHeartbeat) =>
            {
                (
                    FeedKind::Violation,
                    format!("{n} serves the reads of round {round} without waiting for a majority to answer its heartbeats (read-without-heartbeat): if it no longer leads, they may return stale values"),
                )
            }
            Event::LeadershipConfirmed { round } => (
                FeedKind::Commit,
                format!("A majority answered {n}'s heartbeat round {round}: it still leads, so the reads waiting on it can be served"),
            ),
            Event::LeaseRead { index, .. } => (
                FeedKind::Commit,
                format!("{n} serves a read at index {index} from its lease: a majority answered its heartbeats less than an election timeout (shortened by the clock-drift bound) ago, so no other leader can exist yet"),
            ),
            Event::ReadForwarded { leader, .. } => (
                FeedKind::Commit,
                format!("{n} asks leader {leader} how far the log is committed (a read index), to answer a client's read without a log entry"),
            ),
            Event::ReadFailed => (
                FeedKind::Warn,
                format!("{n} gave up a read: leadership was lost or not confirmed in time (the client may retry)"),
            ),
            Event::TimeoutNowReceived { from, term } => (
                FeedKind::Election,
                format!("{n} got TimeoutNow from {from} and campaigns for term {term} at once, without waiting for its timer"),
            ),
            // A rejected AppendEntries is drawn (a red answer), not told: the leader tries
            // an earlier index until the logs match, and what a follower throws away on
            // the way is told once for all of them (`rollback.rs`).
            Event::ElectionTimeout { .. }
            | Event::BecameFollower { .. }
            | Event::VoteReceived { .. }
            | Event::AppendRejected { .. }
            | Event::Truncated { .. }
            | Event::StaleMessage { .. } => return,
        };
        feed.push(t, kind, text);
    }
}

/// Why node `n` refused a message, in words.
fn refusal_text(n: NodeId, reason: RefusalReason) -> String {
    match reason {
        RefusalReason::UnknownSender => String::from("the sender is not in the cluster"),
        RefusalReason::FromItself => format!("it claims to come from {n} itself"),
        RefusalReason::AddressedElsewhere { to } => format!("it is addressed to {to}"),
        RefusalReason::TermAtMaximum => {
            String::from("its term is the largest there is, leaving no term to campaign in")
        }
        RefusalReason::EntryTermAboveMessage { index, term } => {
            format!("entry {index} has term {term}, above the term the message speaks for")
        }
        RefusalReason::EntryTermsDecrease { index } => {
            format!("its entry terms go down at index {index}")
        }
        RefusalReason::MalformedSnapshot => {
            String::from("it describes a snapshot no server could send")
        }
        RefusalReason::MalformedMembership { index } => {
            format!("entry {index} is a configuration no server could create")
        }
        RefusalReason::IndexOverflow => {
            String::from("its entries run past the last possible index")
        }
        RefusalReason::MatchPastLog {
            match_index,
            last_index,
        } => format!("it claims entry {match_index} matches, but {n}'s log ends at {last_index}"),
    }
}

/// The configuration in effect on `node` just below entry `index` of its log (the one a
/// configuration entry at `index` replaces).
fn membership_before(
    node: &river_core::Node<river_sim::kv::Command>,
    index: LogIndex,
) -> Membership {
    match node.log().last_membership(LogIndex(1), index.prev()) {
        Some((_, m)) => m,
        None => node
            .snapshot()
            .map_or(Membership::initial(node.config().cluster_size), |s| {
                s.membership
            }),
    }
}

/// How many servers voted in the election `n` won for `term` (thesis §4.1: each server uses
/// the latest configuration in its log): the voters in effect just below the no-op it
/// appended on winning. Not the servers running (one the page just started is not a member
/// yet, a learner does not vote), and not the leader's newest configuration: by the time
/// the feed tells the election the leader may have appended a change.
fn election_voters(sim: &Simulation, n: NodeId, term: Term) -> Option<usize> {
    let node = sim.node(n)?;
    let log = node.log();
    let noop = log.first_index_of_term(term, log.last_index_of_term(term)?);
    let membership = if node.membership_index() < noop {
        node.membership()
    } else {
        match log.last_membership(LogIndex(1), noop.prev()) {
            Some((_, m)) => m,
            None => node
                .snapshot()
                .map_or(Membership::initial(node.config().cluster_size), |s| {
                    s.membership
                }),
        }
    };
    Some(membership.voter_count())
}
