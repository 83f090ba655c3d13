//! The feed tells each happening truly: a refusal a tour shows on purpose, a crash and a
//! restart with a snapshot on disk, a user turned away during a leadership transfer (played
//! through the `membership`, `snapshots` and `transfer` tours).

use crate::action::Action;
use crate::app::tests::{app, to_pause, Acts};
use crate::app::App;
use alloc::string::String;
use alloc::vec::Vec;

/// Opens tour `name` at `step` and plays it to its pause; the feed lines of that step.
fn step_feed(name: &str, step: f64) -> Vec<String> {
    let mut a: App = app("");
    a.done(Action::Tour {
        name: name.into(),
        step,
    })
    .unwrap();
    a.take_feed();
    to_pause(&mut a);
    a.take_feed().into_iter().map(|l| l.text).collect()
}

/// Played on from the tour's start, so the narrator has seen the configuration commit
/// before each removal.
fn whole_tour_feed(name: &str) -> Vec<String> {
    let mut a: App = app("");
    a.done(Action::Tour {
        name: name.into(),
        step: 1.0,
    })
    .unwrap();
    let mut said = Vec::new();
    for _ in 0..20 {
        to_pause(&mut a);
        said.extend(a.take_feed().into_iter().map(|l| l.text));
        if a.tour().state != "waiting" {
            break;
        }
        a.done(Action::TourContinue).unwrap();
    }
    said
}

/// A tour speaks through its captions, not its script lines, but a line the simulation
/// refused is told: the membership tour's new leader refuses a change on purpose.
#[test]
fn a_tour_tells_a_refused_line_and_no_script_line() {
    let said = whole_tour_feed("membership");
    let refused: Vec<&String> = said.iter().filter(|l| l.contains("refused")).collect();
    assert_eq!(refused.len(), 1, "{said:#?}");
    assert!(
        refused[0].starts_with("remove B refused: leader C says it was elected a moment ago"),
        "{said:#?}"
    );
    assert!(!said.iter().any(|l| l.starts_with("Line ")), "{said:#?}");
}

#[test]
fn a_crash_and_a_restart_name_the_snapshot_on_disk() {
    let said = step_feed("snapshots", 4.0);
    for line in [
        "C crashed: only its term, vote, snapshot and log survive, on disk",
        "C restarted from its disk: term 1, its vote for A, a snapshot of entries 1 to 10 and 1 entry after it",
    ] {
        assert!(said.iter().any(|l| l == line), "{line}: {said:#?}");
    }
}

#[test]
fn a_user_turned_away_during_a_transfer_is_told_why_and_a_transfer_campaign_is_no_timeout() {
    let said = step_feed("transfer", 2.0);
    assert!(
        said.iter().any(|l| l
            == "User X is told: A is handing its leadership to C and takes no new commands; try C"),
        "{said:#?}"
    );
    let said = step_feed("transfer", 3.0);
    assert!(
        said.iter()
            .any(|l| l.starts_with("C got TimeoutNow from A and campaigns for term 2")),
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|l| l.starts_with("C timed out")),
        "{said:#?}"
    );
    // D is down: C's answer names it as where the leadership is going, not as the leader.
    let said = step_feed("transfer", 4.0);
    assert!(
        said.iter().any(|l| l
            == "User X is told: C is handing its leadership to D and takes no new commands; try D"),
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|l| l.contains("not the leader, D is")),
        "{said:#?}"
    );
}

/// Thesis §3.10: the leader sends TimeoutNow again on each answer its caught-up target
/// gives until the target campaigns. The copies that reach the target after it moved to the
/// new term are that same request: the feed tells TimeoutNow once, and no copy as a stale
/// message rejected (it said "C rejected a stale TimeoutNow from B").
#[test]
fn a_handovers_timeout_now_is_told_once_and_its_late_copies_are_no_stale_rejection() {
    let mut a: App = app("?seed=4&nodes=5");
    a.advance(2_000.0).unwrap();
    let leader = a.sim().leader().unwrap();
    let target = river_core::NodeId((leader.0 + 1) % 5);
    a.take_feed();
    a.done(Action::MakeLeader(crate::action::Node(target)))
        .unwrap();
    a.advance(1_000.0).unwrap();
    let said: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert_eq!(a.sim().leader(), Some(target), "{said:#?}");
    let sent = alloc::format!("{leader} sends {target} TimeoutNow");
    assert_eq!(
        said.iter().filter(|l| l.starts_with(&sent)).count(),
        1,
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|l| l.contains("stale TimeoutNow")),
        "{said:#?}"
    );
}
