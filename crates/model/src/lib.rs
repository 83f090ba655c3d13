//! # river-model: checking the real river-core three ways
//!
//! Every check here drives the production state machine, [`river_core::Node`], not a
//! separate model of it, through one harness, [`cluster::Cluster`], which drains each
//! node's `Ready` exactly as its contract says (persist, then send, then apply), and checks
//! the same [`safety`] invariants: the paper's Figure 3 (Election Safety, Log Matching,
//! Leader Completeness, State Machine Safety), fresh reads (thesis §6.4), plus what each
//! node promises about itself.
//! The invariants and the ghost state some of them remember live in [`history`], which the
//! cluster writes and the checks read, so neither of those two files needs the other's.
//!
//! - [`checker`] (feature `model-checking`, on by default): stateright explores every
//!   interleaving of deliveries, losses, duplications, timeouts, heartbeats, proposals,
//!   membership changes, reads, compactions and crash-restarts within [`checker::Bounds`];
//!   a served read must reflect everything committed before it was asked, and a compacted
//!   prefix is read as the entries its snapshot stands for ([`stored`]).
//! - [`driver`]: runs one arbitrary [`driver::Scenario`]; the property tests generate
//!   scenarios with proptest and `fuzz/` decodes them from bytes (feature `arbitrary`). A
//!   scenario may also hand nodes [`forgery`] messages no honest server sends: from then on
//!   only what a node promises about itself is checked, and that it never panics.
//!
//! Each checker is shown able to fail: with a deliberately broken variant
//! ([`river_core::Bug`]) switched on, the tests expect a counterexample.

#[cfg(feature = "model-checking")]
pub mod checker;
pub mod cluster;
pub mod driver;
pub mod forgery;
#[cfg(feature = "arbitrary")]
pub mod fuzz;
pub mod history;
pub mod safety;
pub mod stored;
