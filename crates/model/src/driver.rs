//! Runs an arbitrary [`Scenario`] — a cluster shape and a sequence of environment inputs —
//! against real nodes, checking every [`crate::safety`] invariant after every input.
//!
//! The property tests generate scenarios with proptest and the fuzzer decodes them from raw
//! bytes (the `arbitrary` feature derives the decoder); both call [`run`], so they share one
//! driver and one set of checks. Inputs name nodes and messages by small numbers taken modulo
//! what exists, so every decoded scenario is meaningful and shrinking keeps it so.

use crate::cluster::Cluster;
use crate::forgery::Forgery;
use crate::history::Invariant;
use crate::safety;
use river_core::{BugSet, Config, MembershipChange, NodeId, Read, Transfer, MAX_CLUSTER_SIZE};

/// The largest cluster a scenario may ask for.
pub const MAX_SCENARIO_CLUSTER_SIZE: usize = 5;
/// The most servers a scenario may keep outside the configuration, for a leader to add.
pub const MAX_SCENARIO_SPARES: usize = 2;
/// The most entries per AppendEntries a scenario may ask for.
pub const MAX_SCENARIO_ENTRIES_PER_APPEND: usize = 4;
/// Messages in flight beyond this are lost, oldest first, so a run's memory stays bounded.
pub const MAX_IN_FLIGHT: usize = 256;
/// The most deliveries one [`Input::DeliverAll`] makes, so replies to replies cannot loop.
pub const MAX_DELIVERIES_PER_ROUND: usize = 1_000;
/// Inputs after this many are ignored, so a run's time stays bounded.
pub const MAX_INPUTS: usize = 2_000;

/// The cluster a scenario runs on. Fields are raw numbers mapped into range by [`run`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Setup {
    /// Servers, mapped to `1..=MAX_SCENARIO_CLUSTER_SIZE`.
    pub cluster_size: u8,
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2).
    pub check_quorum: bool,
    /// Entries per AppendEntries, mapped to `1..=MAX_SCENARIO_ENTRIES_PER_APPEND`.
    pub max_entries_per_append: u8,
    /// Empty servers outside the configuration that a [`Input::Change`] can add, mapped to
    /// `0..=MAX_SCENARIO_SPARES`.
    pub spares: u8,
}

/// One thing the environment does. Indices are taken modulo what exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Input {
    /// Deliver the `pick`-th message in flight (any order: this is how messages reorder).
    Deliver {
        /// Which message.
        pick: u16,
    },
    /// Deliver the `pick`-th message in flight and keep a copy in flight.
    Duplicate {
        /// Which message.
        pick: u16,
    },
    /// Lose the `pick`-th message in flight.
    Drop {
        /// Which message.
        pick: u16,
    },
    /// Deliver everything in flight, oldest first, with the replies it causes, up to
    /// [`MAX_DELIVERIES_PER_ROUND`]: a calm network for a moment, so runs make progress.
    DeliverAll,
    /// Let `ms` milliseconds pass on one node's clock.
    Tick {
        /// Which node.
        node: u8,
        /// How long.
        ms: u16,
    },
    /// Let `ms` milliseconds pass on every node's clock.
    TickAll {
        /// How long.
        ms: u16,
    },
    /// A client proposes the next command to a node.
    Propose {
        /// Which node.
        node: u8,
    },
    /// Crash a node and restart it from its disk.
    Restart {
        /// Which node.
        node: u8,
    },
    /// Fire a node's election timer now.
    Timeout {
        /// Which node.
        node: u8,
    },
    /// A client asks a node for a linearizable read (ReadIndex, thesis §6.4).
    Read {
        /// Which node.
        node: u8,
    },
    /// A node compacts what it has applied into a snapshot (thesis §5.1).
    Compact {
        /// Which node.
        node: u8,
    },
    /// A client asks a node to change the membership (thesis §4.2): add `member` as a
    /// learner, promote it, or remove it, as `kind` modulo 3 says. Any server may be named,
    /// the spares included.
    Change {
        /// Which node is asked.
        node: u8,
        /// Whom the change is about.
        member: u8,
        /// 0: add as a learner, 1: promote, 2: remove.
        kind: u8,
    },
    /// A client asks a node to hand its leadership to `target` (thesis §3.10).
    Transfer {
        /// Which node is asked.
        node: u8,
        /// Who should lead.
        target: u8,
    },
    /// Hand a node a forged message (see [`crate::forgery`]). From then on the run checks
    /// only the invariants that [`Invariant::holds_under_forgery`].
    Forge(Forgery),
}

