//! One Raft server: the single entry point [`Node::step`] settles the term for every message,
//! then hands it to exactly one role function (etcd's design, paper Figure 2 "Rules for
//! Servers"). Output accumulates until the caller takes it as a [`Ready`].

use crate::bug::Bug;
use crate::config::{Config, ConfigError, MAX_CLUSTER_SIZE};
use crate::event::{Event, RefusalReason, StepDownReason};
use crate::log::{Entry, Log, Payload};
use crate::membership::{ChangeRefusal, Membership, MembershipChange};
use crate::message::{Body, Message};
use crate::read::{LeaderReads, ReadState, ReadWait};
use crate::rng::Rng;
use crate::role::{Leader, Progress, Role, RoleState};
use crate::snapshot::Snapshot;
use crate::types::{LogIndex, NodeId, Term};
use alloc::vec::Vec;

/// The state §5 requires on stable storage besides the log: written before any message that
/// depends on it leaves the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HardState {
    /// Latest term seen.
    pub term: Term,
    /// Candidate voted for in `term`, if any.
    pub voted_for: Option<NodeId>,
}

/// What a node wants done, taken by the caller after each input — our version of etcd's
/// `Ready`. The caller must, in this order: persist `hard_state` and the log suffix from
/// `persist_log_from`, then send `messages`, then apply the entries in `apply`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ready<C> {
    /// Term and vote to write to stable storage, if they changed.
    pub hard_state: Option<HardState>,
    /// Rewrite the stored log from this index on (dropping what is stored beyond) with
    /// `node.log().slice(from, last)`.
    pub persist_log_from: Option<LogIndex>,
    /// Messages to send, once the above is durable.
    pub messages: Vec<Message<C>>,
    /// A snapshot to write to stable storage before the log suffix (dropping every stored
    /// entry up to its index). With `install_snapshot` the state machine must also start
    /// over from it, before applying `apply`.
    pub snapshot: Option<Snapshot>,
    /// Whether `snapshot` came from the leader (restore the state machine from it) rather
    /// than from this server's own compaction.
    pub install_snapshot: bool,
    /// Newly committed entries to apply, as an inclusive index range into `node.log()`.
    pub apply: Option<(LogIndex, LogIndex)>,
    /// What happened, in order.
    pub events: Vec<Event>,
    /// Reads registered with [`Node::read`] that are now decided: serve each one marked
    /// `Serve` after applying `apply` above (thesis §6.4), answer the others as failed.
    pub reads: Vec<ReadState>,
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            hard_state: None,
            persist_log_from: None,
            snapshot: None,
            install_snapshot: false,
            messages: Vec::new(),
            apply: None,
            events: Vec::new(),
            reads: Vec::new(),
        }
    }
}

/// The result of offering a client command to a node: a protocol outcome, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// The leader appended it at `index` in `term`; it is not yet committed.
    Appended {
        /// Where it sits in the log.
        index: LogIndex,
        /// The leader's term.
        term: Term,
    },
    /// This node is not the leader; `leader` is whom it believes leads, if anyone.
    NotLeader {
        /// Where to try instead.
        leader: Option<NodeId>,
    },
    /// The leader is handing leadership to `target` and takes no new entries until the
    /// transfer ends (thesis §3.10); try the target shortly.
    Transferring {
        /// The server that is to lead next.
        target: NodeId,
    },
}

/// The result of asking a node to hand its leadership over (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// The transfer runs: the target is brought up to date and then told to campaign.
    Started,
    /// This node is not the leader; `leader` is whom it believes leads, if anyone.
    NotLeader {
        /// Where to ask instead.
        leader: Option<NodeId>,
    },
    /// The target already leads: it is this node.
    AlreadyLeader,
    /// The target is not a voter of the configuration in effect (a learner cannot lead).
    UnknownTarget,
    /// A transfer to `target` is still running; one runs at a time.
    InProgress {
        /// The server the running transfer hands over to.
        target: NodeId,
    },
}

