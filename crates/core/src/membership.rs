//! Cluster membership (thesis §4.1–4.2): which servers vote, which only receive the log, and
//! the one-server-at-a-time changes between configurations.
//!
//! A configuration travels as a log entry ([`crate::Payload::Membership`]) and takes effect
//! on a server as soon as it is in that server's log, committed or not (§4.1); truncating the
//! entry puts the previous configuration back. Because consecutive configurations differ by
//! one server, any majority of the old one overlaps any majority of the new one, so no two
//! leaders can be elected in one term across the change.

use crate::config::MAX_CLUSTER_SIZE;
use crate::quorum::Voters;
use crate::types::NodeId;

/// One configuration: the servers whose votes and replicas count, and the learners that
/// receive the log without counting (thesis §4.2.1: a new server catches up before it votes).
/// Invariant (for every configuration a correct server creates): at least one voter, and no
/// server is both a voter and a learner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Membership {
    voters: Voters,
    learners: Voters,
}

/// One step between configurations (thesis §4.2): a single server changes its standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MembershipChange {
    /// Start replicating to a new server, which does not vote yet (thesis §4.2.1). The leader
    /// promotes it by itself once it has caught up.
    AddLearner(NodeId),
    /// Make a learner a voter.
    Promote(NodeId),
    /// Take a voter or a learner out of the cluster (thesis §4.2.2).
    Remove(NodeId),
}

/// Why a configuration change was not appended. Protocol outcomes, not errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeRefusal {
    /// Another change is appended but not committed: at most one may be in flight, or two
    /// uncommitted steps could add up to a change of two servers (§4.1).
    ChangeInFlight,
    /// The leader has not yet committed an entry of its own term. Appending a change before
    /// that can lose a committed entry (Ongaro's 2015 erratum to the single-server algorithm).
    NoCommitInTerm,
    /// The server is already a member (to add) or not a learner (to promote).
    AlreadyMember(NodeId),
    /// The server is not a member, or not a learner to promote.
    NotMember(NodeId),
    /// The id is past [`MAX_CLUSTER_SIZE`].
    IdOutOfRange(NodeId),
    /// Removing the last voter would leave no one to elect a leader.
    LastVoter,
}

impl Membership {
    /// The configuration a cluster starts with: voters `0..cluster_size`, no learners.
    pub fn initial(cluster_size: usize) -> Membership {
        assert!(cluster_size <= MAX_CLUSTER_SIZE, "cluster too large");
        let mut voters = Voters::default();
        for i in 0..cluster_size {
            voters.insert(i);
        }
        Membership {
            voters,
            learners: Voters::default(),
        }
    }

    /// A configuration of these voters and learners (a test's or a model's hand-made one).
    pub fn of(voters: &[NodeId], learners: &[NodeId]) -> Membership {
        let mut m = Membership::default();
        for v in voters {
            m.voters.insert(v.index());
        }
        for l in learners {
            m.learners.insert(l.index());
        }
        m
    }

    /// Whether `id`'s vote and replicas count.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(id.index())
    }

    /// Whether `id` receives the log without voting.
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(id.index())
    }

    /// Whether `id` is a voter or a learner.
    pub fn is_member(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// The voters, lowest id first.
    pub fn voters(&self) -> impl Iterator<Item = NodeId> + '_ {
        ids_in(self.voters)
    }

    /// The learners, lowest id first.
    pub fn learners(&self) -> impl Iterator<Item = NodeId> + '_ {
        ids_in(self.learners)
    }

    /// Voters and learners, lowest id first.
    pub fn members(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..MAX_CLUSTER_SIZE as u8)
            .map(NodeId)
            .filter(|id| self.is_member(*id))
    }

    /// How many servers vote.
    pub fn voter_count(&self) -> usize {
        self.voters.count()
    }

    /// Votes needed to win an election and replicas needed to commit: a strict majority of
    /// the voters (§5.2, §5.3).
    pub fn quorum(&self) -> usize {
        self.voter_count() / 2 + 1
    }

    /// Whether `granted` holds a majority of this configuration's voters.
    pub fn has_quorum(&self, granted: Voters) -> bool {
        ids_in(granted).filter(|id| self.is_voter(*id)).count() >= self.quorum()
    }

    /// What no correct server creates: no voter, a server that is both voter and learner, or
    /// an id past [`MAX_CLUSTER_SIZE`]. A message carrying one is refused.
    pub fn is_malformed(&self) -> bool {
        self.voter_count() == 0
            || ids_in(self.learners).any(|id| self.is_voter(id))
            || self.voters.count() + self.learners.count() > MAX_CLUSTER_SIZE
    }

    /// The configuration after `change`, or why the change makes no sense here.
    pub fn apply(&self, change: MembershipChange) -> Result<Membership, ChangeRefusal> {
        let mut next = *self;
        match change {
            MembershipChange::AddLearner(id) => {
                check_id(id)?;
                if self.is_member(id) {
                    return Err(ChangeRefusal::AlreadyMember(id));
                }
                next.learners.insert(id.index());
            }
            MembershipChange::Promote(id) => {
                check_id(id)?;
                if self.is_voter(id) {
                    return Err(ChangeRefusal::AlreadyMember(id));
                }
                if !self.is_learner(id) {
                    return Err(ChangeRefusal::NotMember(id));
                }
                next.learners.remove(id.index());
                next.voters.insert(id.index());
            }
            MembershipChange::Remove(id) => {
                check_id(id)?;
                if !self.is_member(id) {
                    return Err(ChangeRefusal::NotMember(id));
                }
                if self.is_voter(id) && self.voter_count() == 1 {
                    return Err(ChangeRefusal::LastVoter);
                }
                next.voters.remove(id.index());
                next.learners.remove(id.index());
            }
        }
        Ok(next)
    }
}

