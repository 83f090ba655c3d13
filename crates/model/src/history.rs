//! What a run remembers and promises, apart from any one moment of it: the invariants a run
//! must keep ([`Invariant`]) and the ghost state some of them need ([`History`]).
//!
//! Some properties are about the whole run, not one moment: "at most one leader per term"
//! must remember leaders that have since stepped down, and "no two servers apply different
//! entries at one index" must remember what a server applied before a later leader overwrote
//! its log. [`History`] keeps exactly that; [`crate::cluster::Cluster`] writes it after every
//! input and [`crate::safety`] reads it. Neither of those two needs the other's file for it.

use river_core::{Entry, LogIndex, NodeId, ReadId, Term};
use std::collections::BTreeMap;
use std::fmt;

/// A client command. Commands are numbered from 1 in the order they are proposed, so two
/// different proposals never look alike.
pub type Command = u32;

/// One property a run must keep. The first four are Figure 3 of the paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    /// At most one leader can be elected in a given term (§5.2).
    ElectionSafety,
    /// If two logs contain an entry with the same index and term, the logs are identical in
    /// all entries up through that index (§5.3).
    LogMatching,
    /// If an entry is committed in a given term, it is present in the logs of the leaders of
    /// all higher-numbered terms (§5.4).
    LeaderCompleteness,
    /// If a server has applied an entry at an index, no other server ever applies a different
    /// entry at that index (§5.4.3).
    StateMachineSafety,
    /// What every node promises about itself: its term and (within one incarnation) its commit
    /// index never decrease, the commit index never passes the log's end, log terms never
    /// decrease along the log (from its snapshot's last term on), and no entry's term exceeds
    /// the current term.
    NodeLocal,
    /// What a node reports in a `Ready` is enough to rebuild it: after persisting, the stored
    /// snapshot and log equal the node's and the stored term equals the current term (Figure 2,
    /// "Persistent state"; the vote too unless the `forget-vote` bug drops it on purpose).
    Durability,
    /// The core never trips one of its own assertions.
    NoPanic,
    /// No node refuses a message of correct Raft: refusals (`Event::MessageRefused`) are
    /// for forged messages only.
    HonestMessagesAccepted,
    /// A read served without a log entry (ReadIndex, thesis §6.4) reflects every entry
    /// committed anywhere before it was asked: its read index is at least the highest index
    /// any server knew committed at that moment, so the answer is not stale.
    FreshReads,
}

impl Invariant {
    /// Every invariant, in a fixed order.
    pub const ALL: [Invariant; 9] = [
        Invariant::ElectionSafety,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::NodeLocal,
        Invariant::Durability,
        Invariant::NoPanic,
        Invariant::HonestMessagesAccepted,
        Invariant::FreshReads,
    ];

    /// The name used for the model checker's property and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election safety",
            Invariant::LogMatching => "log matching",
            Invariant::LeaderCompleteness => "leader completeness",
            Invariant::StateMachineSafety => "state machine safety",
            Invariant::NodeLocal => "node-local invariants",
            Invariant::Durability => "durability",
            Invariant::NoPanic => "no panic",
            Invariant::HonestMessagesAccepted => "honest messages accepted",
            Invariant::FreshReads => "fresh reads",
        }
    }

    /// Whether the invariant must hold even after forged messages: what a node promises
    /// about itself does, whatever it is sent; the cluster-wide properties cannot, since Raft
    /// trusts its peers (a forged vote can elect a second leader).
    pub fn holds_under_forgery(self) -> bool {
        matches!(
            self,
            Invariant::NodeLocal | Invariant::Durability | Invariant::NoPanic
        )
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An entry some server applied, and the lowest term in which any server knew it committed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Committed {
    /// The entry as first applied.
    pub entry: Entry<Command>,
    /// The lowest current term of a server that applied it: the term it was committed in.
    pub term: Term,
}

/// Ghost state about the whole run, which no single moment shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct History {
    /// Every leader ever seen, by term. A second leader in a term is recorded as a violation
    /// instead of overwriting the first.
    pub leaders: BTreeMap<Term, NodeId>,
    /// Every applied entry, by index. Invariant (unless a violation is recorded): no server
    /// applied a different entry at the same index.
    pub committed: BTreeMap<LogIndex, Committed>,
    /// The first violation seen of each invariant that only a transition shows.
    pub violations: BTreeMap<Invariant, String>,
    /// Reads asked and not yet answered, by id: the server asked, and the highest index
    /// known committed anywhere when it was asked (what the answer must reflect).
    pub reads: BTreeMap<ReadId, (NodeId, LogIndex)>,
    /// Reads served so far (a served read's check is done when it is served).
    pub reads_served: u32,
    /// With compaction in the run: the fingerprint of the log prefix ending at each (index,
    /// term) any server's log has held, so that Log Matching is checked across time as well
    /// as between the logs of one moment (a snapshot can put a log's entries after another
    /// prefix than the one they were appended to, with no other log holding them now).
    /// `None` otherwise, which keeps the other spaces as small as they were.
    pub prefixes: Option<BTreeMap<(LogIndex, Term), u64>>,
}

