//! Clients outside the cluster. A client has at most one operation outstanding, gives up
//! after a timeout (recording the outcome as unknown), and, when automatic, follows
//! "not leader" hints and issues a random workload.

use crate::kv::Op;
use river_core::NodeId;

/// An operation a client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outstanding {
    /// Request number.
    pub seq: u64,
    /// The op.
    pub op: Op,
    /// When it was first sent.
    pub invoked_ms: u64,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// Stable id (its network address).
    pub id: u32,
    /// Jepsen process id: changes after an unknown outcome, because the old process may
    /// still have an operation in flight.
    pub process: u32,
    /// The server it talks to next.
    pub target: NodeId,
    /// Its current operation.
    pub outstanding: Option<Outstanding>,
    /// Next request number.
    pub next_seq: u64,
    /// Automatic clients retry at the hinted leader and keep issuing ops; a person's client
    /// ("User X") reports a refusal instead.
    pub automatic: bool,
}

impl Client {
    /// A client with nothing outstanding.
    pub fn new(id: u32, target: NodeId, automatic: bool) -> Client {
        Client {
            id,
            process: id,
            target,
            outstanding: None,
            next_seq: 1,
            automatic,
        }
    }
}
