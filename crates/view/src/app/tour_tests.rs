//! Guided tours on the page model: opened by name and step, stopped at each pause until
//! Continue, Back exactly to where the previous step began, what each step points at drawn
//! in the scene, and bad names and steps refused with the range.

use super::tests::{app, json, to_pause, Acts};
use super::*;
use crate::action::Action;
use crate::scene;
use crate::theme;
use river_core::NodeId;

fn open(a: &mut App, name: &str, step: f64) -> Result<(), String> {
    a.done(Action::Tour {
        name: name.into(),
        step,
    })
}

fn moment(a: &App) -> (u64, u64) {
    (a.sim().now_ms(), a.sim().stats.events)
}

fn role(a: &App, letter: char) -> Option<Role> {
    a.sim()
        .node(NodeId::from_letter(letter).unwrap())
        .map(|n| n.role())
}

fn term(a: &App, letter: char) -> u64 {
    let node = a.sim().node(NodeId::from_letter(letter).unwrap());
    node.unwrap().term().0
}

/// The partition tour as a reader takes it: each step stops until Continue, shows what it
/// claims (two leaders of different terms, the minority's change uncommitted, then
/// rolled back), and Back returns exactly to where the previous step began.
#[test]
fn the_partition_tour_stops_at_each_step_and_goes_back_exactly() {
    let mut a = app("seed=3");
    open(&mut a, "partition", 1.0).unwrap();
    let answer = json(&a.tour());
    assert_eq!(answer["name"], "partition");
    assert_eq!(answer["step"], 1.0);
    assert_eq!(answer["steps"].as_array().unwrap().len(), 5);
    assert!(!a.paused(), "a step runs at once");
    let mut starts = alloc::vec![moment(&a)];
    to_pause(&mut a);
    assert_eq!(a.tour().state, "waiting");
    assert!(a.paused(), "the clock stops with the step");
    // Time does not move on while the tour waits, whatever the clock is asked.
    let waiting = moment(&a);
    a.advance(500.0).unwrap();
    assert_eq!(moment(&a), waiting);
    assert_eq!(role(&a, 'A'), Some(Role::Leader));

    // Play at a pause means go on: the next step.
    a.play();
    assert_eq!(a.tour().step, 2.0);
    starts.push(moment(&a));
    to_pause(&mut a);
    let step = a.tour();
    assert_eq!((step.step, step.state), (2.0, "waiting"));
    assert_eq!(step.shown, ["A", "B", "A 3", "B 3"]);
    let a_node = a.sim().node(NodeId(0)).unwrap();
    assert_eq!(a_node.log().last_index().0 - a_node.commit_index().0, 1);

    a.done(Action::TourContinue).unwrap();
    starts.push(moment(&a));
    to_pause(&mut a);
    // Two leaders, of different terms; A's x=2 still uncommitted.
    assert_eq!((role(&a, 'A'), term(&a, 'A')), (Some(Role::Leader), 1));
    assert_eq!((role(&a, 'C'), term(&a, 'C')), (Some(Role::Leader), 2));
    let a_node = a.sim().node(NodeId(0)).unwrap();
    assert_eq!(a_node.log().last_index().0 - a_node.commit_index().0, 1);
    let after_step_3 = moment(&a);

    // Back: exactly where step 2 began, and step 2 plays again.
    a.done(Action::TourBack).unwrap();
    assert_eq!(moment(&a), starts[1]);
    assert_eq!(a.tour().step, 2.0);
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    assert_eq!(moment(&a), starts[2], "the same future again");
    to_pause(&mut a);
    assert_eq!(moment(&a), after_step_3);

    // The heal: A steps down, and still holds x=2, uncommitted.
    a.done(Action::TourContinue).unwrap();
    to_pause(&mut a);
    assert_eq!((a.tour().step, a.tour().state), (4.0, "waiting"));
    assert_eq!((role(&a, 'A'), term(&a, 'A')), (Some(Role::Follower), 2));
    let a_node = a.sim().node(NodeId(0)).unwrap();
    assert_eq!(a_node.log().last_index().0 - a_node.commit_index().0, 1);

    a.done(Action::TourContinue).unwrap();
    to_pause(&mut a);
    let last = a.tour();
    assert_eq!((last.step, last.state), (5.0, "finished"));
    // Rolled back: A and B follow C's log, x=3 everywhere.
    assert_eq!(role(&a, 'A'), Some(Role::Follower));
    assert!(a.sim().converged());
    assert_eq!(
        a.sim().server(NodeId(1)).kv.read("x"),
        Some(&String::from("3"))
    );
    assert!(
        a.done(Action::TourContinue).is_err(),
        "no step after the last"
    );

    // A step opened from the list is the moment reached by continuing to it.
    open(&mut a, "partition", 2.0).unwrap();
    assert_eq!(moment(&a), starts[1]);
    let mut fresh = app("");
    open(&mut fresh, "partition", 3.0).unwrap();
    assert_eq!(moment(&fresh), starts[2]);
}

