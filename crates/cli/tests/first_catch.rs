//! The swarm finds every planted bug fast: `river check --bug NAME` over the first 200
//! seeds catches each deliberately broken variant, on 3, 5 and 7 servers, with and without
//! PreVote and CheckQuorum, and says at which seed it first did. The table this prints
//! (`cargo test --release -p river-cli --test first_catch -- --nocapture`) must be the one in
//! the README, row for row: a change to the swarm that moves a first catch updates the README
//! with it.

use river_core::Bug;
use std::process::Command;

/// The swarm must catch every bug within this many seeds, in every cell.
const SEEDS: u64 = 200;

/// Bugs the swarm cannot reach yet, and why; every other bug in `Bug::ALL` must be caught.
/// (`lease-without-drift-bound` is caught in the cells without `--checkquorum` too: lease
/// reads need CheckQuorum, and a quarter of the seeds there turn it on for themselves.)
const NOT_IN_THE_SWARM: [(Bug, &str); 0] = [];

/// Bugs the swarm cannot reach under PreVote + CheckQuorum, and why; they must be caught in
/// the cells without. (None today: `read-without-heartbeat`, once listed here because
/// CheckQuorum's lease deposes a stranded leader before a newer write completes, is caught
/// since the swarm freezes leaders and thaws them late, and strands leaders with a newer
/// leader elected as soon as the others stop refusing votes.)
const NOT_WITH_CHECKQUORUM: [(Bug, &str); 0] = [];
const SIZES: [usize; 3] = [3, 5, 7];

/// How `river check` may report a catch of `bug`: the log-safety bugs break a property of
/// the safety checker; a stale read leaves every log intact and shows only in the history;
/// a livelock shows as no leader in the liveness window, or, in a run that changed the
/// membership (where the window does not run), as a heal phase that never converges. A
/// follower that truncates on a
/// stale AppendEntries also erases, again and again, entries it has acknowledged (each
/// AppendEntries that ends before its log does cuts it back), so a run may never converge
/// after healing before it breaks a property.
fn expected_reports(bug: Bug) -> &'static [&'static str] {
    match bug {
        Bug::StaleRead | Bug::ReadWithoutHeartbeat | Bug::LeaseWithoutDriftBound => {
            &["NOT LINEARIZABLE"]
        }
        Bug::ElectionTimerOnce => &["NO LEADER", "did not converge"],
        Bug::TruncateOnStaleAppend => &["UNSAFE", "did not converge"],
        _ => &["UNSAFE"],
    }
}

/// Runs `river check --seeds SEEDS --bug NAME`; returns the first catching seed, after
/// checking that the run printed that seed's report of the expected kind and its replay
/// command, and exited with status 1.
fn first_catch(bug: Bug, nodes: usize, prevote_checkquorum: bool) -> Option<u64> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_river"));
    command.args(["check", "--seeds", &SEEDS.to_string()]);
    command.args(["--nodes", &nodes.to_string(), "--bug", bug.name()]);
    if prevote_checkquorum {
        command.args(["--prevote", "--checkquorum"]);
    }
    let output = command.output().expect("river runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let prefix = format!("{} first caught at seed ", bug.name());
    let Some(line) = stdout.lines().find(|l| l.starts_with(&prefix)) else {
        assert_eq!(output.status.code(), Some(0), "{stdout}");
        return None;
    };
    assert_eq!(output.status.code(), Some(1), "a catch exits 1: {stdout}");
    let seed: u64 = line[prefix.len()..]
        .split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seed in '{line}'"));
    let reports: Vec<String> = expected_reports(bug)
        .iter()
        .map(|kind| format!("seed {seed}: {kind}"))
        .collect();
    assert!(
        reports.iter().any(|report| stdout.contains(report)),
        "expected one of {reports:?} in:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("replay: river run --seed {seed} ")),
        "no replay command for seed {seed}:\n{stdout}"
    );
    Some(seed)
}

#[test]
fn every_planted_bug_is_caught_within_200_seeds() {
    let mut misses = Vec::new();
    let mut rows = Vec::new();
    println!("| bug | 3 nodes | 5 nodes | 7 nodes | 3, PreVote + CheckQuorum | 5, PV + CQ | 7, PV + CQ |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for bug in Bug::ALL {
        if let Some((_, why)) = NOT_IN_THE_SWARM.iter().find(|(b, _)| *b == bug) {
            println!("| `{}` | not drawn: {why} |", bug.name());
            continue;
        }
        let mut row = format!("| `{}` |", bug.name());
        for prevote_checkquorum in [false, true] {
            let exempt = NOT_WITH_CHECKQUORUM.iter().find(|(b, _)| *b == bug);
            if let (true, Some((_, why))) = (prevote_checkquorum, exempt) {
                row.push_str(&format!(" not drawn: {why} | | |"));
                continue;
            }
            for nodes in SIZES {
                let seed = first_catch(bug, nodes, prevote_checkquorum);
                match seed {
                    Some(seed) => row.push_str(&format!(" {seed} |")),
                    None => {
                        row.push_str(" not caught |");
                        misses.push((bug.name(), nodes, prevote_checkquorum));
                    }
                }
            }
        }
        println!("{row}");
        rows.push(row);
    }
    assert!(
        misses.is_empty(),
        "not caught within {SEEDS} seeds: {misses:?}"
    );
    let stale = rows_not_in_readme(&rows);
    assert!(
        stale.is_empty(),
        "the README's first-catch table differs from what river check prints; measured:\n{}",
        stale.join("\n")
    );
}

/// The measured rows that the README's table does not hold as they are (each bug's row
/// there starts with its name in backquotes).
fn rows_not_in_readme(rows: &[String]) -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let table: Vec<&str> = readme
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("| `"))
        .collect();
    rows.iter()
        .filter(|row| !table.contains(&row.as_str()))
        .cloned()
        .collect()
}

/// The README check can fail: a row with one seed changed is not found.
#[test]
fn a_first_catch_row_the_readme_does_not_hold_is_reported() {
    let readme = include_str!("../../../README.md");
    let row = readme
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("| `figure8-commit` | "))
        .expect("the README's first-catch row for figure8-commit")
        .to_string();
    assert!(rows_not_in_readme(std::slice::from_ref(&row)).is_empty());
    let moved = row.replacen(" | ", " | 1000", 2);
    assert_eq!(
        rows_not_in_readme(std::slice::from_ref(&moved)),
        vec![moved]
    );
}
