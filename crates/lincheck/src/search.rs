//! The search for a linearization of one register's history: Wing & Gong's algorithm
//! with Lowe's memoization ("Testing for linearizability", 2017), in the form Horn &
//! Kroening describe ("Faster linearizability checking via P-compositionality", 2015) and
//! porcupine implements.
//!
//! The history is a list of calls and returns in real-time order. The search walks it from
//! the front: the first call it can apply to the register is linearized (the call and its
//! return are lifted out of the list, and the search starts over from the front); reaching a
//! return means some operation that had to come before it could not be placed, so the last
//! choice is undone and the search goes on after it. Each (set of linearized operations,
//! register value) is tried once: two orders that reach the same set and value have the
//! same future, which is what keeps concurrent reads of one value from exploding into every
//! permutation.

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;

/// A register operation, with the value written or the value read; 0 stands for "absent".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    /// Sets the register.
    Write(u32),
    /// Saw this value.
    Read(u32),
}

impl Call {
    /// The sequential specification: whether the call can happen in `state`, and the state
    /// after it.
    fn apply(self, state: u32) -> Option<u32> {
        match self {
            Call::Write(value) => Some(value),
            Call::Read(value) => (value == state).then_some(state),
        }
    }
}

/// One entry of the history list: the call or the return of operation `op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Index into the calls.
    pub op: usize,
    /// Call (true) or return.
    pub call: bool,
}

/// What the search found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Linearizable,
    NotLinearizable,
    Inconclusive,
}

/// Searches for a linearization of `calls` on a register that starts at 0. `entries` holds
/// each operation's call and then its return, in real-time order (an operation of unknown
/// outcome has its return at the very end). Gives up after `max_steps` attempts to apply a
/// call. Returns the verdict and the attempts made.
pub(crate) fn linearize(calls: &[Call], entries: &[Entry], max_steps: u64) -> (Verdict, u64) {
    // `assert!` rather than `assert_eq!`, whose failure prints both sides with `Debug`:
    // this was the page's only one, and its printing cost 0.8 KB of wasm, 0.2 KB gzipped.
    assert!(
        entries.len() == 2 * calls.len(),
        "one call and one return each"
    );
    // A doubly linked list over the entries ("dancing links"): node 0 is the head, node
    // `i + 1` is `entries[i]`, node `end` the tail. A lifted node keeps its own links, so
    // putting nodes back in the reverse order of lifting restores the list.
    let end = entries.len() + 1;
    let mut next: Vec<usize> = (1..=end).chain([end]).collect();
    let mut prev: Vec<usize> = [0].into_iter().chain(0..end).collect();
    let mut return_node = vec![0; calls.len()];
    for (i, entry) in entries.iter().enumerate() {
        if !entry.call {
            return_node[entry.op] = i + 1;
        }
    }
    fn lift(next: &mut [usize], prev: &mut [usize], node: usize) {
        next[prev[node]] = next[node];
        prev[next[node]] = prev[node];
    }
    fn unlift(next: &mut [usize], prev: &mut [usize], node: usize) {
        next[prev[node]] = node;
        prev[next[node]] = node;
    }

    let mut linearized = Linearized::new(calls.len());
    // Ordered, not hashed: no_std has no hash set (the page runs this too), and the
    // verdict and the time taken depend on nothing but the history.
    let mut seen: BTreeSet<(usize, Box<[u64]>, u32)> = BTreeSet::new();
    // The linearized calls, newest last, with the register value before each.
    let mut stack: Vec<(usize, u32)> = Vec::with_capacity(calls.len());
    let mut state = 0u32;
    let mut steps = 0u64;
    let mut node = next[0];
    while next[0] != end {
        assert!(node != end, "every call's return follows it in the list");
        let entry = entries[node - 1];
        if entry.call {
            steps += 1;
            if steps > max_steps {
                return (Verdict::Inconclusive, steps - 1);
            }
            if let Some(after) = calls[entry.op].apply(state) {
                linearized.set(entry.op);
                let (full, window) = linearized.key();
                if seen.insert((full, window, after)) {
                    stack.push((node, state));
                    state = after;
                    lift(&mut next, &mut prev, node);
                    lift(&mut next, &mut prev, return_node[entry.op]);
                    node = next[0];
                    continue;
                }
                linearized.clear(entry.op);
            }
            node = next[node];
        } else {
            // A return, reached with its call still in the list: that operation cannot be
            // placed after the choices made so far. Undo the last one and try the next.
            let Some((call_node, before)) = stack.pop() else {
                return (Verdict::NotLinearizable, steps);
            };
            let op = entries[call_node - 1].op;
            linearized.clear(op);
            state = before;
            unlift(&mut next, &mut prev, return_node[op]);
            unlift(&mut next, &mut prev, call_node);
            node = next[call_node];
        }
    }
    (Verdict::Linearizable, steps)
}

