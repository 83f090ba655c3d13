//! Exhaustive checks of the real river-core with stateright (see `river_model::checker`).
//!
//! The paper's Raft must keep every property within the CI bounds, and each deliberately
//! broken variant must be caught: the checker is only worth trusting if it can fail.
//!
//! Reads: `read-without-heartbeat` is caught as a stale read ([`Invariant::FreshReads`]).
//! Its CheckQuorum variant is not here: the model runs without CheckQuorum (its timers are
//! not part of a state), as it does without lease reads, so `lease-without-drift-bound` is
//! out of its reach too. `stale-read` is not a bug of the core at all: the simulator's
//! key-value store answers a `get` from its own state instead of asking the node
//! (`river_sim`'s `Simulation`), and the model drives the core alone; the simulator's
//! scenario and swarm catch it.
//!
//! Snapshots: a server may compact what it applied, and a leader then sends a follower
//! behind it an InstallSnapshot; `snapshot-keeps-conflicting-log` is caught as a Log
//! Matching violation, the property the simulator's checker names for it (Log Matching is
//! checked across time here too, as the simulator does; the core's own promise that a
//! log's terms never go down past its snapshot breaks in the same step).
//!
//! Replication: the two bugs of AppendEntries' halves, `truncate-on-stale-append` (the
//! follower's) and `commit-from-next-index` (the leader's), are caught from A leading term
//! 1 with two commands ([`Bounds::replication`]) as Leader Completeness violations: each
//! leaves an entry committed in term 1 on fewer servers than a majority, and the next
//! leader is elected without it. The simulator reports the same runs as a committed entry
//! not kept, a property the model has no name for; the new leader is where that loss
//! first shows. Correct Raft is clean there: every path of those bounds is a path of
//! [`Bounds::snapshots`] that never compacts, whose whole space
//! `paper_raft_is_safe_through_snapshots` checks.

use river_core::{Bug, BugSet};
use river_model::checker::{self, Action, Bounds, Outcome, RaftModel, RunOptions};
use river_model::checker::{CHANGES_COMMITTED, COMMAND_COMMITTED, READ_SERVED};
use river_model::checker::{SNAPSHOT_INSTALLED, SOMETHING_COMMITTED};
use river_model::history::Invariant;
use stateright::Model;

/// One line for the CI log, written past the test harness's capture so that passing runs
/// show their size too.
fn summary(name: &str, outcome: &Outcome) {
    use std::io::Write;
    let broken = outcome.broken();
    let _ = writeln!(
        std::io::stderr(),
        "model check, {name}: {} states ({} unique), paths up to {} actions, {:.1?}, broken: {broken:?}",
        outcome.states,
        outcome.unique_states,
        outcome.max_depth,
        outcome.elapsed,
    );
}

fn options(max_depth: Option<usize>, stop_at_first_failure: bool) -> RunOptions {
    RunOptions {
        max_depth,
        // One thread: breadth first then finds a shortest counterexample, and the run is
        // repeatable.
        threads: 1,
        timeout: None,
        stop_at_first_failure,
        progress_every: None,
        depth_first: false,
    }
}

/// Replays `actions` from the initial state for as long as each is enabled, returning the
/// states passed through.
fn replay(model: &RaftModel, actions: &[Action]) -> Vec<checker::ModelState> {
    let mut states = model.init_states();
    for action in actions {
        let state = states.last().expect("an initial state");
        let mut enabled = Vec::new();
        model.actions(state, &mut enabled);
        if !enabled.contains(action) {
            break;
        }
        let next = model.next_state(state, action.clone()).expect("enabled");
        states.push(next);
    }
    states
}

