//! The cluster's configuration as the page shows it (thesis §4.1): which configuration the
//! cluster uses, which one is committed, and both in words ("members A–E; F is a learner").
//! The answers, the status line, the narration and the layout all read it from here.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{Membership, NodeId};
use river_sim::Simulation;

/// The configuration the cluster uses: the leader's (it is in effect once appended), or
/// with no leader that of the running server with the newest term.
pub fn configuration(sim: &Simulation) -> Option<Membership> {
    if let Some(node) = sim.leader().and_then(|l| sim.node(l)) {
        return Some(node.membership());
    }
    sim.ids()
        .filter_map(|id| sim.node(id))
        .max_by_key(|n| (n.term(), n.membership_index()))
        .map(|n| n.membership())
}

/// The leader's configuration once its entry is committed (`None` with no leader, or while
/// the leader's newest change is in flight).
pub fn committed_configuration(sim: &Simulation) -> Option<Membership> {
    let node = sim.node(sim.leader()?)?;
    (node.commit_index() >= node.membership_index()).then(|| node.membership())
}

/// Whether `id` votes, learns or is outside `membership`: `voter`, `learner` or `none`.
pub fn standing(membership: Option<Membership>, id: NodeId) -> &'static str {
    match membership {
        Some(m) if m.is_voter(id) => "voter",
        Some(m) if m.is_learner(id) => "learner",
        Some(_) => "none",
        None => "voter",
    }
}

/// Letters as people read a set of servers: a run as "A–E", otherwise "A, C, D".
pub fn letters(ids: &[NodeId]) -> String {
    let run = ids.windows(2).all(|w| w[1].0 == w[0].0 + 1);
    match ids {
        [first, .., last] if run && ids.len() > 2 => format!("{first}–{last}"),
        _ => river_sim::view::names(ids),
    }
}

/// A configuration in words: "members A–E; F is a learner".
pub fn configuration_text(membership: Membership) -> String {
    let voters: Vec<NodeId> = membership.voters().collect();
    let learners: Vec<NodeId> = membership.learners().collect();
    let mut text = format!("members {}", letters(&voters));
    match learners.len() {
        0 => {}
        1 => text.push_str(&format!("; {} is a learner", learners[0])),
        _ => text.push_str(&format!("; {} are learners", letters(&learners))),
    }
    text
}

/// What committing `after` in place of `before` means, in words: "the change to A–E
/// commits; B is no longer a member".
pub fn commit_text(before: Membership, after: Membership) -> String {
    let voters: Vec<NodeId> = after.voters().collect();
    format!(
        "the change to {} commits{}",
        letters(&voters),
        meaning(before, after)
    )
}

/// What committing `after` in place of `before` means for the servers it changes, each
/// after a semicolon: "; B is no longer a member; F now votes".
pub fn meaning(before: Membership, after: Membership) -> String {
    let mut text = String::new();
    for id in before.members().filter(|id| !after.is_member(*id)) {
        text.push_str(&format!("; {id} is no longer a member"));
    }
    for id in after.voters().filter(|id| !before.is_voter(*id)) {
        text.push_str(&format!("; {id} now votes"));
    }
    for id in after.learners().filter(|id| !before.is_learner(*id)) {
        text.push_str(&format!(
            "; {id} is a learner: it receives the log but does not vote until it has caught up"
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_core::MembershipChange;

    #[test]
    fn configurations_read_as_people_say_them() {
        let five = Membership::initial(5);
        assert_eq!(configuration_text(five), "members A–E");
        let six = five.apply(MembershipChange::AddLearner(NodeId(5))).unwrap();
        assert_eq!(configuration_text(six), "members A–E; F is a learner");
        let without_b = five.apply(MembershipChange::Remove(NodeId(1))).unwrap();
        assert_eq!(configuration_text(without_b), "members A, C, D, E");
        assert_eq!(
            commit_text(five, without_b),
            "the change to A, C, D, E commits; B is no longer a member"
        );
        let promoted = six.apply(MembershipChange::Promote(NodeId(5))).unwrap();
        assert_eq!(
            commit_text(six, promoted),
            "the change to A–F commits; F now votes"
        );
    }
}
