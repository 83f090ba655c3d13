//! The safety checker: after every event it checks the properties of the paper's Figure 3,
//! plus monotonic terms and commit indexes and that a committed entry is never lost.
//!
//! It is incremental, so it can run after every event of long runs: each server's log is
//! kept as a chain of prefix fingerprints (entry `i`'s fingerprint covers entries `1..=i`),
//! updated only from the index the server's `Ready` says changed, and rebuilt from the
//! whole stored log when a server restarts. Two logs agree on their first `i` entries
//! exactly when their fingerprints at `i` are equal (up to 64-bit hash collisions).
//!
//! It trusts nothing it is told: an index outside a server's log, a server outside the
//! cluster or a rewrite from index 0 is reported as [`Property::SimulatorConsistency`]
//! instead of crashing the checker.

use crate::hash::digest;
use crate::kv::Command;
use crate::vecmap::VecMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{
    quorum_index, Entry, LogIndex, Membership, Node, NodeId, Payload, Role, Term, MAX_CLUSTER_SIZE,
};

/// The most violations kept per run; later ones are counted but not described.
pub const MAX_VIOLATIONS_KEPT: usize = 64;

/// A safety property of Raft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    /// At most one leader per term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log (§5.3).
    ///
    /// No planted bug breaks it: in the core a leader's log changes only by appending (the
    /// leader role has no path that truncates, and refuses AppendEntries even from a rival
    /// of its own term), so only a broken core could. `crates/sim/tests/properties.rs` shows
    /// it fire on the report such a core would make.
    LeaderAppendOnly,
    /// Logs with an entry of the same index and term agree on every entry up to it (§5.3).
    ///
    /// Followers accept entries only after the consistency check of AppendEntries and
    /// leaders only append, so through AppendEntries it breaks only when two leaders of one
    /// term append at one index, and then Election Safety has been reported already. A
    /// snapshot skips that check: `snapshot-keeps-conflicting-log` breaks it first and alone
    /// (its script, which `crates/sim/tests/properties.rs` plays), and the same test feeds
    /// the checker two logs that agree on an entry but not before it.
    LogMatching,
    /// A committed entry is in the log of every leader of a later term (§5.4).
    LeaderCompleteness,
    /// No two servers apply different entries at one index (§5.4.3).
    StateMachineSafety,
    /// A server's term never decreases, even across restarts (§5.1).
    ///
    /// No planted bug breaks it: the core asserts that its term never goes back, and the
    /// simulator restores it from the disk on a restart; only a disk that lost its hard state
    /// could (`crates/sim/tests/properties.rs` feeds one).
    MonotonicTerm,
    /// A server's commit index never decreases while it runs.
    ///
    /// No planted bug breaks it: the core asserts it, and a restart (which legitimately starts
    /// it over) is reported to the checker. Only a simulator that swapped a running node
    /// without saying so could (`crates/sim/tests/properties.rs` does that).
    MonotonicCommit,
    /// A committed entry stays stored on enough voters of the latest committed configuration
    /// that every majority of it includes one, across crashes.
    CommittedEntryKept,
    /// What the simulator reports about a server is possible: applied and committed
    /// indexes lie inside its log, it rewrites its log from index 1 on, it is one of the
    /// cluster's servers. Broken only by a broken simulator (or core), never by a bug in
    /// the Raft rules.
    SimulatorConsistency,
    /// A leader appends a configuration only when the one before it in its log is committed:
    /// at most one change is in flight (thesis §4.1).
    ///
    /// No planted bug breaks it: the core refuses a second change while one is in flight
    /// (`config-change-before-noop` breaks a different rule, and loses a committed entry).
    /// `crates/sim/tests/properties.rs` shows it fire on a log a broken leader would write.
    OneChangeAtATime,
}

impl Property {
    /// The property's name as people read it.
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::MonotonicTerm => "Monotonic term",
            Property::MonotonicCommit => "Monotonic commit index",
            Property::CommittedEntryKept => "Committed entry kept",
            Property::SimulatorConsistency => "Simulator consistency",
            Property::OneChangeAtATime => "One membership change at a time",
        }
    }
}

