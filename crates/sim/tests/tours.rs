//! The guided tours (`scenarios/tours/`): every file is built in, every tour plays through
//! with each step's claims checked, a step can be opened directly, and the tour language
//! (`say`, `show`, `pause`, options changed mid-run) parses, plays and fails as documented.

use river_core::NodeId;
use river_sim::scenario::{tour, Expect, Highlight, Player, Scenario, Status, Step, TOURS};
use river_sim::timeline::Timeline;
use river_sim::Simulation;

fn folder() -> String {
    format!("{}/../../scenarios/tours", env!("CARGO_MANIFEST_DIR"))
}

/// Plays `text` to its end, pauses passed over.
fn play(text: &str) -> Result<Simulation, river_sim::scenario::ScenarioError> {
    let scenario = Scenario::parse(text)?;
    let mut sim = Player::simulation(&scenario);
    Player::new(scenario).run_to_end(&mut sim)?;
    Ok(sim)
}

#[test]
fn every_tour_file_is_built_in_under_its_name() {
    let mut files: Vec<(String, String)> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "scenario"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_str().unwrap().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    let mut built: Vec<(String, String)> = TOURS
        .iter()
        .map(|(n, _, t)| (n.to_string(), t.to_string()))
        .collect();
    built.sort();
    assert_eq!(files, built, "scenarios/tours/ and TOURS differ");
}

/// Each tour begins with a caption, has several steps, and every step checks what it
/// claims with at least one `expect` and stops at a `pause` (all but the last).
#[test]
fn every_step_of_every_tour_checks_its_claims() {
    for (name, _, text) in TOURS {
        let scenario = Scenario::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let steps = scenario.tour();
        assert!(steps.len() >= 4, "{name} has {} steps", steps.len());
        assert!(
            matches!(scenario.steps.first(), Some((_, Step::Say(_)))),
            "{name} must begin with a caption"
        );
        // Split the instructions at each `say`.
        let mut groups: Vec<Vec<&Step>> = Vec::new();
        for (_, step) in &scenario.steps {
            if matches!(step, Step::Say(_)) {
                groups.push(Vec::new());
            }
            groups.last_mut().unwrap().push(step);
        }
        for (k, group) in groups.iter().enumerate() {
            let expects = group
                .iter()
                .filter(|s| matches!(s, Step::Expect(_)))
                .count();
            assert!(expects >= 1, "{name} step {} checks nothing", k + 1);
            let shows = group.iter().filter(|s| matches!(s, Step::Show(_))).count();
            assert!(shows >= 1, "{name} step {} shows nothing", k + 1);
            // Every step but the last ends at its one `pause` (Continue goes straight on to
            // the next `say`); the last runs to the end.
            let pauses = group.iter().filter(|s| matches!(s, Step::Pause)).count();
            let last = k + 1 == groups.len();
            assert_eq!(pauses, usize::from(!last), "{name} step {}", k + 1);
            if !last {
                assert!(
                    matches!(group.last(), Some(Step::Pause)),
                    "{name} step {} does not end at its pause",
                    k + 1
                );
            }
        }
        for step in &steps {
            assert!(
                step.caption.len() >= 60,
                "{name}: a caption says too little"
            );
        }
    }
}

#[test]
fn every_tour_plays_through_with_its_expectations() {
    for (name, _, text) in TOURS {
        let sim = play(text).unwrap_or_else(|e| panic!("tour {name}: {e}"));
        let broken = Scenario::parse(text).unwrap().expects_violation();
        assert_eq!(
            sim.checker.violation_count() > 0,
            broken,
            "tour {name}: violations only where the tour breaks Raft on purpose"
        );
    }
}

/// The page plays a tour stopping at each `pause`, and opens a step by playing to its
/// `say`: both reach the same moment, with the same highlights.
#[test]
fn a_step_opened_directly_is_the_moment_reached_by_continuing() {
    for (name, _, text) in TOURS {
        let scenario = Scenario::parse(text).unwrap();
        let count = scenario.tour().len();
        // Continue through the tour: note the moment each step stops at its pause.
        let mut sim = Player::simulation(&scenario);
        let mut player = Player::new(scenario.clone()).stopping_at_pauses();
        let mut stops = Vec::new();
        loop {
            match player.advance(&mut sim, u64::MAX).unwrap() {
                Status::Finished => break,
                Status::Running => {
                    assert!(
                        player.paused(),
                        "{name}: runs without a limit stop only at pauses"
                    );
                    stops.push((player.tour_step(), sim.now_ms(), sim.stats.events));
                    player.resume();
                }
            }
        }
        assert_eq!(stops.len(), count - 1, "{name}");
        for (k, &(step, time, events)) in stops.iter().enumerate() {
            assert_eq!(step, Some(k), "{name}");
            // Open step k directly, then play it to its pause.
            let mut sim = Player::simulation(&scenario);
            let mut player = Player::new(scenario.clone()).stopping_at_pauses();
            player.run_to_step(&mut sim, k).unwrap();
            assert_eq!(player.tour_step(), Some(k));
            // A step begins pointing at what its caption is about (every tour's steps
            // begin with a `show`), so a reader sent back to it sees that at once.
            assert!(
                !player.shown().is_empty(),
                "{name} step {k} starts with what it shows"
            );
            let next = text
                .lines()
                .nth(player.current_line().unwrap() - 1)
                .unwrap();
            assert!(!next.starts_with("show"), "{name} step {k}: {next}");
            player.advance(&mut sim, u64::MAX).unwrap();
            assert!(player.paused());
            assert_eq!(
                (sim.now_ms(), sim.stats.events),
                (time, events),
                "{name} step {k}"
            );
            assert!(!player.shown().is_empty());
        }
    }
}

