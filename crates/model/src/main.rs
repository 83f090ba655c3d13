//! `river-model`: model-check the real river-core deeper than CI does.
//!
//! ```text
//! cargo run --release -p river-model -- --max-term 3     # the whole bounded space
//! cargo run --release -p river-model -- --depth 20 --in-flight 3
//! cargo run --release -p river-model -- --bug figure8-commit --max-term 4 --log-len 2 \
//!     --proposals 0 --restarts 0
//! cargo run --release -p river-model -- --bounds erratum --bug config-change-before-noop
//! cargo run --release -p river-model -- --bounds reads --depth 18 --bug read-without-heartbeat
//! cargo run --release -p river-model -- --bounds snapshots --bug snapshot-keeps-conflicting-log
//! cargo run --release -p river-model -- --bounds replication --bug truncate-on-stale-append
//! cargo run --release -p river-model -- --bounds replication --depth 7 \
//!     --bug commit-from-next-index
//! ```
//!
//! Prints the states explored, the depth reached and the time taken, then every
//! counterexample found, step by step. Exits 0 when every property held over the bounded
//! space, 1 if a safety property broke or `--timeout-secs` stopped the search short (what
//! was not explored is undecided), 2 for bad options — a bug the model cannot show at all
//! (`stale-read`, `lease-without-drift-bound`, `election-timer-once`) or cannot show within
//! the bounds asked (a read bug without reads, a snapshot bug without compaction) among them, since "held" would say nothing.

use river_core::{Bug, BugSet};
use river_model::checker::{self, Bounds, RaftModel, RunOptions};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: river-model [options]
  --bounds NAME           start from a named space, then apply the options below:
                          small (default), four-terms, erratum (4 voters, a learner,
                          promote and remove), three-four-three, reads (A leads term 1,
                          two reads; explore it with --depth), replication (A leads
                          term 1, two commands), snapshots (replication and one
                          compaction)
  --depth N               longest path explored (default: the whole bounded space)
  --max-term N            highest term an election may reach (default 2)
  --proposals N           client commands over the run (default 1)
  --restarts N            crash-restarts over the run (default 1)
  --reads N               linearizable reads over the run (default 0; 2 with reads)
  --compactions N         snapshots servers take over the run (default 0; 1 with
                          snapshots)
  --in-flight N           most distinct messages in flight (default 2)
  --log-len N             longest log explored (default 3)
  --entries-per-append N  entries per AppendEntries (default 1)
  --nodes N               servers, 1 to 3 (default 3; not with --bounds erratum or
                          three-four-three)
  --no-drops              the network never loses a message
  --no-duplicates         the network never duplicates a message
  --no-heartbeats         leaders never resend on a heartbeat
  --drops, --cuts, --no-cuts, --answers-at-once, --answers-later, --newest-per-link
                          switch the other network bounds (see `Bounds`)
  --everyone-campaigns    every server's election timer may fire (the erratum bounds
                          let only A and B campaign)
  --bug NAME              switch on a broken variant (repeatable), e.g. figure8-commit,
                          forget-vote, no-up-to-date-check, config-change-before-noop,
                          read-without-heartbeat (with reads),
                          snapshot-keeps-conflicting-log (with snapshots),
                          truncate-on-stale-append, commit-from-next-index
  --threads N             worker threads (default: all cores)
  --timeout-secs N        stop after N seconds (a search stopped short exits 1: the
                          rest of the space is undecided)
  --dfs                   depth first: little memory, long counterexamples
  --keep-going            explore everything even after a property breaks";

