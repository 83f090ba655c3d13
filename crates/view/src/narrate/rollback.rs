//! A rollback told once and shown where it happens. When followers throw away entries that
//! conflict with their leader's log (§5.3), the feed says so in one line for every server
//! that threw the same entries away ("A and B threw away x=2 at index 3 …"), and each
//! thrown-away entry stays in its log row for a moment, struck through.
//!
//! The core's `Truncated` event says only where and how many: by then the entries are gone.
//! So the narrator remembers each server's uncommitted entries after every batch it tells,
//! and names the thrown-away ones from that memory (an entry appended and thrown away within
//! one batch is counted, not named).

use crate::feed::{Feed, FeedKind};
use crate::words::{fit, letters_and, payload_text, plural};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{LogIndex, NodeId, Term};
use river_sim::Simulation;

/// How long a rollback line waits for the other servers that hold the same entry to throw
/// it away too, so that one line names them all (simulated ms; a leader reaches every
/// follower within a heartbeat or two). It stands at the first server's moment, so the
/// feed's lines after that moment wait with it: this is also the longest they wait.
pub const ROLLBACK_GATHER_MS: u64 = 500;
/// The most uncommitted entries remembered per server.
const MAX_TAIL: usize = 16;
/// The most thrown-away entries drawn at once.
pub const MAX_THROWN: usize = 64;
/// How many thrown-away entries a feed line names before "…".
const NAMED: usize = 3;
/// How many characters of a command a rollback line repeats.
const LABEL_CHARS: usize = 24;

/// An entry a server threw away, drawn struck through in its log row until `until_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Thrown {
    /// The server that threw it away.
    pub node: NodeId,
    /// Its index.
    pub index: u64,
    /// Its term (its colour).
    pub term: Term,
    /// What it held, as a log cell writes it.
    pub label: String,
    /// When it is no longer drawn (display clock, simulated ms).
    pub until_ms: f64,
}

/// A server's uncommitted entries as last seen: from index `from`, each term and label.
#[derive(Clone, Debug, Default)]
struct Tail {
    /// (commit index, last index, last term): unchanged means the tail is unchanged (a
    /// leader never rewrites its log, and a follower's rewrite changes its last entry).
    key: (u64, u64, u64),
    from: u64,
    entries: Vec<(Term, String)>,
}

/// One rollback being gathered: the same first entry thrown away by one server after
/// another.
#[derive(Clone, Debug)]
struct Gathering {
    /// Its place in the feed, kept at the first throw-away ([`Feed::reserve`]).
    slot: u64,
    index: u64,
    term: Option<Term>,
    labels: Vec<String>,
    count: u64,
    nodes: Vec<NodeId>,
    first_ms: u64,
}

/// The narrator's memory for rollbacks.
#[derive(Clone, Debug, Default)]
pub struct Rollbacks {
    tails: Vec<Tail>,
    gathering: Vec<Gathering>,
    /// Thrown-away entries still drawn, oldest first.
    pub thrown: Vec<Thrown>,
}

impl Rollbacks {
    /// Server `n` threw away `removed` entries from index `from` at time `t`: they are
    /// drawn struck through until `t + shown_ms`, and the feed line is gathered (its place
    /// in `feed` is the first server's moment).
    pub fn truncated(
        &mut self,
        feed: &mut Feed,
        (t, n): (u64, NodeId),
        from: LogIndex,
        removed: u64,
        shown_ms: f64,
    ) {
        let mut first_term = None;
        let mut labels = Vec::new();
        if let Some(tail) = self.tails.get(n.index()) {
            for k in 0..removed {
                let index = from.0 + k;
                let Some((term, label)) = index
                    .checked_sub(tail.from)
                    .and_then(|i| tail.entries.get(i as usize))
                else {
                    continue;
                };
                if k == 0 {
                    first_term = Some(*term);
                }
                if labels.len() < NAMED + 1 {
                    labels.push(fit(label, LABEL_CHARS));
                }
                if self.thrown.len() >= MAX_THROWN {
                    self.thrown.remove(0);
                }
                self.thrown.push(Thrown {
                    node: n,
                    index,
                    term: *term,
                    label: label.clone(),
                    until_ms: t as f64 + shown_ms,
                });
            }
        }
        let same = |g: &&mut Gathering| g.index == from.0 && g.term == first_term;
        match self.gathering.iter_mut().find(same) {
            Some(g) => {
                if !g.nodes.contains(&n) {
                    g.nodes.push(n);
                }
                if removed > g.count {
                    g.count = removed;
                    if labels.len() > g.labels.len() {
                        g.labels = labels;
                    }
                }
            }
            None => self.gathering.push(Gathering {
                slot: feed.reserve(),
                index: from.0,
                term: first_term,
                labels,
                count: removed,
                nodes: alloc::vec![n],
                first_ms: t,
            }),
        }
    }