/// A Raft server. Deterministic: the same inputs and seed give the same outputs.
#[derive(Clone, Debug)]
pub struct Node<C> {
    pub(crate) config: Config,
    // Persistent state (Figure 2).
    pub(crate) term: Term,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: Log<C>,
    /// The configuration in effect: the last one in the log, committed or not (thesis §4.1),
    /// else `base_membership`.
    pub(crate) membership: Membership,
    /// Where `membership` came from: the index of its log entry; for the base, the snapshot's
    /// index (0 for the initial configuration).
    pub(crate) membership_index: LogIndex,
    /// The configuration below the log: the snapshot's, else the initial one from
    /// [`Config::cluster_size`].
    base_membership: Membership,
    /// The latest snapshot: what the log's compacted prefix stands for (thesis ch. 5).
    pub(crate) snapshot: Option<Snapshot>,
    /// A snapshot being received from the leader, chunk by chunk (paper §7): its index, term,
    /// configuration and the bytes so far.
    pub(crate) receiving: Option<(LogIndex, Term, Membership, Vec<u8>)>,
    /// A snapshot to hand to the caller with the next Ready, and whether it was installed.
    snapshot_dirty: Option<bool>,
    // Volatile state.
    pub(crate) commit_index: LogIndex,
    /// Figure 2's `lastApplied`: the highest index handed to the caller to apply (in a
    /// `Ready`). Never above `commit_index`.
    last_applied: LogIndex,
    pub(crate) role: RoleState,
    /// Milliseconds since the election timer was last reset; for a leader, since the last
    /// CheckQuorum round.
    pub(crate) election_elapsed_ms: u64,
    /// This round's randomized election timeout, drawn afresh at every reset (§5.2).
    pub(crate) election_timeout_ms: u64,
    pub(crate) heartbeat_elapsed_ms: u64,
    /// Milliseconds this incarnation has run. With lease reads a server that restarts
    /// refuses votes for an election timeout, as if it had just heard a leader: it may have
    /// acknowledged a lease-granting round before it crashed (thesis §6.4.1). One that has
    /// never left term 0 acknowledged nothing, so it starts past that wait.
    uptime_ms: u64,
    rng: Rng,
    // Output awaiting the caller.
    pub(crate) messages: Vec<Message<C>>,
    pub(crate) events: Vec<Event>,
    hard_state_dirty: bool,
    log_dirty_from: Option<LogIndex>,
    /// Reads this server answers to its caller, waiting for a read index or for its commit.
    pub(crate) read_waits: Vec<ReadWait>,
    /// Reads decided since the last `Ready` (failures; successes come from `read_waits`).
    pub(crate) read_results: Vec<ReadState>,
}

impl<C: Clone> Node<C> {
    /// A fresh server with an empty log in term 0. `seed` drives its election timeouts.
    pub fn new(config: Config, seed: u64) -> Result<Node<C>, ConfigError> {
        Node::restart(config, seed, HardState::default(), Vec::new())
    }

    /// A server coming back from a crash with what stable storage held (§5, Figure 2):
    /// term, vote and log survive; role, commit index and leader bookkeeping start over.
    pub fn restart(
        config: Config,
        seed: u64,
        hard_state: HardState,
        entries: Vec<Entry<C>>,
    ) -> Result<Node<C>, ConfigError> {
        Node::restart_from_snapshot(config, seed, hard_state, None, entries)
    }

