//! Ctrl-C stops `river check` after the seeds under way, and the summary tells the seeds it
//! checked (the lowest ones, every one finished) with the status that fits: 130 when nothing
//! was found in them, 1 when something was. Each test runs the built binary and sends it
//! SIGINT with `kill`.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};

/// Starts `river check` with `args` and a progress line every 50 ms, waits for a progress
/// line that `ready` accepts (however slow the machine), sends it SIGINT, and returns its
/// exit code, standard output and standard error.
fn interrupted_check(args: &[&str], ready: impl Fn(&str) -> bool) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_river"))
        .args([
            "check",
            "--seeds",
            "100000000",
            "--progress",
            "--progress-ms",
            "50",
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the river binary runs");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut err = String::new();
    loop {
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.starts_with("river check: "), "{line}");
        if ready(&line) {
            err.push_str(&line);
            break;
        }
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    stderr.read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    (status.code().expect("exited, not killed"), out, err)
}

/// The number of seeds the first line says were checked, after checking it says so exactly.
fn seeds_checked(out: &str) -> u64 {
    let first = out.lines().next().unwrap_or("");
    let rest = first
        .strip_prefix("interrupted: seeds 1 to ")
        .unwrap_or_else(|| panic!("{out}"));
    let (last, rest) = rest.split_once(" checked, ").unwrap();
    assert_eq!(
        rest,
        format!("{last} of the 100000000 asked; the rest were not run")
    );
    last.parse().unwrap()
}

#[test]
fn ctrl_c_prints_the_summary_of_the_seeds_checked() {
    // Once a seed is done, so the summary has one at least.
    let (code, out, err) = interrupted_check(&[], |line| !line.contains(": 0 of "));
    assert_eq!(code, 130, "{out}{err}");
    let checked = seeds_checked(&out);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with(&format!("runs {checked}, "))),
        "{out}"
    );
    assert!(
        err.contains(
            "river: interrupted; finishing the seeds under way (Ctrl-C again stops at once)"
        ),
        "{err}"
    );
}

#[test]
fn ctrl_c_after_a_problem_was_found_exits_1() {
    let (code, out, err) =
        interrupted_check(&["--bug", "stale-read"], |line| !line.contains(" 0 failed"));
    assert_eq!(code, 1, "{out}{err}");
    let checked = seeds_checked(&out);
    assert!(
        out.contains(&format!(" of {checked} seeds failed)")),
        "{out}"
    );
}
