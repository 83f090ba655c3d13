//! A node's menu offers what would be taken: a button is disabled, with the reason, exactly
//! when its action would be refused, in the same words (the menu asks the rules the action
//! is refused by, never a copy of them).

use super::tests::{app, carried, json, Acts};
use super::App;
use crate::action::{self, Action, Node};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The menu's buttons by their name in `refused`, with the action each sends for `node`
/// (Read sends a read, and is refused as Send is).
fn buttons(info: &serde_json::Value, node: Node) -> Vec<(&'static str, Action)> {
    let alive = info["alive"] == true;
    let frozen = info["frozen"] == true;
    alloc::vec![
        (
            "send",
            Action::Propose {
                node,
                command: "x=1".into(),
            },
        ),
        (
            "send",
            Action::Read {
                node,
                key: "x".into(),
            },
        ),
        (
            "crash",
            if alive {
                Action::Crash(node)
            } else {
                Action::Restart(node)
            },
        ),
        (
            "freeze",
            if frozen {
                Action::Thaw(node)
            } else {
                Action::Freeze(node)
            },
        ),
        ("timeout", Action::Timeout(node)),
        ("lead", Action::MakeLeader(node)),
        ("snapshot", Action::Snapshot(node)),
        ("remove", Action::RemoveServer(node)),
    ]
}

/// Presses every button of every server's menu, each on a copy of the run at this moment:
/// a disabled button's action is refused with its reason, an enabled one's is taken.
/// Returns the reasons given, as "B timeout: …".
fn every_button(a: &mut App) -> Vec<String> {
    let mut reasons = Vec::new();
    for id in a.sim().ids().collect::<Vec<_>>() {
        let node = action::node(&id.letter().to_string()).unwrap();
        let info = json(&a.node_info(node).unwrap());
        for (name, pressed) in buttons(&info, node) {
            let why = &info["refused"][name];
            let mut copy = carried(a);
            let taken = copy.done(pressed.clone());
            match (why.as_str(), taken) {
                (None, Ok(())) => {}
                (Some(why), Err(e)) => {
                    assert_eq!(why, e, "{id} {name}: the menu's reason is the action's");
                    reasons.push(format!("{id} {name}: {why}"));
                }
                (why, taken) => {
                    panic!("{id} {name}: the menu says {why:?}, {pressed:?} gave {taken:?}")
                }
            }
        }
    }
    reasons
}

/// A frozen leader, a leader, a crashed server, a learner and a removed one: every menu
/// button is disabled exactly when its action would be refused. A frozen server's Time
/// out and a removed server's Send and Read are among those refused.
#[test]
fn a_menu_button_is_disabled_with_the_reason_exactly_when_its_action_is_refused() {
    let mut a = app("?seed=4&nodes=5");
    a.advance(2_000.0).unwrap();
    let leader = a.sim().leader().unwrap();
    let said = every_button(&mut a);
    assert!(
        said.contains(&format!(
            "{leader} timeout: {leader} leads; a leader has no election timer"
        )),
        "{said:#?}"
    );
    a.done(Action::Freeze(
        action::node(&leader.letter().to_string()).unwrap(),
    ))
    .unwrap();
    let said = every_button(&mut a);
    assert!(
        said.contains(&format!(
            "{leader} timeout: {leader} is frozen: its timers wait until it thaws"
        )),
        "{said:#?}"
    );
    a.advance(2_000.0).unwrap();
    a.done(Action::Thaw(
        action::node(&leader.letter().to_string()).unwrap(),
    ))
    .unwrap();
    a.advance(1_000.0).unwrap();
    a.done(Action::AddServer).unwrap();
    a.advance(3_000.0).unwrap();
    let now = a.sim().leader().unwrap();
    let gone = a.sim().ids().find(|&i| i != now).unwrap();
    a.done(Action::RemoveServer(
        action::node(&gone.letter().to_string()).unwrap(),
    ))
    .unwrap();
    a.advance(3_000.0).unwrap();
    assert!(a.sim().server(gone).retired);
    let down = a.sim().ids().find(|&i| i != now && i != gone).unwrap();
    a.crash(&down.letter().to_string()).unwrap();
    let said = every_button(&mut a);
    for button in ["send", "crash", "freeze", "timeout", "snapshot"] {
        let line = format!("{gone} {button}: {gone} was removed from the cluster and stays down");
        assert!(said.contains(&line), "{line}: {said:#?}");
    }
    assert!(
        said.contains(&format!("{gone} remove: {gone} was removed already")),
        "{said:#?}"
    );
}
