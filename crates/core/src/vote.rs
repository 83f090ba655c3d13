//! RequestVote receiver implementation (Figure 2; §5.2, §5.4.1; PreVote from thesis §9.6),
//! shared by every role.

use crate::bug::Bug;
use crate::event::{Event, VoteDenial};
use crate::message::Body;
use crate::node::Node;
use crate::types::{NodeId, Term};

impl<C: Clone> Node<C> {
    /// Answers a RequestVote or PreVote (`request` must be one), the same in every role. For
    /// a real vote the term is already settled, so `term == self.term`.
    pub(crate) fn handle_request_vote(&mut self, candidate: NodeId, term: Term, request: Body<C>) {
        let Body::RequestVote {
            pre_vote,
            last_log_index,
            last_log_term,
            ..
        } = request
        else {
            unreachable!("called on RequestVote bodies only")
        };
        let log_ok = self.config.bugs.has(Bug::NoUpToDateCheck)
            || self
                .log
                .candidate_is_up_to_date(last_log_index, last_log_term);
        let denial = if pre_vote {
            if term <= self.term {
                Some(VoteDenial::TermNotNewer)
            } else if self.heard_from_leader_recently() {
                Some(VoteDenial::LeaderAlive)
            } else if !log_ok {
                Some(VoteDenial::LogBehind)
            } else {
                None
            }
        } else {
            assert!(
                term == self.term,
                "vote requests reach roles with a settled term"
            );
            match self.voted_for {
                Some(other) if other != candidate => Some(VoteDenial::AlreadyVoted(other)),
                _ if !log_ok => Some(VoteDenial::LogBehind),
                _ => None,
            }
        };
        let granted = denial.is_none();
        if let Some(reason) = denial {
            self.events.push(Event::VoteDenied {
                candidate,
                term,
                pre_vote,
                reason,
            });
        } else {
            self.events.push(Event::VoteGranted {
                candidate,
                term,
                pre_vote,
            });
            if !pre_vote {
                // Persisted (via Ready) before the reply leaves; granting a vote also
                // resets the election timer (Figure 2, Followers).
                self.vote_for(candidate);
                self.reset_election_timer();
            }
        }
        // A granted PreVote echoes the term asked about; anything else carries ours.
        let reply_term = if pre_vote && granted { term } else { self.term };
        self.send(
            candidate,
            reply_term,
            Body::RequestVoteResponse { pre_vote, granted },
        );
    }
}
