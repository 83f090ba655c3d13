//! The checker on hand-written histories.

use super::*;
use alloc::string::ToString;
use alloc::vec;
use river_sim::history::HistoryOp;

/// Builds a history from `(process, kind, f, key, value)` lines, one millisecond apart.
fn history(lines: &[(u32, OpType, OpFn, &str, Option<&str>)]) -> History {
    History {
        ops: lines
            .iter()
            .enumerate()
            .map(|(t, &(process, kind, f, key, value))| HistoryOp {
                process,
                kind,
                f,
                key: key.into(),
                value: value.map(Into::into),
                time_ms: t as u64,
            })
            .collect(),
    }
}

use OpFn::{Get, Put};
use OpType::{Fail, Info, Invoke, Ok};

#[test]
fn sequential_and_overlapping_history_is_linearizable() {
    // P0 puts 1; P1's get overlaps P2's put of 2 and sees it; P0 then reads 2.
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Ok, Put, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (2, Invoke, Put, "x", Some("2")),
        (1, Ok, Get, "x", Some("2")),
        (2, Ok, Put, "x", Some("2")),
        (0, Invoke, Get, "x", None),
        (0, Ok, Get, "x", Some("2")),
        (0, Invoke, Get, "y", None),
        (0, Ok, Get, "y", None),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!((report.operations, report.keys), (5, 2));
}

#[test]
fn stale_read_is_not_linearizable() {
    // The put of 2 completed before the get began, yet the get saw 1.
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Ok, Put, "x", Some("1")),
        (1, Invoke, Put, "x", Some("2")),
        (1, Ok, Put, "x", Some("2")),
        (2, Invoke, Get, "x", None),
        (2, Ok, Get, "x", Some("1")),
        (0, Invoke, Get, "x", None),
        (0, Ok, Get, "x", Some("2")),
    ]))
    .unwrap();
    assert!(report.violated());
    let Problem::NotLinearizable {
        key,
        culprit,
        last_put,
        ..
    } = &report.problems[0]
    else {
        panic!("expected a violation, got {:?}", report.problems);
    };
    assert_eq!(key, "x");
    assert_eq!((culprit.process, culprit.f), (2, Get));
    assert_eq!(culprit.value.as_deref(), Some("1"));
    assert_eq!(last_put.as_ref().unwrap().value.as_deref(), Some("2"));
    let text = report.problems[0].to_string();
    assert!(text.contains("get -> \"1\" by process 2"), "{text}");
    assert!(text.contains("put \"2\" by process 1"), "{text}");
}

#[test]
fn read_of_a_value_never_written_is_not_linearizable() {
    let report = check(&history(&[
        (0, Invoke, Get, "x", None),
        (0, Ok, Get, "x", Some("9")),
    ]))
    .unwrap();
    assert!(report.violated());
}

#[test]
fn unknown_put_may_take_effect_later() {
    // P0's put of 1 timed out; long after, P1 reads 1 and then P2 reads 1 again: the put
    // took effect after the client gave up.
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Info, Put, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", None),
        (2, Invoke, Get, "x", None),
        (2, Ok, Get, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", Some("1")),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!(report.operations, 4);
}

#[test]
fn unknown_put_may_never_take_effect() {
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Info, Put, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", None),
        (3, Invoke, Put, "x", Some("2")),
        (3, Ok, Put, "x", Some("2")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", Some("2")),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
}

#[test]
fn unknown_put_cannot_take_effect_before_it_was_invoked() {
    // P1 read 1 before anyone asked to write it.
    let report = check(&history(&[
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", Some("1")),
        (0, Invoke, Put, "x", Some("1")),
        (0, Info, Put, "x", Some("1")),
    ]))
    .unwrap();
    assert!(report.violated());
}

#[test]
fn unknown_put_that_was_read_stays_in_effect() {
    // Once P1 saw the timed-out put's value, a later read cannot see the key absent again.
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Info, Put, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", Some("1")),
        (2, Invoke, Get, "x", None),
        (2, Ok, Get, "x", None),
    ]))
    .unwrap();
    assert!(report.violated());
}

#[test]
fn pending_put_at_the_end_counts_as_unknown() {
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (1, Invoke, Get, "x", None),
        (1, Ok, Get, "x", Some("1")),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
}

#[test]
fn failed_put_is_ignored() {
    // The put of 2 failed, so a later read of 1 is fine...
    let report = check(&history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Ok, Put, "x", Some("1")),
        (1, Invoke, Put, "x", Some("2")),
        (1, Fail, Put, "x", Some("2")),
        (2, Invoke, Get, "x", None),
        (2, Ok, Get, "x", Some("1")),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!(report.operations, 2);
    // ...and a read of 2 is impossible: a failed op did not happen.
    let report = check(&history(&[
        (1, Invoke, Put, "x", Some("2")),
        (1, Fail, Put, "x", Some("2")),
        (2, Invoke, Get, "x", None),
        (2, Ok, Get, "x", Some("2")),
    ]))
    .unwrap();
    assert!(report.violated());
}

#[test]
fn unknown_and_failed_gets_constrain_nothing() {
    let report = check(&history(&[
        (0, Invoke, Get, "x", None),
        (0, Info, Get, "x", None),
        (1, Invoke, Get, "x", None),
        (1, Fail, Get, "x", None),
        (2, Invoke, Get, "x", None),
    ]))
    .unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!(report.operations, 0);
}

#[test]
fn malformed_histories_are_refused() {
    let overlapping = history(&[
        (0, Invoke, Put, "x", Some("1")),
        (0, Invoke, Put, "x", Some("2")),
    ]);
    assert_eq!(
        check(&overlapping),
        Err(MalformedHistory::OverlappingInvoke {
            line: 2,
            process: 0
        })
    );
    let unmatched = history(&[(0, Ok, Get, "x", None)]);
    assert_eq!(
        check(&unmatched),
        Err(MalformedHistory::UnmatchedCompletion {
            line: 1,
            process: 0
        })
    );
}

#[test]
fn search_gives_up_as_inconclusive() {
    // Twenty overlapping puts, then a read of a value nobody wrote. Refuting it means trying
    // every subset of the puts with every one of them last: 20 * 2^19 states, far beyond the
    // budget.
    let values: Vec<String> = (0..20).map(|v| v.to_string()).collect();
    let mut lines = Vec::new();
    for (p, v) in values.iter().enumerate() {
        lines.push((p as u32, Invoke, Put, "x", Some(v.as_str())));
    }
    for (p, v) in values.iter().enumerate() {
        lines.push((p as u32, Ok, Put, "x", Some(v.as_str())));
    }
    lines.push((100, Invoke, Get, "x", None));
    lines.push((100, Ok, Get, "x", Some("never written")));
    let report = check(&history(&lines)).unwrap();
    assert_eq!(
        report.problems,
        vec![Problem::Inconclusive {
            key: "x".into(),
            operations: 21,
            max_steps: MAX_SEARCH_STEPS,
        }]
    );
    assert_eq!(report.steps, MAX_SEARCH_STEPS);
    assert!(!report.violated());
}
