//! `river run --seed`: the run `check` makes for one seed, told in full, with its trace and
//! client history written to files.

use river_sim::swarm::{self, Outcome};
use river_sim::trace;
use river_sim::Simulation;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::catching::catching;
use crate::checked::{no_leader_text, Checked};
use crate::flags::{ClusterArgs, LincheckArgs};
use crate::scenario::run_scenario;
use crate::tally;

/// The files `run` writes, created before it runs: a path that cannot be written is bad
/// input found at once, not after the run (which used to lose the run's verdict to status 2).
pub struct Outputs {
    history: Option<(PathBuf, std::fs::File)>,
    trace: Option<(PathBuf, std::fs::File)>,
}

impl Outputs {
    /// Creates the files, refusing first a file that is `input` (the scenario file: `--trace
    /// s.scenario` wrote the trace over the scenario it played) and `-` (it made a file named
    /// `-`, where `--scenario -` means standard input).
    pub fn create(
        history: Option<PathBuf>,
        trace: Option<PathBuf>,
        input: Option<&Path>,
    ) -> Result<Outputs, String> {
        for (flag, path) in [("--history", &history), ("--trace", &trace)] {
            let Some(path) = path else { continue };
            if path == Path::new("-") {
                return Err(format!(
                    "{flag} takes a file name, not -: standard output holds the report"
                ));
            }
            if input.is_some_and(|input| same_file(input, path)) {
                return Err(format!(
                    "{flag} {} is the scenario file, which it would write over; give it a file of its own",
                    path.display()
                ));
            }
        }
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

    /// Where the trace goes, if anywhere.
    pub fn trace_path(&self) -> Option<&Path> {
        self.trace.as_ref().map(|(path, _)| path.as_path())
    }

    /// Whether the trace's records must be kept.
    pub fn keeps_trace(&self) -> bool {
        self.trace.is_some()
    }

    /// What a run stopped at a scenario's limit says of its files, with a leading "; ": they
    /// hold the run up to the limit, not all of it.
    pub fn cut_at_limit(&self) -> String {
        self.held("up to there, cut at the limit")
            .map_or(String::new(), |held| format!("; {held}"))
    }

    /// What a run that panicked at `time_ms` says of its files: they hold what was
    /// recorded up to the panic. `None` when it writes none.
    pub fn cut_at_panic(&self, time_ms: u64) -> Option<String> {
        self.held(&format!(
            "up to the panic at {:.1} s",
            time_ms as f64 / 1000.0
        ))
    }

    /// "--trace T and --history H hold the run {until}".
    fn held(&self, until: &str) -> Option<String> {
        let named = |flag: &str, output: &Option<(PathBuf, std::fs::File)>| {
            output
                .as_ref()
                .map(|(path, _)| format!("{flag} {}", path.display()))
        };
        let files: Vec<String> = [
            named("--trace", &self.trace),
            named("--history", &self.history),
        ]
        .into_iter()
        .flatten()
        .collect();
        match files.len() {
            0 => None,
            1 => Some(format!("{} holds the run {until}", files[0])),
            _ => Some(format!("{} hold the run {until}", files.join(" and "))),
        }
    }

    pub fn write(self, sim: &Simulation) -> Result<(), String> {
        fn fill(
            output: Option<(PathBuf, std::fs::File)>,
            text: impl FnOnce(&mut ToFile) -> std::fmt::Result,
        ) -> Result<(), String> {
            use std::io::Write as _;
            let Some((path, file)) = output else {
                return Ok(());
            };
            let mut out = ToFile {
                file: std::io::BufWriter::new(file),
                error: None,
            };
            let written = match text(&mut out) {
                Ok(()) => out.file.flush(),
                Err(_) => Err(out.error.take().expect("only the file fails")),
            };
            written.map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        fill(self.history, |text| sim.history.write_edn(text))?;
        fill(self.trace, |text| {
            trace::write_json_lines(&sim.trace.records, text)
        })
    }
}

/// Whether `a` and `b` name one file that exists, by whatever path (`./s`, a symbolic link,
/// on Unix another hard link).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    let id = |p: &Path| {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
    };
    #[cfg(not(unix))]
    let id = |p: &Path| std::fs::canonicalize(p).ok();
    id(a).is_some() && id(a) == id(b)
}

/// Text written straight into a file, through a buffer: a trace of 4 million records (the
/// most a scenario keeps, 330 MB of JSON lines) was built whole in memory first, and took
/// the run from 285 MB to 607 MB at its peak. `fmt::Write` carries no error, so the file's
/// first one is kept here.
struct ToFile {
    file: std::io::BufWriter<std::fs::File>,
    error: Option<std::io::Error>,
}

impl std::fmt::Write for ToFile {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        use std::io::Write as _;
        self.file.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// What `run` writes, and a panic it may be asked to force.
pub struct Files {
    /// `--history`.
    pub history: Option<PathBuf>,
    /// `--trace`.
    pub trace: Option<PathBuf>,
    /// `--panic-at-ms` (hidden): the run (a scenario's or a seed's) panics once its clock
    /// reaches this.
    pub panic_at_ms: Option<u64>,
}

pub fn run(
    seed: Option<u64>,
    files: Files,
    scenario: Option<PathBuf>,
    lincheck: LincheckArgs,
    cluster: &ClusterArgs,
) -> Result<ExitCode, String> {
    if let Some(source) = scenario {
        return run_scenario(&source, seed, files, lincheck, cluster);
    }
    let Files {
        history,
        trace,
        panic_at_ms,
    } = files;
    let seed = seed.ok_or("run needs --seed S (or --scenario FILE)")?;
    let options = cluster.options()?;
    let outputs = Outputs::create(history, trace, None)?;
    let started = Instant::now();
    // The simulation is built outside the caught closure, so what it recorded is still
    // here when the run panics.
    let (mut sim, plan) =
        swarm::start(&options, seed, outputs.keeps_trace()).map_err(|e| e.to_string())?;
    sim.panic_at_ms = panic_at_ms;
    let report = match catching(|| plan.play(&mut sim)) {
        Ok(report) => report,
        Err(message) => {
            // A panic is a problem found (status 1). What was recorded up to it is written
            // (the files were left empty), and standard error says they stop there.
            say!("seed {seed}: PANICKED: {message}");
            let cut = outputs.cut_at_panic(sim.now_ms());
            outputs.write(&sim)?;
            if let Some(cut) = cut {
                eprintln!("river: {cut}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let checked = Checked::new(&sim, report, lincheck);
    let Ok(report) = &checked.run else {
        unreachable!("a finished run")
    };
    let wall = started.elapsed().as_secs_f64();
    // A trace past the most a run keeps holds the run's beginning; the verdict is the whole
    // run's, and is printed as ever.
    let trace_cut = outputs
        .trace_path()
        .filter(|_| sim.trace.dropped > 0)
        .map(|path| {
            format!(
                "--trace {} holds the run's first {} records, cut at the most a run keeps; the {} after them are not in it (the verdict is the whole run's)",
                path.display(),
                sim.trace.records.len(),
                sim.trace.dropped
            )
        });
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
    if let Some(note) = trace_cut {
        eprintln!("river: {note}");
    }
    Ok(if checked.failed(lincheck.allow_inconclusive) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
