//! The election lab: the experiment of the Raft paper's §9.3 (its Figure 16; chapter 9 of
//! Ongaro's thesis), run on the real core. Crash the leader of a steady cluster at a random
//! moment, and measure how long the cluster is without a leader, over many trials.
//!
//! One trial, from its own seed:
//!
//! 1. A fresh cluster; at time 0 one server (drawn at random) has its election timer fired,
//!    so it wins at once whatever the timeout range (with no randomness at all the first
//!    election could otherwise take as long as the one being measured).
//! 2. After [`Experiment::settle_ms`] plus a moment drawn uniformly from one heartbeat
//!    interval, the leader crashes. The paper crashed its leader "randomly within its
//!    heartbeat interval"; a leader here sends its heartbeats to every follower at once,
//!    like the paper's synchronised heartbeat before the crash.
//! 3. The clock runs until a new leader is followed by a majority of the whole cluster (it
//!    counts itself; a follower counts once it has heard from that leader in that term), so
//!    the time the followers need to notice the crash is included. The paper measured until
//!    the other servers received the new leader's first heartbeat: the same moment. A trial
//!    with no such leader within [`NO_LEADER_LIMIT_MS`] counts at that limit and is marked.
//!
//! A *split vote* is an election term in which two or more servers stood as candidates
//! (each reported [`Event::ElectionStarted`] for that term), none of them won (no
//! [`Event::BecameLeader`] for it), and a later term began: the votes were divided, so
//! nobody reached a majority and the cluster had to wait for another election timeout.
//! PreVote rounds are not elections (a server may grant several PreVotes), so only real
//! candidacies count.
//!
//! Every trial is a pure function of the experiment and its index, so trials can run in any
//! order, in slices between frames ([`Lab`]) or spread over threads, with the same results.
//! Each [`Trial`] carries what reproduces it as an ordinary run: [`Experiment::replay`]
//! returns the simulation paused just before the crash.

use crate::network::LinkParams;
use crate::sim::{stream, RaftOptions, SimConfig, Simulation};
use alloc::vec::Vec;
use core::fmt;
use river_core::{ConfigError, Event, NodeId, Rng, Term, MAX_CLUSTER_SIZE};

/// A trial with no leader this long after the crash counts at this time and is reported.
pub const NO_LEADER_LIMIT_MS: u64 = 60_000;

/// The most trials one experiment runs (a bound on memory: one [`Trial`] each).
pub const MAX_TRIALS: u32 = 1_000_000;

/// The election timeout ranges the paper compares (its Figure 16, top), (min, max) in ms:
/// 150 ms plus 0, 1, 5, 25, 50 and 150 ms of randomness. The page offers them as presets and
/// a test checks the paper's finding on them.
pub const PAPER_RANGES: [(u64, u64); 6] = [
    (150, 150),
    (150, 151),
    (150, 155),
    (150, 175),
    (150, 200),
    (150, 300),
];

/// A budget of events that never runs out (a trial ends within [`NO_LEADER_LIMIT_MS`]).
const ENDLESS: u64 = u64::MAX;

/// The longest one-way latency accepted, so a trial's simulated time stays bounded (a
/// scenario's `latency` line is held to it too, so no delay overflows the clock).
pub const MAX_LATENCY_MS: u64 = 10_000;

/// The longest election timeout accepted (here, by a scenario's `election-timeout` line and
/// by `river check` and `run`).
pub const MAX_ELECTION_TIMEOUT_MS: u64 = 60_000;

/// Fewest servers: a majority must survive the leader's crash.
pub const MIN_NODES: usize = 3;

/// Stream label ([`Rng::fork`]) from which each trial's seed is drawn.
const TRIAL_SEED_STREAM: u64 = 0xE1EC_7100;

/// A trial's seed keeps its low 53 bits: exact as a JavaScript number, so the page can open
/// any trial as an ordinary run with that seed (the page takes seeds up to 2^53 - 1).
pub const TRIAL_SEED_MASK: u64 = (1 << 53) - 1;

