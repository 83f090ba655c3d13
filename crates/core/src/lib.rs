//! # river-core: the Raft consensus algorithm as a pure state machine
//!
//! This crate implements Raft as described by Ongaro and Ousterhout, "In Search of an
//! Understandable Consensus Algorithm" (USENIX ATC 2014, cited as §N and Figure N), with
//! PreVote, CheckQuorum, single-server membership changes and log compaction with snapshots
//! from Ongaro's PhD thesis (2014).
//!
//! A [`Node`] reads no clock, does no I/O and uses no OS randomness. Inputs: [`Node::tick`],
//! [`Node::step`] (a peer's [`Message`]), [`Node::propose`] and [`Node::restart`]. Output: a
//! [`Ready`] the caller drains — state to persist, then messages to send, then committed
//! entries to apply, plus narration [`Event`]s. Given the same seed and inputs a node
//! produces the same outputs on every platform, which is what lets `river-sim` replay runs.
//!
//! Deliberately broken variants ([`Bug`]) exist for teaching and to prove that checkers fail
//! when Raft is broken; they are off unless named.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod bug;
mod config;
mod event;
mod log;
mod membership;
mod message;
mod node;
mod quorum;
mod read;
mod rng;
mod role;
mod snapshot;
mod types;
mod vote;

pub use bug::{Bug, BugSet};
pub use config::{Config, ConfigError, DEFAULT_MAX_ENTRIES_PER_APPEND, MAX_CLUSTER_SIZE};
pub use event::{Event, RefusalReason, StepDownReason, VoteDenial};
pub use log::{Entry, Log, Payload};
pub use membership::{ChangeRefusal, Membership, MembershipChange};
pub use message::{Body, Message, MessageKind, RejectHint, MAX_SNAPSHOT_INDEX};
pub use node::{HardState, Node, Proposal, Ready, Transfer};
pub use quorum::{quorum_index, Voters};
pub use read::{Read, ReadId, ReadResult, ReadState, MAX_PENDING_READS};
pub use rng::Rng;
pub use role::{Progress, Role};
pub use snapshot::{Snapshot, DEFAULT_SNAPSHOT_CHUNK_BYTES, MAX_SNAPSHOT_BYTES};
pub use types::{LogIndex, NodeId, Term};
