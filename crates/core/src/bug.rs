//! Deliberately broken variants of Raft, for teaching ("break Raft on purpose") and to prove
//! that the safety checker can fail. All are off unless switched on by name.

/// One deliberate departure from the paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bug {
    /// A leader commits any entry stored on a majority, whatever its term — the error the
    /// paper's Figure 8 warns against (§5.4.2).
    Figure8Commit,
    /// `voted_for` is not written to stable storage, so a restarted server may vote twice in
    /// one term (§5.2, Figure 2 "Persistent state").
    ForgetVote,
    /// Votes are granted without the "candidate's log is at least as up-to-date" check (§5.4.1).
    NoUpToDateCheck,
    /// Reads are answered from the contacted server's own applied state instead of going
    /// through the log, so a deposed leader or a lagging follower serves stale values (§8).
    StaleRead,
    /// A new leader appends a configuration change before it has committed an entry of its
    /// own term, the flaw in single-server changes found in 2015 (Ongaro, raft-dev): two
    /// changes from different terms can then each win a majority and a committed entry is lost.
    ConfigChangeBeforeNoop,
    /// ReadIndex without the heartbeat round (thesis §6.4 step 3): a leader serves reads at
    /// its commit index without confirming that it still leads, so a deposed leader cut off
    /// from the cluster answers with stale values.
    ReadWithoutHeartbeat,
    /// A follower that accepts an AppendEntries deletes every entry after the message's last
    /// one, even when nothing conflicts — the mistake Figure 2's step 3 ("if an existing entry
    /// conflicts") rules out. A delayed or duplicated AppendEntries then erases entries the
    /// follower already acknowledged, and the leader counted them.
    TruncateOnStaleAppend,
    /// A leader counts a follower as holding everything up to its `next_index` (what was sent)
    /// instead of its `match_index` (what was acknowledged, Figure 2), so it commits entries
    /// that a majority never stored.
    CommitFromNextIndex,
    /// A follower that installs a snapshot keeps the log entries after the snapshot's index
    /// even when its own entry there has another term (paper §7 says: discard the whole log),
    /// so entries of a deposed leader's branch survive after the new leader's prefix.
    SnapshotKeepsConflictingLog,
    /// A server draws its randomized election timeout once, when it starts, and reuses it
    /// for every election instead of drawing afresh each time (§5.2). Two candidates whose
    /// timeouts came out equal then time out together round after round: with no more than
    /// a majority up, every election splits the vote, and no leader is ever elected.
    ElectionTimerOnce,
    /// Lease reads (thesis §6.4.1) that trust the full election timeout, as if every clock
    /// ran at the same rate: where a follower's clock runs fast, it stops honouring the
    /// lease (and votes for a new leader) while the old leader still serves reads locally.
    LeaseWithoutDriftBound,
}

impl Bug {
    /// Every variant, in a fixed order.
    pub const ALL: [Bug; 11] = [
        Bug::Figure8Commit,
        Bug::ForgetVote,
        Bug::NoUpToDateCheck,
        Bug::StaleRead,
        Bug::ConfigChangeBeforeNoop,
        Bug::ReadWithoutHeartbeat,
        Bug::TruncateOnStaleAppend,
        Bug::CommitFromNextIndex,
        Bug::SnapshotKeepsConflictingLog,
        Bug::ElectionTimerOnce,
        Bug::LeaseWithoutDriftBound,
    ];

