//! The discrete-event simulation: N servers on a virtual clock, a network with a state per
//! directed link, crashes and restarts, clients, a trace and a safety checker that runs after
//! every event. One master seed is split into independent streams (servers, network,
//! clients, faults), so changing one consumer does not reshuffle the others.

use crate::checker::{Change, Checker};
use crate::client::Client;
use crate::history::History;
use crate::kv::{Command, KvStore};
use crate::network::{Endpoint, InFlight, Network, Packet, Reply, Wire};
use crate::trace::{Trace, TraceEvent};
use crate::vecmap::VecMap;
use alloc::collections::BinaryHeap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;
use river_core::{ConfigError, Event, Log, LogIndex, Node, NodeId, Ready, Rng, Role, Term};

mod clients;
mod config;
mod faults;
mod server;
mod wire;

pub use config::{RaftOptions, ReadPath, SimConfig};
use server::real_ms;
pub(crate) use server::Action;
pub use server::{Disk, Server, Stats};

/// Stream labels for [`Rng::fork`]: one per consumer of randomness.
pub mod stream {
    /// Server `i` uses `NODE + i`.
    pub const NODE: u64 = 0x100;
    /// Message delays, loss, duplication.
    pub const NETWORK: u64 = 1;
    /// Client think times, targets and values.
    pub const CLIENTS: u64 = 2;
    /// The fault schedule of `river check`.
    pub const FAULTS: u64 = 3;
    /// Faults on client links in `river check` (apart, so they reshuffle nothing else).
    pub const CLIENT_FAULTS: u64 = 0x20;
    /// `river check`'s membership changes and compaction setting, apart from the other
    /// faults so that adding them reshuffled no existing seed's schedule.
    pub const MEMBERSHIP: u64 = 4;
    /// `river check`'s liveness window: which servers go down with the leader.
    pub const LIVENESS: u64 = 5;
    /// `river check`'s frozen servers: which, when, for how long.
    pub const FREEZES: u64 = 6;
    /// `river check`'s clock rates (apart, so they reshuffle nothing else).
    pub const CLOCKS: u64 = 7;
    /// `river check`'s stranded leaders (apart, so they reshuffle nothing else).
    pub const STRANDS: u64 = 8;
    /// `river check`'s stranded configuration changes (`swarm/stranded_change.rs`), apart
    /// so that runs which never change the membership keep their schedule.
    pub const STRANDED_CHANGES: u64 = 0x30;
}

/// Keys the automatic clients use: few, so operations contend.
pub const WORKLOAD_KEYS: [&str; 3] = ["x", "y", "z"];

/// A running simulation.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) config: SimConfig,
    pub(crate) now_ms: u64,
    pub(crate) servers: Vec<Server>,
    pub(crate) network: Network,
    pub(crate) in_flight: Wire,
    pub(crate) queue: BinaryHeap<Reverse<(u64, u64, Action)>>,
    pub(crate) sequence: u64,
    pub(crate) next_message_id: u64,
    /// The next [`ReadId`]: unique over the whole run, so an answer to a read from before a
    /// crash can never be taken for a later read's.
    pub(crate) next_read_id: u64,
    /// Servers campaigning because a leader sent them TimeoutNow, with the campaign's term.
    pub(crate) transfer_campaigns: VecMap<NodeId, Term>,
    pub(crate) clients: Vec<Client>,
    pub(crate) client_rng: Rng,
    pub(crate) next_value: u64,
    /// The next Jepsen process number for a client (a new client, or one that gave up on a
    /// request); never reused.
    pub(crate) next_process: u32,
    /// Whether automatic clients start new operations.
    pub workload_on: bool,
    /// Every event.
    pub trace: Trace,
    /// The client history.
    pub history: History,
    /// The safety checker.
    pub checker: Checker,
    /// Counters.
    pub stats: Stats,
    /// When set, every server event is also kept here for a fault injector to react to;
    /// the injector drains it.
    pub signals: Option<Vec<(NodeId, Event)>>,
    /// When set, the run panics at its first event at or after this moment, the clock
    /// moved there: `river run --seed S --panic-at-ms MS` (hidden) shows what a run that
    /// panics writes. `None` in every real run.
    pub panic_at_ms: Option<u64>,
    pub(crate) ready: Ready<Command>,
    /// Removals appended but not yet known committed: the server, and the configuration
    /// entry's index and term. Once the entry commits the server is shut down for good.
    pub(crate) retiring: Vec<(NodeId, LogIndex, Term)>,
}

