//! Per-node configuration, validated before a node is built.

use crate::bug::BugSet;
use crate::types::NodeId;
use core::fmt;

/// The largest cluster the core supports; vote and quorum bookkeeping use fixed arrays of
/// this size so the hot path never allocates.
pub const MAX_CLUSTER_SIZE: usize = 15;

/// The most entries one AppendEntries carries, so one message stays bounded (§5.3 allows any
/// batching; a bound keeps catch-up traffic visible and memory per message small).
pub const DEFAULT_MAX_ENTRIES_PER_APPEND: usize = 64;

/// The clock drift lease reads assume by default: another server's clock runs at most 10%
/// faster than this one's (thesis §6.4.1 leaves the figure to the deployment).
pub const DEFAULT_MAX_CLOCK_DRIFT_PERCENT: u64 = 10;

/// How a node behaves. Times are in milliseconds of the caller's clock, advanced through
/// [`crate::Node::tick`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// This node's id, below [`MAX_CLUSTER_SIZE`]. An id outside the initial configuration
    /// is a server that waits to be added (thesis §4.2.1): it never campaigns until its log
    /// holds a configuration in which it votes.
    pub id: NodeId,
    /// The configuration the cluster starts with, before any membership entry: voters
    /// `0..cluster_size`. Later configurations live in the log.
    pub cluster_size: usize,
    /// Lower end of the randomized election timeout (§5.2; 150 ms in the paper's evaluation).
    pub election_timeout_min_ms: u64,
    /// Upper end of the randomized election timeout (300 ms in the paper's evaluation).
    pub election_timeout_max_ms: u64,
    /// How often a leader sends AppendEntries when it has nothing new (§5.2).
    pub heartbeat_interval_ms: u64,
    /// PreVote (Ongaro's thesis §9.6): a candidate first asks whether it could win before it
    /// disrupts the cluster with a higher term.
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2): a leader that has not heard from a majority within an
    /// election timeout steps down; followers that hear from a leader ignore vote requests for
    /// that long (thesis §4.2.3).
    pub check_quorum: bool,
    /// Lease reads (thesis §6.4.1): a leader serves a read at once, without a heartbeat
    /// round, while a majority acknowledged a round it sent less than
    /// [`Config::lease_ms`] ago; otherwise it falls back to ReadIndex. Needs CheckQuorum
    /// (a follower then refuses votes for an election timeout after hearing its leader) and
    /// clocks within `max_clock_drift_percent` of each other.
    pub lease_reads: bool,
    /// The clock-drift bound lease reads rely on: how much faster, in percent, another
    /// server's clock may run than this one's. The lease is shortened by this ratio.
    pub max_clock_drift_percent: u64,
    /// Upper bound on entries in one AppendEntries.
    pub max_entries_per_append: usize,
    /// The most snapshot bytes one InstallSnapshot carries (paper §7: snapshots travel in
    /// chunks, each with its offset and a `done` flag on the last).
    pub snapshot_chunk_bytes: usize,
    /// Deliberately broken behaviours, for teaching; empty by default.
    pub bugs: BugSet,
}

/// Why a configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The cluster has no servers, or more than [`MAX_CLUSTER_SIZE`].
    ClusterSize(usize),
    /// `id` is not below [`MAX_CLUSTER_SIZE`].
    IdOutOfRange {
        /// The offending id.
        id: NodeId,
        /// The cluster size.
        cluster_size: usize,
    },
    /// The election timeout range is empty or zero.
    ElectionTimeoutRange {
        /// Lower bound given.
        min_ms: u64,
        /// Upper bound given.
        max_ms: u64,
    },
    /// Heartbeats must come more often than the shortest election timeout (§5.6), or
    /// followers would start elections against a healthy leader.
    HeartbeatTooSlow {
        /// Heartbeat interval given.
        heartbeat_ms: u64,
        /// Shortest election timeout given.
        election_timeout_min_ms: u64,
    },
    /// An AppendEntries must be allowed to carry at least one entry.
    MaxEntriesZero,
    /// An InstallSnapshot must be allowed to carry at least one byte.
    SnapshotChunkZero,
    /// Lease reads without CheckQuorum: followers would vote for a new leader while the old
    /// one's lease runs (thesis §6.4.1).
    LeaseWithoutCheckQuorum,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ClusterSize(n) => write!(
                f,
                "a cluster needs 1 to {MAX_CLUSTER_SIZE} nodes, not {n}"
            ),
            ConfigError::IdOutOfRange { id, cluster_size } => write!(
                f,
                "node id {} is past the largest cluster ({MAX_CLUSTER_SIZE}; starting size {cluster_size})",
                id.0
            ),
            ConfigError::ElectionTimeoutRange { min_ms, max_ms } => write!(
                f,
                "election timeout range {min_ms}-{max_ms} ms is empty (need 0 < min <= max)"
            ),
            ConfigError::HeartbeatTooSlow {
                heartbeat_ms: 0, ..
            } => write!(f, "a heartbeat interval of 0 ms is none: it must be at least 1 ms"),
            ConfigError::HeartbeatTooSlow {
                heartbeat_ms,
                election_timeout_min_ms,
            } => write!(
                f,
                "heartbeat interval {heartbeat_ms} ms must be shorter than the minimum election timeout {election_timeout_min_ms} ms"
            ),
            ConfigError::MaxEntriesZero => {
                write!(f, "an AppendEntries must carry at least one entry")
            }
            ConfigError::SnapshotChunkZero => {
                write!(f, "an InstallSnapshot must carry at least one byte")
            }
            ConfigError::LeaseWithoutCheckQuorum => write!(
                f,
                "lease reads need CheckQuorum: without it a follower may elect a new leader while the old one's lease runs"
            ),
        }
    }
}

