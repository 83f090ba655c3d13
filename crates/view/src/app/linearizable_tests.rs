//! The safety badge judges what the users saw as well as the logs: a stale read flips it
//! to "stale read: not linearizable" and the banner explains it; correct Raft never flips
//! it, whatever is done to the cluster; a jump in time shows the verdict of that moment.

use super::tests::{app, json, to_pause, Acts};
use super::App;
use crate::action::{self, Action};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_sim::history::{OpFn, OpType};

fn read(a: &mut App, letter: &str, key: &str) {
    let node = action::node(letter).unwrap();
    let key = key.into();
    a.apply(Action::Read { node, key }).unwrap();
}

fn leader(a: &App) -> String {
    a.sim().leader().unwrap().letter().to_string()
}

fn feed(a: &mut App) -> String {
    let lines: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
    lines.join("\n")
}

/// `stale-read` (a server answers from its own store): a follower cut off before x=2
/// answers x = 1 after x=2 was acknowledged. Returns the moment the read was asked.
fn stale_read(a: &mut App) -> u64 {
    a.set_bug("stale-read", true).unwrap();
    a.pause();
    a.advance(2_000.0).unwrap();
    let l = leader(a);
    a.propose(&l, "x=1").unwrap();
    a.advance(500.0).unwrap();
    let follower = if l == "A" { "B" } else { "A" };
    let rest: String = ["A", "B", "C", "D", "E"]
        .into_iter()
        .filter(|n| *n != follower)
        .collect();
    a.partition(&format!("{follower}|{rest}")).unwrap();
    a.propose(&l, "x=2").unwrap();
    a.advance(500.0).unwrap();
    let asked = a.sim().now_ms();
    read(a, follower, "x");
    a.advance(500.0).unwrap();
    asked
}

/// A stale read is a linearizability violation: the badge says so in its words, the dialog
/// lists it with its moment, the feed tells it once, the timeline marks it and the banner
/// explains it. Before the page judged the users' history, every log was correct and the
/// badge said "✓ safe".
#[test]
fn a_stale_read_flips_the_badge_and_the_banner_explains_it() {
    let mut a = app("?seed=4&nodes=5");
    let asked = stale_read(&mut a);
    let s = json(&a.safety());
    assert_eq!(s["ok"], false, "{s}");
    assert_eq!(s["badge"], "✗ stale read: not linearizable");
    assert_eq!(s["count"], 1.0);
    let v = &s["violations"][0];
    assert_eq!(v["property"], "Linearizability");
    assert!(v["timeMs"].as_f64().unwrap() >= asked as f64);
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("a read of x asked at") && text.contains("answered 1, although x=2"),
        "{text}"
    );
    assert_eq!(a.sim().checker.violation_count(), 0, "every log is fine");
    let said = feed(&mut a);
    assert_eq!(
        said.matches("Linearizability violated: stale read").count(),
        1,
        "{said}"
    );
    let banner = a.controls().broken_text;
    assert!(
        banner.starts_with("Raft is broken: stale-read."),
        "{banner}"
    );
    assert!(
        banner.contains("A read returned a stale value: x read 1, but x=2 had committed")
            && banner.contains("not linearizable"),
        "{banner}"
    );
    let marks = json(&a.timeline())["marks"].clone();
    let marked: Vec<_> = marks
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "violation")
        .collect();
    assert_eq!(marked.len(), 1, "{marks}");
    // The verdict belongs to the moment shown: before the read, the run was linearizable;
    // back at the end, the stale read is there again, marked once and not told again.
    a.seek(asked as f64).unwrap();
    assert_eq!(json(&a.safety())["badge"], "✓ safe");
    assert!(!a.controls().broken_text.contains("stale value"));
    a.seek(1e9).unwrap();
    assert_eq!(json(&a.safety())["ok"], false);
    let marks = json(&a.timeline())["marks"].clone();
    let count = marks
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "violation")
        .count();
    assert_eq!(count, 1, "{marks}");
}

