//! Clients outside the cluster, as Ongaro's thesis §6.3 describes them. A client has an id
//! and numbers its requests; it has at most one outstanding. When automatic, it follows
//! "not leader" hints, sends the same request (same number) again when an attempt goes
//! unanswered, gives up for good after a longer timeout (recording the outcome as unknown),
//! and issues a random workload. The servers' sessions make the retries safe: a request
//! takes effect once however many copies reach the log.

use crate::kv::Op;
use crate::network::Reply;
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
    /// How many times it was sent (first send included).
    pub attempts: u32,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// Stable id (its network address, and its session on the state machine).
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
    /// Automatic clients retry (at the hinted leader, or at random after silence) and keep
    /// issuing ops; a person's client ("User X") sends once and reports what comes back.
    pub automatic: bool,
    /// A person's client: the number of the last request answered and the answer, so a
    /// scenario can tell a request the server refused from one it took (`expect refused`).
    /// Automatic clients keep none.
    pub answered: Option<(u64, Reply)>,
}

impl Client {
    /// A client with nothing outstanding, starting as Jepsen process `process`.
    pub fn new(id: u32, process: u32, target: NodeId, automatic: bool) -> Client {
        Client {
            id,
            process,
            target,
            outstanding: None,
            next_seq: 1,
            automatic,
            answered: None,
        }
    }
}
