//! The election lab on the page (issue 15; the paper's §9.3): the same experiment as
//! `river elections` ([`river_sim::elections`]), run for several election-timeout ranges
//! at once, a slice of trials between frames, so the chart grows while the page stays
//! responsive. This module holds what a person sets up ([`LabSetup`]) and the running lab
//! ([`LabRun`]); `lab/answer.rs` its answer, `lab/sentence.rs` the results in plain words
//! ([`sentence`]), `lab/chart.rs` the cumulative distributions and the trial under the pointer.

use crate::action::Source;
use crate::answers::Number;
use crate::scene::Dash;
use crate::theme;
use crate::words::{self, echo};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_sim::elections::{
    cumulative_of_sorted, ExperimentConfig, Lab, Point, Slice, Trial, NO_LEADER_LIMIT_MS,
    PAPER_RANGES,
};
use serde::Serialize;

mod answer;
pub mod chart;
mod sentence;
#[cfg(test)]
mod tests;
pub use answer::{LabAnswer, RangeAnswer};
pub use sentence::{count, duration, opened_words, percent, range_label, sentence, trial_words};

/// Trials per range unless a caller asks for another count: the paper's 1,000.
pub const DEFAULT_TRIALS: u32 = 1_000;
/// The most trials per range the page runs (the CLI runs more).
pub const MAX_PAGE_TRIALS: u32 = 10_000;
/// The most timeout ranges compared at once (each gets its own colour and dash).
pub const MAX_RANGES: usize = 6;
/// The longest timeout the lab takes, in ms: the page's own limit, so any trial opens as an
/// ordinary run with page settings.
pub const MAX_TIMEOUT_MS: u64 = crate::settings::MAX_SETTING_MS;
/// Wall-clock ms of trials per frame: enough to finish 1,000 default trials in well under
/// a second, little enough that a 60 Hz frame still has room to paint. A slice stops at it
/// even mid-trial, so the frame stays short however long one trial is.
pub const SLICE_MS: f64 = 8.0;

/// How often (wall-clock ms) the page's lab panel is told while trials run: it rebuilds its
/// progress line and table from every point of the chart (about 1 ms with 1,400 points),
/// which the chart, drawn again each slice, does not need.
pub const TELL_EVERY_MS: f64 = 250.0;
/// Simulation events a slice runs between two looks at the clock: under 0.1 ms of the
/// page's wasm (0.4 µs an event natively; a 150–150 ms trial, a minute of split votes, runs
/// about 13,000, one of 150–300 ms about 70), so a slice ends within that of [`SLICE_MS`].
pub const EVENTS_PER_LOOK: u64 = 100;

/// The dash pattern of range `k`'s line (with its colour, [`theme::LAB_LINES`]).
pub const LINE_DASHES: [Dash; 6] = [
    Dash::Solid,
    Dash::Dashed,
    Dash::Dotted,
    Dash::DashDot,
    Dash::Long,
    Dash::Solid,
];

/// What a person sets up: the cluster, the network and the ranges to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabSetup {
    /// Servers (3 to the page's 9).
    pub nodes: usize,
    /// One-way message delay, shortest.
    pub latency_min_ms: u64,
    /// One-way message delay, longest.
    pub latency_max_ms: u64,
    /// PreVote on.
    pub pre_vote: bool,
    /// The master seed (trial `i` of every range draws its seed from it).
    pub seed: u64,
    /// Trials per range.
    pub trials: u32,
    /// The election timeout ranges, (min, max) in ms, in the order given.
    pub ranges: Vec<(u64, u64)>,
}

impl Default for LabSetup {
    /// The paper's experiment: five servers, 5–10 ms one way, 1,000 trials of each preset.
    fn default() -> LabSetup {
        let paper = ExperimentConfig::default();
        LabSetup {
            nodes: paper.nodes,
            latency_min_ms: paper.latency_min_ms,
            latency_max_ms: paper.latency_max_ms,
            pre_vote: false,
            seed: paper.seed,
            trials: DEFAULT_TRIALS,
            ranges: PAPER_RANGES.to_vec(),
        }
    }
}