/// One broken property, described in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which property.
    pub property: Property,
    /// When it was detected (simulated ms).
    pub time_ms: u64,
    /// What broke: which servers, which entries.
    pub text: String,
}

/// What changed at one server during one event, as its `Ready` reported it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The log was rewritten from this index on.
    pub log_from: Option<LogIndex>,
    /// These entries were applied to the state machine.
    pub applied: Option<(LogIndex, LogIndex)>,
    /// A snapshot from the leader was installed, covering entries up to this index.
    pub snapshot_installed: Option<LogIndex>,
}

#[derive(Clone, Debug, Default)]
struct Track {
    /// Prefix fingerprints of the server's log (equal to its stable log).
    chain: Vec<u64>,
    /// Length of the longest prefix of the log equal to the committed prefix.
    committed_prefix: u64,
    term: Term,
    commit: LogIndex,
    /// The term in which it was last seen leading, while it still leads.
    leading: Option<Term>,
}

/// A leader as it was when it took office: Leader Completeness is about the log it was
/// elected with, and an earlier term's commit may become known only after the election.
#[derive(Clone, Debug)]
struct Leadership {
    term: Term,
    id: NodeId,
    /// Its log's prefix fingerprints when it was first seen leading.
    chain: Vec<u64>,
}

/// The checker's state for one run.
#[derive(Clone, Debug)]
pub struct Checker {
    /// The configuration of the highest committed configuration entry (or the initial one):
    /// committed entries must stay on a majority of its voters.
    membership: Membership,
    /// The index of that entry.
    membership_index: LogIndex,
    tracks: Vec<Track>,
    leaders: VecMap<Term, NodeId>,
    /// Leaderships a commit learned late could still concern: those whose term is above
    /// some server's current term (a commit is always learned in a server's current term,
    /// and terms never go down, so older leaderships can be forgotten).
    elected: Vec<Leadership>,
    /// Fingerprint of the prefix ending at each (index, term) ever seen (Log Matching).
    seen: VecMap<(LogIndex, Term), u64>,
    /// For each committed index: the prefix fingerprint and the earliest term in which any
    /// server knew it committed.
    committed: Vec<(u64, Term)>,
    /// For each applied index: the prefix fingerprint of the first application.
    applied: Vec<u64>,
    reported: VecMap<(Property, u64), ()>,
    violations: Vec<Violation>,
    violation_count: usize,
    /// Whether `observe` has anything left to check; false once a run stops checking.
    pub enabled: bool,
}

fn entry_digest(prev: u64, entry: &Entry<Command>) -> u64 {
    digest(prev, &(entry.term.0, &entry.payload))
}

impl Checker {
    /// A checker for a cluster of `size` servers.
    pub fn new(size: usize) -> Checker {
        assert!((1..=MAX_CLUSTER_SIZE).contains(&size));
        Checker {
            membership: Membership::initial(size),
            membership_index: LogIndex::ZERO,
            tracks: alloc::vec![Track::default(); size],
            leaders: VecMap::new(),
            elected: Vec::new(),
            seen: VecMap::new(),
            committed: Vec::new(),
            applied: Vec::new(),
            reported: VecMap::new(),
            violations: Vec::new(),
            violation_count: 0,
            enabled: true,
        }
    }

    /// Violations found so far (at most [`MAX_VIOLATIONS_KEPT`]).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Total violations found, including those not kept.
    pub fn violation_count(&self) -> usize {
        self.violation_count
    }

    /// How many entries are known committed.
    pub fn committed_len(&self) -> u64 {
        self.committed.len() as u64
    }

    /// A server joined the simulation (the next id), with an empty log.
    pub fn add_server(&mut self) {
        assert!(self.tracks.len() < MAX_CLUSTER_SIZE);
        self.tracks.push(Track::default());
    }

    /// The latest configuration known committed.
    pub fn committed_membership(&self) -> Membership {
        self.membership
    }

