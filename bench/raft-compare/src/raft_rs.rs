//! raft-rs (crate `raft` 0.7) driven through its documented `RawNode` loop: storage is
//! `MemStorage`, each `Ready` is persisted before any of its messages leaves, then committed
//! entries are applied and the node is advanced.

use crate::workload::{Cluster, StateMachine, COMMAND_BYTES};
use raft::prelude::{ConfState, Config, Entry, EntryType, Message};
use raft::storage::MemStorage;
use raft::{RawNode, StateRole, Storage};

/// Election and heartbeat ticks, raft-rs's usual values; no tick happens while timing.
const ELECTION_TICK: usize = 10;
/// See [`ELECTION_TICK`].
const HEARTBEAT_TICK: usize = 3;
/// Bytes one append message may carry under [`RaftRsConfig::Matched`]: far above a 64-entry
/// batch, so a batch leaves as one message per follower, as it does in river-core.
const MAX_SIZE_PER_MSG: u64 = 1024 * 1024;
/// Append messages a leader may have in flight to one follower under
/// [`RaftRsConfig::Matched`] (raft-rs's default is 256 too; stated so the pair is explicit).
const MAX_INFLIGHT_MSGS: usize = 256;

/// A raft-rs cluster: node `i` has raft id `i + 1`.
pub struct RaftRsCluster {
    nodes: Vec<RawNode<MemStorage>>,
    machines: Vec<StateMachine>,
    /// Messages sent and not yet delivered, in send order.
    in_flight: Vec<Message>,
    /// Position of the leader in `nodes`.
    leader: usize,
    /// Messages delivered so far.
    delivered: u64,
}

/// Which raft-rs configuration to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftRsConfig {
    /// Tuned to exchange exactly the messages river-core exchanges: a batch leaves as one
    /// append per follower (`batch_append`, a large `max_size_per_msg`), and the commit
    /// index rides on the next append instead of a broadcast of its own
    /// (`skip_bcast_commit`), as river-core does. The like-for-like comparison.
    Matched,
    /// raft-rs's `Config::default()` apart from id and ticks: one entry per append message
    /// and a commit broadcast after every advance. More messages, so slower; this is the
    /// configuration the reference numbers were measured with.
    Defaults,
}

impl RaftRsConfig {
    /// The configuration of the node with raft id `id`.
    fn node_config(self, id: u64) -> Config {
        let base = Config {
            id,
            election_tick: ELECTION_TICK,
            heartbeat_tick: HEARTBEAT_TICK,
            ..Config::default()
        };
        let config = match self {
            RaftRsConfig::Matched => Config {
                max_size_per_msg: MAX_SIZE_PER_MSG,
                max_inflight_msgs: MAX_INFLIGHT_MSGS,
                skip_bcast_commit: true,
                batch_append: true,
                ..base
            },
            RaftRsConfig::Defaults => base,
        };
        config.validate().expect("valid raft-rs config");
        config
    }
}

impl RaftRsCluster {
    /// Drains node `i`'s `Ready`: persist entries and hard state to `MemStorage`, queue the
    /// messages, apply committed entries, advance, and do the same for the `LightReady`.
    fn handle_ready(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        let machine = &mut self.machines[i];
        let mut ready = node.ready();
        assert!(ready.snapshot().is_empty(), "no snapshots in this workload");
        {
            let mut store = node.mut_store().wl();
            if !ready.entries().is_empty() {
                store.append(ready.entries()).expect("append to MemStorage");
            }
            if let Some(hard_state) = ready.hs() {
                store.set_hardstate(hard_state.clone());
            }
        }
        // Persisted: now every message may leave, those raft-rs would let go early included.
        self.in_flight.append(&mut ready.take_messages());
        self.in_flight.append(&mut ready.take_persisted_messages());
        apply(machine, &ready.take_committed_entries());
        let mut light = node.advance(ready);
        if let Some(commit) = light.commit_index() {
            node.mut_store().wl().mut_hard_state().set_commit(commit);
        }
        self.in_flight.append(&mut light.take_messages());
        apply(machine, &light.take_committed_entries());
        node.advance_apply();
    }

    /// One pass: drain every node's output. Returns whether any node had some.
    fn drain_readies(&mut self) -> bool {
        let mut any = false;
        for i in 0..self.nodes.len() {
            if self.nodes[i].has_ready() {
                self.handle_ready(i);
                any = true;
            }
        }
        any
    }

    /// Delivers every message in flight, in send order.
    fn deliver(&mut self) {
        self.delivered += self.in_flight.len() as u64;
        for message in self.in_flight.drain(..) {
            let to = message.to as usize - 1;
            self.nodes[to].step(message).expect("step");
        }
    }
}

/// Applies committed entries to `machine`: normal entries with data are client commands.
fn apply(machine: &mut StateMachine, entries: &[Entry]) {
    for entry in entries {
        assert_eq!(entry.get_entry_type(), EntryType::EntryNormal);
        let data = entry.get_data();
        if !data.is_empty() {
            machine.apply(data);
        }
    }
}

impl Cluster for RaftRsCluster {
    type Options = RaftRsConfig;

    fn with_leader(voters: usize, options: &RaftRsConfig) -> RaftRsCluster {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let ids: Vec<u64> = (1..=voters as u64).collect();
        let nodes = ids
            .iter()
            .map(|&id| {
                let storage =
                    MemStorage::new_with_conf_state(ConfState::from((ids.clone(), vec![])));
                RawNode::new(&options.node_config(id), storage, &logger).expect("raft-rs node")
            })
            .collect();
        let mut cluster = RaftRsCluster {
            nodes,
            machines: vec![StateMachine::new(); voters],
            in_flight: Vec::new(),
            leader: 0,
            delivered: 0,
        };
        cluster.nodes[0].campaign().expect("campaign");
        cluster.exchange();
        assert_eq!(cluster.nodes[0].raft.state, StateRole::Leader, "node 1 won");
        cluster
    }

    fn propose(&mut self, command: [u8; COMMAND_BYTES]) {
        self.nodes[self.leader]
            .propose(Vec::new(), command.to_vec())
            .expect("the leader accepts proposals");
    }

    fn exchange(&mut self) {
        while self.drain_readies() || !self.in_flight.is_empty() {
            self.deliver();
        }
    }

    fn announce_commit(&mut self) {
        // One heartbeat round, as on river-core's side: it carries the leader's commit index
        // to followers that have not yet heard it (all of them under `Matched`).
        self.nodes[self.leader].ping();
        self.exchange();
    }

    fn messages_delivered(&self) -> u64 {
        self.delivered
    }

    fn verify(&self, expected: &StateMachine) {
        let leader = &self.nodes[self.leader].raft;
        let committed = leader.raft_log.committed;
        for (i, node) in self.nodes.iter().enumerate() {
            assert_eq!(
                self.machines[i],
                *expected,
                "raft-rs node {} applied",
                i + 1
            );
            assert_eq!(node.raft.raft_log.committed, committed, "commit index");
            assert_eq!(node.raft.raft_log.applied, committed, "applied index");
            assert_eq!(node.raft.raft_log.last_index(), committed, "log length");
            assert_eq!(node.raft.term, leader.term, "one term throughout");
            let store = node.store();
            assert_eq!(
                store.last_index().expect("index"),
                committed,
                "storage holds the log"
            );
            assert_eq!(
                store.rl().hard_state().term,
                leader.term,
                "storage holds the term"
            );
            assert_eq!(
                store.rl().hard_state().commit,
                committed,
                "storage holds the commit"
            );
        }
    }
}
