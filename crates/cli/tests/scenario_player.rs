//! What `river run --scenario` tells the person who wrote the scenario: a line the simulation
//! refused, a scenario too large to run, the word they meant, a scenario on standard input.
//! Each test runs the built binary.

mod common;
use common::{river, river_at_a_terminal, river_with_input};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

/// Plays scenario `text` from a file of its own.
fn play(name: &str, text: &str) -> (i32, String, String) {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.scenario"));
    std::fs::write(&path, text).unwrap();
    river(&["run", "--scenario", path.to_str().unwrap()])
}

/// A line the simulation does not do is printed with its line and why, as it happens; a
/// `remove` of the last voter, an `add` while a change is in flight, a transfer from a
/// server that does not lead used to pass without a word. A refusal fails nothing: the
/// expectations decide.
#[test]
fn a_refused_line_is_printed_with_why() {
    let (code, out, err) = play(
        "remove-last-voter",
        "nodes 1\ntimeout A\nwait leader A within 1000\nwait 200\nremove A  # the only voter\nwait 100\nexpect A leader\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("line 5: remove A refused at 0.2 s: leader A says it would leave no voter"),
        "{out}"
    );
    let (code, out, err) = play(
        "refusals",
        "nodes 3\ntimeout A\nwait leader A within 1000\nwait 200\nadd D\nadd E\ntransfer B C\ncrash C\ncrash C\nrestart A\nthaw A\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    for line in [
        "line 6: add E refused at 0.2 s: leader A says another change is not committed yet",
        "line 7: transfer B C refused at 0.2 s: B does not lead (A does, as far as it knows)",
        "line 9: crash C refused at 0.2 s: C is down already",
        "line 10: restart A refused at 0.2 s: A is running",
        "line 11: thaw A refused at 0.2 s: A is not frozen",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert_eq!(out.matches(" refused ").count(), 5, "{out}");
}

/// A scenario too large to run is bad input (status 2) named at its line: waits past an hour
/// in all, clients past 10 client-hours (both before anything runs), and, while it runs, 20
/// million events or 100,000 messages on the wire. 100 clients waiting an hour reached
/// 2.7 GB; no latency and every message duplicated, 23 GB in a simulated minute.
#[test]
fn a_scenario_too_large_to_run_is_refused_at_its_line() {
    let (code, out, err) = play("hours", "nodes 3\ntimeout A\nwait 3600000\nwait 1\n");
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "nothing ran: {out}");
    assert!(
        err.contains(
            "line 4: the waits add up to 3600001 ms here, and a scenario runs at most 3600000 ms"
        ),
        "{err}"
    );
    let (code, out, err) = play(
        "clients",
        "nodes 5\nclients 100\ntimeout A\nwait leader within 1000\nwait 360000\n",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "nothing ran: {out}");
    assert!(
        err.contains(
            "line 5: the waits add up to 361000 ms here, and 100 clients may run at most 360000 ms"
        ),
        "{err}"
    );
    let (code, out, err) = play(
        "storm",
        "nodes 15\nheartbeat 1\nelection-timeout 2 4\nlatency 0 0\nduplicate 0.5\ntimeout A\nwait 30000\n",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("storm.scenario: line 7: at ")
            && err.contains("more than a scenario may put there (100000)"),
        "{err}"
    );
    let (code, out, err) = play(
        "busy",
        "nodes 15\nheartbeat 1\nelection-timeout 2 4\ntimeout A\nwait 3600000\n",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("line 5: at ") && err.contains("processed 20000000 events"),
        "{err}"
    );
    // Its trace kept to be written, it stops sooner: 20 million events took past 4 GB. (The
    // 330 MB it holds up to there go to /dev/null, not to a file left in target/.)
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("busy.scenario");
    let args = [
        "run",
        "--scenario",
        path.to_str().unwrap(),
        "--trace",
        "/dev/null",
    ];
    let (code, out, err) = river(&args);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("more than a scenario may keep (4000000"),
        "{err}"
    );
}

