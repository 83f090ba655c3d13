//! Running the built `river` binary, shared by the test files that drive it (each file is its
//! own crate and uses some of these).
#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs `river` with `args`; returns its exit code and its standard output and error.
pub fn river(args: &[&str]) -> (i32, String, String) {
    river_with_input(args, "")
}

/// Runs `river` with `args` and `stdin` on its standard input; returns its exit code and
/// its standard output and error.
pub fn river_with_input(args: &[&str], stdin: &str) -> (i32, String, String) {
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

/// Runs `river` with `args` on a terminal (util-linux's `script`, whose input ends at once);
/// `None` when there is no `script` to give it one. Returns its exit code and what the
/// terminal showed.
pub fn river_at_a_terminal(args: &str) -> Option<(Option<i32>, String)> {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_river"));
    let output = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .output()
        .ok()?;
    Some((
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}