/// Runs a bug hunt, prints what it found, and checks that the counterexample breaks
/// `expected` and that the very same steps are harmless once the bug is switched off.
fn hunt(bug: Bug, bounds: Bounds, max_depth: usize, expected: Invariant) -> Outcome {
    let model = RaftModel::new(bounds.clone(), BugSet::NONE.with(bug));
    let outcome = checker::run(model, &options(Some(max_depth), true));
    println!("{}: {outcome}", bug.name());
    summary(bug.name(), &outcome);
    let discovery = outcome
        .counterexample(expected)
        .unwrap_or_else(|| panic!("{} was not caught as a {expected} violation", bug.name()));
    let correct = RaftModel::new(bounds, BugSet::NONE);
    let states = replay(&correct, &discovery.actions);
    println!(
        "without {}: {} of its {} steps replay (then the bug's effect is needed), all safe",
        bug.name(),
        states.len() - 1,
        discovery.actions.len()
    );
    for state in &states {
        for invariant in Invariant::ALL {
            assert_eq!(
                checker::explain(state, invariant),
                "holds",
                "without {} the same steps still break {invariant}",
                bug.name()
            );
        }
    }
    outcome
}

/// Explores the whole bounded space of the paper's Raft and expects every property to hold
/// in every state, and the check not to be vacuous: entries (and, if any are proposed, a
/// client command; if changes are allowed, the changed configuration) commit.
fn assert_safe(name: &str, bounds: Bounds) {
    assert_safe_with(name, bounds, BugSet::NONE, 100_000);
}

/// [`assert_safe`] with `bugs` on, expecting at least `min_states` distinct states.
fn assert_safe_with(name: &str, bounds: Bounds, bugs: BugSet, min_states: usize) {
    assert_safe_to(name, bounds, bugs, None, min_states);
}

/// [`assert_safe_with`] over the paths of at most `max_depth` actions (all, for `None`).
fn assert_safe_to(
    name: &str,
    bounds: Bounds,
    bugs: BugSet,
    max_depth: Option<usize>,
    min_states: usize,
) {
    let model = RaftModel::new(bounds.clone(), bugs);
    let outcome = checker::run(model, &options(max_depth, false));
    println!("{name} {bounds:?}: {outcome}");
    summary(name, &outcome);
    assert!(outcome.broken().is_empty(), "{outcome}");
    assert!(outcome.discoveries.contains_key(SOMETHING_COMMITTED));
    if bounds.max_proposals > 0 {
        assert!(outcome.discoveries.contains_key(COMMAND_COMMITTED));
    }
    if !bounds.changes.is_empty() {
        assert!(outcome.discoveries.contains_key(CHANGES_COMMITTED));
    }
    if bounds.max_reads > 0 {
        assert!(outcome.discoveries.contains_key(READ_SERVED));
    }
    if bounds.max_compactions > 0 {
        assert!(outcome.discoveries.contains_key(SNAPSHOT_INSTALLED));
    }
    assert!(
        outcome.unique_states > min_states,
        "suspiciously small state space"
    );
}

/// Election Safety, Log Matching, Leader Completeness, State Machine Safety and the
/// node-local invariants hold in every reachable state with a client command and a crash.
#[test]
fn paper_raft_is_safe_with_a_command_and_a_crash() {
    assert_safe("paper Raft, small", Bounds::small());
}

/// The same, over four terms of elections: the space in which Figure 8's bug is found
/// below is clean without it.
#[test]
fn paper_raft_is_safe_over_four_terms() {
    assert_safe("paper Raft, four terms", Bounds::four_terms());
}

/// Thesis §4.2 with the 2015 erratum's fix: from four voters and a caught-up learner, any
/// leader may promote the learner and remove a voter, and every property holds in every
/// state; the promoted-and-removed configuration commits somewhere in the space.
#[test]
fn paper_raft_is_safe_through_the_erratum_changes() {
    assert_safe("paper Raft, erratum", Bounds::erratum());
}

/// The path, 3 → 4 → 3 (promote D, remove A), keeps every property.
#[test]
fn paper_raft_is_safe_from_three_to_four_to_three() {
    assert_safe_with(
        "paper Raft, 3 → 4 → 3",
        Bounds::three_four_three(),
        BugSet::NONE,
        20_000,
    );
}

