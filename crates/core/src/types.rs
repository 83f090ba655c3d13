//! Newtypes for the quantities the paper names, so they cannot be mixed up.

use core::fmt;

/// A Raft term (paper §5.1): a logical clock that only moves forward on every server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term(pub u64);

/// A position in the replicated log, starting at 1; index 0 means "before the first entry".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogIndex(pub u64);

/// A server in the cluster: ids are dense, `0..cluster_size`, and print as letters A, B, C, …
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u8);

impl Term {
    /// The largest term. No node ever adopts it from a message or campaigns into it (a
    /// message carrying it is refused), so every term a node takes on has a successor.
    pub const MAX: Term = Term(u64::MAX);

    /// The term after this one, or `None` at [`Term::MAX`]. Terms use checked arithmetic
    /// everywhere: an overflow would wrap to term 0 where overflow checks are off.
    pub fn next(self) -> Option<Term> {
        self.0.checked_add(1).map(Term)
    }

    /// The term a campaign started in this term would ask votes for: the next one, unless
    /// that is [`Term::MAX`], which every peer refuses.
    pub fn next_campaign(self) -> Option<Term> {
        self.next().filter(|&term| term != Term::MAX)
    }
}

impl LogIndex {
    /// The index before any entry.
    pub const ZERO: LogIndex = LogIndex(0);

    /// The following index.
    pub fn next(self) -> LogIndex {
        LogIndex(self.0 + 1)
    }

    /// The preceding index; `ZERO` stays `ZERO`.
    pub fn prev(self) -> LogIndex {
        LogIndex(self.0.saturating_sub(1))
    }
}

impl NodeId {
    /// The id as an index into per-node vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The letter a person sees for this node: A for 0, B for 1, and so on; `?` for an id
    /// past Z, which no cluster has but a corrupt message may name.
    pub fn letter(self) -> char {
        if self.0 < 26 {
            char::from(b'A' + self.0)
        } else {
            '?'
        }
    }

    /// Parses a node letter (`A`, `b`) back into an id.
    pub fn from_letter(c: char) -> Option<NodeId> {
        let upper = c.to_ascii_uppercase();
        if upper.is_ascii_uppercase() {
            Some(NodeId(upper as u8 - b'A'))
        } else {
            None
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for LogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 26 {
            write!(f, "{}", self.letter())
        } else {
            write!(f, "#{}", self.0)
        }
    }
}