#[test]
fn what_a_step_points_at_is_drawn() {
    let mut a = app("");
    open(&mut a, "partition", 2.0).unwrap();
    to_pause(&mut a);
    a.repaint();
    let (base, _) = a.scenes();
    let shown = base
        .unwrap()
        .shapes
        .iter()
        .filter(|s| {
            matches!(s, scene::Shape::Circle { stroke: Some(st), .. }
                | scene::Shape::Rect { stroke: Some(st), .. } if st.color == theme::SHOWN)
        })
        .count();
    assert_eq!(shown, 4, "two servers and two entries");
    a.done(Action::StopStory).unwrap();
    a.repaint();
    let (base, _) = a.scenes();
    let left = base.unwrap().shapes.iter().any(
        |s| matches!(s, scene::Shape::Circle { stroke: Some(st), .. } if st.color == theme::SHOWN),
    );
    assert!(!left, "nothing is pointed at once the tour ends");
}

/// A step points at what it is about from its first moment: after Back, Continue or a
/// step opened from the list, before the clock has run at all.
#[test]
fn a_step_shows_what_it_points_at_before_the_clock_runs() {
    let shown_servers = |a: &mut App| {
        a.repaint();
        let (base, _) = a.scenes();
        base.unwrap()
            .shapes
            .iter()
            .filter(|s| {
                matches!(s, scene::Shape::Circle { stroke: Some(st), .. } if st.color == theme::SHOWN)
            })
            .count()
    };
    let mut a = app("");
    open(&mut a, "partition", 1.0).unwrap();
    assert_eq!(a.tour().shown, ["A"]);
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    assert_eq!(a.tour().shown, ["A", "B"], "Continue");
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    to_pause(&mut a);
    a.done(Action::TourBack).unwrap();
    assert_eq!(a.tour().shown, ["A", "B"], "Back");
    assert_eq!(shown_servers(&mut a), 2, "drawn at once");
    open(&mut a, "partition", 4.0).unwrap();
    assert_eq!(
        a.tour().shown,
        ["A 3", "B 3", "C 3"],
        "a step opened from the list"
    );
}

