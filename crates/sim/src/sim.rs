//! The discrete-event simulation: N servers on a virtual clock, a network with a state per
//! directed link, crashes and restarts, clients, a trace and a safety checker that runs after
//! every event. One master seed is split into independent streams (servers, network,
//! clients, faults), so changing one consumer does not reshuffle the others.

use crate::checker::{Change, Checker};
use crate::client::{Client, Outstanding};
use crate::history::{History, HistoryOp, OpFn, OpType};
use crate::kv::{Command, KvStore, Op, OpResult, SessionState};
use crate::network::{Endpoint, Fate, InFlight, LinkParams, Network, Packet, Reply, Wire};
use crate::trace::{ChangeOutcome, DropReason, Trace, TraceEvent};
use crate::vecmap::VecMap;
use alloc::collections::BinaryHeap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;
use river_core::{
    Bug, BugSet, Config, ConfigError, Entry, Event, HardState, Log, LogIndex, MembershipChange,
    Node, NodeId, Proposal, Read, ReadId, ReadResult, Ready, Rng, Role, Snapshot, Term, Transfer,
    MAX_CLUSTER_SIZE,
};

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

/// Raft settings shared by every server of a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RaftOptions {
    /// Lower end of the election timeout range.
    pub election_timeout_min_ms: u64,
    /// Upper end of the election timeout range.
    pub election_timeout_max_ms: u64,
    /// Leader heartbeat interval.
    pub heartbeat_interval_ms: u64,
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2).
    pub check_quorum: bool,
    /// Deliberately broken variants.
    pub bugs: BugSet,
    /// Most entries per AppendEntries.
    pub max_entries_per_append: usize,
    /// Compact a server's log once this many applied entries follow its snapshot (thesis
    /// §5.1); 0 never compacts.
    pub snapshot_threshold: u64,
    /// Most snapshot bytes per InstallSnapshot.
    pub snapshot_chunk_bytes: usize,
    /// How a server serves a client's `get`.
    pub reads: ReadPath,
    /// The clock drift lease reads assume (core `Config::max_clock_drift_percent`).
    pub max_clock_drift_percent: u64,
}

/// How servers serve a client's `get`: both are linearizable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadPath {
    /// ReadIndex (thesis §6.4): no log entry; the leader confirms it still leads with a
    /// heartbeat round, a follower asks the leader for the read index.
    #[default]
    ReadIndex,
    /// Through the log like a write (§8): the read is answered when its entry is applied.
    Log,
    /// Lease reads (thesis §6.4.1, needs CheckQuorum): a leader within its lease serves at
    /// once, without a heartbeat round; otherwise as ReadIndex.
    Lease,
}

impl ReadPath {
    /// Both, in a fixed order.
    pub const ALL: [ReadPath; 3] = [ReadPath::ReadIndex, ReadPath::Log, ReadPath::Lease];

    /// The name used in scenario files and on command lines.
    pub fn name(self) -> &'static str {
        match self {
            ReadPath::ReadIndex => "read-index",
            ReadPath::Log => "log",
            ReadPath::Lease => "lease",
        }
    }

    /// Looks a path up by its name.
    pub fn from_name(name: &str) -> Option<ReadPath> {
        ReadPath::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl Default for RaftOptions {
    fn default() -> Self {
        let c = Config::new(NodeId(0), 1);
        RaftOptions {
            election_timeout_min_ms: c.election_timeout_min_ms,
            election_timeout_max_ms: c.election_timeout_max_ms,
            heartbeat_interval_ms: c.heartbeat_interval_ms,
            pre_vote: false,
            check_quorum: false,
            bugs: BugSet::NONE,
            max_entries_per_append: c.max_entries_per_append,
            reads: ReadPath::ReadIndex,
            max_clock_drift_percent: c.max_clock_drift_percent,
            snapshot_threshold: 0,
            snapshot_chunk_bytes: c.snapshot_chunk_bytes,
        }
    }
}

/// Everything that defines a run besides its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Number of servers (1 to [`river_core::MAX_CLUSTER_SIZE`]).
    pub nodes: usize,
    /// The master seed.
    pub seed: u64,
    /// Raft settings.
    pub raft: RaftOptions,
    /// Initial parameters of every link.
    pub link: LinkParams,
    /// How long a client waits, over all its attempts, before it gives up on a request for
    /// good and records an unknown outcome.
    pub client_timeout_ms: u64,
    /// How long an automatic client waits for an answer to one attempt before it sends the
    /// same request again, same number, to a server drawn at random (thesis §6.3).
    pub client_retry_ms: u64,
    /// Whether the state machine keeps client sessions, so each request takes effect once
    /// (thesis §6.3). Off is a deliberately broken store for tests: every copy of a request
    /// that reaches the log takes effect.
    pub client_sessions: bool,
    /// How fast each server's clock runs, in percent of simulated time, by id (100 when
    /// missing): a server at 150 counts 150 ms of timers for every 100 ms that pass.
    pub clock_percent: Vec<u64>,
}

impl SimConfig {
    /// Defaults: 150–300 ms election timeout, 50 ms heartbeat, 10–30 ms latency, no loss.
    pub fn new(nodes: usize, seed: u64) -> SimConfig {
        SimConfig {
            nodes,
            seed,
            raft: RaftOptions::default(),
            link: LinkParams::default(),
            client_timeout_ms: 1_000,
            client_retry_ms: 250,
            client_sessions: true,
            clock_percent: Vec::new(),
        }
    }

