//! `river`: run, check and replay River Raft simulations from the command line.
//!
//! Exit status: 0 when every run is safe (and converged, with a linearizable client
//! history; a scenario that says `expect violation` or `expect stale read` must show that
//! instead), 1 when a run broke a property or an expectation, panicked, or (unless
//! `--allow-inconclusive`) left its linearizability undecided, 2 for bad input (unknown
//! flag, bad scenario line, impossible config); 141 when the reader of its output went away
//! (`river check | head`), quietly.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use river_core::{Bug, BugSet};
use river_lincheck::Problem;
use river_sim::nearest::{did_you_mean, nearest};
use river_sim::scenario::{built_in, past_limits, tour, Player, Scenario, BUILT_IN, TOURS};
use river_sim::swarm::{self, CheckOptions, Outcome, RunReport};
use river_sim::timeline::{Driver, Input};
use river_sim::trace;
use river_sim::{RaftOptions, Simulation};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Prints a line to standard output, as `println!` does, except when the reader has gone
/// (`river check | head`): then the program stops quietly with status 141, what a shell
/// reports for a process ended by SIGPIPE, instead of panicking with status 101. (Rust
/// ignores SIGPIPE, so a closed pipe is an error on the next write.)
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::print_line(format_args!($($arg)*))
    };
}

/// The exit status when standard output's reader has gone (128 + SIGPIPE's number, 13).
const CLOSED_PIPE_STATUS: i32 = 141;

/// Writes one line for [`say!`]. Output that cannot be written otherwise (a full disk) ends
/// the program with a line on standard error and status 2, as a `--trace` file that cannot
/// be written does.
fn print_line(line: std::fmt::Arguments) {
    use std::io::Write as _;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE_STATUS);
        }
        eprintln!("river: cannot write the output: {e}");
        std::process::exit(2);
    }
}

mod elections;
mod numbers;
mod tally;

use tally::Tally;

/// What `river --help` prints under the commands. Every example runs as written
/// (`crates/cli/tests/help.rs` runs them).
const AFTER_HELP: &str = "\
Examples:
  river check --seeds 200
  river check --seeds 200 --bug figure8-commit --nodes 3
  river run --seed 42 --trace trace.jsonl --history history.edn
  river run --scenario partition
  river run --scenario tour:election
  river elections --timeout 150-150,150-300 --trials 100

Exit status: 0 when everything checked held; 1 when a check found a problem (a violation,
no convergence, a client history not linearizable or undecided, a panic, a failed
expectation); 2 for bad input (a flag, a value, a scenario line). The scenario language:
scenarios/README.md.";

