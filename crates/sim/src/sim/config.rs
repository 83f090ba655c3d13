//! The settings of a run: Raft's options, how reads are served, the whole configuration.

use crate::network::LinkParams;
use alloc::vec::Vec;
use river_core::{BugSet, Config, ConfigError, NodeId};

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
