//! The flags `check` and `run` share: how client histories are checked, and the cluster's
//! shape, faults and planted bugs, read and checked once, and written back as the flags of
//! a replay command.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use river_core::{Bug, BugSet};
use river_sim::nearest::did_you_mean;
use river_sim::swarm::{self, CheckOptions};
use river_sim::RaftOptions;
use std::fmt::Write as _;

use crate::numbers;

/// How client histories are checked for linearizability.
#[derive(Args, Clone, Copy)]
pub struct LincheckArgs {
    /// Do not fail a run whose linearizability search gave up (it proves nothing either
    /// way, so by default it fails the run).
    #[arg(long)]
    pub allow_inconclusive: bool,
    /// The search's budget per key: attempts to apply an operation before it gives up.
    #[arg(long, default_value_t = river_lincheck::MAX_SEARCH_STEPS, value_parser = parse_search_steps)]
    pub max_search_steps: u64,
}

/// Reads `--max-search-steps`: at least 1 (a budget of 0 decides no history at all).
fn parse_search_steps(text: &str) -> Result<u64, String> {
    match numbers::whole_u64(text)? {
        0 => Err(String::from(
            "a search of 0 steps decides nothing; give at least 1",
        )),
        n => Ok(n),
    }
}

impl LincheckArgs {
    /// The flags that reproduce these options (with a leading space), for replay commands.
    pub fn flags(&self) -> String {
        let mut s = String::new();
        if self.allow_inconclusive {
            s.push_str(" --allow-inconclusive");
        }
        if self.max_search_steps != river_lincheck::MAX_SEARCH_STEPS {
            let _ = write!(s, " --max-search-steps {}", self.max_search_steps);
        }
        s
    }
}

#[derive(Args, Clone)]
pub struct ClusterArgs {
    /// Cluster size.
    #[arg(long, default_value_t = 5, value_parser = numbers::whole_usize)]
    pub nodes: usize,
    /// Enable PreVote (thesis §9.6).
    #[arg(long)]
    pub prevote: bool,
    /// Enable CheckQuorum (thesis §6.2).
    #[arg(long)]
    pub checkquorum: bool,
    /// Switch on a deliberately broken variant (repeatable; see `river bugs`).
    #[arg(long = "bug", value_name = "NAME", value_parser = parse_bug)]
    pub bugs: Vec<Bug>,
    /// Shortest election timeout.
    #[arg(long, default_value_t = 150, value_parser = numbers::whole_u64)]
    pub election_timeout_min_ms: u64,
    /// Longest election timeout (at most 60000).
    #[arg(long, default_value_t = 300, value_parser = numbers::whole_u64)]
    pub election_timeout_max_ms: u64,
    /// Leader heartbeat interval.
    #[arg(long, default_value_t = 50, value_parser = numbers::whole_u64)]
    pub heartbeat_ms: u64,
    /// Length of the fault phase of each run (at most 3600000, a simulated hour).
    #[arg(long, default_value_t = swarm::DEFAULT_FAULT_MS, value_parser = numbers::whole_u64)]
    pub fault_ms: u64,
    /// Switch off the state machine's client sessions (a deliberately broken variant: a
    /// retried or duplicated request takes effect each time it reaches the log).
    #[arg(long)]
    pub no_sessions: bool,
    /// Skip the liveness window between the fault and heal phases (the swarm as it was
    /// before it: a cluster that never elects a leader while a majority is up goes unseen).
    #[arg(long)]
    pub no_liveness: bool,
}

fn parse_bug(name: &str) -> Result<Bug, String> {
    Bug::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Bug::ALL.iter().map(|b| b.name()).collect();
        format!(
            "no bug named '{name}'{} (known: {})",
            did_you_mean(name, names.iter().copied()),
            names.join(", ")
        )
    })
}

/// The longest election timeout (and so heartbeat) `check` and `run` take, in ms: the swarm's
/// phases and liveness limit are sums of them, and 2^64 − 1 overflowed (status 101).
const MAX_TIMEOUT_MS: u64 = river_sim::elections::MAX_ELECTION_TIMEOUT_MS;
/// The longest fault phase `check` and `run` take: one simulated hour (2^64 − 1 ms never
/// came back).
const MAX_FAULT_MS: u64 = 3_600_000;

