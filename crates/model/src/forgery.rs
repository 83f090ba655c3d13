//! Forged messages: what a corrupt, misrouted or hostile sender may put on the wire, handed
//! straight to one node. No honest server need have sent them; the node must refuse or
//! survive each (issue 11 §2), and the driver checks what a node promises whatever it hears.
//!
//! Numbers are drawn near what the receiver holds (its term, its log's end) as often as at
//! random or at the maximum, so forged messages reach deep into the role functions instead
//! of all failing the first check.

use crate::history::Command;
use river_core::{Body, Entry, LogIndex, Membership, Message, Node, NodeId, Payload};
use river_core::{ReadId, RejectHint, Term, MAX_CLUSTER_SIZE};

/// The most entries one forged AppendEntries carries.
pub const MAX_FORGED_ENTRIES: usize = 4;
/// The most bytes one forged InstallSnapshot chunk carries.
pub const MAX_FORGED_CHUNK_BYTES: usize = 8;

/// A number in a forged message, decoded from a raw `u64` so that most are near a
/// reference (what a plausible message carries) and some are anything at all: the top byte
/// picks the kind. For the message's term the reference is the receiver's term; for the
/// terms of entries it describes, the message's term; for indexes, the receiver's last
/// log index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Value(pub u64);

/// Raw values with a top byte below this are [`Value::near`] the reference.
const NEAR_BELOW: u64 = 224;
/// The largest offset [`Value::near`] may carry.
pub const MAX_NEAR_OFFSET: i8 = 3;

impl Value {
    /// `offset` (clamped to ±[`MAX_NEAR_OFFSET`]) from the reference.
    pub fn near(offset: i8) -> Value {
        let offset = offset.clamp(-MAX_NEAR_OFFSET, MAX_NEAR_OFFSET);
        Value((offset + MAX_NEAR_OFFSET) as u64)
    }

    /// Exactly `value`, whatever the reference (`value`'s top byte is set to mark it).
    pub fn any(value: u64) -> Value {
        Value(value | (NEAR_BELOW << 56))
    }

    /// `u64::MAX`.
    pub const MAX: Value = Value(u64::MAX);

    fn resolve(self, around: u64) -> u64 {
        if self.0 >> 56 < NEAR_BELOW {
            let span = 2 * MAX_NEAR_OFFSET as u64 + 1;
            let offset = (self.0 % span) as i64 - i64::from(MAX_NEAR_OFFSET);
            around.saturating_add_signed(offset)
        } else {
            self.0
        }
    }

    fn term(self, around: Term) -> Term {
        Term(self.resolve(around.0))
    }

    fn index(self, node: &Node<Command>) -> LogIndex {
        LogIndex(self.resolve(node.log().last_index().0))
    }
}

/// The sender a forged message names, decoded from a raw byte: mostly another member of the
/// cluster (`0..224`, taken modulo their number), sometimes the receiver itself
/// (`224..240`), sometimes an id outside every cluster (`240..=255`, used as is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Sender(pub u8);

impl Sender {
    /// The receiver itself.
    pub const ITSELF: Sender = Sender(224);
}

/// The body of a forged message: every field of [`Body`], each any value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ForgedBody {
    /// RequestVote or PreVote.
    RequestVote {
        /// PreVote.
        pre_vote: bool,
        /// Claims a leadership transfer (thesis §3.10).
        leadership_transfer: bool,
        /// Near the receiver's last index.
        last_log_index: Value,
        /// Near the message's term.
        last_log_term: Value,
    },
    /// A vote, granted or not.
    RequestVoteResponse {
        /// PreVote.
        pre_vote: bool,
        /// Granted.
        granted: bool,
    },
    /// AppendEntries with up to [`MAX_FORGED_ENTRIES`] entries.
    AppendEntries {
        /// Near the receiver's last index.
        prev_log_index: Value,
        /// Near the message's term.
        prev_log_term: Value,
        /// How many of `entry_terms` to send, modulo `MAX_FORGED_ENTRIES + 1`.
        entries: u8,
        /// Each entry's term, near the message's term.
        entry_terms: [Value; MAX_FORGED_ENTRIES],
        /// Bit `k` set: entry `k` is a configuration (`membership`), else a command.
        configurations: u8,
        /// The configuration those entries carry: voter and learner ids as bit masks over
        /// `0..MAX_CLUSTER_SIZE` (any masks, overlapping or empty included).
        membership: (u16, u16),
        /// Near the receiver's last index.
        leader_commit: Value,
        /// The ReadIndex heartbeat round (thesis §6.4), any number.
        read_round: u64,
    },
    /// An answer to AppendEntries.
    AppendEntriesResponse {
        /// Success.
        success: bool,
        /// Near the receiver's last index.
        match_index: Value,
        /// A rejection hint: rejected index, conflict term (near the message's term),
        /// conflict index.
        reject: Option<(Value, Option<Value>, Value)>,
        /// The round echoed, any number.
        read_round: u64,
    },
    /// A leadership transfer's "campaign now" (thesis §3.10).
    TimeoutNow,
    /// A follower's request for a read index (thesis §6.4).
    ReadIndex {
        /// The read's id.
        id: u64,
    },
    /// A leader's answer with a read index, or none.
    ReadIndexResponse {
        /// The read's id.
        id: u64,
        /// Near the receiver's last index, if given.
        read_index: Option<Value>,
    },
    /// One chunk of a snapshot (paper §7): any index (near the receiver's last, or past
    /// anything), any term (near the message's, so it may mismatch the chunks before it),
    /// any offset (near 0 and the few bytes a forged chunk carries, or anything), any
    /// configuration, up to [`MAX_FORGED_CHUNK_BYTES`] bytes (none at all with `done`
    /// included).
    InstallSnapshot {
        /// Near the receiver's last index.
        last_included_index: Value,
        /// Near the message's term.
        last_included_term: Value,
        /// Voter and learner bit masks, as for AppendEntries.
        membership: (u16, u16),
        /// Near 0.
        offset: Value,
        /// How many bytes, modulo `MAX_FORGED_CHUNK_BYTES + 1`.
        bytes: u8,
        /// The last chunk.
        done: bool,
    },
    /// An answer to InstallSnapshot.
    InstallSnapshotResponse {
        /// Near the receiver's last index.
        last_included_index: Value,
        /// Near 0.
        received: Value,
        /// Installed.
        done: bool,
    },
}

