//! The election lab's model, natively: setups read and refused, trials run in slices that
//! keep every line growing together, the sentence under the chart says what the numbers
//! are, the chart draws one line per range and picks the trial under the pointer, and an
//! opened trial is the lab's trial as an ordinary page run.

use super::chart::{self, Axes};
use super::*;
use crate::action::Action;
use crate::app::tests::{app, json};
use crate::app::App;
use crate::scene::{Scene, Shape};
use alloc::vec;
use river_core::Role;
use serde_json::json;

fn setup(ranges: &[(u64, u64)], trials: u32) -> LabSetup {
    LabSetup {
        ranges: ranges.to_vec(),
        trials,
        ..LabSetup::default()
    }
}

/// A clock that moves 1 ms each time it is read.
fn ticking() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

fn finished(ranges: &[(u64, u64)], trials: u32) -> LabRun {
    let mut run = LabRun::new(setup(ranges, trials)).unwrap();
    while run.state == LabState::Running {
        run.work(&mut ticking(), 1e9);
    }
    assert_eq!(run.state, LabState::Done);
    run
}

#[test]
fn ranges_are_read_with_either_dash_and_bad_ones_are_refused_by_name() {
    assert_eq!(
        parse_ranges("150-150, 150–300 ").unwrap(),
        vec![(150, 150), (150, 300)]
    );
    for (text, says) in [
        ("", "at least one"),
        ("150", "'150' is not a timeout range"),
        ("300-150", "300–150 ms is not allowed"),
        ("0-10", "0–10 ms is not allowed"),
        ("150-20000", "at most 10000 ms"),
        ("150-300,150-300", "listed twice"),
        ("1-2,1-3,1-4,1-5,1-6,1-7,1-8", "at most 6 ranges"),
    ] {
        let e = parse_ranges(text).unwrap_err();
        assert!(e.contains(says), "{text}: {e}");
    }
}

/// A JSON object standing in for the setup the page hands over.
struct Object(serde_json::Value);

impl Source for Object {
    fn text(&mut self, name: &'static str) -> Result<String, String> {
        self.0[name].as_str().map(String::from).ok_or_default()
    }
    fn number(&mut self, name: &'static str) -> Result<f64, String> {
        self.0[name].as_f64().ok_or_default()
    }
    fn flag(&mut self, name: &'static str) -> Result<bool, String> {
        Ok(self.0[name].as_bool().unwrap_or(false))
    }
}

trait OrDefault<T> {
    fn ok_or_default(self) -> Result<T, String>;
}

impl<T> OrDefault<T> for Option<T> {
    fn ok_or_default(self) -> Result<T, String> {
        self.ok_or_else(String::new)
    }
}

fn read(object: serde_json::Value) -> Result<LabSetup, String> {
    LabSetup::read(&mut Object(object))
}

#[test]
fn a_setups_numbers_are_read_as_typed_and_text_that_is_not_one_is_refused_quoting_it() {
    // Absent: the paper's values. Numbers, and boxes' text as typed, are read alike.
    assert_eq!(read(json!({})).unwrap(), LabSetup::default());
    let typed =
        read(json!({ "seed": " 7 ", "latencyMin": "2", "latencyMax": 4, "nodes": "3" })).unwrap();
    assert_eq!(
        (
            typed.seed,
            typed.latency_min_ms,
            typed.latency_max_ms,
            typed.nodes
        ),
        (7, 2, 4, 3)
    );
    // A seed box reading "abc" or nothing was taken for no seed (the paper's 1, silently),
    // or from the form for NaN and said "not 0"; an empty delay box ran 0 ms.
    for (object, says) in [
        (
            json!({ "seed": "abc" }),
            "seed must be a whole number from 0 to 9007199254740991, not 'abc'",
        ),
        (
            json!({ "seed": "" }),
            "seed must be a whole number from 0 to 9007199254740991, not ''",
        ),
        (json!({ "seed": "1.5" }), "not '1.5'"),
        (
            json!({ "latencyMin": "" }),
            "latencyMin must be a whole number from 0 to 10000, not ''",
        ),
        (
            json!({ "nodes": "many" }),
            "nodes must be a whole number from 0 to 9, not 'many'",
        ),
        (json!({ "seed": -1 }), "not -1"),
        (
            json!({ "seed": "<img src=x onerror=alert(1)>" }),
            "not '<img src=x onerror=alert(1)>'",
        ),
    ] {
        let e = read(object.clone()).unwrap_err();
        assert!(e.contains(says), "{object}: {e}");
    }
}