#[test]
fn opening_a_step_that_does_not_exist_is_an_error() {
    let (_, text) = tour("election").unwrap();
    let scenario = Scenario::parse(text).unwrap();
    let mut sim = Player::simulation(&scenario);
    let err = Player::new(scenario).run_to_step(&mut sim, 99).unwrap_err();
    assert_eq!(err.message, "there is no step 100");
}

/// The tours' claims are checks that can fail: without the option a tour turns on, the
/// step that shows its effect fails, naming its line.
#[test]
fn a_tour_fails_where_its_claim_stops_being_true() {
    let cases = [
        ("figure8", "bug figure8-commit on", "expect E commit = 4"),
        ("one-way", "prevote on", "expect D pre-candidate"),
        (
            "reads",
            "bug read-without-heartbeat on",
            "expect read x = 3",
        ),
        (
            "partition",
            "partition AB | CDE",
            "expect A uncommitted = 1",
        ),
        // With ReadIndex (the default) the thawed leader's read waits on a heartbeat round
        // that nobody answers: no stale read.
        ("lease", "reads lease", "expect stale read x"),
        ("snapshots", "snapshot-threshold 5", "expect A snapshot = 5"),
        (
            "transfer",
            "transfer A C",
            "expect refused sent the user to C",
        ),
    ];
    for (name, line, failing) in cases {
        let (_, text) = tour(name).unwrap();
        assert!(text.lines().any(|l| l == line), "{name} has '{line}'");
        let without = text.replace(&format!("\n{line}\n"), "\n\n");
        let err = play(&without)
            .err()
            .unwrap_or_else(|| panic!("{name} without '{line}' passed"));
        let at = without.lines().nth(err.line - 1).unwrap();
        assert_eq!(at, failing, "{name} without '{line}': {err}");
    }
}

/// A refusal a caption claims is checked: with Raft broken where the refusal comes from, the
/// tour fails at the `expect refused` of that step. Without Ongaro's erratum check C takes
/// the change at once; with `read-without-heartbeat` the cut-off leader answers the read.
#[test]
fn a_tours_refusal_fails_when_raft_is_broken_on_purpose() {
    let cases = [
        (
            "membership",
            "bug config-change-before-noop on",
            "expect refused own term",
        ),
        (
            "reads",
            "bug read-without-heartbeat on",
            "expect refused could not confirm",
        ),
    ];
    for (name, bug, failing) in cases {
        let (_, text) = tour(name).unwrap();
        play(text).unwrap_or_else(|err| panic!("{name}: {err}"));
        let broken = text.replacen("\nlatency 10 10\n", &format!("\nlatency 10 10\n{bug}\n"), 1);
        assert_ne!(
            broken, text,
            "{name} has a latency line to put the bug after"
        );
        let err = play(&broken)
            .err()
            .unwrap_or_else(|| panic!("{name} with '{bug}' passed"));
        let at = broken.lines().nth(err.line - 1).unwrap();
        assert_eq!(at, failing, "{name} with '{bug}': {err}");
    }
}

