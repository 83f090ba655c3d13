//! `river`: run, check and replay River Raft simulations from the command line.
//!
//! Exit status: 0 when every run is safe (and converged, with a linearizable client
//! history; a scenario that says `expect violation` or `expect stale read` must show that
//! instead), 1 when a run broke a property or an expectation, panicked, or (unless
//! `--allow-inconclusive`) left its linearizability undecided, 2 for bad input (unknown
//! flag, bad scenario line, impossible config); 141 when the reader of its output went away
//! (`river check | head`), quietly; 130 when Ctrl-C stopped `river check` early with nothing
//! found in the seeds it checked.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use river_core::Bug;
use std::path::PathBuf;
use std::process::ExitCode;

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

mod catching;
mod check;
mod checked;
mod elections;
mod flags;
mod interrupt;
mod numbers;
mod progress;
mod run;
mod scenario;
mod tally;

use check::check;
use flags::{refuse_flags_scenarios_ignore, ClusterArgs, LincheckArgs};
use run::run;

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
expectation); 2 for bad input (a flag, a value, a scenario line); 130 when Ctrl-C stopped
`check` before its last seed with no problem found in the seeds it checked (its summary
says which; a second Ctrl-C stops it at once). The scenario language: scenarios/README.md.";

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
    /// every run's client history for linearizability. Ctrl-C stops it after the seeds
    /// under way and prints the summary of the seeds checked.
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
        #[command(flatten)]
        progress: progress::ProgressArgs,
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
        /// Panics once the run's clock (a scenario's or a seed's) reaches this many ms, to
        /// show what a run that panics writes.
        #[arg(long, hide = true, value_name = "MS", value_parser = numbers::whole_u64)]
        panic_at_ms: Option<u64>,
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
            progress,
        } => check(
            seeds,
            first_seed,
            lincheck,
            panic_at_seed,
            &cluster,
            progress,
        ),
        Command::Run {
            seed,
            history,
            trace,
            scenario,
            panic_at_ms,
            lincheck,
            cluster,
        } => {
            let files = run::Files {
                history,
                trace,
                panic_at_ms,
            };
            match matches.subcommand_matches("run") {
                Some(run_flags) if scenario.is_some() => refuse_flags_scenarios_ignore(run_flags)
                    .and_then(|()| run(seed, files, scenario, lincheck, &cluster)),
                _ => run(seed, files, scenario, lincheck, &cluster),
            }
        }
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