impl ClusterArgs {
    /// Refuses a `--bug` named twice, as `--prevote` twice and a range named twice in
    /// `river elections` are: it was taken, and the summary said "stale-read + stale-read
    /// first caught" and each replay command carried it twice.
    pub fn refuse_repeated_bugs(&self) -> Result<(), String> {
        for (k, bug) in self.bugs.iter().enumerate() {
            if self.bugs[..k].contains(bug) {
                return Err(format!(
                    "--bug {} is given twice; name each bug once",
                    bug.name()
                ));
            }
        }
        Ok(())
    }

    pub fn options(&self) -> Result<CheckOptions, String> {
        self.refuse_repeated_bugs()?;
        if self.election_timeout_max_ms > MAX_TIMEOUT_MS {
            return Err(format!(
                "--election-timeout-max-ms is at most {MAX_TIMEOUT_MS}, not {}",
                self.election_timeout_max_ms
            ));
        }
        if self.fault_ms > MAX_FAULT_MS {
            return Err(format!(
                "--fault-ms is at most {MAX_FAULT_MS} (a simulated hour), not {}",
                self.fault_ms
            ));
        }
        let mut bugs = BugSet::NONE;
        for bug in &self.bugs {
            bugs.set(*bug, true);
        }
        let options = CheckOptions {
            nodes: self.nodes,
            raft: RaftOptions {
                election_timeout_min_ms: self.election_timeout_min_ms,
                election_timeout_max_ms: self.election_timeout_max_ms,
                heartbeat_interval_ms: self.heartbeat_ms,
                pre_vote: self.prevote,
                check_quorum: self.checkquorum,
                bugs,
                ..RaftOptions::default()
            },
            fault_ms: self.fault_ms,
            client_sessions: !self.no_sessions,
            compaction: true,
            liveness: !self.no_liveness,
        };
        let mut config = river_sim::SimConfig::new(options.nodes, 0);
        config.raft = options.raft;
        config.validate().map_err(|e| e.to_string())?;
        Ok(options)
    }

    /// The flags that reproduce these options, for replay commands.
    pub fn flags(&self) -> String {
        let mut s = format!("--nodes {}", self.nodes);
        if self.prevote {
            s.push_str(" --prevote");
        }
        if self.checkquorum {
            s.push_str(" --checkquorum");
        }
        for bug in &self.bugs {
            let _ = write!(s, " --bug {}", bug.name());
        }
        let d = RaftOptions::default();
        if self.election_timeout_min_ms != d.election_timeout_min_ms {
            let _ = write!(
                s,
                " --election-timeout-min-ms {}",
                self.election_timeout_min_ms
            );
        }
        if self.election_timeout_max_ms != d.election_timeout_max_ms {
            let _ = write!(
                s,
                " --election-timeout-max-ms {}",
                self.election_timeout_max_ms
            );
        }
        if self.heartbeat_ms != d.heartbeat_interval_ms {
            let _ = write!(s, " --heartbeat-ms {}", self.heartbeat_ms);
        }
        if self.fault_ms != swarm::DEFAULT_FAULT_MS {
            let _ = write!(s, " --fault-ms {}", self.fault_ms);
        }
        if self.no_sessions {
            s.push_str(" --no-sessions");
        }
        if self.no_liveness {
            s.push_str(" --no-liveness");
        }
        s
    }
}

/// The flags of `run` that shape the swarm's cluster and phases but not a scenario's (which
/// sets its own): each with its clap id and what to write instead.
const NOT_FOR_SCENARIOS: [(&str, &str, &str); 6] = [
    ("nodes", "--nodes", "set `nodes N` in the scenario"),
    (
        "election_timeout_min_ms",
        "--election-timeout-min-ms",
        "set `election-timeout MIN MAX` in the scenario",
    ),
    (
        "election_timeout_max_ms",
        "--election-timeout-max-ms",
        "set `election-timeout MIN MAX` in the scenario",
    ),
    (
        "heartbeat_ms",
        "--heartbeat-ms",
        "set `heartbeat MS` in the scenario",
    ),
    (
        "fault_ms",
        "--fault-ms",
        "a scenario runs as long as its `wait MS` lines say",
    ),
    (
        "no_liveness",
        "--no-liveness",
        "a scenario has no liveness window",
    ),
];

/// Refuses a flag given to `run --scenario` that the scenario would ignore.
pub fn refuse_flags_scenarios_ignore(run: &ArgMatches) -> Result<(), String> {
    for (id, flag, instead) in NOT_FOR_SCENARIOS {
        if run.value_source(id) == Some(ValueSource::CommandLine) {
            return Err(format!(
                "{flag} does not apply to --scenario (a scenario sets up its own cluster): {instead} (scenarios/README.md)"
            ));
        }
    }
    Ok(())
}
