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

/// The log of one server: a compacted prefix (thesis ch. 5: everything up to
/// `snapshot_index` lives only in a snapshot) followed by the entries still held.
/// Invariants: entry terms never decrease along the log, and the first held entry's term is
/// at least `snapshot_term`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<C> {
    /// The last index the snapshot covers; 0 when nothing is compacted.
    snapshot_index: LogIndex,
    /// The term of the entry at `snapshot_index`; 0 when nothing is compacted.
    snapshot_term: Term,
    /// Entries `snapshot_index + 1 ..`.
    entries: Vec<Entry<C>>,
}

impl<C> Default for Log<C> {
    fn default() -> Self {
        Log {
            snapshot_index: LogIndex::ZERO,
            snapshot_term: Term(0),
            entries: Vec::new(),
        }
    }
}

impl<C: Clone> Log<C> {
    /// A log holding `entries` (index 1 first), as restored from stable storage.
    pub fn from_entries(entries: Vec<Entry<C>>) -> Log<C> {
        Log::from_parts(LogIndex::ZERO, Term(0), entries)
    }

    /// A log whose first `snapshot_index` entries are compacted into a snapshot that ends
    /// in `snapshot_term`, followed by `entries`, as restored from stable storage.
    pub fn from_parts(
        snapshot_index: LogIndex,
        snapshot_term: Term,
        entries: Vec<Entry<C>>,
    ) -> Log<C> {
        let log = Log {
            snapshot_index,
            snapshot_term,
            entries,
        };
        log.assert_terms_monotonic();
        log
    }

    /// The last index the snapshot covers (0: nothing compacted).
    pub fn snapshot_index(&self) -> LogIndex {
        self.snapshot_index
    }

    /// The term of the entry at [`Log::snapshot_index`].
    pub fn snapshot_term(&self) -> Term {
        self.snapshot_term
    }

    /// The first index still held as an entry.
    pub fn first_index(&self) -> LogIndex {
        self.snapshot_index.next()
    }

    /// Index of the last entry (or of the snapshot's last), or 0 when empty.
    pub fn last_index(&self) -> LogIndex {
        LogIndex(
            self.snapshot_index
                .0
                .saturating_add(self.entries.len() as u64),
        )
    }

    /// Term of the last entry (or of the snapshot's last), or 0 when empty.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// The term at `index`: `Some(Term(0))` at index 0, the snapshot's term at its last
    /// index, `None` past the end and inside the compacted prefix.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index`, if it is held (not past the end, not compacted).
    pub fn entry(&self, index: LogIndex) -> Option<&Entry<C>> {
        self.entries.get(self.position(index)?)
    }

    /// Held entries from `from` through `to`, both inclusive and clipped to what is held.
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> &[Entry<C>] {
        let len = self.entries.len();
        let start = self
            .position(from.max(self.first_index()))
            .map_or(len, |p| p.min(len));
        let end =
            to.0.checked_sub(self.snapshot_index.0)
                .and_then(|e| usize::try_from(e).ok())
                .map_or(if to < self.snapshot_index { 0 } else { len }, |e| {
                    e.min(len)
                });
        if start >= end {
            return &[];
        }
        &self.entries[start..end]
    }

    /// Every held entry, [`Log::first_index`] first.
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

    /// Removes every entry from `index` on (nothing if `index` is past the end). The
    /// compacted prefix is committed and is never removed.
    pub fn truncate_from(&mut self, index: LogIndex) {
        assert!(
            index > self.snapshot_index,
            "cannot truncate the compacted prefix"
        );
        if let Some(keep) = self.position(index) {
            self.entries.truncate(keep);
        }
    }

    /// Compacts every entry up to `index` (held, past the current snapshot) into the
    /// snapshot (thesis §5.1): they are dropped, their last term kept.
    pub fn compact(&mut self, index: LogIndex) {
        let term = self.term_at(index).expect("compacting held entries");
        let count = self.position(index).expect("past the snapshot") + 1;
        self.entries.drain(..count);
        self.snapshot_index = index;
        self.snapshot_term = term;
    }

    /// Puts an installed snapshot ending at (`index`, `term`) under the log (paper §7,
    /// Figure 13): if an entry there has the same term the entries after it are kept,
    /// otherwise (unless `keep_anyway`, a deliberately broken variant) the whole log is
    /// discarded. Returns whether entries were kept.
    pub fn install(&mut self, index: LogIndex, term: Term, keep_anyway: bool) -> bool {
        assert!(
            index > self.snapshot_index,
            "a snapshot installs past the current one"
        );
        let matches = self.term_at(index) == Some(term);
        if matches || (keep_anyway && index < self.last_index()) {
            let count = self.position(index).map_or(0, |p| p + 1);
            self.entries.drain(..count.min(self.entries.len()));
            self.snapshot_index = index;
            self.snapshot_term = term;
            true
        } else {
            self.entries.clear();
            self.snapshot_index = index;
            self.snapshot_term = term;
            false
        }
    }

    /// The "at least as up-to-date" comparison of §5.4.1: a later last term wins; with equal
    /// last terms, the longer log wins.
    pub fn candidate_is_up_to_date(&self, last_log_index: LogIndex, last_log_term: Term) -> bool {
        (last_log_term, last_log_index) >= (self.last_term(), self.last_index())
    }

