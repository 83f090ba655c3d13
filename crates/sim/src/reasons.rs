//! Why a server refused a vote or stepped down, and why an operator's request was not taken,
//! in words: the part of a run's story every teller shares (the page's feed, `river run
//! --scenario` and `river elections --trial`), each around its own sentence.

use crate::trace::ChangeOutcome;
use alloc::format;
use alloc::string::String;
use river_core::{ChangeRefusal, NodeId, StepDownReason, Term, Transfer, VoteDenial};

/// Why a server refused `candidate` a vote (or PreVote) for `term`: "it already voted for C".
pub fn vote_denial_text(reason: VoteDenial, candidate: NodeId, term: Term) -> String {
    match reason {
        VoteDenial::AlreadyVoted(other) => format!("it already voted for {other}"),
        VoteDenial::LogBehind => format!("{candidate}'s log is behind its own"),
        VoteDenial::LeaderAlive => String::from("it heard from a leader recently"),
        VoteDenial::TermNotNewer => format!("term {term} is not newer"),
    }
}

/// Why a server stopped leading or campaigning at `term`: "it saw the newer term 4".
pub fn step_down_text(reason: StepDownReason, term: Term) -> String {
    match reason {
        StepDownReason::HigherTerm => format!("it saw the newer term {term}"),
        StepDownReason::LeaderExists => format!("another server leads term {term}"),
        StepDownReason::LostQuorum => String::from("it lost touch with a majority (CheckQuorum)"),
        StepDownReason::Removed => {
            String::from("the change that removes it from the cluster committed")
        }
    }
}

/// Why a leader refused a membership change (thesis §4.1–4.2, and Ongaro's 2015 erratum):
/// "it would leave no voter".
pub fn change_refusal_text(reason: ChangeRefusal) -> String {
    match reason {
        ChangeRefusal::ChangeInFlight => {
            String::from("another change is not committed yet (one at a time)")
        }
        // In plain words: it is not refused for good, only for the moment after an election
        // (until the no-op commits, about one heartbeat round).
        ChangeRefusal::NoCommitInTerm => String::from(
            "it was elected a moment ago and has not yet committed an entry of its own term (its no-op, about one heartbeat round away); until then a new leader may not change who is in the cluster (Ongaro's 2015 erratum)",
        ),
        ChangeRefusal::AlreadyMember(id) => format!("{id} is already a member"),
        ChangeRefusal::NotMember(id) => format!("{id} is not a member"),
        ChangeRefusal::IdOutOfRange(id) => format!("{id} cannot be in a cluster"),
        ChangeRefusal::LastVoter => String::from("it would leave no voter"),
    }
}

/// Why an operator's membership change was not taken, or `None` when the leader appended
/// it: "leader A says it would leave no voter".
pub fn change_not_taken_text(outcome: ChangeOutcome) -> Option<String> {
    match outcome {
        ChangeOutcome::Appended { .. } => None,
        ChangeOutcome::NoLeader => Some(String::from("no server leads")),
        ChangeOutcome::Transferring { leader, target } => Some(format!(
            "leader {leader} is handing its leadership to {target} and takes no change until that ends"
        )),
        ChangeOutcome::Refused { leader, reason } => Some(format!(
            "leader {leader} says {}",
            change_refusal_text(reason)
        )),
    }
}

/// Why `from` did not start handing its leadership to `to` (thesis §3.10), or `None` when it
/// started.
pub fn transfer_refusal_text(from: NodeId, to: NodeId, outcome: Transfer) -> Option<String> {
    match outcome {
        Transfer::Started => None,
        Transfer::NotLeader { leader: Some(l) } => Some(format!(
            "{from} does not lead ({l} does, as far as it knows)"
        )),
        Transfer::NotLeader { leader: None } => Some(format!("{from} does not lead")),
        Transfer::AlreadyLeader => Some(format!("{to} leads already")),
        Transfer::UnknownTarget => Some(format!("{to} does not vote, and only a voter can lead")),
        Transfer::InProgress { target } => Some(format!(
            "{from} is already handing its leadership to {target}"
        )),
    }
}

/// Why `server` answered a user's request without carrying it out, given the leader its
/// answer names: "A did not take it and sent the user to C". A server that names itself
/// took a read but could not confirm in time that it still leads (thesis §6.4).
pub fn request_refusal_text(server: NodeId, leader: Option<NodeId>) -> String {
    match leader {
        Some(l) if l == server => format!(
            "{server} gave it up: it could not confirm that it still leads (no majority answered its heartbeat round in time)"
        ),
        Some(l) => format!("{server} did not take it and sent the user to {l}"),
        None => format!("{server} did not take it and knows no leader to send the user to"),
    }
}
