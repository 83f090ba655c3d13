//! Exhaustive model checking of the real river-core with stateright: a state holds real
//! [`river_core::Node`]s, their disks and the messages in flight, and every action is one
//! thing the network, a clock, a client or a crash can do to them.
//!
//! # What is explored
//!
//! From a fresh cluster (or from [`Start::Elected`] or [`Start::LearnerCaughtUp`]): deliver
//! any in-flight message, deliver it and keep a copy (duplication), lose it (or every message
//! to and from one server), fire any non-leader's election timer,
//! let a leader's heartbeat interval pass, propose a command to a leader, ask a leader for a
//! membership change from [`Bounds::changes`], ask a leader or a follower that knows one for
//! a read (ReadIndex, thesis §6.4), let a server compact what it applied into a snapshot
//! (its data the entries it stands for, `crate::stored`; a leader then sends followers
//! behind it InstallSnapshot, in one chunk), and crash-restart any server from its disk.
//! [`Bounds`] keeps this finite: terms, proposals, changes, restarts, messages in flight and
//! log lengths are capped, and a state past a cap is not explored further.
//!
//! # Membership changes
//!
//! [`Bounds::erratum`] is the smallest space we know in which single-server changes lose a
//! committed entry when a new leader changes the membership before committing an entry of
//! its own term (Ongaro's 2015 raft-dev erratum, the `config-change-before-noop` bug). It
//! needs two changes from leaders of different terms whose majorities do not overlap: four
//! voters A–D, A in term 1 adds E (its majority: 3 of A–E), B in term 2 removes D (its
//! majority: 2 of A–C). From three voters a change to four and back cannot do it — adding D
//! to A–C and removing a server from A–D give majorities (3 of 4, 2 of 3) that always share
//! a server — so [`Bounds::three_four_three`] is a check that correct Raft keeps every
//! property along 3 → 4 → 3, not a bug hunt.
//!
//! # What a state is, for deduplication
//!
//! Two states are the same when everything that can change what happens next is the same:
//! each node's term, vote, log (and with it the configuration in effect), commit index,
//! role, believed leader, snapshot, the votes a candidate holds and (for a leader) each
//! follower's `next_index` and `match_index`; the reads it is working on (their read
//! indexes, rounds and ages, and a leader's round counter and acknowledgements, through
//! `Node::hash_reads`); each disk; the set of messages in flight; the budgets and changes
//! used; and the [`History`](crate::history::History), reads waiting for an answer and
//! (with compaction) the prefixes seen included. Left out, on purpose:
//! election timers and the generator behind them (elections happen only through the
//! explicit timeout action, and PreVote and CheckQuorum — the only readers of elapsed time
//! besides the timers — are off, as [`RaftModel::new`] asserts), and CheckQuorum's
//! `recent_active` marks.
//!
//! Three reductions keep the space small without losing behaviour:
//!
//! - The network is a set, not a multiset: since any message may be delivered and kept, a
//!   second copy of a message in flight adds no behaviour, only states.
//! - Symmetry: servers start alike and Raft never breaks a tie by id, so states that differ
//!   by a renaming of the servers share one fingerprint. Only without changes or a list of
//!   campaigners, which name servers, and not from [`Start::LearnerCaughtUp`], which gives
//!   each server a part (from [`Start::Elected`] the leader is part of the state, renamed
//!   with it).
//! - Dead messages — responses the receiver must and always will ignore — leave flight at
//!   once (see `is_dead`; each removal is checked against the real node).
//!
//! Within its bounds a run is exhaustive when no depth is given: every reachable state is
//! checked.

use crate::cluster::{describe_message, Cluster};
use crate::history::{Command, Invariant};
use river_core::{BugSet, Config, MembershipChange, Message, NodeId, Payload};
use river_core::{Proposal, Role};
use stateright::{Model, Property};
use std::fmt;
use std::hash::Hash;
use std::panic::{catch_unwind, AssertUnwindSafe};

mod bounds;
mod run;
mod starts;
mod state;

pub use bounds::{Bounds, Start};
use run::holds;
pub use run::{explain, run, Discovery, Outcome, RunOptions};
pub use starts::{elected_start, learner_start};
pub use state::ModelState;
use state::{assert_dead, canonicalize, deliver_answers, is_dead, keep_newest_per_link};

/// The largest cluster checked with symmetry reduction: the fingerprint tries every renaming,
/// 3! = 6 of them.
pub const MAX_MODEL_CLUSTER_SIZE: usize = 3;
/// The most servers, spares included, of a model without symmetry reduction.
pub const MAX_MODEL_SERVERS: usize = 5;
/// A prelude that has not settled after this many deliveries is a bug in the prelude.
const MAX_PRELUDE_DELIVERIES: usize = 100;