/// What a step tells the reader to watch is still on screen when it stops for them: the
/// winner of the election after a split vote is among what it points at, Figure 8's
/// leaders stop alive with the entry in question dashed (A, correct) or solid (E, broken)
/// before they crash in the next step, and a restarted server's vote is told in the feed.
#[test]
fn what_a_step_says_to_watch_is_on_screen_at_its_pause() {
    let node = |a: &App, letter: char| {
        let id = NodeId::from_letter(letter).unwrap();
        (
            a.sim().node(id).map(|n| n.role()),
            a.sim().node(id).map_or(0, |n| n.commit_index().0),
        )
    };
    let mut a = app("");
    open(&mut a, "election", 4.0).unwrap();
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert!(!feed.iter().any(|l| l.contains("scenario")), "{feed:#?}");
    to_pause(&mut a);
    let leader = a.sim().leader().unwrap().to_string();
    assert!(a.tour().shown.contains(&leader), "{:?}", a.tour().shown);

    open(&mut a, "figure8", 3.0).unwrap();
    to_pause(&mut a);
    let (role, commit) = node(&a, 'A');
    assert!(
        role == Some(Role::Leader) && commit < 2,
        "x=1 at 2 stays dashed"
    );
    open(&mut a, "figure8", 7.0).unwrap();
    to_pause(&mut a);
    assert_eq!(
        node(&a, 'E'),
        (Some(Role::Leader), 4),
        "x=9 at 4 turned solid"
    );
    let e = a.sim().server(NodeId::from_letter('E').unwrap());
    assert_eq!(e.kv.read("x"), Some(&String::from("9")));

    open(&mut a, "restart", 3.0).unwrap();
    a.take_feed();
    to_pause(&mut a);
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert!(
        feed.iter()
            .any(|l| l == "B restarted from its disk: term 1, its vote for A, 3 entries"),
        "{feed:#?}"
    );
}

/// A restart is told with what the disk held as the server came back, however much ran
/// in the same frame: at 1× the election tour's last step ran A's restart and D's next
/// heartbeat in one frame, and the feed said A came back in term 3 with no vote, which
/// it had learnt from D after it restarted in term 1 (the caption's words).
#[test]
fn a_restart_is_told_as_its_disk_was_then() {
    let mut a = app("");
    open(&mut a, "election", 5.0).unwrap();
    a.take_feed();
    a.advance(500.0).unwrap();
    assert_eq!(term(&a, 'A'), 3, "A has heard D's term by the frame's end");
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert!(
        feed.iter()
            .any(|l| l == "A restarted from its disk: term 1, its vote for itself, 1 entry"),
        "{feed:#?}"
    );
}

#[test]
fn bad_tour_names_and_steps_are_refused_with_the_range() {
    let mut a = app("");
    let err = open(&mut a, "nope", 1.0).unwrap_err();
    assert!(
        err.starts_with("there is no tour named 'nope' (the tours: election,"),
        "{err}"
    );
    let err = open(&mut a, "election", 9.0).unwrap_err();
    assert_eq!(err, "the tour 'election' has steps 1 to 5, not 9");
    assert!(open(&mut a, "election", 0.0).is_err());
    assert!(open(&mut a, "election", 1.5).is_err());
    assert!(a.done(Action::TourContinue).is_err(), "no tour plays");
    assert_eq!(a.tour().state, "none");
}

/// Every tour can be played on the page with Continue to its end.
#[test]
fn every_tour_plays_to_its_end_with_continue() {
    for tour in tours() {
        let mut a = app("");
        open(&mut a, tour.name, 1.0).unwrap();
        loop {
            to_pause(&mut a);
            let state = a.tour();
            assert_ne!(state.state, "failed", "{}: {:?}", tour.name, state.error);
            if state.state == "finished" {
                break;
            }
            a.done(Action::TourContinue).unwrap();
        }
    }
}

#[test]
fn the_address_opens_a_tour_or_says_why_not() {
    let a = App::new(
        "?tour=replication&step=2",
        Viewport::new(1000.0, 560.0),
        || 7,
    );
    assert_eq!(
        (a.tour().step, a.tour().name.as_deref()),
        (2.0, Some("replication"))
    );
    assert!(a.notices().is_empty());
    for (query, words) in [
        ("?tour=nope", "there is no tour named 'nope'"),
        ("?tour=election&step=42", "has steps 1 to 5, not 42"),
        ("?tour=election&step=two", "a step is a whole number from 1"),
        ("?step=2", "names no tour"),
        ("?tour=%3Cb%3E", "no tour named '<b>'"),
    ] {
        let a = App::new(query, Viewport::new(1000.0, 560.0), || 7);
        let notices = a.notices();
        assert_eq!(notices.len(), 1, "{query}: {notices:?}");
        assert!(notices[0].contains(words), "{query}: {}", notices[0]);
        assert!(a.sim().size() > 0, "the page still runs");
    }
}

