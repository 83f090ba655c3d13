//! The page model, driven as the page drives it.

use super::*;
use river_sim::network::Endpoint;

fn app(query: &str) -> App {
    let mut app = App::new(query, Viewport::new(1000.0, 560.0), || 77);
    app.pause();
    app
}

fn node<'a>(app: &'a App, letter: &str) -> &'a river_core::Node<river_sim::kv::Command> {
    app.sim().node(app.node_id(letter).unwrap()).unwrap()
}

#[test]
fn the_address_seed_and_size_are_used_and_bad_ones_noticed() {
    let a = app("?seed=12&nodes=3");
    assert_eq!((a.settings().seed, a.sim().size()), (12, 3));
    assert!(a.notices().is_empty());
    let b = app("?seed=x");
    assert_eq!(b.settings().seed, 77, "the random seed");
    assert!(b.notices().contains("'x'"));
}

#[test]
fn wall_time_scaled_by_speed_moves_the_clock_unless_paused() {
    let mut a = App::new("?seed=1", Viewport::new(800.0, 500.0), || 0);
    a.frame(1_000.0);
    a.frame(1_016.0);
    assert!((a.clock_ms - 16.0 * DEFAULT_SPEED).abs() < 1e-9);
    a.set_speed(1.0);
    a.frame(1_032.0);
    assert_eq!(a.sim().now_ms(), 16);
    // A long gap (hidden tab) counts as at most MAX_FRAME_GAP_MS.
    a.frame(60_000.0);
    assert_eq!(a.sim().now_ms(), 116);
    a.pause();
    a.frame(60_100.0);
    assert_eq!(a.sim().now_ms(), 116);
    assert_eq!(a.set_speed(5.0), MAX_SPEED);
    assert_eq!(a.set_speed(0.0), MIN_SPEED);
}

