//! The three roles of §5.1 (four with PreVote), each holding only the state that belongs to
//! it: `next_index` and `match_index` live inside [`Leader`], so a follower cannot have them.

mod candidate;
mod follower;
mod leader;

pub(crate) use leader::LeadershipTransfer;
pub use leader::Progress;

use crate::quorum::Voters;
use crate::types::NodeId;
use alloc::vec::Vec;

/// A role without its data, for display and for checking transitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Answers RPCs, starts an election when the timer fires.
    Follower,
    /// Asking whether it could win, before raising its term (thesis §9.6).
    PreCandidate,
    /// Asking for votes in a new term.
    Candidate,
    /// Replicating its log to everyone.
    Leader,
}

impl Role {
    /// The word people read.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }

    /// The transitions of Figure 4 (plus PreVote's): anything else is a bug.
    pub fn may_become(self, next: Role) -> bool {
        use Role::*;
        matches!(
            (self, next),
            (_, Follower)
                | (
                    Follower | PreCandidate | Candidate,
                    PreCandidate | Candidate
                )
                | (Candidate, Leader)
        )
    }
}

/// A role with its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RoleState {
    Follower { leader: Option<NodeId> },
    PreCandidate { granted: Voters },
    Candidate { granted: Voters },
    Leader(Leader),
}

/// What only a leader knows (Figure 2, "Volatile state on leaders").
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Leader {
    /// One entry per server, its own included (unused).
    pub progress: Vec<Progress>,
    /// New entries await replication; sent when the caller next takes a [`crate::Ready`], so
    /// a batch of proposals leaves as one AppendEntries per follower.
    pub broadcast_pending: bool,
    /// A leadership transfer under way (thesis §3.10): proposals are refused meanwhile.
    pub transfer: Option<LeadershipTransfer>,
    /// ReadIndex rounds and the reads waiting on them (thesis §6.4).
    pub reads: crate::read::LeaderReads,
}

impl RoleState {
    pub fn kind(&self) -> Role {
        match self {
            RoleState::Follower { .. } => Role::Follower,
            RoleState::PreCandidate { .. } => Role::PreCandidate,
            RoleState::Candidate { .. } => Role::Candidate,
            RoleState::Leader(_) => Role::Leader,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Role::*;

    /// Figure 4: a follower never becomes leader without first being a candidate.
    #[test]
    fn only_candidates_become_leaders() {
        assert!(Candidate.may_become(Leader));
        assert!(!Follower.may_become(Leader));
        assert!(!PreCandidate.may_become(Leader));
        assert!(!Leader.may_become(Candidate));
        assert!(Leader.may_become(Follower));
    }
}
