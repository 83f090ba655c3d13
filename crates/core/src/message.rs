//! The RPCs of Figure 2, as one-way messages: a request and its response travel separately,
//! so the network can lose, duplicate, delay or reorder either.

use crate::event::RefusalReason;
use crate::log::{Entry, Payload};
use crate::membership::Membership;
use crate::read::ReadId;
use crate::snapshot::MAX_SNAPSHOT_BYTES;
use crate::types::{LogIndex, NodeId, Term};
use alloc::vec::Vec;

/// One message between two servers. `term` is the sender's current term, except for a
/// PreVote request (the term the sender would campaign in) and a granted PreVote response
/// (echoing that term), as in thesis §9.6.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message<C> {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// The term the message speaks for.
    pub term: Term,
    /// What it says.
    pub body: Body<C>,
}

/// The kinds of Raft message, with every field the paper names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Body<C> {
    /// RequestVote (§5.2), or a PreVote probe when `pre_vote` (thesis §9.6).
    RequestVote {
        /// Whether this only asks "would you vote for me?".
        pre_vote: bool,
        /// Index of the candidate's last log entry.
        last_log_index: LogIndex,
        /// Term of the candidate's last log entry.
        last_log_term: Term,
        /// The candidate campaigns because the leader handed leadership over with
        /// [`Body::TimeoutNow`] (thesis §3.10): receivers answer it even while they hear from
        /// a leader (CheckQuorum's lease, thesis §4.2.3), since that leader asked for it.
        leadership_transfer: bool,
    },
    /// The answer to a RequestVote.
    RequestVoteResponse {
        /// Answers a PreVote probe.
        pre_vote: bool,
        /// Whether the vote is granted.
        granted: bool,
    },
    /// AppendEntries (§5.3); with no entries it is a heartbeat.
    AppendEntries {
        /// Index of the entry just before the new ones.
        prev_log_index: LogIndex,
        /// Term of that entry.
        prev_log_term: Term,
        /// New entries, possibly none.
        entries: Vec<Entry<C>>,
        /// The leader's commit index.
        leader_commit: LogIndex,
        /// The leader's latest ReadIndex heartbeat round (thesis §6.4), echoed in the reply
        /// so the leader knows the follower still followed it after the round began.
        read_round: u64,
    },
    /// The answer to an AppendEntries.
    AppendEntriesResponse {
        /// Whether the follower's log matched at `prev_log_index`.
        success: bool,
        /// On success, the last index known to match the leader's log.
        match_index: LogIndex,
        /// On failure, where the log disagreed and how far to back up.
        reject: Option<RejectHint>,
        /// The `read_round` of the AppendEntries answered (0 when answering a stale term).
        read_round: u64,
    },
    /// A leader handing leadership over tells its up-to-date target to start an election at
    /// once, as if its election timer had run out (thesis §3.10).
    TimeoutNow,
    /// A follower asks its leader for a read index on behalf of one of its clients
    /// (thesis §6.4: followers can serve reads through the leader).
    ReadIndex {
        /// The follower's name for the read, echoed in the answer.
        id: ReadId,
    },
    /// The leader's answer to [`Body::ReadIndex`]: the index a read may be served at once the
    /// follower has applied it, after the leader confirmed its leadership; `None` if the
    /// receiver of the request could not give one (not the leader, too many reads waiting).
    ReadIndexResponse {
        /// The read answered.
        id: ReadId,
        /// The read index, if granted.
        read_index: Option<LogIndex>,
    },
    /// InstallSnapshot (paper §7, Figure 13): one chunk of the leader's snapshot, for a
    /// follower that needs entries the leader has compacted away.
    InstallSnapshot {
        /// The snapshot's last included index.
        last_included_index: LogIndex,
        /// The term of that entry.
        last_included_term: Term,
        /// The configuration the snapshot carries (thesis §5.1).
        membership: Membership,
        /// Where this chunk sits in the snapshot's bytes.
        offset: u64,
        /// The chunk.
        data: Vec<u8>,
        /// Whether this is the last chunk.
        done: bool,
    },
    /// The answer to an InstallSnapshot: how many bytes of which snapshot the follower holds,
    /// so the leader sends the next chunk (or resends from there).
    InstallSnapshotResponse {
        /// The snapshot answered about.
        last_included_index: LogIndex,
        /// Bytes received so far, in order from offset 0.
        received: u64,
        /// Whether the follower has installed it (or already had everything it covers).
        done: bool,
    },
}

/// The largest last included index a snapshot may name: half the index space, so that no
/// log built on it can run out of indexes. No real cluster comes near it.
pub const MAX_SNAPSHOT_INDEX: u64 = u64::MAX / 2;

/// The follower's hint after a failed consistency check, so the leader can skip a whole term
/// of mismatching entries per round trip instead of one entry (§5.3, last paragraphs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RejectHint {
    /// The `prev_log_index` of the rejected request.
    pub rejected_index: LogIndex,
    /// The follower's term at that index, or `None` if its log is shorter.
    pub conflict_term: Option<Term>,
    /// The first index of `conflict_term` in the follower's log, or its last index + 1.
    pub conflict_index: LogIndex,
}

