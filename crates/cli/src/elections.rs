//! `river elections`: the election lab of the Raft paper's §9.3 on the command line. For each
//! election timeout range it crashes the leader of a steady cluster in many trials and prints
//! how long the cluster was without a leader (river_sim::elections says exactly how).

use clap::Args;
use river_core::ConfigError;
use river_sim::elections::{
    Experiment, ExperimentConfig, ExperimentError, Lab, Summary, NO_LEADER_LIMIT_MS,
};
use std::fmt::Write as _;
use std::process::ExitCode;

/// A range of milliseconds written `MIN-MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    min_ms: u64,
    max_ms: u64,
}

fn parse_range(text: &str) -> Result<Range, String> {
    let (min, max) = text
        .split_once('-')
        .ok_or_else(|| format!("'{text}' is not a range: write MIN-MAX in ms, e.g. 150-300"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("'{text}': '{s}' is not a whole number of ms"))
    };
    Ok(Range {
        min_ms: number(min)?,
        max_ms: number(max)?,
    })
}

/// The flags of `river elections`.
#[derive(Args, Clone, Debug)]
pub struct ElectionsArgs {
    /// Cluster size (3 or more: a majority must survive the crash).
    #[arg(long, default_value_t = 5)]
    nodes: usize,
    /// Election timeout range MIN-MAX in ms; repeat it or separate ranges with commas to
    /// measure several (one line each).
    #[arg(
        long = "timeout",
        value_name = "MIN-MAX",
        value_parser = parse_range,
        value_delimiter = ',',
        default_value = "150-300"
    )]
    timeouts: Vec<Range>,
    /// Trials per range: each crashes the leader once.
    #[arg(long, default_value_t = 1_000)]
    trials: u32,
    /// One-way message delay MIN-MAX in ms. The default, 5-10, makes a round trip take
    /// about 15 ms, the paper's broadcast time.
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_range, default_value = "5-10")]
    latency: Range,
    /// Enable PreVote (thesis §9.6).
    #[arg(long)]
    prevote: bool,
    /// Leader heartbeat interval in ms [default: half the minimum election timeout, as in
    /// the paper].
    #[arg(long, value_name = "MS")]
    heartbeat: Option<u64>,
    /// The master seed; the same seed and flags give the same output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one JSON object per range (JSON lines).
    #[arg(long)]
    json: bool,
}

impl ElectionsArgs {
    /// The experiment for one timeout range, checked.
    fn experiment(&self, timeout: Range) -> Result<Experiment, String> {
        Experiment::new(ExperimentConfig {
            nodes: self.nodes,
            election_timeout_min_ms: timeout.min_ms,
            election_timeout_max_ms: timeout.max_ms,
            heartbeat_ms: self.heartbeat,
            latency_min_ms: self.latency.min_ms,
            latency_max_ms: self.latency.max_ms,
            pre_vote: self.prevote,
            seed: self.seed,
            trials: self.trials,
        })
        .map_err(|e| format!("{}: {e}", self.culprit(&e, timeout)))
    }

    /// The flag, with its value, that an error is about.
    fn culprit(&self, error: &ExperimentError, timeout: Range) -> String {
        match error {
            ExperimentError::TooFewNodes(_)
            | ExperimentError::Config(ConfigError::ClusterSize(_)) => {
                format!("--nodes {}", self.nodes)
            }
            ExperimentError::LatencyRange { .. } => {
                format!("--latency {}-{}", self.latency.min_ms, self.latency.max_ms)
            }
            ExperimentError::Trials(_) => format!("--trials {}", self.trials),
            ExperimentError::Config(ConfigError::HeartbeatTooSlow { .. })
                if self.heartbeat.is_some() =>
            {
                format!(
                    "--heartbeat {} with --timeout {}-{}",
                    self.heartbeat.unwrap_or_default(),
                    timeout.min_ms,
                    timeout.max_ms
                )
            }
            ExperimentError::Config(ConfigError::HeartbeatTooSlow { .. }) => format!(
                "--timeout {}-{} (the heartbeat defaults to half its minimum)",
                timeout.min_ms, timeout.max_ms
            ),
            _ => format!("--timeout {}-{}", timeout.min_ms, timeout.max_ms),
        }
    }
}

/// Runs `river elections`: exit status 0 when it ran, 2 for bad input (checked for every
/// range before any runs).
pub fn run(args: &ElectionsArgs) -> Result<ExitCode, String> {
    let experiments = args
        .timeouts
        .iter()
        .map(|&t| args.experiment(t))
        .collect::<Result<Vec<_>, _>>()?;
    if !args.json {
        println!(
            "{} nodes, one-way latency {}-{} ms, PreVote {}, seed {}; {} trials per range, each \
             crashing a steady leader at a random moment",
            args.nodes,
            args.latency.min_ms,
            args.latency.max_ms,
            if args.prevote { "on" } else { "off" },
            args.seed,
            args.trials
        );
        println!("time without a leader (ms), until a new one is followed by a majority:");
        println!(
            "{:>12} {:>9} {:>7} {:>11} {:>7} {:>7} {:>7} {:>7}",
            "timeout", "heartbeat", "trials", "split vote", "p50", "p90", "p99", "max"
        );
    }
    for experiment in experiments {
        let mut lab = Lab::new(*experiment.config()).expect("checked above");
        lab.run_trials(args.trials);
        let summary = lab.summary().expect("at least one trial");
        if args.json {
            println!("{}", json_line(&experiment, &summary));
        } else {
            print_row(&experiment, &summary);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_row(experiment: &Experiment, s: &Summary) {
    let c = experiment.config();
    let mut line = format!(
        "{:>12} {:>9} {:>7} {:>10.1}% {:>7} {:>7} {:>7} {:>7}",
        format!(
            "{}-{} ms",
            c.election_timeout_min_ms, c.election_timeout_max_ms
        ),
        format!("{} ms", experiment.heartbeat_ms()),
        s.trials,
        100.0 * s.split_vote_fraction(),
        s.p50_ms,
        s.p90_ms,
        s.p99_ms,
        s.max_ms
    );
    if s.no_leader_trials > 0 {
        let _ = write!(
            line,
            "  ({} with no leader within {} s, counted at {} s)",
            s.no_leader_trials,
            NO_LEADER_LIMIT_MS / 1000,
            NO_LEADER_LIMIT_MS / 1000
        );
    }
    println!("{line}");
}

/// One JSON object: the documented keys first, then the settings that produced it.
fn json_line(experiment: &Experiment, s: &Summary) -> String {
    let c = experiment.config();
    format!(
        "{{\"trials\":{},\"splitVoteFraction\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{},\
         \"timeoutMin\":{},\"timeoutMax\":{},\"noLeaderTrials\":{},\"min\":{},\"mean\":{:.1},\"nodes\":{},\
         \"heartbeat\":{},\"latencyMin\":{},\"latencyMax\":{},\"preVote\":{},\"seed\":{}}}",
        s.trials,
        s.split_vote_fraction(),
        s.p50_ms,
        s.p90_ms,
        s.p99_ms,
        s.max_ms,
        c.election_timeout_min_ms,
        c.election_timeout_max_ms,
        s.no_leader_trials,
        s.min_ms,
        s.mean_ms,
        c.nodes,
        experiment.heartbeat_ms(),
        c.latency_min_ms,
        c.latency_max_ms,
        c.pre_vote,
        c.seed
    )
}
