//! `river elections`, run as the built binary: output, JSON lines, determinism, bad input.

use std::process::{Command, Output};

fn river(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_river"))
        .arg("elections")
        .args(args)
        .output()
        .expect("the river binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn json_lines_have_the_documented_keys() {
    let out = stdout(&river(&[
        "--timeout",
        "150-150,150-300",
        "--timeout",
        "150-200",
        "--trials",
        "40",
        "--json",
    ]));
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "one line per range: {out}");
    for (line, (min, max)) in lines.iter().zip([(150, 150), (150, 300), (150, 200)]) {
        assert_eq!(line["trials"], 40);
        assert_eq!(line["timeoutMin"], min);
        assert_eq!(line["timeoutMax"], max);
        let fraction = line["splitVoteFraction"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&fraction));
        let quantiles: Vec<u64> = ["p50", "p90", "p99", "max"]
            .iter()
            .map(|k| line[k].as_u64().unwrap_or_else(|| panic!("{k} in {line}")))
            .collect();
        assert!(quantiles.windows(2).all(|w| w[0] <= w[1]), "{line}");
    }
    // No randomness: every trial splits the vote, and none finds a leader in 60 s.
    assert_eq!(lines[0]["splitVoteFraction"], 1.0);
    assert_eq!(lines[0]["max"], 60_000);
    assert_eq!(lines[0]["noLeaderTrials"], 40);
    assert!(lines[1]["p50"].as_u64().unwrap() < 300);
}

#[test]
fn same_seed_same_output() {
    let args = ["--timeout", "150-160", "--trials", "100", "--seed", "7"];
    let a = stdout(&river(&args));
    assert_eq!(a, stdout(&river(&args)));
    assert_ne!(
        a,
        stdout(&river(&[
            "--timeout",
            "150-160",
            "--trials",
            "100",
            "--seed",
            "8"
        ]))
    );
    assert!(a.contains("150-160 ms"), "{a}");
}

#[test]
fn bad_arguments_exit_2_and_say_why() {
    for (args, reason) in [
        (
            &["--timeout", "200-100"][..],
            "--timeout 200-100: election timeout range 200-100 ms is empty",
        ),
        (&["--nodes", "0"], "--nodes 0: "),
        (&["--nodes", "2"], "a majority must survive"),
        (
            &["--heartbeat", "150"],
            "--heartbeat 150 with --timeout 150-300: heartbeat interval 150 ms must be shorter",
        ),
        (&["--latency", "10-5"], "--latency 10-5: "),
        (&["--trials", "0"], "--trials 0: "),
        (&["--timeout", "150"], "'150' is not a range"),
        (&["--timeout", "150-x"], "'x' is not a whole number"),
        (&["--timeout", "150-300,90-80"], "--timeout 90-80: "),
        (&["--frobnicate"], "unexpected argument"),
    ] {
        let output = river(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: nothing runs before the check"
        );
    }
}