/// A scenario stopped at a limit leaves its `--trace` and `--history` holding the run up to
/// there (they came out empty), and its message says they were cut at the limit. Here the
/// wire's limit: 100,000 messages in flight, reached at 6.9 s, 0.15 s of wall time.
#[test]
fn files_of_a_scenario_stopped_at_a_limit_hold_the_run_up_to_it() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("crowded-wire.scenario");
    std::fs::write(
        &path,
        "nodes 15\nclients 2\nheartbeat 1\nelection-timeout 20000 20000\nlatency 2000 2000\nduplicate 0.9\ntimeout A\nwait 30000\n",
    )
    .unwrap();
    let (trace, history) = (dir.join("crowded.jsonl"), dir.join("crowded.edn"));
    let (code, out, err) = river(&[
        "run",
        "--scenario",
        path.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("more than a scenario may put there (100000)")
            && err.contains(&format!(
                "; --trace {} and --history {} hold the run up to there, cut at the limit",
                trace.display(),
                history.display()
            )),
        "{err}"
    );
    let trace = std::fs::read_to_string(&trace).unwrap();
    let records: Vec<serde_json::Value> = trace
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON record"))
        .collect();
    // More than the wire's limit of sends, each a record, all before the 6.9 s it stopped at.
    assert!(records.len() > 100_000, "{}", records.len());
    let last_ms = records.last().unwrap()["t"].as_u64().unwrap();
    assert!((6_000..7_000).contains(&last_ms), "{last_ms}");
    let history = std::fs::read_to_string(&history).unwrap();
    assert!(
        history.lines().count() > 2 && history.starts_with("{:process "),
        "{history}"
    );
    // One file alone is named alone.
    let (code, _, err) = river(&[
        "run",
        "--scenario",
        path.to_str().unwrap(),
        "--trace",
        "/dev/null",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("; --trace /dev/null holds the run up to there, cut at the limit"),
        "{err}"
    );
}

/// An unknown word gets the nearest known one suggested, in a scenario and on the command
/// line alike; a word near none gets no guess.
#[test]
fn an_unknown_word_gets_the_nearest_known_one() {
    for (text, said) in [
        (
            "nodes 3\ntimout A\n",
            "line 2, column 1: unknown instruction 'timout'; did you mean 'timeout'?",
        ),
        (
            "nodse 3\n",
            "unknown instruction 'nodse'; did you mean 'nodes'?",
        ),
        (
            "nodes 3\nbug figure8commit\n",
            "no bug named 'figure8commit'; did you mean 'figure8-commit'?",
        ),
        ("nodes 3\nreads lese\n", "did you mean 'lease'?"),
        (
            "nodes 3\ntimeout A\nexpect A leder\n",
            "cannot expect 'leder' of a node; did you mean 'leader'?",
        ),
        (
            "nodes 3\ntimeout A\nexpect violation log-matchng\n",
            "did you mean 'log-matching'?",
        ),
    ] {
        let (code, out, err) = river_with_input(&["run", "--scenario", "-"], text);
        assert_eq!(code, 2, "{text}: {out}{err}");
        assert!(err.contains(said), "{text}: {err}");
    }
    let (code, _, err) = river_with_input(&["run", "--scenario", "-"], "nodes 3\nfrobnicate\n");
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    for (args, said) in [
        (
            &["check", "--seeds", "1", "--bug", "figure8commit"][..],
            "did you mean 'figure8-commit'?",
        ),
        (
            &["run", "--scenario", "tour:electoin"],
            "no tour named 'electoin'; did you mean 'election'?",
        ),
        (
            &["run", "--scenario", "partiton"],
            "did you mean the built-in 'partition'?",
        ),
        (
            &["run", "--scenario", "tour-lease"],
            "did you mean the built-in 'tour:lease'?",
        ),
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
}

/// `--scenario -` plays the scenario on standard input, and its errors and refusals name
/// `<stdin>` and the line.
#[test]
fn a_scenario_is_read_from_standard_input() {
    let text = "nodes 3\ntimeout A\nwait leader A within 1000\nexpect A leader\n";
    let (code, out, err) = river_with_input(&["run", "--scenario", "-"], text);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.is_empty(), "a pipe gets no word about Ctrl-D: {err}");
    assert!(out.contains("scenario <stdin>: simulated"), "{out}");
    assert!(out.contains("every expectation held"), "{out}");
    let (code, out, err) = river_with_input(&["run", "--scenario", "-"], "nodes 3\ncrash Q\n");
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("river: <stdin>: line 2, column 7:"), "{err}");
    let (code, out, err) = river_with_input(
        &["run", "--scenario", "-"],
        "nodes 3\ntimeout A\nexpect B leader\n",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("<stdin>: line 3: expected B to be leader"),
        "{out}"
    );
    let (code, out, err) = river_with_input(&["run", "--scenario", "-"], "");
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("<stdin>: no instruction to play"), "{err}");
}

/// A named pipe plays as a file does (`river run --scenario FIFO`): read to its end, no size
/// asked of it first (a pipe has none), and one without end stops at 16 MiB as
/// `/dev/zero` does. Each pipe is made with `mkfifo` and written by a thread.
#[test]
fn a_named_pipe_is_read_to_its_end_and_at_most_16_mib() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (name, endless) in [("pipe-scenario", false), ("pipe-endless", true)] {
        let fifo = dir.join(name);
        let _ = std::fs::remove_file(&fifo);
        let made = Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // No mkfifo here.
        }
        let path = fifo.clone();
        let writer = std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            if endless {
                let line = "wait 1\n".repeat(1 << 10);
                // Until river stops reading (the pipe closes), or well past the limit.
                for _ in 0..(20 << 20) / line.len() {
                    if pipe.write_all(line.as_bytes()).is_err() {
                        break;
                    }
                }
            } else {
                pipe.write_all(b"nodes 3\ntimeout A\nwait leader A within 1000\nexpect A leader\n")
                    .unwrap();
            }
        });
        let (code, out, err) = river(&["run", "--scenario", fifo.to_str().unwrap()]);
        writer.join().unwrap();
        if endless {
            assert_eq!(code, 2, "{out}{err}");
            assert!(err.contains("is longer than 16 MiB"), "{err}");
        } else {
            assert_eq!(code, 0, "{out}{err}");
            assert!(out.contains("every expectation held"), "{out}");
        }
    }
}

/// `--scenario -` on a terminal says how the scenario ends (Ctrl-D): it waited without a
/// word, and looked stuck. util-linux's `script` gives it a terminal, whose input ends at
/// once here.
#[test]
fn a_scenario_typed_at_a_terminal_is_told_how_to_end() {
    let Some((code, shown)) = river_at_a_terminal("run --scenario -") else {
        return; // No `script` here: nothing to run a terminal with.
    };
    assert_eq!(code, Some(2), "{shown}");
    assert!(
        shown.starts_with("river: reading the scenario from the terminal; end it with Ctrl-D"),
        "{shown}"
    );
    assert!(shown.contains("<stdin>: no instruction to play"), "{shown}");
}
