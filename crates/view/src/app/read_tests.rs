//! Reads on the page (thesis §6.4): a user's read travels to the leader, the leader's
//! heartbeat round is marked as the read's confirmation, and the answer comes back in words;
//! the two broken variants show why the round is needed.

use super::tests::{app, json, Acts};
use super::App;
use crate::action::{self, Action};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

fn read(a: &mut App, letter: &str, key: &str) -> Result<(), String> {
    let node = action::node(letter).unwrap();
    a.apply(Action::Read {
        node,
        key: key.into(),
    })
    .map(drop)
}

fn feed(a: &mut App) -> String {
    let lines: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    lines.join("\n")
}

fn leader(a: &App) -> String {
    a.sim().leader().unwrap().letter().to_string()
}

/// A five-server cluster with x=1 committed everywhere.
fn with_x1(query: &str) -> App {
    let mut a = app(query);
    a.advance(2_000.0).unwrap();
    let l = leader(&a);
    a.propose(&l, "x=1").unwrap();
    a.advance(500.0).unwrap();
    feed(&mut a);
    a
}

/// Thesis §6.4: a read at a follower goes to the leader (ReadIndex), the leader's heartbeat
/// round is marked while it confirms the read, and the answer names the read index.
#[test]
fn a_read_at_a_follower_is_confirmed_by_a_marked_heartbeat_round() {
    let mut a = with_x1("?seed=4&nodes=5");
    let l = leader(&a);
    let follower = if l == "A" { "B" } else { "A" };
    let commit = a
        .sim()
        .node(a.sim().leader().unwrap())
        .unwrap()
        .commit_index();
    read(&mut a, follower, "x").unwrap();
    let mut kinds = Vec::new();
    let mut marked = Vec::new();
    for _ in 0..400 {
        a.step_event();
        for m in json(&a.state())["messages"].as_array().unwrap() {
            kinds.push(m["kind"].as_str().unwrap().to_string());
            if !m["confirmsRead"].is_null() {
                marked.push((m["kind"].clone(), m["why"].clone(), m["from"].clone()));
            }
        }
        if json(&a.state())["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "client reply")
        {
            break;
        }
    }
    assert!(kinds.iter().any(|k| k == "ReadIndex"), "{kinds:?}");
    assert!(
        marked.iter().any(|(k, why, from)| k == "heartbeat"
            && *from == l.as_str()
            && why
                .as_str()
                .unwrap()
                .contains("which a majority must answer")),
        "{marked:?}"
    );
    assert!(
        marked.iter().any(|(k, _, _)| k == "AppendEntries reply"),
        "the round's answers are marked too: {marked:?}"
    );
    a.advance(300.0).unwrap();
    let said = feed(&mut a);
    assert!(
        said.contains(&format!(
            "User X hears back: x = 1, read at index {commit} after {l}'s heartbeat round 1 confirmed it still leads"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "{follower} asks leader {l} how far the log is committed (a read index)"
        )),
        "{said}"
    );
    // The round is done: nothing is marked any more, and the user is drawn with its answer.
    let s = json(&a.state());
    assert!(s["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["confirmsRead"].is_null()));
    a.repaint();
    let (base, _) = a.scenes();
    let texts: Vec<&str> = base.unwrap().texts().collect();
    assert!(texts.contains(&"heard: x = 1"), "{texts:?}");
    // A change is heard as committed, named (not "done").
    a.propose(&l.to_string(), "y=2").unwrap();
    a.advance(300.0).unwrap();
    a.repaint();
    let (base, _) = a.scenes();
    let texts: Vec<&str> = base.unwrap().texts().collect();
    assert!(texts.contains(&"heard: y=2 committed"), "{texts:?}");
    assert_eq!(a.journal().matches("4:read").count(), 1, "journaled once");
}

/// Bad keys are refused with the reason, and nothing is sent.
#[test]
fn a_read_needs_a_key() {
    let mut a = with_x1("?seed=4&nodes=3");
    for bad in ["", "x=1", "two words"] {
        let e = read(&mut a, "A", bad).unwrap_err();
        assert!(e.contains("is not a key"), "{e}");
    }
    let long = "k".repeat(80);
    assert!(read(&mut a, "A", &long).unwrap_err().contains("bytes long"));
    assert!(a.sim().clients().iter().all(|c| c.outstanding.is_none()));
}

/// Through the log (the read-mode setting), the read is an entry like a change.
#[test]
fn a_read_through_the_log_says_so() {
    let mut a = app("?seed=4&nodes=3");
    a.apply(Action::Set {
        name: crate::settings::Setting::ReadMode,
        value: "log".into(),
    })
    .unwrap();
    a.advance(2_000.0).unwrap();
    let l = leader(&a);
    a.propose(&l, "x=1").unwrap();
    a.advance(500.0).unwrap();
    let last = a
        .sim()
        .node(a.sim().leader().unwrap())
        .unwrap()
        .log()
        .last_index();
    read(&mut a, &l, "x").unwrap();
    a.advance(500.0).unwrap();
    let said = feed(&mut a);
    assert!(
        said.contains("User X hears back: x = 1, read through the log"),
        "{said}"
    );
    let log = a.sim().node(a.sim().leader().unwrap()).unwrap().log();
    assert_eq!(log.last_index(), last.next(), "the read took a log entry");
}

/// A leader cut off from the others still believes it leads. With the round, its read
/// cannot be confirmed and fails; without it (`read-without-heartbeat`), it returns the old
/// value although the majority has moved on — the reason for the round.
#[test]
fn a_deposed_leader_serves_a_stale_read_only_without_the_round() {
    for broken in [false, true] {
        let mut a = with_x1("?seed=4&nodes=5");
        if broken {
            a.apply(Action::Bug {
                name: "read-without-heartbeat".into(),
                on: true,
            })
            .unwrap();
            a = {
                let mut b = a;
                b.pause();
                b.advance(2_000.0).unwrap();
                let l = leader(&b);
                b.propose(&l, "x=1").unwrap();
                b.advance(500.0).unwrap();
                feed(&mut b);
                b
            };
        }
        let old = leader(&a);
        let rest: String = ["A", "B", "C", "D", "E"]
            .iter()
            .filter(|n| **n != old)
            .copied()
            .collect();
        a.partition(&format!("{old}|{rest}")).unwrap();
        a.advance(1_500.0).unwrap();
        let new = a
            .sim()
            .ids()
            .filter(|id| id.letter().to_string() != old)
            .find(|&id| a.sim().node(id).unwrap().role() == river_core::Role::Leader)
            .unwrap()
            .letter()
            .to_string();
        a.propose(&new, "x=2").unwrap();
        a.advance(500.0).unwrap();
        feed(&mut a);
        read(&mut a, &old, "x").unwrap();
        a.advance(1_000.0).unwrap();
        let said = feed(&mut a);
        if broken {
            assert!(
                said.contains("User X hears back: x = 1, read at index")
                    && said.contains("without a heartbeat round (read-without-heartbeat"),
                "{said}"
            );
            // Taking the read and skipping the round are one happening: one line.
            assert!(
                said.contains("as the read index and, broken on purpose"),
                "{said}"
            );
            assert!(!said.contains("serves the reads of round"), "{said}");
        } else {
            assert!(!said.contains("x = 1"), "{said}");
            assert!(said.contains(&format!("{old} gave up a read")), "{said}");
            // The user is told the read failed at the old leader, not sent back to it.
            assert!(
                said.contains(&format!("User X is told the read failed: {old} took it")),
                "{said}"
            );
            assert!(
                !said.contains(&format!("not the leader, {old} is")),
                "{said}"
            );
        }
    }
}

/// `stale-read`: a follower answers from its own store; cut off, it misses x=2.
#[test]
fn a_stale_read_answers_from_a_cut_off_follower() {
    let mut a = app("?seed=4&nodes=5");
    a.apply(Action::Bug {
        name: "stale-read".into(),
        on: true,
    })
    .unwrap();
    a.pause();
    a.advance(2_000.0).unwrap();
    let l = leader(&a);
    a.propose(&l, "x=1").unwrap();
    a.advance(500.0).unwrap();
    let follower = if l == "A" { "B" } else { "A" };
    let rest: String = ["A", "B", "C", "D", "E"]
        .iter()
        .filter(|n| **n != follower)
        .copied()
        .collect();
    a.partition(&format!("{follower}|{rest}")).unwrap();
    a.propose(&l, "x=2").unwrap();
    a.advance(500.0).unwrap();
    feed(&mut a);
    read(&mut a, follower, "x").unwrap();
    a.advance(500.0).unwrap();
    let said = feed(&mut a);
    assert!(
        said.contains("User X hears back: x = 1, read straight from the server's own store"),
        "{said}"
    );
}

/// The number after `what` in `line`.
fn number_after(line: &str, what: &str) -> u64 {
    let at = line
        .find(what)
        .unwrap_or_else(|| panic!("{what} in {line}"))
        + what.len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// Two users read at once: one at a follower, whose read travels one more hop to the
/// leader, and one at the leader. The leader takes the second read first, in an earlier
/// heartbeat round, and it is answered first. Each answer names its own round: reads are
/// followed by the id the servers give them, not in the order users asked (matched in
/// order, the first user's answer named the second's round).
#[test]
fn reads_answered_out_of_order_each_name_their_own_round() {
    let mut a = with_x1("?seed=4&nodes=5");
    let l = leader(&a);
    let follower = if l == "A" { "B" } else { "A" };
    read(&mut a, follower, "x").unwrap();
    read(&mut a, &l, "x").unwrap();
    a.advance(600.0).unwrap();
    let said = feed(&mut a);
    let lines: Vec<&str> = said.lines().collect();
    let user_of = |node: &str| -> String {
        let asked = format!(" asks {node} to read x");
        let line = lines.iter().find(|l| l.contains(&asked)).unwrap();
        line[..line.find(&asked).unwrap()].to_string()
    };
    let (far, near) = (user_of(follower), user_of(&l));
    assert_ne!(far, near);
    let answer = |user: &str| -> (usize, u64) {
        let start = format!("{user} hears back: x = 1, read at index");
        let k = lines
            .iter()
            .position(|line| line.starts_with(&start))
            .unwrap_or_else(|| panic!("{start}\n{said}"));
        (k, number_after(lines[k], "heartbeat round "))
    };
    let ((far_line, far_round), (near_line, near_round)) = (answer(&far), answer(&near));
    assert!(
        near_line < far_line,
        "the later read is answered first:\n{said}"
    );
    assert!(
        far_round > near_round,
        "{far}'s read reached {l} later, in a later round:\n{said}"
    );
}

/// A read sent to a crashed server goes unanswered, and the user's giving up is not a
/// change's "may or may not apply": a read changes nothing and can simply be asked again.
#[test]
fn a_user_giving_up_on_a_read_is_told_it_can_ask_again() {
    let mut a = with_x1("?seed=4&nodes=5");
    let follower = if leader(&a) == "A" { "B" } else { "A" };
    a.crash(follower).unwrap();
    read(&mut a, follower, "x").unwrap();
    a.advance(3_000.0).unwrap();
    let heard = feed(&mut a);
    assert!(
        heard.contains("stops waiting for get x: no answer; a read changes nothing"),
        "{heard}"
    );
}