#[test]
fn a_range_that_cannot_run_is_refused_naming_it() {
    let mut s = setup(&[(150, 300), (10, 20)], 10);
    s.latency_min_ms = 5;
    s.latency_max_ms = 10;
    // A 10 ms timeout with a 5 ms heartbeat is valid for the core; a cluster of 2 is not.
    s.nodes = 2;
    let e = LabRun::new(s).unwrap_err();
    assert!(e.starts_with("150–300 ms: "), "{e}");
}

#[test]
fn trials_run_in_slices_and_every_line_grows_together() {
    let mut run = LabRun::new(setup(&[(150, 155), (150, 300)], 20)).unwrap();
    // A budget of 5 ticks of the clock: the slice looks at it once per EVENTS_PER_LOOK
    // events, each time in the range that has had the least time so far.
    let ran = run.work(&mut ticking(), 5.0);
    assert_eq!(ran.events, 5 * EVENTS_PER_LOOK);
    assert_eq!(ran.trials, run.done());
    let counts: Vec<usize> = run.labs().iter().map(|l| l.trials().len()).collect();
    assert!(
        counts.iter().all(|&n| n > 0),
        "every line grows: {counts:?}"
    );
    assert_eq!(run.state, LabState::Running);
    run.stop();
    assert_eq!(
        run.work(&mut ticking(), 5.0),
        river_sim::elections::Slice::default(),
        "a stopped lab runs nothing"
    );
    assert_eq!(json(&run.answer())["state"], "stopped");
}

/// Issue 15: the lab never freezes the page. A slice looks at the clock every
/// [`EVENTS_PER_LOOK`] events and stops once its budget has passed, even in the middle of a
/// trial: with no randomness (150–150 ms) one trial simulates a minute of split votes, tens
/// of thousands of events, and used to run whole within one frame (70–80 ms of it on a
/// loaded machine). The trials cut short are the same trials.
#[test]
fn a_slice_stops_at_its_budget_even_mid_trial() {
    let mut run = LabRun::new(setup(&[(150, 150), (150, 300)], 3)).unwrap();
    let (mut slices, mut events) = (0, 0);
    while run.state == LabState::Running {
        // The clock moves 1 ms per look: SLICE_MS looks per slice at most.
        let slice = run.work(&mut ticking(), SLICE_MS);
        assert!(
            slice.events <= SLICE_MS as u64 * EVENTS_PER_LOOK,
            "slice {slices}: {slice:?}"
        );
        slices += 1;
        events += slice.events;
    }
    assert_eq!(run.state, LabState::Done);
    assert!(
        events > 30 * SLICE_MS as u64 * EVENTS_PER_LOOK,
        "three minutes of split votes took {events} events in {slices} slices"
    );
    for k in 0..2 {
        let experiment = river_sim::elections::Experiment::new(run.setup.experiment(k)).unwrap();
        for (index, trial) in run.labs()[k].trials().iter().enumerate() {
            assert_eq!(*trial, experiment.trial(index as u32).unwrap());
        }
    }
}

#[test]
fn the_lab_gives_the_same_trials_as_the_command_line_experiment() {
    let run = finished(&[(150, 300)], 12);
    let experiment = river_sim::elections::Experiment::new(run.setup.experiment(0)).unwrap();
    for k in 0..12 {
        assert_eq!(
            run.labs()[0].trials()[k],
            experiment.trial(k as u32).unwrap()
        );
    }
}

