//! `river`'s exit status tells the truth: 0 when everything checked held, 1 when a check
//! found a problem (a violation, a non-linearizable or undecided history, a panicking seed,
//! a failed expectation), 2 for bad input. Each test runs the built binary.

use std::path::PathBuf;
mod common;
use common::river;
use std::process::Command;

/// Writes `text` to a scenario file of its own in the target directory.
fn scenario_file(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}.scenario"));
    std::fs::write(&path, text).unwrap();
    path
}

fn figure8() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/figure8.scenario"
    ))
    .unwrap()
}

#[test]
fn a_scenario_whose_expectations_hold_exits_0() {
    let (code, out, _) = river(&["run", "--scenario", "partition"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every expectation held"), "{out}");
    // Figure 8 has no clients: its history has no operation, on one key, and says so.
    let (code, out, _) = river(&["run", "--scenario", "figure8"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("client history linearizable: 0 operations on 1 key checked"),
        "{out}"
    );
}

/// The issue's own example: Figure 8 with the bug switched on breaks properties the script
/// does not expect, and says so.
#[test]
fn a_scenario_with_unexpected_violations_exits_1() {
    let (code, out, _) = river(&["run", "--scenario", "figure8", "--bug", "figure8-commit"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("violation at"), "{out}");
    assert!(out.contains("does not expect"), "{out}");
    // The same with the bug set inside the file.
    let text = figure8().replacen(
        "entries-per-append 1",
        "entries-per-append 1\nbug figure8-commit",
        1,
    );
    let path = scenario_file("figure8-bug", &text);
    let (code, out, _) = river(&["run", "--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_scenario_that_expects_its_violation_exits_0() {
    let text = figure8() + "expect violation leader-completeness\n";
    let path = scenario_file("figure8-expects", &text);
    let file = path.to_str().unwrap();
    let (code, out, _) = river(&["run", "--scenario", file, "--bug", "figure8-commit"]);
    assert_eq!(code, 0, "{out}");
    // Without the bug the expectation fails: that is a problem found.
    let (code, out, _) = river(&["run", "--scenario", file]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("but the run is safe"), "{out}");
}

/// `expect stale read` says the clients' history is meant not to be linearizable: the lease
/// tour (correct Raft, a paused leader) exits 0, and the same claim made of a history the
/// search finds linearizable exits 1.
#[test]
fn a_scenario_that_expects_its_stale_read_exits_0() {
    let (code, out, _) = river(&["run", "--scenario", "tour:lease"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("NOT LINEARIZABLE"), "{out}");
    let text = "nodes 3\nlatency 10 10\ntimeout A\nwait leader A within 1000\npropose A x=1\nwait 100\nread A x\nwait 100\nexpect stale read x\n";
    let path = scenario_file("fresh-read-expects-stale", text);
    let (code, out, _) = river(&["run", "--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("line 9: expected the last read of x to be stale"),
        "{out}"
    );
    assert!(out.contains("not shown non-linearizable"), "{out}");
}

#[test]
fn bad_input_exits_2_and_names_it() {
    let path = scenario_file("bad-line", "nodes 3\ncrash Q\n");
    let (code, _, err) = river(&["run", "--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("line 2"), "{err}");
    let (code, _, err) = river(&["check", "--seeds", "1", "--no-such-flag"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = river(&["check", "--seeds", "1", "--nodes", "0"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = river(&["check", "--seeds", "1", "--bug", "no-such-bug"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = river(&["run", "--scenario", "no/such/file"]);
    assert_eq!(code, 2, "{err}");
}

/// A scenario file that is not UTF-8 is bad input that names the line and column of its
/// first bad byte, as any other scenario error does; it used to say only "stream did not
/// contain valid UTF-8", leaving the reader to hunt for it.
#[test]
fn a_scenario_that_is_not_utf8_names_its_line() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("latin1.scenario");
    std::fs::write(&path, b"nodes 3\ntimeout A\npropose A caf\xe9=1\n").unwrap();
    let (code, out, err) = river(&["run", "--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("line 3, column 14"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
}

/// The flags that shape `check`'s runs say nothing to a scenario, which sets its own
/// cluster: given with `--scenario` they are refused with where to set them instead. They
/// used to be ignored without a word (`--nodes 3`, even `--nodes 0`, played 5 servers).
#[test]
fn flags_a_scenario_ignores_are_refused() {
    for (flag, value, hint) in [
        ("--nodes", "3", "nodes N"),
        ("--nodes", "0", "nodes N"),
        (
            "--election-timeout-min-ms",
            "100",
            "election-timeout MIN MAX",
        ),
        (
            "--election-timeout-max-ms",
            "400",
            "election-timeout MIN MAX",
        ),
        ("--heartbeat-ms", "20", "heartbeat MS"),
        ("--fault-ms", "5000", "wait MS"),
    ] {
        let (code, out, err) = river(&["run", "--scenario", "partition", flag, value]);
        assert_eq!(code, 2, "{flag} {value}: {out}{err}");
        assert!(out.is_empty(), "{flag}: nothing runs: {out}");
        assert!(err.contains(flag) && err.contains(hint), "{flag}: {err}");
    }
    let (code, out, err) = river(&["run", "--scenario", "partition", "--no-liveness"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--no-liveness"), "{err}");
    // Those that do apply still do, with the seed.
    let args = [
        "run",
        "--scenario",
        "partition",
        "--seed",
        "2",
        "--no-sessions",
        "--max-search-steps",
        "5000",
    ];
    let (code, out, err) = river(&args);
    assert_eq!(code, 0, "{out}{err}");
}

/// An output file that cannot be written is bad input found before the run: it used to be
/// found after it, so a tour's captions were printed and then the run's verdict was lost to
/// status 2 (a failed expectation never said so). Two outputs cannot share one file.
#[test]
fn an_output_that_cannot_be_written_is_refused_before_the_run() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let missing = dir.join("no-such-dir").join("trace.jsonl");
    let missing = missing.to_str().unwrap();
    for args in [
        &["run", "--scenario", "tour:election", "--trace", missing][..],
        &["run", "--scenario", "partition", "--history", missing],
        &["run", "--seed", "1", "--nodes", "3", "--trace", missing],
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: nothing ran: {out}");
        assert!(err.contains(missing), "{args:?}: {err}");
    }
    let same = dir.join("same.out");
    let same = same.to_str().unwrap();
    let args = [
        "run",
        "--scenario",
        "partition",
        "--trace",
        same,
        "--history",
        same,
    ];
    let (code, out, err) = river(&args);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("are one file"), "{err}");
    // The same file by another name, too: the trace was written over the history's start.
    let last = dir.file_name().unwrap().to_str().unwrap();
    let other = format!("{}/../{last}/same.out", dir.display());
    let args = [
        "run",
        "--scenario",
        "partition",
        "--trace",
        same,
        "--history",
        &other,
    ];
    let (code, out, err) = river(&args);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("are one file"), "{err}");
}

/// A linearizability budget of 0 steps cannot decide any history: it is bad input, not a
/// problem found (it used to fail every run with operations as "inconclusive", status 1).
#[test]
fn a_search_budget_of_0_is_bad_input() {
    for args in [
        &["check", "--seeds", "1", "--max-search-steps", "0"][..],
        &["run", "--scenario", "partition", "--max-search-steps", "0"],
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("--max-search-steps"), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    let (code, out, err) = river(&["run", "--scenario", "partition", "--max-search-steps", "1"]);
    assert_eq!(code, 1, "1 step is a budget, too small here: {out}{err}");
}

/// A file name need not be UTF-8 (on Unix a name is bytes): such a scenario plays and such
/// outputs are written. They used to be refused as "invalid UTF-8 was detected in one or
/// more arguments", with no word on which.
#[test]
fn file_names_that_are_not_utf8_are_read_and_written() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let scenario = dir.join(OsStr::from_bytes(b"caf\xe9.scenario"));
    std::fs::write(
        &scenario,
        "nodes 3\ntimeout A\nwait leader\nexpect A leader\n",
    )
    .unwrap();
    let trace = dir.join(OsStr::from_bytes(b"caf\xe9.jsonl"));
    let _ = std::fs::remove_file(&trace);
    let out = Command::new(env!("CARGO_BIN_EXE_river"))
        .arg("run")
        .arg("--scenario")
        .arg(&scenario)
        .arg("--trace")
        .arg(&trace)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("caf\u{fffd}.scenario"),
        "named as best it can be: {text}"
    );
    assert!(std::fs::metadata(&trace).unwrap().len() > 0);
}

/// A scenario with no instruction (an empty file, `/dev/null`, settings and comments only)
/// plays nothing, so nothing held: bad input, as `--seeds 0` is. It used to exit 0 with
/// "every expectation held".
#[test]
fn a_scenario_with_no_instruction_is_refused() {
    for (name, text) in [
        ("empty", ""),
        ("settings-only", "# a cluster\nnodes 3\nseed 4\n\n"),
    ] {
        let path = scenario_file(name, text);
        let (code, out, err) = river(&["run", "--scenario", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains("no instruction"), "{name}: {err}");
        assert!(out.is_empty(), "{name}: {out}");
    }
    let path = scenario_file("one-wait", "nodes 3\nwait 10\n");
    let (code, out, err) = river(&["run", "--scenario", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A negative number is a bad value for the flag it follows, named as such; clap used to
/// read `-5` as an unknown flag ("unexpected argument '-5' found").
#[test]
fn a_negative_number_is_named_with_its_flag() {
    for args in [
        ["check", "--seeds", "-5"],
        ["run", "--seed", "-1"],
        ["elections", "--heartbeat", "-5"],
    ] {
        let (code, out, err) = river(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains(&format!("invalid value '{}' for '{}", args[2], args[1])),
            "{args:?}: {err}"
        );
    }
}

/// A seed range that is empty or runs past the last seed is bad input, named, not a
/// vacuous success (`--seeds 0` used to exit 0 having checked nothing) nor an overflow
/// panic (status 101).
#[test]
fn a_seed_range_that_checks_nothing_or_overflows_exits_2() {
    let (code, out, err) = river(&["check", "--seeds", "0"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--seeds 0"), "{err}");
    let last = u64::MAX.to_string();
    let (code, out, err) = river(&["check", "--seeds", "2", "--first-seed", &last]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("past the last seed"), "{err}");
    // The last seed itself can be checked.
    let args = [
        "check",
        "--seeds",
        "1",
        "--first-seed",
        &last,
        "--nodes",
        "3",
    ];
    let (code, out, err) = river(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("runs 1,"), "{out}");
}

/// Timings past what the swarm can run are bad input, named: a longest election timeout of
/// 2^64 − 1 ms overflowed (status 101) and a fault phase as long never came back; a
/// heartbeat of 0 ms is named as such (it was "0 ms must be shorter than … 150 ms").
#[test]
fn impossible_timings_exit_2_and_name_the_flag() {
    let max = u64::MAX.to_string();
    for args in [
        ["check", "--seeds", "1", "--election-timeout-max-ms", &max],
        ["check", "--seeds", "1", "--fault-ms", &max],
        ["run", "--seed", "1", "--fault-ms", &max],
    ] {
        let (code, out, err) = river(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(args[3]), "{args:?}: {err}");
    }
    let (code, _, err) = river(&["check", "--seeds", "1", "--heartbeat-ms", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at least 1 ms"), "{err}");
}

#[test]
fn a_clean_check_exits_0() {
    let (code, out, _) = river(&["check", "--seeds", "40"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("runs 40,"), "{out}");
    assert!(out.contains("violations 0"), "{out}");
    let (code, out, _) = river(&["run", "--seed", "3"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("client history linearizable"), "{out}");
}

/// A seed whose run panics is that seed's failure, named with its replay command; the
/// other seeds still run and are counted.
#[test]
fn a_panicking_seed_is_reported_as_its_failure() {
    let (code, out, err) = river(&["check", "--seeds", "30", "--panic-at-seed", "17"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("runs 30,"), "{out}");
    assert!(out.contains("panicked 1,"), "{out}");
    assert!(
        out.contains("seed 17: PANICKED: panicked at") && out.contains("injected"),
        "{out}"
    );
    assert!(out.contains("replay: river run --seed 17 "), "{out}");
    assert!(
        !err.contains("panicked"),
        "the caught panic is not printed twice: {err}"
    );
    // A panic is shown first, but the first catch is still the lowest seed that failed
    // (it named the panicking seed, so a panic late in the range moved the first catch).
    let args = [
        "check",
        "--seeds",
        "5",
        "--nodes",
        "3",
        "--bug",
        "stale-read",
    ];
    let (code, out, _) = river(&[&args[..], &["--panic-at-seed", "5"]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seed 5: PANICKED"), "{out}");
    assert!(out.contains("stale-read first caught at seed 1 "), "{out}");
}

/// A search that gives up proves nothing: it fails the run unless allowed, and its
/// operations are not counted as linearizable.
#[test]
fn an_inconclusive_history_fails_unless_allowed() {
    let tiny = ["--max-search-steps", "3"];
    let (code, out, _) = river(&[&["check", "--seeds", "5"][..], &tiny].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("inconclusive 5;"), "{out}");
    assert!(out.contains("linearizable ops 0,"), "{out}");
    assert!(out.contains("INCONCLUSIVE"), "{out}");
    assert!(
        out.contains("--max-search-steps 3"),
        "the replay keeps the budget: {out}"
    );
    let allowed = [
        &["check", "--seeds", "5", "--allow-inconclusive"][..],
        &tiny,
    ]
    .concat();
    let (code, out, _) = river(&allowed);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("linearizable ops 0,"), "{out}");
    let (code, out, _) = river(&[&["run", "--seed", "2"][..], &tiny].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("fails unless --allow-inconclusive"), "{out}");
}

/// The broken store without client sessions is a problem found, and its replay command
/// keeps the flag; the replayed seed fails alone too.
#[test]
fn the_store_without_sessions_is_caught() {
    let (code, out, _) = river(&["check", "--seeds", "150", "--no-sessions"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(": NOT LINEARIZABLE"), "{out}");
    let replay = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: river "))
        .expect("a replay command");
    assert!(replay.contains("--no-sessions"), "{replay}");
    // Without the output files: the flags before `--trace`.
    let args: Vec<&str> = replay
        .split(" --trace")
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let (code, out, _) = river(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT LINEARIZABLE"), "{out}");
}

/// `river check | head`: when the reader of its output goes away, `river` stops quietly
/// with the status a shell gives a process ended by SIGPIPE (141), not a panic (101).
#[test]
fn a_closed_pipe_ends_river_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_river"))
        .args(["check", "--seeds", "2", "--nodes", "3", "--fault-ms", "500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the river binary runs");
    // The reader goes before the first line is written (a check prints only at its end).
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("river ends");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(
        stderr.is_empty(),
        "a closed pipe is not an error to report: {stderr}"
    );
}

/// Standard output that cannot be written (a full disk) is said in a line, with status 2 as
/// for a `--trace` file that cannot be written; it used to be a panic, status 101 and a
/// backtrace.
#[test]
fn output_that_cannot_be_written_is_said_not_panicked() {
    let Ok(full) = std::fs::File::create("/dev/full") else {
        return; // Not Linux: no device that is always full.
    };
    let output = Command::new(env!("CARGO_BIN_EXE_river"))
        .arg("bugs")
        .stdout(full)
        .output()
        .expect("the river binary runs");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("river: cannot write the output: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The trace, written straight into its file as it is made, says so too.
    let (code, _, err) = river(&["run", "--seed", "3", "--trace", "/dev/full"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("river: cannot write /dev/full: "), "{err}");
}

/// `river bugs` lists every broken variant, its name set apart from its sentence (names
/// longer than the column once ran into it: "config-change-before-noopA new leader").
#[test]
fn bugs_lists_every_variant_apart_from_its_sentence() {
    let (code, out, _) = river(&["bugs"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), river_core::Bug::ALL.len());
    for (line, bug) in lines.iter().zip(river_core::Bug::ALL) {
        let rest = line
            .strip_prefix(bug.name())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(rest.starts_with("  "), "{line}");
        assert_eq!(rest.trim_start(), bug.description());
    }
}

/// A number a flag cannot take says what is wrong with it (negative, a fraction or a unit,
/// too large, nothing): each used to be "invalid digit found in string", "number too large
/// to fit in target type" or "cannot parse integer from empty string". A negative time in
/// a range was "unexpected argument '-5' found".
#[test]
fn a_wrong_number_says_what_is_wrong_with_it() {
    for (args, said) in [
        (
            &["run", "--seed", "-1"][..],
            "'-1' for '--seed <SEED>': a negative number",
        ),
        (
            &["check", "--seeds", "1", "--nodes", "-3"],
            "'-3' for '--nodes <NODES>': a negative number",
        ),
        (
            &["check", "--seeds", "1.5"],
            "digits only: no sign, point, exponent or unit",
        ),
        (&["check", "--seeds", "10ms"], "digits only"),
        (
            &["check", "--seeds", ""],
            "give a whole number from 0 to 18446744073709551615",
        ),
        (
            &["run", "--seed", "99999999999999999999"],
            "more than 18446744073709551615, the largest it can be",
        ),
        (
            &["check", "--seeds", "1", "--max-search-steps", "-1"],
            "a negative number",
        ),
        (
            &["elections", "--trial", "-1"],
            "'-1' for '--trial <K>': a negative number",
        ),
        (&["elections", "--seed", "1e3"], "digits only"),
        (
            &["elections", "--timeout", "-5-10"],
            "'-5-10': a time in ms is never negative",
        ),
        (
            &["elections", "--latency", "-1-5"],
            "a time in ms is never negative",
        ),
        (
            &["elections", "--timeout", "--json"],
            "'--json' is a flag, not a range",
        ),
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}

/// A scenario path that is no scenario is bad input, named: a directory, and a file without
/// end (`/dev/zero`, read until memory ran out) or standard input without end, stopped at
/// 16 MiB.
#[test]
fn a_scenario_path_that_is_no_scenario_exits_2() {
    let dir = env!("CARGO_TARGET_TMPDIR");
    let (code, out, err) = river(&["run", "--scenario", dir]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("cannot read scenario") && err.contains("directory"),
        "{err}"
    );
    let (code, out, err) = river(&["run", "--scenario", "/dev/zero"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("/dev/zero is longer than 16 MiB"), "{err}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_river"))
        .args(["run", "--scenario", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = "wait 1\n".repeat(1 << 10);
    // Written until river stops reading (the pipe closes), or well past the limit.
    for _ in 0..(20 << 20) / line.len() {
        if std::io::Write::write_all(&mut stdin, line.as_bytes()).is_err() {
            break;
        }
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("<stdin> is longer than 16 MiB"), "{err}");
}

/// A `--bug` named twice is refused, as `--prevote` twice is: it used to run, and say
/// "stale-read + stale-read first caught" with the flag twice in every replay command.
#[test]
fn a_bug_named_twice_is_refused() {
    for args in [
        &[
            "check",
            "--seeds",
            "1",
            "--bug",
            "stale-read",
            "--bug",
            "stale-read",
        ][..],
        &[
            "run",
            "--seed",
            "1",
            "--bug",
            "stale-read",
            "--bug",
            "stale-read",
        ],
        &[
            "run",
            "--scenario",
            "figure8",
            "--bug",
            "figure8-commit",
            "--bug",
            "figure8-commit",
        ],
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("is given twice"), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}

/// An output is never the scenario it plays (`--trace s.scenario` wrote the trace over the
/// scenario, by any of its names) nor `-` (it made a file named `-`): both are refused
/// before anything is written, and the scenario is left as it was.
#[test]
fn an_output_that_would_write_over_the_scenario_or_is_a_dash_is_refused() {
    let path = scenario_file("kept", &figure8());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let link = dir.join("kept-link.scenario");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let dotted = dir.join(".").join("kept.scenario");
    for (flag, output) in [
        ("--trace", path.to_str().unwrap()),
        ("--history", dotted.to_str().unwrap()),
        ("--trace", link.to_str().unwrap()),
    ] {
        let (code, out, err) = river(&["run", "--scenario", path.to_str().unwrap(), flag, output]);
        assert_eq!(code, 2, "{flag} {output}: {out}{err}");
        assert!(
            err.contains(&format!(
                "{flag} {output} is the scenario file, which it would write over"
            )),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), figure8());
    }
    for args in [
        &["run", "--seed", "1", "--trace", "-"][..],
        &["run", "--scenario", "figure8", "--history", "-"],
    ] {
        let (code, out, err) = river(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("takes a file name, not -"), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    // The link read as the scenario, a trace beside it is fine.
    let trace = dir.join("kept.jsonl");
    let (code, out, err) = river(&[
        "run",
        "--scenario",
        link.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A seeded run's `--trace` keeps at most 4 million records, and says it was cut there; the
/// run itself goes on to its end, so its report is the one it makes without `--trace` (the
/// digest covers every event). An hour of 15 servers heartbeating every millisecond, all
/// kept, passed 23 GB.
#[test]
fn a_seeded_runs_trace_is_cut_at_4_million_records() {
    let busy = [
        "run",
        "--seed",
        "1",
        "--nodes",
        "15",
        "--heartbeat-ms",
        "1",
        "--election-timeout-min-ms",
        "2",
        "--election-timeout-max-ms",
        "4",
        "--fault-ms",
        "5000",
    ];
    let (code, whole, err) = river(&busy);
    assert!(err.is_empty(), "{err}");
    let mut traced = busy.to_vec();
    traced.extend(["--trace", "/dev/null"]);
    let (traced_code, out, err) = river(&traced);
    // The same report but for the wall time.
    let unwalled = |out: &str| -> Vec<String> {
        out.lines()
            .map(|l| match l.rsplit_once("; ") {
                Some((rest, wall)) if wall.ends_with(" s wall") => rest.to_string(),
                _ => l.to_string(),
            })
            .collect()
    };
    assert_eq!(traced_code, code, "{err}");
    assert_eq!(unwalled(&out), unwalled(&whole));
    assert!(
        err.starts_with(
            "river: --trace /dev/null holds the run's first 4000000 records, cut at the most a run keeps; the "
        ) && err.ends_with(" after them are not in it (the verdict is the whole run's)\n"),
        "{err}"
    );
}

/// A scenario whose run panics (forced by the hidden `--panic-at-ms`) writes what it
/// recorded up to the panic into `--trace` and `--history`, says so on standard error, and
/// exits 1 (a panic is a problem found): it left both files empty.
#[test]
fn a_panicking_scenario_writes_what_it_recorded_up_to_the_panic() {
    panicked_run_keeps_its_beginning(&["--scenario", "partition"], "panic", "scenario partition");
}

/// A seeded run that panics writes what it recorded up to the panic, as a scenario's does:
/// the simulation is the caller's, outside the caught run (`swarm::start`, then
/// `Plan::play`), where it was lost inside `swarm::run` and both files were left empty.
#[test]
fn a_panicking_seeded_run_writes_what_it_recorded_up_to_the_panic() {
    panicked_run_keeps_its_beginning(&["--seed", "7"], "seed-panic", "seed 7");
}

/// Runs `river run RUN` with `--trace` and `--history` into files named `stem`, first
/// panicking at 1.5 s, then whole: the panicked run exits 1, names itself (`who`) as
/// panicked, says on standard error what the files hold, and both files are the whole
/// run's beginnings, the trace's last record just before the panic.
fn panicked_run_keeps_its_beginning(run: &[&str], stem: &str, who: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (trace, history) = (
        dir.join(format!("{stem}.jsonl")),
        dir.join(format!("{stem}.edn")),
    );
    let (t, h) = (trace.to_str().unwrap(), history.to_str().unwrap());
    let args = [&["run"], run, &["--trace", t, "--history", h]].concat();
    let (code, out, err) = river(&[&args[..], &["--panic-at-ms", "1500"]].concat());
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!("{who}: PANICKED: "))
            && out.contains("injected by --panic-at-ms 1500"),
        "{out}"
    );
    assert!(
        err.contains(&format!(
            "--trace {t} and --history {h} hold the run up to the panic at 1.5 s"
        )),
        "{err}"
    );
    let read = || {
        (
            std::fs::read_to_string(&trace).unwrap(),
            std::fs::read_to_string(&history).unwrap(),
        )
    };
    let (traced, said) = read();
    let (code, out, err) = river(&args);
    assert_eq!(code, 0, "{out}{err}");
    let (whole, whole_said) = read();
    assert!(traced.lines().count() > 100, "{traced}");
    assert!(
        whole.starts_with(&traced) && whole.len() > traced.len(),
        "the panicked trace is the run's beginning"
    );
    assert!(said.contains(":type :invoke"), "{said}");
    assert!(
        whole_said.starts_with(&said),
        "the panicked history is the run's beginning (the whole, if no request came later)"
    );
    let last = traced.lines().last().unwrap();
    let ms: u64 = last
        .strip_prefix("{\"t\":")
        .and_then(|rest| rest.split(',').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no time in {last}"));
    assert!((1_400..1_500).contains(&ms), "{last}");
}