/// What `parse` returns for `--help`: not an error, so usage goes to stdout with status 0.
const HELP: &str = "help";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok((model, options)) => {
            println!("checking {:?} with bugs {:?}", model.bounds, model.bugs);
            let outcome = checker::run(model, &options);
            print!("{outcome}");
            if outcome.broken().is_empty() && !outcome.timed_out {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) if message == HELP => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(RaftModel, RunOptions), String> {
    let mut bounds = Bounds::small();
    let mut bugs = BugSet::NONE;
    let mut options = RunOptions {
        max_depth: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        timeout: None,
        stop_at_first_failure: true,
        progress_every: Some(Duration::from_secs(10)),
        depth_first: false,
    };
    while let Some(flag) = args.next() {
        let mut number = || -> Result<u64, String> {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            value
                .parse()
                .map_err(|_| format!("{flag}: `{value}` is not a number"))
        };
        match flag.as_str() {
            "--depth" => options.max_depth = Some(number()? as usize),
            "--max-term" => bounds.max_term = number()?,
            "--proposals" => bounds.max_proposals = number()? as u32,
            "--restarts" => bounds.max_restarts = number()? as u32,
            "--reads" => bounds.max_reads = number()? as u32,
            "--compactions" => bounds.max_compactions = number()? as u32,
            "--in-flight" => bounds.max_in_flight = number()? as usize,
            "--log-len" => bounds.max_log_len = number()? as usize,
            "--entries-per-append" => bounds.max_entries_per_append = number()?.max(1) as usize,
            "--bounds" => {
                let name = args.next().ok_or("--bounds needs a name")?;
                bounds = match name.as_str() {
                    "small" => Bounds::small(),
                    "four-terms" => Bounds::four_terms(),
                    "erratum" => Bounds::erratum(),
                    "three-four-three" => Bounds::three_four_three(),
                    "reads" => Bounds::reads(),
                    "replication" => Bounds::replication(),
                    "snapshots" => Bounds::snapshots(),
                    _ => return Err(format!("no bounds named `{name}`")),
                };
            }
            "--nodes" => {
                let nodes = number()? as usize;
                if !(1..=checker::MAX_MODEL_CLUSTER_SIZE).contains(&nodes) || !bounds.symmetric() {
                    return Err(format!(
                        "--nodes {nodes}: the model takes 1 to 3, and not for the erratum or three-four-three bounds"
                    ));
                }
                bounds.cluster_size = nodes;
            }
            "--threads" => options.threads = number()?.max(1) as usize,
            "--timeout-secs" => options.timeout = Some(Duration::from_secs(number()?)),
            "--no-drops" => bounds.drops = false,
            "--no-duplicates" => bounds.duplicates = false,
            "--no-heartbeats" => bounds.heartbeats = false,
            "--everyone-campaigns" => bounds.campaigners = None,
            "--drops" => bounds.drops = true,
            "--cuts" => bounds.cuts = true,
            "--no-cuts" => bounds.cuts = false,
            "--answers-at-once" => bounds.answers_at_once = true,
            "--answers-later" => bounds.answers_at_once = false,
            "--newest-per-link" => bounds.newest_per_link = true,
            "--dfs" => options.depth_first = true,
            "--keep-going" => options.stop_at_first_failure = false,
            "--bug" => {
                let name = args.next().ok_or("--bug needs a name")?;
                let bug = Bug::from_name(&name).ok_or(format!("no bug named `{name}`"))?;
                bugs.set(bug, true);
            }
            "-h" | "--help" => return Err(HELP.to_string()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    for bug in bugs.iter() {
        if let Some(why) = out_of_reach(bug, &bounds) {
            return Err(format!("--bug {}: {why}", bug.name()));
        }
    }
    Ok((RaftModel::new(bounds, bugs), options))
}

/// Why the model cannot show `bug` within `bounds`, if it cannot: a check that "held" would
/// then say nothing about it.
fn out_of_reach(bug: Bug, bounds: &Bounds) -> Option<&'static str> {
    match bug {
        Bug::StaleRead => Some(
            "the simulator's key-value store answers the read from its own state; the core, which the model drives, has no part in it",
        ),
        Bug::LeaseWithoutDriftBound => Some(
            "lease reads need CheckQuorum and clocks, which the model leaves out",
        ),
        Bug::ElectionTimerOnce => Some(
            "a liveness bug (no leader is ever elected); the model checks safety, and fires election timers by hand",
        ),
        Bug::ReadWithoutHeartbeat if bounds.max_reads == 0 => {
            Some("needs reads: --bounds reads, or --reads N")
        }
        Bug::SnapshotKeepsConflictingLog if bounds.max_compactions == 0 => {
            Some("needs snapshots: --bounds snapshots, or --compactions N")
        }
        _ => None,
    }
}