/// The texts drawn struck through: for each line in the lost colour, the text drawn last
/// before it under that line (what is on top where the line crosses).
fn struck(scene: &scene::Scene) -> Vec<String> {
    let mut out = Vec::new();
    for (k, shape) in scene.shapes.iter().enumerate() {
        let scene::Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        } = shape
        else {
            continue;
        };
        if stroke.color != theme::LOST || y1 != y2 {
            continue;
        }
        let under = scene.shapes[..k].iter().rev().find_map(|s| match s {
            scene::Shape::Text { x, y, text, .. } if y == y1 && x1 < x && x < x2 => Some(text),
            _ => None,
        });
        out.extend(under.cloned());
    }
    out
}

/// §5.3 rollback, seen where it happens: the entry A and B throw away after the heal is
/// told in one line naming both (not a line per rejected AppendEntries), and stays in
/// their log rows for a moment, struck through; then it is gone.
#[test]
fn the_partition_tours_rollback_is_one_line_and_struck_through_for_a_moment() {
    let mut a = app("");
    open(&mut a, "partition", 5.0).unwrap();
    a.take_feed();
    to_pause(&mut a);
    assert_eq!(a.tour().state, "finished");
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    let told: Vec<&String> = feed.iter().filter(|l| l.contains("threw away")).collect();
    assert_eq!(
        told,
        ["A and B threw away x=2 at index 3 to match leader C's log: it was never committed"],
        "{feed:#?}"
    );
    assert!(
        !feed.iter().any(|l| l.contains("rejected")),
        "no line per rejected AppendEntries: {feed:#?}"
    );
    a.repaint();
    let base = a.scenes().0.unwrap().clone();
    assert_eq!(struck(&base), ["x=2", "x=2"], "in A's row and in B's");
    // A moment later (at the page's speed) the entries that took their place show.
    a.advance(THROWN_SHOWN_WALL_MS * a.speed()).unwrap();
    a.repaint();
    let base = a.scenes().0.unwrap().clone();
    assert!(struck(&base).is_empty());
    assert!(!base.texts().any(|t| t == "x=2"));
}

/// Figure 8's pauses after a rollback show the entries that took the thrown-away ones'
/// place: struck through, x=1 hid E's entry at index 2 in B's, C's and D's rows (and, two
/// steps on, A's) for as long as the reader read step 4, whose caption is that E's entry
/// is now everywhere. Only the last step stops on a struck entry: the committed x=9 lost.
#[test]
fn figure8s_pauses_show_the_log_that_replaced_a_rollback() {
    let mut a = app("");
    open(&mut a, "figure8", 1.0).unwrap();
    for step in 1..=8 {
        to_pause(&mut a);
        assert_eq!(a.tour().step, f64::from(step));
        a.repaint();
        let struck = struck(a.scenes().0.unwrap());
        if step < 8 {
            assert!(struck.is_empty(), "step {step} stops on {struck:?}");
            a.done(Action::TourContinue).unwrap();
        } else {
            assert_eq!(a.tour().state, "finished");
            assert!(struck.contains(&String::from("x=9")), "{struck:?}");
        }
    }
}

/// A tour's stale read is said on the banner in one sentence, what happened: the caption
/// says why it matters, and the whole explanation as well made the banner so tall that the
/// drawing above it shrank past reading at 1280×800. Out of the tour, the banner explains.
#[test]
fn a_tours_stale_read_is_one_sentence_on_the_banner() {
    let mut a = app("");
    open(&mut a, "reads", 6.0).unwrap();
    to_pause(&mut a);
    assert_eq!(a.tour().state, "finished");
    assert_eq!(
        a.controls().broken_text,
        "Raft is broken: read-without-heartbeat. The tour switched it on to show what goes wrong: watch the feed and the safety badge. A read returned a stale value: x read 3, but x=4 had committed and been acknowledged at 1.68 s, before that read was asked."
    );
    a.done(Action::StopStory).unwrap();
    let banner = a.controls().broken_text;
    assert!(
        banner.contains("before that read was asked. A linearizable store answers"),
        "{banner}"
    );
}

