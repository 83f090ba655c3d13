//! The election lab on the page (issue 15; the paper's §9.3): the same experiment as
//! `river elections` ([`river_sim::elections`]), run for several election-timeout ranges
//! at once, a slice of trials between frames, so the chart grows while the page stays
//! responsive. This module holds what a person sets up ([`LabSetup`]), the running lab
//! ([`LabRun`]), its answer and the plain-words reading of the results ([`sentence`]);
//! `lab/chart.rs` draws the cumulative distributions and finds the trial under the pointer.

use crate::action::Source;
use crate::answers::Number;
use crate::scene::Dash;
use crate::theme;
use crate::words::{self, echo};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_sim::elections::{
    cumulative_of_sorted, ExperimentConfig, Lab, Point, Trial, NO_LEADER_LIMIT_MS,
};
use serde::Serialize;

pub mod chart;
#[cfg(test)]
mod tests;

/// Trials per range unless a caller asks for another count: the paper's 1,000.
pub const DEFAULT_TRIALS: u32 = 1_000;
/// The most trials per range the page runs (the CLI runs more).
pub const MAX_PAGE_TRIALS: u32 = 10_000;
/// The most timeout ranges compared at once (each gets its own colour and dash).
pub const MAX_RANGES: usize = 6;
/// The longest timeout the lab takes, in ms: the page's own limit, so any trial opens as an
/// ordinary run with page settings.
pub const MAX_TIMEOUT_MS: u64 = crate::settings::MAX_SETTING_MS;
/// The ranges the paper compares (its Figure 16), offered as presets.
pub const PRESETS: [(u64, u64); 6] = [
    (150, 150),
    (150, 151),
    (150, 155),
    (150, 175),
    (150, 200),
    (150, 300),
];
/// Wall-clock ms of trials per frame: enough to finish 1,000 default trials in well under
/// a second, little enough that a 60 Hz frame still has room to paint.
pub const SLICE_MS: f64 = 12.0;

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
            ranges: PRESETS.to_vec(),
        }
    }
}

