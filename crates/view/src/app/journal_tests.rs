//! A run carried by its journal to another page exactly (random sessions of every action),
//! and time travel: rewinding, branches, one event forward and back.

use super::tests::*;
use super::*;
use crate::action::{Action, MessageAction};

/// A small generator for the test's choices (not the simulation's: that has its own).
fn pick(state: &mut u64, n: u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state % n
}

/// Plays a random session on `a`: frames at random wall gaps and speeds, and every
/// kind of action a journal holds, by the API and by clicks.
fn random_session(a: &mut App, rng: &mut u64, steps: usize) {
    let mut wall = 0.0;
    for _ in 0..steps {
        let n = a.sim().size() as u64;
        let letter = |k: u64| String::from(char::from(b'A' + k as u8));
        let (x, y) = (letter(pick(rng, n)), letter(pick(rng, n)));
        // Refusals (a crashed node timed out, every user busy) are part of a session.
        match pick(rng, 24) {
            0 => drop(a.propose(&x, &format!("k={}", pick(rng, 100)))),
            1 => drop(a.cut(&x, &y, pick(rng, 2) == 0)),
            2 => drop(a.heal(&x, &y)),
            3 => drop(a.partition(&a.default_partition())),
            4 => a.heal_all(),
            5 => drop(a.crash(&x)),
            6 => drop(a.restart(&x)),
            7 => drop(a.timeout(&x)),
            8 => drop(a.set_setting("latency-max", &format!("{}", 20 + pick(rng, 60)))),
            9 => drop(a.set_setting("loss-percent", &format!("{}.5", pick(rng, 20)))),
            10 => a.step(),
            11 => drop(a.advance(pick(rng, 3000) as f64 + 0.25)),
            12 => a.stop_story(),
            14 => drop(a.done(Action::Freeze(crate::action::node(&x).unwrap()))),
            15 => drop(a.done(Action::Thaw(crate::action::node(&x).unwrap()))),
            13 => {
                // The middle of a link: a click cuts it (or one way) or restores it.
                let g = a.geometry();
                let (p, q) = (
                    g.nodes[pick(rng, n) as usize],
                    g.nodes[pick(rng, n) as usize],
                );
                let shift = pick(rng, 2) == 0;
                a.click((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0, shift);
            }
            // A setting that starts a fresh cluster: the journal starts again too.
            16 => drop(a.set_setting("heartbeat", &format!("{}", 40 + pick(rng, 30)))),
            // Time travel and the wire: all in the journal, branches included.
            17 => drop(a.seek(pick(rng, a.tl.end_ms() + 1) as f64)),
            18 => drop(a.step_event()),
            19 => a.step_back(),
            20 => {
                let ids: Vec<u64> = a.sim().in_flight().map(|m| m.id).collect();
                if !ids.is_empty() {
                    let id = ids[pick(rng, ids.len() as u64) as usize] as f64;
                    drop(a.message(id, MessageAction::ALL[pick(rng, 4) as usize]));
                }
            }
            21 => drop(a.switch_branch(pick(rng, 3) as f64)),
            22 if pick(rng, 4) == 0 => {
                let bug = river_core::Bug::ALL[pick(rng, 4) as usize];
                drop(a.set_bug(bug.name(), pick(rng, 2) == 0));
            }
            _ => {
                a.set_speed(1.0 / (1 + pick(rng, 50)) as f64);
                a.play();
                for _ in 0..pick(rng, 20) {
                    wall += pick(rng, 40) as f64 + 0.37;
                    a.frame(wall);
                }
                a.pause();
            }
        }
    }
}

#[test]
fn a_journal_carries_the_run_to_another_page_exactly() {
    for seed in 1..=12u64 {
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut a = app(&format!("?seed={seed}&nodes={}", 3 + seed % 5));
        if seed % 3 == 0 {
            a.play_built_in("partition").unwrap();
        } else if seed % 3 == 1 {
            a.set_setting("election-timeout-max", "650").unwrap();
            a.set_setting("election-timeout-min", "400").unwrap();
        }
        random_session(&mut a, &mut rng, 60);
        let mut b = carried(&mut a);
        // And the two go on alike.
        a.advance(5_000.0).unwrap();
        b.advance(5_000.0).unwrap();
        assert_eq!(json(&a.state()), json(&b.state()), "seed {seed}");
    }
}

#[test]
fn a_scenario_half_played_is_carried_and_plays_on_alike() {
    let mut a = app("?seed=9");
    a.play_built_in("partition").unwrap();
    a.advance(1_500.0).unwrap();
    a.cut("A", "C", true).unwrap();
    a.advance(700.5).unwrap();
    let mut b = carried(&mut a);
    assert_eq!(a.scenario().state, "playing");
    for _ in 0..40 {
        a.advance(1_000.0).unwrap();
        b.advance(1_000.0).unwrap();
        assert_eq!(json(&a.scenario()), json(&b.scenario()));
    }
    assert_eq!(json(&a.state()), json(&b.state()));
}

#[test]
fn a_journal_is_refused_when_the_run_would_go_differently() {
    let mut a = app("?seed=5");
    a.advance(2_000.0).unwrap();
    a.crash("B").unwrap();
    let read = crate::journal::read(&a.journal()).unwrap();
    let mut shifted = Journal::new(read.journal.head);
    for (k, e) in read.journal.entries.iter().enumerate() {
        let events = e.events + u64::from(k == 0);
        shifted.push(e.time_ms, events, e.action.clone());
    }
    let mut b = app("?seed=3");
    let e = b
        .replay(&shifted.encode(read.clock_ms, read.proposals))
        .unwrap_err();
    assert!(e.contains("went differently"), "{e}");
    assert!(b
        .replay("garbage")
        .unwrap_err()
        .contains("not a River Raft journal"));
}

#[test]
fn the_journal_holds_each_action_once_with_its_moment() {
    let mut a = app("?seed=5");
    a.advance(2_000.0).unwrap();
    a.crash("B").unwrap();
    assert!(a.crash("Q").is_err(), "refused: not journaled");
    a.seek(1_000.0).unwrap();
    a.set_speed(0.5);
    let read = crate::journal::read(&a.journal()).unwrap();
    let entries: Vec<(u64, Action)> = read
        .journal
        .entries
        .iter()
        .map(|e| (e.time_ms, e.action.clone()))
        .collect();
    let b = letter_of("B");
    assert_eq!(
        entries,
        [(2_000, Action::Crash(b)), (2_000, Action::Seek(1_000.0))]
    );
}

#[test]
fn rewinding_shows_the_earlier_state_exactly() {
    let mut a = app("?seed=3");
    a.advance(40.0).unwrap();
    let early = json(&a.state());
    a.advance(2_000.0).unwrap();
    assert!(a.sim().leader().is_some());
    let marks = json(&a.timeline())["marks"].clone();
    let kinds: Vec<&str> = marks
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"leader"), "{marks}");
    a.seek(40.0).unwrap();
    assert_eq!(json(&a.state()), early);
    // Replaying forward reaches the same future.
    a.seek(2_040.0).unwrap();
    let leader = a.sim().leader();
    a.seek(40.0).unwrap();
    a.advance(2_000.0).unwrap();
    assert_eq!(a.sim().leader(), leader);
}

