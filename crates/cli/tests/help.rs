//! `river --help` says what the exit statuses mean and shows examples, and every example
//! runs as written, with the status its claim implies.

use std::process::Command;

/// `river --help`'s text.
fn help() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_river"))
        .arg("--help")
        .output()
        .expect("the river binary runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_names_the_exit_statuses_and_the_scenario_language() {
    let help = help();
    assert!(help.contains("Exit status: 0"), "{help}");
    assert!(help.contains("2 for bad input"), "{help}");
    assert!(help.contains("scenarios/README.md"), "{help}");
}

/// Each example line runs: status 0, or 1 for the one that switches a bug on (the check
/// then finds it, which is the example's point).
#[test]
fn every_example_in_the_help_runs() {
    let help = help();
    let examples: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    assert!(examples.len() >= 4, "{help}");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("help-examples");
    std::fs::create_dir_all(&dir).unwrap();
    for example in examples {
        let words: Vec<&str> = example.split_whitespace().collect();
        assert_eq!(words[0], "river", "{example}");
        let out = Command::new(env!("CARGO_BIN_EXE_river"))
            .args(&words[1..])
            .current_dir(&dir)
            .output()
            .expect("the river binary runs");
        let expected = if example.contains("--bug") { 1 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{example}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Each bound a flag's help states is the one the command holds it to: `elections --nodes`
/// said "3 or more", and 16 is refused.
#[test]
fn elections_help_states_the_cluster_sizes_it_takes() {
    let out = Command::new(env!("CARGO_BIN_EXE_river"))
        .args(["elections", "--help"])
        .output()
        .expect("the river binary runs");
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Cluster size, 3 to 15"), "{help}");
    for (nodes, status) in [("2", 2), ("16", 2)] {
        let out = Command::new(env!("CARGO_BIN_EXE_river"))
            .args(["elections", "--trials", "1", "--nodes", nodes])
            .output()
            .expect("the river binary runs");
        assert_eq!(out.status.code(), Some(status), "--nodes {nodes}");
    }
}
