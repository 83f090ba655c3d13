//! The page model, driven as the page drives it: every action through [`App::apply`].

use super::*;
use crate::action::{self, Action, Groups, MessageAction, Node};

pub(crate) fn app(query: &str) -> App {
    let mut app = App::new(query, Viewport::new(1000.0, 560.0), || 77);
    app.pause();
    app
}

fn node<'a>(app: &'a App, letter: &str) -> &'a river_core::Node<river_sim::kv::Command> {
    app.sim().node(letter_of(letter).0).unwrap()
}

/// Runs the page's clock until a tour waits for the reader (or a long time passes).
pub(crate) fn to_pause(a: &mut App) {
    for _ in 0..400 {
        if a.tour().state != "playing" {
            return;
        }
        a.advance(50.0).unwrap();
    }
}

/// A node letter as the boundary reads it (tests name nodes past a cluster's end too).
pub(crate) fn letter_of(text: &str) -> Node {
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
    // Named at its own line (it always said line 1).
    let err = a.load("# big\nseed 4\nnodes 12\n", "big").unwrap_err();
    assert!(err.starts_with("line 3: "), "{err}");
    let err = a
        .load("nodes 3\n\nseed 9007199254740992\n", "far")
        .unwrap_err();
    assert!(err.starts_with("line 3: "), "{err}");
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

/// A link cut both ways, or restored, is one line in the feed: it was two, one per
/// direction ("Cut link: A → C", then "Cut link: C → A"), for one click.
#[test]
fn a_link_cut_or_restored_both_ways_is_one_feed_line() {
    let mut a = app("?seed=1&paused");
    a.advance(1_500.0).unwrap();
    feed_text(&mut a);
    a.cut("A", "C", false).unwrap();
    assert_eq!(feed_text(&mut a), "Cut link: A–C");
    a.heal("A", "C").unwrap();
    assert_eq!(feed_text(&mut a), "Restored link: A–C");
    // One way stays one direction.
    a.cut("B", "D", true).unwrap();
    assert_eq!(feed_text(&mut a), "Cut link: B → D");
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

/// Replaying a run's journal gives the same picture, the same trace, the same scenario
/// progress and the same next suggestion.
pub(crate) fn carried(a: &mut App) -> App {
    let text = a.journal();
    let mut b = app("?seed=3");
    b.take_feed();
    b.replay(&text).unwrap_or_else(|e| panic!("{e}"));
    // The feed begins again with the carried run's new-cluster line (the page lets the
    // lines of the run it showed before go) and tells the run up to this moment as the
    // first page told it, every line in order (a broken variant switched on before the
    // first page's run began is told once more, after the new-cluster line).
    let feed = b.take_feed();
    let sim = a.sim();
    let (now, events) = (sim.now_ms(), sim.stats.events);
    a.feed.rewind(now, events);
    let told = a.take_feed();
    let texts =
        |f: &[crate::answers::FeedAnswer]| f.iter().map(|l| l.text.clone()).collect::<Vec<_>>();
    let (feed_texts, told_texts) = (texts(&feed), texts(&told));
    let mut rest = feed_texts.iter();
    for line in &told_texts {
        assert!(
            rest.any(|l| l == line),
            "the carried feed lost {line:?}:\n{feed_texts:?}\nagainst\n{told_texts:?}"
        );
    }
    let fresh = alloc::format!("with seed {}:", a.sim().config().seed);
    assert!(
        feed.iter()
            .any(|l| l.kind == "run" && l.text.contains(&fresh)),
        "{fresh} {}",
        json(&feed)
    );
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
        a.next_frame_in_ms(0.0),
        None,
        "paused: no frame until someone acts"
    );
    a.set_speed(1.0);
    a.play();
    assert_eq!(
        a.next_frame_in_ms(0.0),
        Some(0),
        "fast: every animation frame"
    );
    let (mut wall, mut refreshes) = (0.0, 0);
    a.frame(wall);
    for _ in 0..300 {
        wall += 16.0;
        if a.frame(wall) & (changed::TIMELINE | changed::CLOCK) != 0 {
            refreshes += 1;
        }
    }
    // 4.8 s of wall time at 1x: elections and heartbeats, but at most one refresh per 250 ms.
    assert!((2..=20).contains(&refreshes), "{refreshes}");
    a.set_speed(0.05);
    wall += 40.0;
    a.frame(wall);
    let _ = a.scenes();
    // Slow: the sleep ends in the next repaint, one interval after this one's start, however
    // long the frame took.
    let interval = SLOW_OVERLAY_INTERVAL_MS as u32;
    assert_eq!(a.next_frame_in_ms(wall), Some(interval));
    assert_eq!(a.next_frame_in_ms(wall + 3.0), Some(interval - 3));
    assert_eq!(a.next_frame_in_ms(wall + 50.0), Some(0));
}

/// The strip's time follows the canvas's clock at the default speed even in a quiet
/// stretch, when a leader only sends heartbeats and nothing new is told: at most one refresh
/// interval (and a frame) of wall time behind. It used to wait for the next feed line, so
/// the strip said 0.275 s while the canvas read 452 ms.
#[test]
fn the_timeline_follows_the_clock_through_a_quiet_stretch() {
    let mut a = app("?seed=3");
    a.play();
    assert_eq!(a.speed(), DEFAULT_SPEED);
    let frame_ms = SLOW_OVERLAY_INTERVAL_MS;
    let (mut wall, mut told) = (0.0, 0.0);
    let (mut quiet_ms, mut longest_quiet_ms): (f64, f64) = (0.0, 0.0);
    let mut clock_only = 0;
    a.frame(wall);
    // 40 s of wall time: 2 s simulated, the first election and then heartbeats.
    for _ in 0..(40_000.0 / frame_ms) as usize {
        wall += frame_ms;
        let bits = a.frame(wall);
        // As the page does: the feed's new lines are taken.
        if bits & changed::FEED != 0 {
            a.take_feed();
        }
        if bits & (changed::TIMELINE | changed::CLOCK) != 0 {
            told = a.timeline().now_ms;
        }
        // The clock alone moved on: the page redraws the strip's time, nothing else.
        clock_only += u32::from(bits & changed::CLOCK != 0 && bits & changed::TIMELINE == 0);
        quiet_ms = if bits & (changed::FEED | changed::STATUS) == 0 {
            quiet_ms + frame_ms
        } else {
            0.0
        };
        longest_quiet_ms = longest_quiet_ms.max(quiet_ms);
        let behind = a.sim().now_ms() as f64 - told;
        let allowed = (TIMELINE_REFRESH_MS + frame_ms) * a.speed() + 1.0;
        assert!(
            behind <= allowed,
            "at {} ms the strip said {told} ms ({behind} ms behind; {quiet_ms} ms of wall time \
             with nothing told)",
            a.sim().now_ms()
        );
    }
    assert!(longest_quiet_ms >= 10_000.0, "{longest_quiet_ms}");
    assert!(clock_only >= 40, "{clock_only}");
}

/// Plays scenario `text` on the page for half a second; its feed, and where in it a text
/// first appears (a failure names the text and shows the feed).
fn played(text: &str) -> (String, impl Fn(&str) -> usize) {
    let mut a = app("");
    a.load(text, "mine").unwrap();
    for _ in 0..5 {
        a.advance(100.0).unwrap();
    }
    let feed = feed_text(&mut a);
    let copy = feed.clone();
    let at = move |s: &str| {
        copy.find(s)
            .unwrap_or_else(|| panic!("no '{s}' in\n{copy}"))
    };
    (feed, at)
}

/// A scenario line is told before what it causes, not after: "Line 4: add E", then E
/// starts. At the scenario's end too, where the last steps' records were told first.
#[test]
fn a_scenario_line_is_told_before_what_it_causes() {
    let (feed, at) = played("nodes 4\nseed 1\ntimeout A\nwait 150\nadd E\nwait 150\nadd F\n");
    assert!(at("Line 3: timeout A") < at("A timed out"), "{feed}");
    assert!(at("A timed out") < at("Line 4: wait 150"), "{feed}");
    assert!(at("Line 4: wait 150") < at("voted for A"), "{feed}");
    assert!(at("A became leader") < at("Line 5: add E"), "{feed}");
    assert!(at("Line 5: add E") < at("E started"), "{feed}");
    assert!(at("Line 7: add F") < at("F started"), "{feed}");
    assert!(at("F started") < at("The scenario finished"), "{feed}");
}

/// A scenario line the simulation does not do is told, with why, in the words `river run
/// --scenario` prints (`Driver::refused`), once: it used to pass without a word (a transfer)
/// or be told by the trace alone (a membership change). A refused line changes nothing: an
/// `add` no leader takes starts no server (D was started all the same).
#[test]
fn a_refused_scenario_line_is_told_with_why() {
    let (feed, at) =
        played("nodes 3\nseed 1\ntimeout A\nadd D\nwait 300\ntransfer B C\ncrash C\ncrash C\n");
    assert!(at("Line 4: add D refused: no server leads") > 0, "{feed}");
    assert!(!feed.contains("D started"), "{feed}");
    assert!(
        at("Line 6: transfer B C refused: B does not lead") > at("Line 4"),
        "{feed}"
    );
    assert!(
        at("Line 8: crash C refused: C is down already") > at("Line 7"),
        "{feed}"
    );
    assert_eq!(feed.matches("no server leads").count(), 1, "{feed}");
}
