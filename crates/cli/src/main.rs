//! `river`: run, check and replay River Raft simulations from the command line.
//!
//! Exit status: 0 when every run is safe (and converged, with a linearizable client
//! history), 1 when a run broke a property or an expectation, 2 for bad input (unknown flag,
//! bad scenario line, impossible config).

use clap::{Args, Parser, Subcommand};
use river_core::{Bug, BugSet};
use river_lincheck::Problem;
use river_sim::scenario::{built_in, Player, Scenario};
use river_sim::swarm::{self, CheckOptions, Outcome, RunReport};
use river_sim::{RaftOptions, Simulation};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "river",
    version,
    about = "Run, check and replay River Raft simulations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run many seeded simulations under random faults, check every event for safety and
    /// every run's client history for linearizability.
    Check {
        /// How many seeds to run.
        #[arg(long)]
        seeds: u64,
        /// The first seed (seeds are consecutive).
        #[arg(long, default_value_t = 1)]
        first_seed: u64,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Run one simulation: the same run `check` makes for that seed, or a scenario.
    Run {
        /// The seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Write the client history here, as Jepsen EDN (one op per line).
        #[arg(long, value_name = "FILE")]
        history: Option<String>,
        /// Write every event here, as JSON lines.
        #[arg(long, value_name = "FILE")]
        trace: Option<String>,
        /// Play a scenario file (or a built-in scenario name, such as `partition`).
        #[arg(long, value_name = "FILE")]
        scenario: Option<String>,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// List the deliberately broken variants of Raft.
    Bugs,
}

#[derive(Args, Clone)]
struct ClusterArgs {
    /// Cluster size.
    #[arg(long, default_value_t = 5)]
    nodes: usize,
    /// Enable PreVote (thesis §9.6).
    #[arg(long)]
    prevote: bool,
    /// Enable CheckQuorum (thesis §6.2).
    #[arg(long)]
    checkquorum: bool,
    /// Switch on a deliberately broken variant (repeatable; see `river bugs`).
    #[arg(long = "bug", value_name = "NAME", value_parser = parse_bug)]
    bugs: Vec<Bug>,
    /// Shortest election timeout.
    #[arg(long, default_value_t = 150)]
    election_timeout_min_ms: u64,
    /// Longest election timeout.
    #[arg(long, default_value_t = 300)]
    election_timeout_max_ms: u64,
    /// Leader heartbeat interval.
    #[arg(long, default_value_t = 50)]
    heartbeat_ms: u64,
    /// Length of the fault phase of each run.
    #[arg(long, default_value_t = swarm::DEFAULT_FAULT_MS)]
    fault_ms: u64,
}

fn parse_bug(name: &str) -> Result<Bug, String> {
    Bug::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Bug::ALL.iter().map(|b| b.name()).collect();
        format!("no bug named '{name}' (known: {})", names.join(", "))
    })
}

impl ClusterArgs {
    fn options(&self) -> Result<CheckOptions, String> {
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
        };
        let mut config = river_sim::SimConfig::new(options.nodes, 0);
        config.raft = options.raft;
        config.validate().map_err(|e| e.to_string())?;
        Ok(options)
    }

    /// The flags that reproduce these options, for replay commands.
    fn flags(&self) -> String {
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
        s
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bugs => {
            for bug in Bug::ALL {
                println!("{:<22}{}", bug.name(), bug.description());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            seeds,
            first_seed,
            cluster,
        } => check(seeds, first_seed, &cluster),
        Command::Run {
            seed,
            history,
            trace,
            scenario,
            cluster,
        } => run(seed, history, trace, scenario, &cluster),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("river: {message}");
            ExitCode::from(2)
        }
    }
}

/// One seed's run, and the verdict on its client history (`Err`: the history could not be
/// read as invocations paired with completions, a simulator bug).
struct Checked {
    run: RunReport,
    history: Result<river_lincheck::Report, String>,
}

impl Checked {
    fn new(sim: &Simulation, run: RunReport) -> Checked {
        let history = river_lincheck::check(&sim.history)
            .map_err(|e| format!("the client history is malformed: {e}"));
        Checked { run, history }
    }

    /// Whether the history is certainly not linearizable (or unreadable).
    fn not_linearizable(&self) -> bool {
        self.history.as_ref().map_or(true, |h| h.violated())
    }