impl LabSetup {
    /// Reads a setup from the page: `ranges` as text ("150-150, 150-300"), and `nodes`,
    /// `latencyMin`, `latencyMax`, `seed`, `trials` as numbers (or a box's text that reads
    /// as one) and `preVote` as a flag, each optional (the paper's value when absent).
    /// Refuses what the lab cannot run, saying why.
    pub fn read(source: &mut dyn Source) -> Result<LabSetup, String> {
        let paper = LabSetup::default();
        // A number, or the text of a box as typed (the panel sends its boxes as they read,
        // so a refusal quotes what was typed: "abc", or nothing at all); absent is the
        // paper's value. Anything else, say a seed of "abc" read as a missing number, would
        // run a setup nobody asked for.
        let mut whole = |name: &'static str, default: u64, max: u64| -> Result<u64, String> {
            let (x, said) = match source.number(name) {
                Ok(x) if x.is_nan() => (x, "a number".to_string()),
                Ok(x) => (x, words::decimal(x)),
                // Digits only: parsing floats would add their parser to the page's wasm.
                Err(_) => match source.text(name) {
                    Ok(text) => match text.trim().parse::<u64>() {
                        Ok(x) => (x as f64, format!("'{}'", echo(&text))),
                        Err(_) => (f64::NAN, format!("'{}'", echo(&text))),
                    },
                    Err(_) => return Ok(default),
                },
            };
            if x >= 0.0 && x <= max as f64 && x == crate::maths::floor(x) {
                Ok(x as u64)
            } else {
                Err(format!(
                    "{name} must be a whole number from 0 to {max}, not {said}"
                ))
            }
        };
        let nodes = whole(
            "nodes",
            paper.nodes as u64,
            crate::settings::MAX_NODES as u64,
        )?;
        let latency_min_ms = whole("latencyMin", paper.latency_min_ms, MAX_TIMEOUT_MS)?;
        let latency_max_ms = whole("latencyMax", paper.latency_max_ms, MAX_TIMEOUT_MS)?;
        let seed = whole("seed", paper.seed, crate::settings::MAX_SEED)?;
        let trials = whole(
            "trials",
            u64::from(paper.trials),
            u64::from(MAX_PAGE_TRIALS),
        )?;
        let pre_vote = source.flag("preVote")?;
        let ranges = match source.text("ranges") {
            Ok(text) => parse_ranges(&text)?,
            Err(_) => paper.ranges,
        };
        Ok(LabSetup {
            nodes: nodes as usize,
            latency_min_ms,
            latency_max_ms,
            pre_vote,
            seed,
            trials: trials as u32,
            ranges,
        })
    }

    /// The experiment of range `k`.
    pub fn experiment(&self, k: usize) -> ExperimentConfig {
        let (min, max) = self.ranges[k];
        ExperimentConfig {
            nodes: self.nodes,
            election_timeout_min_ms: min,
            election_timeout_max_ms: max,
            heartbeat_ms: None,
            latency_min_ms: self.latency_min_ms,
            latency_max_ms: self.latency_max_ms,
            pre_vote: self.pre_vote,
            seed: self.seed,
            trials: self.trials,
        }
    }
}