    /// The name used on command lines, in URLs and in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Bug::Figure8Commit => "figure8-commit",
            Bug::ForgetVote => "forget-vote",
            Bug::NoUpToDateCheck => "no-up-to-date-check",
            Bug::StaleRead => "stale-read",
            Bug::ConfigChangeBeforeNoop => "config-change-before-noop",
            Bug::ReadWithoutHeartbeat => "read-without-heartbeat",
            Bug::TruncateOnStaleAppend => "truncate-on-stale-append",
            Bug::CommitFromNextIndex => "commit-from-next-index",
            Bug::SnapshotKeepsConflictingLog => "snapshot-keeps-conflicting-log",
            Bug::ElectionTimerOnce => "election-timer-once",
            Bug::LeaseWithoutDriftBound => "lease-without-drift-bound",
        }
    }

    /// One sentence on what the variant breaks.
    pub fn description(self) -> &'static str {
        match self {
            Bug::Figure8Commit => {
                "A leader commits entries from earlier terms by counting replicas, so a later leader can overwrite a committed entry (paper Figure 8)."
            }
            Bug::ForgetVote => {
                "A server forgets whom it voted for when it restarts, so it can vote twice in one term and elect two leaders."
            }
            Bug::NoUpToDateCheck => {
                "Servers vote for candidates whose logs are behind theirs, so a leader can be elected without committed entries."
            }
            Bug::StaleRead => {
                "Reads are served from the contacted server's own state without going through the log, so clients can read stale values."
            }
            Bug::SnapshotKeepsConflictingLog => {
                "A follower that installs a snapshot keeps its log entries after the snapshot even when they conflict with it, so two logs with the same entry can disagree on what comes before it."
            }
            Bug::ElectionTimerOnce => {
                "A server draws its random election timeout once, when it starts, instead of for every election, so two servers that drew the same timeout campaign together every time and, with only a majority up, split the vote forever: no leader (a liveness bug; every log stays safe)."
            }
            Bug::LeaseWithoutDriftBound => {
                "A leader's read lease lasts a full election timeout as if clocks never drifted, so where followers' clocks run fast a new leader is elected while the old one still answers reads with stale values."
            }
            Bug::ConfigChangeBeforeNoop => {
                "A new leader changes the membership before committing an entry of its own term, so two configurations from different terms can both win majorities and a committed entry is lost (the 2015 erratum)."
            }
            Bug::ReadWithoutHeartbeat => {
                "A leader serves ReadIndex reads without a heartbeat round to confirm it still leads, so a deposed leader in a minority answers with stale values."
            }
            Bug::TruncateOnStaleAppend => {
                "A follower deletes the entries after an AppendEntries' last one even when nothing conflicts, so a late or duplicated message erases entries it already acknowledged and a committed entry can be lost."
            }
            Bug::CommitFromNextIndex => {
                "A leader counts what it has sent (nextIndex) instead of what followers acknowledged (matchIndex), so it commits entries that a majority never stored."
            }
        }
    }

    /// Looks a variant up by its name.
    pub fn from_name(name: &str) -> Option<Bug> {
        Bug::ALL.into_iter().find(|bug| bug.name() == name)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of switched-on bugs; empty (correct Raft) by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BugSet(u32);

impl BugSet {
    /// No bugs: the algorithm as the paper states it.
    pub const NONE: BugSet = BugSet(0);

    /// Whether `bug` is on.
    pub fn has(self, bug: Bug) -> bool {
        self.0 & bug.bit() != 0
    }

    /// Switches `bug` on or off.
    pub fn set(&mut self, bug: Bug, on: bool) {
        if on {
            self.0 |= bug.bit();
        } else {
            self.0 &= !bug.bit();
        }
    }

    /// This set with `bug` switched on.
    pub fn with(mut self, bug: Bug) -> BugSet {
        self.set(bug, true);
        self
    }

    /// Whether no bug is on.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The switched-on bugs, in `Bug::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Bug> {
        Bug::ALL.into_iter().filter(move |bug| self.has(*bug))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for bug in Bug::ALL {
            assert_eq!(Bug::from_name(bug.name()), Some(bug));
        }
        assert_eq!(Bug::from_name("no-such-bug"), None);
    }

    #[test]
    fn set_and_clear() {
        let mut set = BugSet::NONE.with(Bug::ForgetVote);
        assert!(set.has(Bug::ForgetVote) && !set.has(Bug::Figure8Commit));
        set.set(Bug::ForgetVote, false);
        assert!(set.is_empty());
    }
}