impl Simulation {
    /// A cluster of fresh servers at time 0, fully connected, with no clients.
    pub fn new(config: SimConfig) -> Result<Simulation, ConfigError> {
        config.validate()?;
        let servers = (0..config.nodes)
            .map(|i| {
                let id = NodeId(i as u8);
                let mut rng = Rng::fork(config.seed, stream::NODE + i as u64);
                let Ok(node) = Node::new(config.node_config(id), rng.next_u64()) else {
                    panic!("validated above")
                };
                Server {
                    timer_at_ms: real_ms(config.clock_of(id), node.ms_until_next_timer()),
                    node: Some(node),
                    disk: Disk::default(),
                    kv: KvStore::new(config.client_sessions),
                    waiting: VecMap::new(),
                    ticked_ms: 0,
                    clock_percent: config.clock_of(id),
                    rng,
                    retired: false,
                    reads: VecMap::new(),
                    frozen_since_ms: None,
                    inbox: Vec::new(),
                }
            })
            .collect();
        Ok(Simulation {
            network: Network::new(
                config.nodes,
                config.link,
                Rng::fork(config.seed, stream::NETWORK),
            ),
            client_rng: Rng::fork(config.seed, stream::CLIENTS),
            checker: Checker::new(config.nodes),
            config,
            now_ms: 0,
            servers,
            in_flight: Wire::default(),
            queue: BinaryHeap::new(),
            sequence: 0,
            next_message_id: 1,
            next_read_id: 1,
            transfer_campaigns: VecMap::new(),
            clients: Vec::new(),
            next_value: 1,
            next_process: 0,
            workload_on: false,
            trace: Trace::default(),
            history: History::default(),
            stats: Stats::default(),
            signals: None,
            panic_at_ms: None,
            ready: Ready::default(),
            retiring: Vec::new(),
        })
    }

