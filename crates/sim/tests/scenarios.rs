//! The built-in scenarios play through with every expectation met, and scenario errors name
//! their line.

use river_core::{Bug, NodeId};
use river_sim::scenario::{built_in, Player, Scenario, Step};
use river_sim::Simulation;

/// Plays a scenario to its end, every expectation met.
fn play(text: &str) -> Simulation {
    let scenario = Scenario::parse(text).unwrap();
    let mut sim = Player::simulation(&scenario);
    Player::new(scenario).run_to_end(&mut sim).unwrap();
    sim
}

/// The text of `scenarios/<name>.scenario`.
fn scenario_file(name: &str) -> String {
    let path = format!(
        "{}/../../scenarios/{name}.scenario",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn partition_story_plays_through() {
    let sim = play(built_in("partition").unwrap());
    assert_eq!(sim.checker.violation_count(), 0);
}

#[test]
fn errors_name_line_and_column() {
    let err = Scenario::parse("nodes 3\n\ncrash Q\n").unwrap_err();
    assert_eq!((err.line, err.column), (3, Some(7)));
    assert!(err.message.contains("'Q' is not a node"), "{err}");
    let err = Scenario::parse("timeout A\nnodes 3\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("before the first action"));
    // The first action is named: in a tour it may be a caption, which reads as no action.
    let err = Scenario::parse("# a tour\nsay \"Hello.\"\nnodes 3\n").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(
        err.message.ends_with("before the first action (line 2)"),
        "{err}"
    );
    let err = Scenario::parse("nodes 3\nheartbeat 500\n").unwrap_err();
    assert!(err.message.contains("heartbeat"), "{err}");
    let err = Scenario::parse("expect A term >> 3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1, column 15: '>>' is not a comparison"
    );
    let err = Scenario::parse("fly A").unwrap_err();
    assert!(err.message.contains("unknown instruction 'fly'"));
    let err = Scenario::parse("partition AB | BC").unwrap_err();
    assert!(err.message.contains("node B is in two groups"), "{err}");
    let err = Scenario::parse("hold A B").unwrap_err();
    assert_eq!(err.to_string(), "line 1, column 8: write 'hold A -> B'");
    let err = Scenario::parse("release A -> A").unwrap_err();
    assert!(err.message.contains("no messages to itself"), "{err}");
}

/// Settings that are each fine but impossible together are named at the line that made
/// them so, not at line 1 (the error used to say "line 1" whatever the file).
#[test]
fn impossible_settings_name_their_line() {
    let err = Scenario::parse("nodes 3\n\n# slow\nheartbeat 500\n").unwrap_err();
    assert_eq!(err.line, 4, "{err}");
    assert!(err.message.contains("heartbeat"), "{err}");
    let err = Scenario::parse("heartbeat 200\nnodes 3\nelection-timeout 150 300\n").unwrap_err();
    assert_eq!(err.line, 3, "the later of the two lines: {err}");
    let err = Scenario::parse("nodes 3\nsnapshot-chunk 0\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    let err = Scenario::parse("nodes 3\nentries-per-append 0\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    let err = Scenario::parse("nodes 3\nreads lease\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    // Not at a later option change, which used to be blamed for them ("servers that start
    // from here would be impossible") when it came before the end of the file.
    let err = Scenario::parse("heartbeat 346\ntimeout A\nprevote on\n").unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    assert!(
        err.message.starts_with("the settings are impossible"),
        "{err}"
    );
    let err = Scenario::parse("nodes 3\nreads lease\nsay \"Hi.\"\ncheckquorum on\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
}

/// A mid-run option change that would leave restarting servers impossible is refused at its
/// line when the file is read. It used to pass the parser and panic the simulator
/// ("validated at start") when a server restarted with those options.
#[test]
fn an_impossible_change_during_the_run_names_its_line() {
    let text = "nodes 3\ncheckquorum on\nreads lease\ntimeout A\nwait 500\ncheckquorum off\ncrash B\nrestart B\n";
    let err = Scenario::parse(text).unwrap_err();
    assert_eq!(err.line, 6, "{err}");
    assert!(err.message.contains("CheckQuorum"), "{err}");
}

/// Changes during the run add up: a second `bug … on` keeps the `prevote on` before it (each
/// change used to start again from the settings, undoing the one before).
#[test]
fn changes_during_the_run_add_up() {
    let text = "nodes 3\ntimeout A\nprevote on\nbug forget-vote on\ncheckquorum on\n";
    let scenario = Scenario::parse(text).unwrap();
    let options: Vec<_> = scenario
        .steps
        .iter()
        .filter_map(|(_, step)| match step {
            Step::Raft(options) => Some(*options),
            _ => None,
        })
        .collect();
    assert_eq!(options.len(), 3);
    let last = options[2];
    assert!(last.pre_vote && last.check_quorum, "{last:?}");
    assert!(last.bugs.has(Bug::ForgetVote), "{last:?}");
    assert!(options[1].pre_vote && !options[1].check_quorum);
    // The start's settings are untouched.
    assert!(!scenario.config.raft.pre_vote && !scenario.config.raft.check_quorum);
}

/// A wait or a client count beyond its bound is refused with its line and column instead
/// of running (all but) forever.
#[test]
fn waits_and_clients_are_bounded() {
    let err = Scenario::parse("nodes 3\nwait 18446744073709551615\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, Some(6)), "{err}");
    assert!(err.message.contains("at most"), "{err}");
    let err = Scenario::parse("timeout A\nwait leader within 3600001\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
    let err = Scenario::parse("nodes 3\nclients 100000000000\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, Some(9)), "{err}");
    assert!(Scenario::parse("clients 10\nwait 3600000\n").is_ok());
    // 100 clients for the hour reached 2.7 GB: past the 10 client-hours a scenario may run.
    let err = Scenario::parse("clients 100\nwait 3600000\n").unwrap_err();
    assert_eq!(err.line, 2, "{err}");
}

/// An election timeout or a latency too long for the simulated clock is refused at its line.
/// `election-timeout 1 18446744073709551615` with `heartbeat 1`, or `latency` near 2^64 ms,
/// used to pass the parser and panic the simulator with an overflow when a timer was set or
/// a message sent.
#[test]
fn timeouts_and_latencies_are_bounded() {
    let err =
        Scenario::parse("heartbeat 1\nelection-timeout 2 18446744073709551615\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, Some(20)), "{err}");
    assert!(err.message.contains("at most 60000"), "{err}");
    let err = Scenario::parse("nodes 3\nlatency 18446744073709551615 18446744073709551615\n")
        .unwrap_err();
    assert_eq!((err.line, err.column), (2, Some(30)), "{err}");
    assert!(err.message.contains("at most 10000"), "{err}");
    assert!(Scenario::parse("election-timeout 60000 60000\nlatency 10000 10000\n").is_ok());
    // What used to panic now cannot be written; the longest allowed plays without overflow.
    let text = "election-timeout 59999 60000\nheartbeat 1\ncheckquorum\nreads lease\nlatency 10000 10000\nclock A 10\ntimeout A\nwait 3599000\nread A x\nwait 1000\n";
    play(text);
}

/// A file saved with a byte order mark (as some Windows editors do) reads as without it: its
/// first line used to be "unknown instruction '\u{feff}nodes'", the mark invisible in the
/// message.
#[test]
fn a_byte_order_mark_is_not_part_of_the_first_line() {
    let scenario = Scenario::parse("\u{feff}nodes 3\r\ntimeout A\r\n").unwrap();
    assert_eq!(scenario.config.nodes, 3);
    let err = Scenario::parse("\u{feff}crash Q\n").unwrap_err();
    assert_eq!((err.line, err.column), (1, Some(7)), "{err}");
    assert_eq!(
        river_sim::scenario::setting_line("\u{feff}nodes 3\n", "nodes"),
        Some(1)
    );
}

/// A one-way link is written with or without spaces around its arrow in every instruction,
/// as `show A->B` already read it: `cut A->B` used to be refused as "'A->B' is not a node".
#[test]
fn a_link_arrow_needs_no_spaces() {
    let steps = |text: &str| Scenario::parse(text).unwrap().steps;
    for verb in ["cut", "heal", "hold", "release"] {
        let spaced = steps(&format!("{verb} A -> B\n"));
        for written in ["A->B", "A-> B", "A ->B"] {
            assert_eq!(
                steps(&format!("{verb} {written}\n")),
                spaced,
                "{verb} {written}"
            );
        }
    }
    assert_eq!(
        steps("cut A B\n"),
        [(1, Step::Cut(NodeId(0), NodeId(1), false))]
    );
    let err = Scenario::parse("cut A->Q\n").unwrap_err();
    assert!(err.message.contains("'Q' is not a node"), "{err}");
    let err = Scenario::parse("hold A->A\n").unwrap_err();
    assert!(err.message.contains("no messages to itself"), "{err}");
    let err = Scenario::parse("hold A B\n").unwrap_err();
    assert!(err.message.contains("write 'hold A -> B'"), "{err}");
}

/// A word a message quotes is shortened when long: a bad word of a megabyte used to be
/// printed whole, a megabyte of error message.
#[test]
fn a_long_word_is_quoted_short() {
    let long = "Q".repeat(1 << 20);
    for text in [
        format!("nodes 3\ntimeout {long}\n"),
        format!("{long} A\n"),
        format!("expect A term = {long}\n"),
        format!("wait 10 {long}\n"),
    ] {
        let err = Scenario::parse(&text).unwrap_err();
        let message = err.to_string();
        assert!(message.len() < 200, "{}", &message[..300]);
        assert!(message.contains("'QQQQ"), "{message}");
        assert!(message.contains("(1048576 bytes)"), "{message}");
    }
    let err = Scenario::parse("nodes 3\ntimeout Q\n").unwrap_err();
    assert!(err.message.starts_with("'Q' is not a node"), "{err}");
}

/// A `clock` line names a server of the cluster as sized so far, so one before the `nodes`
/// line that makes its server exist is refused; the message says where `nodes` belongs
/// (it said only "'F' is not a node of this 5-node cluster", beside a `nodes 6`).
#[test]
fn a_clock_before_the_nodes_line_says_where_nodes_belongs() {
    let err = Scenario::parse("clock F 50\nnodes 6\n").unwrap_err();
    assert_eq!((err.line, err.column), (1, Some(7)), "{err}");
    assert!(
        err.message
            .ends_with("; a `nodes N` line must come before it"),
        "{err}"
    );
    let err = Scenario::parse("nodes 3\nclock F 50\n").unwrap_err();
    assert_eq!(
        err.message,
        "'F' is not a node of this 3-node cluster (use A to C)"
    );
    assert!(Scenario::parse("nodes 6\nclock F 50\n").is_ok());
}

#[test]
fn failed_expectation_names_its_line() {
    let text = "nodes 3\ntimeout A\nwait leader A within 1000\nexpect B leader\n";
    let scenario = Scenario::parse(text).unwrap();
    let mut sim = Player::simulation(&scenario);
    let err = Player::new(scenario).run_to_end(&mut sim).unwrap_err();
    assert_eq!(err.line, 4);
    assert_eq!(err.message, "expected B to be leader, but it is follower");
}

/// Thesis §4.2: a server joins as a learner and is promoted; the leader removes itself and
/// steps down; the rest elect a new leader and carry on.
#[test]
fn membership_story_plays_through() {
    let sim = play(&scenario_file("membership"));
    assert_eq!(sim.checker.violation_count(), 0);
    assert_eq!(sim.size(), 4);
    assert!(sim.server(river_core::NodeId(0)).retired);
    assert!(sim.stats.membership_changes >= 3, "{:?}", sim.stats);
}

#[test]
fn membership_lines_are_checked() {
    let err = Scenario::parse("nodes 3\nadd E\n").unwrap_err();
    assert!(err.message.contains("the next letter, D"), "{err}");
    let err = Scenario::parse("nodes 3\nadd D\nremove E\n").unwrap_err();
    assert!(err.message.contains("'E' is not a node"), "{err}");
    assert!(Scenario::parse("nodes 3\nadd D\nremove D\nexpect D voters ABC\n").is_ok());
    let err = Scenario::parse("nodes 15\nadd P\n").unwrap_err();
    assert!(err.message.contains("at most 15"), "{err}");
}

/// A frozen leader (a stalled process, not a crash) is replaced; thawed, it reads the
/// newer term in its inbox, steps down and catches up.
#[test]
fn freeze_story_plays_through() {
    let sim = play(&scenario_file("freeze"));
    assert_eq!(sim.checker.violation_count(), 0);
}

/// A frozen server's timers wait and its clock resumes where it stopped: frozen 2 s with
/// nothing in its inbox, a leader under CheckQuorum still leads when it thaws and steps down
/// only when its own lease runs out, an election timeout later.
#[test]
fn a_thawed_server_resumes_its_clock_where_it_stopped() {
    let text = "nodes 3\nlatency 10 10\ncheckquorum on\ntimeout A\nwait leader A within 1000\n\
                partition A | BC\nfreeze A\nwait 2000\nexpect A leader\nthaw A\nwait 100\n\
                expect A leader\nwait 200\nexpect A follower\n";
    play(text);
    let err = Scenario::parse("nodes 3\nfreeze D\n").unwrap_err();
    assert!(err.message.contains("'D' is not a node"), "{err}");
}

/// A clock that changes its rate mid-run (the swarm's stranded leaders skew clocks this way)
/// counts each stretch at the rate it ran at, and its pending timer moves with it: 100 ms at
/// 100%, then 100 ms at 300% count 400 ms, so a 1,000 ms election timeout fires 600 ms after
/// the clock slows back to 100%, while the untouched servers' fire at 1,000 ms.
#[test]
fn a_clock_that_changes_rate_counts_each_stretch_at_its_own() {
    use river_core::{NodeId, Role};
    use river_sim::SimConfig;
    let mut config = SimConfig::new(3, 1);
    config.raft.election_timeout_min_ms = 1_000;
    config.raft.election_timeout_max_ms = 1_000;
    let mut sim = Simulation::new(config).unwrap();
    let c = NodeId(2);
    sim.run_until(100);
    sim.set_clock_percent(c, 300);
    sim.run_until(200);
    sim.set_clock_percent(c, 100);
    assert_eq!(sim.node(c).unwrap().election_timer().0, 400);
    sim.run_until(799);
    assert_eq!(sim.node(c).unwrap().role(), Role::Follower);
    sim.run_until(800);
    assert_ne!(sim.node(c).unwrap().role(), Role::Follower);
    assert!(sim
        .ids()
        .filter(|&id| id != c)
        .all(|id| { sim.node(id).unwrap().role() == Role::Follower }));
    let rates: Vec<u64> = sim.ids().map(|id| sim.server(id).clock_percent).collect();
    assert_eq!(rates, [100, 100, 100]);
}

/// A scenario's waits add up to at most a simulated hour, and its clients to at most 10
/// client-hours: right at either edge it parses, one ms past it is refused at that line.
#[test]
fn a_scenarios_waits_and_clients_are_limited_in_all() {
    let ok = |text: &str| Scenario::parse(text).map(drop);
    let line = |text: &str| Scenario::parse(text).unwrap_err().line;
    assert_eq!(
        ok("timeout A\nwait 3000000\nwait leader within 600000\n"),
        Ok(())
    );
    assert_eq!(
        line("timeout A\nwait 3000000\nwait leader within 600001\n"),
        3
    );
    assert_eq!(
        ok("clients 10\ntimeout A\nwait 1000\nwait 3599000\n"),
        Ok(())
    );
    assert_eq!(
        ok("clients 100\ntimeout A\nwait 1000\nwait 359000\n"),
        Ok(())
    );
    assert_eq!(line("clients 100\ntimeout A\nwait 1000\nwait 359001\n"), 4);
    // A `wait leader` without `within` counts its 5 s.
    assert_eq!(
        line("clients 100\ntimeout A\nwait 355001\nwait leader\n"),
        4
    );
    // At most 10,000 instructions: the next one is refused at its line.
    let many = "timeout A\n".repeat(10_000);
    assert_eq!(ok(&many), Ok(()));
    assert_eq!(line(&(many + "# a comment\ncrash A\n")), 10_002);
}

/// `expect refused` checks the last line that acted: refused, and for the reason it names.
#[test]
fn a_refusal_can_be_expected_with_its_reason() {
    let erratum = "nodes 4\ntimeout A\nwait leader A within 1000\nwait 200\ncrash B\n\
                   timeout C\nwait leader C within 1000\nremove B\n";
    play(&format!(
        "{erratum}expect refused\nwait 5\nexpect refused own term\n"
    ));

    let fails = |text: String| {
        let scenario = Scenario::parse(&text).unwrap();
        let mut sim = Player::simulation(&scenario);
        Player::new(scenario).run_to_end(&mut sim).unwrap_err()
    };
    let err = fails(format!("{erratum}expect refused a crashed server\n"));
    assert_eq!(err.line, 9);
    assert!(
        err.message.starts_with("line 8 was refused (leader C says"),
        "{err}"
    );
    assert!(err.message.ends_with("\"a crashed server\""), "{err}");

    let err = fails(format!("{erratum}wait 300\nremove B\nexpect refused\n"));
    assert_eq!(err.line, 11);
    assert_eq!(
        err.message,
        "expected line 10 to be refused, but it was carried out"
    );

    let err = fails(String::from("nodes 3\nwait 10\nexpect refused\n"));
    assert_eq!(
        err.message,
        "expected a refusal, but no line before it acts"
    );

    // A line that finds no message to hold acted all the same, and nothing was refused.
    let err = fails(format!("{erratum}hold A->C\nexpect refused\n"));
    assert_eq!(
        err.message,
        "expected line 9 to be refused, but it was carried out"
    );
}

/// A request the simulation took can still be refused by the server it reached: `expect
/// refused` then reads the answer the user heard, once it is back.
#[test]
fn a_request_refused_by_its_server_can_be_expected() {
    let led = "nodes 3\nlatency 10 10\ntimeout A\nwait leader A within 1000\nwait 100\n";
    // A follower sends the user to the leader.
    play(&format!(
        "{led}propose B x=1\nwait 30\nexpect refused sent the user to A\n"
    ));

    let fails = |text: String| {
        let scenario = Scenario::parse(&text).unwrap();
        let mut sim = Player::simulation(&scenario);
        Player::new(scenario).run_to_end(&mut sim).unwrap_err()
    };
    let err = fails(format!("{led}propose B x=1\nexpect refused\n"));
    assert_eq!(
        err.message,
        "expected line 6 to be refused, but its request has no answer yet (a wait lets the answer come back)"
    );
    let err = fails(format!("{led}propose A x=1\nwait 100\nexpect refused\n"));
    assert_eq!(
        err.message,
        "expected line 6 to be refused, but A carried it out"
    );
    let err = fails(format!(
        "{led}propose B x=1\nwait 30\nexpect refused sent the user to C\n"
    ));
    assert_eq!(
        err.message,
        "line 6 was refused (B did not take it and sent the user to A), but not for a reason that says \"sent the user to C\""
    );
    // A line after the request that acts is the one checked.
    let err = fails(format!(
        "{led}propose B x=1\nwait 30\ncut A B\nexpect refused\n"
    ));
    assert_eq!(
        err.message,
        "expected line 8 to be refused, but it was carried out"
    );
}

/// A misspelt expectation is not taken for a server's name.
#[test]
fn a_misspelt_expectation_is_named() {
    let err = Scenario::parse("nodes 3\nexpect refuse\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, Some(8)));
    assert_eq!(
        err.message,
        "cannot expect 'refuse'; did you mean 'refused'?"
    );
    let err = Scenario::parse("nodes 3\nexpect Q leader\n").unwrap_err();
    assert!(err.message.contains("'Q' is not a node"), "{err}");
}

/// A refused line changes nothing: `add E` that no leader takes (another change in flight,
/// or no leader at all) starts no server (it started E all the same, outside the cluster).
/// Lines after it that name the server never started are refused, and expectations about
/// it fail, each saying why, rather than acting on a server that is not there.
#[test]
fn a_refused_add_starts_no_server() {
    let in_flight = "nodes 3\ntimeout A\nwait leader A within 1000\nwait 200\nadd D\nadd E\n";
    let sim = play(&format!("{in_flight}expect refused another change\n"));
    assert_eq!(sim.size(), 4, "D started, E refused");
    let sim = play("nodes 3\nadd D\nexpect refused no server leads\n");
    assert_eq!(sim.size(), 3, "no leader: nothing started");
    // The run's trace is the run's without the refused line, but for the request refused.
    let records = |text: &str| {
        let scenario = Scenario::parse(text).unwrap();
        let mut sim = Player::simulation(&scenario);
        sim.trace.keep = true;
        Player::new(scenario).run_to_end(&mut sim).unwrap();
        let refused = |r: &river_sim::trace::TraceRecord| {
            matches!(
                r.event,
                river_sim::trace::TraceEvent::Membership {
                    change: river_core::MembershipChange::AddLearner(NodeId(4)),
                    ..
                }
            )
        };
        let records = sim.trace.records;
        assert_eq!(
            records.iter().filter(|r| refused(r)).count(),
            usize::from(text.contains("add E"))
        );
        records
            .into_iter()
            .filter(|r| !refused(r))
            .collect::<Vec<_>>()
    };
    assert!(
        records(&format!("{in_flight}wait 1000\n"))
            == records(&format!("{}wait 1000\n", in_flight.replace("add E\n", "")))
    );

    // What names E afterwards is refused (or fails), saying why.
    let refused_after = |line: &str| {
        let text = format!("{in_flight}{line}\nexpect refused never started\n");
        play(&text);
    };
    for line in [
        "crash E",
        "timeout E",
        "cut A E",
        "partition ABE | CD",
        "propose E x=1",
        "remove E",
        "transfer A E",
        "snapshot E",
        "freeze E",
    ] {
        refused_after(line);
    }
    let scenario = Scenario::parse(&format!("{in_flight}expect E follower\n")).unwrap();
    let mut sim = Player::simulation(&scenario);
    let err = Player::new(scenario).run_to_end(&mut sim).unwrap_err();
    assert_eq!(err.line, 7);
    assert!(err.message.contains("E was never started"), "{err}");
    // The next server's letter is still the one the scenario named: a later `add F`
    // cannot start E in its place.
    let sim = play(&format!(
        "{in_flight}wait 1000\nadd F\nexpect refused never started\n"
    ));
    assert_eq!(sim.size(), 4);
}