/// What an experiment runs. Times are milliseconds of simulated time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExperimentConfig {
    /// Servers in the cluster ([`MIN_NODES`] to [`MAX_CLUSTER_SIZE`]).
    pub nodes: usize,
    /// Lower end of the election timeout range.
    pub election_timeout_min_ms: u64,
    /// Upper end of the election timeout range.
    pub election_timeout_max_ms: u64,
    /// Leader heartbeat interval; `None` means half the minimum election timeout, as in the
    /// paper's benchmark.
    pub heartbeat_ms: Option<u64>,
    /// Shortest one-way message delay.
    pub latency_min_ms: u64,
    /// Longest one-way message delay.
    pub latency_max_ms: u64,
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// The master seed; trial `i` draws its own seed from it.
    pub seed: u64,
    /// How many trials ([`MAX_TRIALS`] at most).
    pub trials: u32,
}

impl Default for ExperimentConfig {
    /// The paper's setup: five servers, 150–300 ms, heartbeat half the minimum timeout, and a
    /// broadcast time (round trip) of about 15 ms: one-way delays of 5–10 ms, so a round
    /// trip takes 10–20 ms. The simulator spends no time on disk writes, which the paper's
    /// 15 ms included.
    fn default() -> Self {
        ExperimentConfig {
            nodes: 5,
            election_timeout_min_ms: 150,
            election_timeout_max_ms: 300,
            heartbeat_ms: None,
            latency_min_ms: 5,
            latency_max_ms: 10,
            pre_vote: false,
            seed: 1,
            trials: 1_000,
        }
    }
}

/// Why an experiment cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExperimentError {
    /// Fewer than [`MIN_NODES`] servers: after the crash no majority would be left.
    TooFewNodes(usize),
    /// The cluster, timeout or heartbeat settings break the core's own rules.
    Config(ConfigError),
    /// The election timeout is longer than [`MAX_ELECTION_TIMEOUT_MS`].
    TimeoutTooLong(u64),
    /// The latency range is empty or too long.
    LatencyRange {
        /// Shortest delay given.
        min_ms: u64,
        /// Longest delay given.
        max_ms: u64,
    },
    /// No trials, or more than [`MAX_TRIALS`].
    Trials(u32),
    /// A trial's cluster never had a leader that a majority followed, so there was nothing to
    /// crash: with message delays this long against election timeouts this short, elections
    /// never settle (Raft's timing requirement, §5.6: broadcast time ≪ election timeout).
    NoSteadyLeader {
        /// The trial.
        trial: u32,
    },
}

impl fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExperimentError::TooFewNodes(n) => write!(
                f,
                "the experiment crashes the leader, so a majority must survive it: it needs \
                 {MIN_NODES} to {MAX_CLUSTER_SIZE} nodes, not {n}"
            ),
            ExperimentError::Config(e) => e.fmt(f),
            ExperimentError::TimeoutTooLong(ms) => write!(
                f,
                "election timeout {ms} ms is longer than the {MAX_ELECTION_TIMEOUT_MS} ms allowed"
            ),
            ExperimentError::LatencyRange { min_ms, max_ms } => write!(
                f,
                "latency range {min_ms}-{max_ms} ms is not allowed (need min <= max <= \
                 {MAX_LATENCY_MS})"
            ),
            ExperimentError::Trials(n) => {
                write!(f, "trials must be 1 to {MAX_TRIALS}, not {n}")
            }
            ExperimentError::NoSteadyLeader { trial } => write!(
                f,
                "in trial {trial} no leader was followed by a majority within \
                 {NO_LEADER_LIMIT_MS} ms, so there was none to crash: with these settings \
                 elections never settle (Raft's timing requirement, §5.6: messages must take \
                 much less time than an election timeout)"
            ),
        }
    }
}

/// One trial's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trial {
    /// Its index in the experiment.
    pub index: u32,
    /// The seed of its simulation.
    pub seed: u64,
    /// The server fired at time 0 to become the first leader.
    pub first_candidate: NodeId,
    /// The leader that crashed.
    pub crashed: NodeId,
    /// When it crashed (after every event of that millisecond).
    pub crash_at_ms: u64,
    /// Time from the crash until a new leader was followed by a majority; at most
    /// [`NO_LEADER_LIMIT_MS`].
    pub downtime_ms: u64,
    /// The new leader, if one was followed by a majority within the limit.
    pub new_leader: Option<NodeId>,
    /// Election terms begun after the crash (by a real candidacy, not a PreVote).
    pub elections: u32,
    /// Of those, split votes (see the module documentation).
    pub split_votes: u32,
}

