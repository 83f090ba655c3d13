//! Messages on the wire held, released, dropped and duplicated from the page, and what their
//! inspector says became of them.

use super::tests::*;
use super::*;
use crate::action::MessageAction;
use river_sim::network::Endpoint;

/// When message `id` left the wire, as the inspector writes it.
fn seconds_text(a: &App, id: u64) -> String {
    let t = a.narrator.fate(id).unwrap().time_ms;
    format!("{}.{:03} s", t / 1000, t % 1000)
}

/// A held message released later: its inspector says whether it arrived (where, when) or
/// was lost (when, why).
#[test]
fn a_released_message_is_said_to_have_arrived_or_been_lost() {
    let mut a = app("?seed=6");
    a.advance(3_000.0).unwrap();
    let leader = a.sim().leader().unwrap();
    let from_leader = |a: &App| {
        let m = a
            .sim()
            .in_flight()
            .find(|m| m.from == Endpoint::Node(leader))
            .unwrap();
        let Endpoint::Node(to) = m.to else {
            panic!("a leader's message goes to a server")
        };
        (m.id, to.letter().to_string())
    };
    let (id, to) = from_leader(&a);
    a.message(id as f64, MessageAction::Hold).unwrap();
    a.advance(500.0).unwrap();
    let released_ms = a.sim().now_ms();
    a.message(id as f64, MessageAction::Release).unwrap();
    a.advance(200.0).unwrap();
    assert!(a.narrator.fate(id).unwrap().time_ms >= released_ms);
    assert_eq!(
        a.message_gone(id as f64),
        format!("It arrived: {to} received it at {}.", seconds_text(&a, id))
    );
    // Held again, its link cut, released: it is lost, and the inspector says why.
    let (id, r) = from_leader(&a);
    a.message(id as f64, MessageAction::Hold).unwrap();
    let l = leader.letter().to_string();
    a.cut(&l, &r, false).unwrap();
    a.message(id as f64, MessageAction::Release).unwrap();
    a.advance(200.0).unwrap();
    assert!(!a.sim().in_flight().any(|m| m.id == id));
    assert_eq!(
        a.message_gone(id as f64),
        format!(
            "It was lost at {}: the link to {r} was cut, so {r} never received it.",
            seconds_text(&a, id)
        )
    );
    assert_eq!(a.message_gone(1e9), "It is no longer on the wire.");
}

#[test]
fn a_held_message_waits_and_a_duplicate_changes_no_log() {
    let mut a = app("?seed=6");
    a.advance(3_000.0).unwrap();
    let leader = a.sim().leader().unwrap();
    let from_leader = |a: &App| {
        a.sim()
            .in_flight()
            .find(|m| m.from == Endpoint::Node(leader))
            .map(|m| m.id)
            .unwrap()
    };
    let id = from_leader(&a);
    a.message(id as f64, MessageAction::Hold).unwrap();
    assert!(
        a.message(id as f64, MessageAction::Hold).is_err(),
        "already held"
    );
    a.advance(2_000.0).unwrap();
    let held = a.sim().in_flight().find(|m| m.id == id && m.held).unwrap();
    assert!(
        layout::progress(held, a.clock_ms) <= 0.5,
        "it waits mid-wire"
    );
    a.message(id as f64, MessageAction::Release).unwrap();
    a.advance(200.0).unwrap();
    assert!(!a.sim().in_flight().any(|m| m.id == id));
    // A duplicated heartbeat or AppendEntries leaves every log as it was.
    let logs = |a: &App| -> Vec<usize> {
        a.sim()
            .ids()
            .map(|i| a.sim().node(i).unwrap().log().entries().len())
            .collect()
    };
    let before = logs(&a);
    let id = from_leader(&a);
    a.message(id as f64, MessageAction::Duplicate).unwrap();
    a.advance(200.0).unwrap();
    assert_eq!(logs(&a), before);
    assert!(a.message(1e12, MessageAction::Drop).is_err());
}