    /// The first index holding `term`, searching back from `from` (for the conflict hint);
    /// the search stops at the snapshot.
    pub fn first_index_of_term(&self, term: Term, from: LogIndex) -> LogIndex {
        let mut index = from;
        while index > self.first_index() && self.term_at(index.prev()) == Some(term) {
            index = index.prev();
        }
        index
    }

    /// The last index holding `term`, if any entry has it (the leader's side of the hint).
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        let held = self
            .entries
            .iter()
            .rposition(|e| e.term == term)
            .map(|p| LogIndex(self.snapshot_index.0 + p as u64 + 1));
        let at_snapshot = (self.snapshot_index.0 > 0 && self.snapshot_term == term)
            .then_some(self.snapshot_index);
        held.or(at_snapshot)
    }

    /// The last configuration entry from `from` through `to` (both inclusive, clipped to
    /// the log), with its index.
    pub fn last_membership(&self, from: LogIndex, to: LogIndex) -> Option<(LogIndex, Membership)> {
        let entries = self.slice(from, to);
        // The slice starts at the first entry the log still holds: below it lies the
        // snapshot, so a search from index 1 of a compacted log counts from there.
        let first = from.max(self.first_index()).0;
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

    /// Where entry `index` sits in the vector: `None` at or below the snapshot and for an
    /// index no `usize` can hold. Checked, never `as usize`: on wasm32 that would truncate
    /// index 2^32 + 1 to 1.
    fn position(&self, index: LogIndex) -> Option<usize> {
        let offset = self.snapshot_index.0.checked_add(1)?;
        usize::try_from(index.0.checked_sub(offset)?).ok()
    }
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
        assert_eq!(log.position(LogIndex(0)), None);
        assert_eq!(log.position(LogIndex(1)), Some(0));
        if usize::BITS == 32 {
            assert_eq!(log.position(LogIndex((1u64 << 32) + 1)), None);
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

    /// A configuration found in a compacted log is named by its own index, not by its
    /// place after the snapshot: a restarted server once took index 8 for 2, so truncating
    /// from 7 left the removed configuration in force (two leaders in one term, swarm seed
    /// 81823 under PreVote and CheckQuorum).
    #[test]
    fn last_membership_names_the_real_index_of_a_compacted_log() {
        let mut log: Log<u32> = Log::from_parts(LogIndex(6), Term(1), Vec::new());
        log.push(Entry {
            term: Term(2),
            payload: Payload::Noop,
        });
        let four = Membership::initial(4);
        log.push(Entry {
            term: Term(2),
            payload: Payload::Membership(four),
        });
        log.push(Entry {
            term: Term(2),
            payload: Payload::Noop,
        });
        assert_eq!(
            log.last_membership(LogIndex(1), log.last_index()),
            Some((LogIndex(8), four))
        );
        assert_eq!(
            log.last_membership(LogIndex(8), LogIndex(9)),
            Some((LogIndex(8), four))
        );
        assert_eq!(log.last_membership(LogIndex(9), LogIndex(9)), None);
    }

    /// Thesis §5.1: compaction drops a prefix; indexes keep their meaning.
    #[test]
    fn compaction_keeps_indexes_and_the_last_term() {
        let mut log = log_of(&[1, 1, 2, 3, 3]);
        log.compact(LogIndex(3));
        assert_eq!(log.snapshot_index(), LogIndex(3));
        assert_eq!(log.first_index(), LogIndex(4));
        assert_eq!(log.last_index(), LogIndex(5));
        assert_eq!(log.term_at(LogIndex(3)), Some(Term(2)));
        assert_eq!(log.term_at(LogIndex(2)), None, "compacted");
        assert!(log.entry(LogIndex(3)).is_none());
        assert_eq!(log.entry(LogIndex(4)).map(|e| e.term), Some(Term(3)));
        assert_eq!(log.slice(LogIndex(1), LogIndex(9)).len(), 2);
        assert_eq!(log.slice(LogIndex(1), LogIndex(2)).len(), 0);
        assert_eq!(log.slice(LogIndex(5), LogIndex(5)).len(), 1);
        assert_eq!(log.last_index_of_term(Term(2)), Some(LogIndex(3)));
        assert_eq!(log.first_index_of_term(Term(3), LogIndex(5)), LogIndex(4));
        log.truncate_from(LogIndex(5));
        assert_eq!(log.last_index(), LogIndex(4));
    }

    /// Paper §7: an installed snapshot keeps the entries after it only if the log has the
    /// snapshot's last entry; otherwise the whole log goes.
    #[test]
    fn installing_a_snapshot_keeps_only_a_matching_suffix() {
        let mut log = log_of(&[1, 1, 2, 2]);
        assert!(log.install(LogIndex(2), Term(1), false));
        assert_eq!(
            (log.first_index(), log.last_index()),
            (LogIndex(3), LogIndex(4))
        );
        let mut log = log_of(&[1, 1, 2, 2]);
        assert!(!log.install(LogIndex(3), Term(3), false));
        assert_eq!(log.last_index(), LogIndex(3));
        assert!(log.entries().is_empty());
        assert_eq!(log.last_term(), Term(3));
        let mut log = log_of(&[1, 1, 2, 2]);
        assert!(
            log.install(LogIndex(3), Term(3), true),
            "the broken variant keeps them"
        );
        assert_eq!(log.last_index(), LogIndex(4));
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