impl Trial {
    /// Whether the cluster had no leader within [`NO_LEADER_LIMIT_MS`].
    pub fn no_leader(&self) -> bool {
        self.new_leader.is_none()
    }

    /// Whether at least one split vote happened.
    pub fn had_split_vote(&self) -> bool {
        self.split_votes > 0
    }
}

/// An experiment: its configuration, checked, and how to run any of its trials.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    config: ExperimentConfig,
    sim: SimConfig,
}

impl Experiment {
    /// Checks the configuration.
    pub fn new(config: ExperimentConfig) -> Result<Experiment, ExperimentError> {
        if config.nodes < MIN_NODES {
            return Err(ExperimentError::TooFewNodes(config.nodes));
        }
        if config.trials == 0 || config.trials > MAX_TRIALS {
            return Err(ExperimentError::Trials(config.trials));
        }
        if config.latency_min_ms > config.latency_max_ms || config.latency_max_ms > MAX_LATENCY_MS {
            return Err(ExperimentError::LatencyRange {
                min_ms: config.latency_min_ms,
                max_ms: config.latency_max_ms,
            });
        }
        let mut sim = SimConfig::new(config.nodes, 0);
        sim.raft = RaftOptions {
            election_timeout_min_ms: config.election_timeout_min_ms,
            election_timeout_max_ms: config.election_timeout_max_ms,
            heartbeat_interval_ms: config
                .heartbeat_ms
                .unwrap_or((config.election_timeout_min_ms / 2).max(1)),
            pre_vote: config.pre_vote,
            ..RaftOptions::default()
        };
        sim.link = LinkParams {
            latency_min_ms: config.latency_min_ms,
            latency_max_ms: config.latency_max_ms,
            ..LinkParams::default()
        };
        sim.validate().map_err(ExperimentError::Config)?;
        if config.election_timeout_max_ms > MAX_ELECTION_TIMEOUT_MS {
            return Err(ExperimentError::TimeoutTooLong(
                config.election_timeout_max_ms,
            ));
        }
        Ok(Experiment { config, sim })
    }

    /// The configuration.
    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    /// The heartbeat interval in use (given, or half the minimum election timeout).
    pub fn heartbeat_ms(&self) -> u64 {
        self.sim.raft.heartbeat_interval_ms
    }

    /// How long the first leader leads before the heartbeat interval in which it crashes:
    /// one longest election timeout plus one heartbeat, so every follower has heard it many
    /// times and none is about to time out.
    pub fn settle_ms(&self) -> u64 {
        self.config.election_timeout_max_ms + self.heartbeat_ms()
    }

    /// The simulation configuration of trial `index`.
    pub fn sim_config(&self, index: u32) -> SimConfig {
        let mut config = self.sim.clone();
        config.seed = Rng::fork(self.config.seed, TRIAL_SEED_STREAM + u64::from(index)).next_u64()
            & TRIAL_SEED_MASK;
        config
    }

    /// Trial `index` paused just before its leader crashes: an ordinary run of the trial's
    /// seed in which [`Paused::first_candidate`]'s election timer was fired at time 0, run
    /// to the moment of the crash. Fails if no leader is ever followed by a majority.
    pub fn replay(&self, index: u32) -> Result<Paused, ExperimentError> {
        let (mut run, mut budget) = (TrialRun::new(self, index), ENDLESS);
        let Some(leader) = run.settle(self, &mut budget)? else {
            panic!("an endless budget settles")
        };
        Ok(Paused {
            simulation: run.simulation,
            first_candidate: run.first_candidate,
            leader,
        })
    }

    /// Runs trial `index` from scratch (it fails as [`Experiment::replay`] does).
    pub fn trial(&self, index: u32) -> Result<Trial, ExperimentError> {
        self.trial_observed(index, |_, _, _| {})
    }

    /// Runs trial `index` from scratch and hands `observe` every event a server reports
    /// after the crash, with its time, until the trial ends: the story of the trial.
    pub fn trial_observed(
        &self,
        index: u32,
        mut observe: impl FnMut(u64, NodeId, Event),
    ) -> Result<Trial, ExperimentError> {
        let (mut run, mut budget) = (TrialRun::new(self, index), ENDLESS);
        let Some(trial) = run.advance(self, &mut budget, &mut observe)? else {
            panic!("an endless budget ends the trial")
        };
        Ok(trial)
    }
}