    /// Tells each gathered rollback that is complete: no running server holds its first
    /// entry any more, or [`ROLLBACK_GATHER_MS`] passed. It is told at the moment the first
    /// server threw the entries away, in the place kept for it then.
    pub fn tell(&mut self, sim: &Simulation, feed: &mut Feed) {
        let now = sim.now_ms();
        let mut k = 0;
        while k < self.gathering.len() {
            let g = &self.gathering[k];
            let held = g.term.is_some_and(|term| {
                sim.ids().any(|id| {
                    sim.node(id)
                        .is_some_and(|node| node.log().term_at(LogIndex(g.index)) == Some(term))
                })
            });
            if held && now < g.first_ms + ROLLBACK_GATHER_MS {
                k += 1;
                continue;
            }
            let g = self.gathering.remove(k);
            feed.fill(g.slot, g.first_ms, FeedKind::Warn, rollback_text(&g, sim));
        }
    }

    /// Remembers every running server's uncommitted entries (after a batch is told).
    pub fn remember(&mut self, sim: &Simulation) {
        self.tails.resize_with(sim.size(), Tail::default);
        for id in sim.ids() {
            let tail = &mut self.tails[id.index()];
            let Some(node) = sim.node(id) else {
                *tail = Tail::default();
                continue;
            };
            let log = node.log();
            let key = (node.commit_index().0, log.last_index().0, log.last_term().0);
            if key == tail.key {
                continue;
            }
            tail.key = key;
            tail.from = key.0 + 1;
            tail.entries.clear();
            for index in tail.from..=key.1 {
                if tail.entries.len() >= MAX_TAIL {
                    break;
                }
                if let Some(entry) = log.entry(LogIndex(index)) {
                    tail.entries
                        .push((entry.term, payload_text(&entry.payload)));
                }
            }
        }
    }

    /// Stops drawing entries thrown away before `clock_ms`; says whether any went.
    pub fn prune(&mut self, clock_ms: f64) -> bool {
        let before = self.thrown.len();
        self.thrown.retain(|t| t.until_ms > clock_ms);
        self.thrown.len() != before
    }
}

/// "A and B threw away x=2 at index 3 to match leader C's log: it was never committed".
fn rollback_text(g: &Gathering, sim: &Simulation) -> String {
    let who = letters_and(&g.nodes);
    let one = g.count == 1;
    let what = match (g.labels.as_slice(), one) {
        ([label], true) => format!("{label} at index {}", g.index),
        ([], _) => format!(
            "{} from index {}",
            plural(g.count, "entry", "entries"),
            g.index
        ),
        (labels, _) => {
            let mut list = String::new();
            for (k, label) in labels.iter().take(NAMED).enumerate() {
                if k > 0 {
                    list.push_str(", ");
                }
                list.push_str(label);
            }
            if g.count > NAMED as u64 {
                list.push_str(", …");
            }
            format!(
                "{} from index {} ({list})",
                plural(g.count, "entry", "entries"),
                g.index
            )
        }
    };
    let leader = g
        .nodes
        .first()
        .and_then(|&n| sim.node(n))
        .and_then(|node| node.leader())
        .map_or(String::from("the leader's log"), |l| {
            format!("leader {l}'s log")
        });
    // A correct Raft only ever throws away uncommitted entries; the checker reports it
    // otherwise, and then the line claims only what the servers themselves knew.
    let why = match (sim.checker.violation_count() == 0, one) {
        (true, true) => "it was never committed",
        (true, false) => "they were never committed",
        (false, _) => "not committed where it was thrown away",
    };
    format!("{who} threw away {what} to match {leader}: {why}")
}