impl History {
    /// Notes that `node` is leader in `term`.
    pub fn record_leader(&mut self, term: Term, node: NodeId) {
        let first = *self.leaders.entry(term).or_insert(node);
        if first != node {
            self.record_violation(
                Invariant::ElectionSafety,
                format!("both {first} and {node} were leader in term {term}"),
            );
        }
    }

    /// Notes that `node`, in `term`, applied `entry` at `index`.
    pub fn record_applied(
        &mut self,
        node: NodeId,
        term: Term,
        index: LogIndex,
        entry: &Entry<Command>,
    ) {
        match self.committed.get_mut(&index) {
            None => {
                self.committed.insert(
                    index,
                    Committed {
                        entry: entry.clone(),
                        term,
                    },
                );
            }
            Some(first) if first.entry != *entry => {
                let detail = format!(
                    "{node} applied {} at index {index}, but {} was applied there before",
                    describe_entry(entry),
                    describe_entry(&first.entry)
                );
                self.record_violation(Invariant::StateMachineSafety, detail);
            }
            Some(first) => first.term = first.term.min(term),
        }
    }

    /// The highest index any server has known committed: every server applies what it
    /// learns committed in the same `Ready`, so it is the highest index applied anywhere.
    pub fn highest_committed(&self) -> LogIndex {
        self.committed
            .keys()
            .next_back()
            .copied()
            .unwrap_or(LogIndex::ZERO)
    }

    /// Notes that a client asked `node` for the read `id`, now.
    pub fn record_read_asked(&mut self, node: NodeId, id: ReadId) {
        let committed = self.highest_committed();
        self.reads.insert(id, (node, committed));
    }

    /// Notes that `node` answered the read `id`: served at `read_index`, or failed (`None`).
    /// A served read must have been asked there, and its read index must reach everything
    /// committed when it was asked.
    pub fn record_read_answered(&mut self, node: NodeId, id: ReadId, read_index: Option<LogIndex>) {
        let Some((asked, committed)) = self.reads.remove(&id) else {
            let detail = format!("{node} answered read #{}, which nobody asked it", id.0);
            return self.record_violation(Invariant::NodeLocal, detail);
        };
        if asked != node {
            let detail = format!("{node} answered read #{}, asked at {asked}", id.0);
            return self.record_violation(Invariant::NodeLocal, detail);
        }
        let Some(read_index) = read_index else {
            return;
        };
        self.reads_served += 1;
        if read_index < committed {
            let detail = format!(
                "{node} served read #{} at read index {read_index}, but index {committed} was committed before it was asked",
                id.0
            );
            self.record_violation(Invariant::FreshReads, detail);
        }
    }

    /// `node` crashed: the reads it held are never answered.
    pub fn forget_reads_at(&mut self, node: NodeId) {
        self.reads.retain(|_, (asked, _)| *asked != node);
    }

    /// Notes that `node`'s whole log (index 1 first, a compacted prefix read through its
    /// snapshot) is `log`: every entry must follow the same prefix as whenever a log held
    /// the same index and term before (Log Matching, §5.3). Nothing without [`History::prefixes`].
    pub fn record_log(&mut self, node: NodeId, log: &[Entry<Command>]) {
        use std::hash::{Hash, Hasher};
        let Some(prefixes) = &mut self.prefixes else {
            return;
        };
        let mut prefix = 0u64;
        let mut broken = None;
        for (k, entry) in log.iter().enumerate() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (prefix, entry).hash(&mut h);
            prefix = h.finish();
            let key = (LogIndex(k as u64 + 1), entry.term);
            match prefixes.get(&key) {
                Some(&known) if known != prefix => {
                    broken.get_or_insert(key);
                }
                Some(_) => {}
                None => {
                    prefixes.insert(key, prefix);
                }
            }
        }
        if let Some((index, term)) = broken {
            let detail = format!(
                "{node}'s log holds an entry of term {term} at index {index} after other entries than a log that held it before"
            );
            self.record_violation(Invariant::LogMatching, detail);
        }
    }

    /// Keeps the first violation of `invariant`; later ones add nothing a reader needs.
    pub fn record_violation(&mut self, invariant: Invariant, detail: String) {
        self.violations.entry(invariant).or_insert(detail);
    }
}

/// An entry as a person reads it: `t2 noop`, `t1 #3`, `t1 config ABCD learning E`.
pub fn describe_entry(entry: &Entry<Command>) -> String {
    match entry.payload {
        river_core::Payload::Noop => format!("t{} noop", entry.term),
        river_core::Payload::Command(c) => format!("t{} #{c}", entry.term),
        river_core::Payload::Membership(m) => {
            let voters: String = m.voters().map(|v| v.letter()).collect();
            let learners: String = m.learners().map(|v| v.letter()).collect();
            if learners.is_empty() {
                format!("t{} config {voters}", entry.term)
            } else {
                format!("t{} config {voters} learning {learners}", entry.term)
            }
        }
    }
}
