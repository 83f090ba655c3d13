//! `river elections`: the election lab of the Raft paper's §9.3 on the command line. For each
//! election timeout range it crashes the leader of a steady cluster in many trials and prints
//! how long the cluster was without a leader (river_sim::elections says exactly how).

use clap::Args;
use river_core::{ConfigError, Event, NodeId, StepDownReason};
use river_sim::elections::{
    Experiment, ExperimentConfig, ExperimentError, Lab, Summary, Trial, MAX_TRIALS,
    NO_LEADER_LIMIT_MS,
};
use river_sim::reasons::{step_down_text, vote_denial_text};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::process::ExitCode;

/// A range of milliseconds written `MIN-MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    min_ms: u64,
    max_ms: u64,
}

/// Reads `MIN-MAX`, with a hyphen or the en dash the page's lab writes ("150–300 ms"), so a
/// range copied from the page reads here too.
fn parse_range(text: &str) -> Result<Range, String> {
    // The command lets a leading hyphen through, so a negative time is named as one (it
    // was "unexpected argument '-5' found"), and so is a flag where the range belongs.
    let t = text.trim_start();
    if t.starts_with('-') && t[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "'{text}': a time in ms is never negative; write MIN-MAX, e.g. 150-300"
        ));
    }
    if t.starts_with('-') {
        return Err(format!(
            "'{text}' is a flag, not a range: write MIN-MAX in ms right after it, e.g. 150-300"
        ));
    }
    let (min, max) = text
        .split_once(['-', '–'])
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

/// Reads `--trials`: a whole number from 1 to [`MAX_TRIALS`], negative ones included (the
/// command lets them through as values), so the message says what is wanted.
fn parse_trials(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_TRIALS).contains(&n) => Ok(n),
        _ => Err(format!(
            "--trials wants a whole number of at least 1 (and at most {MAX_TRIALS})"
        )),
    }
}

/// The flags of `river elections`.
#[derive(Args, Clone, Debug)]
pub struct ElectionsArgs {
    /// Cluster size, 3 to 15 (a majority must survive the crash).
    #[arg(long, default_value_t = 5, value_parser = crate::numbers::whole_usize)]
    nodes: usize,
    /// Election timeout range MIN-MAX in ms; repeat it or separate ranges with commas to
    /// measure several (one line each).
    #[arg(
        long = "timeout",
        value_name = "MIN-MAX",
        value_parser = parse_range,
        value_delimiter = ',',
        default_value = "150-300",
        allow_hyphen_values = true
    )]
    timeouts: Vec<Range>,
    /// Trials per range: each crashes the leader once.
    #[arg(
        long,
        value_name = "N",
        value_parser = parse_trials,
        default_value_t = 1_000
    )]
    trials: u32,
    /// One-way message delay MIN-MAX in ms. The default, 5-10, makes a round trip take
    /// about 15 ms, the paper's broadcast time.
    #[arg(
        long,
        value_name = "MIN-MAX",
        value_parser = parse_range,
        default_value = "5-10",
        allow_hyphen_values = true
    )]
    latency: Range,
    /// Enable PreVote (thesis §9.6).
    #[arg(long)]
    prevote: bool,
    /// Leader heartbeat interval in ms [default: half the minimum election timeout, as in
    /// the paper].
    #[arg(long, value_name = "MS", value_parser = crate::numbers::whole_u64)]
    heartbeat: Option<u64>,
    /// The master seed; the same seed and flags give the same output.
    #[arg(long, default_value_t = 1, value_parser = crate::numbers::whole_u64)]
    seed: u64,
    /// Print one JSON object per range (JSON lines).
    #[arg(long)]
    json: bool,
    /// Tell the story of one trial (numbered from 0, as the slowest are listed): every
    /// election event from the crash until a majority follows a new leader. Needs exactly
    /// one --timeout.
    #[arg(long, value_name = "K", value_parser = crate::numbers::whole_u32)]
    trial: Option<u32>,
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
            ExperimentError::NoSteadyLeader { .. } => format!(
                "--timeout {}-{} with --latency {}-{}",
                timeout.min_ms, timeout.max_ms, self.latency.min_ms, self.latency.max_ms
            ),
            _ => format!("--timeout {}-{}", timeout.min_ms, timeout.max_ms),
        }
    }
}

/// The timeout range an experiment measures.
fn range_of(experiment: &Experiment) -> Range {
    let c = experiment.config();
    Range {
        min_ms: c.election_timeout_min_ms,
        max_ms: c.election_timeout_max_ms,
    }
}

