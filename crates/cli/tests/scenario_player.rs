//! What `river run --scenario` tells the person who wrote the scenario: a line the simulation
//! refused, a scenario too large to run, the word they meant, a scenario on standard input.
//! Each test runs the built binary.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `river` with `args` and `stdin` on its standard input; returns its exit code and
/// its standard output and error.
fn river_with_input(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_river"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the river binary runs");
    // A run that does not read its input closes the pipe: that is no failure here.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    (
        status.code().expect("exited, not killed"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn river(args: &[&str]) -> (i32, String, String) {
    river_with_input(args, "")
}

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