    /// How fast server `id`'s clock runs, in percent of simulated time.
    pub fn clock_of(&self, id: NodeId) -> u64 {
        self.clock_percent.get(id.index()).copied().unwrap_or(100)
    }

    /// The core configuration of server `id`.
    pub fn node_config(&self, id: NodeId) -> Config {
        let mut c = Config::new(id, self.nodes);
        c.election_timeout_min_ms = self.raft.election_timeout_min_ms;
        c.election_timeout_max_ms = self.raft.election_timeout_max_ms;
        c.heartbeat_interval_ms = self.raft.heartbeat_interval_ms;
        c.pre_vote = self.raft.pre_vote;
        c.check_quorum = self.raft.check_quorum;
        c.bugs = self.raft.bugs;
        c.max_entries_per_append = self.raft.max_entries_per_append;
        c.snapshot_chunk_bytes = self.raft.snapshot_chunk_bytes;
        c.lease_reads = self.raft.reads == ReadPath::Lease;
        c.max_clock_drift_percent = self.raft.max_clock_drift_percent;
        c
    }

    /// Checks the configuration, with the core's own rules; a clock must run.
    pub fn validate(&self) -> Result<(), ConfigError> {
        assert!(
            self.clock_percent.iter().all(|&p| p > 0),
            "a clock rate is positive"
        );
        self.node_config(NodeId(0)).validate()
    }
}

/// Stable storage of one server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    /// Term and vote.
    pub hard_state: HardState,
    /// The latest snapshot, standing for every entry up to its index (thesis ch. 5).
    pub snapshot: Option<Snapshot>,
    /// The log entries after the snapshot (from index 1 when there is none).
    pub log: Vec<Entry<Command>>,
}

impl Disk {
    /// The last index the stored snapshot covers, 0 without one.
    pub fn snapshot_index(&self) -> LogIndex {
        self.snapshot.as_ref().map_or(LogIndex::ZERO, |s| s.index)
    }

    /// Writes a Ready's snapshot, then its log suffix: what a server's stable storage does.
    fn persist(
        &mut self,
        snapshot: Option<&Snapshot>,
        log_from: Option<LogIndex>,
        log: &Log<Command>,
    ) {
        if let Some(snapshot) = snapshot {
            let covered = snapshot.index.0.saturating_sub(self.snapshot_index().0);
            let drop = usize::try_from(covered).map_or(self.log.len(), |c| c.min(self.log.len()));
            self.log.drain(..drop);
            self.snapshot = Some(snapshot.clone());
        }
        if let Some(from) = log_from {
            let keep = from.0.saturating_sub(self.snapshot_index().0 + 1);
            self.log
                .truncate(usize::try_from(keep).unwrap_or(usize::MAX));
            self.log
                .extend_from_slice(log.slice(from, log.last_index()));
        }
    }
}

/// One server: the Raft node while it runs, and what survives a crash.
#[derive(Clone, Debug)]
pub struct Server {
    /// The running node; `None` while crashed.
    pub node: Option<Node<Command>>,
    /// Stable storage.
    pub disk: Disk,
    /// The state machine (volatile: rebuilt from the log after a restart).
    pub kv: KvStore,
    /// Requests this server appended as leader and will answer once it applies them, as
    /// client → request number. Found by session, not by log index: the request may take
    /// effect through a copy another leader appended, or through an earlier copy.
    pub(crate) waiting: VecMap<u32, u64>,
    /// When the node's next timer fires (valid while running).
    pub(crate) timer_at_ms: u64,
    /// When the node was last told about time.
    pub(crate) ticked_ms: u64,
    /// How fast its clock runs, in percent of simulated time (100: exactly).
    pub clock_percent: u64,
    pub(crate) rng: Rng,
    /// Removed from the cluster and shut down for good (thesis §4.2.2): never restarted.
    pub retired: bool,
    /// Reads this server registered with its node (ReadIndex), to answer when the node
    /// says they may be served: read → (client, request number, key).
    pub(crate) reads: VecMap<ReadId, (u32, u64, String)>,
    /// Frozen since this moment (a stalled process, not a crash: a long pause, a stopped
    /// virtual machine); `None` while it runs. A frozen server does nothing: its timers
    /// wait, and what reaches it waits in `inbox`. Nothing is lost.
    pub frozen_since_ms: Option<u64>,
    /// Messages that reached this server while it was frozen, in arrival order, off the
    /// wire: they arrive, one event each, when it thaws.
    pub(crate) inbox: Vec<InFlight>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    Deliver(u64),
    ClientInvoke(u32),
    ClientTimeout(u32, u64),
    /// Client, request number, attempt: resend if that attempt is still unanswered.
    ClientRetry(u32, u64, u32),
    /// The next message waiting in a thawed server's inbox arrives.
    Inbox(NodeId),
}

/// Counters for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events processed.
    pub events: u64,
    /// Leaders elected.
    pub elections: u64,
    /// Raft and client messages sent.
    pub messages: u64,
    /// Messages that never arrived.
    pub dropped: u64,
    /// Configuration entries leaders appended (additions, promotions, removals).
    pub membership_changes: u64,
    /// Leadership transfers that ended with their target elected (thesis §3.10).
    pub transfers: u64,
    /// Reads served without a log entry: through ReadIndex (thesis §6.4) or a lease.
    pub read_index_reads: u64,
    /// Reads a leader granted within its lease, without a heartbeat round (thesis §6.4.1):
    /// its own and those followers forwarded (most of them then counted above too).
    pub lease_reads: u64,
    /// Snapshots servers took of their own state machine (log compaction).
    pub snapshots_taken: u64,
    /// Snapshots followers installed from their leader.
    pub snapshots_installed: u64,
}