    /// A server restarted from `stored`, the log on its disk: its volatile state (commit
    /// index, role) starts over, and its log is read again from the disk, whole, rather than
    /// assumed to be what it was before the crash.
    ///
    /// With a snapshot on the disk, the entries it covers are the committed ones (a server
    /// snapshots only what it applied), so the log is read on from after it.
    pub fn restarted(
        &mut self,
        now_ms: u64,
        id: NodeId,
        snapshot_index: LogIndex,
        stored: &[Entry<Command>],
    ) {
        if !self.enabled || !self.is_server(now_ms, id) {
            return;
        }
        let track = &mut self.tracks[id.index()];
        track.commit = LogIndex::ZERO;
        track.leading = None;
        if !self.rebase_on_snapshot(now_ms, id, snapshot_index) {
            return;
        }
        self.rechain(now_ms, id, snapshot_index.next(), stored);
        self.check_committed_kept(now_ms);
    }

    /// Sets server `id`'s log fingerprints up to `snapshot_index` to the committed prefix's,
    /// which is what a snapshot stands for. False (and a consistency report) if that prefix
    /// was never known committed.
    fn rebase_on_snapshot(&mut self, now_ms: u64, id: NodeId, snapshot_index: LogIndex) -> bool {
        let Ok(covered) = usize::try_from(snapshot_index.0) else {
            return false;
        };
        if covered > self.committed.len() {
            let text = format!(
                "{id} holds a snapshot up to index {snapshot_index}, past everything known committed"
            );
            self.inconsistent(now_ms, id, snapshot_index.0, text);
            return false;
        }
        let track = &mut self.tracks[id.index()];
        track.chain.clear();
        track
            .chain
            .extend(self.committed[..covered].iter().map(|&(digest, _)| digest));
        track.committed_prefix = covered as u64;
        true
    }

    /// A server crashed: it leads no more; its stable log stays counted.
    pub fn crashed(&mut self, now_ms: u64, id: NodeId) {
        if self.is_server(now_ms, id) {
            self.tracks[id.index()].leading = None;
        }
    }

    /// Whether `id` is a server of this cluster; reports it if not.
    fn is_server(&mut self, now_ms: u64, id: NodeId) -> bool {
        if id.index() < self.tracks.len() {
            return true;
        }
        let text = format!(
            "told about server {id}, outside this {}-server cluster",
            self.tracks.len()
        );
        self.inconsistent(now_ms, id, 0, text);
        false
    }

    /// Checks everything one event may have broken at server `node`.
    pub fn observe(&mut self, now_ms: u64, node: &Node<Command>, change: Change) {
        if !self.enabled {
            return;
        }
        let id = node.id();
        if !self.is_server(now_ms, id) {
            return;
        }
        let i = id.index();
        // Monotonic term (§5.1).
        if node.term() < self.tracks[i].term {
            let text = format!(
                "{id}'s term went back from {} to {}",
                self.tracks[i].term,
                node.term()
            );
            self.report(now_ms, Property::MonotonicTerm, u64::from(id.0), text);
        }
        self.tracks[i].term = node.term();
        // Leader Append-Only: a leader's Ready only ever starts past its old end.
        if let Some(index) = change.snapshot_installed {
            // The snapshot stands for the committed prefix up to its index; what the log
            // holds after it is fingerprinted on that prefix again (Log Matching over
            // snapshot plus log).
            if self.rebase_on_snapshot(now_ms, id, index) {
                let entries = node.log().slice(index.next(), node.log().last_index());
                self.rechain(now_ms, id, index.next(), entries);
            }
        }
        if change.log_from == Some(LogIndex::ZERO) {
            let text = format!("{id}'s log was reported rewritten from index 0");
            self.inconsistent(now_ms, id, 1, text);
        } else if let Some(from) = change.log_from {
            let old_len = self.tracks[i].chain.len() as u64;
            if self.tracks[i].leading == Some(node.term())
                && node.role() == Role::Leader
                && from.0 <= old_len
            {
                let text = format!(
                    "leader {id} rewrote its log from index {from} in term {}",
                    node.term()
                );
                self.report(now_ms, Property::LeaderAppendOnly, node.term().0, text);
            }
            if node.role() == Role::Leader {
                self.check_one_change(now_ms, node, from);
            }
            let entries = node.log().slice(from, node.log().last_index());
            self.rechain(now_ms, id, from, entries);
        }
        // Commit index: monotonic, and every server commits the same entries.
        let commit = node.commit_index();
        if commit < self.tracks[i].commit {
            let text = format!(
                "{id}'s commit index went back from {} to {commit}",
                self.tracks[i].commit
            );
            self.report(now_ms, Property::MonotonicCommit, u64::from(id.0), text);
        } else if commit > self.tracks[i].commit {
            self.record_commit(now_ms, node, self.tracks[i].commit.next(), commit);
            self.tracks[i].commit = commit;
        }
        if let Some((from, to)) = change.applied {
            self.record_applied(now_ms, id, from, to);
        }
        // Election Safety and Leader Completeness, once per new leadership.
        if node.role() == Role::Leader {
            if self.tracks[i].leading != Some(node.term()) {
                self.tracks[i].leading = Some(node.term());
                self.check_new_leader(now_ms, id, node.term());
            }
        } else {
            self.tracks[i].leading = None;
        }
        if change.log_from.is_some() {
            self.check_committed_kept(now_ms);
        }
    }

