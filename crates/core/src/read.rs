//! Linearizable reads without a log entry: ReadIndex (Ongaro's thesis §6.4).
//!
//! The leader (1) waits until it has committed an entry of its own term, (2) records its
//! commit index as the read index, (3) confirms it still leads with one heartbeat round that
//! started after the read index was recorded — a majority of the voters answering an
//! AppendEntries of that round — and (4) lets the read be served once the state machine has
//! applied the read index. A follower forwards the read to its leader, gets the read index
//! back and serves once it has applied that far itself.
//!
//! Rounds are numbered: every AppendEntries carries the leader's latest round and every reply
//! echoes it, so an answer counts for a read only if it answers a message sent after the
//! read's round began (a delayed reply to an older heartbeat proves nothing about now).
//!
//! Lease reads (thesis §6.4.1, `Config::lease_reads`): every broadcast starts a round, and
//! the leader notes on its own clock when. Once a majority acknowledged a round sent at `t`,
//! no majority can elect another leader before `t + lease_ms` on the leader's clock: under
//! CheckQuorum each of those followers refuses votes for an election timeout of its own
//! clock after hearing the round, and `lease_ms` shortens that timeout by the clock-drift
//! bound. Within the lease a read is served at once at the commit index; outside it, through
//! ReadIndex. A leadership transfer and a membership change void the lease (TimeoutNow's
//! votes pass the followers' refusal, and a new configuration counts other majorities).

use crate::bug::Bug;
use crate::config::MAX_CLUSTER_SIZE;
use crate::event::Event;
use crate::message::Body;
use crate::node::Node;
use crate::quorum::Voters;
use crate::role::{Role, RoleState};
use crate::types::{LogIndex, NodeId};
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// The most reads one server keeps waiting at a time (its own and, at a leader, those
/// followers forwarded); more are refused with [`Read::Busy`], so memory stays bounded.
pub const MAX_PENDING_READS: usize = 1024;

/// The most recent rounds whose send times a leader keeps for its lease; a majority that
/// acknowledges only an older round grants no lease (the read goes through ReadIndex).
pub const MAX_LEASE_ROUNDS: usize = 64;

/// The caller's name for one read, echoed when the read may be served (or has failed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReadId(pub u64);

/// The result of asking a node for a linearizable read: a protocol outcome, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Registered: a later [`crate::Ready`] says, in `reads`, when it may be served.
    Pending,
    /// No leader is known to this node (it campaigns, or has heard of none).
    NotLeader {
        /// Whom it believes leads, if anyone.
        leader: Option<NodeId>,
    },
    /// [`MAX_PENDING_READS`] reads already wait here; try again later.
    Busy,
}

/// What became of a registered read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadResult {
    /// Serve it from the state machine once this `Ready`'s entries are applied: it then
    /// reflects every entry through `index`, and the read is linearizable.
    Serve {
        /// The read index.
        index: LogIndex,
    },
    /// The read cannot be served here (leadership was lost or not confirmed in time, or the
    /// leader refused it); it had no effect and may be retried.
    Failed,
}

/// One read's result, in a [`crate::Ready`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadState {
    /// The read.
    pub id: ReadId,
    /// What became of it.
    pub result: ReadResult,
}

/// A read this server answers to its own caller, once it knows the read index and has
/// committed (hence, after the `Ready`, applied) that far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReadWait {
    pub id: ReadId,
    /// `None` while a forwarded read awaits the leader's answer.
    pub index: Option<LogIndex>,
    pub age_ms: u64,
}

/// A read at the leader, waiting for its read index or for its round's majority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LeaderRead {
    pub id: ReadId,
    /// The follower that forwarded it, or `None` for the leader's own caller.
    pub requester: Option<NodeId>,
    /// `None` until the leader has committed an entry of its term.
    pub index: Option<LogIndex>,
    /// The heartbeat round that must be acknowledged; set with `index`.
    pub round: u64,
    pub age_ms: u64,
}

/// A leader's ReadIndex bookkeeping (thesis §6.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LeaderReads {
    /// The latest heartbeat round; every AppendEntries carries it.
    pub round: u64,
    /// A read waits for a round that has not started: the next broadcast starts it.
    pub round_wanted: bool,
    /// The highest round each server acknowledged, by id (`MAX_CLUSTER_SIZE` long; on the
    /// heap so the leader role stays small).
    pub acked: Vec<u64>,
    /// Reads not yet handed out, oldest first (so rounds never decrease along it).
    pub queue: VecDeque<LeaderRead>,
    /// Milliseconds on this leader's clock since it took office (lease reads only).
    pub clock_ms: u64,
    /// Recent rounds and when, on `clock_ms`, each was sent; oldest first, at most
    /// [`MAX_LEASE_ROUNDS`]. Rounds sent during a transfer are not kept.
    pub sent: VecDeque<(u64, u64)>,
    /// The lease runs while `clock_ms` is below this (0: no lease).
    pub lease_until_ms: u64,
}

