//! Read-only views of a running simulation for presentation (the browser page draws
//! election timers between events). Nothing here changes the simulation.

use crate::sim::Server;
use alloc::string::String;
use river_core::{Membership, NodeId};

/// Server letters separated by commas, as people read them: "A, C".
pub fn names(ids: &[NodeId]) -> String {
    let mut text = String::new();
    for id in ids {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push(id.letter());
    }
    text
}

/// A configuration as people read it: "A, B, C" or "A, B, C + learner D".
pub fn membership_text(membership: Membership) -> String {
    let voters: alloc::vec::Vec<NodeId> = membership.voters().collect();
    let learners: alloc::vec::Vec<NodeId> = membership.learners().collect();
    let mut text = names(&voters);
    if !learners.is_empty() {
        text.push_str(if learners.len() == 1 {
            " + learner "
        } else {
            " + learners "
        });
        text.push_str(&names(&learners));
    }
    text
}

impl Server {
    /// The simulated time at which this server's node was last told how much time passed;
    /// its [`river_core::Node::election_timer`] is exact as of this moment, so a viewer adds
    /// the time since to animate the timer smoothly.
    pub fn ticked_ms(&self) -> u64 {
        self.ticked_ms
    }

    /// When this server's next timer fires, if it is running (not frozen) and nothing
    /// arrives first.
    pub fn timer_at_ms(&self) -> Option<u64> {
        self.acts().then_some(self.timer_at_ms)
    }
}