#[test]
fn same_seed_and_calls_give_the_same_state() {
    let run = || {
        let mut a = app("?seed=5");
        a.advance(1_500.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.propose(&leader, "x=1").unwrap();
        a.advance(700.0).unwrap();
        a.state_json()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_change_sent_to_the_leader_commits_everywhere() {
    let mut a = app("?seed=3");
    a.advance(1_500.0).unwrap();
    let leader = a.sim().leader().unwrap().letter().to_string();
    a.propose(&leader, "x=42").unwrap();
    a.advance(1_000.0).unwrap();
    for id in a.sim().ids() {
        assert_eq!(
            a.sim().server(id).kv.read("x").map(String::as_str),
            Some("42")
        );
    }
    let feed = a.take_feed();
    assert!(feed.contains("x=42 is committed and applied"), "{feed}");
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let mut a = app("?seed=3&nodes=3");
    assert!(a.propose("D", "x=1").unwrap_err().contains("not a node"));
    assert!(a.propose("A", "").unwrap_err().contains("empty"));
    let long = "y".repeat(MAX_COMMAND_BYTES + 1);
    assert!(a.propose("A", &long).unwrap_err().contains("bytes"));
    assert!(a.cut("A", "A", false).is_err());
    assert!(a.partition("AB|BC").unwrap_err().contains("twice"));
    assert!(a.partition("A||BC").is_err());
    assert!(a.advance(-1.0).is_err());
    assert!(a.advance(f64::NAN).is_err());
    let err = a.load("nodes 3\ncrash Q\n", "mine").unwrap_err();
    assert!(err.starts_with("line 2"), "{err}");
    let err = a.load("nodes 12\n", "big").unwrap_err();
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn users_are_bounded() {
    let mut a = app("?seed=3&nodes=3");
    // Nobody leads yet: requests wait for answers, until every user is busy.
    a.crash("A").unwrap();
    for k in 0..MAX_USERS {
        a.propose("A", &format!("x={k}")).unwrap();
    }
    assert!(a.propose("A", "x=9").unwrap_err().contains("waiting"));
}

#[test]
fn the_partition_scenario_plays_through() {
    let mut a = app("");
    a.play_built_in("partition").unwrap();
    assert_eq!(a.settings().seed, 7);
    for _ in 0..200 {
        a.advance(100.0).unwrap();
    }
    let story = a.story_json();
    assert!(story.contains("\"state\":\"finished\""), "{story}");
    let feed = a.take_feed();
    assert!(feed.contains("Line 13: partition AB | CDE"), "{feed}");
    assert!(feed.contains("finished: every expectation held"), "{feed}");
}

#[test]
fn a_failing_expectation_names_its_line() {
    let mut a = app("");
    a.load("nodes 3\nseed 1\nwait 10\nexpect A leader\n", "mine")
        .unwrap();
    a.advance(100.0).unwrap();
    let story = a.story_json();
    assert!(story.contains("\"state\":\"failed\",\"line\":4"), "{story}");
    assert!(story.contains("expected A to be leader"), "{story}");
}

#[test]
fn clicking_links_cuts_and_restores_them() {
    let mut a = app("?seed=1");
    let geo = a.geometry().clone();
    let (pa, pc) = (geo.nodes[0], geo.nodes[2]);
    let mid = ((pa.0 + pc.0) / 2.0, (pa.1 + pc.1) / 2.0);
    assert_eq!(a.click(mid.0, mid.1, false), Click::Link);
    assert!(!a.sim().network().is_up(NodeId(0), NodeId(2)));
    assert!(!a.sim().network().is_up(NodeId(2), NodeId(0)));
    assert_eq!(a.click(mid.0, mid.1, false), Click::Link);
    assert!(a.sim().network().is_up(NodeId(0), NodeId(2)));
    // Shift near A: only A → C.
    let near_a = (pa.0 + (pc.0 - pa.0) * 0.3, pa.1 + (pc.1 - pa.1) * 0.3);
    a.click(near_a.0, near_a.1, true);
    assert!(!a.sim().network().is_up(NodeId(0), NodeId(2)));
    assert!(a.sim().network().is_up(NodeId(2), NodeId(0)));
    assert!(a.hover(near_a.0, near_a.1).contains("A → C is cut"));
    assert_eq!(a.click(pa.0, pa.1, false), Click::Node(NodeId(0)));
    assert!(a.node_json("A").unwrap().contains("\"alive\":true"));
}

#[test]
fn a_minority_leader_cannot_commit_but_the_majority_can() {
    let mut a = app("?seed=11");
    a.advance(1_500.0).unwrap();
    let old = a.sim().leader().unwrap();
    let others: Vec<NodeId> = a.sim().ids().filter(|&i| i != old).collect();
    let minority: String = [old, others[0]].iter().map(|i| i.letter()).collect();
    let majority: String = others[1..].iter().map(|i| i.letter()).collect();
    a.partition(&format!("{minority}|{majority}")).unwrap();
    let old_letter = old.letter().to_string();
    a.propose(&old_letter, "x=1").unwrap();
    a.advance(2_000.0).unwrap();
    assert_eq!(node(&a, &old_letter).role(), Role::Leader);
    let last = node(&a, &old_letter).log().last_index();
    assert!(node(&a, &old_letter).commit_index() < last);
    let new = a.sim().leader().unwrap();
    assert_ne!(new, old);
    a.propose(&new.letter().to_string(), "x=2").unwrap();
    a.advance(1_000.0).unwrap();
    a.heal_all();
    a.advance(3_000.0).unwrap();
    assert!(a.sim().converged());
    for id in a.sim().ids() {
        assert_eq!(
            a.sim().server(id).kv.read("x").map(String::as_str),
            Some("2")
        );
    }
}

#[test]
fn layers_repaint_only_when_they_changed() {
    let mut a = app("?seed=1");
    let (base, overlay) = a.scenes();
    assert!(
        base.is_some() && overlay.is_some(),
        "the first frame paints both"
    );
    assert_eq!(a.scenes(), (None, None), "nothing changed");
    a.advance(5.0).unwrap();
    let (_, overlay) = a.scenes();
    assert!(overlay.is_some(), "timers moved");
    a.resize(700.0, 700.0);
    let (base, overlay) = a.scenes();
    assert!(base.is_some() && overlay.is_some());
    a.hover(1.0, 1.0);
    assert_eq!(a.scenes().0, None, "hovering over nothing changes nothing");
}

#[test]
fn settings_restart_or_apply_live() {
    let mut a = app("?seed=1");
    a.advance(500.0).unwrap();
    a.set_setting("loss-percent", "10").unwrap();
    assert_eq!(a.sim().now_ms(), 500, "network changes keep the run");
    a.set_setting("nodes", "7").unwrap();
    assert_eq!((a.sim().now_ms(), a.sim().size()), (0, 7));
    assert_eq!(a.geometry().nodes.len(), 7);
    assert!(a.settings_json().contains("\"nodes\":\"7\""));
    assert_eq!(a.default_partition(), "ABC|DEFG");
}

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
        match pick(rng, 17) {
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

/// Replaying a run's journal gives the same picture, the same trace, the same scenario
/// progress and the same next suggestion.
fn carried(a: &mut App) -> App {
    let text = a.journal();
    let mut b = app("?seed=3");
    b.replay(&text).unwrap_or_else(|e| panic!("{e}"));
    b.set_speed(a.speed());
    assert_eq!(a.state_json(), b.state_json());
    assert_eq!(a.sim().trace.digest(), b.sim().trace.digest());
    assert_eq!(a.story_json(), b.story_json());
    assert_eq!(a.settings_json(), b.settings_json());
    assert_eq!((a.status(), a.suggestion()), (b.status(), b.suggestion()));
    assert_eq!(a.clock_ms.to_bits(), b.clock_ms.to_bits());
    b
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
        assert_eq!(a.state_json(), b.state_json(), "seed {seed}");
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
    assert!(a.story_json().contains("\"playing\""), "{}", a.story_json());
    for _ in 0..40 {
        a.advance(1_000.0).unwrap();
        b.advance(1_000.0).unwrap();
        assert_eq!(a.story_json(), b.story_json());
    }
    assert_eq!(a.state_json(), b.state_json());
}

#[test]
fn a_journal_is_refused_when_the_run_would_go_differently() {
    let mut a = app("?seed=5");
    a.advance(2_000.0).unwrap();
    a.crash("B").unwrap();
    let journal = crate::journal::read(&a.journal()).unwrap();
    let mut shifted = Journal::new(journal.head);
    for (k, e) in journal.entries.iter().enumerate() {
        let events = e.events + u64::from(k == 0);
        shifted.push(e.time_ms, events, &e.verb, &e.a, &e.b);
    }
    let mut b = app("?seed=3");
    let e = b
        .replay(&shifted.encode(journal.clock_ms, journal.proposals))
        .unwrap_err();
    assert!(e.contains("went differently"), "{e}");
    assert!(b
        .replay("garbage")
        .unwrap_err()
        .contains("not a River Raft journal"));
}

#[test]
fn travelling_in_time_ends_the_journal() {
    let mut a = app("?seed=5");
    a.advance(2_000.0).unwrap();
    assert!(!a.journal().is_empty());
    a.seek(1_000.0).unwrap();
    assert_eq!(a.journal(), "");
}

#[test]
fn rewinding_shows_the_earlier_state_exactly() {
    let mut a = app("?seed=3");
    a.advance(40.0).unwrap();
    let early = a.state_json();
    a.advance(2_000.0).unwrap();
    assert!(a.sim().leader().is_some());
    let marks = a.timeline_json();
    assert!(marks.contains("\"kind\":\"leader\""), "{marks}");
    a.seek(40.0).unwrap();
    assert_eq!(a.state_json(), early);
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
    let t: String = a.timeline_json();
    assert!(t.contains("\"branches\":1"), "{t}");
    assert!(t.contains("\"endMs\":500"), "the new branch ends now: {t}");
    assert!(end > 500);
    // Back to the old future: nobody crashed there, and its end is reachable again.
    let crashed = a.state_json();
    a.switch_branch(0.0).unwrap();
    assert!(
        a.sim().node(NodeId(0)).is_some(),
        "A runs in the old future"
    );
    a.seek(end as f64).unwrap();
    assert_eq!(a.sim().now_ms(), end);
    assert!(
        a.timeline_json().contains("\"branches\":1"),
        "the crash branch is kept"
    );
    a.switch_branch(0.0).unwrap();
    a.seek(500.0).unwrap();
    assert_eq!(a.state_json(), crashed);
    assert!(a.switch_branch(5.0).is_err());
}

#[test]
fn stepping_names_the_event_and_stepping_back_undoes_it() {
    let mut a = app("?seed=5");
    a.advance(500.0).unwrap();
    a.step_event();
    let before = a.state_json();
    let events = a.sim().stats.events;
    let words = a.step_event();
    assert!(
        words.contains("timer fired") || words.contains("arrived"),
        "{words}"
    );
    assert_eq!(a.sim().stats.events, events + 1);
    a.step_back();
    assert_eq!(a.sim().stats.events, events);
    assert_eq!(a.state_json(), before);
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
    a.hold_message(id as f64).unwrap();
    assert!(a.hold_message(id as f64).is_err(), "already held");
    a.advance(2_000.0).unwrap();
    let held = a.sim().in_flight().find(|m| m.id == id && m.held).unwrap();
    assert!(
        layout::progress(held, a.clock_ms) <= 0.5,
        "it waits mid-wire"
    );
    a.release_message(id as f64).unwrap();
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
    a.duplicate_message(id as f64).unwrap();
    a.advance(200.0).unwrap();
    assert_eq!(logs(&a), before);
    assert!(a.drop_message(1e12).is_err());
}

#[test]
fn figure8_commit_is_caught_live_and_correct_raft_stays_safe() {
    let text = scenario::built_in("figure8").unwrap();
    let mut a = app("");
    a.set_bug("figure8-commit", true).unwrap();
    a.load(text, "figure8").unwrap();
    a.advance(5_000.0).unwrap();
    let safety = a.safety_json();
    assert!(safety.starts_with("{\"ok\":false"), "{safety}");
    assert!(safety.contains("Leader Completeness"), "{safety}");
    assert!(a.timeline_json().contains("\"kind\":\"violation\""));
    assert!(a
        .bugs_json()
        .contains("\"name\":\"figure8-commit\",\"on\":true"));
    a.set_bug("figure8-commit", false).unwrap();
    a.load(text, "figure8").unwrap();
    a.advance(5_000.0).unwrap();
    assert!(
        a.safety_json().starts_with("{\"ok\":true"),
        "{}",
        a.safety_json()
    );
    assert!(a.set_bug("no-such-bug", true).is_err());
}
