//! One key's operations, paired from a run's history, and how they are handed to the
//! search: which operations it must place, and where each one's return goes.

use crate::search::{linearize, Call, Entry, Verdict};
use crate::{MalformedHistory, Operation, Problem};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use river_sim::history::{History, OpFn, OpType};

/// An event of one key's history: operation `op` (an index into `ops`) began or ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Event {
    op: usize,
    invoke: bool,
}

/// One key's operations and the order of their invocations and completions.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyHistory {
    ops: Vec<Operation>,
    /// Invocations, and completions of `:ok` operations, in real-time order.
    events: Vec<Event>,
    /// For each op, the index in `events` of its completion, if it completed `:ok`.
    returned_at: Vec<Option<usize>>,
}

/// What one search of a key found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Search {
    pub verdict: Verdict,
    /// Operations it had to place.
    pub placed: usize,
    /// Attempts to apply an operation.
    pub steps: u64,
}

/// Where `key` sits in `keys` (kept in key order), added if new.
///
/// Sorted vectors, not maps: the page runs this checker too, and each map type costs its
/// wasm kilobytes (a history has a few keys and a few open operations at a time).
fn key_slot(keys: &mut Vec<(String, KeyHistory)>, key: &str) -> usize {
    match keys.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
        Ok(k) => k,
        Err(k) => {
            keys.insert(k, (String::from(key), KeyHistory::default()));
            k
        }
    }
}

/// Pairs invocations with completions (a process has at most one operation open) and
/// splits the result by key, in key order.
pub(crate) fn split_by_key(
    history: &History,
) -> Result<Vec<(String, KeyHistory)>, MalformedHistory> {
    let mut keys: Vec<(String, KeyHistory)> = Vec::new();
    // The open operations: process, key and index.
    let mut open: Vec<(u32, String, usize)> = Vec::new();
    for (i, line) in history.ops.iter().enumerate() {
        let process = line.process;
        if line.kind == OpType::Invoke {
            if open.iter().any(|o| o.0 == process) {
                return Err(MalformedHistory::OverlappingInvoke {
                    line: i + 1,
                    process,
                });
            }
            let slot = key_slot(&mut keys, &line.key);
            let key = &mut keys[slot].1;
            let op = key.ops.len();
            key.ops.push(Operation {
                process,
                f: line.f,
                value: if line.f == OpFn::Put {
                    line.value.clone()
                } else {
                    None
                },
                invoked_ms: line.time_ms,
                outcome: OpType::Info,
                completed_ms: None,
            });
            key.returned_at.push(None);
            key.events.push(Event { op, invoke: true });
            open.push((process, line.key.clone(), op));
            continue;
        }
        let unmatched = MalformedHistory::UnmatchedCompletion {
            line: i + 1,
            process,
        };
        let Some(at) = open.iter().position(|o| o.0 == process) else {
            return Err(unmatched);
        };
        let (_, key_name, op) = open.swap_remove(at);
        let slot = key_slot(&mut keys, &key_name);
        let key = &mut keys[slot].1;
        let operation = &mut key.ops[op];
        if key_name != line.key || operation.f != line.f {
            return Err(unmatched);
        }
        operation.outcome = line.kind;
        operation.completed_ms = Some(line.time_ms);
        if line.kind == OpType::Ok {
            if line.f == OpFn::Get {
                operation.value = line.value.clone();
            }
            key.returned_at[op] = Some(key.events.len());
            key.events.push(Event { op, invoke: false });
        }
    }
    Ok(keys)
}

impl KeyHistory {
    /// Searches the whole key, in at most `max_steps` attempts.
    pub(crate) fn search(&self, max_steps: u64) -> Search {
        self.search_prefix(self.events.len(), max_steps)
    }

