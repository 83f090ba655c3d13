//! # river-lincheck: is a run's client history linearizable?
//!
//! Raft's promise to clients is a linearizable state machine (§8 of the paper): every
//! operation appears to take effect at one instant between its invocation and its
//! completion. The safety checker in `river-sim` watches the servers; this crate judges what
//! the clients saw, so a broken read path (answering from a follower's local state) is
//! caught even though every log stays correct.
//!
//! Linearizability is local (Herlihy & Wing 1990, Theorem 1): a history is linearizable
//! exactly when each object's sub-history is. So every key is checked on its own, as a
//! read/write register that starts absent, and the search only ever sees one key's
//! operations.
//!
//! Operations are read the way Jepsen's checkers read them:
//!
//! - `:ok` operations happened, at one instant between invocation and completion (a get
//!   read the value it returned);
//! - `:fail` operations certainly did not happen and are dropped;
//! - `:info` operations (and those still pending when the run ends) may have happened at any
//!   instant after their invocation, or never.
//!
//! The search (`search.rs`) is Wing & Gong's with Lowe's memoization, the algorithm of
//! Jepsen's Knossos and of porcupine. Checking linearizability is NP-complete, so every search
//! runs under a budget of [`MAX_SEARCH_STEPS`]; past it the key is reported
//! [`Problem::Inconclusive`] instead of hanging.
//!
//! Why not a library: stateright's `LinearizabilityTester` (this workspace already uses
//! stateright) has the right semantics, and `tests/oracle.rs` uses it as the reference on
//! small histories. But its search neither memoizes nor stops, and copies its state at every
//! step: on the simulator's histories it gave up after two million steps (a minute) on a
//! correct-Raft key of 23 operations with four timed-out puts, and took up to 100 s to
//! refute one stale-read history. todc-utils' `WGLChecker` memoizes, but has no bound and no
//! operations of unknown outcome, and has had no release since 2023.

#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

mod key_history;
mod search;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use key_history::split_by_key;
use river_sim::history::{History, OpFn, OpType};
use search::Verdict;

/// The most attempts to apply an operation one search of one key may make before it gives
/// up as inconclusive. Histories of correct Raft take about one per operation; refuting a
/// stale read takes at most a few thousand. Each attempt may add one entry to the search's
/// memo, so this also bounds its memory (tens of bytes an entry: an entry keeps only the
/// part of its set of linearized calls that is neither all set nor all clear).
pub const MAX_SEARCH_STEPS: u64 = 1_000_000;

/// One operation on one key, paired from its invocation and its completion lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The Jepsen process that ran it.
    pub process: u32,
    /// Put or get.
    pub f: OpFn,
    /// For a put, the value written; for a get that completed `:ok`, the value read
    /// (`None`: the key was absent); otherwise `None`.
    pub value: Option<String>,
    /// When it was invoked.
    pub invoked_ms: u64,
    /// How it ended (`Ok`, `Fail` or `Info`); `Info` also stands for an operation still
    /// pending when the history ends.
    pub outcome: OpType,
    /// When it completed; `None` if it was still pending when the history ends.
    pub completed_ms: Option<u64>,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self
            .value
            .as_deref()
            .map_or("nil".into(), |v| format!("{v:?}"));
        match self.f {
            OpFn::Put => write!(f, "put {value}")?,
            OpFn::Get if self.outcome == OpType::Ok => write!(f, "get -> {value}")?,
            OpFn::Get => write!(f, "get")?,
        }
        write!(
            f,
            " by process {} (invoked {} ms",
            self.process, self.invoked_ms
        )?;
        match (self.outcome, self.completed_ms) {
            (OpType::Ok, Some(t)) => write!(f, ", ok {t} ms)"),
            (OpType::Fail, Some(t)) => write!(f, ", failed {t} ms)"),
            (_, Some(t)) => write!(f, ", unknown outcome at {t} ms)"),
            (_, None) => write!(f, ", still pending)"),
        }
    }
}