    /// Whether the search gave up on some key (not a failure: it proves nothing).
    fn inconclusive(&self) -> bool {
        self.history.as_ref().is_ok_and(|h| h.inconclusive())
    }

    /// Whether the run broke a property, did not converge, or is not linearizable.
    fn failed(&self) -> bool {
        self.run.outcome != Outcome::Ok || self.not_linearizable()
    }

    /// Prints what is wrong with the history: problems of kind `inconclusive` or not.
    fn print_history_problems(&self, inconclusive: bool) {
        match &self.history {
            Err(e) if !inconclusive => println!("  {e}"),
            Err(_) => {}
            Ok(report) => {
                for problem in &report.problems {
                    if matches!(problem, Problem::Inconclusive { .. }) == inconclusive {
                        println!("  {problem}");
                    }
                }
            }
        }
    }
}

fn check(seeds: u64, first_seed: u64, cluster: &ClusterArgs) -> Result<ExitCode, String> {
    let options = cluster.options()?;
    let started = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8) as u64;
    let checked: Vec<Checked> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    (first_seed + w..first_seed + seeds)
                        .step_by(workers as usize)
                        .map(|seed| {
                            let (sim, run) = swarm::run(&options, seed, false).expect("validated");
                            Checked::new(&sim, run)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<Checked> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect();
        all.sort_by_key(|c| c.run.seed);
        all
    });
    let wall = started.elapsed().as_secs_f64();
    let reports: Vec<&RunReport> = checked.iter().map(|c| &c.run).collect();
    let sim_s: f64 = reports.iter().map(|r| r.sim_ms as f64 / 1000.0).sum();
    let sum = |f: fn(&RunReport) -> u64| reports.iter().map(|r| f(r)).sum::<u64>();
    let failures: Vec<&Checked> = checked.iter().filter(|c| c.failed()).collect();
    let inconclusive: Vec<&Checked> = checked.iter().filter(|c| c.inconclusive()).collect();
    let linearizable_ops: usize = checked
        .iter()
        .filter_map(|c| c.history.as_ref().ok())
        .map(|h| h.operations)
        .sum();
    let violations: usize = reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Unsafe(v) => v.len(),
            _ => 0,
        })
        .sum();
    println!(
        "runs {}, simulated {:.1} s, events {}, elections {}, commits {}, operations {}, violations {}, not converged {}, linearizable ops {}, not linearizable {}, inconclusive {}; {:.2} s wall, {:.0}x real time",
        reports.len(),
        sim_s,
        sum(|r| r.events),
        sum(|r| r.elections),
        sum(|r| r.commits),
        sum(|r| r.operations as u64),
        violations,
        reports.iter().filter(|r| r.outcome == Outcome::NoConvergence).count(),
        linearizable_ops,
        checked.iter().filter(|c| c.not_linearizable()).count(),
        inconclusive.len(),
        wall,
        sim_s / wall.max(1e-9),
    );
    let replay = |seed: u64| {
        println!(
            "  replay: river run --seed {seed} {} --trace trace.jsonl --history history.edn",
            cluster.flags()
        );
    };
    for failure in failures.iter().take(5) {
        let report = &failure.run;
        match &report.outcome {
            Outcome::Unsafe(violations) => {
                println!("seed {}: UNSAFE", report.seed);
                for v in violations.iter().take(3) {
                    println!("  at {} ms: {}", v.time_ms, v.text);
                }
            }
            Outcome::NoConvergence => println!(
                "seed {}: did not converge within {} ms of healing",
                report.seed,
                swarm::HEAL_LIMIT_MS
            ),
            Outcome::Ok => {}
        }
        if failure.not_linearizable() {
            println!("seed {}: NOT LINEARIZABLE", report.seed);
            failure.print_history_problems(false);
        }
        replay(report.seed);
    }
    // Not failures, but a search that gave up proves nothing either way: show them.
    for c in inconclusive.iter().take(5) {
        println!("seed {}: linearizability inconclusive", c.run.seed);
        c.print_history_problems(true);
        replay(c.run.seed);
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_outputs(
    sim: &Simulation,
    history: Option<String>,
    trace: Option<String>,
) -> Result<(), String> {
    if let Some(path) = history {
        let mut text = String::new();
        sim.history
            .write_edn(&mut text)
            .expect("writing to a string");
        std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    if let Some(path) = trace {
        let mut text = String::new();
        for record in &sim.trace.records {
            record.write_json(&mut text).expect("writing to a string");
            text.push('\n');
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

fn run(
    seed: Option<u64>,
    history: Option<String>,
    trace: Option<String>,
    scenario: Option<String>,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    if let Some(source) = scenario {
        return run_scenario(&source, seed, history, trace);
    }
    let seed = seed.ok_or("run needs --seed S (or --scenario FILE)")?;
    let options = cluster.options()?;
    let started = Instant::now();
    let (sim, report) = swarm::run(&options, seed, trace.is_some()).map_err(|e| e.to_string())?;
    let checked = Checked::new(&sim, report);
    let report = &checked.run;
    let wall = started.elapsed().as_secs_f64();
    write_outputs(&sim, history, trace)?;
    let mix = report.mix;
    println!(
        "seed {seed}: {} nodes, loss {}, duplicate {}, reorder {}, latency {}-{} ms, crashes {}, cuts {}{}, partitions {}, targeted {}, {} entries per append, {} clients",
        options.nodes,
        mix.link.loss,
        mix.link.duplicate,
        mix.link.reorder,
        mix.link.latency_min_ms,
        mix.link.latency_max_ms,
        mix.crashes,
        mix.cuts,
        if mix.one_way { " (one-way too)" } else { "" },
        mix.partitions,
        mix.targeted,
        mix.max_entries_per_append,
        mix.clients
    );
    println!(
        "simulated {:.1} s, events {}, elections {}, commits {}, operations {}, trace digest {:016x}; {:.3} s wall",
        report.sim_ms as f64 / 1000.0,
        report.events,
        report.elections,
        report.commits,
        report.operations,
        report.trace_digest,
        wall
    );
    match &report.outcome {
        Outcome::Ok => println!("safe, and converged after healing"),
        Outcome::Unsafe(violations) => {
            for v in violations {
                println!("UNSAFE at {} ms: {}", v.time_ms, v.text);
            }
        }
        Outcome::NoConvergence => println!(
            "safe, but did not converge within {} ms of healing",
            swarm::HEAL_LIMIT_MS
        ),
    }
    match &checked.history {
        Ok(history) if history.problems.is_empty() => println!(
            "client history linearizable: {} operations on {} keys checked",
            history.operations, history.keys
        ),
        Ok(history) => {
            if history.violated() {
                println!(
                    "NOT LINEARIZABLE ({} operations checked)",
                    history.operations
                );
                checked.print_history_problems(false);
            }
            if history.inconclusive() {
                println!(
                    "linearizability inconclusive ({} operations checked)",
                    history.operations
                );
                checked.print_history_problems(true);
            }
        }
        Err(e) => println!("NOT LINEARIZABLE: {e}"),
    }
    Ok(if checked.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_scenario(
    source: &str,
    seed: Option<u64>,
    history: Option<String>,
    trace: Option<String>,
) -> Result<ExitCode, String> {
    let text = match built_in(source) {
        Some(text) => text.to_string(),
        None => std::fs::read_to_string(source)
            .map_err(|e| format!("cannot read scenario {source}: {e}"))?,
    };
    let mut scenario = Scenario::parse(&text).map_err(|e| format!("{source}: {e}"))?;
    if let Some(seed) = seed {
        scenario.config.seed = seed;
    }
    let mut sim = Player::simulation(&scenario);
    sim.trace.keep = trace.is_some();
    let result = Player::new(scenario).run_to_end(&mut sim);
    write_outputs(&sim, history, trace)?;
    println!(
        "scenario {source}: simulated {:.1} s, events {}, elections {}, commits {}, violations {}",
        sim.now_ms() as f64 / 1000.0,
        sim.stats.events,
        sim.stats.elections,
        sim.checker.committed_len(),
        sim.checker.violation_count()
    );
    for v in sim.checker.violations() {
        println!("violation at {} ms: {}", v.time_ms, v.text);
    }
    match result {
        Ok(()) => {
            println!("every expectation held");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{source}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