/// The model: a fresh cluster of real nodes with `bugs` switched on, explored within `bounds`.
#[derive(Clone, Debug)]
pub struct RaftModel {
    /// The limits of exploration.
    pub bounds: Bounds,
    /// Deliberately broken behaviours to switch on; empty for the paper's Raft.
    pub bugs: BugSet,
    /// When a run with a timeout must stop: from then on no state is expanded, and
    /// `timed_out` is set. (stateright's own timeout is only seen by a worker whose queue ran
    /// dry, so a one-thread search never stopped: `--timeout-secs 5` ran 187 s.)
    deadline: Option<(
        std::time::Instant,
        std::sync::Arc<std::sync::atomic::AtomicBool>,
    )>,
}

impl RaftModel {
    /// A model of `bounds.cluster_size` servers running Raft with `bugs`.
    pub fn new(bounds: Bounds, bugs: BugSet) -> RaftModel {
        let most = if bounds.symmetric() {
            MAX_MODEL_CLUSTER_SIZE
        } else {
            MAX_MODEL_SERVERS
        };
        assert!(
            bounds.cluster_size >= 1 && bounds.servers() <= most,
            "the model takes 1 to {most} servers here"
        );
        assert!(
            bounds.start != Start::LearnerCaughtUp || bounds.spare_servers >= 1,
            "a learner start needs a spare server"
        );
        assert!(
            bounds.max_entries_per_append >= 1,
            "a message carries an entry"
        );
        let model = RaftModel {
            bounds,
            bugs,
            deadline: None,
        };
        let config = model.config();
        assert!(
            !config.pre_vote && !config.check_quorum,
            "timers are not part of the fingerprint, so nothing may read elapsed time"
        );
        model
    }

    /// The nodes' configuration. A snapshot travels in one chunk, so no follower ever holds
    /// part of one (which no accessor shows, and so no fingerprint could).
    fn config(&self) -> Config {
        let mut config = Cluster::config(
            self.bounds.cluster_size,
            self.bugs,
            self.bounds.max_entries_per_append,
        );
        config.snapshot_chunk_bytes = river_core::MAX_SNAPSHOT_BYTES;
        config
    }
}

/// One step of the environment.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Deliver a message and remove it from flight.
    Deliver(Message<Command>),
    /// Deliver a message and keep a copy in flight.
    Duplicate(Message<Command>),
    /// Lose a message.
    Drop(Message<Command>),
    /// Fire a server's election timer.
    Timeout(NodeId),
    /// Let one heartbeat interval pass on a leader.
    Heartbeat(NodeId),
    /// A client proposes the next command to a leader.
    Propose(NodeId),
    /// Crash a server and restart it from its disk.
    Restart(NodeId),
    /// A client asks a server for a linearizable read.
    Read(NodeId),
    /// A server compacts everything it applied into a snapshot.
    Compact(NodeId),
    /// A client asks a leader for a membership change.
    Change(NodeId, MembershipChange),
    /// Every message in flight to or from a server is lost.
    Cut(NodeId),
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Deliver(m) => write!(f, "deliver {}", describe_message(m)),
            Action::Duplicate(m) => write!(f, "deliver and keep {}", describe_message(m)),
            Action::Drop(m) => write!(f, "lose {}", describe_message(m)),
            Action::Cut(n) => write!(f, "lose every message to and from {n}"),
            Action::Timeout(n) => write!(f, "election timeout on {n}"),
            Action::Heartbeat(n) => write!(f, "heartbeat interval on leader {n}"),
            Action::Propose(n) => write!(f, "client proposes to {n}"),
            Action::Restart(n) => write!(f, "crash and restart {n}"),
            Action::Read(n) => write!(f, "client asks {n} to read"),
            Action::Compact(n) => write!(f, "{n} compacts what it applied into a snapshot"),
            Action::Change(n, MembershipChange::AddLearner(id)) => {
                write!(f, "client asks {n} to add {id} as a learner")
            }
            Action::Change(n, MembershipChange::Promote(id)) => {
                write!(f, "client asks {n} to promote {id} to voter")
            }
            Action::Change(n, MembershipChange::Remove(id)) => {
                write!(f, "client asks {n} to remove {id}")
            }
        }
    }
}

impl Model for RaftModel {
    type State = ModelState;
    type Action = Action;