/// Why a history could not even be read as pairs of invocations and completions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MalformedHistory {
    /// A process invoked an operation while its previous one was still open.
    OverlappingInvoke {
        /// Line number (from 1).
        line: usize,
        /// The process.
        process: u32,
    },
    /// A completion with no open invocation of the same function on the same key.
    UnmatchedCompletion {
        /// Line number (from 1).
        line: usize,
        /// The process.
        process: u32,
    },
}

impl fmt::Display for MalformedHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedHistory::OverlappingInvoke { line, process } => write!(
                f,
                "line {line}: process {process} invokes while its previous operation is open"
            ),
            MalformedHistory::UnmatchedCompletion { line, process } => write!(
                f,
                "line {line}: process {process} completes an operation it did not invoke"
            ),
        }
    }
}

/// A key whose sub-history is not known to be linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No order of the key's operations agrees with both real time and a register.
    NotLinearizable {
        /// The key.
        key: String,
        /// The first operation (by completion) that no order of the ones before it can
        /// explain.
        culprit: Operation,
        /// How many other operations the search had to place up to the culprit's completion.
        before: usize,
        /// The last put that completed `:ok` before the culprit was invoked, if any: for a
        /// stale read, the write it missed.
        last_put: Option<Operation>,
    },
    /// The search ran out of its budget of steps before deciding.
    Inconclusive {
        /// The key.
        key: String,
        /// Operations checked on the key.
        operations: usize,
        /// The budget it ran out of (attempts to apply an operation).
        max_steps: u64,
    },
}

impl Problem {
    /// The key concerned.
    pub fn key(&self) -> &str {
        match self {
            Problem::NotLinearizable { key, .. } | Problem::Inconclusive { key, .. } => key,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotLinearizable {
                key,
                culprit,
                before,
                last_put,
            } => {
                write!(
                    f,
                    "key {key:?} is not linearizable: {culprit} fits no order of the {before} operations before it (or concurrent with it)"
                )?;
                if let Some(put) = last_put {
                    if put.value != culprit.value || culprit.f == OpFn::Put {
                        write!(f, "; {put} had completed before it began")?;
                    }
                }
                Ok(())
            }
            Problem::Inconclusive {
                key,
                operations,
                max_steps,
            } => write!(
                f,
                "key {key:?}: inconclusive, the search over {operations} operations took more than {max_steps} steps"
            ),
        }
    }
}

/// The verdict on one history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Operations the search placed, over all keys: those that completed `:ok`, and puts of
    /// unknown outcome whose value someone read.
    pub operations: usize,
    /// Keys checked.
    pub keys: usize,
    /// Attempts to apply an operation, over all keys' searches.
    pub steps: u64,
    /// Keys not known to be linearizable, in key order.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether some key is certainly not linearizable.
    pub fn violated(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p, Problem::NotLinearizable { .. }))
    }

    /// Whether some key's search ran out of budget.
    pub fn inconclusive(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p, Problem::Inconclusive { .. }))
    }
}

/// Checks every key of `history`, each within [`MAX_SEARCH_STEPS`].
pub fn check(history: &History) -> Result<Report, MalformedHistory> {
    check_within(history, MAX_SEARCH_STEPS)
}

/// Checks every key of `history`; a key whose search needs more than `max_steps` attempts
/// is reported [`Problem::Inconclusive`].
pub fn check_within(history: &History, max_steps: u64) -> Result<Report, MalformedHistory> {
    let mut report = Report::default();
    for (key, key_history) in split_by_key(history)? {
        let search = key_history.search(max_steps);
        report.keys += 1;
        report.operations += search.placed;
        report.steps += search.steps;
        match search.verdict {
            Verdict::Linearizable => {}
            Verdict::Inconclusive => report.problems.push(Problem::Inconclusive {
                key,
                operations: search.placed,
                max_steps,
            }),
            Verdict::NotLinearizable => report.problems.push(key_history.explain(key, max_steps)),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
