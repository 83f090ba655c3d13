//! `river run --scenario` checks the clients' history too. Every script in `scenarios/bugs/`
//! says what its bug breaks (`expect violation`, `expect stale read x`, `expect no leader`),
//! so it exits 0 with its bug on and 1 on correct Raft, whose run refutes that line. The
//! stale-read script leaves every log safe and shows the bug only in the history: a read
//! returned an overwritten value.

use std::process::Command;

fn run(scenario: &str) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_river"))
        .args(["run", "--scenario", scenario])
        .output()
        .expect("river runs");
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// Writes `text` to a scenario file of its own in the target directory.
fn scenario_file(name: &str, text: &str) -> String {
    let path =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.scenario"));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn stale_read_script_shows_its_stale_read_and_correct_raft_refutes_it() {
    let path = format!(
        "{}/../../scenarios/bugs/stale-read.scenario",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, out) = run(&path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("violations 0"), "the logs stay safe: {out}");
    assert!(out.contains("NOT LINEARIZABLE"), "{out}");
    assert!(
        out.contains("get -> \"1\""),
        "the stale read is named: {out}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nbug stale-read\n"));
    let correct = scenario_file("stale-read-off", &text.replace("\nbug stale-read\n", "\n"));
    let (code, out) = run(&correct);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("client history linearizable"), "{out}");
    assert!(out.contains("to be stale"), "{out}");
}

/// Every bug script exits 0 with its bug, and 1 with its `bug` lines taken out: the exit
/// status says whether the run showed what the script claims.
#[test]
fn every_bug_script_exits_0_with_its_bug_and_1_without() {
    let dir = format!("{}/../../scenarios/bugs", env!("CARGO_MANIFEST_DIR"));
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "scenario"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= river_core::Bug::ALL.len(), "{scripts:?}");
    for path in scripts {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let (code, out) = run(path.to_str().unwrap());
        assert_eq!(code, Some(0), "{name} with its bug:\n{out}");
        let text = std::fs::read_to_string(&path).unwrap();
        let without: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("bug "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(without, text, "{name} switches a bug on");
        let (code, out) = run(&scenario_file(&format!("{name}-off"), &without));
        assert_eq!(code, Some(1), "{name} on correct Raft:\n{out}");
    }
}