/// One forged message and the node it is handed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Forgery {
    /// The receiver, modulo the cluster size.
    pub node: u8,
    /// The sender it names.
    pub from: Sender,
    /// The receiver the message names: its real receiver for raw values below 224, else
    /// id `raw - 224` (0 to 31: another member, a stranger, or by chance the receiver).
    pub to: u8,
    /// Near the receiver's term.
    pub term: Value,
    /// What it says.
    pub body: ForgedBody,
}

impl Forgery {
    /// The receiver's id in a cluster of `size`.
    pub fn receiver(&self, size: usize) -> NodeId {
        NodeId((usize::from(self.node) % size) as u8)
    }

    /// The message, its numbers resolved against `receiver` as it stands. Forged entries
    /// carry command 0, which no client proposes, or a configuration.
    pub fn message(&self, receiver: &Node<Command>) -> Message<Command> {
        let size = receiver.config().cluster_size;
        let me = receiver.id().index();
        let from = match self.from.0 {
            n @ 0..224 if size > 1 => NodeId(((me + 1 + usize::from(n) % (size - 1)) % size) as u8),
            0..240 => receiver.id(),
            n => NodeId(n),
        };
        let to = match self.to {
            0..224 => receiver.id(),
            n => NodeId(n - 224),
        };
        let term = self.term.term(receiver.term());
        let body = match self.body {
            ForgedBody::RequestVote {
                pre_vote,
                leadership_transfer,
                last_log_index,
                last_log_term,
            } => Body::RequestVote {
                pre_vote,
                leadership_transfer,
                last_log_index: last_log_index.index(receiver),
                last_log_term: last_log_term.term(term),
            },
            ForgedBody::RequestVoteResponse { pre_vote, granted } => {
                Body::RequestVoteResponse { pre_vote, granted }
            }
            ForgedBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                entry_terms,
                configurations,
                membership,
                leader_commit,
                read_round,
            } => Body::AppendEntries {
                prev_log_index: prev_log_index.index(receiver),
                prev_log_term: prev_log_term.term(term),
                entries: entry_terms[..usize::from(entries) % (MAX_FORGED_ENTRIES + 1)]
                    .iter()
                    .enumerate()
                    .map(|(k, entry_term)| Entry {
                        term: entry_term.term(term),
                        payload: if configurations & (1 << k) != 0 {
                            Payload::Membership(membership_of(membership))
                        } else {
                            Payload::Command(0)
                        },
                    })
                    .collect(),
                leader_commit: leader_commit.index(receiver),
                read_round,
            },
            ForgedBody::AppendEntriesResponse {
                success,
                match_index,
                reject,
                read_round,
            } => Body::AppendEntriesResponse {
                success,
                match_index: match_index.index(receiver),
                reject: reject.map(|(rejected, conflict_term, conflict)| RejectHint {
                    rejected_index: rejected.index(receiver),
                    conflict_term: conflict_term.map(|t| t.term(term)),
                    conflict_index: conflict.index(receiver),
                }),
                read_round,
            },
            ForgedBody::TimeoutNow => Body::TimeoutNow,
            ForgedBody::ReadIndex { id } => Body::ReadIndex { id: ReadId(id) },
            ForgedBody::ReadIndexResponse { id, read_index } => Body::ReadIndexResponse {
                id: ReadId(id),
                read_index: read_index.map(|i| i.index(receiver)),
            },
            ForgedBody::InstallSnapshot {
                last_included_index,
                last_included_term,
                membership,
                offset,
                bytes,
                done,
            } => Body::InstallSnapshot {
                last_included_index: last_included_index.index(receiver),
                last_included_term: last_included_term.term(term),
                membership: membership_of(membership),
                offset: offset.resolve(MAX_NEAR_OFFSET as u64),
                data: (0..bytes % (MAX_FORGED_CHUNK_BYTES as u8 + 1)).collect(),
                done,
            },
            ForgedBody::InstallSnapshotResponse {
                last_included_index,
                received,
                done,
            } => Body::InstallSnapshotResponse {
                last_included_index: last_included_index.index(receiver),
                received: received.resolve(MAX_NEAR_OFFSET as u64),
                done,
            },
        };
        Message {
            from,
            to,
            term,
            body,
        }
    }
}

/// The configuration of two id bit masks (voters, learners) over `0..MAX_CLUSTER_SIZE`.
fn membership_of((voters, learners): (u16, u16)) -> Membership {
    let ids = |mask: u16| -> Vec<NodeId> {
        (0..MAX_CLUSTER_SIZE as u8)
            .filter(|i| mask & (1 << i) != 0)
            .map(NodeId)
            .collect()
    };
    Membership::of(&ids(voters), &ids(learners))
}