/// Reads "150-150, 150-300" (a dash or an en dash inside a range; commas or spaces between
/// ranges). Refuses an empty list, more than [`MAX_RANGES`], a range twice, a range whose
/// ends are reversed or past [`MAX_TIMEOUT_MS`], naming the range.
pub fn parse_ranges(text: &str) -> Result<Vec<(u64, u64)>, String> {
    let mut ranges = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let bad = || {
            format!(
                "'{}' is not a timeout range: write it as MIN-MAX in ms, like 150-300",
                echo(part)
            )
        };
        let (a, b) = part.split_once(['-', '–']).ok_or_else(bad)?;
        let (min, max) = (
            a.parse::<u64>().map_err(|_| bad())?,
            b.parse::<u64>().map_err(|_| bad())?,
        );
        if min == 0 || min > max || max > MAX_TIMEOUT_MS {
            return Err(format!(
                "the range {min}–{max} ms is not allowed: the shortest timeout must be at least \
                 1 ms and at most the longest, which is at most {MAX_TIMEOUT_MS} ms"
            ));
        }
        if ranges.contains(&(min, max)) {
            return Err(format!("the range {min}–{max} ms is listed twice"));
        }
        ranges.push((min, max));
    }
    if ranges.is_empty() {
        return Err(String::from("choose at least one timeout range"));
    }
    if ranges.len() > MAX_RANGES {
        return Err(format!(
            "the lab compares at most {MAX_RANGES} ranges at once, not {}",
            ranges.len()
        ));
    }
    Ok(ranges)
}

/// Where a lab stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabState {
    /// Trials are left to run.
    Running,
    /// Every trial ran.
    Done,
    /// A person stopped it; the trials run so far are kept.
    Stopped,
    /// A range could not run (its settings never give a steady leader).
    Failed,
}

/// A lab set up and running (or run): one [`Lab`] per range.
#[derive(Clone, Debug)]
pub struct LabRun {
    /// What was set up.
    pub setup: LabSetup,
    labs: Vec<Lab>,
    /// Wall-clock ms spent on each range's trials so far.
    spent: Vec<f64>,
    /// Each range's trials as (time without a leader, index), kept in order as they come
    /// (a binary search per trial), so the chart and the quantiles never sort: the slice
    /// sort's code cost the page about 10 KB of wasm before wasm-opt.
    sorted: Vec<Vec<(u64, u32)>>,
    /// Each range's trials with a split vote.
    split: Vec<u32>,
    /// Each range's trials with no leader within the limit.
    no_leader: Vec<u32>,
    /// Where it stands.
    pub state: LabState,
    /// Why it failed.
    pub error: Option<String>,
}

impl LabRun {
    /// Checks every range's experiment; refuses the first that cannot run, naming it.
    pub fn new(setup: LabSetup) -> Result<LabRun, String> {
        let mut labs = Vec::with_capacity(setup.ranges.len());
        for k in 0..setup.ranges.len() {
            let lab = Lab::new(setup.experiment(k))
                .map_err(|e| format!("{}: {e}", range_label(setup.ranges[k])))?;
            labs.push(lab);
        }
        Ok(LabRun {
            spent: alloc::vec![0.0; labs.len()],
            sorted: alloc::vec![Vec::new(); labs.len()],
            split: alloc::vec![0; labs.len()],
            no_leader: alloc::vec![0; labs.len()],
            setup,
            labs,
            state: LabState::Running,
            error: None,
        })
    }

    /// Runs trials, [`EVENTS_PER_LOOK`] events at a time, always in the range that has had
    /// the least time so far (so every line grows, and the quick ranges finish soon while
    /// the slow ones, whose trials simulate up to a minute of split votes each, go on),
    /// until `budget_ms` of `now` has passed or every trial ran; a trial cut short goes on
    /// in the next slice. Returns what the slice ran.
    pub fn work(&mut self, now: &mut dyn FnMut() -> f64, budget_ms: f64) -> Slice {
        let start = now();
        let mut last = start;
        let mut ran = Slice::default();
        while self.state == LabState::Running {
            let next = (0..self.labs.len())
                .filter(|&k| !self.labs[k].is_done())
                .min_by(|&a, &b| self.spent[a].total_cmp(&self.spent[b]));
            let Some(k) = next else {
                self.state = LabState::Done;
                break;
            };
            let before = self.labs[k].trials().len();
            match self.labs[k].run(EVENTS_PER_LOOK, u32::MAX) {
                Ok(slice) => {
                    ran.events += slice.events;
                    ran.trials += slice.trials;
                }
                Err(e) => {
                    self.error = Some(format!("{}: {e}", range_label(self.setup.ranges[k])));
                    self.state = LabState::Failed;
                }
            }
            for trial in &self.labs[k].trials()[before..] {
                let key = (trial.downtime_ms, trial.index);
                let sorted = &mut self.sorted[k];
                sorted.insert(sorted.partition_point(|&e| e < key), key);
                self.split[k] += u32::from(trial.had_split_vote());
                self.no_leader[k] += u32::from(trial.no_leader());
            }
            let t = now();
            self.spent[k] += t - last;
            last = t;
            if t - start >= budget_ms {
                break;
            }
        }
        ran
    }