    /// A server coming back from a crash with a snapshot and the log entries after it
    /// (thesis §5.1): everything the snapshot covers is committed and applied (the caller
    /// restores its state machine from the snapshot).
    pub fn restart_from_snapshot(
        config: Config,
        seed: u64,
        hard_state: HardState,
        snapshot: Option<Snapshot>,
        entries: Vec<Entry<C>>,
    ) -> Result<Node<C>, ConfigError> {
        config.validate()?;
        let (snapshot_index, snapshot_term) = snapshot
            .as_ref()
            .map_or((LogIndex::ZERO, Term(0)), |s| (s.index, s.term));
        let log = Log::from_parts(snapshot_index, snapshot_term, entries);
        assert!(
            log.last_term() <= hard_state.term,
            "stored log has an entry from a term after the stored term"
        );
        let base_membership = snapshot
            .as_ref()
            .map_or(Membership::initial(config.cluster_size), |s| s.membership);
        let (membership_index, membership) = log
            .last_membership(LogIndex(1), log.last_index())
            .unwrap_or((snapshot_index, base_membership));
        let mut node = Node {
            config,
            term: hard_state.term,
            voted_for: hard_state.voted_for,
            log,
            membership,
            membership_index,
            base_membership,
            snapshot,
            receiving: None,
            snapshot_dirty: None,
            commit_index: snapshot_index,
            last_applied: snapshot_index,
            role: RoleState::Follower { leader: None },
            election_elapsed_ms: 0,
            election_timeout_ms: 0,
            heartbeat_elapsed_ms: 0,
            uptime_ms: if hard_state.term == Term(0) {
                u64::MAX
            } else {
                0
            },
            rng: Rng::new(seed),
            messages: Vec::new(),
            events: Vec::new(),
            hard_state_dirty: false,
            log_dirty_from: None,
            read_waits: Vec::new(),
            read_results: Vec::new(),
        };
        node.reset_election_timer();
        Ok(node)
    }

    // ----- inputs -----

    /// Handles one message (Figure 2, "Rules for Servers"): first the term, then the role.
    ///
    /// A message is outside input: one that no correct server could have sent here
    /// (misaddressed, from outside the cluster, at the largest term, with impossible
    /// entries) is refused with [`Event::MessageRefused`] before it touches any state, and
    /// the node runs on. Nothing a peer sends reaches an assertion.
    pub fn step(&mut self, message: Message<C>) {
        if let Some(reason) = self.refusal(&message) {
            self.refuse(&message, reason);
            return;
        }
        if !self.settle_term(&message) {
            return;
        }
        match self.role.kind() {
            Role::Follower => self.step_follower(message),
            Role::PreCandidate | Role::Candidate => self.step_candidate(message),
            Role::Leader => self.step_leader(message),
        }
    }

    /// Lets `elapsed_ms` of the caller's time pass. Timers only count here; when one fires it
    /// acts through the same functions a message would.
    pub fn tick(&mut self, elapsed_ms: u64) {
        self.election_elapsed_ms = self.election_elapsed_ms.saturating_add(elapsed_ms);
        self.uptime_ms = self.uptime_ms.saturating_add(elapsed_ms);
        self.tick_reads(elapsed_ms);
        if self.role.kind() == Role::Leader {
            self.heartbeat_elapsed_ms = self.heartbeat_elapsed_ms.saturating_add(elapsed_ms);
            self.tick_leader(elapsed_ms);
        } else if self.election_elapsed_ms >= self.election_timeout_ms {
            self.election_timeout();
        }
    }

    /// Fires the election timer now, as if it had run out (the page's "force timeout").
    pub fn force_election_timeout(&mut self) {
        if self.role.kind() != Role::Leader {
            self.election_timeout();
        }
    }

    /// Offers a client command. Only a leader accepts it (§5.3); the entry leaves with the
    /// next [`Ready`], batched with any other proposals made before then.
    pub fn propose(&mut self, command: C) -> Proposal {
        let term = self.term;
        let RoleState::Leader(leader) = &mut self.role else {
            return Proposal::NotLeader {
                leader: self.leader(),
            };
        };
        if let Some(transfer) = &leader.transfer {
            return Proposal::Transferring {
                target: transfer.target,
            };
        }
        leader.broadcast_pending = true;
        let index = self.append_own(Entry {
            term,
            payload: Payload::Command(command),
        });
        self.maybe_commit();
        Proposal::Appended { index, term }
    }

