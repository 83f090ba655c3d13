//! # river-sim: a deterministic Raft cluster simulator with a safety checker
//!
//! [`Simulation`] runs N [`river_core::Node`]s on a virtual clock over a network with a
//! state per directed link (cut, latency, loss, duplication, reordering), with crashes,
//! restarts and clients on a replicated key-value store. Every event goes into a
//! [`trace::Trace`], and the [`checker::Checker`] checks the paper's safety properties after
//! every event. The same seed and inputs reproduce the same trace bit for bit.
//!
//! [`scenario`] scripts runs in a small text language; [`swarm`] draws a random fault mix
//! per seed for `river check`; [`elections`] measures how long a cluster is without a
//! leader after its leader crashes (the paper's §9.3 experiment).
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod checker;
pub mod client;
pub mod elections;
pub mod hash;
pub mod history;
pub mod kv;
pub mod nearest;
pub mod network;
pub mod reasons;
pub mod sim;
pub mod trace;
pub mod vecmap;
pub mod view;

pub use sim::{Disk, RaftOptions, Server, SimConfig, Simulation, Stats};
pub mod scenario;
pub mod swarm;
pub mod timeline;
