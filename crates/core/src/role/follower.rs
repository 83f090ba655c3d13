//! Followers (§5.2, §5.3): answer RequestVote and AppendEntries, nothing else.

use crate::bug::Bug;
use crate::event::{Event, StepDownReason};
use crate::membership::Membership;
use crate::message::{Body, Message, RejectHint};
use crate::node::Node;
use crate::role::RoleState;
use crate::snapshot::Snapshot;
use crate::types::{LogIndex, NodeId, Term};
use alloc::vec::Vec;

/// One InstallSnapshot chunk, as the follower handles it.
pub(crate) struct SnapshotChunk {
    pub index: LogIndex,
    pub term: Term,
    pub membership: Membership,
    pub offset: u64,
    pub data: Vec<u8>,
    pub done: bool,
}

impl SnapshotChunk {
    /// The chunk an InstallSnapshot carries (`body` must be one).
    pub fn of<C>(body: Body<C>) -> SnapshotChunk {
        let Body::InstallSnapshot {
            last_included_index,
            last_included_term,
            membership,
            offset,
            data,
            done,
        } = body
        else {
            unreachable!("called on InstallSnapshot bodies only")
        };
        SnapshotChunk {
            index: last_included_index,
            term: last_included_term,
            membership,
            offset,
            data,
            done,
        }
    }
}

impl<C: Clone> Node<C> {
    /// A follower's rows of Figure 2. The term is already settled.
    pub(crate) fn step_follower(&mut self, m: Message<C>) {
        match m.body {
            body @ Body::RequestVote { .. } => self.handle_request_vote(m.from, m.term, body),
            body @ Body::AppendEntries { .. } => {
                self.follow(m.from);
                self.handle_append_entries(m.from, body)
            }
            Body::TimeoutNow => self.handle_timeout_now(m.from),
            Body::ReadIndex { id } => self.handle_read_index(m.from, id),
            Body::ReadIndexResponse { id, read_index } => {
                self.handle_read_index_response(id, read_index)
            }
            body @ Body::InstallSnapshot { .. } => {
                self.follow(m.from);
                self.handle_install_snapshot(m.from, SnapshotChunk::of(body))
            }
            // Answers to a role this node no longer holds.
            Body::RequestVoteResponse { .. }
            | Body::AppendEntriesResponse { .. }
            | Body::InstallSnapshotResponse { .. } => {}
        }
    }

    /// Word from `leader` for this term: a follower now knows whom it follows.
    fn follow(&mut self, from: NodeId) {
        if let RoleState::Follower { leader } = &mut self.role {
            if *leader != Some(from) {
                *leader = Some(from);
                self.events.push(Event::BecameFollower {
                    term: self.term,
                    leader: Some(from),
                });
            }
        }
    }

    /// A candidate learns a leader exists for its term (§5.2) and becomes its follower.
    pub(crate) fn accept_leader(&mut self, leader: NodeId) {
        self.become_follower(self.term, Some(leader), StepDownReason::LeaderExists);
    }