impl LabSetup {
    /// Reads a setup from the page: `ranges` as text ("150-150, 150-300"), and `nodes`,
    /// `latencyMin`, `latencyMax`, `seed`, `trials` as numbers and `preVote` as a flag,
    /// each optional (the paper's value when absent). Refuses what the lab cannot run,
    /// saying why.
    pub fn read(source: &mut impl Source) -> Result<LabSetup, String> {
        let paper = LabSetup::default();
        let mut whole = |name: &'static str, default: u64, max: u64| -> Result<u64, String> {
            match source.number(name) {
                Err(_) => Ok(default),
                Ok(x) if x >= 0.0 && x <= max as f64 && x == crate::maths::floor(x) => Ok(x as u64),
                Ok(x) => Err(format!(
                    "{name} must be a whole number from 0 to {max}, not {}",
                    words::decimal(x)
                )),
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

    /// Runs trials, one at a time, always in the range that has had the least time so far
    /// (so every line grows, and the quick ranges finish soon while the slow ones, whose
    /// trials simulate up to a minute of split votes each, go on), until `budget_ms` of
    /// `now` has passed or every trial ran. Returns how many ran.
    pub fn work(&mut self, now: &mut dyn FnMut() -> f64, budget_ms: f64) -> u32 {
        let start = now();
        let mut last = start;
        let mut ran = 0;
        while self.state == LabState::Running {
            let next = (0..self.labs.len())
                .filter(|&k| !self.labs[k].is_done())
                .min_by(|&a, &b| self.spent[a].total_cmp(&self.spent[b]));
            let Some(k) = next else {
                self.state = LabState::Done;
                break;
            };
            if let Err(e) = self.labs[k].run_trials(1) {
                self.error = Some(format!("{}: {e}", range_label(self.setup.ranges[k])));
                self.state = LabState::Failed;
                break;
            }
            let Some(&trial) = self.labs[k].trials().last() else {
                break;
            };
            let key = (trial.downtime_ms, trial.index);
            let sorted = &mut self.sorted[k];
            sorted.insert(sorted.partition_point(|&e| e < key), key);
            self.split[k] += u32::from(trial.had_split_vote());
            self.no_leader[k] += u32::from(trial.no_leader());
            ran += 1;
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

    /// The answer `riverRaft.labResults()` gives.
    pub fn answer(&self) -> LabAnswer {
        let mut ranges = Vec::with_capacity(self.labs.len());
        for k in 0..self.labs.len() {
            ranges.push(self.range_answer(k));
        }
        LabAnswer {
            state: match self.state {
                LabState::Running => "running",
                LabState::Done => "done",
                LabState::Stopped => "stopped",
                LabState::Failed => "failed",
            },
            done: f64::from(self.done()),
            total: f64::from(self.setup.trials) * self.labs.len() as f64,
            nodes: self.setup.nodes as f64,
            latency_min: self.setup.latency_min_ms as f64,
            latency_max: self.setup.latency_max_ms as f64,
            pre_vote: self.setup.pre_vote,
            seed: self.setup.seed as f64,
            sentence: sentence(self),
            error: self.error.clone(),
            ranges,
        }
    }
}

/// "150–300 ms".
pub fn range_label((min, max): (u64, u64)) -> String {
    format!("{min}–{max} ms")
}

/// The lab as the page sees it: `riverRaft.labResults()`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct LabAnswer {
    /// "idle" (never run), "running", "done", "stopped" or "failed".
    pub state: &'static str,
    /// Trials run so far, all ranges together.
    pub done: Number,
    /// Trials to run, all ranges together.
    pub total: Number,
    /// Servers.
    pub nodes: Number,
    /// One-way delay, shortest, ms.
    pub latency_min: Number,
    /// One-way delay, longest, ms.
    pub latency_max: Number,
    /// PreVote on.
    pub pre_vote: bool,
    /// The master seed.
    pub seed: Number,
    /// What the chart shows, in plain words (empty before the first trial).
    pub sentence: String,
    /// Why the lab stopped, when it failed.
    pub error: Option<String>,
    /// One per range, in the order set up.
    pub ranges: Vec<RangeAnswer>,
}

impl LabAnswer {
    /// A lab never run.
    pub fn idle() -> LabAnswer {
        LabAnswer {
            state: "idle",
            done: 0.0,
            total: 0.0,
            nodes: 0.0,
            latency_min: 0.0,
            latency_max: 0.0,
            pre_vote: false,
            seed: 0.0,
            sentence: String::new(),
            error: None,
            ranges: Vec::new(),
        }
    }
}

/// One range's line and its numbers (times in ms; quantiles nearest-rank, `null` before
/// the first trial).
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RangeAnswer {
    /// "150–300 ms".
    pub label: String,
    /// Shortest election timeout.
    pub timeout_min: Number,
    /// Longest election timeout.
    pub timeout_max: Number,
    /// The line's colour.
    pub color: &'static str,
    /// The line's dash pattern: "solid", "dashed", "dotted", "dash-dot" or "long".
    pub dash: &'static str,
    /// Trials run.
    pub trials: Number,
    /// Trials with at least one split vote.
    pub split_vote_trials: Number,
    /// Their share, 0 to 1.
    pub split_vote_fraction: Number,
    /// Trials with no leader within 60 s (counted at 60 s).
    pub no_leader_trials: Number,
    /// Median time without a leader.
    pub p50: Option<Number>,
    /// 90th percentile.
    pub p90: Option<Number>,
    /// 99th percentile.
    pub p99: Option<Number>,
    /// The longest.
    pub max: Option<Number>,
    /// The cumulative distribution: `[ms, fraction, trial]` per distinct time, in order;
    /// `trial` opens with `openTrial(range, trial)`.
    pub points: Vec<[Number; 3]>,
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

impl LabRun {
    fn range_answer(&self, k: usize) -> RangeAnswer {
        let range = self.setup.ranges[k];
        let summary = self.summary(k);
        let q = |f: fn(&Stats) -> u64| summary.as_ref().map(|s| f(s) as f64);
        let mut points = Vec::new();
        for p in self.cumulative(k) {
            points.push([p.downtime_ms as f64, p.fraction, f64::from(p.trial)]);
        }
        RangeAnswer {
            label: range_label(range),
            timeout_min: range.0 as f64,
            timeout_max: range.1 as f64,
            color: theme::LAB_LINES[k % theme::LAB_LINES.len()],
            dash: match LINE_DASHES[k % LINE_DASHES.len()] {
                Dash::Solid => "solid",
                Dash::Dashed => "dashed",
                Dash::Dotted => "dotted",
                Dash::DashDot => "dash-dot",
                Dash::Long => "long",
            },
            trials: f64::from(summary.map_or(0, |s| s.trials)),
            split_vote_trials: summary.map_or(0.0, |s| f64::from(s.split_vote_trials)),
            split_vote_fraction: summary.map_or(0.0, |s| s.split_vote_fraction()),
            no_leader_trials: summary.map_or(0.0, |s| f64::from(s.no_leader_trials)),
            p50: q(|s| s.p50_ms),
            p90: q(|s| s.p90_ms),
            p99: q(|s| s.p99_ms),
            max: q(|s| s.max_ms),
            points,
        }
    }
}

/// A time as people read it: "172 ms", "1.38 s", "60 s".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{} s", words::decimal(ms as f64 / 1_000.0))
    }
}

/// A share as a percentage with at most one decimal: "4.6%", "100%".
pub fn percent(fraction: f64) -> String {
    format!(
        "{}%",
        words::decimal(crate::maths::round(fraction * 1_000.0) / 10.0)
    )
}

/// A count with thousands separated: "1,000".
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` is newer than our MSRV
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the chart shows, in plain words, from the results: how to read it, then for each
/// range the median and the share of trials with a split vote, then what the comparison
/// of the narrowest and the widest range says. Empty before the first trial.
pub fn sentence(run: &LabRun) -> String {
    let setup = &run.setup;
    let mut summaries: Vec<(usize, Stats)> = Vec::new();
    for k in 0..run.labs.len() {
        if let Some(s) = run.summary(k) {
            summaries.push((k, s));
        }
    }
    if summaries.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Each line is one election-timeout range: it reaches y% at x ms when y% of its trials \
         had a new leader within x ms of the crash ({} servers, messages taking {}–{} ms{}). ",
        setup.nodes,
        setup.latency_min_ms,
        setup.latency_max_ms,
        if setup.pre_vote { ", PreVote on" } else { "" }
    );
    for (n, (k, s)) in summaries.iter().enumerate() {
        let label = range_label(setup.ranges[*k]);
        let split = percent(s.split_vote_fraction());
        let trials = count(u64::from(s.trials));
        out.push_str(&if n == 0 {
            format!("With {label}, ")
        } else {
            format!("; with {label}, ")
        });
        out.push_str(&if s.p50_ms >= NO_LEADER_LIMIT_MS {
            format!(
                "at least half of {trials} trials had no leader within {} and {split} had a \
                 split vote",
                duration(NO_LEADER_LIMIT_MS)
            )
        } else {
            format!(
                "half of {trials} trials had a leader within {} and {split} had a split vote",
                duration(s.p50_ms)
            )
        });
    }
    out.push('.');
    // The narrowest range against the widest.
    let width = |k: usize| setup.ranges[k].1 - setup.ranges[k].0;
    let narrowest = summaries.iter().min_by_key(|(k, _)| width(*k));
    let widest = summaries.iter().max_by_key(|(k, _)| width(*k));
    if let (Some((a, sa)), Some((b, sb))) = (narrowest, widest) {
        if width(*a) < width(*b) {
            let (fa, fb) = (sa.split_vote_fraction(), sb.split_vote_fraction());
            let verdict = if fb < fa && sb.p50_ms < sa.p50_ms {
                "more randomness in the timeouts means fewer split votes and a leader sooner"
            } else if fb < fa {
                "more randomness in the timeouts means fewer split votes"
            } else {
                "here more randomness did not reduce split votes"
            };
            out.push_str(&format!(
                " From {} to {}, {verdict} ({} against {} of trials with a split vote).",
                range_label(setup.ranges[*a]),
                range_label(setup.ranges[*b]),
                percent(fa),
                percent(fb)
            ));
        }
    }
    out
}

/// What the page says when a trial opens on the main canvas.
pub fn opened_words(range: (u64, u64), trial: &Trial) -> String {
    let leader = match trial.new_leader {
        Some(id) => format!(
            "until {id} leads, {} after the crash",
            duration(trial.downtime_ms)
        ),
        None => format!(
            "with no leader within {} of the crash",
            duration(NO_LEADER_LIMIT_MS)
        ),
    };
    format!(
        "Trial {} of {}: paused just before leader {} crashes at {}. Play, or step one event \
         at a time, to watch {} with {} {leader}.",
        trial.index,
        range_label(range),
        trial.crashed,
        duration(trial.crash_at_ms),
        words::plural(u64::from(trial.elections), "election", "elections"),
        words::plural(u64::from(trial.split_votes), "split vote", "split votes"),
    )
}

/// The text of a trial under the pointer.
pub fn trial_words(range: (u64, u64), trial: &Trial) -> String {
    let time = if trial.no_leader() {
        format!("no leader within {}", duration(NO_LEADER_LIMIT_MS))
    } else {
        format!("{} without a leader", duration(trial.downtime_ms))
    };
    format!(
        "{}, trial {}: {time}, {}; click to watch it",
        range_label(range),
        trial.index,
        words::plural(u64::from(trial.split_votes), "split vote", "split votes"),
    )
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
