//! The replicated log (paper §5.3): entries indexed from 1, each stamped with the term in
//! which a leader created it.

use crate::membership::Membership;
use crate::types::{LogIndex, Term};
use alloc::vec::Vec;

/// What an entry carries: a client command, the no-op a new leader appends (§8) so that it
/// can commit entries from earlier terms, or a new cluster configuration (thesis §4.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload<C> {
    /// A new leader's empty entry.
    Noop,
    /// A client's command for the state machine.
    Command(C),
    /// The cluster's configuration from this entry on; in effect on a server as soon as the
    /// entry is in its log (thesis §4.1).
    Membership(Membership),
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry<C> {
    /// The leader's term when the entry was created.
    pub term: Term,
    /// What to apply.
    pub payload: Payload<C>,
}

/// The log of one server. Invariant: entry terms never decrease along the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<C> {
    entries: Vec<Entry<C>>,
}

impl<C> Default for Log<C> {
    fn default() -> Self {
        Log {
            entries: Vec::new(),
        }
    }
}

impl<C: Clone> Log<C> {
    /// A log holding `entries` (index 1 first), as restored from stable storage.
    pub fn from_entries(entries: Vec<Entry<C>>) -> Log<C> {
        let log = Log { entries };
        log.assert_terms_monotonic();
        log
    }

    /// Index of the last entry, or 0 when empty.
    pub fn last_index(&self) -> LogIndex {
        LogIndex(self.entries.len() as u64)
    }