    /// Replaces server `id`'s log from index `from` on with `entries`.
    fn rechain(&mut self, now_ms: u64, id: NodeId, from: LogIndex, entries: &[Entry<Command>]) {
        let Some(keep) = from.0.checked_sub(1) else {
            let text = format!("{id}'s log was reported rewritten from index 0");
            self.inconsistent(now_ms, id, 1, text);
            return;
        };
        let track = &mut self.tracks[id.index()];
        if keep > track.chain.len() as u64 {
            let text = format!(
                "{id}'s log was reported rewritten from index {from}, past its end at {}",
                track.chain.len()
            );
            self.inconsistent(now_ms, id, 2, text);
            return;
        }
        let keep = keep as usize;
        track.chain.truncate(keep);
        track.committed_prefix = track.committed_prefix.min(keep as u64);
        let mut prev = track.chain.last().copied().unwrap_or(0);
        let mut mismatch = None;
        for (k, entry) in entries.iter().enumerate() {
            let index = LogIndex(from.0 + k as u64);
            prev = entry_digest(prev, entry);
            track.chain.push(prev);
            match self.seen.get(&(index, entry.term)) {
                Some(&known) if known != prev && mismatch.is_none() => {
                    mismatch = Some((index, entry.term))
                }
                Some(_) => {}
                None => {
                    self.seen.insert((index, entry.term), prev);
                }
            }
        }
        Self::extend_committed_prefix(&self.committed, track);
        if let Some((index, term)) = mismatch {
            let text = format!(
                "{id}'s log has an entry at index {index} from term {term} that another log also has, but the entries before it differ"
            );
            self.report(
                now_ms,
                Property::LogMatching,
                index.0 * 1_000_003 + term.0,
                text,
            );
        }
    }

    /// Each configuration entry a leader appends from `from` on must follow a committed one
    /// (or none): checked against everything any server knows committed.
    fn check_one_change(&mut self, now_ms: u64, node: &Node<Command>, from: LogIndex) {
        let log = node.log();
        let Some((index, _)) = log.last_membership(from, log.last_index()) else {
            return;
        };
        let Some((before, _)) = log.last_membership(LogIndex(1), index.prev()) else {
            return;
        };
        let known = (self.committed.len() as u64).max(node.commit_index().0);
        if before.0 > known {
            let id = node.id();
            let text = format!(
                "leader {id} appended a configuration at index {index} while the one at index {before} was not committed"
            );
            self.report(now_ms, Property::OneChangeAtATime, index.0, text);
        }
    }