    /// Searches the first `prefix` events: an operation that completes later counts as one
    /// whose outcome is unknown.
    ///
    /// What the search must place:
    /// - an operation that completed `:ok`, with its return where it happened;
    /// - a put of unknown outcome whose value some placed get read: it took effect, at an
    ///   unknown time after its invocation, so its return goes at the very end.
    ///
    /// Left out: failures (they did not happen), gets of unknown outcome (nobody saw what
    /// they read), and puts of unknown outcome whose value nobody read. Such a put may or
    /// may not have happened; if a linearization places it, no read sees its value, so no
    /// read falls between it and the next write, and dropping it from the order leaves a
    /// linearization. Leaving these out keeps timed-out writes, which pile up under message
    /// loss, from multiplying the search.
    fn search_prefix<'a>(&'a self, prefix: usize, max_steps: u64) -> Search {
        let completes = |op: usize| self.returned_at[op].is_some_and(|at| at < prefix);
        // The values some get read, in order (a sorted vector: see `key_slot`).
        let mut read: Vec<&str> = Vec::new();
        for e in &self.events[..prefix] {
            let op = &self.ops[e.op];
            if let (false, OpFn::Get, Some(v)) = (e.invoke, op.f, op.value.as_deref()) {
                if let Err(k) = read.binary_search(&v) {
                    read.insert(k, v);
                }
            }
        }
        // Values become numbers: 0 is "absent", each distinct string its own number.
        let mut numbers: Vec<(&str, u32)> = Vec::new();
        let mut number = |value: Option<&'a str>| -> u32 {
            let Some(v) = value else { return 0 };
            match numbers.binary_search_by(|(s, _)| (*s).cmp(v)) {
                Ok(k) => numbers[k].1,
                Err(k) => {
                    let next = numbers.len() as u32 + 1;
                    numbers.insert(k, (v, next));
                    next
                }
            }
        };
        let mut calls: Vec<Call> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut placed_as: Vec<Option<usize>> = vec![None; self.ops.len()];
        let mut pending: Vec<usize> = Vec::new();
        for event in &self.events[..prefix] {
            let op = &self.ops[event.op];
            if event.invoke {
                let place = match (op.f, completes(event.op)) {
                    (_, true) => true,
                    (OpFn::Put, false) => {
                        op.outcome != OpType::Fail
                            && op
                                .value
                                .as_deref()
                                .is_some_and(|v| read.binary_search(&v).is_ok())
                    }
                    (OpFn::Get, false) => false,
                };
                if !place {
                    continue;
                }
                let index = calls.len();
                placed_as[event.op] = Some(index);
                calls.push(match op.f {
                    OpFn::Put => Call::Write(number(op.value.as_deref())),
                    OpFn::Get => Call::Read(number(op.value.as_deref())),
                });
                entries.push(Entry {
                    op: index,
                    call: true,
                });
                if !completes(event.op) {
                    pending.push(index);
                }
            } else {
                let index = placed_as[event.op].expect("completed ops are placed");
                entries.push(Entry {
                    op: index,
                    call: false,
                });
            }
        }
        entries.extend(pending.into_iter().map(|op| Entry { op, call: false }));
        let (verdict, steps) = linearize(&calls, &entries, max_steps);
        Search {
            verdict,
            placed: calls.len(),
            steps,
        }
    }

    /// Describes why the key is not linearizable. Linearizability is prefix-closed, so a
    /// binary search finds the shortest prefix that is not; its last event is the completion
    /// of the first operation that no order of the ones before it explains.
    pub(crate) fn explain(&self, key: String, max_steps: u64) -> Problem {
        // Invariant: the first `good` events are linearizable (or undecided); the first
        // `bad` are not.
        let (mut good, mut bad) = (0, self.events.len());
        let mut placed = 0;
        while bad - good > 1 {
            let middle = good + (bad - good) / 2;
            let search = self.search_prefix(middle, max_steps);
            match search.verdict {
                Verdict::NotLinearizable => (bad, placed) = (middle, search.placed),
                Verdict::Linearizable | Verdict::Inconclusive => good = middle,
            }
        }
        if bad == self.events.len() {
            placed = self.search(max_steps).placed;
        }
        let culprit = self.ops[self.events[bad - 1].op].clone();
        let last_put = self
            .ops
            .iter()
            .filter(|op| op.f == OpFn::Put && op.outcome == OpType::Ok)
            .filter(|op| op.completed_ms.is_some_and(|t| t < culprit.invoked_ms))
            .max_by_key(|op| op.completed_ms)
            .cloned();
        Problem::NotLinearizable {
            key,
            culprit,
            before: placed.saturating_sub(1),
            last_put,
        }
    }
}