/// A cluster shape and what happens to it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Scenario {
    /// The cluster.
    pub setup: Setup,
    /// The inputs, in order; at most [`MAX_INPUTS`] are used.
    pub inputs: Vec<Input>,
}

/// An invariant broke: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// How many inputs had run, the breaking one included.
    pub step: usize,
    /// The input after which the check failed (boxed: a forged message makes it large, and
    /// a `Result` should stay small on the passing path).
    pub input: Box<Input>,
    /// What broke.
    pub invariant: Invariant,
    /// In words.
    pub detail: String,
}

/// What a passing run did, so tests can tell a busy run from a vacuous one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Distinct terms that had a leader.
    pub terms_with_leader: usize,
    /// Distinct log indexes some server applied.
    pub entries_committed: usize,
    /// Crash-restarts performed.
    pub restarts: u32,
    /// Forged messages handed to nodes.
    pub forged: u32,
    /// Messages refused.
    pub refused: u32,
    /// Snapshots installed, sent by a leader or forged.
    pub snapshots_installed: u32,
    /// Snapshots servers took of their own state.
    pub compactions: u32,
    /// Reads the asked node registered (the rest were refused or redirected).
    pub reads_registered: u32,
    /// Membership changes a leader appended.
    pub changes: usize,
    /// Leadership transfers a leader started.
    pub transfers: u32,
}

impl Scenario {
    /// The same scenario without its forged messages: correct Raft among honest servers,
    /// where every invariant is checked.
    pub fn honest(&self) -> Scenario {
        let inputs = self
            .inputs
            .iter()
            .filter(|input| !matches!(input, Input::Forge(_)))
            .copied()
            .collect();
        Scenario {
            setup: self.setup.clone(),
            inputs,
        }
    }

    /// The same scenario seen by one node alone: every input that touches node 0 (ticks,
    /// timeouts, proposals, restarts, forged messages) goes to it, and nothing else happens —
    /// no message of another node is ever delivered, so all it hears is forged.
    pub fn lone(&self) -> Scenario {
        let inputs = self
            .inputs
            .iter()
            .filter_map(|input| match *input {
                Input::Tick { ms, .. } | Input::TickAll { ms } => Some(Input::Tick { node: 0, ms }),
                Input::Propose { .. } => Some(Input::Propose { node: 0 }),
                Input::Restart { .. } => Some(Input::Restart { node: 0 }),
                Input::Timeout { .. } => Some(Input::Timeout { node: 0 }),
                Input::Read { .. } => Some(Input::Read { node: 0 }),
                Input::Compact { .. } => Some(Input::Compact { node: 0 }),
                Input::Change { member, kind, .. } => Some(Input::Change {
                    node: 0,
                    member,
                    kind,
                }),
                Input::Transfer { target, .. } => Some(Input::Transfer { node: 0, target }),
                Input::Forge(forgery) => Some(Input::Forge(Forgery { node: 0, ..forgery })),
                Input::Deliver { .. }
                | Input::Duplicate { .. }
                | Input::Drop { .. }
                | Input::DeliverAll => None,
            })
            .collect();
        Scenario {
            setup: self.setup.clone(),
            inputs,
        }
    }
}

impl Setup {
    /// The node configuration this setup stands for, with `bugs` switched on.
    pub fn config(&self, bugs: BugSet) -> Config {
        let size = 1 + usize::from(self.cluster_size) % MAX_SCENARIO_CLUSTER_SIZE;
        assert!(size <= MAX_CLUSTER_SIZE, "scenario cluster too large");
        let entries =
            1 + usize::from(self.max_entries_per_append) % MAX_SCENARIO_ENTRIES_PER_APPEND;
        let mut config = Cluster::config(size, bugs, entries);
        config.pre_vote = self.pre_vote;
        config.check_quorum = self.check_quorum;
        config
    }

