//! `river check`: many seeds on all cores, a summary, and the failures with the command that
//! replays each.

use river_sim::swarm::{self, Outcome};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::checked::{no_leader_text, Checked};
use crate::flags::{ClusterArgs, LincheckArgs};
use crate::interrupt;
use crate::progress::{Finished, Progress, ProgressArgs};
use crate::tally::{self, Tally};

pub fn check(
    seeds: u64,
    first_seed: u64,
    lincheck: LincheckArgs,
    panic_at_seed: Option<u64>,
    cluster: &ClusterArgs,
    progress_args: ProgressArgs,
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
    progress_args.validate()?;
    let started = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8) as u64;
    let mut progress = Progress::new(progress_args, seeds);
    // Each worker takes the next seed not yet taken, counts it as it finishes and keeps
    // only what the summary prints; this thread tells the progress while they work.
    // After a Ctrl-C no worker takes another seed, so the seeds checked are the lowest ones,
    // every one of them finished.
    let interrupted = interrupt::on_ctrl_c();
    let next = AtomicU64::new(0);
    let finished = Finished::default();
    let tally = std::thread::scope(|scope| {
        let (send_tally, tallies) = mpsc::channel();
        for _ in 0..workers {
            let (options, next, finished, send_tally, interrupted) = (
                &options,
                &next,
                &finished,
                send_tally.clone(),
                &*interrupted,
            );
            scope.spawn(move || {
                let mut tally = Tally::default();
                while !interrupted.load(Ordering::SeqCst) {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= seeds {
                        break;
                    }
                    let checked = Checked::seed(options, first_seed + k, lincheck, panic_at_seed);
                    let counts = tally.add(checked, lincheck.allow_inconclusive);
                    finished.seed(counts.failed == 1, counts.violations);
                }
                send_tally.send(tally).expect("the summing thread waits");
            });
        }
        drop(send_tally);
        let mut all = Tally::default();
        let mut told_interrupted = false;
        loop {
            // Awake at least every tenth of a second, to answer a Ctrl-C.
            match tallies.recv_timeout(progress.due_in().min(Duration::from_millis(100))) {
                Ok(tally) => all.merge(tally),
                Err(RecvTimeoutError::Timeout) => progress.tell(&finished),
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if interrupted.load(Ordering::SeqCst) && !told_interrupted {
                told_interrupted = true;
                progress.finish();
                eprintln!("river: interrupted; finishing the seeds under way (Ctrl-C again stops at once)");
            }
        }
        all
    });
    progress.finish();
    // Seeds taken, all of them finished (a worker takes one more number to find none left).
    let checked = next.load(Ordering::SeqCst).min(seeds);
    assert_eq!(tally.counts.runs, checked, "every seed taken was counted");
    let stopped_early = checked < seeds;
    if stopped_early {
        if checked == 0 {
            say!("interrupted before any seed was checked");
        } else {
            say!(
                "interrupted: seeds {first_seed} to {} checked, {checked} of the {seeds} asked; the rest were not run",
                first_seed + (checked - 1)
            );
        }
    }
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
    Ok(if counts.failed > 0 {
        ExitCode::from(1)
    } else if stopped_early {
        ExitCode::from(interrupt::INTERRUPTED_STATUS)
    } else {
        ExitCode::SUCCESS
    })
}