impl Stats {
    /// Adds `other`'s counts to these, as a summary over many runs does.
    pub fn add(&mut self, other: &Stats) {
        self.events += other.events;
        self.elections += other.elections;
        self.messages += other.messages;
        self.dropped += other.dropped;
        self.membership_changes += other.membership_changes;
        self.transfers += other.transfers;
        self.read_index_reads += other.read_index_reads;
        self.lease_reads += other.lease_reads;
        self.snapshots_taken += other.snapshots_taken;
        self.snapshots_installed += other.snapshots_installed;
    }
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
    pub(crate) ready: Ready<Command>,
    /// Removals appended but not yet known committed: the server, and the configuration
    /// entry's index and term. Once the entry commits the server is shut down for good.
    pub(crate) retiring: Vec<(NodeId, LogIndex, Term)>,
}

impl Server {
    /// Whether it runs and is not frozen: only then do its timers fire and may it act.
    pub fn acts(&self) -> bool {
        self.node.is_some() && self.frozen_since_ms.is_none()
    }

    /// The milliseconds its clock counts between the last tick and `now` (simulated). Whole
    /// readings of one scaled clock are subtracted, so rounding never accumulates.
    fn local_ms(&self, now: u64) -> u64 {
        // ⌊t·p/100⌋ as (t/100)·p + ⌊(t mod 100)·p/100⌋, with no 128-bit division (which
        // would link a 2 KB routine into the page); exact for any rate below 10^17 percent.
        let p = self.clock_percent;
        let reading = |t: u64| {
            (t / 100)
                .wrapping_mul(p)
                .wrapping_add((t % 100).wrapping_mul(p) / 100)
        };
        reading(now) - reading(self.ticked_ms)
    }

    /// The simulated milliseconds its clock takes to count `local_ms` (at least 1).
    fn real_ms(&self, local_ms: u64) -> u64 {
        real_ms(self.clock_percent, local_ms)
    }
}