/// A trial under way, run a number of events at a time ([`TrialRun::advance`]) to the same
/// result as [`Experiment::trial`], which runs one to its end. A page can so stop between
/// any two events, mid-trial, and go on in its next frame: a trial of 150–150 ms simulates a
/// minute of split votes, tens of thousands of events, far more than a frame's worth.
#[derive(Clone, Debug)]
pub struct TrialRun {
    index: u32,
    simulation: Simulation,
    first_candidate: NodeId,
    stage: Stage,
}

/// Where a [`TrialRun`] is.
#[derive(Clone, Debug)]
enum Stage {
    /// Before the crash: every event up to `crash_at_ms` runs, then the leader a majority
    /// follows crashes (with none, the moment moves on by a heartbeat interval, keeping its
    /// phase).
    Settling { crash_at_ms: u64 },
    /// After `crashed` crashed at `crash_at_ms`: until a new leader is followed by a
    /// majority, or [`NO_LEADER_LIMIT_MS`] later.
    Measuring {
        crashed: NodeId,
        crash_at_ms: u64,
        terms: Terms,
    },
}

impl TrialRun {
    /// Trial `index` of `experiment`, at time 0: a fresh cluster with one server's election
    /// timer fired.
    pub fn new(experiment: &Experiment, index: u32) -> TrialRun {
        let config = experiment.sim_config(index);
        let mut draws = Rng::fork(config.seed, stream::FAULTS);
        let first_candidate =
            NodeId(draws.range_inclusive(0, experiment.config.nodes as u64 - 1) as u8);
        let phase = draws.range_inclusive(0, experiment.heartbeat_ms() - 1);
        // Not `expect`: that would keep the error's `Debug` formatting in the page's wasm.
        let Ok(mut simulation) = Simulation::new(config) else {
            panic!("validated in Experiment::new")
        };
        simulation.force_timeout(first_candidate);
        TrialRun {
            index,
            simulation,
            first_candidate,
            // A leader that a majority follows, at a moment `phase` into a heartbeat
            // interval; with sane settings the first try holds.
            stage: Stage::Settling {
                crash_at_ms: experiment.settle_ms() + phase,
            },
        }
    }

    /// Runs the trial on for at most `budget` events, taking each one run from it, and
    /// hands `observe` every event a server reports after the crash. Returns the trial once
    /// it has ended, `None` while it goes on (the budget ran out first; call again).
    pub fn advance(
        &mut self,
        experiment: &Experiment,
        budget: &mut u64,
        observe: &mut dyn FnMut(u64, NodeId, Event),
    ) -> Result<Option<Trial>, ExperimentError> {
        if let Stage::Settling { .. } = self.stage {
            let Some(leader) = self.settle(experiment, budget)? else {
                return Ok(None);
            };
            self.stage = Stage::Measuring {
                crashed: leader,
                crash_at_ms: self.simulation.now_ms(),
                terms: Terms::default(),
            };
            self.simulation.crash(leader);
            self.simulation.signals = Some(Vec::new());
        }
        let Stage::Measuring {
            crashed,
            crash_at_ms,
            terms,
        } = &mut self.stage
        else {
            unreachable!("settled above")
        };
        let sim = &mut self.simulation;
        let limit = *crash_at_ms + NO_LEADER_LIMIT_MS;
        let mut new_leader = None;
        loop {
            if *budget == 0 {
                return Ok(None);
            }
            if !sim.step_until(limit) {
                break;
            }
            *budget -= 1;
            let now_ms = sim.now_ms();
            let signals = sim.signals.as_mut().expect("set at the crash");
            if signals.is_empty() {
                continue;
            }
            for (node, event) in signals.drain(..) {
                terms.observe(event);
                observe(now_ms, node, event);
            }
            new_leader = steady_leader(sim);
            if new_leader.is_some() {
                break;
            }
        }
        let downtime_ms = match new_leader {
            Some(_) => sim.now_ms() - *crash_at_ms,
            None => NO_LEADER_LIMIT_MS,
        };
        Ok(Some(Trial {
            index: self.index,
            seed: sim.config().seed,
            first_candidate: self.first_candidate,
            crashed: *crashed,
            crash_at_ms: *crash_at_ms,
            downtime_ms,
            new_leader,
            elections: terms.elections(),
            split_votes: terms.split_votes(),
        }))
    }