    /// Offers a configuration change (thesis §4.1–4.2). Only a leader accepts it, and only
    /// when no other change is in flight and it has committed an entry of its own term (the
    /// 2015 erratum); the new configuration takes effect on the leader as soon as it is
    /// appended. `Ok(NotLeader)` says where to try instead; `Err` says why the leader refused.
    pub fn propose_membership(
        &mut self,
        change: MembershipChange,
    ) -> Result<Proposal, ChangeRefusal> {
        match &self.role {
            RoleState::Leader(leader) => {
                if let Some(transfer) = &leader.transfer {
                    return Ok(Proposal::Transferring {
                        target: transfer.target,
                    });
                }
            }
            _ => {
                return Ok(Proposal::NotLeader {
                    leader: self.leader(),
                })
            }
        }
        let next = self.membership.apply(change)?;
        self.check_change_allowed()?;
        let index = self.append_membership(next);
        Ok(Proposal::Appended {
            index,
            term: self.term,
        })
    }

    /// At most one change in flight (the last configuration is committed), and an entry of
    /// this leader's term is committed — unless `config-change-before-noop` skips that.
    pub(crate) fn check_change_allowed(&self) -> Result<(), ChangeRefusal> {
        if self.membership_index > self.commit_index {
            return Err(ChangeRefusal::ChangeInFlight);
        }
        let committed_own = self.log.term_at(self.commit_index) == Some(self.term);
        if !committed_own && !self.config.bugs.has(Bug::ConfigChangeBeforeNoop) {
            return Err(ChangeRefusal::NoCommitInTerm);
        }
        Ok(())
    }

    /// Appends `next` as leader; it is in effect from now on. Servers it adds start with
    /// fresh progress; the leader's own vote stops counting if it removed itself.
    pub(crate) fn append_membership(&mut self, next: Membership) -> LogIndex {
        let term = self.term;
        let before = self.membership;
        self.void_read_lease();
        let index = self.append_own(Entry {
            term,
            payload: Payload::Membership(next),
        });
        if let RoleState::Leader(leader) = &mut self.role {
            for id in next.members().filter(|id| !before.is_member(*id)) {
                leader.progress[id.index()] = Progress {
                    next_index: index,
                    match_index: LogIndex::ZERO,
                    recent_active: false,
                    snapshot_offset: 0,
                };
            }
            leader.broadcast_pending = true;
        }
        self.maybe_commit();
        index
    }

    /// Asks a leader to hand leadership to `target` (thesis §3.10). It stops taking
    /// proposals, brings the target's log up to date and sends it TimeoutNow; the transfer
    /// is abandoned if the target has not taken over within an election timeout.
    pub fn transfer_leadership(&mut self, target: NodeId) -> Transfer {
        if !self.membership.is_voter(target) {
            return Transfer::UnknownTarget;
        }
        if self.role.kind() != Role::Leader {
            return Transfer::NotLeader {
                leader: self.leader(),
            };
        }
        if target == self.config.id {
            return Transfer::AlreadyLeader;
        }
        self.start_transfer(target)
    }

    /// Compacts the log up to `index` into `data`, the caller's state machine as of that
    /// index (thesis §5.1): entries up to it are dropped, and a follower that needs them is
    /// sent the snapshot instead. `index` must be applied (handed out in a Ready) and past
    /// the current snapshot; returns whether it was.
    pub fn compact(&mut self, index: LogIndex, data: alloc::sync::Arc<[u8]>) -> bool {
        if index <= self.log.snapshot_index() || index > self.last_applied {
            return false;
        }
        let Some(term) = self.log.term_at(index) else {
            return false;
        };
        let membership = self
            .log
            .last_membership(self.log.first_index(), index)
            .map_or(self.base_membership, |(_, m)| m);
        self.log.compact(index);
        self.base_membership = membership;
        if self.membership_index <= index {
            // The entry it came from is gone; the snapshot carries it now.
            self.membership_index = index;
        }
        self.snapshot = Some(Snapshot {
            index,
            term,
            membership,
            data,
        });
        self.snapshot_dirty = Some(false);
        self.events.push(Event::SnapshotTaken { index, term });
        true
    }

