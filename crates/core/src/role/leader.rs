//! Leaders (§5.3, §5.4.2, thesis §6.2): replicate the log, count replicas, commit.

use crate::bug::Bug;
use crate::config::MAX_CLUSTER_SIZE;
use crate::event::{Event, RefusalReason, StepDownReason};
use crate::log::{Entry, Payload};
use crate::membership::MembershipChange;
use crate::message::{Body, Message, RejectHint};
use crate::node::Node;
use crate::node::Transfer;
use crate::quorum::{quorum_index, Voters};
use crate::role::{Role, RoleState};
use crate::types::{LogIndex, NodeId};

/// A leader's view of one follower (Figure 2, "Volatile state on leaders").
/// Invariant: `match_index < next_index <= leader's last index + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Progress {
    /// Index of the next entry to send. Advanced optimistically when entries are sent, so
    /// replication is pipelined; moved back when the follower rejects.
    pub next_index: LogIndex,
    /// Highest index known to be replicated on the follower.
    pub match_index: LogIndex,
    /// Heard from since the last CheckQuorum round.
    pub recent_active: bool,
    /// While the follower needs the snapshot (`next_index` is at or below it): how many of
    /// its bytes the follower has acknowledged, where the next chunk starts.
    pub snapshot_offset: u64,
}

/// A leadership transfer under way (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LeadershipTransfer {
    /// The server that is to lead next.
    pub target: NodeId,
    /// Milliseconds since the transfer began; at an election timeout it is abandoned.
    pub elapsed_ms: u64,
}

impl<C: Clone> Node<C> {
    /// A leader's rows of Figure 2. The term is already settled.
    pub(crate) fn step_leader(&mut self, m: Message<C>) {
        match m.body {
            body @ Body::RequestVote { .. } => self.handle_request_vote(m.from, m.term, body),
            Body::AppendEntriesResponse {
                success,
                match_index,
                reject,
                read_round,
            } => {
                let last_index = self.log.last_index();
                if success && match_index > last_index {
                    // A reply of this term can only match entries this leader sent.
                    let reason = RefusalReason::MatchPastLog {
                        match_index,
                        last_index,
                    };
                    return self.refuse(&m, reason);
                }
                if !self.membership.is_member(m.from) {
                    return; // a late answer from a server no longer (or not yet) replicated to
                }
                self.handle_append_response(m.from, success, match_index, reject);
                // Any answer of this term, success or not, shows the sender followed this
                // leader when it answered.
                self.read_round_acked(m.from, read_round);
            }
            Body::ReadIndex { id } => self.handle_read_index(m.from, id),
            Body::ReadIndexResponse { id, read_index } => {
                self.handle_read_index_response(id, read_index)
            }
            Body::InstallSnapshotResponse {
                last_included_index,
                received,
                done,
            } => {
                let size = self.snapshot.as_ref().map_or(0, |s| s.data.len() as u64);
                let ours = self.log.snapshot_index() == last_included_index;
                if ours && received > size {
                    return self.refuse(&m, RefusalReason::MalformedSnapshot);
                }
                if !self.membership.is_member(m.from) {
                    return;
                }
                self.handle_snapshot_response(m.from, last_included_index, received, done)
            }
            Body::AppendEntries { .. } | Body::InstallSnapshot { .. } => {
                // Two leaders in one term: Election Safety is already broken (only a
                // deliberately broken variant gets here). Refuse to follow; the checker reports it.
                self.events.push(Event::RivalLeader {
                    other: m.from,
                    term: m.term,
                });
            }
            // Leaders send TimeoutNow; one arriving here is from a rival of the same term,
            // which only a broken variant produces.
            Body::RequestVoteResponse { .. } | Body::TimeoutNow => {}
        }
    }

    /// Won the election: take the leader role, append a no-op from this term (§8, so earlier
    /// entries can be committed) and assert leadership with AppendEntries to everyone.
    pub(crate) fn become_leader(&mut self) {
        let votes = self.votes() as u8;
        let leader = self.new_leader_state();
        self.set_role(RoleState::Leader(leader));
        self.heartbeat_elapsed_ms = 0;
        self.election_elapsed_ms = 0;
        self.events.push(Event::BecameLeader {
            term: self.term,
            votes,
        });
        self.append_own(Entry {
            term: self.term,
            payload: Payload::Noop,
        });
        self.maybe_commit();
        self.broadcast_append();
    }

    pub(crate) fn tick_leader(&mut self, elapsed_ms: u64) {
        self.tick_transfer(elapsed_ms);
        if self.config.check_quorum
            && self.election_elapsed_ms >= self.config.election_timeout_min_ms
        {
            self.election_elapsed_ms = 0;
            if !self.check_quorum() {
                self.become_follower(self.term, None, StepDownReason::LostQuorum);
                return;
            }
        }
        if self.heartbeat_elapsed_ms >= self.config.heartbeat_interval_ms {
            self.broadcast_append();
        }
    }

