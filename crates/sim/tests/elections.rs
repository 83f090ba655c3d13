//! The election lab (the paper's §9.3 experiment): what randomness in the election timeout
//! buys, measured on the real core; determinism; and that a trial replays as an ordinary run.

use river_sim::elections::{
    Experiment, ExperimentConfig, ExperimentError, Lab, Summary, Trial, NO_LEADER_LIMIT_MS,
    PAPER_RANGES,
};

fn config(min: u64, max: u64, trials: u32) -> ExperimentConfig {
    ExperimentConfig {
        election_timeout_min_ms: min,
        election_timeout_max_ms: max,
        trials,
        ..ExperimentConfig::default()
    }
}

fn run(config: ExperimentConfig) -> Vec<Trial> {
    let mut lab = Lab::new(config).unwrap();
    assert_eq!(lab.run_trials(u32::MAX), Ok(config.trials));
    assert!(lab.is_done());
    lab.trials().to_vec()
}

/// §9.3: more randomness never makes the median time without a leader worse by much; from
/// none to 150 ms of it, the median falls by more than a factor of 10.
#[test]
fn more_randomness_never_makes_the_median_much_worse() {
    let medians: Vec<u64> = PAPER_RANGES
        .iter()
        .map(|&(min, max)| Summary::of(&run(config(min, max, 300))).unwrap().p50_ms)
        .collect();
    for (k, pair) in medians.windows(2).enumerate() {
        let (narrow, wide) = (pair[0], pair[1]);
        assert!(
            wide <= narrow + narrow / 5,
            "{:?} has median {wide} ms, worse than {narrow} ms of {:?} (all: {medians:?})",
            PAPER_RANGES[k + 1],
            PAPER_RANGES[k]
        );
    }
    assert!(
        medians[0] > 10 * medians[5],
        "no randomness should be far slower than 150-300: {medians:?}"
    );
}

/// §9.3: with no randomness the followers time out together and split the vote, again and
/// again; with 150–300 ms split votes are rare.
#[test]
fn no_randomness_produces_split_votes() {
    let none = Summary::of(&run(config(150, 150, 100))).unwrap();
    assert_eq!(none.split_vote_trials, 100, "every trial splits the vote");
    let wide = Summary::of(&run(config(150, 300, 300))).unwrap();
    assert!(
        wide.split_vote_fraction() < 0.15,
        "150-300 split votes in {:.1}% of trials",
        100.0 * wide.split_vote_fraction()
    );
}

/// The split-vote detector means what it says. A trial with a split vote waited for a second
/// election timeout, so it lasted at least two minimum timeouts minus the heartbeat interval
/// (the crash came at most one heartbeat after the followers last heard the leader). A trial
/// with one election and no split vote ended within one longest timeout plus three one-way
/// delays (RequestVote, its answer, the new leader's first heartbeat).
#[test]
fn split_votes_cost_another_election_timeout() {
    for (min, max) in [(150, 155), (150, 175), (150, 300)] {
        let experiment = Experiment::new(config(min, max, 300)).unwrap();
        let latency = experiment.config().latency_max_ms;
        let (mut split, mut clean) = (0, 0);
        for trial in run(*experiment.config()) {
            if trial.had_split_vote() {
                split += 1;
                assert!(trial.elections >= 2, "{trial:?}");
                assert!(
                    trial.downtime_ms >= 2 * min - experiment.heartbeat_ms(),
                    "{trial:?}"
                );
            } else if trial.elections == 1 {
                clean += 1;
                assert!(trial.downtime_ms <= max + 3 * latency, "{trial:?}");
            }
        }
        assert!(
            split > 0 && clean > 0,
            "{min}-{max}: {split} split, {clean} clean"
        );
    }
}