/// The timeline's one-event Back, the scrubber and a kept future leave a tour, and the
/// feed says so at the moment shown: the line was pushed before the step back, after the
/// moment shown, and went with the future left behind, so the tour vanished unexplained.
/// Closing the tour says it ended too, and how to take it again.
#[test]
fn leaving_a_tour_by_moving_in_time_is_told_in_the_feed() {
    let ended = "The tour 'election' ended: moving in time leaves it (the Tours menu opens it again, at any step)";
    for act in [Action::StepBack, Action::Seek(100.0)] {
        let mut a = app("");
        open(&mut a, "election", 2.0).unwrap();
        to_pause(&mut a);
        a.take_feed();
        a.done(act.clone()).unwrap();
        assert_eq!(a.tour().state, "none", "{act:?}");
        let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
        assert_eq!(
            feed.last().map(String::as_str),
            Some(ended),
            "{act:?}: {feed:#?}"
        );
    }
    let mut a = app("");
    open(&mut a, "election", 2.0).unwrap();
    a.take_feed();
    a.done(Action::StopStory).unwrap();
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert_eq!(
        feed,
        ["The tour 'election' ended (the Tours menu opens it again, at any step)"]
    );
}

/// Raft broken by a tour is said on the banner, and its switch-off works: it ends the tour
/// (whose remaining steps need the bug) and starts a fresh cluster running correct Raft.
#[test]
fn switching_off_a_bug_a_tour_switched_on_ends_the_tour_with_correct_raft() {
    let mut a = app("");
    open(&mut a, "figure8", 6.0).unwrap();
    let controls = a.controls();
    assert_eq!(controls.broken, ["figure8-commit"]);
    assert_eq!(
        controls.broken_text,
        "Raft is broken: figure8-commit. The tour switched it on to show what goes wrong: watch the feed and the safety badge."
    );
    assert!(controls.broken_off.contains("ends the tour"));
    let on: Vec<&str> = a.bugs().iter().filter(|b| b.on).map(|b| b.name).collect();
    assert_eq!(on, ["figure8-commit"], "its switch shows it on");
    a.take_feed();
    a.done(Action::Bug {
        name: "figure8-commit".into(),
        on: false,
    })
    .unwrap();
    assert_eq!(a.tour().state, "none");
    assert!(a.controls().broken.is_empty());
    assert!(a.controls().broken_text.is_empty());
    assert!(a.sim().config().raft.bugs.iter().next().is_none());
    assert!(a.bugs().iter().all(|b| !b.on));
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert!(
        feed.iter().any(|l| l
            == "The tour 'figure8' ended: figure8-commit is off; this fresh cluster runs correct Raft"),
        "{feed:#?}"
    );
}

/// A journal (a share link) made during a tour reopens the tour at the same step and the
/// same moment, to the event, also after Back; a tour someone acted in keeps its actions.
#[test]
fn a_journal_made_during_a_tour_reopens_at_the_same_step_and_moment() {
    let mut a = app("");
    open(&mut a, "partition", 2.0).unwrap();
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    a.advance(60.0).unwrap();
    let check = |a: &App| {
        let text = a.journal();
        assert!(text.contains("4:tour9:partition"), "{text}");
        let mut b = app("seed=5");
        b.replay(&text).unwrap();
        let (t, u) = (b.tour(), a.tour());
        assert_eq!((t.name, t.step, t.state), (u.name, u.step, u.state));
        assert_eq!(moment(&b), moment(a));
        assert_eq!(b.state().digest, a.state().digest);
        b
    };
    let b = check(&a);
    assert_eq!((b.tour().step, b.tour().state), (3.0, "playing"));
    to_pause(&mut a);
    let b = check(&a);
    assert_eq!((b.tour().step, b.tour().state), (3.0, "waiting"));
    a.done(Action::TourBack).unwrap();
    let b = check(&a);
    assert_eq!(b.tour().step, 2.0);
}