/// The simulated milliseconds a clock running at `clock_percent` takes to count `local_ms`
/// (at least 1).
fn real_ms(clock_percent: u64, local_ms: u64) -> u64 {
    // ⌈l·100/p⌉ as ⌊l/p⌋·100 + ⌈(l mod p)·100/p⌉, with no 128-bit division; exact for any
    // rate below 10^17 percent, saturating where the true value passes u64::MAX.
    let whole = (local_ms / clock_percent).checked_mul(100);
    let rest = (local_ms % clock_percent)
        .saturating_mul(100)
        .div_ceil(clock_percent);
    whole
        .and_then(|w| w.checked_add(rest))
        .unwrap_or(u64::MAX)
        .max(1)
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

    fn send(&mut self, from: Endpoint, to: Endpoint, packet: Packet) {
        match self.network.fate(from, to) {
            Fate::Deliver {
                delay_ms,
                duplicate_ms,
            } => {
                if let Some(extra) = duplicate_ms {
                    self.put_on_wire(from, to, packet.clone(), extra);
                }
                self.put_on_wire(from, to, packet, delay_ms);
            }
            fate => {
                let reason = if fate == Fate::Cut {
                    DropReason::LinkCut
                } else {
                    DropReason::Lost
                };
                let id = self.record_send(from, to, &packet, 0);
                self.drop_message(id, reason);
            }
        }
    }

    /// Gives a message the next id and traces its sending; returns the id.
    fn record_send(&mut self, from: Endpoint, to: Endpoint, packet: &Packet, delay_ms: u64) -> u64 {
        self.stats.messages += 1;
        let id = self.next_message_id;
        self.next_message_id += 1;
        let kind = match packet {
            Packet::Raft(m) => Some(m.kind()),
            _ => None,
        };
        let deliver_ms = self.now_ms + delay_ms;
        let event = TraceEvent::Send {
            id,
            from,
            to,
            kind,
            deliver_ms,
        };
        self.trace.record(self.now_ms, event);
        id
    }

    fn put_on_wire(&mut self, from: Endpoint, to: Endpoint, packet: Packet, delay_ms: u64) {
        let id = self.record_send(from, to, &packet, delay_ms);
        let deliver_ms = self.now_ms + delay_ms;
        self.in_flight.insert(InFlight {
            id,
            from,
            to,
            packet,
            sent_ms: self.now_ms,
            deliver_ms,
            held: false,
        });
        self.schedule(deliver_ms, Action::Deliver(id));
    }

    fn drop_message(&mut self, id: u64, reason: DropReason) {
        self.stats.dropped += 1;
        self.trace
            .record(self.now_ms, TraceEvent::Drop { id, reason });
    }

    fn deliver(&mut self, id: u64) -> bool {
        match self.in_flight.get(id) {
            None => return false,
            Some(m) if m.held || m.deliver_ms != self.now_ms => return false,
            Some(_) => {}
        }
        let m = self.in_flight.remove(id).expect("present");
        // A frozen server's inbox keeps what reaches it; nothing happens until it thaws.
        if let Endpoint::Node(to) = m.to {
            let server = &self.servers[to.index()];
            if server.node.is_some() && server.frozen_since_ms.is_some() && self.link_carries(&m) {
                self.servers[to.index()].inbox.push(m);
                return false;
            }
        }
        self.arrive(m, false)
    }

    /// Whether the link `m` travels on is up.
    fn link_carries(&self, m: &InFlight) -> bool {
        match (m.from, m.to) {
            (Endpoint::Node(from), Endpoint::Node(to)) => self.network.is_up(from, to),
            (Endpoint::Client(client), Endpoint::Node(node))
            | (Endpoint::Node(node), Endpoint::Client(client)) => {
                self.network.client_link_up(client, node)
            }
            (Endpoint::Client(_), Endpoint::Client(_)) => false,
        }
    }

    /// The next message in a thawed server's inbox arrives.
    fn deliver_from_inbox(&mut self, id: NodeId) -> bool {
        let inbox = &mut self.servers[id.index()].inbox;
        if inbox.is_empty() {
            return false;
        }
        let m = inbox.remove(0);
        self.arrive(m, true)
    }

    /// Message `m` reaches its receiver, unless its link is cut (not asked when it
    /// `crossed` already: it waited in a frozen server's inbox) or its receiver is down.
    fn arrive(&mut self, m: InFlight, crossed: bool) -> bool {
        let id = m.id;
        if !(crossed || self.link_carries(&m)) {
            self.drop_message(id, DropReason::LinkCut);
            return true;
        }
        if matches!(m.to, Endpoint::Node(to) if self.servers[to.index()].node.is_none()) {
            self.drop_message(id, DropReason::NodeDown);
            return true;
        }
        self.trace.record(self.now_ms, TraceEvent::Deliver { id });
        match (m.from, m.to, m.packet) {
            (Endpoint::Node(_), Endpoint::Node(to), Packet::Raft(message)) => {
                self.catch_up(to.index());
                self.servers[to.index()]
                    .node
                    .as_mut()
                    .expect("running")
                    .step(message);
                self.after_input(to.index());
            }
            (Endpoint::Client(client), Endpoint::Node(to), Packet::Request { seq, op }) => {
                self.server_request(to.index(), client, seq, op)
            }
            (Endpoint::Node(_), Endpoint::Client(client), Packet::Reply { seq, reply }) => {
                self.client_reply(client, seq, reply)
            }
            _ => unreachable!("clients only talk to servers, in the packet kinds above"),
        }
        true
    }

    fn server_request(&mut self, i: usize, client: u32, seq: u64, op: Op) {
        self.catch_up(i);
        let from = Endpoint::Node(NodeId(i as u8));
        let to = Endpoint::Client(client);
        let server = &mut self.servers[i];
        if let (Op::Get { key }, true) = (&op, self.config.raft.bugs.has(Bug::StaleRead)) {
            // Broken on purpose: answer from local state, skipping the log.
            let value = server.kv.read(key).cloned();
            let reply = Reply::Ok(OpResult::Value(value));
            return self.send(from, to, Packet::Reply { seq, reply });
        }
        // A request this server's state machine has already applied is answered with its
        // first result, whoever appended it (thesis §6.3); one the client has moved past
        // is not waited on by anyone, and must not take effect now.
        match server.kv.session(client, seq) {
            SessionState::Answered(result) => {
                let reply = Reply::Ok(result.clone());
                return self.send(from, to, Packet::Reply { seq, reply });
            }
            SessionState::Superseded => return,
            SessionState::New => {}
        }
        if let (Op::Get { key }, ReadPath::ReadIndex | ReadPath::Lease) =
            (&op, self.config.raft.reads)
        {
            return self.read_index(i, client, seq, key.clone());
        }
        let node = server.node.as_mut().expect("running");
        match node.propose(Command {
            client,
            seq,
            op: Rc::new(op),
        }) {
            Proposal::Appended { .. } => {
                server.waiting.insert(client, seq);
                self.after_input(i);
            }
            Proposal::NotLeader { leader } => {
                let reply = Reply::NotLeader(leader);
                self.send(from, to, Packet::Reply { seq, reply });
            }
            // A leader handing over points the client at the next leader.
            Proposal::Transferring { target } => {
                let reply = Reply::NotLeader(Some(target));
                self.send(from, to, Packet::Reply { seq, reply });
            }
        }
    }

    /// Serves a `get` without a log entry (thesis §6.4): the node registers the read and
    /// says, in a later `Ready`, when the store may answer it.
    fn read_index(&mut self, i: usize, client: u32, seq: u64, key: String) {
        let from = Endpoint::Node(NodeId(i as u8));
        let to = Endpoint::Client(client);
        let id = ReadId(self.next_read_id);
        self.next_read_id += 1;
        let server = &mut self.servers[i];
        let node = server.node.as_mut().expect("running");
        let reply = match node.read(id) {
            Read::Pending => {
                server.reads.insert(id, (client, seq, key));
                let node = NodeId(i as u8);
                let taken = TraceEvent::ReadTaken {
                    node,
                    id,
                    client,
                    seq,
                };
                self.trace.record(self.now_ms, taken);
                return self.after_input(i);
            }
            Read::NotLeader { leader } => Reply::NotLeader(leader),
            // Too many reads wait here: not served; the client retries at the leader.
            Read::Busy => Reply::NotLeader(node.leader()),
        };
        self.send(from, to, Packet::Reply { seq, reply });
    }

    /// Answers a read the node decided: from the store if it may be served, else with the
    /// leader it knows of, so the client retries there.
    fn answer_read(&mut self, i: usize, id: ReadId, result: ReadResult) {
        let server = &mut self.servers[i];
        let Some((client, seq, key)) = server.reads.remove(&id) else {
            return;
        };
        let reply = match result {
            ReadResult::Serve { .. } => {
                self.stats.read_index_reads += 1;
                Reply::Ok(OpResult::Value(server.kv.read(&key).cloned()))
            }
            ReadResult::Failed => Reply::NotLeader(server.node.as_ref().and_then(|n| n.leader())),
        };
        self.send(
            Endpoint::Node(NodeId(i as u8)),
            Endpoint::Client(client),
            Packet::Reply { seq, reply },
        );
    }

    /// Asks server `from`, if it leads, to hand leadership to `to` (thesis §3.10). `None`
    /// when `from` is down or frozen.
    pub fn transfer_leadership(&mut self, from: NodeId, to: NodeId) -> Option<Transfer> {
        if !self.servers.get(from.index())?.acts() {
            return None;
        }
        self.catch_up(from.index());
        let node = self.servers.get_mut(from.index())?.node.as_mut()?;
        let outcome = node.transfer_leadership(to);
        self.after_input(from.index());
        Some(outcome)
    }

    // ----- a person's hand on the wire -----

    /// Removes a message from the wire, as if lost. Returns whether it was there.
    pub fn drop_in_flight(&mut self, id: u64) -> bool {
        if self.in_flight.remove(id).is_none() {
            return false;
        }
        self.drop_message(id, DropReason::Dropped);
        true
    }

    /// Puts a second copy of a message on the wire, arriving after the same delay as the
    /// first. Returns the copy's id.
    pub fn duplicate_in_flight(&mut self, id: u64) -> Option<u64> {
        let m = self.in_flight.get(id)?.clone();
        let delay = m.deliver_ms.saturating_sub(m.sent_ms);
        let copy = self.next_message_id;
        self.put_on_wire(m.from, m.to, m.packet, delay);
        Some(copy)
    }

    /// Holds a message on the wire: it does not arrive until released.
    pub fn hold_in_flight(&mut self, id: u64) -> bool {
        match self.in_flight.get_mut(id) {
            Some(m) => {
                m.held = true;
                true
            }
            None => false,
        }
    }

    /// Releases a held message; it arrives at its due time, or now if that has passed.
    pub fn release_in_flight(&mut self, id: u64) -> bool {
        let now = self.now_ms;
        let Some(m) = self.in_flight.get_mut(id).filter(|m| m.held) else {
            return false;
        };
        m.held = false;
        m.deliver_ms = m.deliver_ms.max(now);
        let at = m.deliver_ms;
        self.schedule(at, Action::Deliver(id));
        true
    }

    // ----- faults -----

    /// Crashes server `id`: it loses everything but its stable storage.
    pub fn crash(&mut self, id: NodeId) {
        let server = &mut self.servers[id.index()];
        if server.node.take().is_none() {
            return;
        }
        // A frozen process that is killed loses what waited in its inbox.
        server.frozen_since_ms = None;
        let lost: Vec<u64> = server.inbox.drain(..).map(|m| m.id).collect();
        server.waiting.clear();
        server.reads.clear();
        server.kv = KvStore::new(self.config.client_sessions);
        self.checker.crashed(self.now_ms, id);
        self.trace
            .record(self.now_ms, TraceEvent::Crash { node: id });
        for id in lost {
            self.drop_message(id, DropReason::NodeDown);
        }
    }

    /// Freezes server `id` (a stalled process, not a crash): until [`Simulation::thaw`] it
    /// does nothing; its timers wait and what reaches it waits in its inbox.
    pub fn freeze(&mut self, id: NodeId) {
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        if server.node.is_none() || server.frozen_since_ms.is_some() {
            return;
        }
        server.frozen_since_ms = Some(now);
        self.trace.record(now, TraceEvent::Freeze { node: id });
    }

    /// Releases a frozen server. Its clock resumes where it stopped, as a paused process's
    /// timers do: the node is never told that the frozen time passed, so a leader frozen in
    /// office still believes it leads for the rest of its term's lease. Then its inbox
    /// arrives, oldest first.
    pub fn thaw(&mut self, id: NodeId) {
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        let Some(since) = server.frozen_since_ms.take() else {
            return;
        };
        let paused = now - since;
        server.ticked_ms += paused;
        server.timer_at_ms += paused;
        let waiting = server.inbox.len();
        self.trace.record(now, TraceEvent::Thaw { node: id });
        for _ in 0..waiting {
            self.schedule(now, Action::Inbox(id));
        }
    }

    /// Sets how fast server `id`'s clock runs from now on, in percent of simulated time: what
    /// it counted so far stays counted at the old rate, and its next timer is rescheduled at
    /// the new one. A clock whose rate wanders this way stays within a drift bound as long
    /// as every rate it takes does (thesis §6.4.1 bounds rates, not readings). A frozen
    /// server's clock stands still and keeps its rate.
    pub fn set_clock_percent(&mut self, id: NodeId, percent: u64) {
        assert!(percent > 0, "a clock rate is positive");
        let i = id.index();
        if self.servers[i].frozen_since_ms.is_some() || self.servers[i].clock_percent == percent {
            return;
        }
        self.catch_up(i);
        self.servers[i].clock_percent = percent;
        self.trace
            .record(self.now_ms, TraceEvent::Clock { node: id, percent });
        if self.servers[i].node.is_some() {
            // Whatever the catch-up ticked out, then the timer at the new rate.
            self.after_input(i);
        }
    }

    /// Whether server `id` is frozen.
    pub fn frozen(&self, id: NodeId) -> bool {
        self.servers[id.index()].frozen_since_ms.is_some()
    }

    /// Changes the Raft options (PreVote, CheckQuorum, bugs) for servers that start or
    /// restart from now on; running servers keep theirs. (The simulator's own broken rule,
    /// `stale-read`, is read at each request and so takes effect at once.)
    pub fn set_raft_options(&mut self, options: RaftOptions) {
        self.config.raft = options;
    }

    /// Restarts server `id` from its stable storage (not one retired from the cluster).
    pub fn restart(&mut self, id: NodeId) {
        let config = self.config.node_config(id);
        let sessions = self.config.client_sessions;
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        if server.node.is_some() || server.retired {
            return;
        }
        let restarted = Node::restart_from_snapshot(
            config,
            server.rng.next_u64(),
            server.disk.hard_state,
            server.disk.snapshot.clone(),
            server.disk.log.clone(),
        );
        let Ok(node) = restarted else {
            panic!("validated at start")
        };
        // The state machine starts from the snapshot; the log after it is applied again.
        server.kv = server
            .disk
            .snapshot
            .as_ref()
            .and_then(|s| KvStore::decode(&s.data))
            .unwrap_or_else(|| KvStore::new(sessions));
        server.timer_at_ms = now + server.real_ms(node.ms_until_next_timer());
        server.ticked_ms = now;
        server.node = Some(node);
        let disk = &self.servers[id.index()].disk;
        self.checker
            .restarted(now, id, disk.snapshot_index(), &disk.log);
        self.trace.record(now, TraceEvent::Restart { node: id });
        let node = self.servers[id.index()].node.as_ref().expect("just set");
        self.checker.observe(now, node, Change::default());
    }

    // ----- membership (thesis §4.2) -----

    /// Starts the next server (the next letter) with an empty disk, outside the cluster: it
    /// waits to be added. `None` when the cluster already has [`MAX_CLUSTER_SIZE`] servers.
    pub fn spawn_server(&mut self) -> Option<NodeId> {
        let i = self.servers.len();
        if i >= MAX_CLUSTER_SIZE {
            return None;
        }
        let id = NodeId(i as u8);
        let mut rng = Rng::fork(self.config.seed, stream::NODE + i as u64);
        let Ok(node) = Node::new(self.config.node_config(id), rng.next_u64()) else {
            panic!("validated at start")
        };
        self.servers.push(Server {
            timer_at_ms: self.now_ms
                + real_ms(self.config.clock_of(id), node.ms_until_next_timer()),
            node: Some(node),
            disk: Disk::default(),
            kv: KvStore::new(self.config.client_sessions),
            waiting: VecMap::new(),
            ticked_ms: self.now_ms,
            clock_percent: self.config.clock_of(id),
            rng,
            retired: false,
            reads: VecMap::new(),
            frozen_since_ms: None,
            inbox: Vec::new(),
        });
        self.network.add_server();
        self.checker.add_server();
        self.trace
            .record(self.now_ms, TraceEvent::Started { node: id });
        Some(id)
    }

    /// The operator asks the leader (the highest-term one running) for `change`.
    pub fn change_membership(&mut self, change: MembershipChange) -> ChangeOutcome {
        let outcome = match self.leader() {
            None => ChangeOutcome::NoLeader,
            Some(leader) => {
                self.catch_up(leader.index());
                let node = self.servers[leader.index()]
                    .node
                    .as_mut()
                    .expect("the leader runs");
                let result = node.propose_membership(change);
                let term = node.term();
                match result {
                    Ok(Proposal::Appended { index, .. }) => {
                        if let MembershipChange::Remove(target) = change {
                            self.retiring.push((target, index, term));
                        }
                        ChangeOutcome::Appended { leader, index }
                    }
                    Ok(Proposal::Transferring { target }) => {
                        ChangeOutcome::Transferring { leader, target }
                    }
                    // Its clock, brought up to now, ran past CheckQuorum's deadline: it
                    // stepped down just before the operator's request reached it.
                    Ok(Proposal::NotLeader { .. }) => ChangeOutcome::NoLeader,
                    Err(reason) => ChangeOutcome::Refused { leader, reason },
                }
            }
        };
        self.trace
            .record(self.now_ms, TraceEvent::Membership { change, outcome });
        if let ChangeOutcome::Appended { leader, .. } = outcome {
            self.after_input(leader.index());
        }
        outcome
    }

    /// Adds a server: starts the next one and asks the leader to take it in as a learner;
    /// the leader promotes it once it has caught up (thesis §4.2.1).
    pub fn add_server(&mut self) -> Option<(NodeId, ChangeOutcome)> {
        let id = self.spawn_server()?;
        Some((id, self.change_membership(MembershipChange::AddLearner(id))))
    }

    /// Asks the leader to remove server `id`; once the removal commits the server is shut
    /// down for good.
    pub fn remove_server(&mut self, id: NodeId) -> ChangeOutcome {
        self.change_membership(MembershipChange::Remove(id))
    }

    /// Server `id` compacts its log now, up to what it has applied (the scenario line
    /// `snapshot A`); returns whether there was anything to compact.
    pub fn snapshot(&mut self, id: NodeId) -> bool {
        let server = &mut self.servers[id.index()];
        if !server.acts() {
            return false;
        }
        let Some(node) = server.node.as_mut() else {
            return false;
        };
        let applied = node.applied_index();
        let done = node.compact(applied, server.kv.encode().into());
        if done {
            self.after_input(id.index());
        }
        done
    }

    /// Fires server `id`'s election timer now (it must be running, not frozen, and not
    /// leading).
    pub fn force_timeout(&mut self, id: NodeId) {
        if !self.servers[id.index()].acts() {
            return;
        }
        self.catch_up(id.index());
        if let Some(node) = self.servers[id.index()].node.as_mut() {
            node.force_election_timeout();
            self.after_input(id.index());
        }
    }

    /// Cuts the link from `a` to `b`, and from `b` to `a` unless `one_way`.
    pub fn cut(&mut self, a: NodeId, b: NodeId, one_way: bool) {
        self.set_link(a, b, false);
        if !one_way {
            self.set_link(b, a, false);
        }
    }

    /// Restores both directions between `a` and `b`.
    pub fn heal(&mut self, a: NodeId, b: NodeId) {
        self.set_link(a, b, true);
        self.set_link(b, a, true);
    }

    /// Sets one directed link up or down.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, up: bool) {
        if from == to || self.network.is_up(from, to) == up {
            return;
        }
        self.network.link_mut(from, to).up = up;
        self.trace
            .record(self.now_ms, TraceEvent::Link { from, to, up });
    }

    /// Splits the cluster into groups that hear only each other; servers in no group are
    /// isolated on their own.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let group_of = |id: NodeId| groups.iter().position(|g| g.contains(&id));
        let ids: Vec<NodeId> = self.ids().collect();
        for &a in &ids {
            for &b in &ids {
                if a != b {
                    let same = group_of(a).is_some() && group_of(a) == group_of(b);
                    self.set_link(a, b, same);
                }
            }
        }
    }

    /// Restores every link, client links included.
    pub fn heal_all(&mut self) {
        let ids: Vec<NodeId> = self.ids().collect();
        for &a in &ids {
            for &b in &ids {
                self.set_link(a, b, true);
            }
        }
        for client in 0..self.clients.len() as u32 {
            for &node in &ids {
                self.set_client_link(client, node, true);
            }
        }
    }

    /// Cuts or restores the link between a client and a server, both directions.
    pub fn set_client_link(&mut self, client: u32, node: NodeId, up: bool) {
        if self.network.client_link_up(client, node) == up {
            return;
        }
        self.network.set_client_link(client, node, up);
        self.trace
            .record(self.now_ms, TraceEvent::ClientLink { client, node, up });
    }

    /// Makes client traffic suffer the links' loss, duplication and reordering like server
    /// traffic (`true`), or only their delay.
    pub fn set_client_faults(&mut self, on: bool) {
        self.network.client_faults = on;
    }

    /// Sets every link's delay, loss, duplication and reordering (cut links stay cut).
    pub fn set_link_params(&mut self, params: LinkParams) {
        self.network.set_all_params(params);
    }

    // ----- clients -----

    /// Adds `count` automatic clients that issue random puts and gets on [`WORKLOAD_KEYS`].
    pub fn add_workload_clients(&mut self, count: usize) {
        let n = self.servers.len() as u64;
        for _ in 0..count {
            let id = self.clients.len() as u32;
            let target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
            self.clients
                .push(Client::new(id, self.next_process, target, true));
            self.next_process += 1;
            let at = self.now_ms + self.client_rng.range_inclusive(0, 50);
            self.schedule(at, Action::ClientInvoke(id));
        }
        self.workload_on = true;
    }

    /// A person's client ("User X"): sends `op` to `to` and reports what happens.
    /// Returns the client id used.
    pub fn submit(&mut self, to: NodeId, op: Op) -> u32 {
        let id = match self
            .clients
            .iter()
            .position(|c| !c.automatic && c.outstanding.is_none())
        {
            Some(k) => k as u32,
            None => {
                let id = self.clients.len() as u32;
                self.clients
                    .push(Client::new(id, self.next_process, to, false));
                self.next_process += 1;
                id
            }
        };
        self.clients[id as usize].target = to;
        self.start_op(id, op);
        id
    }

    fn client_invoke(&mut self, c: u32) -> bool {
        if !self.workload_on || self.clients[c as usize].outstanding.is_some() {
            return false;
        }
        let key = WORKLOAD_KEYS[self
            .client_rng
            .range_inclusive(0, WORKLOAD_KEYS.len() as u64 - 1)
            as usize];
        let op = if self.client_rng.chance(0.5) {
            Op::Get { key: key.into() }
        } else {
            let value = self.next_value;
            self.next_value += 1;
            Op::Put {
                key: key.into(),
                value: format!("{value}"),
            }
        };
        self.start_op(c, op);
        true
    }

    fn start_op(&mut self, c: u32, op: Op) {
        let now = self.now_ms;
        let timeout = self.config.client_timeout_ms;
        let client = &mut self.clients[c as usize];
        let seq = client.next_seq;
        client.next_seq += 1;
        client.outstanding = Some(Outstanding {
            seq,
            op: op.clone(),
            invoked_ms: now,
            attempts: 0,
        });
        let (process, target) = (client.process, client.target);
        self.record_history(process, OpType::Invoke, &op, None);
        self.trace.record(
            now,
            TraceEvent::Invoke {
                client: c,
                seq,
                node: target,
                op,
            },
        );
        self.schedule(now + timeout, Action::ClientTimeout(c, seq));
        self.send_attempt(c);
    }

    /// Sends client `c`'s outstanding request to its target, as one more attempt; an
    /// automatic client sends it again if this attempt goes unanswered for
    /// `client_retry_ms`.
    fn send_attempt(&mut self, c: u32) {
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.as_mut() else {
            return;
        };
        out.attempts += 1;
        let (seq, attempt, op) = (out.seq, out.attempts, out.op.clone());
        let (target, automatic) = (client.target, client.automatic);
        self.send(
            Endpoint::Client(c),
            Endpoint::Node(target),
            Packet::Request { seq, op },
        );
        if automatic {
            let at = self.now_ms + self.config.client_retry_ms;
            self.schedule(at, Action::ClientRetry(c, seq, attempt));
        }
    }

    /// Attempt `attempt` of request `seq` went unanswered: the client sends the same
    /// request, same number, to a server drawn at random (it cannot know who leads; a
    /// follower will redirect it).
    fn client_retry(&mut self, c: u32, seq: u64, attempt: u32) -> bool {
        let client = &self.clients[c as usize];
        if !client
            .outstanding
            .as_ref()
            .is_some_and(|o| o.seq == seq && o.attempts == attempt)
        {
            return false;
        }
        let n = self.servers.len() as u64;
        let target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
        self.clients[c as usize].target = target;
        self.trace.record(
            self.now_ms,
            TraceEvent::Retry {
                client: c,
                seq,
                node: target,
            },
        );
        self.send_attempt(c);
        true
    }

    fn client_reply(&mut self, c: u32, seq: u64, reply: Reply) {
        let now = self.now_ms;
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.as_ref().filter(|o| o.seq == seq) else {
            return; // a second answer, or one after the client gave up
        };
        let op = out.op.clone();
        let attempt = out.attempts;
        self.trace.record(
            now,
            TraceEvent::Complete {
                client: c,
                seq,
                reply: reply.clone(),
            },
        );
        match reply {
            Reply::NotLeader(hint) if client.automatic => {
                // Follow the hint now; with none, wait a heartbeat for an election and try
                // a server at random (the same request, same number).
                match hint {
                    Some(leader) => {
                        client.target = leader;
                        self.send_attempt(c);
                    }
                    None => {
                        let at = now + self.config.raft.heartbeat_interval_ms;
                        self.schedule(at, Action::ClientRetry(c, seq, attempt));
                    }
                }
                return;
            }
            Reply::NotLeader(_) => {
                // A person's client reports the refusal and stops. This copy was not
                // appended, but another (a duplicate on the wire) might yet be: the
                // outcome is unknown, not failed.
                let process = client.process;
                client.outstanding = None;
                self.record_history(process, OpType::Info, &op, None);
                self.new_process(c);
            }
            Reply::Ok(result) => {
                let process = client.process;
                client.outstanding = None;
                let value = match result {
                    OpResult::Value(v) => Some(v),
                    OpResult::Done => None,
                };
                self.record_history(process, OpType::Ok, &op, value);
            }
        }
        self.next_op_later(c);
    }

    /// Client `c` gave up on its request without knowing its outcome. That request may
    /// still take effect while the client runs its next one, so in the history the client
    /// continues as a new process (Jepsen's rule: a process has one operation open).
    fn new_process(&mut self, c: u32) {
        self.clients[c as usize].process = self.next_process;
        self.next_process += 1;
    }

    /// The request's last chance passed: the client gives up for good and records an
    /// unknown outcome (it took effect once, or never).
    fn client_timeout(&mut self, c: u32, seq: u64) -> bool {
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.take_if(|o| o.seq == seq) else {
            return false;
        };
        let process = client.process;
        self.record_history(process, OpType::Info, &out.op, None);
        self.new_process(c);
        self.trace
            .record(self.now_ms, TraceEvent::Timeout { client: c, seq });
        // After silence, try another server.
        let n = self.servers.len() as u64;
        self.clients[c as usize].target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
        self.next_op_later(c);
        true
    }

    fn next_op_later(&mut self, c: u32) {
        if self.clients[c as usize].automatic && self.workload_on {
            let at = self.now_ms + self.client_rng.range_inclusive(1, 50);
            self.schedule(at, Action::ClientInvoke(c));
        }
    }

    /// Stops automatic clients from starting new operations.
    pub fn stop_workload(&mut self) {
        self.workload_on = false;
    }

    /// Lets automatic clients issue operations again.
    pub fn resume_workload(&mut self) {
        if self.workload_on {
            return;
        }
        self.workload_on = true;
        for c in 0..self.clients.len() as u32 {
            if self.clients[c as usize].automatic {
                self.next_op_later(c);
            }
        }
    }

    /// Whether any client still waits on an operation.
    pub fn clients_idle(&self) -> bool {
        self.clients.iter().all(|c| c.outstanding.is_none())
    }

    fn record_history(
        &mut self,
        process: u32,
        kind: OpType,
        op: &Op,
        read: Option<Option<String>>,
    ) {
        let (f, key, value) = match op {
            Op::Put { key, value } => (OpFn::Put, key, Some(value.clone())),
            Op::Get { key } => (OpFn::Get, key, read.flatten()),
            Op::Text(_) => return,
        };
        self.history.ops.push(HistoryOp {
            process,
            kind,
            f,
            key: key.clone(),
            value,
            time_ms: self.now_ms,
        });
    }

    // ----- whole-cluster conditions -----

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