    // ----- views -----

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// Simulated time now.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }
    /// Number of servers.
    pub fn size(&self) -> usize {
        self.servers.len()
    }
    /// Server `id`.
    pub fn server(&self, id: NodeId) -> &Server {
        &self.servers[id.index()]
    }
    /// The running node `id`, if it is up.
    pub fn node(&self, id: NodeId) -> Option<&Node<Command>> {
        self.servers[id.index()].node.as_ref()
    }
    /// Every server id.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.servers.len() as u8).map(NodeId)
    }
    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// Messages on the wire, oldest first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter()
    }
    /// How many messages are on the wire.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }
    /// The clients.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }
    /// The leader with the highest term among running servers, if any (a frozen server
    /// acts for no one, so a frozen leader is not it).
    pub fn leader(&self) -> Option<NodeId> {
        self.servers
            .iter()
            .filter(|s| s.frozen_since_ms.is_none())
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role() == river_core::Role::Leader)
            .max_by_key(|n| n.term())
            .map(|n| n.id())
    }

    // ----- time -----

    /// When the next event happens, if any is scheduled.
    pub fn next_event_ms(&self) -> Option<u64> {
        let queued = self.queue.peek().map(|Reverse((t, _, _))| *t);
        let timers = self
            .servers
            .iter()
            .filter(|s| s.acts())
            .map(|s| s.timer_at_ms)
            .min();
        match (queued, timers) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Processes exactly one event (a timer or an arrival), advancing the clock to it.
    /// Returns false if nothing is scheduled.
    pub fn step(&mut self) -> bool {
        self.step_until(u64::MAX)
    }

    /// Processes the next event if it happens no later than `limit_ms`. Scheduled actions
    /// that turn out to be moot (a timeout for an answered request, a message already
    /// dropped) are discarded on the way without counting as events.
    pub fn step_until(&mut self, limit_ms: u64) -> bool {
        loop {
            let Some(at) = self.next_event_ms().filter(|&t| t <= limit_ms) else {
                return false;
            };
            debug_assert!(at >= self.now_ms);
            if let Some(ms) = self.panic_at_ms.filter(|&ms| at >= ms) {
                self.now_ms = self.now_ms.max(ms);
                panic!("panic injected by --panic-at-ms {ms}");
            }
            self.now_ms = at;
            // Timers before arrivals at the same millisecond, lowest id first.
            let timer = self
                .servers
                .iter()
                .position(|s| s.acts() && s.timer_at_ms == at);
            let did_something = if let Some(i) = timer {
                self.fire_timer(i);
                true
            } else {
                let Reverse((_, _, action)) = self.queue.pop().expect("peeked");
                self.perform(action)
            };
            if did_something {
                self.stats.events += 1;
                return true;
            }
        }
    }

    /// Runs every event up to and including `time_ms`, then sets the clock there; never
    /// past it.
    pub fn run_until(&mut self, time_ms: u64) {
        while self.step_until(time_ms) {}
        self.now_ms = self.now_ms.max(time_ms);
    }

    /// Moves the clock to `time_ms` without processing anything; no event may be due
    /// before then (used to replay an input at the moment it was first given).
    pub fn set_clock(&mut self, time_ms: u64) {
        assert!(
            self.next_event_ms().is_none_or(|t| t >= time_ms),
            "an event is due before {time_ms} ms"
        );
        self.now_ms = self.now_ms.max(time_ms);
    }

    /// Runs for `ms` of simulated time.
    pub fn advance(&mut self, ms: u64) {
        self.run_until(self.now_ms + ms);
    }

    fn schedule(&mut self, at_ms: u64, action: Action) {
        self.sequence += 1;
        self.queue.push(Reverse((at_ms, self.sequence, action)));
    }

    fn perform(&mut self, action: Action) -> bool {
        match action {
            Action::Deliver(id) => self.deliver(id),
            Action::ClientInvoke(c) => self.client_invoke(c),
            Action::ClientTimeout(c, seq) => self.client_timeout(c, seq),
            Action::ClientRetry(c, seq, attempt) => self.client_retry(c, seq, attempt),
            Action::Inbox(id) => self.deliver_from_inbox(id),
        }
    }

    // ----- servers -----

    fn fire_timer(&mut self, i: usize) {
        let now = self.now_ms;
        let server = &mut self.servers[i];
        let elapsed = server.local_ms(now);
        let node = server
            .node
            .as_mut()
            .expect("timers only for running servers");
        node.tick(elapsed);
        server.ticked_ms = now;
        self.trace.record(
            now,
            TraceEvent::Timer {
                node: NodeId(i as u8),
            },
        );
        self.after_input(i);
    }

    /// Brings server `i`'s clock to now.
    fn catch_up(&mut self, i: usize) {
        let now = self.now_ms;
        let server = &mut self.servers[i];
        let elapsed = server.local_ms(now);
        if let Some(node) = server.node.as_mut() {
            node.tick(elapsed);
            server.ticked_ms = now;
        }
    }

    /// Drains server `i`'s Ready in the order the core requires — persist, send, apply — then
    /// reschedules its timer and runs the checker.
    fn after_input(&mut self, i: usize) {
        let now = self.now_ms;
        let mut ready = core::mem::take(&mut self.ready);
        let server = &mut self.servers[i];
        let node = server.node.as_mut().expect("running");
        // Compaction past the threshold (thesis §5.1): the store as of the applied index
        // becomes the snapshot, and the log up to there goes.
        let threshold = self.config.raft.snapshot_threshold;
        let applied = node.applied_index();
        if threshold > 0 && applied.0.saturating_sub(node.log().snapshot_index().0) >= threshold {
            node.compact(applied, server.kv.encode().into());
        }
        node.take_ready(&mut ready);
        // 1. Stable storage first.
        if let Some(hard_state) = ready.hard_state {
            server.disk.hard_state = hard_state;
        }
        server
            .disk
            .persist(ready.snapshot.as_ref(), ready.persist_log_from, node.log());
        // An installed snapshot replaces the state machine before anything after it applies.
        if let (Some(snapshot), true) = (&ready.snapshot, ready.install_snapshot) {
            server.kv = KvStore::decode(&snapshot.data)
                .unwrap_or_else(|| KvStore::new(self.config.client_sessions));
        }
        // 2. Narration.
        let id = NodeId(i as u8);
        let leading = node.role() == Role::Leader;
        for event in ready.events.iter() {
            match event {
                Event::BecameLeader { term, .. } => {
                    self.stats.elections += 1;
                    if self.transfer_campaigns.remove(&id) == Some(*term) {
                        self.stats.transfers += 1;
                    }
                }
                Event::SnapshotInstalled { .. } => self.stats.snapshots_installed += 1,
                Event::LeaseRead { .. } => self.stats.lease_reads += 1,
                Event::SnapshotTaken { .. } => self.stats.snapshots_taken += 1,
                Event::MembershipChanged { .. } if leading => self.stats.membership_changes += 1,
                // A campaign TimeoutNow started; it is a transfer if the campaign wins.
                Event::TimeoutNowReceived { term, .. } => {
                    self.transfer_campaigns.insert(id, *term);
                }
                _ => {}
            }
            self.trace.record(
                now,
                TraceEvent::Node {
                    node: id,
                    event: *event,
                },
            );
            if let Some(signals) = self.signals.as_mut() {
                signals.push((id, *event));
            }
        }
        // 3. Messages.
        for message in ready.messages.drain(..) {
            let to = Endpoint::Node(message.to);
            self.send(Endpoint::Node(id), to, Packet::Raft(message));
        }
        // 4. Apply committed entries; answer the clients whose requests this server took.
        if let Some((from, to)) = ready.apply {
            for index in from.0..=to.0 {
                self.apply_entry(i, LogIndex(index));
            }
        }
        // 5. Reads the node decided: the store now reflects each one's read index.
        for read in ready.reads.drain(..) {
            self.answer_read(i, read.id, read.result);
        }
        let server = &mut self.servers[i];
        let node = server.node.as_ref().expect("running");
        server.timer_at_ms = now + server.real_ms(node.ms_until_next_timer());
        let before = self.checker.violation_count();
        self.checker.observe(
            now,
            node,
            Change {
                log_from: ready.persist_log_from,
                applied: ready.apply,
                snapshot_installed: ready
                    .snapshot
                    .as_ref()
                    .filter(|_| ready.install_snapshot)
                    .map(|s| s.index),
            },
        );
        if self.checker.violation_count() > before {
            let fresh: Vec<String> = self
                .checker
                .violations()
                .iter()
                .skip(before)
                .map(|v| v.text.clone())
                .collect();
            for text in fresh {
                self.trace.record(now, TraceEvent::Violation { text });
            }
        }
        self.ready = ready;
        if !self.retiring.is_empty() {
            self.retire_removed(i);
        }
    }

    /// Shuts down, for good, each server whose removal server `i` now knows committed, as an
    /// operator would (thesis §4.2.2); forgets a removal whose entry was replaced.
    fn retire_removed(&mut self, i: usize) {
        let Some(node) = self.servers[i].node.as_ref() else {
            return;
        };
        let commit = node.commit_index();
        let mut done = Vec::new();
        self.retiring.retain(|&(target, index, term)| {
            if commit < index {
                return true;
            }
            if node.log().term_at(index) == Some(term) {
                done.push(target);
            }
            false
        });
        for target in done {
            self.crash(target);
            self.servers[target.index()].retired = true;
            self.trace
                .record(self.now_ms, TraceEvent::Retired { node: target });
        }
    }

    /// Applies one committed entry, and answers the client if this server waits on it.
    fn apply_entry(&mut self, i: usize, index: LogIndex) {
        let server = &mut self.servers[i];
        let node = server.node.as_ref().expect("running");
        let entry = node.log().entry(index).expect("applied entries exist");
        let river_core::Payload::Command(command) = &entry.payload else {
            return;
        };
        let (client, seq) = (command.client, command.seq);
        let Some(result) = server.kv.apply_command(command) else {
            return; // superseded: the client has moved on
        };
        if server.waiting.get(&client) != Some(&seq) {
            return;
        }
        server.waiting.remove(&client);
        let reply = Reply::Ok(result);
        self.send(
            Endpoint::Node(NodeId(i as u8)),
            Endpoint::Client(client),
            Packet::Reply { seq, reply },
        );
    }

    /// Whether every member of the leader's configuration runs, has the same log, has
    /// committed all of it, and follows the leader. Servers outside it (retired, or started
    /// but not added) do not count.
    pub fn converged(&self) -> bool {
        let Some(leader) = self.leader() else {
            return false;
        };
        let leader_node = self.node(leader).expect("running");
        let membership = leader_node.membership();
        self.servers.iter().enumerate().all(|(i, s)| match &s.node {
            _ if !membership.is_member(NodeId(i as u8)) && NodeId(i as u8) != leader => true,
            None => false,
            Some(_) if s.frozen_since_ms.is_some() => false,
            Some(n) => {
                n.term() == leader_node.term()
                    && same_log(n.log(), leader_node.log())
                    && n.commit_index() == n.log().last_index()
                    && (n.id() == leader || n.leader() == Some(leader))
            }
        })
    }
}

/// Whether two logs hold the same entries, whatever each has compacted: the same last index
/// and term, and the same entries where both still hold them. (With Log Matching, which the
/// checker watches, the same last entry means the same log.)
fn same_log(a: &Log<Command>, b: &Log<Command>) -> bool {
    let from = a.first_index().max(b.first_index());
    a.last_index() == b.last_index()
        && a.last_term() == b.last_term()
        && a.slice(from, a.last_index()) == b.slice(from, b.last_index())
}