impl Config {
    /// The defaults of our original description: 150–300 ms election timeout, 50 ms heartbeat,
    /// PreVote and CheckQuorum off, no bugs.
    pub fn new(id: NodeId, cluster_size: usize) -> Config {
        Config {
            id,
            cluster_size,
            election_timeout_min_ms: 150,
            election_timeout_max_ms: 300,
            heartbeat_interval_ms: 50,
            pre_vote: false,
            check_quorum: false,
            lease_reads: false,
            max_clock_drift_percent: DEFAULT_MAX_CLOCK_DRIFT_PERCENT,
            max_entries_per_append: DEFAULT_MAX_ENTRIES_PER_APPEND,
            snapshot_chunk_bytes: crate::snapshot::DEFAULT_SNAPSHOT_CHUNK_BYTES,
            bugs: BugSet::NONE,
        }
    }

    /// Checks every constraint; a node is only ever built from a valid configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.cluster_size == 0 || self.cluster_size > MAX_CLUSTER_SIZE {
            return Err(ConfigError::ClusterSize(self.cluster_size));
        }
        if self.id.index() >= MAX_CLUSTER_SIZE {
            return Err(ConfigError::IdOutOfRange {
                id: self.id,
                cluster_size: self.cluster_size,
            });
        }
        if self.election_timeout_min_ms == 0
            || self.election_timeout_min_ms > self.election_timeout_max_ms
        {
            return Err(ConfigError::ElectionTimeoutRange {
                min_ms: self.election_timeout_min_ms,
                max_ms: self.election_timeout_max_ms,
            });
        }
        if self.heartbeat_interval_ms == 0
            || self.heartbeat_interval_ms >= self.election_timeout_min_ms
        {
            return Err(ConfigError::HeartbeatTooSlow {
                heartbeat_ms: self.heartbeat_interval_ms,
                election_timeout_min_ms: self.election_timeout_min_ms,
            });
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::MaxEntriesZero);
        }
        if self.snapshot_chunk_bytes == 0 {
            return Err(ConfigError::SnapshotChunkZero);
        }
        if self.lease_reads && !self.check_quorum {
            return Err(ConfigError::LeaseWithoutCheckQuorum);
        }
        Ok(())
    }

    /// How long a lease lasts on the leader's clock after the round that grants it was
    /// sent (thesis §6.4.1): the shortest election timeout, divided by the drift bound
    /// (`lease-without-drift-bound` forgets the division).
    pub fn lease_ms(&self) -> u64 {
        if self.bugs.has(crate::Bug::LeaseWithoutDriftBound) {
            return self.election_timeout_min_ms;
        }
        let scaled = self.election_timeout_min_ms.saturating_mul(100);
        scaled / 100u64.saturating_add(self.max_clock_drift_percent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        for n in 1..=MAX_CLUSTER_SIZE {
            assert_eq!(Config::new(NodeId(0), n).validate(), Ok(()));
        }
    }

    #[test]
    fn impossible_configs_are_refused() {
        assert_eq!(
            Config::new(NodeId(0), 0).validate(),
            Err(ConfigError::ClusterSize(0))
        );
        let mut c = Config::new(NodeId(0), 3);
        c.heartbeat_interval_ms = 150;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::HeartbeatTooSlow { .. })
        ));
        let mut c = Config::new(NodeId(0), 3);
        c.election_timeout_max_ms = 100;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::ElectionTimeoutRange { .. })
        ));
        assert!(matches!(
            Config::new(NodeId(15), 3).validate(),
            Err(ConfigError::IdOutOfRange { .. })
        ));
        assert_eq!(
            Config::new(NodeId(3), 3).validate(),
            Ok(()),
            "a server to be added"
        );
    }
}
