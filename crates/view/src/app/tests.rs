//! The page model, driven as the page drives it: every action through [`App::apply`].

use super::*;
use crate::action::{self, Action, Groups, MessageAction, Node};
use river_sim::network::Endpoint;

pub(crate) fn app(query: &str) -> App {
    let mut app = App::new(query, Viewport::new(1000.0, 560.0), || 77);
    app.pause();
    app
}

fn node<'a>(app: &'a App, letter: &str) -> &'a river_core::Node<river_sim::kv::Command> {
    app.sim().node(letter_of(letter).0).unwrap()
}

/// A node letter as the boundary reads it (tests name nodes past a cluster's end too).
fn letter_of(text: &str) -> Node {
    action::node(text).unwrap()
}

type Done = Result<(), String>;

/// An answer as JavaScript would see it, parsed: tests look at values, not text.
pub(crate) fn json(answer: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(answer).unwrap()
}

/// The feed's waiting sentences, one per line.
fn feed_text(a: &mut App) -> String {
    let lines: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    lines.join("\n")
}

/// The page's actions as tests write them, each taken through [`App::apply`].
pub(crate) trait Acts {
    /// Applies `action`.
    fn act(&mut self, action: Action) -> Result<Option<String>, String>;
    fn done(&mut self, action: Action) -> Done {
        self.act(action).map(drop)
    }
    fn propose(&mut self, node: &str, command: &str) -> Done {
        let (node, command) = (letter_of(node), command.into());
        self.done(Action::Propose { node, command })
    }
    fn cut(&mut self, a: &str, b: &str, one_way: bool) -> Done {
        let (a, b) = (letter_of(a), letter_of(b));
        self.done(Action::Cut { a, b, one_way })
    }
    fn heal(&mut self, a: &str, b: &str) -> Done {
        let (a, b) = (letter_of(a), letter_of(b));
        self.done(Action::Heal { a, b })
    }
    fn partition(&mut self, groups: &str) -> Done {
        self.done(Action::Partition(Groups::parse(groups)?))
    }
    fn heal_all(&mut self) {
        self.done(Action::HealAll).unwrap()
    }
    fn crash(&mut self, node: &str) -> Done {
        self.done(Action::Crash(letter_of(node)))
    }
    fn restart(&mut self, node: &str) -> Done {
        self.done(Action::Restart(letter_of(node)))
    }
    fn timeout(&mut self, node: &str) -> Done {
        self.done(Action::Timeout(letter_of(node)))
    }
    fn pause(&mut self) {
        self.done(Action::Pause).unwrap()
    }
    fn play(&mut self) {
        self.done(Action::Play).unwrap()
    }
    fn set_speed(&mut self, speed: f64) {
        self.done(Action::Speed(speed)).unwrap()
    }
    fn advance(&mut self, ms: f64) -> Done {
        self.done(Action::Advance(ms))
    }
    fn step(&mut self) {
        self.done(Action::Step).unwrap()
    }
    fn step_event(&mut self) -> String {
        self.act(Action::StepEvent).unwrap().unwrap_or_default()
    }
    fn step_back(&mut self) {
        self.done(Action::StepBack).unwrap()
    }
    fn seek(&mut self, ms: f64) -> Done {
        self.done(Action::Seek(ms))
    }
    fn switch_branch(&mut self, k: f64) -> Done {
        self.done(Action::Branch(k))
    }
    fn message(&mut self, id: f64, what: MessageAction) -> Done {
        self.done(Action::Message { id, what })
    }
    fn set_setting(&mut self, name: &str, value: &str) -> Done {
        let name = Setting::from_name(name).ok_or("no such setting")?;
        let value = value.into();
        self.done(Action::Set { name, value })
    }
    fn set_bug(&mut self, name: &str, on: bool) -> Done {
        let name = name.into();
        self.done(Action::Bug { name, on })
    }
    fn load(&mut self, text: &str, name: &str) -> Done {
        let (text, name) = (text.into(), name.into());
        self.done(Action::Load { text, name })
    }
    fn play_built_in(&mut self, name: &str) -> Done {
        self.done(Action::PlayBuiltIn(name.into()))
    }
    fn stop_story(&mut self) {
        self.done(Action::StopStory).unwrap()
    }
}

impl Acts for App {
    fn act(&mut self, action: Action) -> Result<Option<String>, String> {
        self.apply(action)
    }
}