/// The same seed gives the same trials, whether run at once, in slices or one by one; another
/// seed gives others.
#[test]
fn same_seed_same_trials() {
    let c = config(150, 175, 120);
    let all = run(c);
    let mut lab = Lab::new(c).unwrap();
    while lab.run_trials(7).unwrap() > 0 {}
    assert_eq!(lab.trials(), &all[..]);
    let experiment = Experiment::new(c).unwrap();
    for trial in all.iter().step_by(17) {
        assert_eq!(experiment.trial(trial.index).unwrap(), *trial);
    }
    let other = run(ExperimentConfig { seed: 2, ..c });
    assert_ne!(other, all);
}

/// A lab run a few events at a time, trials cut short and gone on with in the next call,
/// gives the same trials as trials run whole; no call runs more events than it is given,
/// and one stops short of them only once every trial ran. With no randomness (150–150 ms)
/// a trial is a minute of split votes, tens of thousands of events.
#[test]
fn a_lab_run_a_few_events_at_a_time_gives_the_same_trials() {
    for (min, max, trials) in [(150, 150, 3), (150, 175, 40)] {
        let c = config(min, max, trials);
        let whole = run(c);
        for budget in [1, 37, 1_000] {
            let mut lab = Lab::new(c).unwrap();
            let mut events = 0;
            while !lab.is_done() {
                let slice = lab.run(budget, u32::MAX).unwrap();
                assert!(
                    slice.events == budget || (slice.events < budget && lab.is_done()),
                    "{min}-{max}, {budget} events: {slice:?}"
                );
                events += slice.events;
            }
            assert_eq!(lab.trials(), &whole[..], "{min}-{max}, {budget} events");
            if min == max {
                assert!(events > 10_000 * u64::from(trials), "{events}");
            }
        }
    }
}

/// A trial is an ordinary run: replayed to the moment before the crash, crashing the leader
/// there gives a leader that a majority follows exactly when the trial says.
#[test]
fn a_trial_replays_as_an_ordinary_run() {
    let experiment = Experiment::new(config(150, 155, 20)).unwrap();
    for index in 0..20 {
        let trial = experiment.trial(index).unwrap();
        let paused = experiment.replay(index).unwrap();
        let mut sim = paused.simulation;
        assert_eq!(sim.now_ms(), trial.crash_at_ms);
        assert_eq!(sim.config().seed, trial.seed);
        assert_eq!(sim.leader(), Some(trial.crashed));
        assert_eq!(paused.first_candidate, trial.first_candidate);
        sim.crash(trial.crashed);
        let end = trial.crash_at_ms + trial.downtime_ms;
        sim.run_until(end - 1);
        let followers = |sim: &river_sim::Simulation, leader| {
            sim.ids()
                .filter_map(|id| sim.node(id))
                .filter(|n| n.leader() == Some(leader))
                .count()
        };
        let leader = trial.new_leader.unwrap();
        assert!(
            followers(&sim, leader) < 3,
            "trial {index}: not before {end} ms"
        );
        sim.run_until(end);
        assert_eq!(sim.leader(), Some(leader), "trial {index}");
        assert!(followers(&sim, leader) >= 3, "trial {index}: by {end} ms");
    }
}

/// The story of a trial is the trial: observing it changes nothing, and it shows each
/// election begun and the winner.
#[test]
fn an_observed_trial_is_the_same_trial() {
    let experiment = Experiment::new(config(150, 155, 30)).unwrap();
    for index in 0..30 {
        let mut events = Vec::new();
        let trial = experiment
            .trial_observed(index, |t, node, e| events.push((t, node, e)))
            .unwrap();
        assert_eq!(trial, experiment.trial(index).unwrap());
        let mut terms: Vec<_> = events
            .iter()
            .filter_map(|(_, _, e)| match e {
                river_core::Event::ElectionStarted { term } => Some(*term),
                _ => None,
            })
            .collect();
        let stood = terms.len();
        terms.dedup();
        assert_eq!(terms.len() as u32, trial.elections, "trial {index}");
        assert!(
            stood as u32 >= trial.elections + trial.split_votes,
            "trial {index}"
        );
        let won = events.iter().find_map(|(t, node, e)| {
            matches!(e, river_core::Event::BecameLeader { .. }).then_some((*t, *node))
        });
        let (t, winner) = won.expect("a leader within the limit");
        assert_eq!(Some(winner), trial.new_leader);
        assert!(events.iter().all(|(time, _, _)| *time >= trial.crash_at_ms));
        assert!(t <= trial.crash_at_ms + trial.downtime_ms);
    }
}

