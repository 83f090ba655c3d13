//! `river run --scenario`: a scenario file, standard input, a built-in scenario or a tour,
//! read, played and judged against its expectations.

use river_sim::nearest::{did_you_mean, nearest};
use river_sim::scenario::{built_in, past_limits, tour, Player, Scenario, BUILT_IN, TOURS};
use river_sim::timeline::{Driver, Input};
use river_sim::Simulation;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::catching::catching;
use crate::checked::HistoryVerdict;
use crate::flags::{ClusterArgs, LincheckArgs};
use crate::run::{Files, Outputs};
use crate::tally;

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
    use std::io::{IsTerminal as _, Read as _};
    let mut bytes = Vec::new();
    // At most one byte past the limit, so `/dev/zero` or an endless pipe ends.
    let most = MAX_SCENARIO_BYTES + 1;
    let read = if path == Path::new(STDIN) {
        // Typed at a terminal, the scenario ends with Ctrl-D; without a word river looked
        // stuck.
        if std::io::stdin().is_terminal() {
            eprintln!("river: reading the scenario from the terminal; end it with Ctrl-D");
        }
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

pub fn run_scenario(
    path: &Path,
    seed: Option<u64>,
    files: Files,
    lincheck: LincheckArgs,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    let Files {
        history,
        trace,
        panic_at_ms,
    } = files;
    // The name to print: a file name that is not UTF-8 as best it can be shown.
    let source = match path.to_string_lossy() {
        name if name == STDIN => std::borrow::Cow::Borrowed(STDIN_NAME),
        name => name,
    };
    let source = &*source;
    let name = path.to_str().unwrap_or("");
    // The file the scenario was read from, which no output may write over.
    let mut read_from = None;
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
        (None, None) => {
            read_from = Some(path).filter(|p| *p != Path::new(STDIN));
            read_scenario(path, source)?
        }
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
    let outputs = Outputs::create(history, trace, read_from)?;
    let mut sim = Player::simulation(&scenario);
    sim.trace.keep = outputs.keeps_trace();
    let steps = scenario.tour();
    let played = catching(|| {
        // A tour prints each step's caption as it begins; `pause` is passed over.
        let mut player = Player::new(scenario);
        let mut sim = Told {
            sim: &mut sim,
            text: &text,
            panic_at_ms,
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
            // A panic is a problem found (status 1). What was recorded up to it is written
            // (the files were left empty), and standard error says they stop there.
            say!("scenario {source}: PANICKED: {message}");
            let cut = outputs.cut_at_panic(sim.now_ms());
            outputs.write(&sim)?;
            if let Some(cut) = cut {
                eprintln!("river: {cut}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    if result.is_err() && past_limits(&sim).is_some() {
        // Too much to run, as a wait past the hour is: bad input, not a problem found. The
        // files hold the run up to the limit (they were left empty), and the message says
        // they stop there.
        let e = result.expect_err("checked");
        let cut = outputs.cut_at_limit();
        outputs.write(&sim)?;
        return Err(format!("{source}: {e}{cut}"));
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
    /// `--panic-at-ms`: the run panics at its first step at or after this moment.
    panic_at_ms: Option<u64>,
}

impl Told<'_> {
    /// Panics if `--panic-at-ms` asked for it by now: the clock can move on only through
    /// [`Driver::step_until`] and [`Driver::run_until`], which stop at that moment.
    fn panic_if_asked(&self) {
        if let Some(ms) = self.panic_at_ms {
            assert!(
                self.sim.now_ms() < ms,
                "panic injected by --panic-at-ms {ms}"
            );
        }
    }
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
        self.panic_if_asked();
        let limit = limit_ms.min(self.panic_at_ms.unwrap_or(u64::MAX));
        let stepped = self.sim.step_until(limit);
        if !stepped && limit < limit_ms {
            // Nothing happens before the moment asked: the clock goes there, and panics.
            self.sim.run_until(limit);
            self.panic_if_asked();
        }
        stepped
    }
    fn run_until(&mut self, time_ms: u64) {
        self.panic_if_asked();
        let limit = time_ms.min(self.panic_at_ms.unwrap_or(u64::MAX));
        self.sim.run_until(limit);
        self.panic_if_asked();
    }
    fn refused(&mut self, line: usize, why: String) {
        let instruction = river_sim::scenario::instruction(self.text, line);
        say!(
            "line {line}: {instruction} refused at {:.1} s: {why}",
            self.sim.now_ms() as f64 / 1000.0
        );
    }
}