    /// Puts a snapshot received whole from the leader in place of the log it covers (paper
    /// §7, Figure 13, steps 5–8): keep the entries after it if the log has its last entry,
    /// else discard the log; the state machine starts over from it.
    pub(crate) fn install_snapshot(&mut self, snapshot: Snapshot) {
        let keep_anyway = self.config.bugs.has(Bug::SnapshotKeepsConflictingLog);
        let (index, term) = (snapshot.index, snapshot.term);
        let kept_log = self.log.install(index, term, keep_anyway);
        self.base_membership = snapshot.membership;
        self.snapshot = Some(snapshot);
        self.snapshot_dirty = Some(true);
        self.mark_log_dirty(index.next());
        if index > self.commit_index {
            self.commit_index = index;
        }
        self.last_applied = index;
        self.events.push(Event::SnapshotInstalled {
            index,
            term,
            kept_log,
        });
        // The configuration in effect is the log's last, or now the snapshot's.
        self.membership_index = self.membership_index.max(index);
        self.refresh_membership(index);
    }

    // ----- output -----

    /// Whether [`Node::take_ready`] would return anything.
    pub fn has_ready(&self) -> bool {
        self.hard_state_dirty
            || self.log_dirty_from.is_some()
            || !self.messages.is_empty()
            || !self.events.is_empty()
            || self.commit_index > self.last_applied
            || self.snapshot_dirty.is_some()
            || matches!(&self.role, RoleState::Leader(l) if l.broadcast_pending)
            || !self.read_results.is_empty()
            || self
                .read_waits
                .iter()
                .any(|w| w.index.is_some_and(|i| i <= self.commit_index))
    }

    /// Moves everything pending into `ready`, reusing its buffers (cleared first).
    pub fn take_ready(&mut self, ready: &mut Ready<C>) {
        if let RoleState::Leader(leader) = &mut self.role {
            if leader.broadcast_pending {
                leader.broadcast_pending = false;
                self.broadcast_append();
            }
        }
        ready.hard_state = if core::mem::take(&mut self.hard_state_dirty) {
            Some(self.persisted_hard_state())
        } else {
            None
        };
        ready.persist_log_from = self.log_dirty_from.take();
        match self.snapshot_dirty.take() {
            Some(installed) => {
                ready.snapshot = self.snapshot.clone();
                ready.install_snapshot = installed;
            }
            None => {
                ready.snapshot = None;
                ready.install_snapshot = false;
            }
        }
        ready.messages.clear();
        ready.events.clear();
        core::mem::swap(&mut ready.messages, &mut self.messages);
        core::mem::swap(&mut ready.events, &mut self.events);
        self.take_reads(&mut ready.reads);
        ready.apply = if self.commit_index > self.last_applied {
            let range = (self.last_applied.next(), self.commit_index);
            self.last_applied = self.commit_index;
            Some(range)
        } else {
            None
        };
    }

    /// The hard state as this node writes it to storage. `forget-vote` drops the vote here,
    /// and only here, so the running node behaves correctly until it restarts.
    fn persisted_hard_state(&self) -> HardState {
        let forget = self.config.bugs.has(crate::Bug::ForgetVote);
        HardState {
            term: self.term,
            voted_for: if forget { None } else { self.voted_for },
        }
    }

