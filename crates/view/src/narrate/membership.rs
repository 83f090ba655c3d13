//! Membership in the feed: an operator's request to change the configuration and what became
//! of it, and the moment the leader's configuration commits (thesis §4).

use super::*;

impl Narrator {
    /// Says when the leader's configuration commits and what that means ("the change to
    /// A–E commits; B is no longer a member"). The first one seen after a reset is only
    /// remembered.
    pub(super) fn configuration_commits(
        &mut self,
        records: &[TraceRecord],
        sim: &Simulation,
        feed: &mut Feed,
    ) {
        let Some(now) = crate::members::committed_configuration(sim) else {
            return;
        };
        match self.committed.replace(now) {
            Some(before) if before != now => {
                let t = records.last().map_or(sim.now_ms(), |r| r.time_ms);
                feed.push(
                    t,
                    FeedKind::Election,
                    crate::members::commit_text(before, now),
                );
            }
            _ => {}
        }
    }
}

/// What a server restarts with, from its disk as it was at the restart (the trace's record,
/// not the disk when the frame is told): "C restarted from its disk: term 1, its vote for A,
/// a snapshot of entries 1 to 10 and 1 entry after it".
pub(super) fn restart_text(
    node: NodeId,
    term: river_core::Term,
    voted_for: Option<NodeId>,
    entries: u64,
    snapshot: LogIndex,
) -> String {
    let vote = match voted_for {
        Some(v) if v == node => String::from("its vote for itself"),
        Some(v) => format!("its vote for {v}"),
        None => String::from("no vote"),
    };
    let entries = plural(entries, "entry", "entries");
    let log = if snapshot == LogIndex::ZERO {
        format!("{entries}")
    } else {
        format!("a snapshot of entries 1 to {snapshot} and {entries} after it")
    };
    format!("{node} restarted from its disk: term {term}, {vote}, {log}")
}

/// An operator's membership request and what became of it, in words.
pub(crate) fn membership_request_text(change: MembershipChange, outcome: ChangeOutcome) -> String {
    let what = match change {
        MembershipChange::AddLearner(id) => format!("add {id} (as a learner until it catches up)"),
        MembershipChange::Promote(id) => format!("let learner {id} vote"),
        MembershipChange::Remove(id) => format!("remove {id}"),
    };
    match outcome {
        ChangeOutcome::Appended { leader, index } => format!(
            "{leader} appends the change to {what} at index {index}; it takes effect on each server as soon as that server stores it"
        ),
        ChangeOutcome::NoLeader => format!("asked to {what}, but no server leads"),
        ChangeOutcome::Transferring { leader, target } => format!(
            "{leader} refuses to {what}: it is handing its leadership to {target}"
        ),
        ChangeOutcome::Refused { leader, reason } => {
            let why = river_sim::reasons::change_refusal_text(reason);
            format!("{leader} refuses to {what}: {why}")
        }
    }
}