#[test]
fn acting_in_the_past_starts_a_branch_and_keeps_the_old_future() {
    let mut a = app("?seed=4");
    a.advance(1_000.0).unwrap();
    let end = a.sim().now_ms();
    a.seek(500.0).unwrap();
    a.crash("A").unwrap();
    let t = json(&a.timeline());
    assert_eq!(t["branches"], 1.0, "{t}");
    assert_eq!(t["endMs"], 500.0, "the new branch ends now: {t}");
    assert!(end > 500);
    // Back to the old future: nobody crashed there, and its end is reachable again.
    let crashed = json(&a.state());
    a.switch_branch(0.0).unwrap();
    assert!(
        a.sim().node(NodeId(0)).is_some(),
        "A runs in the old future"
    );
    a.seek(end as f64).unwrap();
    assert_eq!(a.sim().now_ms(), end);
    assert_eq!(a.timeline().branches, 1.0, "the crash branch is kept");
    a.switch_branch(0.0).unwrap();
    a.seek(500.0).unwrap();
    assert_eq!(json(&a.state()), crashed);
    assert!(a.switch_branch(5.0).is_err());
}

#[test]
fn stepping_names_the_event_and_stepping_back_undoes_it() {
    let mut a = app("?seed=5");
    a.advance(500.0).unwrap();
    a.step_event();
    let before = json(&a.state());
    let events = a.sim().stats.events;
    let words = a.step_event();
    assert!(
        words.contains("timer fired") || words.contains("arrived"),
        "{words}"
    );
    assert_eq!(a.sim().stats.events, events + 1);
    a.step_back();
    assert_eq!(a.sim().stats.events, events);
    assert_eq!(json(&a.state()), before);
}

