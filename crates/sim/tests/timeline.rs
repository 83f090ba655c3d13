//! Time travel: rewinding to any moment and replaying reproduces the same run exactly.

use river_core::NodeId;
use river_sim::kv::Op;
use river_sim::timeline::{Input, Timeline, MAX_CHECKPOINTS};
use river_sim::{SimConfig, Simulation};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);

/// A busy five-node run with clients and some hands-on inputs, recording the trace digest
/// at each listed moment.
fn busy(moments: &[u64]) -> (Timeline, Vec<u64>) {
    let mut sim = Simulation::new(SimConfig::new(5, 11)).unwrap();
    sim.add_workload_clients(3);
    let mut t = Timeline::new(sim);
    let mut digests = Vec::new();
    let script: [(u64, Input); 5] = [
        (700, Input::Submit(A, Op::parse("x=1").unwrap())),
        (
            1_500,
            Input::Partition(vec![vec![A, B], vec![C, NodeId(3), NodeId(4)]]),
        ),
        (2_600, Input::Crash(C)),
        (3_300, Input::HealAll),
        (3_900, Input::Restart(C)),
    ];
    let mut script = script.into_iter().peekable();
    for &moment in moments {
        while let Some((at, _)) = script.peek().filter(|(at, _)| *at <= moment) {
            t.run_until(*at);
            let (_, input) = script.next().unwrap();
            let _ = t.apply(input); // a scripted input may be refused; the past is what is tested
        }
        t.run_until(moment);
        digests.push(t.sim.trace.digest());
    }
    (t, digests)
}

/// Seeking back to a moment rebuilds exactly the state the run had then, and playing on
/// from there reproduces the same future.
#[test]
fn rewinding_and_replaying_reproduces_the_same_trace() {
    let moments = [500, 1_000, 2_000, 3_000, 4_000, 6_000];
    let (mut t, digests) = busy(&moments);
    for (k, &moment) in moments.iter().enumerate().rev() {
        t.seek(moment);
        assert_eq!(t.sim.now_ms(), moment);
        assert_eq!(t.sim.trace.digest(), digests[k], "state at {moment} ms");
    }
    t.seek(1_200);
    t.run_until(6_000);
    assert_eq!(t.sim.trace.digest(), digests[5], "replayed future");
    assert_eq!(t.sim.checker.violation_count(), 0);
}

/// Stepping back one event rebuilds the moment just before it.
#[test]
fn step_back_undoes_exactly_one_event() {
    let (mut t, _) = busy(&[2_500]);
    let before = (t.sim.trace.digest(), t.sim.stats.events);
    assert!(t.step());
    assert_eq!(t.sim.stats.events, before.1 + 1);
    t.seek_events(before.1);
    assert_eq!((t.sim.trace.digest(), t.sim.stats.events), before);
}

/// Acting in the past starts a new branch; the old future is kept and can be returned to.
#[test]
fn acting_in_the_past_keeps_the_old_future_as_a_branch() {
    let (mut t, digests) = busy(&[5_000]);
    t.seek(2_000);
    t.apply(Input::Timeout(B)).unwrap();
    t.run_until(5_000);
    assert_ne!(t.sim.trace.digest(), digests[0], "a different future");
    assert_eq!(t.branches.len(), 1);
    assert_eq!(t.branches[0].end_ms, 5_000);
    t.switch_branch(0);
    t.run_until(5_000);
    assert_eq!(t.sim.trace.digest(), digests[0], "the old future, exactly");
    assert_eq!(t.branches.len(), 1, "the newer future is kept in turn");
}

/// Going back to the same moment again and again, and giving the same inputs from there
/// each time, keeps the future left behind once: a kept future that another kept one holds
/// whole (its inputs, then more only from its end on) is not kept again.
#[test]
fn the_same_future_left_twice_is_kept_once() {
    let (mut t, _) = busy(&[5_000]);
    let events = |t: &mut Timeline, ms: u64| {
        t.seek(ms);
        t.sim.stats.events
    };
    let at_2000 = events(&mut t, 2_000);
    t.run_until(5_000);
    let applied = t.inputs().iter().filter(|s| s.time_ms <= 2_000).count();
    let later: Vec<(u64, Input)> = t.inputs()[applied..]
        .iter()
        .map(|s| (s.time_ms, s.input.clone()))
        .collect();
    for _ in 0..3 {
        t.rewind(2_000, at_2000, applied);
        for (ms, input) in &later {
            t.run_until(*ms);
            let _ = t.apply(input.clone());
        }
        t.run_until(5_000);
    }
    assert_eq!(t.branches.len(), 1, "one kept future, not one per rewind");
    assert_eq!(t.branches[0].end_ms, 5_000);
    // A future that is the kept one cut short is held by it too.
    let at_1000 = events(&mut t, 1_000);
    let applied = t.inputs().iter().filter(|s| s.time_ms <= 1_000).count();
    t.rewind(1_000, at_1000, applied);
    assert_eq!(t.branches.len(), 1);
    // A different future is kept beside it.
    t.apply(Input::Timeout(B)).unwrap();
    t.run_until(3_000);
    t.seek(500);
    t.apply(Input::Timeout(C)).unwrap();
    assert_eq!(t.branches.len(), 2);
}

/// Long runs keep a bounded number of copies.
#[test]
fn checkpoints_stay_bounded_on_long_runs() {
    let (mut t, _) = busy(&[1_000]);
    t.run_until(10 * 60 * 1_000);
    assert!(t.checkpoint_count() <= MAX_CHECKPOINTS);
    let end = t.sim.trace.digest();
    t.seek(9 * 60 * 1_000);
    t.run_until(10 * 60 * 1_000);
    assert_eq!(t.sim.trace.digest(), end);
}

/// Seeking to just before an input given at a moment: every event up to then has run, the
/// input is the next thing, and playing on gives the same run again.
#[test]
fn seek_before_stands_just_before_the_input_given_then() {
    let mut t = Timeline::new(Simulation::new(SimConfig::new(5, 4)).unwrap());
    t.apply(Input::Timeout(B)).unwrap();
    t.run_until(700);
    let events = t.sim.stats.events;
    t.apply(Input::Crash(B)).unwrap();
    t.run_until(2_000);
    let later = t.sim.trace.digest();
    t.seek_before(700);
    assert_eq!((t.sim.now_ms(), t.sim.stats.events), (700, events));
    assert!(t.sim.node(B).is_some(), "B has not crashed yet");
    assert!(t.step());
    assert!(t.sim.node(B).is_none(), "the crash came first");
    t.run_until(2_000);
    assert_eq!(t.sim.trace.digest(), later);
    // With no input at that moment it is an ordinary seek.
    t.seek_before(1_500);
    let at = (t.sim.now_ms(), t.sim.trace.digest());
    t.seek(1_500);
    assert_eq!(at, (t.sim.now_ms(), t.sim.trace.digest()));
}