/// The reads tour's last step is a stale read (read-without-heartbeat): the badge flips
/// there and only there.
#[test]
fn the_reads_tour_is_safe_until_its_stale_read() {
    let mut a = app("");
    a.done(Action::Tour {
        name: "reads".into(),
        step: 1.0,
    })
    .unwrap();
    let steps = a.tour().steps.len();
    for step in 1..=steps {
        to_pause(&mut a);
        let s = json(&a.safety());
        if step < steps {
            assert_eq!(s["badge"], "✓ safe", "step {step}: {s}");
            a.done(Action::TourContinue).unwrap();
        } else {
            assert_eq!(a.tour().state, "finished");
            assert_eq!(s["badge"], "✗ stale read: not linearizable", "{s}");
            let banner = a.controls().broken_text;
            assert!(banner.contains("read-without-heartbeat"), "{banner}");
            assert!(
                banner.contains("x read 3, but x=4 had committed"),
                "{banner}"
            );
        }
    }
}

/// The lease tour runs correct Raft: its badge flips at the step where the thawed leader
/// answers from its lease (step 3) and stays flipped, and the banner explains the stale
/// read without naming a broken variant.
#[test]
fn the_lease_tour_flips_the_badge_at_the_paused_leaders_read() {
    let mut a = app("");
    a.done(Action::Tour {
        name: "lease".into(),
        step: 1.0,
    })
    .unwrap();
    let steps = a.tour().steps.len();
    for step in 1..=steps {
        to_pause(&mut a);
        let s = json(&a.safety());
        if step < 3 {
            assert_eq!(s["badge"], "✓ safe", "step {step}: {s}");
        } else {
            assert_eq!(
                s["badge"], "✗ stale read: not linearizable",
                "step {step}: {s}"
            );
            let banner = a.controls().broken_text;
            assert!(!banner.contains("Raft is broken"), "{banner}");
            assert_eq!(a.controls().broken_off, "", "nothing to switch off");
            assert!(
                banner.contains("x read 1, but x=2 had committed"),
                "{banner}"
            );
        }
        if step < steps {
            a.done(Action::TourContinue).unwrap();
        } else {
            assert_eq!(a.tour().state, "finished");
        }
    }
}

/// Correct Raft never flips the badge: users write and read at every server while servers
/// crash and restart and the cluster splits and heals, through ReadIndex, leases and the
/// log, over several seeds.
#[test]
fn correct_raft_never_flips_the_badge() {
    let letters = ["A", "B", "C", "D", "E"];
    let mut reads = 0;
    for mode in ["read-index", "lease", "log"] {
        for seed in 1..=4u64 {
            let mut a = app(&format!("?seed={seed}&nodes=5"));
            a.set_setting("checkquorum", "on").unwrap();
            a.set_setting("read-mode", mode).unwrap();
            a.pause();
            a.advance(1_500.0).unwrap();
            for round in 0..24usize {
                let at = letters[(round * 3 + seed as usize) % 5];
                let other = letters[(round * 7 + 1) % 5];
                match round % 8 {
                    0 => a.partition(&format!("{at}|{}", rest(at))).unwrap(),
                    3 => a.heal_all(),
                    5 => drop(a.crash(other)),
                    7 => drop(a.restart(other)),
                    _ => {}
                }
                // Users wait for answers; a refusal (every user busy) is fine.
                let _ = a.propose(at, &format!("x={round}"));
                let _ = a.apply(Action::Read {
                    node: action::node(other).unwrap(),
                    key: "x".into(),
                });
                a.advance(120.0 + (round % 5) as f64 * 90.0).unwrap();
                let s = json(&a.safety());
                assert_eq!(s["ok"], true, "{mode}, seed {seed}, round {round}: {s}");
            }
            a.heal_all();
            a.advance(3_000.0).unwrap();
            assert_eq!(json(&a.safety())["badge"], "✓ safe", "{mode}, seed {seed}");
            let ops = &a.sim().history.ops;
            assert!(ops.len() > 40, "{mode}, seed {seed}: {} lines", ops.len());
            reads += ops
                .iter()
                .filter(|o| o.kind == OpType::Ok && o.f == OpFn::Get)
                .count();
        }
    }
    assert!(reads > 100, "only {reads} reads answered");
}

fn rest(at: &str) -> String {
    ["A", "B", "C", "D", "E"]
        .into_iter()
        .filter(|n| *n != at)
        .collect()
}
