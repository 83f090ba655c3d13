//! One server and what survives its crash, the events a run schedules, and its counters.

use crate::kv::{Command, KvStore};
use crate::network::InFlight;
use crate::vecmap::VecMap;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{Entry, HardState, Log, LogIndex, Node, NodeId, ReadId, Rng, Snapshot};

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
    pub(super) fn persist(
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

impl Server {
    /// Whether it runs and is not frozen: only then do its timers fire and may it act.
    pub fn acts(&self) -> bool {
        self.node.is_some() && self.frozen_since_ms.is_none()
    }

    /// The milliseconds its clock counts between the last tick and `now` (simulated). Whole
    /// readings of one scaled clock are subtracted, so rounding never accumulates.
    pub(super) fn local_ms(&self, now: u64) -> u64 {
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
    pub(super) fn real_ms(&self, local_ms: u64) -> u64 {
        real_ms(self.clock_percent, local_ms)
    }
}

/// The simulated milliseconds a clock running at `clock_percent` takes to count `local_ms`
/// (at least 1).
pub(super) fn real_ms(clock_percent: u64, local_ms: u64) -> u64 {
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
