//! The checker on whole `river check` runs: correct Raft's histories are linearizable, and
//! the deliberately broken read path is caught.

use river_core::{Bug, BugSet};
use river_lincheck::{check, Problem, Report};
use river_sim::history::OpFn;
use river_sim::swarm::{self, CheckOptions, Outcome};

fn options(nodes: usize, bug: Option<Bug>) -> CheckOptions {
    let mut options = CheckOptions {
        nodes,
        ..CheckOptions::default()
    };
    if let Some(bug) = bug {
        let mut bugs = BugSet::NONE;
        bugs.set(bug, true);
        options.raft.bugs = bugs;
    }
    options
}

fn run(options: &CheckOptions, seed: u64) -> (Outcome, Report) {
    let (sim, report) = swarm::run(options, seed, false).expect("valid options");
    let linearizability = check(&sim.history).expect("the simulator writes paired histories");
    (report.outcome, linearizability)
}

/// The client side of §8: with reads through the log, every key's history is linearizable.
#[test]
fn correct_raft_histories_are_linearizable() {
    for nodes in [3, 5] {
        let options = options(nodes, None);
        let mut operations = 0;
        for seed in 1..=200 {
            let (outcome, report) = run(&options, seed);
            assert_eq!(outcome, Outcome::Ok, "{nodes} nodes, seed {seed}");
            assert_eq!(report.problems, vec![], "{nodes} nodes, seed {seed}");
            operations += report.operations;
        }
        assert!(operations > 15_000, "{nodes} nodes: only {operations} ops");
    }
}

/// The checker can fail: answering gets from local state breaks linearizability while the
/// servers' logs stay safe, so only the history shows it.
#[test]
fn stale_read_is_caught() {
    for nodes in [3, 5] {
        let options = options(nodes, Some(Bug::StaleRead));
        let mut caught = 0;
        for seed in 1..=20 {
            let (outcome, report) = run(&options, seed);
            assert!(!matches!(outcome, Outcome::Unsafe(_)), "logs stay safe");
            if report.violated() {
                caught += 1;
                let culprit = report.problems.iter().find_map(|p| match p {
                    Problem::NotLinearizable { culprit, .. } => Some(culprit),
                    Problem::Inconclusive { .. } => None,
                });
                assert_eq!(culprit.map(|c| c.f), Some(OpFn::Get), "seed {seed}");
            }
        }
        assert!(caught >= 3, "{nodes} nodes: caught in {caught} of 20 seeds");
    }
}
