//! Property tests with hostile input (issue 11 §2): forged messages — any sender, receiver,
//! term, entries and indexes, most near what the receiver holds so they reach deep into the
//! role functions — handed to one node alone, and to a small cluster among honest traffic.
//! No node may panic, and each keeps what it promises about itself (its term and commit
//! index never go back, its commit index stays within its log, its log terms never decrease
//! and never pass its term, and its disk matches its `Ready`s). Cluster-wide safety is not
//! claimed: Raft trusts its peers, so a forged vote can elect a second leader.
//!
//! The fuzzer (`fuzz/`, target `hostile`) runs the same driver on inputs decoded from bytes.

mod strategies;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use river_core::BugSet;
use river_model::driver::{self, Input, Scenario};
use river_model::forgery::{
    ForgedBody, Forgery, Sender, Value, MAX_FORGED_CHUNK_BYTES, MAX_FORGED_ENTRIES, MAX_NEAR_OFFSET,
};

/// Cases per property: a few seconds each in a test build.
const CASES: u32 = 1_000;
/// The longest input sequence generated.
const MAX_LEN: usize = 300;

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => (-2i8..=2).prop_map(Value::near),
        1 => (-MAX_NEAR_OFFSET..=MAX_NEAR_OFFSET).prop_map(Value::near),
        1 => any::<u64>().prop_map(Value::any),
        1 => Just(Value::MAX),
    ]
}

/// The term of an entry a message describes: mostly at or below the message's term.
fn term_below() -> impl Strategy<Value = Value> {
    prop_oneof![3 => (-2i8..=0).prop_map(Value::near), 1 => value()]
}

fn body() -> impl Strategy<Value = ForgedBody> {
    // Mostly what a leader could send: entry terms at or just below the message's term
    // and not decreasing; sometimes anything at all.
    let plausible = (-2i8..=0, [0i8..=1, 0i8..=1, 0i8..=1]).prop_map(|(first, steps)| {
        let mut terms = [Value::near(first); MAX_FORGED_ENTRIES];
        let mut offset = first;
        for k in 1..MAX_FORGED_ENTRIES {
            offset = (offset + steps[k - 1]).min(0);
            terms[k] = Value::near(offset);
        }
        terms
    });
    let terms = prop_oneof![3 => plausible, 1 => [value(), value(), value(), value()]];
    // Now and then a configuration entry, of any voters and learners (mostly few ids).
    let configurations = prop_oneof![4 => Just(0u8), 1 => any::<u8>()];
    let membership = (any::<u16>(), any::<u16>()).prop_map(|(v, l)| (v & 0x1f, l & 0x3f));
    // A snapshot's configuration: mostly the cluster's own three voters, sometimes any.
    let snapshot_membership = prop_oneof![
        3 => Just((0b111u16, 0u16)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(v, l)| (v & 0x1f, l & 0x3f)),
    ];
    // Offsets: mostly 0 (a first chunk), sometimes anything near the few bytes sent.
    let offset = prop_oneof![2 => Just(Value::near(-MAX_NEAR_OFFSET)), 1 => value()];
    let entries = (
        0..=MAX_FORGED_ENTRIES as u8,
        terms,
        configurations,
        membership,
    );
    let hint = prop::option::of((value(), prop::option::of(value()), value()));
    prop_oneof![
        (any::<bool>(), any::<bool>(), value(), term_below()).prop_map(
            |(pre_vote, leadership_transfer, last_log_index, last_log_term)| {
                ForgedBody::RequestVote {
                    pre_vote,
                    leadership_transfer,
                    last_log_index,
                    last_log_term,
                }
            }
        ),
        (any::<bool>(), any::<bool>())
            .prop_map(|(pre_vote, granted)| ForgedBody::RequestVoteResponse { pre_vote, granted }),
        (value(), term_below(), entries, value(), round()).prop_map(
            |(
                prev_log_index,
                prev_log_term,
                (entries, entry_terms, configurations, membership),
                leader_commit,
                read_round,
            )| {
                ForgedBody::AppendEntries {
                    prev_log_index,
                    prev_log_term,
                    entries,
                    entry_terms,
                    configurations,
                    membership,
                    leader_commit,
                    read_round,
                }
            }
        ),
        (any::<bool>(), value(), hint, round()).prop_map(
            |(success, match_index, reject, read_round)| {
                ForgedBody::AppendEntriesResponse {
                    success,
                    match_index,
                    reject,
                    read_round,
                }
            }
        ),
        Just(ForgedBody::TimeoutNow),
        (0u64..4).prop_map(|id| ForgedBody::ReadIndex { id }),
        (0u64..4, prop::option::of(value()))
            .prop_map(|(id, read_index)| ForgedBody::ReadIndexResponse { id, read_index }),
        // Snapshot chunks: offsets right or wrong, `done` with or without data, an index
        // anywhere (past everything too), a term that may differ from the chunks before.
        (
            (value(), term_below(), snapshot_membership),
            (offset, 0..=MAX_FORGED_CHUNK_BYTES as u8, any::<bool>())
        )
            .prop_map(
                |((last_included_index, last_included_term, membership), (offset, bytes, done))| {
                    ForgedBody::InstallSnapshot {
                        last_included_index,
                        last_included_term,
                        membership,
                        offset,
                        bytes,
                        done,
                    }
                }
            ),
        (value(), value(), any::<bool>()).prop_map(|(last_included_index, received, done)| {
            ForgedBody::InstallSnapshotResponse {
                last_included_index,
                received,
                done,
            }
        }),
    ]
}