    fn init_states(&self) -> Vec<ModelState> {
        let cluster = match self.bounds.start {
            Start::Fresh => Cluster::with_spares(&self.config(), self.bounds.spare_servers),
            Start::LearnerCaughtUp => learner_start(&self.config(), self.bounds.spare_servers),
            Start::Elected => elected_start(&self.config()),
        };
        let mut cluster = cluster;
        if self.bounds.max_compactions > 0 {
            cluster.history.prefixes = Some(Default::default());
            for server in &cluster.servers {
                let log = server.node.log().entries().to_vec();
                cluster.history.record_log(server.node.id(), &log);
            }
        }
        vec![ModelState(cluster, self.bounds.symmetric())]
    }

    fn actions(&self, state: &ModelState, actions: &mut Vec<Action>) {
        let cluster = &state.0;
        if cluster.history.violations.contains_key(&Invariant::NoPanic) {
            return;
        }
        for message in &cluster.network {
            actions.push(Action::Deliver(message.clone()));
            if self.bounds.duplicates {
                actions.push(Action::Duplicate(message.clone()));
            }
            if self.bounds.drops {
                actions.push(Action::Drop(message.clone()));
            }
        }
        for server in &cluster.servers {
            let node = &server.node;
            if node.role() == Role::Leader {
                if self.bounds.heartbeats {
                    actions.push(Action::Heartbeat(node.id()));
                }
                if cluster.proposals < self.bounds.max_proposals {
                    actions.push(Action::Propose(node.id()));
                }
                for change in &self.bounds.changes {
                    if !cluster.changes.contains(change) {
                        actions.push(Action::Change(node.id(), *change));
                    }
                }
            } else if node.term().0 < self.bounds.max_term
                && self
                    .bounds
                    .campaigners
                    .as_ref()
                    .is_none_or(|c| c.contains(&node.id()))
            {
                actions.push(Action::Timeout(node.id()));
            }
            if cluster.restarts < self.bounds.max_restarts {
                actions.push(Action::Restart(node.id()));
            }
            let id = node.id();
            let knows_leader = node.role() == Role::Leader
                || (node.role() == Role::Follower && node.leader().is_some());
            if cluster.reads < self.bounds.max_reads && knows_leader {
                actions.push(Action::Read(id));
            }
            if cluster.compactions < self.bounds.max_compactions
                && node.applied_index() > node.log().snapshot_index()
            {
                actions.push(Action::Compact(id));
            }
            if self.bounds.cuts && cluster.network.iter().any(|m| m.from == id || m.to == id) {
                actions.push(Action::Cut(id));
            }
        }
    }