#[test]
fn the_answer_carries_each_line_and_its_quantiles() {
    let run = finished(&[(150, 155), (150, 300)], 30);
    let a = json(&run.answer());
    assert_eq!(a["state"], "done");
    assert_eq!(
        (a["done"].as_f64(), a["total"].as_f64()),
        (Some(60.0), Some(60.0))
    );
    for (k, r) in a["ranges"].as_array().unwrap().iter().enumerate() {
        let points = r["points"].as_array().unwrap();
        let last = points.last().unwrap();
        assert_eq!(last[1].as_f64(), Some(1.0), "a distribution ends at 100%");
        // The median read off the line is the answer's p50 (nearest rank).
        let median = points
            .iter()
            .find(|p| p[1].as_f64().unwrap() >= 0.5)
            .unwrap();
        assert_eq!(median[0], r["p50"]);
        let summary = run.labs()[k].summary().unwrap();
        // Kept in order as they came, the lab's own quantiles and line are the simulator's.
        let mine = run.summary(k).unwrap();
        assert_eq!(
            (mine.trials, mine.split_vote_trials, mine.no_leader_trials),
            (
                summary.trials,
                summary.split_vote_trials,
                summary.no_leader_trials
            )
        );
        assert_eq!(
            (mine.p50_ms, mine.p90_ms, mine.p99_ms, mine.max_ms),
            (
                summary.p50_ms,
                summary.p90_ms,
                summary.p99_ms,
                summary.max_ms
            )
        );
        assert_eq!(
            run.cumulative(k),
            river_sim::elections::cumulative(run.labs()[k].trials())
        );
        assert_eq!(r["p50"].as_f64(), Some(summary.p50_ms as f64));
        assert_eq!(
            r["splitVoteFraction"].as_f64(),
            Some(summary.split_vote_fraction())
        );
        assert_ne!(r["color"], a["ranges"][1 - k]["color"]);
        assert_ne!(r["dash"], a["ranges"][1 - k]["dash"]);
    }
}

/// The page builds its range checkboxes from the answer, so it must carry the paper's
/// ranges before any run and whatever ranges a run compares.
#[test]
fn every_answer_offers_the_papers_ranges() {
    let paper: Vec<serde_json::Value> = PAPER_RANGES
        .iter()
        .map(|&(min, max)| serde_json::json!([min as f64, max as f64]))
        .collect();
    let idle = json(&LabAnswer::idle());
    let run = json(&finished(&[(150, 250)], 3).answer());
    for a in [idle, run] {
        assert_eq!(a["paperRanges"].as_array().unwrap(), &paper);
    }
}

#[test]
fn the_sentence_says_each_ranges_median_and_split_votes() {
    let run = finished(&[(150, 151), (150, 300), (150, 150)], 30);
    let said = sentence(&run).to_lowercase();
    let mut told_stuck = 0;
    for (k, lab) in run.labs().iter().enumerate() {
        let s = lab.summary().unwrap();
        let label = range_label(run.setup.ranges[k]);
        // Trials with no leader within the limit are counted: all of 150–150's, some of
        // 150–151's (the sentence said "at least half", or nothing at all).
        if s.no_leader_trials > 0 && s.p50_ms < NO_LEADER_LIMIT_MS {
            let stuck = format!(
                "with {label}, half of 30 trials had a leader within {} and {} had a split vote ({} trial",
                duration(s.p50_ms),
                percent(s.split_vote_fraction()),
                s.no_leader_trials
            );
            assert!(said.contains(&stuck), "{stuck}\nnot in\n{said}");
            assert!(
                said.contains("had no leader within 60 s, counted at 60 s)"),
                "{said}"
            );
            told_stuck += 1;
        }
        let median = if s.p50_ms >= NO_LEADER_LIMIT_MS {
            format!(
                "{} of 30 trials had no leader within 60 s",
                s.no_leader_trials
            )
        } else {
            format!(
                "half of 30 trials had a leader within {}",
                duration(s.p50_ms)
            )
        };
        let part = format!(
            "with {label}, {median} and {} had a split vote",
            percent(s.split_vote_fraction())
        );
        assert!(said.contains(&part), "{part}\nnot in\n{said}");
    }
    assert_eq!(
        told_stuck, 1,
        "150–151 ms has trials with no leader: {said}"
    );
    let (narrow, wide) = (
        run.labs()[0].summary().unwrap(),
        run.labs()[1].summary().unwrap(),
    );
    assert!(narrow.split_vote_fraction() > wide.split_vote_fraction());
    assert!(
        said.contains("from 150–150 ms to 150–300 ms, more randomness in the timeouts means fewer split votes"),
        "{said}"
    );
    assert_eq!(sentence(&LabRun::new(setup(&[(150, 300)], 3)).unwrap()), "");
}

