//! Snapshots (thesis ch. 5, paper §7): the state machine's state as of a committed index,
//! standing in for every log entry up to it.

use crate::membership::Membership;
use crate::types::{LogIndex, Term};
use alloc::sync::Arc;

/// The most bytes a snapshot may hold. A larger one is refused from a peer, so a hostile
/// sender cannot make a follower buffer without end.
pub const MAX_SNAPSHOT_BYTES: usize = 1 << 20;

/// The most bytes one InstallSnapshot message carries, unless configured otherwise: small, so
/// a snapshot of the simulator's store travels in a few visible chunks.
pub const DEFAULT_SNAPSHOT_CHUNK_BYTES: usize = 64;

/// A snapshot: the state machine's state after applying every entry up to `index`, with what
/// a server needs to go on from it (paper §7, Figure 12).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// The last index it covers ("last included index").
    pub index: LogIndex,
    /// The term of that entry ("last included term").
    pub term: Term,
    /// The configuration in effect at `index` (thesis §5.1: a snapshot carries it, since the
    /// entries that set it are gone).
    pub membership: Membership,
    /// The state machine's state, as its owner encoded it; opaque to Raft.
    pub data: Arc<[u8]>,
}