    /// Runs the cluster on to the moment of the crash, at most `budget` events; returns the
    /// leader to crash once there, `None` while the budget runs out first.
    fn settle(
        &mut self,
        experiment: &Experiment,
        budget: &mut u64,
    ) -> Result<Option<NodeId>, ExperimentError> {
        let Stage::Settling { crash_at_ms } = &mut self.stage else {
            unreachable!("settles before the crash only")
        };
        loop {
            if *budget == 0 {
                return Ok(None);
            }
            if self.simulation.step_until(*crash_at_ms) {
                *budget -= 1;
                continue;
            }
            // Every event up to the moment is done: the clock stands there.
            self.simulation.run_until(*crash_at_ms);
            if let Some(leader) = steady_leader(&self.simulation) {
                return Ok(Some(leader));
            }
            if *crash_at_ms >= NO_LEADER_LIMIT_MS {
                return Err(ExperimentError::NoSteadyLeader { trial: self.index });
            }
            *crash_at_ms += experiment.heartbeat_ms();
        }
    }
}

/// A trial paused just before its leader crashes.
#[derive(Clone, Debug)]
pub struct Paused {
    /// The run, at the moment of the crash (every event of that millisecond done).
    pub simulation: Simulation,
    /// The server whose election timer was fired at time 0.
    pub first_candidate: NodeId,
    /// The steady leader about to crash.
    pub leader: NodeId,
}

/// The leader that a majority of the whole cluster follows, itself included, if any.
fn steady_leader(sim: &Simulation) -> Option<NodeId> {
    let leader = sim.leader()?;
    let term = sim.node(leader).expect("a leader runs").term();
    let followers = sim
        .ids()
        .filter_map(|id| sim.node(id))
        .filter(|n| n.term() == term && n.leader() == Some(leader))
        .count();
    (followers > sim.size() / 2).then_some(leader)
}

/// The election terms begun during one trial: how many candidates stood in each, and
/// whether one won.
#[derive(Clone, Debug, Default)]
struct Terms {
    started: Vec<TermRecord>,
}

#[derive(Clone, Debug)]
struct TermRecord {
    term: Term,
    candidates: u32,
    won: bool,
}

impl Terms {
    fn observe(&mut self, event: Event) {
        match event {
            Event::ElectionStarted { term } => self.record(term).candidates += 1,
            // A candidacy begun before the crash may still win after it.
            Event::BecameLeader { term, .. } => self.record(term).won = true,
            _ => {}
        }
    }

    fn record(&mut self, term: Term) -> &mut TermRecord {
        let at = match self.started.iter().position(|r| r.term == term) {
            Some(at) => at,
            None => {
                self.started.push(TermRecord {
                    term,
                    candidates: 0,
                    won: false,
                });
                self.started.len() - 1
            }
        };
        &mut self.started[at]
    }

    /// Terms in which someone stood as candidate after the crash.
    fn elections(&self) -> u32 {
        self.started.iter().filter(|r| r.candidates > 0).count() as u32
    }

    /// Terms with two or more candidates, no winner, and a later term begun.
    fn split_votes(&self) -> u32 {
        let Some(latest) = self.started.iter().map(|r| r.term).max() else {
            return 0;
        };
        self.started
            .iter()
            .filter(|r| r.candidates >= 2 && !r.won && r.term < latest)
            .count() as u32
    }
}

/// The distribution of a set of trials.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Trials summarised.
    pub trials: u32,
    /// Trials with at least one split vote.
    pub split_vote_trials: u32,
    /// Trials with no leader within [`NO_LEADER_LIMIT_MS`] (counted at that time).
    pub no_leader_trials: u32,
    /// The shortest time without a leader.
    pub min_ms: u64,
    /// Quantiles of the time without a leader, by the nearest-rank method: the smallest
    /// time at or below which at least that share of the trials fall.
    pub p50_ms: u64,
    /// 90th percentile.
    pub p90_ms: u64,
    /// 99th percentile.
    pub p99_ms: u64,
    /// The longest.
    pub max_ms: u64,
    /// The mean.
    pub mean_ms: f64,
}