impl LeaderReads {
    /// A new leader's: no round yet, nothing acknowledged, no reads.
    pub fn new() -> LeaderReads {
        LeaderReads {
            round: 0,
            round_wanted: false,
            acked: alloc::vec![0; MAX_CLUSTER_SIZE],
            queue: VecDeque::new(),
            clock_ms: 0,
            sent: VecDeque::new(),
            lease_until_ms: 0,
        }
    }
}

impl<C: Clone> Node<C> {
    /// Asks for a linearizable read without a log entry (thesis §6.4). A leader runs
    /// ReadIndex itself; a follower that knows its leader forwards the read to it. The
    /// result comes in `reads` of a later [`crate::Ready`]: serve the read from the state
    /// machine after applying that `Ready`'s entries.
    pub fn read(&mut self, id: ReadId) -> Read {
        match self.role {
            RoleState::Leader(_) => self.leader_read(id, None),
            RoleState::Follower {
                leader: Some(leader),
            } => {
                if self.read_waits.len() >= MAX_PENDING_READS {
                    return Read::Busy;
                }
                self.read_waits.push(ReadWait {
                    id,
                    index: None,
                    age_ms: 0,
                });
                self.events.push(Event::ReadForwarded { id, leader });
                self.send(leader, self.term, Body::ReadIndex { id });
                Read::Pending
            }
            _ => Read::NotLeader {
                leader: self.leader(),
            },
        }
    }

    /// Feeds `state` everything about this node's reads in progress that decides what
    /// becomes of them: each waiting read's id, read index, round and age, and at a leader
    /// its round counter and the round each server acknowledged. None of it shows through
    /// the other accessors, and a checker that tells states apart by a fingerprint
    /// (river-model) must not merge two nodes whose reads will end differently. The lease's
    /// clock is left out: it only counts with `Config::lease_reads` on.
    pub fn hash_reads<H: core::hash::Hasher>(&self, state: &mut H) {
        use core::hash::Hash;
        self.read_waits.len().hash(state);
        for wait in &self.read_waits {
            (wait.id, wait.index, wait.age_ms).hash(state);
        }
        if let RoleState::Leader(leader) = &self.role {
            let reads = &leader.reads;
            (reads.round, reads.round_wanted, &reads.acked).hash(state);
            for read in &reads.queue {
                (read.id, read.requester, read.index, read.round, read.age_ms).hash(state);
            }
        }
    }

