//! The timeline's marks: the moments of a run worth jumping to (elections, new leaders,
//! commits, crashes, restarts, cuts, heals, safety violations), each made once, the first
//! time the run passes it, and bounded so a long run keeps the newest.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::Event;
use river_sim::trace::{TraceEvent, TraceRecord};
use river_sim::Simulation;

/// The most marks kept; older ones give way (a long run has thousands of commits).
pub const MAX_MARKS: usize = 2_000;

/// A moment on the timeline worth jumping to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When (simulated ms).
    pub time_ms: u64,
    /// `election`, `leader`, `commit`, `crash`, `restart`, `cut`, `heal` or `violation`.
    pub kind: &'static str,
    /// The term it belongs to, for its colour.
    pub term: u64,
    /// What happened, in words.
    pub text: String,
    /// Its place in the run's trace (records before it).
    pub index: u64,
}

/// The marks of the run shown, in time order.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    /// At most [`MAX_MARKS`], oldest first.
    list: Vec<Mark>,
    /// Trace records before this index have been looked at.
    seen: u64,
    /// The highest index a commit mark was made for.
    committed: u64,
}

impl Marks {
    /// The marks, oldest first.
    pub fn list(&self) -> &[Mark] {
        &self.list
    }

    /// Forgets every mark (a fresh run, or a branch whose past is marked again).
    pub fn clear(&mut self) {
        *self = Marks::default();
    }

    /// A new future starts at trace record `seen` of `sim`: marks after it belonged to the
    /// future left behind.
    pub fn branch(&mut self, sim: &Simulation) {
        let seen = sim.trace.len();
        self.list.retain(|m| m.index < seen);
        self.seen = seen;
        self.committed = sim.checker.committed_len();
    }

    /// Turns the newest trace `records` of `sim` (those it just made) into marks; records
    /// already looked at are skipped.
    pub fn record(&mut self, records: &[TraceRecord], sim: &Simulation) {
        let top_term = sim
            .ids()
            .filter_map(|id| sim.node(id))
            .map(|n| n.term().0)
            .max()
            .unwrap_or(0);
        let first = sim.trace.len() - records.len() as u64;
        for (index, record) in (first..).zip(records) {
            if index < self.seen {
                continue;
            }
            if let Some((kind, term, text)) = self.mark_for(record, top_term) {
                if self.list.len() >= MAX_MARKS {
                    self.list.remove(0);
                }
                let time_ms = record.time_ms;
                self.list.push(Mark {
                    time_ms,
                    kind,
                    term,
                    text,
                    index,
                });
            }
        }
        self.seen = self.seen.max(sim.trace.len());
    }

    /// Marks a violation found outside the trace (a stale read in the users' history),
    /// once: found again after a jump in time, it is not marked twice.
    pub fn violation(&mut self, time_ms: u64, index: u64, text: &str) {
        let known = self
            .list
            .iter()
            .any(|m| m.kind == "violation" && m.time_ms == time_ms && m.text == text);
        if known {
            return;
        }
        if self.list.len() >= MAX_MARKS {
            self.list.remove(0);
        }
        // Kept in time order: the read was answered a moment before it was judged.
        let at = self.list.partition_point(|m| m.time_ms <= time_ms);
        self.list.insert(
            at,
            Mark {
                time_ms,
                kind: "violation",
                term: 0,
                text: String::from(text),
                index,
            },
        );
    }

    /// The mark one record makes, if any: its kind, term and words.
    fn mark_for(
        &mut self,
        record: &TraceRecord,
        top_term: u64,
    ) -> Option<(&'static str, u64, String)> {
        match &record.event {
            TraceEvent::Node { node, event } => match *event {
                Event::ElectionStarted { term } => Some((
                    "election",
                    term.0,
                    format!("{node} started an election for term {term}"),
                )),
                Event::BecameLeader { term, .. } => Some((
                    "leader",
                    term.0,
                    format!("{node} became leader for term {term}"),
                )),
                Event::Committed { index, term } if index.0 > self.committed => {
                    self.committed = index.0;
                    Some(("commit", term.0, format!("entry {index} committed")))
                }
                _ => None,
            },
            TraceEvent::Crash { node } => Some(("crash", top_term, format!("{node} crashed"))),
            TraceEvent::Restart { node, .. } => {
                Some(("restart", top_term, format!("{node} restarted")))
            }
            TraceEvent::Link { from, to, up } => {
                let kind = if *up { "heal" } else { "cut" };
                // One mark per moment for a cut made of several directed links.
                let t = record.time_ms;
                if self
                    .list
                    .last()
                    .is_some_and(|m| m.time_ms == t && m.kind == kind)
                {
                    None
                } else {
                    let verb = if *up { "restored" } else { "cut" };
                    Some((kind, top_term, format!("link {from}→{to} {verb}")))
                }
            }
            TraceEvent::Violation { text } => Some(("violation", top_term, text.clone())),
            _ => None,
        }
    }
}
