//! Candidates and pre-candidates (§5.2, thesis §9.6): ask for votes, count them.

use crate::event::Event;
use crate::message::{Body, Message};
use crate::node::Node;
use crate::quorum::Voters;
use crate::role::follower::SnapshotChunk;
use crate::role::RoleState;
use crate::types::{NodeId, Term};

impl<C: Clone> Node<C> {
    /// A candidate's rows of Figure 2. The term is already settled.
    pub(crate) fn step_candidate(&mut self, m: Message<C>) {
        match m.body {
            body @ Body::RequestVote { .. } => self.handle_request_vote(m.from, m.term, body),
            body @ Body::AppendEntries { .. } => {
                // "If AppendEntries RPC received from new leader: convert to follower."
                self.accept_leader(m.from);
                self.handle_append_entries(m.from, body)
            }
            body @ Body::InstallSnapshot { .. } => {
                self.accept_leader(m.from);
                self.handle_install_snapshot(m.from, SnapshotChunk::of(body))
            }
            Body::RequestVoteResponse { pre_vote, granted } => {
                self.count_vote(m.from, m.term, pre_vote, granted)
            }
            // A candidate already campaigns; a leader of its term sends it nothing to act on.
            Body::AppendEntriesResponse { .. }
            | Body::TimeoutNow
            | Body::InstallSnapshotResponse { .. } => {}
            Body::ReadIndex { id } => self.handle_read_index(m.from, id),
            Body::ReadIndexResponse { id, read_index } => {
                self.handle_read_index_response(id, read_index)
            }
        }
    }

    /// The election timer ran out: campaign, through PreVote when it is on (thesis §9.6).
    /// With no term left to campaign in, the node says so and waits another timeout.
    /// A server that does not vote in its configuration (a learner, a server not yet added
    /// or one removed) never campaigns (thesis §4.2): it waits for a leader to contact it.
    pub(crate) fn election_timeout(&mut self) {
        if !self.membership.is_voter(self.config.id) {
            self.reset_election_timer();
            return;
        }
        self.events.push(Event::ElectionTimeout { term: self.term });
        let Some(term) = self.term.next_campaign() else {
            self.events.push(Event::CannotCampaign { term: self.term });
            self.reset_election_timer();
            return;
        };
        if self.config.pre_vote {
            self.become_pre_candidate(term);
        } else {
            self.become_candidate(term, false);
        }
    }

    /// The leader handed leadership over (thesis §3.10): campaign at once, without PreVote,
    /// with vote requests that pass CheckQuorum's lease. With no term left, say so; a
    /// server that does not vote in its configuration ignores it, as it ignores its timer.
    pub(crate) fn handle_timeout_now(&mut self, from: NodeId) {
        if !self.membership.is_voter(self.config.id) {
            return;
        }
        let Some(term) = self.term.next_campaign() else {
            self.events.push(Event::CannotCampaign { term: self.term });
            return;
        };
        self.events.push(Event::TimeoutNowReceived { from, term });
        self.become_candidate(term, true);
    }

    /// Asks whether it could win `term` without raising its own term yet.
    fn become_pre_candidate(&mut self, term: Term) {
        let mut granted = Voters::default();
        granted.insert(self.config.id.index());
        self.set_role(RoleState::PreCandidate { granted });
        self.reset_election_timer();
        self.events.push(Event::PreVoteStarted { term });
        self.request_votes(term, true, false);
        if self.membership.has_quorum(granted) {
            self.become_candidate(term, false);
        }
    }

    /// §5.2: increment the term (to `term`), vote for self, reset the timer, send RequestVote
    /// to all — marked as a `leadership_transfer` when TimeoutNow started the campaign.
    fn become_candidate(&mut self, term: Term, leadership_transfer: bool) {
        let mut granted = Voters::default();
        granted.insert(self.config.id.index());
        self.set_role(RoleState::Candidate { granted });
        self.raise_term(term);
        self.vote_for(self.config.id);
        self.reset_election_timer();
        self.events.push(Event::ElectionStarted { term: self.term });
        self.request_votes(self.term, false, leadership_transfer);
        if self.membership.has_quorum(granted) {
            self.become_leader();
        }
    }

    fn request_votes(&mut self, term: Term, pre_vote: bool, leadership_transfer: bool) {
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        for peer in self.voting_peers() {
            self.send(
                peer,
                term,
                Body::RequestVote {
                    pre_vote,
                    last_log_index,
                    last_log_term,
                    leadership_transfer,
                },
            );
        }
    }

    /// Counts one answer; a majority of the configuration's voters wins the round (§5.2,
    /// thesis §4.1). Answers from an earlier round, of the other kind or from a server that
    /// does not vote here are ignored.
    fn count_vote(&mut self, voter: NodeId, term: Term, pre_vote: bool, granted: bool) {
        if !granted || !self.membership.is_voter(voter) {
            return;
        }
        let membership = self.membership;
        let current = self.term;
        match &mut self.role {
            RoleState::PreCandidate { granted } if pre_vote && current.next() == Some(term) => {
                granted.insert(voter.index());
                if membership.has_quorum(*granted) {
                    self.become_candidate(term, false);
                }
            }
            RoleState::Candidate { granted } if !pre_vote && term == current => {
                granted.insert(voter.index());
                let votes = granted.count();
                self.events.push(Event::VoteReceived {
                    voter,
                    votes: votes as u8,
                });
                if membership.has_quorum(*granted) {
                    self.become_leader();
                }
            }
            _ => {}
        }
    }
}