    /// Term of the last entry, or 0 when empty.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(Term(0), |e| e.term)
    }

    /// The term at `index`: `Some(Term(0))` at index 0, `None` past the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index.0 == 0 {
            return Some(Term(0));
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index`, if present.
    pub fn entry(&self, index: LogIndex) -> Option<&Entry<C>> {
        self.entries.get(position(index)?)
    }

    /// Entries from `from` through `to`, both inclusive and clipped to the log.
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> &[Entry<C>] {
        let len = self.entries.len();
        let start = position(from.max(LogIndex(1))).map_or(len, |p| p.min(len));
        let end = usize::try_from(to.0).map_or(len, |e| e.min(len));
        if start >= end {
            return &[];
        }
        &self.entries[start..end]
    }

    /// Every entry, index 1 first.
    pub fn entries(&self) -> &[Entry<C>] {
        &self.entries
    }

    /// Appends one entry; its term must not be below the last entry's.
    pub fn push(&mut self, entry: Entry<C>) {
        assert!(
            entry.term >= self.last_term(),
            "log terms must not decrease: appending term {} after {}",
            entry.term,
            self.last_term()
        );
        self.entries.push(entry);
    }

    /// Removes every entry from `index` on (nothing if `index` is past the end).
    pub fn truncate_from(&mut self, index: LogIndex) {
        assert!(index.0 >= 1, "cannot truncate before index 1");
        if let Some(keep) = position(index) {
            self.entries.truncate(keep);
        }
    }

    /// The "at least as up-to-date" comparison of §5.4.1: a later last term wins; with equal
    /// last terms, the longer log wins.
    pub fn candidate_is_up_to_date(&self, last_log_index: LogIndex, last_log_term: Term) -> bool {
        (last_log_term, last_log_index) >= (self.last_term(), self.last_index())
    }

    /// The first index holding `term`, searching back from `from` (for the conflict hint).
    pub fn first_index_of_term(&self, term: Term, from: LogIndex) -> LogIndex {
        let mut index = from;
        while index.0 > 1 && self.term_at(index.prev()) == Some(term) {
            index = index.prev();
        }
        index
    }

    /// The last index holding `term`, if any entry has it (the leader's side of the hint).
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        self.entries
            .iter()
            .rposition(|e| e.term == term)
            .map(|p| LogIndex(p as u64 + 1))
    }

    /// The last configuration entry from `from` through `to` (both inclusive, clipped to
    /// the log), with its index.
    pub fn last_membership(&self, from: LogIndex, to: LogIndex) -> Option<(LogIndex, Membership)> {
        let entries = self.slice(from, to);
        let first = from.max(LogIndex(1)).0;
        entries
            .iter()
            .enumerate()
            .rev()
            .find_map(|(k, e)| match e.payload {
                Payload::Membership(m) => Some((LogIndex(first + k as u64), m)),
                _ => None,
            })
    }

    fn assert_terms_monotonic(&self) {
        assert!(
            self.entries.windows(2).all(|w| w[0].term <= w[1].term),
            "log terms must not decrease"
        );
    }
}

/// Where entry `index` sits in the vector: `None` for index 0 and for an index no `usize`
/// can hold. Checked, never `as usize`: on wasm32 that would truncate index 2^32 + 1 to 1.
fn position(index: LogIndex) -> Option<usize> {
    usize::try_from(index.0.checked_sub(1)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn log_of(terms: &[u64]) -> Log<u32> {
        Log::from_entries(
            terms
                .iter()
                .map(|&t| Entry {
                    term: Term(t),
                    payload: Payload::Noop,
                })
                .collect(),
        )
    }

    #[test]
    fn term_at_covers_zero_and_past_the_end() {
        let log = log_of(&[1, 1, 2]);
        assert_eq!(log.term_at(LogIndex(0)), Some(Term(0)));
        assert_eq!(log.term_at(LogIndex(3)), Some(Term(2)));
        assert_eq!(log.term_at(LogIndex(4)), None);
    }

    /// §5.4.1: compare last terms first, then lengths.
    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log_of(&[1, 2, 2]);
        assert!(log.candidate_is_up_to_date(LogIndex(1), Term(3)));
        assert!(log.candidate_is_up_to_date(LogIndex(3), Term(2)));
        assert!(!log.candidate_is_up_to_date(LogIndex(2), Term(2)));
        assert!(!log.candidate_is_up_to_date(LogIndex(9), Term(1)));
    }

    #[test]
    fn term_search_for_fast_backtracking() {
        let log = log_of(&[1, 1, 4, 4, 4, 5]);
        assert_eq!(log.first_index_of_term(Term(4), LogIndex(5)), LogIndex(3));
        assert_eq!(log.last_index_of_term(Term(4)), Some(LogIndex(5)));
        assert_eq!(log.last_index_of_term(Term(2)), None);
    }

    /// An index no `usize` holds is past the end, never a wrapped small index.
    #[test]
    fn huge_indexes_are_past_the_end() {
        let log = log_of(&[1, 2]);
        for index in [(1u64 << 32) + 1, u64::MAX] {
            assert_eq!(log.term_at(LogIndex(index)), None);
            assert!(log.entry(LogIndex(index)).is_none());
            assert!(log.slice(LogIndex(index), LogIndex(u64::MAX)).is_empty());
        }
        assert_eq!(log.slice(LogIndex(1), LogIndex(u64::MAX)).len(), 2);
        assert_eq!(position(LogIndex(0)), None);
        assert_eq!(position(LogIndex(1)), Some(0));
        if usize::BITS == 32 {
            assert_eq!(position(LogIndex((1u64 << 32) + 1)), None);
        }
    }

    #[test]
    fn slice_clips_and_truncate_removes_suffix() {
        let mut log = log_of(&[1, 1, 2, 3]);
        assert_eq!(log.slice(LogIndex(2), LogIndex(9)).len(), 3);
        assert!(log.slice(LogIndex(5), LogIndex(9)).is_empty());
        log.truncate_from(LogIndex(3));
        assert_eq!(log.last_index(), LogIndex(2));
        assert_eq!(
            log.entries(),
            &vec![log_of(&[1, 1]).entries()[0].clone(); 2][..]
        );
    }

    #[test]
    #[should_panic(expected = "log terms must not decrease")]
    fn pushing_an_older_term_is_a_bug() {
        let mut log = log_of(&[3]);
        log.push(Entry {
            term: Term(2),
            payload: Payload::Noop,
        });
    }
}