#[test]
fn times_shares_and_counts_read_as_people_write_them() {
    assert_eq!(duration(172), "172 ms");
    assert_eq!(duration(1_380), "1.38 s");
    assert_eq!(duration(60_000), "60 s");
    assert_eq!(percent(0.029), "2.9%");
    assert_eq!(percent(1.0), "100%");
    assert_eq!(percent(0.3333), "33.3%");
    assert_eq!(count(1_000), "1,000");
    assert_eq!(count(999), "999");
    assert_eq!(count(1_234_567), "1,234,567");
}

#[test]
fn the_log_scale_is_exact_enough() {
    for x in [1.0, 2.0, 10.0, 150.0, 60_000.0, 0.5] {
        let want = std::primitive::f64::ln(x);
        assert!((chart::ln(x) - want).abs() < 1e-12, "{x}");
    }
    let axes = Axes::new(&[], chart::Size::plain(800.0, 400.0));
    assert_eq!((axes.lo_ms, axes.hi_ms), (100.0, 1_000.0));
    assert!((axes.x(100.0) - axes.left).abs() < 1e-9);
    assert!((axes.x(1_000.0) - axes.right).abs() < 1e-9);
}

#[test]
fn the_empty_chart_says_what_to_do_between_its_gridlines() {
    let mut scene = Scene::default();
    chart::build(&mut scene, None, chart::Size::plain(900.0, 420.0), None);
    let axes = Axes::new(&[], chart::Size::plain(900.0, 420.0));
    let y = scene
        .shapes
        .iter()
        .find_map(|s| match s {
            Shape::Text { y, text, .. } if text.starts_with("Choose timeout ranges") => Some(*y),
            _ => None,
        })
        .expect("the empty chart says what to do");
    // Its 13 px line stays clear of every gridline (0, 25, 50, 75 and 100%).
    for fraction in [0.0, 0.25, 0.5, 0.75, 1.0] {
        assert!(
            (y - axes.y(fraction)).abs() > 10.0,
            "{y} is on the {fraction} line"
        );
    }
}

/// The empty chart has no legend, so its plot takes the width the legend would have had:
/// it stopped 246 px short of the right edge, a gap for a legend drawn nowhere.
#[test]
fn the_empty_chart_uses_its_width_and_a_chart_with_ranges_keeps_room_for_their_legend() {
    let size = chart::Size::plain(900.0, 420.0);
    assert_eq!(Axes::new(&[], size).right, 900.0 - 14.0);
    let run = finished(&[(150, 155), (150, 300)], 30);
    let with = Axes::new(&chart::lines(Some(&run)), size);
    assert!(with.right <= 900.0 - 230.0, "{with:?}");
}