    fn extend_committed_prefix(committed: &[(u64, Term)], track: &mut Track) {
        let limit = committed.len().min(track.chain.len());
        let mut p = track.committed_prefix as usize;
        while p < limit && track.chain[p] == committed[p].0 {
            p += 1;
        }
        track.committed_prefix = p as u64;
    }

    /// The fingerprint of server `id`'s log up to `index`, if its log reaches that far
    /// (index 0 has none).
    fn fingerprint(&self, id: NodeId, index: u64) -> Option<u64> {
        let k = usize::try_from(index.checked_sub(1)?).ok()?;
        self.tracks[id.index()].chain.get(k).copied()
    }

    fn record_commit(&mut self, now_ms: u64, node: &Node<Command>, from: LogIndex, to: LogIndex) {
        let id = node.id();
        for index in from.0..=to.0 {
            let Some(mine) = self.fingerprint(id, index) else {
                let text = format!("{id}'s commit index {to} is past the end of its log");
                self.inconsistent(now_ms, id, 3, text);
                return;
            };
            let k = (index - 1) as usize;
            match self.committed.get(k) {
                Some(&(known, _)) if known != mine => {
                    let text = format!(
                        "{id} committed a different entry at index {index} than was committed before"
                    );
                    self.report(now_ms, Property::StateMachineSafety, index, text);
                    return;
                }
                Some(_) => {}
                // The next index known committed.
                None if k == self.committed.len() => {
                    self.committed.push((mine, node.term()));
                    let entry = node.log().entry(LogIndex(index));
                    if let Some(Payload::Membership(m)) = entry.map(|e| &e.payload) {
                        self.membership = *m;
                        self.membership_index = LogIndex(index);
                    }
                    self.recheck_leaders(now_ms, k, node.term());
                }
                // Past a gap left where a disagreement was reported: nothing to compare.
                None => break,
            }
        }
        let committed = &self.committed;
        for track in &mut self.tracks {
            Self::extend_committed_prefix(committed, track);
        }
    }

    fn record_applied(&mut self, now_ms: u64, id: NodeId, from: LogIndex, to: LogIndex) {
        for index in from.0..=to.0 {
            let Some(mine) = self.fingerprint(id, index) else {
                let text = format!("{id} applied index {index}, outside its log");
                self.inconsistent(now_ms, id, 4, text);
                return;
            };
            let k = (index - 1) as usize;
            match self.applied.get(k) {
                Some(&first) if first != mine => {
                    let text = format!(
                        "{id} applied a different entry at index {index} than another server applied"
                    );
                    self.report(now_ms, Property::StateMachineSafety, index, text);
                }
                Some(_) => {}
                None => self.applied.push(mine),
            }
        }
    }

    fn check_new_leader(&mut self, now_ms: u64, id: NodeId, term: Term) {
        match self.leaders.get(&term) {
            Some(&other) if other != id => {
                let text = format!("{other} and {id} were both leaders in term {term}");
                self.report(now_ms, Property::ElectionSafety, term.0, text);
            }
            Some(_) => {}
            None => {
                self.leaders.insert(term, id);
            }
        }
        // Every entry committed in an earlier term must be in the new leader's log.
        let must_have = self
            .committed
            .iter()
            .rposition(|&(_, committed_in)| committed_in < term);
        if let Some(k) = must_have {
            let track = &self.tracks[id.index()];
            if track.committed_prefix <= k as u64 {
                let missing = track.committed_prefix + 1;
                let text = format!(
                    "{id} became leader for term {term} without the committed entry at index {missing}"
                );
                self.report(now_ms, Property::LeaderCompleteness, term.0, text);
            }
        }
        // Keep the log it was elected with, for commits of earlier terms learned later.
        let oldest_term = self.tracks.iter().map(|t| t.term).min().unwrap_or(term);
        self.elected.retain(|l| l.term > oldest_term);
        if term > oldest_term {
            let chain = self.tracks[id.index()].chain.clone();
            self.elected.push(Leadership { term, id, chain });
        }
    }