/// A trial that never finds a leader counts at the limit and is reported as such.
#[test]
fn a_trial_without_a_leader_counts_at_the_limit() {
    let trials = run(config(150, 150, 5));
    for trial in &trials {
        assert!(trial.no_leader(), "{trial:?}");
        assert_eq!(trial.downtime_ms, NO_LEADER_LIMIT_MS);
    }
    let summary = Summary::of(&trials).unwrap();
    assert_eq!(summary.no_leader_trials, 5);
    assert_eq!(summary.max_ms, NO_LEADER_LIMIT_MS);
}

/// PreVote changes the run but not the experiment: leaders are still found.
#[test]
fn prevote_trials_find_leaders() {
    let summary = Summary::of(&run(ExperimentConfig {
        pre_vote: true,
        ..config(150, 300, 100)
    }))
    .unwrap();
    assert_eq!(summary.no_leader_trials, 0);
    assert!(summary.p50_ms < 400, "{summary:?}");
}

#[test]
fn impossible_experiments_are_refused() {
    let bad = |c: ExperimentConfig| Experiment::new(c).unwrap_err();
    assert!(matches!(
        bad(config(200, 100, 1)),
        ExperimentError::Config(_)
    ));
    assert_eq!(
        bad(ExperimentConfig {
            nodes: 2,
            ..config(150, 300, 1)
        }),
        ExperimentError::TooFewNodes(2)
    );
    assert_eq!(bad(config(150, 300, 0)), ExperimentError::Trials(0));
    assert!(matches!(
        bad(ExperimentConfig {
            heartbeat_ms: Some(150),
            ..config(150, 300, 1)
        }),
        ExperimentError::Config(_)
    ));
    assert!(matches!(
        bad(ExperimentConfig {
            latency_min_ms: 10,
            latency_max_ms: 5,
            ..config(150, 300, 1)
        }),
        ExperimentError::LatencyRange { .. }
    ));
}

/// The chart's cumulative distribution agrees with the summary's quantiles, and each step
/// names a trial that took exactly that long.
#[test]
fn the_cumulative_distribution_agrees_with_the_quantiles() {
    let mut lab = Lab::new(config(150, 175, 200)).unwrap();
    lab.run_trials(u32::MAX).unwrap();
    let points = lab.cumulative();
    let summary = lab.summary().unwrap();
    assert!(points
        .windows(2)
        .all(|w| w[0].downtime_ms < w[1].downtime_ms && w[0].fraction < w[1].fraction));
    assert_eq!(points.last().unwrap().fraction, 1.0);
    assert_eq!(points.last().unwrap().downtime_ms, summary.max_ms);
    assert_eq!(points[0].downtime_ms, summary.min_ms);
    let at = |q: f64| points.iter().find(|p| p.fraction >= q).unwrap().downtime_ms;
    assert_eq!(at(0.5), summary.p50_ms);
    assert_eq!(at(0.9), summary.p90_ms);
    assert_eq!(at(0.99), summary.p99_ms);
    for p in &points {
        assert_eq!(lab.trials()[p.trial as usize].downtime_ms, p.downtime_ms);
    }
}

/// With one-way delays longer than the election timeout no leader ever settles, so there is
/// nothing to crash: the experiment says so instead of measuring something else.
#[test]
fn a_cluster_that_never_settles_is_refused() {
    let mut lab = Lab::new(ExperimentConfig {
        latency_min_ms: 400,
        latency_max_ms: 500,
        ..config(150, 300, 3)
    })
    .unwrap();
    let error = lab.run_trials(3).unwrap_err();
    assert_eq!(error, ExperimentError::NoSteadyLeader { trial: 0 });
    assert!(error.to_string().contains("timing requirement"), "{error}");
    assert!(lab.trials().is_empty() && !lab.is_done());
}