    /// How many spare servers this setup stands for.
    pub fn spare_count(&self) -> usize {
        usize::from(self.spares) % (MAX_SCENARIO_SPARES + 1)
    }
}

/// Runs `scenario` on real nodes with `bugs` switched on, checking every invariant after
/// every input. Panics only if the core itself panics.
pub fn run(scenario: &Scenario, bugs: BugSet) -> Result<Summary, Failure> {
    let setup = &scenario.setup;
    let mut cluster = Cluster::with_spares(&setup.config(bugs), setup.spare_count());
    let size = cluster.servers.len();
    let (mut reads_registered, mut transfers) = (0, 0);
    let node = |n: u8| NodeId((usize::from(n) % size) as u8);
    for (step, input) in scenario.inputs.iter().take(MAX_INPUTS).enumerate() {
        match *input {
            Input::Deliver { pick } | Input::Duplicate { pick } | Input::Drop { pick } => {
                if cluster.network.is_empty() {
                    continue;
                }
                let index = usize::from(pick) % cluster.network.len();
                match input {
                    Input::Drop { .. } => cluster.drop_message(index),
                    Input::Duplicate { .. } => cluster.deliver(index, true),
                    _ => cluster.deliver(index, false),
                }
            }
            Input::DeliverAll => {
                for _ in 0..MAX_DELIVERIES_PER_ROUND {
                    if cluster.network.is_empty() {
                        break;
                    }
                    cluster.deliver(0, false);
                }
            }
            Input::Tick { node: n, ms } => cluster.tick(node(n), u64::from(ms)),
            Input::TickAll { ms } => {
                for i in 0..size {
                    cluster.tick(NodeId(i as u8), u64::from(ms));
                }
            }
            Input::Propose { node: n } => {
                cluster.propose(node(n));
            }
            Input::Restart { node: n } => cluster.restart(node(n)),
            Input::Timeout { node: n } => cluster.force_timeout(node(n)),
            Input::Read { node: n } => {
                reads_registered += u32::from(cluster.read(node(n)) == Read::Pending);
            }
            Input::Compact { node: n } => {
                cluster.compact(node(n));
            }
            Input::Change {
                node: n,
                member,
                kind,
            } => {
                let member = node(member);
                let change = match kind % 3 {
                    0 => MembershipChange::AddLearner(member),
                    1 => MembershipChange::Promote(member),
                    _ => MembershipChange::Remove(member),
                };
                // Refusals are protocol outcomes (a change in flight, not the leader, ...).
                let _ = cluster.propose_membership(node(n), change);
            }
            Input::Transfer { node: n, target } => {
                transfers +=
                    u32::from(cluster.transfer(node(n), node(target)) == Transfer::Started);
            }
            Input::Forge(forgery) => {
                let to = forgery.receiver(size);
                let message = forgery.message(&cluster.server(to).node);
                cluster.forge(to, message);
            }
        }
        if cluster.network.len() > MAX_IN_FLIGHT {
            let excess = cluster.network.len() - MAX_IN_FLIGHT;
            cluster.network.drain(..excess);
        }
        for invariant in Invariant::ALL {
            if cluster.forged > 0 && !invariant.holds_under_forgery() {
                continue;
            }
            safety::check(&cluster, invariant).map_err(|detail| Failure {
                step: step + 1,
                input: Box::new(*input),
                invariant,
                detail,
            })?;
        }
    }
    Ok(Summary {
        terms_with_leader: cluster.history.leaders.len(),
        entries_committed: cluster.history.committed.len(),
        restarts: cluster.restarts,
        forged: cluster.forged,
        refused: cluster.refused,
        snapshots_installed: cluster.snapshots_installed,
        compactions: cluster.compactions,
        reads_registered,
        changes: cluster.changes.len(),
        transfers,
    })
}