    /// A leader registers a read, its own (`requester` is `None`) or a follower's.
    fn leader_read(&mut self, id: ReadId, requester: Option<NodeId>) -> Read {
        let committed_own = self.log.term_at(self.commit_index) == Some(self.term);
        let index = committed_own.then_some(self.commit_index);
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("leader_read outside the leader role")
        };
        if leader.reads.queue.len() >= MAX_PENDING_READS {
            return Read::Busy;
        }
        let mut read = LeaderRead {
            id,
            requester,
            index: None,
            round: 0,
            age_ms: 0,
        };
        if let Some(index) = index {
            if self.in_read_lease() {
                self.events.push(Event::LeaseRead { id, index });
                self.hand_out_read(id, requester, index);
                return Read::Pending;
            }
            self.start_round_for(&mut read, index);
        }
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("leader_read outside the leader role")
        };
        leader.reads.queue.push_back(read);
        self.confirm_reads();
        Read::Pending
    }

    /// Records `index` as the read's index and asks for a heartbeat round that starts now,
    /// after it (thesis §6.4 steps 2–3).
    fn start_round_for(&mut self, read: &mut LeaderRead, index: LogIndex) {
        let RoleState::Leader(leader) = &mut self.role else {
            unreachable!("start_round_for outside the leader role")
        };
        if !leader.reads.round_wanted {
            leader.reads.round_wanted = true;
            leader.broadcast_pending = true;
        }
        read.index = Some(index);
        read.round = leader.reads.round + 1;
        self.events.push(Event::ReadIndexRecorded {
            id: read.id,
            index,
            round: read.round,
        });
    }

    /// The leader committed an entry of its term: reads waiting for that get the commit
    /// index as their read index and a round of their own.
    pub(crate) fn reads_after_commit(&mut self) {
        let index = self.commit_index;
        let RoleState::Leader(leader) = &mut self.role else {
            return;
        };
        if leader.reads.queue.iter().all(|r| r.index.is_some()) {
            return;
        }
        let mut queue = core::mem::take(&mut leader.reads.queue);
        for read in queue.iter_mut().filter(|r| r.index.is_none()) {
            self.start_round_for(read, index);
        }
        if let RoleState::Leader(leader) = &mut self.role {
            leader.reads.queue = queue;
        }
        self.confirm_reads();
    }

    /// The number every AppendEntries leaving now carries; a broadcast a read waits for
    /// starts the next round first.
    /// With lease reads every broadcast starts a round, and its send time is kept unless a
    /// transfer runs.
    pub(crate) fn read_round_for_broadcast(&mut self) {
        let lease = self.config.lease_reads;
        if let RoleState::Leader(leader) = &mut self.role {
            if core::mem::take(&mut leader.reads.round_wanted) || lease {
                leader.reads.round += 1;
            }
            if lease && leader.transfer.is_none() {
                let reads = &mut leader.reads;
                if reads.sent.len() == MAX_LEASE_ROUNDS {
                    reads.sent.pop_front();
                }
                reads.sent.push_back((reads.round, reads.clock_ms));
            }
        }
    }

    /// Whether this leader is within its read lease (thesis §6.4.1).
    fn in_read_lease(&self) -> bool {
        match &self.role {
            RoleState::Leader(leader) => {
                self.config.lease_reads
                    && leader.transfer.is_none()
                    && leader.reads.clock_ms < leader.reads.lease_until_ms
            }
            _ => false,
        }
    }

    /// Ends the lease and forgets the rounds sent so far: after a transfer began or the
    /// configuration changed, only rounds sent from now on may grant a lease.
    pub(crate) fn void_read_lease(&mut self) {
        if let RoleState::Leader(leader) = &mut self.role {
            leader.reads.lease_until_ms = 0;
            leader.reads.sent.clear();
        }
    }

    /// Extends the lease to the newest round a majority of the voters acknowledged: it
    /// runs `lease_ms` from that round's send time.
    fn extend_read_lease(&mut self) {
        let me = self.config.id;
        let lease_ms = self.config.lease_ms();
        let membership = self.membership;
        let RoleState::Leader(leader) = &mut self.role else {
            return;
        };
        let reads = &mut leader.reads;
        let mut rounds = [0u64; MAX_CLUSTER_SIZE];
        let mut voters = 0;
        for id in membership.voters() {
            rounds[voters] = if id == me {
                reads.round
            } else {
                reads.acked[id.index()]
            };
            voters += 1;
        }
        if voters == 0 {
            return;
        }
        let rounds = &mut rounds[..voters];
        rounds.sort_unstable_by(|a, b| b.cmp(a));
        let majority_round = rounds[membership.quorum() - 1];
        let Some(&(_, sent_ms)) = reads.sent.iter().find(|(r, _)| *r == majority_round) else {
            return;
        };
        let until = sent_ms.saturating_add(lease_ms);
        if until > reads.lease_until_ms {
            reads.lease_until_ms = until;
        }
    }

    /// A follower answered an AppendEntries of round `round` in this term: it followed this
    /// leader after that round began.
    pub(crate) fn read_round_acked(&mut self, from: NodeId, round: u64) {
        let RoleState::Leader(leader) = &mut self.role else {
            return;
        };
        let Some(acked) = leader.reads.acked.get_mut(from.index()) else {
            return;
        };
        if round > *acked && round <= leader.reads.round {
            *acked = round;
            if self.config.lease_reads {
                self.extend_read_lease();
            }
            self.confirm_reads();
        }
    }

    /// Hands out every read whose round a majority of the voters acknowledged: the leader's
    /// own become waits served after the next apply, a follower's get the read index back.
    fn confirm_reads(&mut self) {
        let me = self.config.id;
        let membership = self.membership;
        let skip_round = self.config.bugs.has(Bug::ReadWithoutHeartbeat);
        let RoleState::Leader(leader) = &mut self.role else {
            return;
        };
        let mut confirmed = Vec::new();
        while let Some(read) = leader.reads.queue.front() {
            let Some(index) = read.index else { break };
            let mut acked = Voters::default();
            acked.insert(me.index());
            for id in membership.voters() {
                if leader.reads.acked[id.index()] >= read.round {
                    acked.insert(id.index());
                }
            }
            if !skip_round && !membership.has_quorum(acked) {
                break;
            }
            confirmed.push((read.id, read.requester, index, read.round));
            leader.reads.queue.pop_front();
        }
        let mut last_round = 0;
        for (id, requester, index, round) in confirmed {
            if round != last_round {
                last_round = round;
                self.events.push(Event::LeadershipConfirmed { round });
            }
            self.hand_out_read(id, requester, index);
        }
    }

    /// Hands out a read whose index is settled: the leader's own read waits to be served
    /// once that index is applied; a follower's gets the read index back.
    fn hand_out_read(&mut self, id: ReadId, requester: Option<NodeId>, index: LogIndex) {
        match requester {
            None => self.read_waits.push(ReadWait {
                id,
                index: Some(index),
                age_ms: 0,
            }),
            Some(follower) => self.send(
                follower,
                self.term,
                Body::ReadIndexResponse {
                    id,
                    read_index: Some(index),
                },
            ),
        }
    }

    /// A `ReadIndex` request from a follower: the leader registers it; anyone else says it
    /// cannot give a read index, so the follower fails the read at once.
    pub(crate) fn handle_read_index(&mut self, from: NodeId, id: ReadId) {
        let registered =
            self.role.kind() == Role::Leader && self.leader_read(id, Some(from)) == Read::Pending;
        if !registered {
            let body = Body::ReadIndexResponse {
                id,
                read_index: None,
            };
            self.send(from, self.term, body);
        }
    }

    /// The leader's answer to a forwarded read: wait to apply the read index, or fail.
    pub(crate) fn handle_read_index_response(&mut self, id: ReadId, read_index: Option<LogIndex>) {
        let Some(k) = self
            .read_waits
            .iter()
            .position(|w| w.id == id && w.index.is_none())
        else {
            return; // answered already (a duplicate), or given up on
        };
        match read_index {
            Some(index) => self.read_waits[k].index = Some(index),
            None => {
                self.read_waits.remove(k);
                self.read_results.push(ReadState {
                    id,
                    result: ReadResult::Failed,
                });
            }
        }
    }

    /// Counts the reads' age; one that has waited an election timeout (the longest a correct
    /// leader needs for a round trip, by far) fails, at a leader and at a follower.
    pub(crate) fn tick_reads(&mut self, elapsed_ms: u64) {
        if let RoleState::Leader(leader) = &mut self.role {
            leader.reads.clock_ms = leader.reads.clock_ms.saturating_add(elapsed_ms);
        }
        let limit = self.config.election_timeout_max_ms;
        let mut expired = Vec::new();
        self.read_waits.retain_mut(|w| {
            w.age_ms = w.age_ms.saturating_add(elapsed_ms);
            let keep = w.age_ms < limit;
            if !keep {
                expired.push((w.id, None));
            }
            keep
        });
        if let RoleState::Leader(leader) = &mut self.role {
            leader.reads.queue.retain_mut(|r| {
                r.age_ms = r.age_ms.saturating_add(elapsed_ms);
                let keep = r.age_ms < limit;
                if !keep {
                    expired.push((r.id, r.requester));
                }
                keep
            });
        }
        for (id, requester) in expired {
            self.fail_read(id, requester);
        }
    }

    /// A leader stepping down fails the reads it has not handed out.
    pub(crate) fn abandon_leader_reads(&mut self) {
        let RoleState::Leader(leader) = &mut self.role else {
            return;
        };
        let queue = core::mem::take(&mut leader.reads.queue);
        for read in queue {
            self.fail_read(read.id, read.requester);
        }
    }

    /// The term moved on: reads still waiting for a read index asked a leader of an older
    /// term, whose answer will be refused as stale, so they fail now.
    pub(crate) fn fail_unanswered_reads(&mut self) {
        let mut k = 0;
        while k < self.read_waits.len() {
            if self.read_waits[k].index.is_none() {
                let wait = self.read_waits.remove(k);
                self.fail_read(wait.id, None);
            } else {
                k += 1;
            }
        }
    }

    fn fail_read(&mut self, id: ReadId, requester: Option<NodeId>) {
        self.events.push(Event::ReadFailed);
        match requester {
            None => self.read_results.push(ReadState {
                id,
                result: ReadResult::Failed,
            }),
            Some(follower) => self.send(
                follower,
                self.term,
                Body::ReadIndexResponse {
                    id,
                    read_index: None,
                },
            ),
        }
    }

    /// Moves reads that may be served after this `Ready`'s entries are applied (their
    /// index is committed) into `results`, with the ones that failed.
    pub(crate) fn take_reads(&mut self, results: &mut Vec<ReadState>) {
        results.clear();
        core::mem::swap(results, &mut self.read_results);
        let commit = self.commit_index;
        self.read_waits.retain(|w| match w.index {
            Some(index) if index <= commit => {
                results.push(ReadState {
                    id: w.id,
                    result: ReadResult::Serve { index },
                });
                false
            }
            _ => true,
        });
    }
}
