//! The lab as the page sees it, `riverRaft.labResults()`: the run's state and setup, and
//! for each range its line (colour, dash, cumulative points) and its numbers.

use super::*;

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
    /// The type scale the chart is drawn at (1 on the page as it comes; see
    /// [`super::chart::Size`]).
    pub chart_scale: f64,
    /// The paper's six timeout ranges ([`PAPER_RANGES`]) as `[min, max]` ms, run or not: the
    /// form's checkboxes, so the page keeps no copy of them.
    pub paper_ranges: Vec<[Number; 2]>,
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
            chart_scale: 1.0,
            paper_ranges: paper_ranges(),
        }
    }
}

/// [`PAPER_RANGES`] as the page takes them.
fn paper_ranges() -> Vec<[Number; 2]> {
    PAPER_RANGES
        .iter()
        .map(|&(min, max)| [min as f64, max as f64])
        .collect()
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

impl LabRun {
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
            chart_scale: 1.0,
            paper_ranges: paper_ranges(),
        }
    }

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