    /// AppendEntries receiver implementation (Figure 2, steps 2–5), for followers and
    /// candidates alike (`append` must be an AppendEntries). The term check (step 1) has been
    /// done by `step`.
    pub(crate) fn handle_append_entries(&mut self, leader: NodeId, append: Body<C>) {
        let Body::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            read_round,
        } = append
        else {
            unreachable!("called on AppendEntries bodies only")
        };
        self.reset_election_timer();
        // Entries up to the snapshot are committed, so they match the leader's (§5.4): skip
        // them, and check the rest against the snapshot's last entry.
        let (prev_log_index, prev_log_term, entries) =
            match self.log.snapshot_index().0.checked_sub(prev_log_index.0) {
                Some(behind) if behind > 0 => {
                    let skip =
                        usize::try_from(behind).map_or(entries.len(), |b| b.min(entries.len()));
                    if skip == entries.len() {
                        // Nothing new: everything it carries is in the snapshot.
                        let match_index = self.log.snapshot_index();
                        return self.send(
                            leader,
                            self.term,
                            Body::AppendEntriesResponse {
                                success: true,
                                match_index: LogIndex(prev_log_index.0 + entries.len() as u64)
                                    .min(match_index),
                                reject: None,
                                read_round,
                            },
                        );
                    }
                    let mut entries = entries;
                    let rest = entries.split_off(skip);
                    let index = LogIndex(prev_log_index.0 + skip as u64);
                    let term = entries.last().map_or(prev_log_term, |e| e.term);
                    (index, term, rest)
                }
                _ => (prev_log_index, prev_log_term, entries),
            };
        // Step 2: the log must contain an entry at prev_log_index whose term matches.
        match self.log.term_at(prev_log_index) {
            None => {
                let hint = RejectHint {
                    rejected_index: prev_log_index,
                    conflict_term: None,
                    conflict_index: self.log.last_index().next(),
                };
                return self.reject_append(leader, hint, read_round);
            }
            Some(term) if term != prev_log_term => {
                let hint = RejectHint {
                    rejected_index: prev_log_index,
                    conflict_term: Some(term),
                    conflict_index: self.log.first_index_of_term(term, prev_log_index),
                };
                return self.reject_append(leader, hint, read_round);
            }
            Some(_) => {}
        }
        // Steps 3–4: skip entries we already hold; truncate only at the first real conflict,
        // so a stale or duplicated message never removes anything.
        let last_new = LogIndex(prev_log_index.0 + entries.len() as u64);
        let mut index = prev_log_index;
        let mut new_entries = entries.into_iter();
        let mut changed_from = None;
        for entry in new_entries.by_ref() {
            assert!(
                entry.term <= self.term,
                "step refuses entries above the message's term"
            );
            index = index.next();
            match self.log.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => {
                    if index <= self.commit_index {
                        self.events
                            .push(Event::RefusedToOverwriteCommitted { index });
                        return;
                    }
                    let removed = self.log.last_index().0 - index.0 + 1;
                    self.log.truncate_from(index);
                    self.events.push(Event::Truncated {
                        from: index,
                        removed,
                    });
                }
                None => {}
            }
            self.log.push(entry);
            self.mark_log_dirty(index);
            changed_from = Some(index);
            break;
        }
        for entry in new_entries {
            assert!(
                entry.term <= self.term,
                "step refuses entries above the message's term"
            );
            self.log.push(entry);
            self.mark_log_dirty(self.log.last_index());
        }
        if self.config.bugs.has(Bug::TruncateOnStaleAppend) && self.log.last_index() > last_new {
            // Broken on purpose: drop what follows the message's entries (but never what is
            // known committed, which would trip the core's own assertions).
            let from = last_new.max(self.commit_index).next();
            if from <= self.log.last_index() {
                let removed = self.log.last_index().0 - from.0 + 1;
                self.log.truncate_from(from);
                self.events.push(Event::Truncated { from, removed });
                self.mark_log_dirty(from);
                changed_from = Some(changed_from.map_or(from, |c: LogIndex| c.min(from)));
            }
        }
        if let Some(from) = changed_from {
            // A configuration takes effect when appended, and a truncated one is undone
            // (thesis §4.1).
            self.refresh_membership(from);
        }
        // Step 5: commit index = min(leaderCommit, index of last new entry).
        let commit = leader_commit.min(last_new);
        if commit > self.commit_index {
            self.advance_commit(commit);
        }
        self.send(
            leader,
            self.term,
            Body::AppendEntriesResponse {
                success: true,
                match_index: last_new,
                reject: None,
                read_round,
            },
        );
    }

    /// InstallSnapshot receiver implementation (paper §7, Figure 13). Chunks arrive in order
    /// from offset 0; a chunk out of order is answered with what is held, so the leader
    /// resends from there. A snapshot that covers nothing new is acknowledged at once.
    pub(crate) fn handle_install_snapshot(&mut self, leader: NodeId, chunk: SnapshotChunk) {
        self.reset_election_timer();
        let index = chunk.index;
        let reply = |received: u64, done: bool| Body::InstallSnapshotResponse {
            last_included_index: index,
            received,
            done,
        };
        if index <= self.commit_index {
            // Everything it covers is already committed here (and so matches, §5.4).
            self.receiving = None;
            return self.send(leader, self.term, reply(0, true));
        }
        if chunk.offset == 0 {
            self.receiving = Some((index, chunk.term, chunk.membership, Vec::new()));
        }
        let Some((_, _, _, bytes)) = self
            .receiving
            .as_mut()
            .filter(|(i, t, _, _)| *i == index && *t == chunk.term)
        else {
            return self.send(leader, self.term, reply(0, false));
        };
        if chunk.offset != bytes.len() as u64 {
            let held = bytes.len() as u64;
            return self.send(leader, self.term, reply(held, false));
        }
        bytes.extend_from_slice(&chunk.data);
        let received = bytes.len() as u64;
        if !chunk.done {
            return self.send(leader, self.term, reply(received, false));
        }
        let Some((index, term, membership, bytes)) = self.receiving.take() else {
            unreachable!("held just above")
        };
        self.install_snapshot(Snapshot {
            index,
            term,
            membership,
            data: bytes.into(),
        });
        self.send(leader, self.term, reply(received, true));
    }

    fn reject_append(&mut self, leader: NodeId, hint: RejectHint, read_round: u64) {
        self.events.push(Event::AppendRejected {
            leader,
            prev_log_index: hint.rejected_index,
        });
        self.send(
            leader,
            self.term,
            Body::AppendEntriesResponse {
                success: false,
                match_index: LogIndex::ZERO,
                reject: Some(hint),
                read_round,
            },
        );
    }
}
