//! The starting clusters played on real nodes before exploration.

use super::MAX_PRELUDE_DELIVERIES;
use crate::cluster::Cluster;
use crate::history::Command;
use river_core::{Config, MembershipChange, Message, NodeId};
use river_core::{Proposal, Role};

/// Plays [`Start::LearnerCaughtUp`](super::Start::LearnerCaughtUp) on real nodes: A campaigns and
/// wins and its no-op commits; A adds the first spare as a learner, which catches up before the
/// change commits (so A does not promote it: a change is in flight), then the change commits and a
/// heartbeat tells everyone so. Every message is delivered, oldest first (those to and from the
/// learner first), but the learner's answer to the heartbeat, which is lost; the result is checked,
/// not assumed.
pub fn learner_start(config: &Config, spares: usize) -> Cluster {
    let mut cluster = Cluster::with_spares(config, spares);
    let leader = NodeId(0);
    let learner = NodeId(config.cluster_size as u8);
    cluster.force_timeout(leader);
    deliver_all(&mut cluster, |_| true);
    let change = MembershipChange::AddLearner(learner);
    let outcome = cluster.propose_membership(leader, change);
    assert!(
        matches!(outcome, Ok(Proposal::Appended { .. })),
        "the leader adds the learner: {outcome:?}"
    );
    deliver_all(&mut cluster, |m| m.to == learner || m.from == learner);
    deliver_all(&mut cluster, |_| true);
    // A heartbeat tells every server that the change committed (so the next leader may
    // change the membership again); the learner's answer is lost, or A would promote it.
    cluster.heartbeat(leader);
    deliver_all(&mut cluster, |m| m.from == leader);
    cluster.network.retain(|m| m.from != learner);
    deliver_all(&mut cluster, |_| true);
    let a = &cluster.server(leader).node;
    assert_eq!((a.role(), a.term().0), (Role::Leader, 1), "A leads term 1");
    assert!(a.membership().is_learner(learner), "the spare is a learner");
    assert_eq!(
        a.commit_index().0,
        2,
        "the no-op and the learner's entry commit"
    );
    for server in &cluster.servers[..=learner.index()] {
        let node = &server.node;
        assert_eq!(
            (node.log().entries(), node.commit_index()),
            (a.log().entries(), a.commit_index()),
            "{} holds the leader's log and knows it committed",
            node.id()
        );
    }
    cluster.changes.clear();
    cluster
}

/// Plays [`Start::Elected`](super::Start::Elected) on real nodes: A campaigns and wins, its no-op
/// commits, and a heartbeat tells every server so. Every message is delivered, oldest first; the
/// result is checked, not assumed.
pub fn elected_start(config: &Config) -> Cluster {
    let mut cluster = Cluster::new(config);
    let leader = NodeId(0);
    cluster.force_timeout(leader);
    deliver_all(&mut cluster, |_| true);
    cluster.heartbeat(leader);
    deliver_all(&mut cluster, |_| true);
    let a = &cluster.server(leader).node;
    assert_eq!((a.role(), a.term().0), (Role::Leader, 1), "A leads term 1");
    for server in &cluster.servers {
        let node = &server.node;
        assert_eq!(
            (node.log().entries(), node.commit_index().0),
            (a.log().entries(), 1),
            "{} holds the leader's no-op and knows it committed",
            node.id()
        );
    }
    cluster
}

/// Delivers the oldest message in flight that `which` selects until none is left.
fn deliver_all(cluster: &mut Cluster, which: impl Fn(&Message<Command>) -> bool) {
    for _ in 0..MAX_PRELUDE_DELIVERIES {
        match cluster.network.iter().position(&which) {
            Some(index) => cluster.deliver(index, false),
            None => return,
        }
    }
    panic!("the prelude did not settle within {MAX_PRELUDE_DELIVERIES} deliveries");
}