/// A message's kind without its data, for counting and drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    /// RequestVote or PreVote.
    RequestVote,
    /// Answer to RequestVote or PreVote.
    RequestVoteResponse,
    /// AppendEntries carrying entries.
    AppendEntries,
    /// AppendEntries carrying none.
    Heartbeat,
    /// Answer to AppendEntries.
    AppendEntriesResponse,
    /// A leadership transfer's "campaign now".
    TimeoutNow,
    /// A follower asks the leader for a read index.
    ReadIndex,
    /// The leader's answer with a read index.
    ReadIndexResponse,
    /// A chunk of a snapshot.
    InstallSnapshot,
    /// Answer to InstallSnapshot.
    InstallSnapshotResponse,
}

impl<C> Message<C> {
    /// The kind of this message.
    pub fn kind(&self) -> MessageKind {
        match &self.body {
            Body::RequestVote { .. } => MessageKind::RequestVote,
            Body::RequestVoteResponse { .. } => MessageKind::RequestVoteResponse,
            Body::AppendEntries { entries, .. } if entries.is_empty() => MessageKind::Heartbeat,
            Body::AppendEntries { .. } => MessageKind::AppendEntries,
            Body::AppendEntriesResponse { .. } => MessageKind::AppendEntriesResponse,
            Body::TimeoutNow => MessageKind::TimeoutNow,
            Body::ReadIndex { .. } => MessageKind::ReadIndex,
            Body::ReadIndexResponse { .. } => MessageKind::ReadIndexResponse,
            Body::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            Body::InstallSnapshotResponse { .. } => MessageKind::InstallSnapshotResponse,
        }
    }

    /// What makes this message impossible for a correct server to have sent, whoever
    /// receives it: a term with no successor, or log entries no leader's log can hold. Checked
    /// before the message touches any state, so a refused message changes nothing.
    pub fn malformation(&self) -> Option<RefusalReason> {
        if self.term == Term::MAX {
            return Some(RefusalReason::TermAtMaximum);
        }
        let above = |index: LogIndex, term: Term| {
            (term > self.term).then_some(RefusalReason::EntryTermAboveMessage { index, term })
        };
        match &self.body {
            // A candidate's last entry is from its term or an earlier one.
            Body::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => above(*last_log_index, *last_log_term),
            Body::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                ..
            } => {
                let fits = u64::try_from(entries.len())
                    .ok()
                    .and_then(|n| prev_log_index.0.checked_add(n));
                if fits.is_none() {
                    return Some(RefusalReason::IndexOverflow);
                }
                // The entry at `prev_log_index` and the new ones after it, in log order: each
                // term at most the message's, none below the one before.
                let mut index = *prev_log_index;
                let mut before = Term(0);
                for (k, entry) in entries.iter().enumerate() {
                    if let Payload::Membership(m) = &entry.payload {
                        if m.is_malformed() {
                            // k + 1 fits: the whole run was checked above.
                            let index = LogIndex(prev_log_index.0 + k as u64 + 1);
                            return Some(RefusalReason::MalformedMembership { index });
                        }
                    }
                }
                let terms = core::iter::once(*prev_log_term).chain(entries.iter().map(|e| e.term));
                for (k, term) in terms.enumerate() {
                    if k > 0 {
                        index = index.next(); // cannot overflow: checked above
                    }
                    if let Some(refusal) = above(index, term) {
                        return Some(refusal);
                    }
                    if term < before {
                        return Some(RefusalReason::EntryTermsDecrease { index });
                    }
                    before = term;
                }
                None
            }
            Body::InstallSnapshot {
                last_included_index,
                last_included_term,
                membership,
                offset,
                data,
                ..
            } => {
                let index = *last_included_index;
                let end = u64::try_from(data.len())
                    .ok()
                    .and_then(|n| offset.checked_add(n));
                let too_big = end.is_none_or(|e| e > MAX_SNAPSHOT_BYTES as u64);
                if index.0 == 0
                    || last_included_term.0 == 0
                    || index.0 > MAX_SNAPSHOT_INDEX
                    || too_big
                {
                    Some(RefusalReason::MalformedSnapshot)
                } else if membership.is_malformed() {
                    Some(RefusalReason::MalformedMembership { index })
                } else {
                    above(index, *last_included_term)
                }
            }
            Body::RequestVoteResponse { .. }
            | Body::AppendEntriesResponse { .. }
            | Body::TimeoutNow
            | Body::ReadIndex { .. }
            | Body::ReadIndexResponse { .. }
            | Body::InstallSnapshotResponse { .. } => None,
        }
    }

    /// Whether this is a PreVote request or response.
    pub fn is_pre_vote(&self) -> bool {
        matches!(
            self.body,
            Body::RequestVote { pre_vote: true, .. }
                | Body::RequestVoteResponse { pre_vote: true, .. }
        )
    }
}

impl MessageKind {
    /// A short name people read: "RequestVote", "heartbeat", …
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteResponse => "RequestVote reply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::AppendEntriesResponse => "AppendEntries reply",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::ReadIndex => "ReadIndex",
            MessageKind::ReadIndexResponse => "ReadIndex reply",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotResponse => "InstallSnapshot reply",
        }
    }
}