/// The set of linearized calls, as bits, with the bounds of the part that is neither all
/// set nor all clear. Calls are numbered in the order they were made, so the search
/// linearizes them nearly in order: the memo keys a set by how many leading words are full
/// and the words from there to the last set bit, a few words however long the history
/// (the whole set, kept for each memo entry, made a 100,000-operation key's memo grow with
/// the square of its length: 2.6 GB for a 10-client, one-hour scenario).
struct Linearized {
    words: Vec<u64>,
    /// Words before this are all ones.
    full: usize,
    /// Words from this on are all zeros.
    end: usize,
}

impl Linearized {
    fn new(calls: usize) -> Linearized {
        Linearized {
            words: vec![0; calls.div_ceil(64)],
            full: 0,
            end: 0,
        }
    }

    fn set(&mut self, op: usize) {
        let w = op / 64;
        self.words[w] |= 1 << (op % 64);
        self.end = self.end.max(w + 1);
        while self.full < self.end && self.words[self.full] == u64::MAX {
            self.full += 1;
        }
    }

    fn clear(&mut self, op: usize) {
        let w = op / 64;
        self.words[w] &= !(1 << (op % 64));
        self.full = self.full.min(w);
        while self.end > self.full && self.words[self.end - 1] == 0 {
            self.end -= 1;
        }
    }

    /// The set, canonically: the count of full leading words and the words after them up
    /// to the last set bit. Equal sets give equal keys, and a key gives back its set.
    fn key(&self) -> (usize, Box<[u64]>) {
        (self.full, self.words[self.full..self.end].into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(order: &[(usize, bool)]) -> Vec<Entry> {
        order.iter().map(|&(op, call)| Entry { op, call }).collect()
    }

    #[test]
    fn concurrent_writes_may_take_effect_in_either_order() {
        // Two overlapping writes, then a read of the first one invoked.
        let calls = [Call::Write(1), Call::Write(2), Call::Read(1)];
        let order = entries(&[
            (0, true),
            (1, true),
            (0, false),
            (1, false),
            (2, true),
            (2, false),
        ]);
        assert_eq!(linearize(&calls, &order, 100).0, Verdict::Linearizable);
    }

    #[test]
    fn read_after_a_completed_write_must_see_it_or_a_later_one() {
        let calls = [Call::Write(1), Call::Read(0)];
        let order = entries(&[(0, true), (0, false), (1, true), (1, false)]);
        assert_eq!(linearize(&calls, &order, 100).0, Verdict::NotLinearizable);
    }

    #[test]
    fn empty_history_is_linearizable() {
        assert_eq!(linearize(&[], &[], 0), (Verdict::Linearizable, 0));
    }

    #[test]
    fn budget_is_respected() {
        let calls = [Call::Write(1), Call::Read(1)];
        let order = entries(&[(0, true), (0, false), (1, true), (1, false)]);
        assert_eq!(linearize(&calls, &order, 1), (Verdict::Inconclusive, 1));
        assert_eq!(linearize(&calls, &order, 2), (Verdict::Linearizable, 2));
    }

    /// The memo's key stands for exactly one set: after any sets and clears, its bounds are
    /// the ones counted afresh, and it is the set's own words between them.
    #[test]
    fn a_linearized_sets_key_is_canonical() {
        let ops = 300;
        let mut set = Linearized::new(ops);
        let mut naive = vec![false; ops];
        // A fixed pseudo-random walk as the search makes one: it sets one of the first few
        // calls not yet set, and now and then undoes the newest.
        let mut stack = Vec::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut most_full = 0;
        for step in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(4) || stack.len() == ops {
                if let Some(op) = stack.pop() {
                    set.clear(op);
                    naive[op] = false;
                }
            } else {
                let op = (0..ops).filter(|&o| !naive[o]).nth((x % 5) as usize);
                let op = op.unwrap_or_else(|| (0..ops).find(|&o| !naive[o]).unwrap());
                set.set(op);
                naive[op] = true;
                stack.push(op);
            }
            let words: Vec<u64> = naive
                .chunks(64)
                .map(|c| c.iter().rev().fold(0, |w, &b| w << 1 | u64::from(b)))
                .collect();
            let full = words.iter().take_while(|&&w| w == u64::MAX).count();
            let end = words
                .iter()
                .rposition(|&w| w != 0)
                .map_or(0, |i| i + 1)
                .max(full);
            assert_eq!(set.key(), (full, words[full..end].into()), "step {step}");
            most_full = most_full.max(full);
        }
        assert!(most_full >= 2, "the walk filled {most_full} leading words");
    }
}
