//! Every property the checker names can fire, each for its own reason: a broken run is
//! reported as the property it breaks, not merely as "some violation". Where a planted bug
//! breaks the property, its scripted scenario shows it; where none can (the property's doc
//! comment in `checker.rs` says why), the checker is fed the report a broken core or a
//! broken simulator would make, and reports exactly that property.

use river_core::{Body, Bug, BugSet, Config, Entry, HardState, LogIndex, Membership, Message};
use river_core::{Node, NodeId, Payload, Role, Term};
use river_sim::checker::{Change, Checker, Property};
use river_sim::kv::Command;
use river_sim::scenario::{built_in, Player, Scenario, PROPERTIES};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);

/// Plays `text` with `bug` switched on; returns the properties violated, in order.
fn play(text: &str, bug: Bug) -> Vec<Property> {
    let mut scenario = Scenario::parse(text).unwrap();
    scenario.config.raft.bugs = BugSet::NONE.with(bug);
    let mut sim = Player::simulation(&scenario);
    Player::new(scenario).run_to_end(&mut sim).unwrap();
    sim.checker
        .violations()
        .iter()
        .map(|v| v.property)
        .collect()
}

/// Plays `scenarios/bugs/NAME.scenario` with its bug.
fn script(name: &str, bug: Bug) -> Vec<Property> {
    let path = format!(
        "{}/../../scenarios/bugs/{name}.scenario",
        env!("CARGO_MANIFEST_DIR")
    );
    play(&std::fs::read_to_string(path).unwrap(), bug)
}

fn properties(checker: &Checker) -> Vec<Property> {
    checker.violations().iter().map(|v| v.property).collect()
}

fn grew_from(index: u64) -> Change {
    Change {
        log_from: Some(LogIndex(index)),
        ..Change::default()
    }
}

fn noop(term: u64) -> Entry<Command> {
    Entry {
        term: Term(term),
        payload: Payload::Noop,
    }
}

/// Server `id` of an `n`-server cluster, restarted from a disk holding `log` at `term`.
fn from_disk(id: NodeId, n: usize, term: u64, log: Vec<Entry<Command>>) -> Node<Command> {
    let hard = HardState {
        term: Term(term),
        voted_for: None,
    };
    Node::restart(Config::new(id, n), 1, hard, log).unwrap()
}

/// A one-server cluster's leader, in term 1 with its no-op committed.
fn lone_leader() -> Node<Command> {
    let mut node = from_disk(A, 1, 0, Vec::new());
    node.force_election_timeout();
    assert_eq!(node.role(), Role::Leader);
    assert_eq!(node.commit_index(), LogIndex(1));
    node
}

/// A leader's Ready that says it rewrote its own log (the core asserts it never does).
fn leader_rewrites_its_log() -> Vec<Property> {
    let leader = lone_leader();
    let mut checker = Checker::new(1);
    checker.observe(10, &leader, grew_from(1));
    assert!(checker.violations().is_empty());
    checker.observe(20, &leader, grew_from(1));
    properties(&checker)
}

/// Two logs with the same entry (index 2, term 2) over different first entries.
fn logs_agree_on_an_entry_but_not_before_it() -> Vec<Property> {
    let a = from_disk(A, 2, 2, vec![noop(1), noop(2)]);
    let b = from_disk(B, 2, 2, vec![noop(2), noop(2)]);
    let mut checker = Checker::new(2);
    checker.observe(10, &a, grew_from(1));
    checker.observe(10, &b, grew_from(1));
    properties(&checker)
}

/// A server seen at term 3 and then at term 2 (a disk that lost its hard state).
fn term_goes_back() -> Vec<Property> {
    let mut checker = Checker::new(2);
    checker.observe(10, &from_disk(A, 2, 3, Vec::new()), Change::default());
    checker.observe(20, &from_disk(A, 2, 2, Vec::new()), Change::default());
    properties(&checker)
}

/// A running server whose commit index goes from 1 back to 0 without a restart.
fn commit_goes_back() -> Vec<Property> {
    let leader = lone_leader();
    let mut checker = Checker::new(1);
    checker.observe(10, &leader, grew_from(1));
    let forgetful = from_disk(A, 1, 1, leader.log().entries().to_vec());
    checker.observe(20, &forgetful, Change::default());
    properties(&checker)
}

/// The simulator says a server applied entries past the end of its log.
fn applied_past_the_log() -> Vec<Property> {
    let leader = lone_leader();
    let mut checker = Checker::new(1);
    checker.observe(10, &leader, grew_from(1));
    let past = Change {
        applied: Some((LogIndex(2), LogIndex(4))),
        ..Change::default()
    };
    checker.observe(20, &leader, past);
    properties(&checker)
}

/// A leader whose log holds a configuration appended while the one before it was not
/// committed (the core refuses a second change while one is in flight).
fn second_change_in_flight() -> Vec<Property> {
    let config = |voters: &[NodeId]| Entry {
        term: Term(1),
        payload: Payload::Membership(Membership::of(voters, &[])),
    };
    let log = vec![config(&[A, B, NodeId(2)]), config(&[A, B])];
    let mut node = from_disk(A, 3, 1, log);
    node.force_election_timeout();
    let vote = Message {
        from: B,
        to: A,
        term: node.term(),
        body: Body::RequestVoteResponse {
            pre_vote: false,
            granted: true,
        },
    };
    node.step(vote);
    assert_eq!(node.role(), Role::Leader);
    let mut checker = Checker::new(3);
    checker.observe(10, &node, grew_from(1));
    properties(&checker)
}

/// Produces a violation of `property`; returns what the checker reported, in order.
/// The match has no catch-all: a new property does not compile until it is shown here.
fn break_it(property: Property) -> Vec<Property> {
    match property {
        Property::ElectionSafety => script("forget-vote", Bug::ForgetVote),
        Property::LeaderCompleteness => script("no-up-to-date-check", Bug::NoUpToDateCheck),
        Property::StateMachineSafety => play(built_in("figure8").unwrap(), Bug::Figure8Commit),
        Property::CommittedEntryKept => script("commit-from-next-index", Bug::CommitFromNextIndex),
        Property::LeaderAppendOnly => leader_rewrites_its_log(),
        Property::LogMatching => script(
            "snapshot-keeps-conflicting-log",
            Bug::SnapshotKeepsConflictingLog,
        ),
        Property::MonotonicTerm => term_goes_back(),
        Property::MonotonicCommit => commit_goes_back(),
        Property::SimulatorConsistency => applied_past_the_log(),
        Property::OneChangeAtATime => second_change_in_flight(),
    }
}

#[test]
fn every_property_fires_for_its_own_reason() {
    for (name, property) in PROPERTIES {
        let reported = break_it(property);
        match property {
            // Figure 8: the new leader lacks the committed entry (Leader Completeness) and
            // then overwrites it, and servers apply different entries at that index.
            Property::StateMachineSafety => {
                assert_eq!(reported.first(), Some(&Property::LeaderCompleteness));
                assert!(reported.contains(&property), "{name}: {reported:?}");
            }
            _ => assert_eq!(reported, vec![property], "{name}"),
        }
    }
}

/// Log Matching also fires on what a broken core would report without any snapshot: two
/// logs that agree on an entry but not on the one before it.
#[test]
fn logs_that_agree_on_an_entry_but_not_before_it_break_log_matching() {
    assert_eq!(
        logs_agree_on_an_entry_but_not_before_it(),
        vec![Property::LogMatching]
    );
}