fn check_id(id: NodeId) -> Result<(), ChangeRefusal> {
    if id.index() < MAX_CLUSTER_SIZE {
        Ok(())
    } else {
        Err(ChangeRefusal::IdOutOfRange(id))
    }
}

fn ids_in(set: Voters) -> impl Iterator<Item = NodeId> {
    (0..MAX_CLUSTER_SIZE as u8)
        .map(NodeId)
        .filter(move |id| set.contains(id.index()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn ids(m: impl Iterator<Item = NodeId>) -> Vec<u8> {
        m.map(|id| id.0).collect()
    }

    #[test]
    fn initial_configuration_has_every_server_voting() {
        let m = Membership::initial(3);
        assert_eq!(ids(m.voters()), [0, 1, 2]);
        assert_eq!(m.quorum(), 2);
        assert!(!m.is_malformed());
    }

    /// §4.2.1: a server joins as a learner, then is promoted; each step changes one server.
    #[test]
    fn add_then_promote_then_remove() {
        let m = Membership::initial(3);
        let with_learner = m.apply(MembershipChange::AddLearner(NodeId(3))).unwrap();
        assert!(with_learner.is_learner(NodeId(3)));
        assert_eq!(with_learner.quorum(), 2, "a learner does not count");
        let four = with_learner
            .apply(MembershipChange::Promote(NodeId(3)))
            .unwrap();
        assert_eq!(ids(four.voters()), [0, 1, 2, 3]);
        assert_eq!(four.quorum(), 3);
        let three = four.apply(MembershipChange::Remove(NodeId(0))).unwrap();
        assert_eq!(ids(three.voters()), [1, 2, 3]);
    }

    #[test]
    fn nonsense_changes_are_refused() {
        let m = Membership::initial(1);
        assert_eq!(
            m.apply(MembershipChange::AddLearner(NodeId(0))),
            Err(ChangeRefusal::AlreadyMember(NodeId(0)))
        );
        assert_eq!(
            m.apply(MembershipChange::Promote(NodeId(4))),
            Err(ChangeRefusal::NotMember(NodeId(4)))
        );
        assert_eq!(
            m.apply(MembershipChange::Remove(NodeId(0))),
            Err(ChangeRefusal::LastVoter)
        );
        assert_eq!(
            m.apply(MembershipChange::AddLearner(NodeId(15))),
            Err(ChangeRefusal::IdOutOfRange(NodeId(15)))
        );
    }

    #[test]
    fn quorum_counts_only_voters() {
        let m = Membership::of(&[NodeId(0), NodeId(1), NodeId(2)], &[NodeId(3)]);
        let mut granted = Voters::default();
        granted.insert(0);
        granted.insert(3);
        assert!(!m.has_quorum(granted));
        granted.insert(2);
        assert!(m.has_quorum(granted));
        assert!(Membership::of(&[], &[NodeId(1)]).is_malformed());
        assert!(Membership::of(&[NodeId(1)], &[NodeId(1)]).is_malformed());
    }
}