/// Runs `river elections`: exit status 0 when it ran, 2 for bad input (checked for every
/// range before any runs).
pub fn run(args: &ElectionsArgs) -> Result<ExitCode, String> {
    // A range named twice is refused, as the page's lab refuses it: it would be measured and
    // printed twice over, the same trials each time.
    for (k, t) in args.timeouts.iter().enumerate() {
        if args.timeouts[..k].contains(t) {
            return Err(format!(
                "--timeout {}-{}: the range is listed twice; name each range once",
                t.min_ms, t.max_ms
            ));
        }
    }
    let experiments = args
        .timeouts
        .iter()
        .map(|&t| args.experiment(t))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(k) = args.trial {
        return match experiments.as_slice() {
            [experiment] if k < args.trials => {
                tell(experiment, k, args.json)
                    .map_err(|e| format!("{}: {e}", args.culprit(&e, range_of(experiment))))?;
                Ok(ExitCode::SUCCESS)
            }
            [_] => Err(format!(
                "--trial {k}: trials are numbered 0 to {} (--trials {})",
                args.trials - 1,
                args.trials
            )),
            _ => Err(format!(
                "--trial {k}: name exactly one --timeout range, not {}",
                experiments.len()
            )),
        };
    }
    // Every range runs before anything is printed, so a range that cannot run leaves no
    // half-printed table behind.
    let mut results = Vec::new();
    for experiment in experiments {
        let mut lab = Lab::new(*experiment.config()).expect("checked above");
        lab.run_trials(args.trials)
            .map_err(|e| format!("{}: {e}", args.culprit(&e, range_of(&experiment))))?;
        let summary = lab.summary().expect("at least one trial");
        let slowest = lab
            .trials()
            .iter()
            .max_by_key(|t| (t.downtime_ms, core::cmp::Reverse(t.index)))
            .copied()
            .expect("at least one trial");
        results.push((experiment, summary, slowest));
    }
    if args.json {
        for (experiment, summary, _) in &results {
            say!("{}", json_line(experiment, summary));
        }
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{} nodes, one-way latency {}-{} ms, PreVote {}, seed {}; {} trials per range, each \
         crashing a steady leader at a random moment",
        args.nodes,
        args.latency.min_ms,
        args.latency.max_ms,
        if args.prevote { "on" } else { "off" },
        args.seed,
        args.trials
    );
    say!("time without a leader (ms), until a new one is followed by a majority:");
    say!(
        "{:>12} {:>9} {:>7} {:>11} {:>7} {:>7} {:>7} {:>7}",
        "timeout",
        "heartbeat",
        "trials",
        "split vote",
        "p50",
        "p90",
        "p99",
        "max"
    );
    for (experiment, summary, _) in &results {
        print_row(experiment, summary);
    }
    say!("the slowest trial of each range (see its story with --timeout MIN-MAX --trial K):");
    for (experiment, _, t) in &results {
        let c = experiment.config();
        say!(
            "{:>12}  K = {}: {} ms, {} {}, {} split {}",
            format!(
                "{}-{} ms",
                c.election_timeout_min_ms, c.election_timeout_max_ms
            ),
            t.index,
            t.downtime_ms,
            t.elections,
            plural(u64::from(t.elections), "election", "elections"),
            t.split_votes,
            plural(u64::from(t.split_votes), "vote", "votes")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `one` for 1, `many` for any other count.
pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The most events `--trial` prints from the start of a story, and from its end (a trial with
/// no randomness can hold thousands); those between are counted.
const STORY_HEAD_LINES: usize = 200;
/// See [`STORY_HEAD_LINES`].
const STORY_TAIL_LINES: usize = 100;

/// Prints trial `k` of `experiment`: its setup, then every election event after the crash.
fn tell(experiment: &Experiment, k: u32, json: bool) -> Result<(), ExperimentError> {
    let mut head = Vec::new();
    let mut tail = VecDeque::new();
    let mut omitted = 0usize;
    let trial = experiment.trial_observed(k, |time_ms, node, event| {
        let Some(text) = story(node, event) else {
            return;
        };
        if head.len() < STORY_HEAD_LINES {
            head.push((time_ms, text));
            return;
        }
        tail.push_back((time_ms, text));
        if tail.len() > STORY_TAIL_LINES {
            tail.pop_front();
            omitted += 1;
        }
    })?;
    if json {
        say!("{}", trial_json(experiment, &trial));
        return Ok(());
    }
    let c = experiment.config();
    say!(
        "trial {k} of {}-{} ms ({} nodes, heartbeat {} ms, latency {}-{} ms, PreVote {}, seed {}):",
        c.election_timeout_min_ms,
        c.election_timeout_max_ms,
        c.nodes,
        experiment.heartbeat_ms(),
        c.latency_min_ms,
        c.latency_max_ms,
        if c.pre_vote { "on" } else { "off" },
        c.seed
    );
    say!(
        "{}'s election timer was fired at 0 ms; {} led until it crashed at {} ms (simulation seed {}). Times are from the crash:",
        trial.first_candidate.letter(),
        trial.crashed.letter(),
        trial.crash_at_ms,
        trial.seed
    );
    let print = |(time_ms, text): &(u64, String)| {
        say!("{:>+9} ms  {text}", time_ms - trial.crash_at_ms);
    };
    head.iter().for_each(print);
    if omitted > 0 {
        say!("           ... {omitted} more events ...");
    }
    tail.iter().for_each(print);
    let tally = format!(
        "{} {}, {} split {}",
        trial.elections,
        plural(u64::from(trial.elections), "election", "elections"),
        trial.split_votes,
        plural(u64::from(trial.split_votes), "vote", "votes")
    );
    match trial.new_leader {
        Some(leader) => say!(
            "{:>+9} ms  a majority follows {}: {} ms without a leader; {tally}",
            trial.downtime_ms,
            leader.letter(),
            trial.downtime_ms
        ),
        None => say!(
            "{:>+9} ms  still no leader that a majority follows; counted at {} s; {tally}",
            NO_LEADER_LIMIT_MS,
            NO_LEADER_LIMIT_MS / 1000
        ),
    }
    Ok(())
}

/// One server's election event in words, or `None` for events that are not about elections.
fn story(node: NodeId, event: Event) -> Option<String> {
    let n = node.letter();
    let kind = |pre_vote: bool| if pre_vote { "a PreVote" } else { "its vote" };
    Some(match event {
        Event::ElectionTimeout { .. } => format!("{n}: election timer fired"),
        Event::PreVoteStarted { term } => {
            format!("{n}: asks whether it could win term {} (PreVote)", term.0)
        }
        Event::ElectionStarted { term } => {
            format!("{n}: stands for term {}, votes for itself", term.0)
        }
        Event::VoteGranted {
            candidate,
            term,
            pre_vote,
        } => format!(
            "{n}: gives {} {} for term {}",
            candidate.letter(),
            kind(pre_vote),
            term.0
        ),
        Event::VoteDenied {
            candidate,
            term,
            pre_vote,
            reason,
        } => {
            let why = vote_denial_text(reason, candidate, term);
            format!(
                "{n}: refuses {} {} for term {}: {why}",
                candidate.letter(),
                kind(pre_vote),
                term.0
            )
        }
        Event::VoteReceived { votes, .. } => format!("{n}: holds {votes} votes"),
        Event::BecameLeader { term, votes } => {
            format!(
                "{n}: wins term {} with {votes} votes, becomes leader",
                term.0
            )
        }
        Event::BecameFollower {
            term,
            leader: Some(leader),
        } => format!("{n}: follows {} in term {}", leader.letter(), term.0),
        Event::SteppedDown { term, reason } => {
            let verb = match reason {
                StepDownReason::LeaderExists => "stops campaigning",
                _ => "steps down",
            };
            format!("{n}: {verb}: {}", step_down_text(reason, term))
        }
        _ => return None,
    })
}

/// One trial as a JSON object.
fn trial_json(experiment: &Experiment, t: &Trial) -> String {
    let c = experiment.config();
    let letter = |id: NodeId| format!("\"{}\"", id.letter());
    format!(
        "{{\"trial\":{},\"seed\":{},\"firstCandidate\":{},\"crashed\":{},\"crashAt\":{},\
         \"downtime\":{},\"newLeader\":{},\"elections\":{},\"splitVotes\":{},\
         \"timeoutMin\":{},\"timeoutMax\":{}}}",
        t.index,
        t.seed,
        letter(t.first_candidate),
        letter(t.crashed),
        t.crash_at_ms,
        t.downtime_ms,
        t.new_leader.map_or("null".to_string(), letter),
        t.elections,
        t.split_votes,
        c.election_timeout_min_ms,
        c.election_timeout_max_ms
    )
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
    say!("{line}");
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
