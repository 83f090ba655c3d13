//! river-core driven the way its own test harness (`crates/core/tests/harness/mod.rs`) drives
//! it: take each `Ready`, copy the hard state and the log suffix to a Vec-backed disk, then
//! send its messages, then apply its committed entries.

use crate::workload::{Cluster, StateMachine, COMMAND_BYTES};
use river_core::{Config, Entry, HardState, Message, Node, NodeId, Payload, Proposal, Ready, Role};

/// How a client command is held in a river-core log entry. river-core is generic over the
/// command type; the benchmark runs it with a fixed-size array (the natural choice for a
/// fixed-size command) and with a heap-allocated `Vec<u8>` (what raft-rs must use).
pub trait Command: Clone + PartialEq {
    /// The command carrying `bytes`.
    fn from_bytes(bytes: [u8; COMMAND_BYTES]) -> Self;
    /// The bytes it carries.
    fn bytes(&self) -> &[u8];
}

impl Command for [u8; COMMAND_BYTES] {
    fn from_bytes(bytes: [u8; COMMAND_BYTES]) -> Self {
        bytes
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Command for Vec<u8> {
    fn from_bytes(bytes: [u8; COMMAND_BYTES]) -> Self {
        bytes.to_vec()
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// What stable storage holds for one node.
struct Disk<C> {
    hard_state: HardState,
    log: Vec<Entry<C>>,
}

/// A river-core cluster: node `i` has id `NodeId(i)`; node 0 leads.
pub struct RiverCluster<C> {
    nodes: Vec<Node<C>>,
    disks: Vec<Disk<C>>,
    machines: Vec<StateMachine>,
    /// Messages sent and not yet delivered, in send order.
    in_flight: Vec<Message<C>>,
    /// Reused for every `take_ready`, so draining output does not allocate.
    ready: Ready<C>,
    /// Position of the leader in `nodes`.
    leader: usize,
    /// Messages delivered so far.
    delivered: u64,
}

impl<C: Command> RiverCluster<C> {
    /// Drains node `i`'s `Ready`: persist, then queue its messages, then apply.
    fn handle_ready(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        node.take_ready(&mut self.ready);
        let disk = &mut self.disks[i];
        if let Some(hard_state) = self.ready.hard_state {
            disk.hard_state = hard_state;
        }
        if let Some(from) = self.ready.persist_log_from {
            disk.log.truncate(from.0 as usize - 1);
            disk.log
                .extend_from_slice(node.log().slice(from, node.log().last_index()));
        }
        // Persisted: now the messages may leave.
        self.in_flight.append(&mut self.ready.messages);
        if let Some((from, to)) = self.ready.apply {
            let machine = &mut self.machines[i];
            for entry in node.log().slice(from, to) {
                if let Payload::Command(command) = &entry.payload {
                    machine.apply(command.bytes());
                }
            }
        }
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
            self.nodes[message.to.index()].step(message);
        }
    }
}

impl<C: Command> Cluster for RiverCluster<C> {
    type Options = ();

    fn with_leader(voters: usize, _: &()) -> RiverCluster<C> {
        let nodes = (0..voters)
            .map(|i| {
                let config = Config::new(NodeId(i as u8), voters);
                Node::new(config, 1 + i as u64).expect("valid river-core config")
            })
            .collect();
        let mut cluster = RiverCluster {
            nodes,
            disks: (0..voters)
                .map(|_| Disk {
                    hard_state: HardState::default(),
                    log: Vec::new(),
                })
                .collect(),
            machines: vec![StateMachine::new(); voters],
            in_flight: Vec::new(),
            ready: Ready::default(),
            leader: 0,
            delivered: 0,
        };
        cluster.nodes[0].force_election_timeout();
        cluster.exchange();
        assert_eq!(cluster.nodes[0].role(), Role::Leader, "node A won");
        cluster
    }

    fn propose(&mut self, command: [u8; COMMAND_BYTES]) {
        let proposal = self.nodes[self.leader].propose(C::from_bytes(command));
        assert!(
            matches!(proposal, Proposal::Appended { .. }),
            "the leader accepts proposals"
        );
    }

    fn exchange(&mut self) {
        while self.drain_readies() || !self.in_flight.is_empty() {
            self.deliver();
        }
    }

    fn announce_commit(&mut self) {
        let heartbeat_ms = self.nodes[self.leader].config().heartbeat_interval_ms;
        self.nodes[self.leader].tick(heartbeat_ms);
        self.exchange();
    }

    fn messages_delivered(&self) -> u64 {
        self.delivered
    }

    fn verify(&self, expected: &StateMachine) {
        let leader = &self.nodes[self.leader];
        let commit = leader.commit_index();
        assert_eq!(
            commit,
            leader.log().last_index(),
            "the leader committed all"
        );
        for (i, node) in self.nodes.iter().enumerate() {
            assert_eq!(self.machines[i], *expected, "river-core node {i} applied");
            assert_eq!(node.commit_index(), commit, "commit index");
            assert_eq!(node.term(), leader.term(), "one term throughout");
            assert!(node.log() == leader.log(), "logs are equal");
            assert!(
                self.disks[i].log == node.log().entries(),
                "disk holds the log"
            );
            assert_eq!(
                self.disks[i].hard_state.term,
                node.term(),
                "disk holds the term"
            );
        }
    }
}