impl Summary {
    /// Summarises `trials`; `None` if there are none.
    pub fn of(trials: &[Trial]) -> Option<Summary> {
        if trials.is_empty() {
            return None;
        }
        let mut times: Vec<u64> = trials.iter().map(|t| t.downtime_ms).collect();
        times.sort_unstable();
        let rank = |p: u64| {
            let n = times.len() as u64;
            // Smallest rank k with k / n >= p / 100.
            let k = (p * n).div_ceil(100).max(1);
            times[k as usize - 1]
        };
        let count = |f: fn(&Trial) -> bool| trials.iter().filter(|t| f(t)).count() as u32;
        Some(Summary {
            trials: trials.len() as u32,
            split_vote_trials: count(Trial::had_split_vote),
            no_leader_trials: count(Trial::no_leader),
            min_ms: times[0],
            p50_ms: rank(50),
            p90_ms: rank(90),
            p99_ms: rank(99),
            max_ms: *times.last().expect("not empty"),
            mean_ms: times.iter().sum::<u64>() as f64 / times.len() as f64,
        })
    }

    /// The share of trials with at least one split vote, 0 to 1.
    pub fn split_vote_fraction(&self) -> f64 {
        f64::from(self.split_vote_trials) / f64::from(self.trials)
    }
}

/// An experiment run a few events at a time, so a page can run it between frames and draw
/// the distribution as it grows: a trial cut short by a slice's end goes on in the next.
#[derive(Clone, Debug)]
pub struct Lab {
    experiment: Experiment,
    trials: Vec<Trial>,
    /// The next trial, begun and not yet ended.
    current: Option<TrialRun>,
}

/// What one call of [`Lab::run`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slice {
    /// Simulation events run (each taken from the call's budget).
    pub events: u64,
    /// Trials that ended.
    pub trials: u32,
}

impl Lab {
    /// A lab with no trials run yet.
    pub fn new(config: ExperimentConfig) -> Result<Lab, ExperimentError> {
        Ok(Lab {
            experiment: Experiment::new(config)?,
            trials: Vec::new(),
            current: None,
        })
    }

    /// The experiment.
    pub fn experiment(&self) -> &Experiment {
        &self.experiment
    }

    /// Runs trials on for at most `max_events` simulation events and until at most
    /// `max_trials` more have ended, whichever comes first; a trial cut short goes on in
    /// the next call. A trial that cannot run stops the lab there with its error (the
    /// trials before it are kept).
    pub fn run(&mut self, max_events: u64, max_trials: u32) -> Result<Slice, ExperimentError> {
        let mut budget = max_events;
        let mut ended = 0;
        while ended < max_trials && !self.is_done() {
            let index = self.trials.len() as u32;
            let run = self
                .current
                .get_or_insert_with(|| TrialRun::new(&self.experiment, index));
            let Some(trial) = run.advance(&self.experiment, &mut budget, &mut |_, _, _| {})? else {
                break;
            };
            self.trials.push(trial);
            self.current = None;
            ended += 1;
        }
        Ok(Slice {
            events: max_events - budget,
            trials: ended,
        })
    }

    /// Runs up to `max` more trials to their end; returns how many ended (0 once done). A
    /// trial that cannot run stops the lab there with its error (the trials before it are
    /// kept).
    pub fn run_trials(&mut self, max: u32) -> Result<u32, ExperimentError> {
        Ok(self.run(u64::MAX, max)?.trials)
    }

    /// Whether every trial has run.
    pub fn is_done(&self) -> bool {
        self.trials.len() as u32 == self.experiment.config.trials
    }

    /// The trials run so far, in index order.
    pub fn trials(&self) -> &[Trial] {
        &self.trials
    }

    /// The distribution so far; `None` before the first trial.
    pub fn summary(&self) -> Option<Summary> {
        Summary::of(&self.trials)
    }

    /// The cumulative distribution so far, for a chart: see [`cumulative`].
    pub fn cumulative(&self) -> Vec<Point> {
        cumulative(&self.trials)
    }
}