/// And 3 → 4 → 3 cannot show the erratum: with `config-change-before-noop` on, the same
/// space is still safe, because every majority of three and every majority of four share a
/// server. The bug needs the four-voter start of the test below.
#[test]
fn three_to_four_to_three_cannot_show_the_erratum() {
    assert_safe_with(
        "config-change-before-noop, 3 → 4 → 3",
        Bounds::three_four_three(),
        BugSet::NONE.with(Bug::ConfigChangeBeforeNoop),
        20_000,
    );
}

/// Ongaro's 2015 erratum: a leader of term 2 that changes the membership (here: promotes
/// the learner E by itself as soon as E catches up) before its no-op commits lets a leader
/// of term 1's change (removing D) and its own win majorities that share no server; the
/// term-1 side elects a leader that lacks an entry committed in term 2.
#[test]
fn config_change_before_noop_is_caught_as_an_incomplete_leader() {
    hunt(
        Bug::ConfigChangeBeforeNoop,
        Bounds::erratum(),
        ERRATUM_DEPTH,
        Invariant::LeaderCompleteness,
    );
}

/// The shortest erratum counterexample within [`Bounds::erratum`] is 10 actions long.
const ERRATUM_DEPTH: usize = 10;

/// §5.2: a server that forgets its vote across a crash votes twice in one term, and two
/// leaders are elected in it.
#[test]
fn forget_vote_is_caught_as_two_leaders_in_one_term() {
    hunt(
        Bug::ForgetVote,
        Bounds::small(),
        16,
        Invariant::ElectionSafety,
    );
}

/// §5.4.1: without the up-to-date check a server with an empty log wins, lacking an entry
/// committed in an earlier term.
#[test]
fn no_up_to_date_check_is_caught_as_an_incomplete_leader() {
    hunt(
        Bug::NoUpToDateCheck,
        Bounds::small(),
        16,
        Invariant::LeaderCompleteness,
    );
}

/// §5.4.2, Figure 8: a leader that commits an entry of an earlier term by counting replicas
/// lets a later leader, elected without that entry, exist. Four terms are needed: the
/// entry's, a rival's, the committing leader's and the overwriting leader's.
#[test]
fn figure8_commit_is_caught_as_an_incomplete_leader() {
    hunt(
        Bug::Figure8Commit,
        Bounds::four_terms(),
        FIGURE8_DEPTH,
        Invariant::LeaderCompleteness,
    );
}

/// The shortest Figure 8 counterexample within [`Bounds::four_terms`] is 26 actions long.
const FIGURE8_DEPTH: usize = 26;

/// Thesis §6.4: every read served through ReadIndex, by a leader or forwarded by a
/// follower, reflects everything committed anywhere before it was asked, while a newer
/// leader is elected and commits, requests are lost, duplicated and reordered. Paths of up
/// to [`READS_DEPTH`] actions from A leading term 1 (the whole space is too large for CI).
#[test]
fn paper_raft_serves_only_fresh_reads() {
    assert_safe_to(
        "paper Raft, reads",
        Bounds::reads(),
        BugSet::NONE,
        Some(READS_DEPTH),
        100_000,
    );
}

/// Paths explored by the reads check: about 0.2 million distinct states.
const READS_DEPTH: usize = 18;

/// Thesis §6.4 step 3: a leader that serves a read without a heartbeat round answers at its
/// own commit index after a newer leader has committed: B wins term 2 and commits its no-op
/// with C while A, deposed without knowing it, serves a read at index 1.
#[test]
fn read_without_heartbeat_is_caught_as_a_stale_read() {
    hunt(
        Bug::ReadWithoutHeartbeat,
        Bounds::reads(),
        READS_DEPTH,
        Invariant::FreshReads,
    );
}