#[test]
fn the_address_seed_and_size_are_used_and_bad_ones_noticed() {
    let a = app("?seed=12&nodes=3");
    assert_eq!((a.settings().seed, a.sim().size()), (12, 3));
    assert!(a.notices().is_empty());
    let b = app("?seed=x");
    assert_eq!(b.settings().seed, 77, "the random seed");
    assert!(b.notices()[0].contains("'x'"), "{:?}", b.notices());
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
    a.set_speed(5.0);
    assert_eq!(a.speed(), MAX_SPEED);
    a.set_speed(0.0);
    assert_eq!(a.speed(), MIN_SPEED);
}

#[test]
fn same_seed_and_calls_give_the_same_state() {
    let run = || {
        let mut a = app("?seed=5");
        a.advance(1_500.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.propose(&leader, "x=1").unwrap();
        a.advance(700.0).unwrap();
        json(&a.state())
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
    let feed = feed_text(&mut a);
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
    let story = json(&a.scenario());
    assert_eq!(story["state"], "finished", "{story}");
    let feed = feed_text(&mut a);
    assert!(feed.contains("Line 13: partition AB | CDE"), "{feed}");
    assert!(feed.contains("finished: every expectation held"), "{feed}");
}

#[test]
fn a_failing_expectation_names_its_line() {
    let mut a = app("");
    a.load("nodes 3\nseed 1\nwait 10\nexpect A leader\n", "mine")
        .unwrap();
    a.advance(100.0).unwrap();
    let story = json(&a.scenario());
    assert_eq!(
        (&story["state"], &story["line"]),
        (&"failed".into(), &4.0.into())
    );
    let error = story["error"].as_str().unwrap();
    assert!(error.contains("expected A to be leader"), "{story}");
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
    assert_eq!(json(&a.node_info(letter_of("A")).unwrap())["alive"], true);
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
    assert_eq!(json(&a.settings_answer())["nodes"], "7");
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

/// Replaying a run's journal gives the same picture, the same trace, the same scenario
/// progress and the same next suggestion.
pub(crate) fn carried(a: &mut App) -> App {
    let text = a.journal();
    let mut b = app("?seed=3");
    b.replay(&text).unwrap_or_else(|e| panic!("{e}"));
    b.set_speed(a.speed());
    assert_eq!(json(&a.state()), json(&b.state()));
    assert_eq!(a.sim().trace.digest(), b.sim().trace.digest());
    assert_eq!(json(&a.scenario()), json(&b.scenario()));
    assert_eq!(json(&a.settings_answer()), json(&b.settings_answer()));
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

#[test]
fn figure8_commit_is_caught_live_and_correct_raft_stays_safe() {
    let text = scenario::built_in("figure8").unwrap();
    let mut a = app("");
    a.set_bug("figure8-commit", true).unwrap();
    a.load(text, "figure8").unwrap();
    a.advance(5_000.0).unwrap();
    let safety = json(&a.safety());
    assert_eq!(safety["ok"], false, "{safety}");
    let properties: Vec<&str> = safety["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["property"].as_str().unwrap())
        .collect();
    assert!(properties.contains(&"Leader Completeness"), "{safety}");
    assert!(safety["properties"].as_array().unwrap().len() >= 5);
    assert!(a.timeline().marks.iter().any(|m| m.kind == "violation"));
    let bugs = json(&a.bugs());
    assert_eq!(bugs[0]["name"], "figure8-commit");
    assert_eq!(bugs[0]["on"], true);
    a.set_bug("figure8-commit", false).unwrap();
    a.load(text, "figure8").unwrap();
    a.advance(5_000.0).unwrap();
    assert_eq!(json(&a.safety())["ok"], true);
    assert!(a.set_bug("no-such-bug", true).is_err());
}

#[test]
fn nothing_runs_while_paused_and_the_timeline_refresh_is_throttled() {
    let mut a = app("?seed=3");
    assert_eq!(
        a.next_frame_in_ms(),
        None,
        "paused: no frame until someone acts"
    );
    a.set_speed(1.0);
    a.play();
    assert_eq!(a.next_frame_in_ms(), Some(0), "fast: every animation frame");
    let (mut wall, mut refreshes) = (0.0, 0);
    a.frame(wall);
    for _ in 0..300 {
        wall += 16.0;
        if a.frame(wall) & changed::TIMELINE != 0 {
            refreshes += 1;
        }
    }
    // 4.8 s of wall time at 1x: elections and heartbeats, but at most one refresh per 250 ms.
    assert!((2..=20).contains(&refreshes), "{refreshes}");
    a.set_speed(0.05);
    let sleep = a.next_frame_in_ms().unwrap();
    assert!(
        sleep as f64 <= SLOW_OVERLAY_INTERVAL_MS,
        "slow: a short sleep, {sleep} ms"
    );
}
