//! Majority arithmetic (§5.2, §5.3), on fixed arrays so the hot path never allocates.

use crate::config::MAX_CLUSTER_SIZE;
use crate::types::LogIndex;

/// The highest index stored on at least `quorum` servers, given every server's match index.
pub fn quorum_index(match_indexes: &[LogIndex], quorum: usize) -> LogIndex {
    assert!(match_indexes.len() <= MAX_CLUSTER_SIZE, "cluster too large");
    assert!(
        quorum >= 1 && quorum <= match_indexes.len(),
        "quorum {quorum} out of range"
    );
    let mut sorted = [LogIndex(0); MAX_CLUSTER_SIZE];
    let sorted = &mut sorted[..match_indexes.len()];
    sorted.copy_from_slice(match_indexes);
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted[quorum - 1]
}

/// A set of server ids that answered something (votes granted, recent contact): a bitmask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Voters(u32);

impl Voters {
    /// Adds server `index`.
    pub fn insert(&mut self, index: usize) {
        assert!(index < MAX_CLUSTER_SIZE, "server index out of range");
        self.0 |= 1 << index;
    }

    /// Takes server `index` out.
    pub fn remove(&mut self, index: usize) {
        if index < 32 {
            self.0 &= !(1 << index);
        }
    }

    /// Whether server `index` is in the set.
    pub fn contains(self, index: usize) -> bool {
        index < 32 && self.0 & (1 << index) != 0
    }

    /// How many servers are in the set.
    pub fn count(self) -> usize {
        self.0.count_ones() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_index_is_the_majority_th_largest() {
        let m = [
            LogIndex(5),
            LogIndex(1),
            LogIndex(3),
            LogIndex(4),
            LogIndex(2),
        ];
        assert_eq!(quorum_index(&m, 3), LogIndex(3));
        assert_eq!(quorum_index(&m[..1], 1), LogIndex(5));
    }

    #[test]
    fn voters_count_each_server_once() {
        let mut v = Voters::default();
        v.insert(2);
        v.insert(2);
        v.insert(0);
        assert_eq!(v.count(), 2);
        assert!(v.contains(2) && !v.contains(1));
    }
}