/// A tour someone acted in reopens as they saw it: the tour at its step, with what they
/// did at their moments, their Continues and Backs and steps opened from the list between
/// (a plain scenario would not wait at the pauses, so the same actions would land
/// elsewhere and the link would be refused).
#[test]
fn a_journal_of_a_tour_someone_acted_in_reopens_as_they_saw_it() {
    let mut a = app("");
    open(&mut a, "election", 1.0).unwrap();
    let check = |a: &App, what: &str| {
        let text = a.journal();
        assert!(text.contains("4:tour8:election"), "{what}: {text}");
        let mut b = app("seed=5");
        b.replay(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
        let (t, u) = (b.tour(), a.tour());
        assert_eq!(
            (t.name, t.step, t.state, t.shown),
            (u.name, u.step, u.state, u.shown),
            "{what}"
        );
        assert_eq!(moment(&b), moment(a), "{what}");
        assert_eq!(b.state().digest, a.state().digest, "{what}");
    };
    // At step 1's pause the reader sends a change and cuts a link, then continues (with
    // Play, as Space does) and acts in the middle of step 2.
    to_pause(&mut a);
    a.propose("A", "x=1").unwrap();
    a.cut("B", "C", false).unwrap();
    check(&a, "acted at a pause");
    a.play();
    assert_eq!(a.tour().step, 2.0);
    a.advance(200.0).unwrap();
    a.cut("D", "E", false).unwrap();
    check(&a, "acted while a step runs");
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    to_pause(&mut a);
    check(&a, "continued after acting");
    // Back to where step 2 began (before the cut), act again, and open step 4 from the
    // list.
    a.done(Action::TourBack).unwrap();
    assert_eq!(a.tour().step, 2.0);
    check(&a, "back");
    a.done(Action::Timeout(crate::action::node("D").unwrap()))
        .unwrap();
    open(&mut a, "election", 4.0).unwrap();
    a.advance(100.0).unwrap();
    check(&a, "a step opened from the list after acting");
    to_pause(&mut a);
    check(&a, "whatever the tour then says");
    // An action that makes a step's claim untrue: the tour stops there, and the link
    // shows it stopped.
    open(&mut a, "election", 2.0).unwrap();
    a.done(Action::Crash(crate::action::node("E").unwrap()))
        .unwrap();
    to_pause(&mut a);
    assert_eq!(a.tour().state, "failed");
    check(&a, "a tour stopped by what the reader did");
}

/// A tour taken with Raft broken in the page runs broken too, and its link says so: it
/// reopens on a page without the bug exactly as it was seen.
#[test]
fn a_journal_of_a_tour_taken_with_raft_broken_in_the_page_reopens_broken() {
    let mut a = app("");
    a.set_bug("forget-vote", true).unwrap();
    open(&mut a, "restart", 1.0).unwrap();
    to_pause(&mut a);
    a.done(Action::TourContinue).unwrap();
    for acted in [false, true] {
        if acted {
            a.propose("A", "w=7").unwrap();
            a.advance(100.0).unwrap();
        }
        let mut b = app("seed=5");
        b.replay(&a.journal()).unwrap();
        assert!(b
            .sim()
            .config()
            .raft
            .bugs
            .iter()
            .any(|b| b.name() == "forget-vote"));
        assert_eq!(moment(&b), moment(&a));
        assert_eq!(b.state().digest, a.state().digest);
        assert_eq!(
            (b.tour().step, b.tour().state),
            (a.tour().step, a.tour().state)
        );
    }
}

/// The heal, as the feed tells it: a few lines, not one per stale heartbeat.
#[test]
fn the_heal_is_told_in_a_few_lines() {
    let mut a = app("");
    open(&mut a, "partition", 4.0).unwrap();
    a.take_feed();
    to_pause(&mut a);
    let feed: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert_eq!(
        feed,
        [
            "Every link is restored",
            "A stepped down: it saw the newer term 2",
            "B, C, D and E each rejected a stale heartbeat from A: it speaks for term 1, older than theirs",
        ]
    );
}