    /// Stops a running lab where it is.
    pub fn stop(&mut self) {
        if self.state == LabState::Running {
            self.state = LabState::Stopped;
        }
    }

    /// The labs, one per range.
    pub fn labs(&self) -> &[Lab] {
        &self.labs
    }

    /// Trial `index` of range `range`, if it has run.
    pub fn trial(&self, range: usize, index: u32) -> Option<(&Lab, Trial)> {
        let lab = self.labs.get(range)?;
        let trial = *lab.trials().get(index as usize)?;
        Some((lab, trial))
    }

    /// Range `k`'s distribution so far; `None` before its first trial.
    pub fn summary(&self, k: usize) -> Option<Stats> {
        let times = self.sorted.get(k)?;
        let n = times.len() as u64;
        // Nearest rank: the smallest time at or below which at least p% of trials fall.
        let rank = |p: u64| times[((p * n).div_ceil(100).max(1) - 1) as usize].0;
        (n > 0).then(|| Stats {
            trials: n as u32,
            split_vote_trials: self.split[k],
            no_leader_trials: self.no_leader[k],
            p50_ms: rank(50),
            p90_ms: rank(90),
            p99_ms: rank(99),
            max_ms: times[times.len() - 1].0,
        })
    }

    /// Range `k`'s cumulative distribution so far, as [`river_sim::elections::cumulative`]
    /// gives it, from the trials kept in order.
    pub fn cumulative(&self, k: usize) -> Vec<Point> {
        self.sorted
            .get(k)
            .map_or_else(Vec::new, |sorted| cumulative_of_sorted(sorted))
    }

    /// Trials run so far, all ranges together.
    pub fn done(&self) -> u32 {
        self.labs.iter().map(|l| l.trials().len() as u32).sum()
    }
}

/// A range's distribution: the counts and the quantiles (nearest rank) of its times without
/// a leader, in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Trials run.
    pub trials: u32,
    /// Trials with at least one split vote.
    pub split_vote_trials: u32,
    /// Trials with no leader within the limit.
    pub no_leader_trials: u32,
    /// Median.
    pub p50_ms: u64,
    /// 90th percentile.
    pub p90_ms: u64,
    /// 99th percentile.
    pub p99_ms: u64,
    /// The longest.
    pub max_ms: u64,
}

impl Stats {
    /// The share of trials with a split vote, 0 to 1.
    pub fn split_vote_fraction(&self) -> f64 {
        f64::from(self.split_vote_trials) / f64::from(self.trials)
    }
}

/// A trial's index and range as the action names them, checked against the lab.
pub fn trial_ref(run: Option<&LabRun>, range: f64, trial: f64) -> Result<(usize, u32), String> {
    let run = run.ok_or_else(|| String::from("the election lab has not run yet"))?;
    let whole = |x: f64| x >= 0.0 && x == crate::maths::floor(x);
    if !(whole(range) && (range as usize) < run.labs().len()) {
        return Err(format!(
            "there is no range {} in the lab (there are {})",
            words::decimal(range),
            run.labs().len()
        ));
    }
    let k = range as usize;
    let ran = run.labs()[k].trials().len();
    if !(whole(trial) && (trial as usize) < ran) {
        return Err(format!(
            "trial {} of {} has not run (trials 0 to {} have)",
            words::decimal(trial),
            range_label(run.setup.ranges[k]),
            ran.saturating_sub(1)
        ));
    }
    Ok((k, trial as u32))
}