    fn next_state(&self, state: &ModelState, action: Action) -> Option<ModelState> {
        let mut cluster = state.0.clone();
        let mut took_effect = true;
        let position = |m: &Message<Command>| {
            cluster
                .network
                .iter()
                .position(|x| x == m)
                .expect("actions name messages in flight")
        };
        let outcome = match action {
            Action::Drop(m) => {
                let index = position(&m);
                cluster.drop_message(index);
                Ok(())
            }
            Action::Cut(n) => {
                cluster.network.retain(|m| m.from != n && m.to != n);
                Ok(())
            }
            action => {
                let index = match &action {
                    Action::Deliver(m) | Action::Duplicate(m) => Some(position(m)),
                    _ => None,
                };
                let answers_at_once = self.bounds.answers_at_once;
                catch_unwind(AssertUnwindSafe(|| {
                    match action {
                        Action::Deliver(_) => cluster.deliver(index.unwrap_or_default(), false),
                        Action::Duplicate(_) => cluster.deliver(index.unwrap_or_default(), true),
                        Action::Timeout(n) => cluster.force_timeout(n),
                        Action::Heartbeat(n) => cluster.heartbeat(n),
                        Action::Propose(n) => {
                            cluster.propose(n);
                        }
                        Action::Restart(n) => cluster.restart(n),
                        Action::Compact(n) => took_effect = cluster.compact(n),
                        Action::Read(n) => {
                            took_effect = cluster.read(n) == river_core::Read::Pending;
                        }
                        Action::Change(n, change) => {
                            took_effect = matches!(
                                cluster.propose_membership(n, change),
                                Ok(Proposal::Appended { .. })
                            );
                        }
                        Action::Drop(_) | Action::Cut(_) => unreachable!("handled above"),
                    }
                    if answers_at_once {
                        deliver_answers(&mut cluster);
                    }
                }))
            }
        };
        if !took_effect {
            // The leader refused the change (one in flight, or none of its term committed
            // yet) or the read: nothing happened, so this is no step.
            return None;
        }
        if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".to_string());
            // The half-updated cluster is not to be trusted: keep the state before the action
            // and mark it, so the path to the panic is reported and exploration stops there.
            let mut panicked = state.0.clone();
            panicked
                .history
                .record_violation(Invariant::NoPanic, message);
            return Some(ModelState(panicked, state.1));
        }
        let dead: Vec<bool> = cluster
            .network
            .iter()
            .map(|m| is_dead(&cluster, m))
            .collect();
        if dead.contains(&true) {
            for (m, _) in cluster.network.iter().zip(&dead).filter(|(_, d)| **d) {
                assert_dead(&cluster, m);
            }
            let mut keep = dead.iter().map(|d| !d);
            cluster.network.retain(|_| keep.next().unwrap_or(true));
        }
        if self.bounds.newest_per_link {
            keep_newest_per_link(&mut cluster.network);
        }
        canonicalize(&mut cluster.network);
        Some(ModelState(cluster, state.1))
    }

    fn within_boundary(&self, state: &ModelState) -> bool {
        if let Some((at, timed_out)) = &self.deadline {
            if std::time::Instant::now() >= *at {
                timed_out.store(true, std::sync::atomic::Ordering::Relaxed);
                return false;
            }
        }
        let cluster = &state.0;
        cluster.network.len() <= self.bounds.max_in_flight
            && cluster.servers.iter().all(|s| {
                s.node.term().0 <= self.bounds.max_term
                    && s.node.log().last_index().0 <= self.bounds.max_log_len as u64
            })
    }

    fn properties(&self) -> Vec<Property<RaftModel>> {
        let mut properties = vec![
            Property::always(Invariant::ElectionSafety.name(), |_, s: &ModelState| {
                holds(s, Invariant::ElectionSafety)
            }),
            Property::always(Invariant::LogMatching.name(), |_, s: &ModelState| {
                holds(s, Invariant::LogMatching)
            }),
            Property::always(Invariant::LeaderCompleteness.name(), |_, s: &ModelState| {
                holds(s, Invariant::LeaderCompleteness)
            }),
            Property::always(Invariant::StateMachineSafety.name(), |_, s: &ModelState| {
                holds(s, Invariant::StateMachineSafety)
            }),
            Property::always(Invariant::NodeLocal.name(), |_, s: &ModelState| {
                holds(s, Invariant::NodeLocal)
            }),
            Property::always(Invariant::Durability.name(), |_, s: &ModelState| {
                holds(s, Invariant::Durability)
            }),
            Property::always(Invariant::NoPanic.name(), |_, s: &ModelState| {
                holds(s, Invariant::NoPanic)
            }),
            Property::always(
                Invariant::HonestMessagesAccepted.name(),
                |_, s: &ModelState| holds(s, Invariant::HonestMessagesAccepted),
            ),
            Property::always(Invariant::FreshReads.name(), |_, s: &ModelState| {
                holds(s, Invariant::FreshReads)
            }),
            Property::sometimes(SOMETHING_COMMITTED, |_, s: &ModelState| {
                !s.0.history.committed.is_empty()
            }),
        ];
        if self.bounds.max_reads > 0 {
            properties.push(Property::sometimes(READ_SERVED, |_, s: &ModelState| {
                s.0.history.reads_served > 0
            }));
        }
        if self.bounds.max_compactions > 0 {
            properties.push(Property::sometimes(
                SNAPSHOT_INSTALLED,
                |_, s: &ModelState| s.0.snapshots_installed > 0,
            ));
        }
        if !self.bounds.changes.is_empty() {
            properties.push(Property::sometimes(
                CHANGES_COMMITTED,
                |model: &RaftModel, s: &ModelState| {
                    let Some(last) = model.bounds.final_membership() else {
                        return false;
                    };
                    s.0.history
                        .committed
                        .values()
                        .any(|c| c.entry.payload == Payload::Membership(last))
                },
            ));
        }
        if self.bounds.max_proposals > 0 {
            properties.push(Property::sometimes(
                COMMAND_COMMITTED,
                |_, s: &ModelState| {
                    s.0.history
                        .committed
                        .values()
                        .any(|c| matches!(c.entry.payload, Payload::Command(_)))
                },
            ));
        }
        properties
    }
}

/// The `sometimes` property that keeps the check from being vacuous: some entry commits.
pub const SOMETHING_COMMITTED: &str = "an entry is committed";
/// The `sometimes` property that a follower installs a leader's snapshot (when servers may
/// compact).
pub const SNAPSHOT_INSTALLED: &str = "a snapshot is installed";
/// The `sometimes` property that a read is served (when reads are allowed).
pub const READ_SERVED: &str = "a read is served";
/// The `sometimes` property that a client's command commits (when proposals are allowed).
pub const COMMAND_COMMITTED: &str = "a client command is committed";
/// The `sometimes` property that the configuration the client's changes lead to commits
/// (when [`Bounds::changes`] are allowed).
pub const CHANGES_COMMITTED: &str = "the changed configuration is committed";
