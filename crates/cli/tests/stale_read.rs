//! `river run --scenario` checks the clients' history too: the stale-read script leaves
//! every log safe, and the run fails (status 1) because a read returned an overwritten
//! value; correct Raft passes the same script.

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

#[test]
fn stale_read_script_fails_on_its_history_and_correct_raft_passes() {
    let path = format!(
        "{}/../../scenarios/bugs/stale-read.scenario",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, out) = run(&path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("violations 0"), "the logs stay safe: {out}");
    assert!(out.contains("NOT LINEARIZABLE"), "{out}");
    assert!(
        out.contains("get -> \"1\""),
        "the stale read is named: {out}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nbug stale-read\n"));
    let correct =
        std::env::temp_dir().join(format!("stale-read-off-{}.scenario", std::process::id()));
    std::fs::write(&correct, text.replace("\nbug stale-read\n", "\n")).unwrap();
    let (code, out) = run(correct.to_str().unwrap());
    std::fs::remove_file(&correct).unwrap();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("client history linearizable"), "{out}");
}