#[test]
fn the_chart_draws_one_line_per_range_and_picks_the_trial_under_the_pointer() {
    let run = finished(&[(150, 155), (150, 300)], 30);
    let mut scene = Scene::default();
    chart::build(
        &mut scene,
        Some(&run),
        chart::Size::plain(900.0, 420.0),
        None,
    );
    let paths = scene
        .shapes
        .iter()
        .filter(|s| matches!(s, Shape::Path { .. }))
        .count();
    assert_eq!(paths, 2);
    assert!(
        scene.texts().any(|t| t == "150–300 ms"),
        "the legend names it"
    );
    // Every step of every line picks its own trial, and far from the lines nothing.
    let lines = chart::lines(Some(&run));
    let axes = Axes::new(&lines, chart::Size::plain(900.0, 420.0));
    let mut picked = 0;
    for (k, line) in lines.iter().enumerate() {
        for p in line {
            let (x, y) = (axes.x(p.downtime_ms as f64), axes.y(p.fraction));
            if let Some((pk, trial)) =
                chart::hit(Some(&run), chart::Size::plain(900.0, 420.0), x, y)
            {
                // Lines may cross: then the other line's step is as near.
                if pk == k {
                    assert_eq!(trial, p.trial);
                    picked += 1;
                }
            }
        }
    }
    assert!(picked > lines[0].len(), "{picked}");
    assert_eq!(
        chart::hit(Some(&run), chart::Size::plain(900.0, 420.0), 880.0, 20.0),
        None
    );
    // The hovered trial is marked and told.
    chart::build(
        &mut scene,
        Some(&run),
        chart::Size::plain(900.0, 420.0),
        Some((1, lines[1][0].trial)),
    );
    assert!(
        scene.texts().any(|t| t.starts_with("150–300 ms, trial ")),
        "{:?}",
        scene.texts().collect::<Vec<_>>()
    );
}

fn lab_app(ranges: &[(u64, u64)], trials: u32) -> App {
    let mut a = app("?seed=3");
    a.lab_start(setup(ranges, trials)).unwrap();
    while a.lab_running() {
        a.lab_work(&mut ticking());
    }
    a
}

#[test]
fn a_running_lab_keeps_frames_coming_even_when_paused() {
    let mut a = app("?seed=3");
    assert_eq!(a.next_frame_in_ms(0.0), None);
    a.lab_start(setup(&[(150, 300)], 5)).unwrap();
    assert_eq!(a.next_frame_in_ms(0.0), Some(0));
    assert!(a.frame(0.0) & crate::app::changed::LAB != 0);
    while a.lab_running() {
        a.lab_work(&mut ticking());
    }
    assert_eq!(a.next_frame_in_ms(0.0), None);
    assert_eq!(json(&a.lab_answer())["state"], "done");
}

/// While trials run the panel is told at most every TELL_EVERY_MS of wall time (its table
/// is rebuilt from every point), the chart drawn every slice; and told when they end.
#[test]
fn the_panel_is_told_a_few_times_a_second_and_when_the_trials_end() {
    let mut a = app("?seed=3");
    a.lab_start(setup(&[(150, 300)], 1_000)).unwrap();
    a.frame(0.0);
    // A clock that moves 1 ms a look: slices of SLICE_MS, each some 10 ms of wall time.
    let mut clock = ticking();
    let (mut slices, mut told, mut last_told) = (0, 0, None);
    while a.lab_running() {
        a.lab_work(&mut clock);
        slices += 1;
        if a.frame(0.0) & crate::app::changed::LAB != 0 {
            told += 1;
            last_told = Some(slices);
        }
    }
    assert_eq!(last_told, Some(slices), "told when the trials end");
    let wall = clock();
    assert!(slices > 20, "{slices} slices");
    assert!(
        f64::from(told) <= wall / TELL_EVERY_MS + 2.0,
        "told {told} times in {wall} ms over {slices} slices"
    );
    assert!(told >= 2, "told {told} times");
}