    // ----- read-only views -----

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.config.id
    }
    /// Its configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Current term.
    pub fn term(&self) -> Term {
        self.term
    }
    /// Vote in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// The log.
    pub fn log(&self) -> &Log<C> {
        &self.log
    }
    /// The latest snapshot, if the log was ever compacted.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }
    /// The highest index handed out to apply (or covered by an installed snapshot).
    pub fn applied_index(&self) -> LogIndex {
        self.last_applied
    }
    /// The configuration in effect (thesis §4.1: the latest in the log, committed or not).
    pub fn membership(&self) -> Membership {
        self.membership
    }
    /// The log index of the configuration in effect; 0 for the initial one.
    pub fn membership_index(&self) -> LogIndex {
        self.membership_index
    }
    /// Highest index known committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    /// Current role.
    pub fn role(&self) -> Role {
        self.role.kind()
    }
    /// The leader this node believes in: itself when leading.
    pub fn leader(&self) -> Option<NodeId> {
        match &self.role {
            RoleState::Follower { leader } => *leader,
            RoleState::Leader(_) => Some(self.config.id),
            _ => None,
        }
    }
    /// Votes a candidate (or pre-candidate) holds, its own included.
    pub fn votes(&self) -> usize {
        match &self.role {
            RoleState::PreCandidate { granted } | RoleState::Candidate { granted } => {
                granted.count()
            }
            _ => 0,
        }
    }
    /// The servers whose votes a candidate (or pre-candidate) holds, its own included; empty
    /// in other roles. Which servers, not only how many, decide what a further grant does.
    pub fn granted_votes(&self) -> crate::quorum::Voters {
        match &self.role {
            RoleState::PreCandidate { granted } | RoleState::Candidate { granted } => *granted,
            _ => crate::quorum::Voters::default(),
        }
    }
    /// A leader's view of `peer`'s replication (Figure 2 `nextIndex`, `matchIndex`).
    pub fn progress(&self, peer: NodeId) -> Option<Progress> {
        match &self.role {
            RoleState::Leader(leader)
                if peer != self.config.id && self.membership.is_member(peer) =>
            {
                leader.progress.get(peer.index()).copied()
            }
            _ => None,
        }
    }
    /// Milliseconds since the election timer was reset, and the timeout it counts toward.
    pub fn election_timer(&self) -> (u64, u64) {
        (self.election_elapsed_ms, self.election_timeout_ms)
    }
    /// Milliseconds until some timer of this node fires, if nothing else happens.
    pub fn ms_until_next_timer(&self) -> u64 {
        if self.role.kind() == Role::Leader {
            let heartbeat = self
                .config
                .heartbeat_interval_ms
                .saturating_sub(self.heartbeat_elapsed_ms);
            if self.config.check_quorum {
                let quorum_check = self
                    .config
                    .election_timeout_min_ms
                    .saturating_sub(self.election_elapsed_ms);
                heartbeat.min(quorum_check)
            } else {
                heartbeat
            }
        } else {
            self.election_timeout_ms
                .saturating_sub(self.election_elapsed_ms)
        }
    }

    // ----- shared machinery used by the role functions -----

    /// Why `m` cannot have come from a correct peer of this node, if it cannot.
    fn refusal(&self, m: &Message<C>) -> Option<RefusalReason> {
        if m.to != self.config.id {
            Some(RefusalReason::AddressedElsewhere { to: m.to })
        } else if m.from.index() >= MAX_CLUSTER_SIZE {
            Some(RefusalReason::UnknownSender)
        } else if m.from == self.config.id {
            Some(RefusalReason::FromItself)
        } else {
            m.malformation()
        }
    }

    /// Narrates a refused message; nothing else changes.
    pub(crate) fn refuse(&mut self, m: &Message<C>, reason: RefusalReason) {
        self.events.push(Event::MessageRefused {
            from: m.from,
            kind: m.kind(),
            reason,
        });
    }

    /// §5.1: a newer term demotes us before anything else; an older one is answered with our
    /// term (so a stale leader or candidate learns it) or dropped. Returns whether the role
    /// function should see the message.
    fn settle_term(&mut self, m: &Message<C>) -> bool {
        use core::cmp::Ordering::*;
        match m.term.cmp(&self.term) {
            Equal => true,
            Greater => {
                match &m.body {
                    // PreVote traffic never changes anyone's term (thesis §9.6); a vote
                    // request for a leadership transfer passes the lease (thesis §3.10).
                    Body::RequestVote { pre_vote: true, .. }
                    | Body::RequestVoteResponse {
                        pre_vote: true,
                        granted: true,
                    } => return true,
                    Body::RequestVote {
                        leadership_transfer: false,
                        ..
                    } if self.in_lease() => {
                        self.events.push(Event::VoteIgnoredInLease {
                            candidate: m.from,
                            term: m.term,
                        });
                        return false;
                    }
                    _ => {}
                }
                let leader = match m.body {
                    Body::AppendEntries { .. } | Body::InstallSnapshot { .. } => Some(m.from),
                    _ => None,
                };
                self.become_follower(m.term, leader, StepDownReason::HigherTerm);
                true
            }
            Less => {
                self.events.push(Event::StaleMessage {
                    from: m.from,
                    kind: m.kind(),
                    term: m.term,
                });
                match m.body {
                    Body::RequestVote { pre_vote, .. } => self.send(
                        m.from,
                        self.term,
                        Body::RequestVoteResponse {
                            pre_vote,
                            granted: false,
                        },
                    ),
                    Body::AppendEntries { .. } => self.send(
                        m.from,
                        self.term,
                        Body::AppendEntriesResponse {
                            success: false,
                            match_index: LogIndex::ZERO,
                            reject: None,
                            read_round: 0,
                        },
                    ),
                    Body::InstallSnapshot {
                        last_included_index,
                        ..
                    } => self.send(
                        m.from,
                        self.term,
                        Body::InstallSnapshotResponse {
                            last_included_index,
                            received: 0,
                            done: false,
                        },
                    ),
                    _ => {}
                }
                false
            }
        }
    }

    /// Whether a leader was heard from within the minimum election timeout: such a server
    /// refuses PreVotes (thesis §9.6) and, under CheckQuorum, ignores RequestVotes that would
    /// depose a live leader (thesis §4.2.3).
    pub(crate) fn heard_from_leader_recently(&self) -> bool {
        let timeout = self.config.election_timeout_min_ms;
        if self.config.lease_reads && self.uptime_ms < timeout {
            return true;
        }
        match self.role {
            RoleState::Leader(_) => true,
            RoleState::Follower { leader: Some(_) } => {
                self.election_elapsed_ms < self.config.election_timeout_min_ms
            }
            _ => false,
        }
    }

    fn in_lease(&self) -> bool {
        self.config.check_quorum && self.heard_from_leader_recently()
    }

    /// The only function that changes the role; it asserts the transition is legal.
    pub(crate) fn set_role(&mut self, next: RoleState) {
        let (from, to) = (self.role.kind(), next.kind());
        assert!(
            from.may_become(to),
            "illegal role change {from:?} -> {to:?}"
        );
        self.role = next;
    }

    /// Becomes follower in `term` (raising the term clears the vote, §5.1).
    pub(crate) fn become_follower(
        &mut self,
        term: Term,
        leader: Option<NodeId>,
        reason: StepDownReason,
    ) {
        assert!(term >= self.term, "terms never go backwards");
        self.abandon_leader_reads();
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.hard_state_dirty = true;
            self.fail_unanswered_reads();
        }
        let was_leader = self.role.kind() == Role::Leader;
        if self.role.kind() != Role::Follower {
            self.events.push(Event::SteppedDown { term, reason });
        }
        self.set_role(RoleState::Follower { leader });
        // Figure 2 resets the timer on word from a leader, on granting a vote and on starting
        // an election — not on merely seeing a higher term. Otherwise hopeless candidates
        // with stale logs keep postponing the election of the one server that could win.
        // A deposed leader's timer counted something else, so it starts afresh.
        if was_leader || leader.is_some() || reason != StepDownReason::HigherTerm {
            self.reset_election_timer();
        }
        self.events.push(Event::BecameFollower { term, leader });
    }

    /// Restarts the election timer with a freshly drawn random timeout (§5.2).
    pub(crate) fn reset_election_timer(&mut self) {
        self.election_elapsed_ms = 0;
        if self.config.bugs.has(Bug::ElectionTimerOnce) && self.election_timeout_ms > 0 {
            return; // broken on purpose: the timeout drawn when the server started, again
        }
        self.election_timeout_ms = self.rng.range_inclusive(
            self.config.election_timeout_min_ms,
            self.config.election_timeout_max_ms,
        );
    }

    pub(crate) fn vote_for(&mut self, candidate: NodeId) {
        self.voted_for = Some(candidate);
        self.hard_state_dirty = true;
    }

    /// Moves to `term`, a campaign's new term, forgetting the old term's vote (§5.1).
    pub(crate) fn raise_term(&mut self, term: Term) {
        assert!(term > self.term, "a campaign raises the term");
        self.term = term;
        self.voted_for = None;
        self.hard_state_dirty = true;
        self.fail_unanswered_reads();
    }

    pub(crate) fn send(&mut self, to: NodeId, term: Term, body: Body<C>) {
        self.messages.push(Message {
            from: self.config.id,
            to,
            term,
            body,
        });
    }

    /// Appends an entry created by this node as leader; returns its index.
    pub(crate) fn append_own(&mut self, entry: Entry<C>) -> LogIndex {
        assert!(
            entry.term == self.term,
            "a leader only creates entries in its term"
        );
        self.log.push(entry);
        let index = self.log.last_index();
        self.mark_log_dirty(index);
        self.refresh_membership(index);
        index
    }

    /// After the log changed from `from` on (appended or truncated), puts in effect the last
    /// configuration it holds (thesis §4.1: on append, not on commit; a truncated
    /// configuration gives way to the one before it) and narrates a change.
    pub(crate) fn refresh_membership(&mut self, from: LogIndex) {
        let last = self.log.last_index();
        let (index, membership) = if self.membership_index >= from {
            // The entry may be gone: look again through the whole log.
            self.log
                .last_membership(LogIndex(1), last)
                .unwrap_or((self.log.snapshot_index(), self.base_membership))
        } else {
            match self.log.last_membership(from, last) {
                Some(found) => found,
                None => return,
            }
        };
        if (index, membership) == (self.membership_index, self.membership) {
            return;
        }
        self.membership = membership;
        self.membership_index = index;
        self.events
            .push(Event::MembershipChanged { index, membership });
    }

    pub(crate) fn mark_log_dirty(&mut self, from: LogIndex) {
        self.log_dirty_from = Some(self.log_dirty_from.map_or(from, |d| d.min(from)));
    }

    /// Raises the commit index; it never decreases and never passes the log's end.
    pub(crate) fn advance_commit(&mut self, index: LogIndex) {
        assert!(index > self.commit_index, "commit index never decreases");
        assert!(index <= self.log.last_index(), "cannot commit past the log");
        self.commit_index = index;
        let term = self.log.term_at(index).unwrap_or_default();
        self.events.push(Event::Committed { index, term });
    }

    /// The servers a leader replicates to: every voter and learner but itself.
    pub(crate) fn peers(&self) -> impl Iterator<Item = NodeId> + 'static {
        let me = self.config.id;
        let membership = self.membership;
        (0..MAX_CLUSTER_SIZE as u8)
            .map(NodeId)
            .filter(move |id| *id != me && membership.is_member(*id))
    }

    /// The servers whose votes count, but this one.
    pub(crate) fn voting_peers(&self) -> impl Iterator<Item = NodeId> + 'static {
        let me = self.config.id;
        let membership = self.membership;
        (0..MAX_CLUSTER_SIZE as u8)
            .map(NodeId)
            .filter(move |id| *id != me && membership.is_voter(*id))
    }

    pub(crate) fn new_leader_state(&self) -> Leader {
        let next_index = self.log.last_index().next();
        Leader {
            progress: (0..MAX_CLUSTER_SIZE)
                .map(|_| Progress {
                    next_index,
                    match_index: LogIndex::ZERO,
                    recent_active: false,
                    snapshot_offset: 0,
                })
                .collect(),
            broadcast_pending: false,
            transfer: None,
            reads: LeaderReads::new(),
        }
    }
}