    /// Starts handing leadership to `target` (thesis §3.10): no new proposals from now on;
    /// TimeoutNow at once if its log is complete, otherwise once it catches up.
    pub(crate) fn start_transfer(&mut self, target: NodeId) -> Transfer {
        let last_index = self.log.last_index();
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("start_transfer outside the leader role")
        };
        if let Some(running) = leader.transfer {
            return Transfer::InProgress {
                target: running.target,
            };
        }
        leader.transfer = Some(LeadershipTransfer {
            target,
            elapsed_ms: 0,
        });
        let caught_up = leader.progress[target.index()].match_index == last_index;
        self.events.push(Event::TransferStarted { target });
        // The target's votes will pass the followers' lease, so the read lease ends now.
        self.void_read_lease();
        if caught_up {
            self.send_timeout_now(target);
        } else {
            self.send_append(target);
        }
        Transfer::Started
    }

    /// Counts a running transfer's time; at an election timeout it is abandoned and the
    /// leader takes proposals again (thesis §3.10).
    fn tick_transfer(&mut self, elapsed_ms: u64) {
        let limit = self.config.election_timeout_min_ms;
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("tick_transfer outside the leader role")
        };
        let Some(transfer) = &mut leader.transfer else {
            return;
        };
        transfer.elapsed_ms = transfer.elapsed_ms.saturating_add(elapsed_ms);
        if transfer.elapsed_ms >= limit {
            let target = transfer.target;
            leader.transfer = None;
            self.events.push(Event::TransferAbandoned { target });
        }
    }

    fn send_timeout_now(&mut self, target: NodeId) {
        self.events.push(Event::TimeoutNowSent { target });
        self.send(target, self.term, Body::TimeoutNow);
    }

    /// CheckQuorum (thesis §6.2): was a majority of the voters heard from since the last
    /// round? Clears the marks for the next round.
    fn check_quorum(&mut self) -> bool {
        let me = self.config.id.index();
        let membership = self.membership;
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("check_quorum outside the leader role")
        };
        let mut active = Voters::default();
        for (i, progress) in leader.progress.iter_mut().enumerate() {
            if core::mem::take(&mut progress.recent_active) || i == me {
                active.insert(i);
            }
        }
        membership.has_quorum(active)
    }

    /// Sends AppendEntries (or a heartbeat, when nothing is new) to every follower.
    pub(crate) fn broadcast_append(&mut self) {
        self.heartbeat_elapsed_ms = 0;
        self.read_round_for_broadcast();
        let peers = self.peers();
        for peer in peers {
            self.send_append(peer);
        }
    }

    /// Sends `peer` the entries from its `next_index`, at most `max_entries_per_append`; or,
    /// if those entries are compacted away, the next chunk of the snapshot (paper §7).
    pub(crate) fn send_append(&mut self, peer: NodeId) {
        let last_index = self.log.last_index();
        let snapshot_index = self.log.snapshot_index();
        let max = self.config.max_entries_per_append as u64;
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("send_append outside the leader role")
        };
        let progress = &mut leader.progress[peer.index()];
        assert!(
            progress.match_index < progress.next_index && progress.next_index <= last_index.next(),
            "progress out of range"
        );
        if progress.next_index <= snapshot_index {
            let offset = progress.snapshot_offset;
            return self.send_snapshot_chunk(peer, offset);
        }
        let prev_log_index = progress.next_index.prev();
        let end = LogIndex(last_index.0.min(prev_log_index.0.saturating_add(max)));
        if end > prev_log_index {
            progress.next_index = end.next();
        }
        let prev_log_term = self
            .log
            .term_at(prev_log_index)
            .expect("prev_log_index is inside the leader's log");
        let entries = self.log.slice(prev_log_index.next(), end).to_vec();
        let body = Body::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
            read_round: leader.reads.round,
        };
        self.send(peer, self.term, body);
    }

    /// Sends `peer` the chunk of the snapshot that starts at `offset`.
    fn send_snapshot_chunk(&mut self, peer: NodeId, offset: u64) {
        let Some(snapshot) = self.snapshot.as_ref() else {
            unreachable!("a compacted log has a snapshot")
        };
        let size = snapshot.data.len();
        let start = usize::try_from(offset).map_or(size, |o| o.min(size));
        let end = start
            .saturating_add(self.config.snapshot_chunk_bytes)
            .min(size);
        let body = Body::InstallSnapshot {
            last_included_index: snapshot.index,
            last_included_term: snapshot.term,
            membership: snapshot.membership,
            offset: start as u64,
            data: snapshot.data[start..end].to_vec(),
            done: end == size,
        };
        self.send(peer, self.term, body);
    }

    /// Handles a follower's answer to a snapshot chunk: the next chunk, or, once it is
    /// installed, on with the entries after it.
    fn handle_snapshot_response(
        &mut self,
        from: NodeId,
        index: LogIndex,
        received: u64,
        done: bool,
    ) {
        let last_index = self.log.last_index();
        let ours = index == self.log.snapshot_index();
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("snapshot response outside the leader role")
        };
        let progress = &mut leader.progress[from.index()];
        progress.recent_active = true;
        if done {
            // It holds everything up to `index` (and `index` is in our log, compacted).
            if index > progress.match_index && index <= last_index {
                progress.match_index = index;
            }
            if progress.next_index <= progress.match_index {
                progress.next_index = progress.match_index.next();
            }
            progress.snapshot_offset = 0;
            let more_to_send = progress.next_index <= last_index;
            self.maybe_commit();
            if self.role.kind() != Role::Leader {
                return;
            }
            if more_to_send {
                self.send_append(from);
            }
            self.maybe_promote(from);
        } else if ours && progress.next_index <= index && received != progress.snapshot_offset {
            // The next chunk (or, if the follower lost what it had, the one it needs); a
            // repeated answer sends nothing, and a lost chunk goes again with the heartbeat.
            progress.snapshot_offset = received;
            self.send_snapshot_chunk(from, received);
        }
    }

    /// Handles a follower's answer: advance its progress and maybe the commit index on
    /// success; on rejection back up `next_index` using the hint and retry at once.
    fn handle_append_response(
        &mut self,
        from: NodeId,
        success: bool,
        match_index: LogIndex,
        reject: Option<RejectHint>,
    ) {
        let last_index = self.log.last_index();
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("append response outside the leader role")
        };
        let progress = &mut leader.progress[from.index()];
        progress.recent_active = true;
        if success {
            assert!(
                match_index <= last_index,
                "step_leader refuses matches past the log"
            );
            if match_index > progress.match_index {
                progress.match_index = match_index;
            }
            if progress.next_index <= match_index {
                progress.next_index = match_index.next();
            }
            let more_to_send = progress.next_index <= last_index;
            let target_caught_up = progress.match_index == last_index
                && leader.transfer.is_some_and(|t| t.target == from);
            self.maybe_commit();
            if self.role.kind() != Role::Leader {
                return; // the commit removed this leader from the cluster
            }
            if more_to_send {
                self.send_append(from);
            }
            self.maybe_promote(from);
            if target_caught_up {
                self.send_timeout_now(from);
            }
            return;
        }
        let Some(hint) = reject else { return };
        // A rejection at or below what is known to match is stale (a reordered reply).
        if hint.rejected_index <= progress.match_index {
            return;
        }
        let hinted = match hint.conflict_term {
            Some(term) => self
                .log
                .last_index_of_term(term)
                .map_or(hint.conflict_index, LogIndex::next),
            None => hint.conflict_index,
        };
        let next = hinted
            .min(hint.rejected_index)
            .max(progress.match_index.next());
        if next < progress.next_index {
            progress.next_index = next;
            self.send_append(from);
        }
    }

    /// Thesis §4.2.1: a learner that has caught up (it holds everything the leader has
    /// committed) becomes a voter, as soon as the rules for a change allow one.
    fn maybe_promote(&mut self, learner: NodeId) {
        if !self.membership.is_learner(learner) || self.check_change_allowed().is_err() {
            return;
        }
        let RoleState::Leader(leader) = &self.role else {
            return;
        };
        if leader.transfer.is_some()
            || leader.progress[learner.index()].match_index < self.commit_index
        {
            return;
        }
        if let Ok(next) = self.membership.apply(MembershipChange::Promote(learner)) {
            self.append_membership(next);
        }
    }

    /// Commits the highest index stored on a majority of the voters of the configuration in
    /// effect (thesis §4.1; the leader counts itself only if it votes) — but only by counting
    /// replicas of an entry from the current term (§5.4.2, Figure 8); earlier entries commit
    /// with it. A leader that is no longer a voter steps down once that configuration
    /// commits (thesis §4.2.2).
    pub(crate) fn maybe_commit(&mut self) {
        let me = self.config.id;
        let last_index = self.log.last_index();
        let RoleState::Leader(leader) = &self.role else {
            return;
        };
        let mut matched = [LogIndex::ZERO; MAX_CLUSTER_SIZE];
        let mut voters = 0;
        for id in self.membership.voters() {
            let progress = &leader.progress[id.index()];
            matched[voters] = if id == me {
                last_index
            } else if self.config.bugs.has(Bug::CommitFromNextIndex) {
                progress.next_index.prev() // broken on purpose: what was sent, not stored
            } else {
                progress.match_index
            };
            voters += 1;
        }
        let candidate = quorum_index(&matched[..voters], self.membership.quorum());
        if candidate <= self.commit_index {
            return;
        }
        let from_current_term = self.log.term_at(candidate) == Some(self.term);
        if from_current_term || self.config.bugs.has(Bug::Figure8Commit) {
            self.advance_commit(candidate);
            if from_current_term {
                self.reads_after_commit();
            }
            if self.commit_index >= self.membership_index && !self.membership.is_voter(me) {
                self.become_follower(self.term, None, StepDownReason::Removed);
            }
        }
    }
}
