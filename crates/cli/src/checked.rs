//! One run's verdict: its report, and whether its client history is linearizable.

use river_lincheck::Problem;
use river_sim::swarm::{self, CheckOptions, Outcome, RunReport};
use river_sim::Simulation;

use crate::catching::catching;
use crate::elections;
use crate::flags::LincheckArgs;

/// The verdict on one run's client history (`Err`: the history could not be read as
/// invocations paired with completions, a simulator bug).
pub struct HistoryVerdict(Result<river_lincheck::Report, String>);

impl HistoryVerdict {
    pub fn of(sim: &Simulation, lincheck: LincheckArgs) -> HistoryVerdict {
        HistoryVerdict(
            river_lincheck::check_within(&sim.history, lincheck.max_search_steps)
                .map_err(|e| format!("the client history is malformed: {e}")),
        )
    }

    /// Whether the history is certainly not linearizable (or unreadable).
    pub fn not_linearizable(&self) -> bool {
        self.0.as_ref().map_or(true, |h| h.violated())
    }

    /// Whether the search gave up on some key: it proves nothing either way.
    pub fn inconclusive(&self) -> bool {
        self.0.as_ref().is_ok_and(|h| h.inconclusive())
    }

    /// The operations of a history shown linearizable (none if any key was not).
    pub fn linearizable_operations(&self) -> usize {
        match &self.0 {
            Ok(h) if h.problems.is_empty() => h.operations,
            _ => 0,
        }
    }

    /// Prints what is wrong with the history: problems of kind `inconclusive` or not.
    pub fn print_problems(&self, inconclusive: bool) {
        match &self.0 {
            Err(e) if !inconclusive => say!("  {e}"),
            Err(_) => {}
            Ok(report) => {
                for problem in &report.problems {
                    if matches!(problem, Problem::Inconclusive { .. }) == inconclusive {
                        say!("  {problem}");
                    }
                }
            }
        }
    }

    /// Prints the verdict in a line, then any problems.
    pub fn print(&self, allow_inconclusive: bool) {
        match &self.0 {
            Ok(history) if history.problems.is_empty() => say!(
                "client history linearizable: {} {} on {} {} checked",
                history.operations,
                elections::plural(history.operations as u64, "operation", "operations"),
                history.keys,
                elections::plural(history.keys as u64, "key", "keys")
            ),
            Ok(history) => {
                if history.violated() {
                    say!(
                        "NOT LINEARIZABLE ({} operations checked)",
                        history.operations
                    );
                    self.print_problems(false);
                }
                if history.inconclusive() {
                    say!(
                        "linearizability inconclusive ({} operations checked){}",
                        history.operations,
                        if allow_inconclusive {
                            " (allowed)"
                        } else {
                            "; fails unless --allow-inconclusive"
                        }
                    );
                    self.print_problems(true);
                }
            }
            Err(e) => say!("NOT LINEARIZABLE: {e}"),
        }
    }
}

/// One seed's run and the verdict on its client history.
pub struct Checked {
    pub seed: u64,
    /// The run's report, or, if the simulator panicked, what the panic said.
    pub run: Result<RunReport, String>,
    /// `None` if the run panicked.
    pub history: Option<HistoryVerdict>,
}

impl Checked {
    /// Runs and checks one seed of `check`, catching a panic in either.
    pub fn seed(
        options: &CheckOptions,
        seed: u64,
        lincheck: LincheckArgs,
        panic_at_seed: Option<u64>,
    ) -> Checked {
        let checked = catching(|| {
            assert!(
                panic_at_seed != Some(seed),
                "panic injected by --panic-at-seed"
            );
            let (sim, run) = swarm::run(options, seed, false).expect("validated");
            Checked::new(&sim, run, lincheck)
        });
        checked.unwrap_or_else(|message| Checked {
            seed,
            run: Err(message),
            history: None,
        })
    }

    pub fn new(sim: &Simulation, run: RunReport, lincheck: LincheckArgs) -> Checked {
        Checked {
            seed: run.seed,
            run: Ok(run),
            history: Some(HistoryVerdict::of(sim, lincheck)),
        }
    }

    /// Whether the run finished and its history is certainly not linearizable.
    pub fn not_linearizable(&self) -> bool {
        self.history
            .as_ref()
            .is_some_and(HistoryVerdict::not_linearizable)
    }

    /// Whether the search gave up on some key of the history.
    pub fn inconclusive(&self) -> bool {
        self.history
            .as_ref()
            .is_some_and(HistoryVerdict::inconclusive)
    }

    /// Whether the run panicked, broke a property, did not converge, is not linearizable,
    /// or (unless allowed) could not be decided.
    pub fn failed(&self, allow_inconclusive: bool) -> bool {
        self.run.as_ref().map_or(true, |r| r.outcome != Outcome::Ok)
            || self.not_linearizable()
            || (self.inconclusive() && !allow_inconclusive)
    }

    pub fn print_history_problems(&self, inconclusive: bool) {
        if let Some(history) = &self.history {
            history.print_problems(inconclusive);
        }
    }
}

/// What a liveness failure says: how long without a leader, from when, and who ran.
pub fn no_leader_text(outcome: &Outcome) -> String {
    let Outcome::NoLeader {
        since_ms,
        limit_ms,
        text,
    } = outcome
    else {
        return String::new();
    };
    format!(
        "from {since_ms} ms, no leader for {limit_ms} ms under a healed network with a majority up ({text})"
    )
}
