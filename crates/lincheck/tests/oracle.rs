//! The checker agrees with stateright's `LinearizabilityTester`, a maintained but
//! exhaustive (unmemoized) checker, on thousands of small random histories — linearizable
//! ones, ones with corrupted reads, with failures, timeouts, and writes that take effect
//! after their client gave up.

use river_core::Rng;
use river_sim::history::{History, HistoryOp, OpFn, OpType};
use stateright::semantics::register::{Register, RegisterOp, RegisterRet};
use stateright::semantics::{ConsistencyTester, LinearizabilityTester};
use std::collections::BTreeMap;

/// Clients in a random history.
const CLIENTS: u32 = 3;
/// Operations in a random history.
const OPERATIONS: usize = 12;

/// One client's open operation in the generator.
struct Open {
    f: OpFn,
    key: &'static str,
    value: Option<String>,
    /// Whether it already took effect on the real register (for a get: what it read).
    effect: Option<Option<String>>,
}

/// A history of a real register (so linearizable) with random faults: a get may return a
/// stale or invented value, an op may fail or time out, and a timed-out put may take
/// effect later or never.
fn random_history(rng: &mut Rng) -> History {
    let keys = ["x", "y"];
    let mut store: BTreeMap<&str, String> = BTreeMap::new();
    let mut written: Vec<String> = Vec::new();
    let mut ops = Vec::new();
    let mut open: BTreeMap<u32, Open> = BTreeMap::new();
    let mut process: Vec<u32> = (0..CLIENTS).collect();
    let mut late: Vec<(&str, String)> = Vec::new();
    let mut invoked = 0;
    let mut time_ms = 0;
    while invoked < OPERATIONS || !open.is_empty() {
        time_ms += 1;
        // A put that timed out may take effect now.
        if !late.is_empty() && rng.chance(0.2) {
            let (key, value) =
                late.swap_remove(rng.range_inclusive(0, late.len() as u64 - 1) as usize);
            store.insert(key, value);
        }
        let client = rng.range_inclusive(0, CLIENTS as u64 - 1) as u32;
        let p = process[client as usize];
        let line = |kind, f, key: &str, value: Option<String>| HistoryOp {
            process: p,
            kind,
            f,
            key: key.into(),
            value,
            time_ms,
        };
        match open.remove(&client) {
            None if invoked < OPERATIONS => {
                invoked += 1;
                let key = keys[rng.range_inclusive(0, 1) as usize];
                let (f, value) = if rng.chance(0.5) {
                    written.push(format!("{}", written.len() + 1));
                    (OpFn::Put, written.last().cloned())
                } else {
                    (OpFn::Get, None)
                };
                ops.push(line(OpType::Invoke, f, key, value.clone()));
                let effect = None;
                open.insert(
                    client,
                    Open {
                        f,
                        key,
                        value,
                        effect,
                    },
                );
            }
            None => {}
            Some(mut op) if op.effect.is_none() && rng.chance(0.7) => {
                // Take effect now.
                op.effect = Some(match op.f {
                    OpFn::Put => {
                        store.insert(op.key, op.value.clone().expect("puts carry values"));
                        None
                    }
                    OpFn::Get if rng.chance(0.3) => {
                        // A broken read: any value ever written, or absent.
                        let k = rng.range_inclusive(0, written.len() as u64);
                        written.get(k as usize).cloned()
                    }
                    OpFn::Get => store.get(op.key).cloned(),
                });
                open.insert(client, op);
            }
            Some(op) => {
                let kind = match (&op.effect, rng.range_inclusive(0, 9)) {
                    (_, 0 | 1) => OpType::Info,
                    (None, _) => OpType::Fail,
                    (Some(_), _) => OpType::Ok,
                };
                let value = match (op.f, &op.effect) {
                    (OpFn::Get, Some(read)) if kind == OpType::Ok => read.clone(),
                    _ => op.value.clone(),
                };
                if kind == OpType::Info {
                    if let (OpFn::Put, None, true) = (op.f, &op.effect, rng.chance(0.5)) {
                        late.push((op.key, op.value.clone().expect("puts carry values")));
                    }
                    process[client as usize] += CLIENTS;
                }
                ops.push(line(kind, op.f, op.key, value));
            }
        }
    }
    History { ops }
}

/// stateright's verdict: every key through its own `LinearizabilityTester`.
fn oracle(history: &History) -> bool {
    let mut numbers: BTreeMap<String, u32> = BTreeMap::new();
    let mut number = |value: &Option<String>| match value {
        None => 0,
        Some(v) => {
            let next = numbers.len() as u32 + 1;
            *numbers.entry(v.clone()).or_insert(next)
        }
    };
    let keys: std::collections::BTreeSet<&str> =
        history.ops.iter().map(|o| o.key.as_str()).collect();
    keys.into_iter().all(|key| {
        let lines: Vec<&HistoryOp> = history.ops.iter().filter(|o| o.key == key).collect();
        let mut tester = LinearizabilityTester::new(Register(0u32));
        for (i, line) in lines.iter().enumerate() {
            let end = lines[i + 1..]
                .iter()
                .find(|o| o.process == line.process)
                .map_or(OpType::Info, |o| o.kind);
            match (line.kind, line.f, end) {
                (OpType::Invoke, _, OpType::Fail) | (OpType::Invoke, OpFn::Get, OpType::Info) => {}
                (OpType::Invoke, OpFn::Put, _) => {
                    tester
                        .on_invoke(line.process, RegisterOp::Write(number(&line.value)))
                        .unwrap();
                }
                (OpType::Invoke, OpFn::Get, _) => {
                    tester.on_invoke(line.process, RegisterOp::Read).unwrap();
                }
                (OpType::Ok, OpFn::Put, _) => {
                    tester
                        .on_return(line.process, RegisterRet::WriteOk)
                        .unwrap();
                }
                (OpType::Ok, OpFn::Get, _) => {
                    let read = RegisterRet::ReadOk(number(&line.value));
                    tester.on_return(line.process, read).unwrap();
                }
                _ => {}
            }
        }
        tester.is_consistent()
    })
}

#[test]
fn agrees_with_stateright_on_small_random_histories() {
    let mut rng = Rng::new(7);
    let (mut linearizable, mut not) = (0, 0);
    for case in 0..5_000 {
        let history = random_history(&mut rng);
        let report = river_lincheck::check(&history).expect("well formed");
        assert!(!report.inconclusive());
        let expected = oracle(&history);
        let mut text = String::new();
        history.write_edn(&mut text).unwrap();
        assert_eq!(
            !report.violated(),
            expected,
            "case {case}: ours {:?}, stateright linearizable {expected}\n{text}",
            report.problems
        );
        if expected {
            linearizable += 1;
        } else {
            not += 1;
        }
    }
    // Both kinds must be well represented, or the agreement means little.
    assert!(
        linearizable > 1_000 && not > 1_000,
        "{linearizable} vs {not}"
    );
}