#[test]
fn an_opened_trial_is_paused_just_before_its_crash_and_replays_the_lab_trial() {
    let mut a = lab_app(&[(150, 155)], 40);
    // The slowest trial: the most to watch.
    let trials = a.lab_run().unwrap().labs()[0].trials().to_vec();
    let slowest = *trials.iter().max_by_key(|t| t.downtime_ms).unwrap();
    assert!(slowest.split_votes > 0, "150–155 ms has split votes");
    let said = a
        .apply(Action::OpenTrial {
            range: 0.0,
            trial: f64::from(slowest.index),
        })
        .unwrap()
        .unwrap();
    assert!(said.contains("paused just before leader"), "{said}");
    assert!(a.paused());
    let s = a.sim();
    assert_eq!(s.now_ms(), slowest.crash_at_ms);
    assert_eq!(s.config().seed, slowest.seed);
    assert_eq!(s.leader(), Some(slowest.crashed));
    // The crash is the next thing: one event forward and the leader is down.
    a.apply(Action::StepEvent).unwrap();
    assert!(a.sim().node(slowest.crashed).is_none(), "crashed");
    // Its leader is elected when the lab says, and not a moment before.
    let leader_at = slowest.crash_at_ms + slowest.downtime_ms;
    a.apply(Action::Seek((leader_at - 1) as f64)).unwrap();
    let new_leader = slowest.new_leader.unwrap();
    let follows = |a: &App| {
        let sim = a.sim();
        let term = sim.node(new_leader).map(|n| n.term());
        sim.ids()
            .filter_map(|id| sim.node(id))
            .filter(|n| Some(n.term()) == term && n.leader() == Some(new_leader))
            .count()
    };
    assert!(follows(&a) <= 2, "no majority follows yet");
    a.apply(Action::Seek(leader_at as f64)).unwrap();
    assert_eq!(a.sim().node(new_leader).unwrap().role(), Role::Leader);
    assert!(follows(&a) >= 3, "a majority follows {new_leader}");
    // The journal replays it exactly, standing where the page stood.
    a.apply(Action::SeekBefore(slowest.crash_at_ms as f64))
        .unwrap();
    let digest = json(&a.state())["digest"].clone();
    let text = a.journal();
    let mut b = app("?seed=9");
    b.replay(&text).unwrap();
    assert_eq!(json(&b.state())["digest"], digest);
    assert_eq!(b.sim().leader(), Some(slowest.crashed));
}

/// The feed belongs to the run on screen: an opened trial's feed begins with its own
/// new-cluster line (the page drops the lines before it) and tells the trial up to the
/// moment shown, not the old run nor the crash still to come.
#[test]
fn an_opened_trials_feed_tells_only_the_trial_up_to_the_moment_shown() {
    let mut a = lab_app(&[(150, 155)], 10);
    a.apply(Action::Propose {
        node: crate::action::node("A").unwrap(),
        command: "x=1".into(),
    })
    .unwrap();
    let trial = a.lab_run().unwrap().labs()[0].trials()[3];
    a.apply(Action::OpenTrial {
        range: 0.0,
        trial: 3.0,
    })
    .unwrap();
    let feed = a.take_feed();
    let runs: Vec<usize> = (0..feed.len()).filter(|&k| feed[k].kind == "run").collect();
    let last = runs.last().copied().unwrap();
    let told: Vec<&str> = feed[last..].iter().map(|l| l.text.as_str()).collect();
    assert!(
        told[0].starts_with("A new cluster of 5 servers with seed "),
        "{told:#?}"
    );
    assert!(told[0].contains(&alloc::format!("seed {}", trial.seed)));
    assert!(
        told.iter().any(|l| l.contains("became leader")),
        "the first election is told: {told:#?}"
    );
    assert!(told[told.len() - 1].contains("paused just before leader"));
    assert!(
        !told
            .iter()
            .any(|l| l.contains("crash") && !l.contains("paused just before")),
        "the crash is still to come: {told:#?}"
    );
    assert!(feed[last..]
        .iter()
        .all(|l| l.time_ms <= trial.crash_at_ms as f64));
    // Playing on tells the crash.
    a.apply(Action::StepEvent).unwrap();
    let next: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    assert!(next.iter().any(|l| l.contains("crashed")), "{next:#?}");
}

#[test]
fn opening_a_trial_that_has_not_run_is_refused() {
    let mut a = app("?seed=3");
    let open = |range, trial| Action::OpenTrial { range, trial };
    assert!(a
        .apply(open(0.0, 0.0))
        .unwrap_err()
        .contains("has not run yet"));
    a.lab_start(setup(&[(150, 300)], 5)).unwrap();
    a.lab_work(&mut ticking());
    let e = a.apply(open(0.0, 7.0)).unwrap_err();
    assert!(e.contains("trial 7 of 150–300 ms has not run"), "{e}");
    let e = a.apply(open(2.0, 0.0)).unwrap_err();
    assert!(e.contains("no range 2"), "{e}");
    assert!(a.apply(open(0.0, 0.5)).is_err());
}