/// One step of a cumulative distribution: `fraction` of the trials had no leader for at
/// most `downtime_ms`, and `trial` is the last of them (the one a click on the step opens).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Time without a leader.
    pub downtime_ms: u64,
    /// Share of the trials at or below it, above 0 and at most 1.
    pub fraction: f64,
    /// The index of a trial that took exactly `downtime_ms` (the lowest such index).
    pub trial: u32,
}

/// The cumulative distribution of the trials' times without a leader: one point per distinct
/// time, in increasing order, the last at fraction 1.
pub fn cumulative(trials: &[Trial]) -> Vec<Point> {
    let mut sorted: Vec<(u64, u32)> = trials.iter().map(|t| (t.downtime_ms, t.index)).collect();
    sorted.sort_unstable();
    cumulative_of_sorted(&sorted)
}

/// [`cumulative`] of trials given as (time without a leader, index), already in increasing
/// order (the page keeps them so as they come, and so never sorts).
pub fn cumulative_of_sorted(sorted: &[(u64, u32)]) -> Vec<Point> {
    let n = sorted.len() as f64;
    let mut points: Vec<Point> = Vec::new();
    for (k, &(downtime_ms, trial)) in sorted.iter().enumerate() {
        let fraction = (k + 1) as f64 / n;
        match points.last_mut() {
            Some(last) if last.downtime_ms == downtime_ms => last.fraction = fraction,
            _ => points.push(Point {
                downtime_ms,
                fraction,
                trial,
            }),
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(term: u64) -> Event {
        Event::ElectionStarted { term: Term(term) }
    }

    fn won(term: u64) -> Event {
        Event::BecameLeader {
            term: Term(term),
            votes: 3,
        }
    }

    fn terms(events: &[Event]) -> Terms {
        let mut terms = Terms::default();
        for &e in events {
            terms.observe(e);
        }
        terms
    }

    #[test]
    fn two_candidates_without_a_winner_then_a_later_term_is_a_split_vote() {
        let t = terms(&[started(2), started(2), started(3), won(3)]);
        assert_eq!((t.elections(), t.split_votes()), (2, 1));
    }

    #[test]
    fn a_term_with_a_winner_is_no_split_vote() {
        let t = terms(&[started(2), started(2), won(2)]);
        assert_eq!((t.elections(), t.split_votes()), (1, 0));
    }

    #[test]
    fn one_candidate_that_fails_is_no_split_vote() {
        let t = terms(&[started(2), started(3), won(3)]);
        assert_eq!(t.split_votes(), 0);
    }

    #[test]
    fn the_term_still_being_decided_is_not_yet_a_split_vote() {
        let t = terms(&[started(2), started(2)]);
        assert_eq!(t.split_votes(), 0);
    }

    fn trial(index: u32, downtime_ms: u64) -> Trial {
        Trial {
            index,
            seed: 0,
            first_candidate: NodeId(0),
            crashed: NodeId(0),
            crash_at_ms: 0,
            downtime_ms,
            new_leader: Some(NodeId(1)),
            elections: 1,
            split_votes: 0,
        }
    }

    #[test]
    fn the_cumulative_distribution_steps_once_per_distinct_time() {
        let trials = [trial(0, 300), trial(1, 100), trial(2, 300), trial(3, 200)];
        let points = cumulative(&trials);
        let steps: Vec<(u64, f64, u32)> = points
            .iter()
            .map(|p| (p.downtime_ms, p.fraction, p.trial))
            .collect();
        assert_eq!(steps, [(100, 0.25, 1), (200, 0.5, 3), (300, 1.0, 0)]);
        assert!(cumulative(&[]).is_empty());
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let trials: Vec<Trial> = (1..=200)
            .map(|k| Trial {
                split_votes: u32::from(k % 4 == 0),
                ..trial(k, u64::from(k))
            })
            .collect();
        let s = Summary::of(&trials).unwrap();
        assert_eq!(
            (s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms),
            (100, 180, 198, 200)
        );
        assert_eq!(s.split_vote_fraction(), 0.25);
        assert_eq!(Summary::of(&trials[..1]).unwrap().p99_ms, 1);
        assert_eq!(Summary::of(&[]), None);
    }
}
