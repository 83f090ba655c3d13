//! Running a check and what it reports.

use super::{Action, ModelState, RaftModel};
use crate::history::Invariant;
use crate::safety;
use stateright::Model;
use std::fmt;

pub(super) fn holds(state: &ModelState, invariant: Invariant) -> bool {
    safety::check(&state.0, invariant).is_ok()
}

/// Why the last state of a counterexample breaks `invariant`, for reports.
pub fn explain(state: &ModelState, invariant: Invariant) -> String {
    match safety::check(&state.0, invariant) {
        Ok(()) => "holds".to_string(),
        Err(detail) => detail,
    }
}

/// How to run a check.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Explore paths of at most this many actions; `None` for the whole bounded space.
    pub max_depth: Option<usize>,
    /// Worker threads.
    pub threads: usize,
    /// Stop after this long, whatever remains.
    pub timeout: Option<std::time::Duration>,
    /// Stop at the first broken property instead of exploring everything (bug hunts).
    pub stop_at_first_failure: bool,
    /// Print a progress line this often; `None` for silence.
    pub progress_every: Option<std::time::Duration>,
    /// Depth first: far less memory (no frontier of whole states), but counterexamples are
    /// not the shortest, and with `max_depth` a state first met deep is not revisited from
    /// a shallower path, so use it without `max_depth` to cover the whole bounded space.
    pub depth_first: bool,
}

/// A property's discovery: an example for `sometimes`, a counterexample for `always`.
#[derive(Clone, Debug)]
pub struct Discovery {
    /// The property's name.
    pub property: &'static str,
    /// The actions from the initial state, in order.
    pub actions: Vec<Action>,
    /// The state the actions lead to.
    pub last_state: ModelState,
    /// Why that state breaks the property (empty for examples).
    pub explanation: String,
}

/// What a finished check found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// States generated, duplicates included (with a depth limit, also those one step past
    /// it, generated but not checked).
    pub states: usize,
    /// Distinct states.
    pub unique_states: usize,
    /// The most actions on any path explored.
    pub max_depth: usize,
    /// Wall-clock time.
    pub elapsed: std::time::Duration,
    /// Discoveries, by property name.
    pub discoveries: std::collections::BTreeMap<&'static str, Discovery>,
    /// The timeout stopped the search with states left unexplored: what it found stands,
    /// but finding nothing proves nothing about the rest of the bounded space.
    pub timed_out: bool,
}

impl Outcome {
    /// The counterexample to `invariant`, if one was found.
    pub fn counterexample(&self, invariant: Invariant) -> Option<&Discovery> {
        self.discoveries.get(invariant.name())
    }

    /// The names of the `always` properties that were broken.
    pub fn broken(&self) -> Vec<&'static str> {
        Invariant::ALL
            .iter()
            .map(|i| i.name())
            .filter(|name| self.discoveries.contains_key(name))
            .collect()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "states explored: {} ({} unique), paths up to {} actions, {:.1?}",
            self.states, self.unique_states, self.max_depth, self.elapsed
        )?;
        for discovery in self.discoveries.values() {
            let is_example = discovery.explanation.is_empty();
            let kind = if is_example {
                "example"
            } else {
                "COUNTEREXAMPLE"
            };
            writeln!(
                f,
                "{kind} for \"{}\" ({} steps):",
                discovery.property,
                discovery.actions.len()
            )?;
            if is_example {
                continue;
            }
            for (step, action) in discovery.actions.iter().enumerate() {
                writeln!(f, "  {:>2}. {action:?}", step + 1)?;
            }
            writeln!(f, "  => {}", discovery.explanation)?;
            write!(f, "{:?}", discovery.last_state)?;
        }
        if self.timed_out {
            writeln!(
                f,
                "INCOMPLETE: the timeout stopped the search before the bounded space was explored"
            )?;
        }
        Ok(())
    }
}

/// Checks `model`, breadth first unless asked otherwise (single-threaded, breadth first
/// finds a shortest counterexample).
pub fn run(model: RaftModel, options: &RunOptions) -> Outcome {
    use stateright::HasDiscoveries;
    let start = std::time::Instant::now();
    let mut model = model;
    let timed_out = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    model.deadline = options.timeout.map(|t| (start + t, timed_out.clone()));
    let mut builder = model.checker().threads(options.threads.max(1));
    if let Some(depth) = options.max_depth {
        // stateright counts the initial state as depth 1 and neither checks nor expands a
        // state at the target depth: states `depth` actions deep are at depth `depth + 1`.
        builder = builder.target_max_depth(depth + 2);
    }
    if options.stop_at_first_failure {
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    if options.depth_first {
        finish(builder.spawn_dfs(), options, start, &timed_out)
    } else {
        finish(builder.spawn_bfs(), options, start, &timed_out)
    }
}

fn finish(
    checker: impl stateright::Checker<RaftModel>,
    options: &RunOptions,
    start: std::time::Instant,
    timed_out: &std::sync::atomic::AtomicBool,
) -> Outcome {
    if let Some(every) = options.progress_every {
        let mut last_report = std::time::Instant::now();
        while !checker.is_done() {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if last_report.elapsed() >= every {
                last_report = std::time::Instant::now();
                eprintln!(
                    "  … {} states ({} unique), depth {}, {:.0?}",
                    checker.state_count(),
                    checker.unique_state_count(),
                    checker.max_depth().saturating_sub(1),
                    start.elapsed()
                );
            }
        }
    }
    let checker = checker.join();
    let properties = checker.model().properties();
    let discoveries = checker
        .discoveries()
        .into_iter()
        .map(|(name, path)| {
            let invariant = Invariant::ALL.into_iter().find(|i| i.name() == name);
            let is_always = properties
                .iter()
                .any(|p| p.name == name && p.expectation == stateright::Expectation::Always);
            let last_state = path.last_state().clone();
            let explanation = match invariant {
                Some(invariant) if is_always => explain(&last_state, invariant),
                _ => String::new(),
            };
            let discovery = Discovery {
                property: name,
                actions: path.into_actions(),
                last_state,
                explanation,
            };
            (name, discovery)
        })
        .collect();
    // stateright's depth counts the initial state, and includes states generated one step
    // past the target depth but never checked.
    let reached = checker.max_depth().saturating_sub(1);
    Outcome {
        states: checker.state_count(),
        unique_states: checker.unique_state_count(),
        max_depth: options
            .max_depth
            .map_or(reached, |depth| reached.min(depth)),
        elapsed: start.elapsed(),
        discoveries,
        timed_out: timed_out.load(std::sync::atomic::Ordering::Relaxed),
    }
}