/// The projector view's chart (issue 14's leftovers): its type grows with the page's (1rem
/// is 16 px at 1280 wide and 20 px at 1920) and 1.4 times again, and its legend stays on
/// the chart, clear of the plot, at the sizes the panel gives it there and on a narrow one.
#[test]
fn the_projector_chart_reads_from_the_back_and_keeps_its_legend_on_it() {
    use crate::look::Look;
    let projector = Look {
        projector: true,
        reduced_motion: false,
    };
    assert_eq!(
        chart::Size::new(900.0, 400.0, 16.0, Look::default()).scale,
        1.0
    );
    assert!((chart::Size::new(900.0, 400.0, 16.0, projector).scale - 1.4).abs() < 1e-9);
    assert!((chart::Size::new(900.0, 400.0, 20.0, projector).scale - 1.75).abs() < 1e-9);
    assert_eq!(
        chart::Size::new(9.0, 9.0, f64::NAN, Look::default()).scale,
        1.0
    );
    let run = finished(&river_sim::elections::PAPER_RANGES, 12);
    let labels: Vec<String> = run.setup.ranges.iter().map(|&r| range_label(r)).collect();
    // 1280×800 and 1920×1080 in the projector view, then a narrow panel.
    for (width, height, text_px) in [
        (866.0, 416.0, 16.0),
        (1420.0, 562.0, 20.0),
        (480.0, 380.0, 16.0),
    ] {
        let size = chart::Size::new(width, height, text_px, projector);
        let mut scene = Scene::default();
        chart::build(&mut scene, Some(&run), size, None);
        let axes = Axes::new(&chart::lines(Some(&run)), size);
        let at = format!("{width}×{height} at {}", size.scale);
        let mut named = 0;
        for shape in &scene.shapes {
            let Shape::Text {
                x,
                y,
                text,
                font,
                align,
                ..
            } = shape
            else {
                continue;
            };
            assert!(
                font.size >= 11.5 * size.scale - 1e-9,
                "{at}: '{text}' at {} px",
                font.size
            );
            let w = font.width(text);
            let left = match align {
                crate::scene::Align::Left => *x,
                crate::scene::Align::Center => x - w / 2.0,
                crate::scene::Align::Right => x - w,
            };
            assert!(
                left >= 0.0
                    && left + w <= width
                    && *y - font.size / 2.0 >= 0.0
                    && *y + font.size / 2.0 <= height,
                "{at}: '{text}' runs off the chart at ({left}, {y}), {w} wide"
            );
            if labels.contains(text) {
                named += 1;
                // Beside the plot or above it, never over the lines.
                assert!(
                    left >= axes.right || *y + font.size / 2.0 <= axes.top,
                    "{at}: legend '{text}' over the plot {axes:?}"
                );
            }
        }
        assert_eq!(named, labels.len(), "{at}: every range is in the legend");
        // The time axis's labels keep apart (at 1.4 "200 ms" ran into "500 ms").
        let mut ticks: Vec<(f64, f64)> = scene
            .shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Text {
                    x, y, text, font, ..
                } if (*y - (axes.bottom + 14.0 * size.scale)).abs() < 1e-9 => {
                    Some((*x, font.width(text) * 1.1))
                }
                _ => None,
            })
            .collect();
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(ticks.len() >= 3, "{at}: {ticks:?}");
        for pair in ticks.windows(2) {
            assert!(
                pair[1].0 - pair[0].0 >= (pair[0].1 + pair[1].1) / 2.0,
                "{at}: time labels run together: {ticks:?}"
            );
        }
        assert!(
            axes.bottom - axes.top >= 150.0,
            "{at}: the plot keeps its height: {axes:?}"
        );
    }
}