/// Thesis ch. 5 and paper §7: with one server compacting what it applied at any moment, and
/// leaders sending InstallSnapshot to followers behind it, every property holds in the
/// whole bounded space (logs read whole, a compacted prefix as the entries its snapshot
/// stands for), and some follower installs a snapshot.
#[test]
fn paper_raft_is_safe_through_snapshots() {
    assert_safe_with(
        "paper Raft, snapshots",
        Bounds::snapshots(),
        BugSet::NONE,
        50_000,
    );
}

/// Paper §7: a follower that keeps its entries after an installed snapshot whose last
/// entry conflicts with its own: A, cut off, appended two commands in term 1; B wins term
/// 2, commits its no-op with C and compacts; A, sent the snapshot, keeps its command at
/// index 3 after B's prefix, so an entry of term 1 at index 3 follows other entries than
/// it did when A appended it.
#[test]
fn snapshot_keeps_conflicting_log_is_caught_as_a_log_matching_break() {
    hunt(
        Bug::SnapshotKeepsConflictingLog,
        Bounds::snapshots(),
        SNAPSHOT_DEPTH,
        Invariant::LogMatching,
    );
}

/// The shortest counterexample within [`Bounds::snapshots`] is 13 actions long.
const SNAPSHOT_DEPTH: usize = 13;

/// Figure 2, AppendEntries step 3: a follower that deletes whatever follows a matching
/// AppendEntries' entries loses one it acknowledged when a copy of an old message arrives
/// late. C, catching up, keeps a copy of A's AppendEntries for #1, then takes #2, which
/// commits on A and C; the old copy arrives and C drops #2; C wins term 2 with B's vote
/// (B missed both commands) and leads without #2.
#[test]
fn truncate_on_stale_append_is_caught_as_an_incomplete_leader() {
    hunt(
        Bug::TruncateOnStaleAppend,
        Bounds::replication(),
        TRUNCATE_DEPTH,
        Invariant::LeaderCompleteness,
    );
}

/// The shortest counterexample within [`Bounds::replication`] is 11 actions long.
const TRUNCATE_DEPTH: usize = 11;

/// Figure 2, Leaders: commit by `match_index`. A leader counting `next_index` commits what
/// it has only sent: A proposes #1 and its messages are lost, B wins term 2 with C's vote,
/// and A, proposing #2, counts B and C as holding #1 and commits it on itself alone.
#[test]
fn commit_from_next_index_is_caught_as_an_incomplete_leader() {
    hunt(
        Bug::CommitFromNextIndex,
        Bounds::replication(),
        NEXT_INDEX_DEPTH,
        Invariant::LeaderCompleteness,
    );
}

/// The shortest counterexample within [`Bounds::replication`] is 7 actions long (a search
/// without a depth stops at one of 8 first).
const NEXT_INDEX_DEPTH: usize = 7;

/// A timeout stops even a one-thread search (stateright's own timeout is seen only by a
/// worker whose queue ran dry, so `--timeout-secs 5` on the erratum space ran all 187 s),
/// and the outcome says the search stopped short: finding nothing there proves nothing.
#[test]
fn a_timeout_stops_a_one_thread_search_and_says_so() {
    let mut run = options(None, true);
    run.timeout = Some(std::time::Duration::from_millis(500));
    let outcome = checker::run(RaftModel::new(Bounds::erratum(), BugSet::NONE), &run);
    summary("erratum space with a 0.5 s timeout", &outcome);
    assert!(outcome.timed_out, "{outcome}");
    assert!(
        outcome.elapsed < std::time::Duration::from_secs(20),
        "stopped near its timeout: {:?}",
        outcome.elapsed
    );
    assert!(outcome.broken().is_empty());
    assert!(outcome.to_string().contains("INCOMPLETE"), "{outcome}");
    // Without a timeout nothing is said to be cut short (a small space, whole).
    let whole = checker::run(
        RaftModel::new(Bounds::small(), BugSet::NONE),
        &options(Some(4), true),
    );
    assert!(!whole.timed_out);
}
