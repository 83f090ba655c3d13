//! `river check`'s progress on standard error while its seeds run: how many are done, how
//! fast, how many failed and how long the rest should take. A long check was silent until
//! its summary. As cargo's progress bar does, it shows by itself only on a terminal (redrawn
//! in place, and wiped before the summary); `--progress` asks for it elsewhere, a line at a
//! time for a log. Standard output's report is the same with it or without.

use clap::{Args, ValueEnum};
use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::numbers;

/// How often progress is told on a terminal, where it is redrawn in place.
const TERMINAL_EVERY_MS: u64 = 1_000;
/// How often progress is told anywhere else, a line each time: a log of an hour's check
/// gets 360 lines, not 3,600.
const LOG_EVERY_MS: u64 = 10_000;
/// The longest `--progress-ms` takes: an hour (a longer wait is no progress report).
const MAX_PROGRESS_MS: u64 = 3_600_000;

/// When `river check` tells its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum When {
    /// When standard error is a terminal.
    Auto,
    /// Always: a line at a time when standard error is no terminal.
    Always,
    /// Never.
    Never,
}

/// The flags of `river check` that ask for progress.
#[derive(Args, Clone, Copy)]
pub struct ProgressArgs {
    /// Tell progress on standard error as seeds finish: seeds done, seeds a second, failures
    /// and violations so far, time left. `auto`: only when standard error is a terminal
    /// (redrawn in place); `always` (or `--progress` alone): on a log too, a line at a time;
    /// `never`. Standard output is the same either way.
    #[arg(
        long,
        value_name = "WHEN",
        value_enum,
        default_value_t = When::Auto,
        num_args = 0..=1,
        default_missing_value = "always"
    )]
    progress: When,
    /// How often progress is told, in ms (each second on a terminal, every 10 seconds on a
    /// log unless given; at most 3600000).
    #[arg(long, value_name = "MS", value_parser = parse_progress_ms)]
    progress_ms: Option<u64>,
}

/// Reads `--progress-ms`: from 1 to [`MAX_PROGRESS_MS`].
fn parse_progress_ms(text: &str) -> Result<u64, String> {
    match numbers::whole_u64(text)? {
        0 => Err(String::from(
            "progress every 0 ms would tell nothing else; give at least 1",
        )),
        n if n > MAX_PROGRESS_MS => Err(format!("at most {MAX_PROGRESS_MS} (an hour), not {n}")),
        n => Ok(n),
    }
}

/// How progress is shown, once decided from the flags and standard error.
#[derive(Clone, Copy)]
struct Shown {
    every: Duration,
    /// Redrawn in place (a terminal), not a line at a time.
    in_place: bool,
}

/// The seeds finished so far, counted by the workers as each finishes.
#[derive(Default)]
pub struct Finished {
    done: AtomicU64,
    failed: AtomicU64,
    violations: AtomicU64,
}

impl Finished {
    /// Counts one finished seed (from any worker).
    pub fn seed(&self, failed: bool, violations: u64) {
        self.failed.fetch_add(u64::from(failed), Ordering::Relaxed);
        self.violations.fetch_add(violations, Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// The seeds' progress, told by the thread that waits for the workers.
pub struct Progress {
    /// Seeds asked for.
    total: u64,
    started: Instant,
    shown: Option<Shown>,
    /// When the next report is due.
    next: Instant,
    /// Whether a line drawn in place is on the terminal now.
    drawn: bool,
}

impl ProgressArgs {
    /// Refuses `--progress-ms` with `--progress never`: it would do nothing.
    pub fn validate(&self) -> Result<(), String> {
        if self.progress == When::Never && self.progress_ms.is_some() {
            return Err(String::from(
                "--progress-ms does nothing with --progress never; give one or the other",
            ));
        }
        Ok(())
    }
}

impl Progress {
    /// Progress of `total` seeds starting now, shown as `args` and standard error say.
    pub fn new(args: ProgressArgs, total: u64) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let shown = match args.progress {
            When::Never => None,
            When::Auto if !terminal => None,
            When::Auto | When::Always => Some(Shown {
                every: Duration::from_millis(args.progress_ms.unwrap_or(if terminal {
                    TERMINAL_EVERY_MS
                } else {
                    LOG_EVERY_MS
                })),
                in_place: terminal,
            }),
        };
        let started = Instant::now();
        Progress {
            total,
            started,
            shown,
            next: started + shown.map_or(Duration::ZERO, |s| s.every),
            drawn: false,
        }
    }

    /// How long to wait before [`Progress::tell`] has something to say (a long time if it
    /// never will).
    pub fn due_in(&self) -> Duration {
        match self.shown {
            Some(_) => self.next.saturating_duration_since(Instant::now()),
            None => Duration::from_secs(3_600),
        }
    }

    /// Tells the progress if a report is due.
    pub fn tell(&mut self, finished: &Finished) {
        let Some(shown) = self.shown else { return };
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + shown.every;
        let line = self.line(finished, now.duration_since(self.started));
        // Progress is an extra: a standard error that cannot be written is no reason to stop.
        let mut err = std::io::stderr().lock();
        let _ = if shown.in_place {
            self.drawn = true;
            write!(err, "\r\x1b[K{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }

    /// Wipes a line drawn in place, so the summary starts on a clean line.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }

    /// The report: "river check: 1200 of 5000 seeds (24.0%), 400 seeds/s, 0 failed,
    /// 0 violations, about 10 s left".
    fn line(&self, finished: &Finished, elapsed: Duration) -> String {
        let done = finished.done.load(Ordering::Relaxed);
        let failed = finished.failed.load(Ordering::Relaxed);
        let violations = finished.violations.load(Ordering::Relaxed);
        let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
        let left = if done == 0 {
            String::from("time left not known yet")
        } else {
            let seconds = (self.total - done) as f64 / rate;
            format!("about {} left", duration_text(seconds))
        };
        format!(
            "river check: {done} of {} seeds ({:.1}%), {rate:.0} seeds/s, {failed} failed, {violations} {}, {left}",
            self.total,
            done as f64 * 100.0 / self.total as f64,
            crate::elections::plural(violations, "violation", "violations"),
        )
    }
}

/// A time left in the largest unit that says it: "40 s", "12 min", "3 h", "12 days".
fn duration_text(seconds: f64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 60.0 * MINUTE;
    const DAY: f64 = 24.0 * HOUR;
    if seconds < MINUTE {
        format!("{:.0} s", seconds.max(1.0))
    } else if seconds < HOUR {
        format!("{:.0} min", seconds / MINUTE)
    } else if seconds < DAY {
        format!("{:.1} h", seconds / HOUR)
    } else {
        format!("{:.0} days", seconds / DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn time_left_is_told_in_the_unit_that_says_it() {
        assert_eq!(duration_text(0.2), "1 s");
        assert_eq!(duration_text(42.0), "42 s");
        assert_eq!(duration_text(720.0), "12 min");
        assert_eq!(duration_text(3.5 * 3600.0), "3.5 h");
        assert_eq!(duration_text(1e9), "11574 days");
    }
}
