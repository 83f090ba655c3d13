//! Why a server refused a vote or stepped down, in words: the part of an election's story
//! every teller of a run shares (the page's feed and `river elections --trial`), each around
//! its own sentence.

use alloc::format;
use alloc::string::String;
use river_core::{NodeId, StepDownReason, Term, VoteDenial};

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