#[test]
fn say_show_and_pause_parse_and_errors_name_their_line() {
    let text = "nodes 3\nsay \"A # is not a comment \"here\"\"  # but this is\nshow A B\nshow A->B C -> A\nshow A 3\npause\n";
    let scenario = Scenario::parse(text).unwrap();
    let steps: Vec<&Step> = scenario.steps.iter().map(|(_, s)| s).collect();
    assert_eq!(steps[0], &Step::Say("A # is not a comment \"here\"".into()));
    assert_eq!(
        steps[1],
        &Step::Show(vec![Highlight::Node(NodeId(0)), Highlight::Node(NodeId(1))])
    );
    assert_eq!(
        steps[2],
        &Step::Show(vec![
            Highlight::Link(NodeId(0), NodeId(1)),
            Highlight::Link(NodeId(2), NodeId(0))
        ])
    );
    assert_eq!(steps[3], &Step::Show(vec![Highlight::Entry(NodeId(0), 3)]));
    assert_eq!(steps[4], &Step::Pause);
    assert_eq!(scenario.tour()[0].line, 2);

    for (text, line, message) in [
        (
            "say hello",
            1,
            "a caption is written in double quotes: say \"…\"",
        ),
        (
            "nodes 3\nsay \"\"",
            2,
            "a caption says something: it is empty",
        ),
        ("say \"open", 1, "a caption needs its closing double quote"),
        (
            "say \"a\" b",
            1,
            "only a comment may follow a caption's closing quote",
        ),
        (
            "show",
            1,
            "show what? Write e.g. 'show C D', 'show A->B' or 'show A 3'",
        ),
        (
            "nodes 3\n\nshow A->A",
            3,
            "a link joins two different nodes",
        ),
        ("show A 0", 1, "log indexes start at 1"),
        (
            "nodes 3\nshow D",
            2,
            "'D' is not a node of this 3-node cluster (use A to C)",
        ),
        ("pause now", 1, "unexpected 'now'"),
        (
            "timeout A\nseed 3",
            2,
            "'seed' is a setting and must come before the first action (line 1)",
        ),
    ] {
        let err = Scenario::parse(text).unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (line, message), "{text}");
    }
}

#[test]
fn a_show_of_an_entry_not_there_fails_at_its_line() {
    let err =
        play("nodes 3\ntimeout A\nwait leader A within 1000\nshow A 1\nshow B 2\n").unwrap_err();
    assert_eq!(err.line, 5);
    assert_eq!(
        err.message,
        "shows B's entry at index 2, but B's log ends at index 0"
    );
}

/// `prevote`, `checkquorum` and `bug` after the first action change the options of
/// servers that restart from then on, and of no running one.
#[test]
fn options_changed_mid_run_reach_servers_that_restart() {
    let text = "nodes 3\ntimeout A\nwait leader A within 1000\nprevote on\ncrash B\nrestart B\n";
    let scenario = Scenario::parse(text).unwrap();
    assert!(
        !scenario.config.raft.pre_vote,
        "the starting options are unchanged"
    );
    let mut sim = Player::simulation(&scenario);
    Player::new(scenario).run_to_end(&mut sim).unwrap();
    let pre_vote = |id: u8| sim.node(NodeId(id)).unwrap().config().pre_vote;
    assert_eq!(
        (pre_vote(0), pre_vote(1), pre_vote(2)),
        (false, true, false)
    );
    assert!(matches!(
        Scenario::parse("timeout A\nexpect A vote none")
            .unwrap()
            .steps[1]
            .1,
        Step::Expect(Expect::Vote(NodeId(0), None))
    ));
}

/// The moment a simulation stands at, to compare two ways of reaching it.
fn moment(sim: &Simulation) -> (u64, u64, u64) {
    (sim.now_ms(), sim.stats.events, sim.trace.digest())
}

/// The page's Back: on a timeline, rewinding to where a step began (its time and the
/// inputs given by then) and handing the player back its state there reaches exactly that
/// moment, and playing on reaches exactly the next step's moment again; the futures Back
/// leaves are kept once, not once per Back.
#[test]
fn back_returns_exactly_to_where_a_step_began() {
    for (name, _, text) in TOURS {
        let scenario = Scenario::parse(text).unwrap();
        let count = scenario.tour().len();
        let mut tl = Timeline::new(Player::simulation(&scenario));
        tl.sim.trace.keep = true;
        let mut player = Player::new(scenario).stopping_at_pauses();
        let mut starts = Vec::new();
        for k in 0..count {
            player.run_to_step(&mut tl, k).unwrap();
            starts.push((
                tl.sim.now_ms(),
                tl.applied(),
                player.clone(),
                moment(&tl.sim),
            ));
        }
        player.run_to_end(&mut tl).unwrap();
        for k in (0..count - 1).rev() {
            let (time, applied, ref saved, at) = starts[k];
            tl.rewind(time, at.1, applied);
            assert_eq!(moment(&tl.sim), at, "{name}: back to step {}", k + 1);
            // A fresh player put at the step is the player that played to it.
            let mut player = Player::new(Scenario::parse(text).unwrap()).stopping_at_pauses();
            player.skip_to_step(k).unwrap();
            let place = |p: &Player| (p.tour_step(), p.current_line(), p.shown().len(), p.paused());
            assert_eq!(place(&player), place(saved), "{name} step {}", k + 1);
            player.run_to_step(&mut tl, k + 1).unwrap();
            assert_eq!(
                moment(&tl.sim),
                starts[k + 1].3,
                "{name}: on to step {}",
                k + 2
            );
        }
        // Each Back left a future the first one had left already, whole: it is kept once.
        assert_eq!(tl.branches.len(), 1, "{name}: {:?}", tl.branches.len());
    }
}