/// What the page's feed shows after taking the waiting lines, as web/panels.ts does: a
/// new-cluster line starts it again.
fn page_feed(a: &mut App, shown: &mut Vec<String>) {
    let lines = a.take_feed();
    let fresh = lines.iter().rposition(|l| l.kind == "run");
    if fresh.is_some() {
        shown.clear();
    }
    shown.extend(lines[fresh.unwrap_or(0)..].iter().map(|l| l.text.clone()));
}

/// The feed tells what had happened up to the moment on screen: seeking back takes the
/// lines of the future left behind away, and playing on tells that future again.
#[test]
fn seeking_back_tells_the_feed_up_to_the_moment_shown() {
    let mut a = app("?seed=3");
    a.advance(2_000.0).unwrap();
    let played = a.take_feed();
    let elected = played
        .iter()
        .find(|l| l.text.contains("became leader"))
        .map(|l| l.time_ms)
        .unwrap();
    let before: Vec<String> = played
        .iter()
        .filter(|l| l.time_ms < elected)
        .map(|l| l.text.clone())
        .collect();
    a.seek(elected - 1.0).unwrap();
    let mut shown = Vec::new();
    page_feed(&mut a, &mut shown);
    let jumped = alloc::format!(
        "Jumped to t = {} s",
        words::decimal((elected - 1.0) / 1000.0)
    );
    assert_eq!(
        shown,
        [before.clone(), alloc::vec![jumped.clone()]].concat()
    );
    // Playing on appends the future again.
    a.advance(2_000.0).unwrap();
    page_feed(&mut a, &mut shown);
    assert_eq!(
        shown[..=before.len()],
        [before, alloc::vec![jumped]].concat()
    );
    assert!(
        shown.iter().any(|l| l.contains("became leader")),
        "{shown:#?}"
    );
}

/// One event back takes that event's lines out of the feed, at the same millisecond too.
#[test]
fn stepping_back_one_event_takes_its_lines_out_of_the_feed() {
    let mut a = app("?seed=5");
    a.advance(100.0).unwrap();
    let mut shown = Vec::new();
    page_feed(&mut a, &mut shown);
    let before = shown.clone();
    let mut told = 0;
    for _ in 0..200 {
        a.step_event();
        page_feed(&mut a, &mut shown);
        if shown.len() > before.len() + told {
            told = shown.len() - before.len();
            break;
        }
    }
    assert!(told > 0, "an event was told");
    let kept = shown[..shown.len() - told].to_vec();
    a.step_back();
    page_feed(&mut a, &mut shown);
    assert_eq!(
        shown,
        [kept, alloc::vec![String::from("Stepped back one event")]].concat()
    );
}
