//! What the users saw, judged: the run's client history checked for linearizability by
//! river-lincheck, the checker `river check` runs after every seed.
//!
//! The simulator's checker watches the servers' logs. A stale read leaves every log correct
//! (the broken variants `stale-read`, `read-without-heartbeat` and `lease-without-drift-bound`
//! answer a read from a store that is behind), so only the clients' side shows it: a read
//! that returned a value no order of the operations explains. The page checks the same way
//! the command line does, so the badge and `river run` agree on every run.
//!
//! Cost: on the page only people act (no automatic clients), so the history grows by a line
//! per request and per answer. It is judged again only when it changed, and a verdict of
//! "not linearizable" stands for the rest of the branch (a prefix that no order explains
//! stays unexplained whatever comes after it), so nothing is searched while the run just
//! plays. A search that runs out of its budget is no verdict: the badge flips only on a
//! certain violation, never on a doubt.

use crate::words::{decimal, fit};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_lincheck::{Operation, Problem};
use river_sim::history::{History, HistoryOp, OpFn, OpType};

/// The most search steps one judgement may take. A person's history is tiny (at most
/// [`crate::app::MAX_USERS`] operations open at a time), and refuting a stale read takes a
/// few thousand steps; the budget keeps a frame short whatever happens.
pub const MAX_PAGE_SEARCH_STEPS: u64 = 100_000;

/// The most characters of a key or value quoted, as the feed quotes a command.
const SHOWN_CHARS: usize = 40;

/// The first operation no order of the users' operations explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotLinearizable {
    /// When it was answered (or, never answered, asked), simulated ms.
    pub time_ms: u64,
    /// Whether it is a read that missed a write acknowledged before it began.
    pub stale_read: bool,
    /// One line for the feed, the timeline's mark and the safety dialog.
    pub text: String,
    /// For a student, under the broken-Raft banner: what went wrong and why it matters.
    pub explained: String,
    /// What went wrong alone, the first sentence of `explained`: the banner's words while a
    /// tour runs, whose caption says why it matters (the whole of `explained` as well made
    /// the banner ten lines tall and the drawing above it too small to read at 1280×800).
    pub happened: String,
}

/// The verdict on the run's history so far, kept with the history it was reached on.
#[derive(Clone, Debug, Default)]
pub struct ReadCheck {
    /// The history lines judged (a copy: after a jump in time the run's history is another
    /// one, and is judged again).
    judged: Vec<HistoryOp>,
    /// `None`: linearizable so far (or not decided within the budget).
    found: Option<NotLinearizable>,
}

impl ReadCheck {
    /// Judges `history` if it changed since the last call. Returns the violation if this
    /// call found it (it was not there before).
    pub fn judge(&mut self, history: &History) -> Option<&NotLinearizable> {
        let ops = &history.ops;
        let grew = ops.len() > self.judged.len() && ops.starts_with(&self.judged);
        if grew && self.found.is_some() {
            // Still not linearizable: a longer history explains no more.
            self.judged.extend_from_slice(&ops[self.judged.len()..]);
            return None;
        }
        if !grew && ops.len() == self.judged.len() && *ops == self.judged {
            return None;
        }
        let before = self.found.take();
        self.judged.clear();
        self.judged.extend_from_slice(ops);
        self.found = verdict(history);
        match (&before, &self.found) {
            (Some(b), Some(f)) if b == f => None,
            (_, found) => found.as_ref(),
        }
    }

    /// The violation found in the history judged last, if any.
    pub fn found(&self) -> Option<&NotLinearizable> {
        self.found.as_ref()
    }
}

/// The first certain violation in `history`, in words. A malformed history (impossible
/// from the simulator) and an undecided search are no verdict.
fn verdict(history: &History) -> Option<NotLinearizable> {
    let report = river_lincheck::check_within(history, MAX_PAGE_SEARCH_STEPS).ok()?;
    let (key, culprit, last_put) = report.problems.iter().find_map(|p| match p {
        Problem::NotLinearizable {
            key,
            culprit,
            last_put,
            ..
        } => Some((key, culprit, last_put.as_ref())),
        Problem::Inconclusive { .. } => None,
    })?;
    Some(words(key, culprit, last_put))
}

fn seconds(ms: u64) -> String {
    format!("{} s", decimal(ms as f64 / 1000.0))
}

fn value_text(value: Option<&str>) -> String {
    match value {
        Some(v) => fit(v, SHOWN_CHARS),
        None => String::from("nothing"),
    }
}

fn words(key: &str, culprit: &Operation, last_put: Option<&Operation>) -> NotLinearizable {
    let key = fit(key, SHOWN_CHARS);
    let time_ms = culprit.completed_ms.unwrap_or(culprit.invoked_ms);
    let got = value_text(culprit.value.as_deref());
    // A read that missed a write acknowledged before it began: the textbook stale read.
    let missed = last_put.filter(|p| culprit.f == OpFn::Get && p.value != culprit.value);
    if let (Some(put), OpType::Ok) = (missed, culprit.outcome) {
        let wrote = value_text(put.value.as_deref());
        let acked = seconds(put.completed_ms.unwrap_or(put.invoked_ms));
        let happened = format!(
            "A read returned a stale value: {key} read {got}, but {key}={wrote} had committed and been acknowledged at {acked}, before that read was asked."
        );
        return NotLinearizable {
            time_ms,
            stale_read: true,
            text: format!(
                "stale read: a read of {key} asked at {} answered {got}, although {key}={wrote} had been acknowledged at {acked}, before the read began",
                seconds(culprit.invoked_ms)
            ),
            explained: format!(
                "{happened} A linearizable store answers every read with the latest acknowledged write, as if the cluster were one server; no order of the users' operations explains this answer, so the cluster is not linearizable. The logs can all still be correct: the read was answered by a server that did not make sure it was up to date."
            ),
            happened,
        };
    }
    let what = match (culprit.f, culprit.outcome) {
        (OpFn::Get, OpType::Ok) => format!("a read of {key} that answered {got}"),
        (OpFn::Get, _) => format!("a read of {key}"),
        (OpFn::Put, _) => format!("the write {key}={got}"),
    };
    NotLinearizable {
        time_ms,
        stale_read: false,
        text: format!(
            "not linearizable: {what} at {} fits no order of the users' operations on {key}",
            seconds(time_ms)
        ),
        explained: format!(
            "What the users saw cannot have come from one server: {what} fits no order of their operations on {key}, so the cluster is not linearizable."
        ),
        happened: format!(
            "What the users saw cannot have come from one server: {what} fits no order of their operations on {key}."
        ),
    }
}
