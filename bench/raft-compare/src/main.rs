//! # raft-compare: river-core against raft-rs on one workload
//!
//! Runs river-core and raft-rs (crate `raft` 0.7) through the identical workload in one
//! process and prints microseconds per committed entry for each, with the ratio. A cell is a
//! cluster size (3 or 5 voters) and a batch size (1 or 64 proposals made before messages are
//! exchanged). In every cell, for each library:
//!
//! - all voters live in one thread; a message is delivered by calling the receiver's step
//!   function, so no time is spent on a network;
//! - the first node is elected leader before the clock starts;
//! - `--entries` 8-byte commands are proposed to the leader, `batch` at a time; after each
//!   batch every node's output is drained — persisted to memory first (raft-rs:
//!   `MemStorage`; river-core: a Vec-backed disk receiving the hard state and the log
//!   suffix), then its messages delivered, then its committed entries applied to a hashing
//!   state machine — until no node has output and no message is in flight;
//! - one heartbeat round then tells the followers the final commit index;
//! - the clock stops, and every node must have applied every command in order (and, for
//!   river-core, every log and disk must equal the leader's log).
//!
//! Each cell is measured `--runs` times, the libraries interleaved, and the best run is
//! reported. The exit status is 1 if river-core is not at least [`TARGET_RATIO`] times
//! faster than raft-rs in some cell.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod raft_rs;
mod river;
mod workload;

use raft_rs::{RaftRsCluster, RaftRsConfig};
use river::RiverCluster;
use std::process::ExitCode;
use workload::{run, Measurement, COMMAND_BYTES};

/// The cells of the table: (voters, proposals per batch).
const CELLS: [(usize, usize); 4] = [(3, 1), (5, 1), (3, 64), (5, 64)];
/// Committed entries per run, unless `--entries` says otherwise.
const DEFAULT_ENTRIES: u64 = 100_000;
/// Runs per cell and library, unless `--runs` says otherwise; the best one counts.
const DEFAULT_RUNS: usize = 7;
/// How many times raft-rs's time per entry river-core must beat, in every cell.
const TARGET_RATIO: f64 = 2.0;

/// One contestant: a library with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// raft-rs with the given configuration.
    RaftRs(RaftRsConfig),
    /// river-core with `[u8; 8]` commands.
    River,
    /// river-core with `Vec<u8>` commands: a heap allocation per command, as raft-rs has.
    RiverVec,
}

/// Every contestant, in the order each round measures them.
const SIDES: [Side; 4] = [
    Side::RaftRs(RaftRsConfig::Matched),
    Side::River,
    Side::RaftRs(RaftRsConfig::Defaults),
    Side::RiverVec,
];

impl Side {
    /// One timed run of this side in the cell (`voters`, `batch`).
    fn measure(self, voters: usize, batch: usize, entries: u64) -> Measurement {
        match self {
            Side::RaftRs(config) => run::<RaftRsCluster>(voters, batch, entries, &config),
            Side::River => run::<RiverCluster<[u8; COMMAND_BYTES]>>(voters, batch, entries, &()),
            Side::RiverVec => run::<RiverCluster<Vec<u8>>>(voters, batch, entries, &()),
        }
    }
}

/// The best run of one side in one cell.
#[derive(Clone, Copy, Debug)]
struct Best {
    /// Microseconds per committed entry.
    micros_per_entry: f64,
    /// Messages delivered per committed entry.
    messages_per_entry: f64,
}

/// Command-line settings.
struct Args {
    /// Committed entries per run.
    entries: u64,
    /// Runs per cell and side.
    runs: usize,
}

/// Printed for `--help` and after a bad argument.
const USAGE: &str = "usage: raft-compare [--entries N] [--runs N]";