    /// Index `k` (0-based) became known committed, first by a server in term `known_in`:
    /// it was committed in that term or earlier, so every leader of a later term must have
    /// been elected with it (§5.4), including leaders elected before anyone knew.
    fn recheck_leaders(&mut self, now_ms: u64, k: usize, known_in: Term) {
        let (fingerprint, _) = self.committed[k];
        let missing: Vec<(Term, NodeId)> = self
            .elected
            .iter()
            .filter(|l| l.term > known_in && l.chain.get(k) != Some(&fingerprint))
            .map(|l| (l.term, l.id))
            .collect();
        for (term, id) in missing {
            let text = format!(
                "{id} became leader for term {term} without the entry at index {}, which was committed in term {known_in} or earlier (learned after the election)",
                k + 1
            );
            self.report(now_ms, Property::LeaderCompleteness, term.0, text);
        }
    }

    /// A committed entry must stay on enough voters of the latest committed configuration
    /// that every majority of it includes one: `voters - quorum + 1` of them. For an odd
    /// count that is a majority; for an even count one fewer, because an entry committed by
    /// the majority of a configuration in flight that adds a server (thesis §4.1: in effect
    /// once appended) may sit on only half of the committed one — and half of an even
    /// configuration still meets every majority of it.
    fn check_committed_kept(&mut self, now_ms: u64) {
        let committed = self.committed.len() as u64;
        if committed == 0 {
            return;
        }
        let mut prefixes = [LogIndex::ZERO; MAX_CLUSTER_SIZE];
        let mut voters = 0;
        for id in self.membership.voters() {
            let track = self.tracks.get(id.index());
            prefixes[voters] = LogIndex(track.map_or(0, |t| t.committed_prefix));
            voters += 1;
        }
        let blocking = voters + 1 - self.membership.quorum();
        let kept = quorum_index(&prefixes[..voters], blocking);
        if kept.0 < committed {
            let index = kept.0 + 1;
            let text = format!(
                "the committed entry at index {index} is no longer stored on enough servers to meet every majority"
            );
            self.report(now_ms, Property::CommittedEntryKept, index, text);
        }
    }

    /// Reports an impossible report about server `id`; `what` tells the kinds apart, so
    /// each is reported once per server.
    fn inconsistent(&mut self, now_ms: u64, id: NodeId, what: u64, text: String) {
        let key = (what << 8) | u64::from(id.0);
        self.report(now_ms, Property::SimulatorConsistency, key, text);
    }

    fn report(&mut self, time_ms: u64, property: Property, key: u64, text: String) {
        if self.reported.insert((property, key), ()).is_some() {
            return;
        }
        self.violation_count += 1;
        if self.violations.len() < MAX_VIOLATIONS_KEPT {
            self.violations.push(Violation {
                property,
                time_ms,
                text: format!("{}: {text}", property.name()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use river_core::{Config, Entry, HardState, Membership, Node};

    fn config_entry(voters: &[u8]) -> Entry<Command> {
        let voters: Vec<NodeId> = voters.iter().map(|&v| NodeId(v)).collect();
        Entry {
            term: Term(1),
            payload: Payload::Membership(Membership::of(&voters, &[])),
        }
    }

    /// No planted bug appends a second change while one is in flight, so the rule is shown
    /// to fire on a log a broken leader would write: two uncommitted configurations.
    #[test]
    fn second_configuration_in_flight_is_reported() {
        let log = vec![config_entry(&[0, 1, 2, 3]), config_entry(&[0, 1, 2])];
        let hard = HardState {
            term: Term(1),
            voted_for: None,
        };
        let node = Node::restart(Config::new(NodeId(0), 4), 1, hard, log).unwrap();
        let mut checker = Checker::new(4);
        checker.check_one_change(5, &node, LogIndex(2));
        assert_eq!(checker.violations().len(), 1);
        assert_eq!(checker.violations()[0].property, Property::OneChangeAtATime);
        // Once the first is committed, the second is allowed.
        let mut checker = Checker::new(4);
        checker.committed.push((0, Term(1)));
        checker.check_one_change(5, &node, LogIndex(2));
        assert!(checker.violations().is_empty());
    }
}
