//! The workload both libraries run, written once against the [`Cluster`] trait so the two
//! sides cannot drift apart: the same proposals, the same batching, the same exchange of
//! messages until the cluster is quiet, and the same check at the end.

use std::time::{Duration, Instant};

/// Bytes in one client command. Both sides carry exactly this many payload bytes per entry.
pub const COMMAND_BYTES: usize = 8;

/// The command with sequence number `seq`: its little-endian bytes, so every entry differs
/// and the applied order can be checked.
pub fn command_bytes(seq: u64) -> [u8; COMMAND_BYTES] {
    seq.to_le_bytes()
}

/// What a replica's state machine has seen. Applying a command folds its bytes into an
/// order-sensitive hash, so two replicas agree only if they applied the same commands in the
/// same order (Raft's State Machine Safety, paper §5.4.3, as observed from outside).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateMachine {
    /// Client commands applied (leader no-ops and empty entries are not commands).
    pub commands: u64,
    /// FNV-1a over every applied command's bytes, in order.
    pub hash: u64,
}

impl StateMachine {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

    /// A state machine that has applied nothing.
    pub fn new() -> StateMachine {
        StateMachine {
            commands: 0,
            hash: Self::FNV_OFFSET,
        }
    }

    /// Applies one client command.
    #[inline]
    pub fn apply(&mut self, command: &[u8]) {
        assert_eq!(command.len(), COMMAND_BYTES, "command of the wrong size");
        for &byte in command {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(Self::FNV_PRIME);
        }
        self.commands += 1;
    }

    /// What every replica must hold after applying commands `0..count` in order.
    pub fn expected(count: u64) -> StateMachine {
        let mut machine = StateMachine::new();
        for seq in 0..count {
            machine.apply(&command_bytes(seq));
        }
        machine
    }
}

/// An in-process cluster of one library: every node in one thread, messages handed from node
/// to node by function call, storage in memory.
pub trait Cluster: Sized {
    /// Library-specific knobs, fixed for the whole run.
    type Options;

    /// Builds `voters` nodes and elects the first node leader. Not timed.
    fn with_leader(voters: usize, options: &Self::Options) -> Self;

    /// Offers one command to the leader. It must be accepted; nothing is sent yet.
    fn propose(&mut self, command: [u8; COMMAND_BYTES]);

    /// Takes every node's pending output (persist, then send, then apply) and delivers every
    /// message, repeating until no node has output and no message is in flight.
    fn exchange(&mut self);

    /// Lets the followers learn the final commit index, so every node applies every entry.
    /// Called once, after the last `exchange`, inside the timed region.
    fn announce_commit(&mut self);

    /// Messages delivered so far, election included.
    fn messages_delivered(&self) -> u64;

    /// Panics unless every node applied exactly `expected`, and the replicated state agrees.
    fn verify(&self, expected: &StateMachine);
}

/// The outcome of one timed run.
#[derive(Clone, Copy, Debug)]
pub struct Measurement {
    /// Wall time from the first proposal until every node has applied every entry.
    pub elapsed: Duration,
    /// Messages delivered in that time.
    pub messages: u64,
}

/// One measurement: `entries` commands proposed `batch` at a time, each batch followed by an
/// exchange of messages until the cluster is quiet, then the final commit announced. Times
/// all that; the election before it and the check after it are not timed.
pub fn run<K: Cluster>(
    voters: usize,
    batch: usize,
    entries: u64,
    options: &K::Options,
) -> Measurement {
    assert!(batch >= 1, "a batch holds at least one proposal");
    let mut cluster = K::with_leader(voters, options);
    let messages_before = cluster.messages_delivered();
    let start = Instant::now();
    let mut seq = 0;
    while seq < entries {
        let end = (seq + batch as u64).min(entries);
        while seq < end {
            cluster.propose(command_bytes(seq));
            seq += 1;
        }
        cluster.exchange();
    }
    cluster.announce_commit();
    let elapsed = start.elapsed();
    let messages = cluster.messages_delivered() - messages_before;
    cluster.verify(&StateMachine::expected(entries));
    Measurement { elapsed, messages }
}