/// Reads the command line. `Err("")` means help was asked for.
fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        entries: DEFAULT_ENTRIES,
        runs: DEFAULT_RUNS,
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = words.next().ok_or(format!("{name} needs a number"))?;
            match value.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{name} needs a positive number, not {value:?}")),
            }
        };
        match flag.as_str() {
            "--entries" => args.entries = number("--entries")?,
            "--runs" => args.runs = number("--runs")? as usize,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("raft-compare: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if cfg!(debug_assertions) {
        eprintln!("raft-compare: a debug build; numbers mean little (use --release)");
    }

    // best[cell][side]
    let mut best: Vec<Vec<Option<Best>>> = vec![vec![None; SIDES.len()]; CELLS.len()];
    for _ in 0..args.runs {
        for (cell, &(voters, batch)) in CELLS.iter().enumerate() {
            for (side, contestant) in SIDES.iter().enumerate() {
                let m = contestant.measure(voters, batch, args.entries);
                let this = Best {
                    micros_per_entry: m.elapsed.as_secs_f64() * 1e6 / args.entries as f64,
                    messages_per_entry: m.messages as f64 / args.entries as f64,
                };
                let slot = &mut best[cell][side];
                if !matches!(slot, Some(b) if b.micros_per_entry <= this.micros_per_entry) {
                    *slot = Some(this);
                }
            }
        }
    }
    let get = |cell: usize, side: Side| -> Best {
        let index = SIDES
            .iter()
            .position(|s| *s == side)
            .expect("a listed side");
        best[cell][index].expect("measured")
    };

    println!(
        "river-core vs raft-rs 0.7: µs per committed entry, best of {} runs of {} entries, \
         {COMMAND_BYTES}-byte commands",
        args.runs, args.entries
    );
    println!(
        "one thread, messages delivered in-process, storage in memory, applied on every node\n"
    );
    println!(
        "{:>6} {:>5} {:>10} {:>11} {:>7}   messages/entry (raft-rs, river-core)",
        "voters", "batch", "raft-rs", "river-core", "ratio"
    );
    let mut missed = Vec::new();
    for (cell, &(voters, batch)) in CELLS.iter().enumerate() {
        let raft = get(cell, Side::RaftRs(RaftRsConfig::Matched));
        let river = get(cell, Side::River);
        let ratio = raft.micros_per_entry / river.micros_per_entry;
        if ratio < TARGET_RATIO {
            missed.push(format!("{voters} voters, batch {batch}"));
        }
        println!(
            "{voters:>6} {batch:>5} {:>10.3} {:>11.3} {ratio:>6.1}x   {:.3}, {:.3}",
            raft.micros_per_entry,
            river.micros_per_entry,
            raft.messages_per_entry,
            river.messages_per_entry,
        );
    }

    println!(
        "\nthe same workload, other configurations (ratio = raft-rs time / river-core time)\n"
    );
    println!(
        "{:>6} {:>5} {:>17} {:>7}   {:>19} {:>7}",
        "voters", "batch", "raft-rs defaults", "ratio", "river-core Vec<u8>", "ratio"
    );
    for (cell, &(voters, batch)) in CELLS.iter().enumerate() {
        let raft = get(cell, Side::RaftRs(RaftRsConfig::Matched));
        let raft_defaults = get(cell, Side::RaftRs(RaftRsConfig::Defaults));
        let river = get(cell, Side::River);
        let river_vec = get(cell, Side::RiverVec);
        println!(
            "{voters:>6} {batch:>5} {:>17.3} {:>6.1}x   {:>19.3} {:>6.1}x",
            raft_defaults.micros_per_entry,
            raft_defaults.micros_per_entry / river.micros_per_entry,
            river_vec.micros_per_entry,
            raft.micros_per_entry / river_vec.micros_per_entry,
        );
    }
    println!(
        "\n  raft-rs           batch_append, 1 MiB per message, skip_bcast_commit: the messages \
         river-core sends\n  raft-rs defaults  Config::default(): one entry per append, a \
         commit broadcast per advance\n  river-core        [u8; 8] commands; Vec<u8>: one heap \
         allocation per command, as in raft-rs"
    );

    if missed.is_empty() {
        println!("\ntarget met: river-core at least {TARGET_RATIO}x raft-rs in every cell");
        ExitCode::SUCCESS
    } else {
        println!(
            "\ntarget MISSED ({TARGET_RATIO}x) in: {}",
            missed.join("; ")
        );
        ExitCode::FAILURE
    }
}
