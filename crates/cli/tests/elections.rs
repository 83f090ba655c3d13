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
    // A range copied from the page's lab, written with an en dash, is the same range (it was
    // refused as "not a range").
    assert_eq!(
        a,
        stdout(&river(&[
            "--timeout",
            "150–160",
            "--trials",
            "100",
            "--seed",
            "7"
        ]))
    );
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
        (&["--trials", "0"], "--trials wants a whole number of at least 1"),
        // A negative count names its flag (clap said "unexpected argument '-5'").
        (&["--trials", "-5"], "--trials wants a whole number of at least 1"),
        (&["--trials", "2000000"], "--trials wants a whole number of at least 1 (and at most 1000000)"),
        // A range named twice is refused, as the page's lab refuses it (it printed twice),
        // in one flag or two, with a hyphen or the page's en dash.
        (&["--timeout", "150-300", "--timeout", "150-300"], "--timeout 150-300: the range is listed twice"),
        (&["--timeout", "150-300,150-200,150–200"], "--timeout 150-200: the range is listed twice"),
        (&["--timeout", "150"], "'150' is not a range"),
        (&["--timeout", "150-x"], "'x' is not a whole number"),
        (&["--timeout", "150-300,90-80"], "--timeout 90-80: "),
        (&["--frobnicate"], "unexpected argument"),
        (&["--latency", "100-200", "--trials", "3"], "--timeout 150-300 with --latency 100-200: in trial 1 no leader was followed by a majority"),
        (
            &["--trials", "10", "--trial", "10"],
            "--trial 10: trials are numbered 0 to 9",
        ),
        (
            &["--timeout", "150-300,150-200", "--trial", "1"],
            "--trial 1: name exactly one",
        ),
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

/// The slowest trial is named under the table, and `--trial K` tells its story: the split
/// votes ("already voted for"), then the winner, agreeing with the trial's JSON.
#[test]
fn the_slowest_trial_tells_its_story() {
    let base = ["--timeout", "150-175", "--trials", "60"];
    let table = stdout(&river(&base));
    let k = table
        .lines()
        .last()
        .and_then(|l| l.split("K = ").nth(1))
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no slowest trial named in:\n{table}"));
    let story = stdout(&river(&[&base[..], &["--trial", k]].concat()));
    let json = stdout(&river(&[&base[..], &["--trial", k, "--json"]].concat()));
    let trial: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(trial["trial"].as_u64().unwrap().to_string(), k);
    let splits = trial["splitVotes"].as_u64().unwrap();
    assert!(splits > 0, "the slowest 150-175 trial splits votes: {json}");
    assert!(story.contains("already voted for"), "{story}");
    assert!(story.contains("becomes leader"), "{story}");
    let last = story.lines().last().unwrap();
    let expected = format!(
        "a majority follows {}: {} ms without a leader; {} elections, {splits} split vote",
        trial["newLeader"].as_str().unwrap(),
        trial["downtime"],
        trial["elections"]
    );
    assert!(last.contains(&expected), "{last} / {expected}");
    let stands = story
        .lines()
        .filter(|l| l.contains("stands for term"))
        .count() as u64;
    assert!(
        stands >= trial["elections"].as_u64().unwrap() + splits,
        "{story}"
    );
}

/// A story too long to print whole keeps its beginning and its end.
#[test]
fn a_long_story_keeps_its_end() {
    let story = stdout(&river(&[
        "--timeout",
        "150-150",
        "--trials",
        "1",
        "--trial",
        "0",
    ]));
    assert!(story.contains("more events ..."), "{story}");
    let last = story.lines().last().unwrap();
    assert!(
        last.contains("+60000 ms  still no leader that a majority follows; counted at 60 s"),
        "{last}"
    );
    assert!(
        story.lines().count() < 320,
        "{} lines",
        story.lines().count()
    );
}