/// A ReadIndex round: mostly the first few (what a young leader numbers), sometimes any.
fn round() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0u64..4, 1 => any::<u64>()]
}

fn forgery() -> impl Strategy<Value = Forgery> {
    // Raw bytes as the fuzzer draws them: mostly a peer and the true receiver.
    (0u8..5, any::<u8>(), any::<u8>(), value(), body()).prop_map(|(node, from, to, term, body)| {
        Forgery {
            node,
            from: Sender(from),
            to,
            term,
            body,
        }
    })
}

/// Honest environment inputs and forged messages, mixed.
fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => forgery().prop_map(Input::Forge),
        14 => strategies::input(),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        strategies::setup(),
        prop::collection::vec(input(), 0..MAX_LEN),
    )
        .prop_map(|(setup, inputs)| Scenario { setup, inputs })
}

fn survives(scenario: &Scenario) -> Result<(), TestCaseError> {
    match driver::run(scenario, BugSet::NONE) {
        Ok(_) => Ok(()),
        Err(failure) => Err(TestCaseError::fail(format!("{failure:?}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// One node alone, fed arbitrary forged messages, ticks, timeouts, proposals and
    /// restarts, never panics and keeps its own invariants.
    #[test]
    fn a_lone_node_survives_arbitrary_messages_and_ticks(scenario in scenario()) {
        survives(&scenario.lone())?;
    }

    /// A small cluster whose honest traffic is mixed with forged messages never panics, and
    /// every node keeps its own invariants.
    #[test]
    fn a_small_cluster_survives_forged_messages(scenario in scenario()) {
        survives(&scenario)?;
    }
}

/// The forged runs are not vacuous: most forged messages are accepted and act (terms rise,
/// leaders are elected, forged entries are stored), and many are refused.
#[test]
fn forged_messages_reach_deep_and_are_sometimes_refused() {
    let mut runner = TestRunner::deterministic();
    let strategy = scenario();
    let (mut forged, mut refused, mut elected, mut lone_leaders) = (0, 0, 0, 0);
    let mut installed = 0;
    let runs = 300;
    for _ in 0..runs {
        let scenario = strategy.new_tree(&mut runner).unwrap().current();
        let summary = driver::run(&scenario, BugSet::NONE).expect("nodes survive forgeries");
        forged += summary.forged;
        refused += summary.refused;
        installed += summary.snapshots_installed;
        elected += usize::from(summary.terms_with_leader > 0);
        let lone = driver::run(&scenario.lone(), BugSet::NONE).expect("a lone node survives");
        lone_leaders += usize::from(lone.terms_with_leader > 0);
    }
    println!(
        "of {runs} runs: {forged} forged messages, {refused} refused; \
         {elected} elected a leader; {lone_leaders} lone nodes led (forged votes); \
         {installed} forged snapshots installed"
    );
    assert!(installed > 0, "forged snapshot chunks get installed");
    assert!(refused > forged / 20, "forgeries are refused");
    assert!(
        refused < forged * 3 / 5,
        "many forgeries get past the checks"
    );
    assert!(elected > runs / 2);
    assert!(lone_leaders > runs / 20, "forged votes elect a lone node");
}
