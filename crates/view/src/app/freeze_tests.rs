//! Freeze and thaw on the page (a stalled server, not a crashed one): through the one
//! [`Action`], refused with the reason when they make no sense, told in the feed (a frozen
//! leader still thinks it leads), drawn with a tag, and carried by the journal.

use super::tests::{app, carried, json, Acts};
use super::App;
use crate::action::{self, Action};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_core::Role;

fn freeze(a: &mut App, letter: &str) -> Result<(), String> {
    a.done(Action::Freeze(action::node(letter).unwrap()))
}

fn thaw(a: &mut App, letter: &str) -> Result<(), String> {
    a.done(Action::Thaw(action::node(letter).unwrap()))
}

fn feed(a: &mut App) -> String {
    let lines: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    lines.join("\n")
}

fn role(a: &App, letter: &str) -> Option<Role> {
    a.sim()
        .node(action::node(letter).unwrap().0)
        .map(|n| n.role())
}

/// A frozen leader does nothing and still thinks it leads; the others elect a new leader.
/// Thawed, it carries on in its old term until the newer term reaches it, and steps down.
#[test]
fn a_frozen_leader_still_thinks_it_leads_until_it_thaws() {
    let mut a = app("?seed=4&nodes=5");
    a.advance(2_000.0).unwrap();
    let old = a.sim().leader().unwrap().letter().to_string();
    let term = a.sim().node(a.sim().leader().unwrap()).unwrap().term();
    feed(&mut a);
    freeze(&mut a, &old).unwrap();
    let said = feed(&mut a);
    assert!(
        said.contains(&format!("{old} froze while leading term {term}"))
            && said.contains("it still thinks it leads"),
        "{said}"
    );
    let info = json(&a.node_info(action::node(&old).unwrap()).unwrap());
    assert_eq!(info["frozen"], true);
    assert!(
        info["title"].as_str().unwrap().ends_with(", frozen"),
        "{info}"
    );
    assert!(info["hint"]
        .as_str()
        .unwrap()
        .contains("still thinks it leads"));
    a.advance(2_000.0).unwrap();
    let s = json(&a.state());
    let mine = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == old.as_str())
        .unwrap();
    assert_eq!(
        (mine["role"].as_str(), mine["frozen"].as_bool()),
        (Some("leader"), Some(true))
    );
    let others: Vec<_> = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["role"] == "leader" && n["id"] != old.as_str())
        .collect();
    assert_eq!(others.len(), 1, "the others elected a new leader: {s}");
    a.repaint();
    // The role tags are on the overlay, over the messages.
    let (_, overlay) = a.scenes();
    assert!(overlay.unwrap().texts().any(|t| t == "frozen leader"));
    // Frozen, its timers wait: a timeout is refused with the reason.
    let e = a.timeout(&old).unwrap_err();
    assert!(e.contains("frozen"), "{e}");
    feed(&mut a);
    thaw(&mut a, &old).unwrap();
    let said = feed(&mut a);
    assert!(
        said.contains(&format!("{old} thawed, still sure it leads term {term}")),
        "{said}"
    );
    a.advance(500.0).unwrap();
    assert_eq!(
        role(&a, &old),
        Some(Role::Follower),
        "the newer term reached it"
    );
    let info = json(&a.node_info(action::node(&old).unwrap()).unwrap());
    assert_eq!(info["frozen"], false);
}

/// The status line says what is true of a frozen leader: it still thinks it leads, sends
/// no heartbeats, and an election follows (it said "No leader yet", as if none had been
/// elected). A frozen server is named, as a down one is.
#[test]
fn the_status_line_tells_a_frozen_leader_and_a_frozen_server() {
    let mut a = app("?seed=4&nodes=5");
    a.advance(2_000.0).unwrap();
    let old = a.sim().leader().unwrap();
    let term = a.sim().node(old).unwrap().term();
    freeze(&mut a, &old.letter().to_string()).unwrap();
    assert_eq!(
        a.status(),
        format!("{old} is frozen, still sure it leads term {term}: it sends no heartbeats, so the first election timer to run out starts an election")
    );
    a.advance(2_000.0).unwrap();
    let fresh = a.sim().leader().unwrap();
    assert_ne!(fresh, old);
    let said = a.status();
    assert!(
        said.starts_with(&format!(
            "{fresh} leads term {} · {old} still thinks it leads term {term}: it has not heard it lost · ",
            a.sim().node(fresh).unwrap().term()
        )) && said.ends_with(&format!(" · {old} frozen")),
        "{said}"
    );
    // With every other server down, no election timer is left to run out.
    let mut b = app("?seed=4&nodes=3");
    b.advance(2_000.0).unwrap();
    let l = b.sim().leader().unwrap();
    freeze(&mut b, &l.letter().to_string()).unwrap();
    for id in b.sim().ids().filter(|&i| i != l).collect::<Vec<_>>() {
        b.crash(&id.letter().to_string()).unwrap();
    }
    let said = b.status();
    assert!(
        said.contains(
            ": it sends no heartbeats, so nothing happens until a server thaws or restarts · "
        ) && said.ends_with(" down"),
        "{said}"
    );
}

/// Freezing what cannot freeze, or thawing what is not frozen, is refused with the reason,
/// changes nothing and is not journaled.
#[test]
fn freeze_and_thaw_are_refused_when_they_make_no_sense() {
    let mut a = app("?seed=4&nodes=3");
    a.advance(1_000.0).unwrap();
    assert!(thaw(&mut a, "B").unwrap_err().contains("B is not frozen"));
    freeze(&mut a, "B").unwrap();
    assert!(freeze(&mut a, "B").unwrap_err().contains("frozen already"));
    a.crash("C").unwrap();
    assert!(freeze(&mut a, "C").unwrap_err().contains("C is down"));
    assert!(freeze(&mut a, "Q").is_err());
    let journal = a.journal();
    assert_eq!(journal.matches("6:freeze").count(), 1, "{journal}");
    assert_eq!(journal.matches("4:thaw").count(), 0, "{journal}");
    // A crash takes the frozen process down; restarted, it runs.
    a.crash("B").unwrap();
    a.restart("B").unwrap();
    assert_eq!(
        json(&a.node_info(action::node("B").unwrap()).unwrap())["frozen"],
        false
    );
}

/// A share link carries freezes and thaws: the run replays to the same state.
#[test]
fn the_journal_carries_freeze_and_thaw() {
    let mut a = app("?seed=6&nodes=5");
    a.advance(1_500.0).unwrap();
    let l = a.sim().leader().unwrap().letter().to_string();
    freeze(&mut a, &l).unwrap();
    a.advance(1_200.0).unwrap();
    thaw(&mut a, &l).unwrap();
    a.advance(300.0).unwrap();
    freeze(&mut a, "A").ok();
    a.advance(100.0).unwrap();
    let mut b = carried(&mut a);
    assert_eq!(json(&a.state()), json(&b.state()));
    a.advance(2_000.0).unwrap();
    b.advance(2_000.0).unwrap();
    assert_eq!(json(&a.state()), json(&b.state()));
}