#[derive(Parser)]
#[command(
    name = "river",
    version,
    about = "Run, check and replay River Raft simulations",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run many seeded simulations under random faults, check every event for safety and
    /// every run's client history for linearizability.
    // A negative number is a value, so clap names the flag it is wrong for (else it reads
    // `-5` as an unknown flag).
    #[command(allow_negative_numbers = true)]
    Check {
        /// How many seeds to run.
        #[arg(long, value_parser = numbers::whole_u64)]
        seeds: u64,
        /// The first seed (seeds are consecutive).
        #[arg(long, default_value_t = 1, value_parser = numbers::whole_u64)]
        first_seed: u64,
        #[command(flatten)]
        lincheck: LincheckArgs,
        /// Panics inside this seed's run, to show how a crashed seed is reported.
        #[arg(long, hide = true, value_name = "SEED")]
        panic_at_seed: Option<u64>,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Run one simulation: the same run `check` makes for that seed, or a scenario.
    #[command(allow_negative_numbers = true)]
    Run {
        /// The seed: the run `check` makes for it (needed unless --scenario; with it, the
        /// seed replaces the scenario's own).
        #[arg(long, value_parser = numbers::whole_u64)]
        seed: Option<u64>,
        /// Write the client history here, as Jepsen EDN (one op per line).
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// Write every event here, as JSON lines.
        #[arg(long, value_name = "FILE")]
        trace: Option<PathBuf>,
        /// Play a scenario file (`-` reads it from standard input; or a built-in scenario
        /// name, such as `partition`, or a guided tour, `tour:election`; tours print each
        /// step's caption, `pause` is skipped); a line the simulation refuses is printed;
        /// `--bug`, `--prevote`, `--checkquorum` and `--no-sessions` apply to it too, `--seed`
        /// replaces its seed, and the flags that shape the cluster (`--nodes`, the timings,
        /// `--fault-ms`, `--no-liveness`) are refused: the scenario sets those itself.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        #[command(flatten)]
        lincheck: LincheckArgs,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// List the deliberately broken variants of Raft.
    Bugs,
    /// Crash the leader again and again and measure how long the cluster is without one,
    /// per election timeout range (the Raft paper's §9.3 experiment).
    #[command(allow_negative_numbers = true)]
    Elections(elections::ElectionsArgs),
}

/// How client histories are checked for linearizability.
#[derive(Args, Clone, Copy)]
struct LincheckArgs {
    /// Do not fail a run whose linearizability search gave up (it proves nothing either
    /// way, so by default it fails the run).
    #[arg(long)]
    allow_inconclusive: bool,
    /// The search's budget per key: attempts to apply an operation before it gives up.
    #[arg(long, default_value_t = river_lincheck::MAX_SEARCH_STEPS, value_parser = parse_search_steps)]
    max_search_steps: u64,
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
    fn flags(&self) -> String {
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
struct ClusterArgs {
    /// Cluster size.
    #[arg(long, default_value_t = 5, value_parser = numbers::whole_usize)]
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
    #[arg(long, default_value_t = 150, value_parser = numbers::whole_u64)]
    election_timeout_min_ms: u64,
    /// Longest election timeout (at most 60000).
    #[arg(long, default_value_t = 300, value_parser = numbers::whole_u64)]
    election_timeout_max_ms: u64,
    /// Leader heartbeat interval.
    #[arg(long, default_value_t = 50, value_parser = numbers::whole_u64)]
    heartbeat_ms: u64,
    /// Length of the fault phase of each run (at most 3600000, a simulated hour).
    #[arg(long, default_value_t = swarm::DEFAULT_FAULT_MS, value_parser = numbers::whole_u64)]
    fault_ms: u64,
    /// Switch off the state machine's client sessions (a deliberately broken variant: a
    /// retried or duplicated request takes effect each time it reaches the log).
    #[arg(long)]
    no_sessions: bool,
    /// Skip the liveness window between the fault and heal phases (the swarm as it was
    /// before it: a cluster that never elects a leader while a majority is up goes unseen).
    #[arg(long)]
    no_liveness: bool,
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
    fn refuse_repeated_bugs(&self) -> Result<(), String> {
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

    fn options(&self) -> Result<CheckOptions, String> {
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
fn refuse_flags_scenarios_ignore(run: &ArgMatches) -> Result<(), String> {
    for (id, flag, instead) in NOT_FOR_SCENARIOS {
        if run.value_source(id) == Some(ValueSource::CommandLine) {
            return Err(format!(
                "{flag} does not apply to --scenario (a scenario sets up its own cluster): {instead} (scenarios/README.md)"
            ));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Bugs => {
            // A column as wide as the longest name and two spaces, so no name runs into
            // its sentence.
            let width = Bug::ALL.iter().map(|b| b.name().len()).max().unwrap_or(0) + 2;
            for bug in Bug::ALL {
                say!("{:<width$}{}", bug.name(), bug.description());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            seeds,
            first_seed,
            lincheck,
            panic_at_seed,
            cluster,
        } => check(seeds, first_seed, lincheck, panic_at_seed, &cluster),
        Command::Run {
            seed,
            history,
            trace,
            scenario,
            lincheck,
            cluster,
        } => match matches.subcommand_matches("run") {
            Some(run_flags) if scenario.is_some() => refuse_flags_scenarios_ignore(run_flags)
                .and_then(|()| run(seed, history, trace, scenario, lincheck, &cluster)),
            _ => run(seed, history, trace, scenario, lincheck, &cluster),
        },
        Command::Elections(args) => elections::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("river: {message}");
            ExitCode::from(2)
        }
    }
}

thread_local! {
    /// While [`catching`] runs on this thread: what the last panic said, and where.
    static LAST_PANIC: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic inside it into `Err` with the panic's message and place, so one
/// broken seed is reported as that seed's failure instead of ending the whole check.
/// (river-sim stays `no_std`: catching happens here, at the edge.)
fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = info.to_string().replace('\n', " ");
            let caught = LAST_PANIC.with(|last| match last.borrow_mut().as_mut() {
                Some(slot) => {
                    *slot = Some(text);
                    true
                }
                None => false,
            });
            if !caught {
                print(info);
            }
        }));
    });
    LAST_PANIC.with(|last| *last.borrow_mut() = Some(None));
    let result = catch_unwind(AssertUnwindSafe(f));
    let message = LAST_PANIC.with(|last| last.borrow_mut().take()).flatten();
    result.map_err(|_| message.unwrap_or_else(|| String::from("panicked")))
}

/// The verdict on one run's client history (`Err`: the history could not be read as
/// invocations paired with completions, a simulator bug).
struct HistoryVerdict(Result<river_lincheck::Report, String>);

impl HistoryVerdict {
    fn of(sim: &Simulation, lincheck: LincheckArgs) -> HistoryVerdict {
        HistoryVerdict(
            river_lincheck::check_within(&sim.history, lincheck.max_search_steps)
                .map_err(|e| format!("the client history is malformed: {e}")),
        )
    }

    /// Whether the history is certainly not linearizable (or unreadable).
    fn not_linearizable(&self) -> bool {
        self.0.as_ref().map_or(true, |h| h.violated())
    }

    /// Whether the search gave up on some key: it proves nothing either way.
    fn inconclusive(&self) -> bool {
        self.0.as_ref().is_ok_and(|h| h.inconclusive())
    }

    /// The operations of a history shown linearizable (none if any key was not).
    fn linearizable_operations(&self) -> usize {
        match &self.0 {
            Ok(h) if h.problems.is_empty() => h.operations,
            _ => 0,
        }
    }

    /// Prints what is wrong with the history: problems of kind `inconclusive` or not.
    fn print_problems(&self, inconclusive: bool) {
        match &self.0 {
            Err(e) if !inconclusive => say!("  {e}"),
            Err(_) => {}
            Ok(report) => {
                for problem in &report.problems {
                    if matches!(problem, Problem::Inconclusive { .. }) == inconclusive {
                        say!("  {problem}");
                    }
                }
            }
        }
    }

    /// Prints the verdict in a line, then any problems.
    fn print(&self, allow_inconclusive: bool) {
        match &self.0 {
            Ok(history) if history.problems.is_empty() => say!(
                "client history linearizable: {} {} on {} {} checked",
                history.operations,
                elections::plural(history.operations as u64, "operation", "operations"),
                history.keys,
                elections::plural(history.keys as u64, "key", "keys")
            ),
            Ok(history) => {
                if history.violated() {
                    say!(
                        "NOT LINEARIZABLE ({} operations checked)",
                        history.operations
                    );
                    self.print_problems(false);
                }
                if history.inconclusive() {
                    say!(
                        "linearizability inconclusive ({} operations checked){}",
                        history.operations,
                        if allow_inconclusive {
                            " (allowed)"
                        } else {
                            "; fails unless --allow-inconclusive"
                        }
                    );
                    self.print_problems(true);
                }
            }
            Err(e) => say!("NOT LINEARIZABLE: {e}"),
        }
    }
}

/// One seed's run and the verdict on its client history.
struct Checked {
    seed: u64,
    /// The run's report, or, if the simulator panicked, what the panic said.
    run: Result<RunReport, String>,
    /// `None` if the run panicked.
    history: Option<HistoryVerdict>,
}

impl Checked {
    /// Runs and checks one seed of `check`, catching a panic in either.
    fn seed(
        options: &CheckOptions,
        seed: u64,
        lincheck: LincheckArgs,
        panic_at_seed: Option<u64>,
    ) -> Checked {
        let checked = catching(|| {
            assert!(
                panic_at_seed != Some(seed),
                "panic injected by --panic-at-seed"
            );
            let (sim, run) = swarm::run(options, seed, false).expect("validated");
            Checked::new(&sim, run, lincheck)
        });
        checked.unwrap_or_else(|message| Checked {
            seed,
            run: Err(message),
            history: None,
        })
    }

    fn new(sim: &Simulation, run: RunReport, lincheck: LincheckArgs) -> Checked {
        Checked {
            seed: run.seed,
            run: Ok(run),
            history: Some(HistoryVerdict::of(sim, lincheck)),
        }
    }

    /// Whether the run finished and its history is certainly not linearizable.
    fn not_linearizable(&self) -> bool {
        self.history
            .as_ref()
            .is_some_and(HistoryVerdict::not_linearizable)
    }

    /// Whether the search gave up on some key of the history.
    fn inconclusive(&self) -> bool {
        self.history
            .as_ref()
            .is_some_and(HistoryVerdict::inconclusive)
    }

    /// Whether the run panicked, broke a property, did not converge, is not linearizable,
    /// or (unless allowed) could not be decided.
    fn failed(&self, allow_inconclusive: bool) -> bool {
        self.run.as_ref().map_or(true, |r| r.outcome != Outcome::Ok)
            || self.not_linearizable()
            || (self.inconclusive() && !allow_inconclusive)
    }

    fn print_history_problems(&self, inconclusive: bool) {
        if let Some(history) = &self.history {
            history.print_problems(inconclusive);
        }
    }
}

/// What a liveness failure says: how long without a leader, from when, and who ran.
fn no_leader_text(outcome: &Outcome) -> String {
    let Outcome::NoLeader {
        since_ms,
        limit_ms,
        text,
    } = outcome
    else {
        return String::new();
    };
    format!(
        "from {since_ms} ms, no leader for {limit_ms} ms under a healed network with a majority up ({text})"
    )
}

fn check(
    seeds: u64,
    first_seed: u64,
    lincheck: LincheckArgs,
    panic_at_seed: Option<u64>,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    let options = cluster.options()?;
    if seeds == 0 {
        return Err(String::from(
            "--seeds 0 checks nothing; give at least 1 seed",
        ));
    }
    // The seeds are first_seed ..= first_seed + seeds - 1, so that last one must exist.
    if first_seed.checked_add(seeds - 1).is_none() {
        return Err(format!(
            "--first-seed {first_seed} with --seeds {seeds} runs past the last seed, {}",
            u64::MAX
        ));
    }
    let started = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8) as u64;
    // Each worker counts its seeds as they finish and keeps only what the summary prints.
    let tally = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let options = &options;
                scope.spawn(move || {
                    let mut tally = Tally::default();
                    for k in (w..seeds).step_by(workers as usize) {
                        let checked =
                            Checked::seed(options, first_seed + k, lincheck, panic_at_seed);
                        tally.add(checked, lincheck.allow_inconclusive);
                    }
                    tally
                })
            })
            .collect();
        let mut all = Tally::default();
        for h in handles {
            all.merge(h.join().expect("worker"));
        }
        all
    });
    let wall = started.elapsed().as_secs_f64();
    let counts = tally.counts;
    let sim_s = counts.sim_ms as f64 / 1000.0;
    say!(
        "runs {}, simulated {:.1} s, {}, operations {}, violations {}, not converged {}, no leader {}, panicked {}, linearizable ops {}, not linearizable {}, inconclusive {}; longest wait for a leader in the liveness window {} ms{}; {:.2} s wall, {:.0}x real time",
        counts.runs,
        sim_s,
        tally::activity(&counts.stats, counts.commits),
        counts.operations,
        counts.violations,
        counts.not_converged,
        counts.no_leader,
        counts.panicked,
        counts.linearizable_ops,
        counts.not_linearizable,
        counts.inconclusive,
        counts.longest_leaderless_ms,
        swarm::liveness_limit_ms(&options.raft)
            .filter(|_| options.liveness)
            .map_or(String::from(" (window off)"), |limit| format!(" (limit {limit} ms)")),
        wall,
        sim_s / wall.max(1e-9),
    );
    let replay = |seed: u64| {
        say!(
            "  replay: river run --seed {seed} {}{} --trace trace.jsonl --history history.edn",
            cluster.flags(),
            lincheck.flags()
        );
    };
    if let Some(first) = tally.first_failure() {
        // With a planted bug a failure is the point: say how soon the swarm caught it.
        let what = if cluster.bugs.is_empty() {
            String::from("first failing seed")
        } else {
            let names: Vec<&str> = cluster.bugs.iter().map(|b| b.name()).collect();
            format!("{} first caught at seed", names.join(" + "))
        };
        say!(
            "{what} {} ({} of {} seeds failed)",
            first.seed,
            counts.failed,
            counts.runs
        );
    }
    for failure in tally.shown_failures() {
        let seed = failure.seed;
        match &failure.run {
            Err(message) => say!("seed {seed}: PANICKED: {message}"),
            Ok(report) => match &report.outcome {
                Outcome::Unsafe(violations) => {
                    say!("seed {seed}: UNSAFE");
                    for v in violations.iter().take(3) {
                        say!("  at {} ms: {}", v.time_ms, v.text);
                    }
                }
                Outcome::NoConvergence => say!(
                    "seed {seed}: did not converge within {} ms of healing",
                    swarm::heal_limit_ms(&options.raft)
                ),
                Outcome::NoLeader { .. } => {
                    say!("seed {seed}: NO LEADER");
                    say!("  {}", no_leader_text(&report.outcome));
                }
                Outcome::Ok => {}
            },
        }
        if failure.not_linearizable() {
            say!("seed {seed}: NOT LINEARIZABLE");
            failure.print_history_problems(false);
        }
        if failure.inconclusive() {
            say!("seed {seed}: linearizability INCONCLUSIVE (fails unless --allow-inconclusive)");
            failure.print_history_problems(true);
        }
        replay(seed);
    }
    if lincheck.allow_inconclusive {
        // Allowed, but a search that gave up proves nothing either way: show them.
        for c in tally.shown_allowed() {
            say!("seed {}: linearizability inconclusive (allowed)", c.seed);
            c.print_history_problems(true);
            replay(c.seed);
        }
    }
    Ok(if counts.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The files `run` writes, created before it runs: a path that cannot be written is bad
/// input found at once, not after the run (which used to lose the run's verdict to status 2).
struct Outputs {
    history: Option<(PathBuf, std::fs::File)>,
    trace: Option<(PathBuf, std::fs::File)>,
}

impl Outputs {
    fn create(history: Option<PathBuf>, trace: Option<PathBuf>) -> Result<Outputs, String> {
        let create = |path: Option<PathBuf>| {
            path.map(|path| match std::fs::File::create(&path) {
                Ok(file) => Ok((path, file)),
                Err(e) => Err(format!("cannot write {}: {e}", path.display())),
            })
            .transpose()
        };
        let outputs = Outputs {
            history: create(history)?,
            trace: create(trace)?,
        };
        // One file by two names (`h` and `./h`) would hold the trace over the history's tail.
        if let (Some((h, _)), Some((t, _))) = (&outputs.history, &outputs.trace) {
            if h == t || std::fs::canonicalize(h).ok() == std::fs::canonicalize(t).ok() {
                return Err(format!(
                    "--history {} and --trace {} are one file; give each its own",
                    h.display(),
                    t.display()
                ));
            }
        }
        Ok(outputs)
    }

    /// Whether the trace's records must be kept.
    fn keeps_trace(&self) -> bool {
        self.trace.is_some()
    }

    fn write(self, sim: &Simulation) -> Result<(), String> {
        fn fill(
            output: Option<(PathBuf, std::fs::File)>,
            text: impl FnOnce(&mut String) -> std::fmt::Result,
        ) -> Result<(), String> {
            use std::io::Write as _;
            let Some((path, mut file)) = output else {
                return Ok(());
            };
            let mut written = String::new();
            text(&mut written).expect("writing to a string");
            file.write_all(written.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        fill(self.history, |text| sim.history.write_edn(text))?;
        fill(self.trace, |text| {
            trace::write_json_lines(&sim.trace.records, text)
        })
    }
}

fn run(
    seed: Option<u64>,
    history: Option<PathBuf>,
    trace: Option<PathBuf>,
    scenario: Option<PathBuf>,
    lincheck: LincheckArgs,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    if let Some(source) = scenario {
        return run_scenario(&source, seed, history, trace, lincheck, cluster);
    }
    let seed = seed.ok_or("run needs --seed S (or --scenario FILE)")?;
    let options = cluster.options()?;
    let outputs = Outputs::create(history, trace)?;
    let started = Instant::now();
    let ran = catching(|| swarm::run(&options, seed, outputs.keeps_trace()));
    let (sim, report) = match ran {
        Ok(ran) => ran.map_err(|e| e.to_string())?,
        Err(message) => {
            say!("seed {seed}: PANICKED: {message}");
            return Ok(ExitCode::from(1));
        }
    };
    let checked = Checked::new(&sim, report, lincheck);
    let Ok(report) = &checked.run else {
        unreachable!("a finished run")
    };
    let wall = started.elapsed().as_secs_f64();
    outputs.write(&sim)?;
    let mix = report.mix;
    say!(
        "seed {seed}: {} nodes, loss {}, duplicate {}, reorder {}, latency {}-{} ms, crashes {}, cuts {}{}, partitions {}, freezes {}, aimed at elections {}, aimed at leaders {}, leaders stranded {}, {} entries per append, {} clients{}{}",
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
        mix.freezes,
        mix.targeted,
        mix.strikes,
        mix.strandings,
        mix.max_entries_per_append,
        mix.clients,
        if mix.client_faults {
            " on faulty links"
        } else {
            ""
        },
        match mix.lease_drift_percent {
            Some(drift) if options.raft.check_quorum => {
                format!(", lease reads (clock-drift bound {drift}%)")
            }
            Some(drift) => format!(
                ", lease reads (clock-drift bound {drift}%, so CheckQuorum on for this seed)"
            ),
            None => String::new(),
        }
    );
    say!(
        "simulated {:.1} s, {}, operations {}, trace digest {:016x}; {:.3} s wall",
        report.sim_ms as f64 / 1000.0,
        tally::activity(&report.stats, report.commits),
        report.operations,
        report.trace_digest,
        wall
    );
    match &report.outcome {
        Outcome::Ok => say!("safe, and converged after healing"),
        Outcome::Unsafe(violations) => {
            for v in violations {
                say!("UNSAFE at {} ms: {}", v.time_ms, v.text);
            }
        }
        Outcome::NoConvergence => say!(
            "safe, but did not converge within {} ms of healing",
            swarm::heal_limit_ms(&options.raft)
        ),
        Outcome::NoLeader { .. } => say!("NO LEADER: {}", no_leader_text(&report.outcome)),
    }
    if let Some(history) = &checked.history {
        history.print(lincheck.allow_inconclusive);
    }
    Ok(if checked.failed(lincheck.allow_inconclusive) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `--scenario` name that reads the scenario from standard input (`… | river run
/// --scenario -`); messages call it [`STDIN_NAME`].
const STDIN: &str = "-";
/// How messages name a scenario read from standard input: "<stdin>: line 3: …".
const STDIN_NAME: &str = "<stdin>";
/// The longest scenario `river` reads: 16 MiB, thousands of times a long one (the longest
/// shipped is 3 KB). `--scenario /dev/zero` read until memory ran out.
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a scenario file (or standard input) as text. A byte that is not UTF-8 is named by
/// its line and column, as any other scenario error is. A file that is not there, named like
/// a built-in scenario or tour, gets the nearest name suggested.
fn read_scenario(path: &Path, source: &str) -> Result<String, String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    // At most one byte past the limit, so `/dev/zero` or an endless pipe ends.
    let most = MAX_SCENARIO_BYTES + 1;
    let read = if path == Path::new(STDIN) {
        std::io::stdin().lock().take(most).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(most).read_to_end(&mut bytes))
    };
    let _: usize = read.map_err(|e| {
        let mut message = format!("cannot read scenario {source}: {e}");
        if e.kind() == std::io::ErrorKind::NotFound {
            let tours: Vec<String> = TOURS.iter().map(|(n, _, _)| format!("tour:{n}")).collect();
            let names = BUILT_IN.iter().map(|(n, _)| *n);
            if let Some(name) = nearest(source, names.chain(tours.iter().map(|t| &**t))) {
                let _ = write!(message, "; did you mean the built-in '{name}'?");
            }
        }
        message
    })?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(format!(
            "{source} is longer than {} MiB, the most a scenario may be (is it a scenario?)",
            MAX_SCENARIO_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        format!(
            "{source}: line {line}, column {}: not UTF-8 text; save the file as UTF-8",
            valid.len() - line_start + 1
        )
    })
}

fn run_scenario(
    path: &Path,
    seed: Option<u64>,
    history: Option<PathBuf>,
    trace: Option<PathBuf>,
    lincheck: LincheckArgs,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    // The name to print: a file name that is not UTF-8 as best it can be shown.
    let source = match path.to_string_lossy() {
        name if name == STDIN => std::borrow::Cow::Borrowed(STDIN_NAME),
        name => name,
    };
    let source = &*source;
    let name = path.to_str().unwrap_or("");
    let text = match (built_in(name), name.strip_prefix("tour:")) {
        (Some(text), _) => text.to_string(),
        (None, Some(name)) => {
            let names: Vec<&str> = TOURS.iter().map(|(n, _, _)| *n).collect();
            tour(name)
                .ok_or_else(|| {
                    format!(
                        "no tour named '{name}'{} (tours: {})",
                        did_you_mean(name, names.iter().copied()),
                        names.join(", ")
                    )
                })?
                .1
                .to_string()
        }
        (None, None) => read_scenario(path, source)?,
    };
    let mut scenario = Scenario::parse(&text).map_err(|e| format!("{source}: {e}"))?;
    if scenario.steps.is_empty() {
        // Like `--seeds 0`: nothing would run, so "every expectation held" would mean nothing.
        return Err(format!(
            "{source}: no instruction to play (only settings, comments or blank lines); scenarios/README.md lists them"
        ));
    }
    if let Some(seed) = seed {
        scenario.config.seed = seed;
    }
    cluster.refuse_repeated_bugs()?;
    for bug in &cluster.bugs {
        scenario.config.raft.bugs.set(*bug, true);
    }
    scenario.config.raft.pre_vote |= cluster.prevote;
    scenario.config.raft.check_quorum |= cluster.checkquorum;
    scenario.config.client_sessions &= !cluster.no_sessions;
    let expects_violation = scenario.expects_violation();
    let expects_stale_read = scenario.expects_stale_read();
    let outputs = Outputs::create(history, trace)?;
    let mut sim = Player::simulation(&scenario);
    sim.trace.keep = outputs.keeps_trace();
    let steps = scenario.tour();
    let played = catching(|| {
        // A tour prints each step's caption as it begins; `pause` is passed over.
        let mut player = Player::new(scenario);
        let mut sim = Told {
            sim: &mut sim,
            text: &text,
        };
        for (k, step) in steps.iter().enumerate() {
            player.run_to_step(&mut sim, k)?;
            say!(
                "step {}/{} at {:.1} s (line {}): {}",
                k + 1,
                steps.len(),
                sim.sim.now_ms() as f64 / 1000.0,
                step.line,
                step.caption
            );
        }
        player.run_to_end(&mut sim)
    });
    let result = match played {
        Ok(result) => result,
        Err(message) => {
            say!("scenario {source}: PANICKED: {message}");
            return Ok(ExitCode::from(1));
        }
    };
    if result.is_err() && past_limits(&sim).is_some() {
        // Too much to run, as a wait past the hour is: bad input, not a problem found.
        let e = result.expect_err("checked");
        return Err(format!("{source}: {e}"));
    }
    outputs.write(&sim)?;
    say!(
        "scenario {source}: simulated {:.1} s, {}, violations {}",
        sim.now_ms() as f64 / 1000.0,
        tally::activity(&sim.stats, sim.checker.committed_len()),
        sim.checker.violation_count()
    );
    for v in sim.checker.violations() {
        say!("violation at {} ms: {}", v.time_ms, v.text);
    }
    let mut ok = true;
    match result {
        Ok(()) => say!("every expectation held"),
        Err(e) => {
            say!("{source}: {e}");
            ok = false;
        }
    }
    // A scenario that demonstrates a bug says so with `expect violation`; any other
    // scenario that breaks a property, or whose clients saw a non-linearizable history,
    // found a problem.
    let safe = sim.checker.violation_count() == 0;
    if !safe && !expects_violation {
        say!("{source}: the checker found violations the scenario does not expect");
        ok = false;
    }
    if !sim.history.ops.is_empty() {
        let history = HistoryVerdict::of(&sim, lincheck);
        history.print(lincheck.allow_inconclusive);
        if (history.not_linearizable() && !expects_violation && !expects_stale_read)
            || (history.inconclusive() && !lincheck.allow_inconclusive)
        {
            ok = false;
        }
        // `expect stale read` claims the history is not linearizable: the search must agree.
        if expects_stale_read && !history.not_linearizable() {
            say!("{source}: the scenario expects a stale read, but the client history is not shown non-linearizable");
            ok = false;
        }
    } else if expects_stale_read {
        say!("{source}: the scenario expects a stale read, but no client operation ran");
        ok = false;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The simulation as `run --scenario` plays it: a step the simulation did not do is printed
/// with its line and why, as it happens (`remove A` of the last voter, `add` while a change
/// is in flight); it used to pass without a word.
struct Told<'a> {
    sim: &'a mut Simulation,
    /// The scenario's text, to quote the refused line.
    text: &'a str,
}

impl Driver for Told<'_> {
    fn sim(&self) -> &Simulation {
        self.sim
    }
    fn sim_mut(&mut self) -> &mut Simulation {
        self.sim
    }
    fn input(&mut self, input: Input) -> Result<(), String> {
        input.apply(self.sim)
    }
    fn step_until(&mut self, limit_ms: u64) -> bool {
        self.sim.step_until(limit_ms)
    }
    fn run_until(&mut self, time_ms: u64) {
        self.sim.run_until(time_ms);
    }
    fn refused(&mut self, line: usize, why: String) {
        let instruction = river_sim::scenario::instruction(self.text, line);
        say!(
            "line {line}: {instruction} refused at {:.1} s: {why}",
            self.sim.now_ms() as f64 / 1000.0
        );
    }
}
