//! The feed is in time order, grouped lines included: a rollback told once for every server
//! that threw the entries away, and stale rejections told once per sender, each at the
//! moment the first of them happened, before whatever came after it.

use super::*;
use river_sim::SimConfig;

/// A leader cut off with one follower takes two changes it cannot commit; the others elect
/// a new leader; the heal makes the old side reject nothing new but step down, throw the
/// changes away and reject the old leader's messages still on the wire. The page's clock
/// tells each 16 ms frame as it comes, as `App::after_run` does. Returns every feed line as
/// the page was given it, and every trace record.
fn healed_split(seed: u64) -> (Vec<FeedAnswer>, Vec<TraceRecord>) {
    let mut sim = Simulation::new(SimConfig::new(5, seed)).unwrap();
    sim.trace.keep = true;
    let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
    let (mut said, mut all) = (Vec::new(), Vec::new());
    let mut frames = |sim: &mut Simulation, ms: u64| {
        for _ in 0..ms / 16 {
            sim.advance(16);
            let records = core::mem::take(&mut sim.trace.records);
            narrator.narrate(&records, sim, &mut feed, 20.0, 100.0);
            said.extend(feed.take());
            all.extend(records);
        }
    };
    frames(&mut sim, 1_000);
    let old = sim.leader().expect("a leader within a second");
    let with = NodeId((old.0 + 1) % 5);
    let others: Vec<NodeId> = sim.ids().filter(|&n| n != old && n != with).collect();
    sim.partition(&[alloc::vec![old, with], others]);
    sim.submit(old, Op::parse("x=2").unwrap());
    sim.submit(old, Op::parse("y=2").unwrap());
    frames(&mut sim, 1_500);
    sim.heal_all();
    frames(&mut sim, 1_500);
    (said, all)
}

use crate::answers::FeedAnswer;

#[test]
fn grouped_lines_keep_the_feed_in_time_order_at_their_first_moment() {
    let (mut rollbacks, mut stales) = (0, 0);
    for seed in 1..=12 {
        let (said, records) = healed_split(seed);
        for pair in said.windows(2) {
            assert!(
                pair[0].time_ms <= pair[1].time_ms,
                "seed {seed}: “{}” at {} ms is told before “{}” at {} ms",
                pair[0].text,
                pair[0].time_ms,
                pair[1].text,
                pair[1].time_ms
            );
        }
        // Each grouped line stands at the moment the first of what it gathers happened.
        let first = |is: &dyn Fn(&Event) -> bool| {
            records.iter().find_map(|r| match &r.event {
                TraceEvent::Node { event, .. } if is(event) => Some(r.time_ms as f64),
                _ => None,
            })
        };
        let line = |part: &str| said.iter().find(|l| l.text.contains(part));
        let thrown = first(&|e| matches!(e, Event::Truncated { .. }));
        if let Some(line) = line(" threw away ") {
            assert_eq!(Some(line.time_ms), thrown, "seed {seed}: {}", line.text);
            rollbacks += usize::from(line.text.contains(" and "));
        }
        let stale = first(
            &|e| matches!(e, Event::StaleMessage { kind, .. } if *kind != MessageKind::TimeoutNow),
        );
        if let Some(line) = line(" rejected a stale ") {
            assert_eq!(Some(line.time_ms), stale, "seed {seed}: {}", line.text);
            stales += usize::from(line.text.contains(" each rejected "));
        }
    }
    // The grouping is kept: the lines name several servers at once.
    assert!(
        rollbacks > 0 && stales > 0,
        "{rollbacks} rollbacks, {stales} stale"
    );
}

/// A line kept for later holds back the lines after it, and only those.
#[test]
fn a_reserved_place_holds_back_what_follows_it() {
    let mut feed = Feed::default();
    feed.push(1, FeedKind::Election, String::from("one"));
    let place = feed.reserve();
    feed.push(3, FeedKind::Fault, String::from("three"));
    let given: Vec<String> = feed.take().into_iter().map(|l| l.text).collect();
    assert_eq!(given, ["one"]);
    assert!(feed.is_empty(), "nothing the page may show waits");
    feed.fill(place, 2, FeedKind::Warn, String::from("two"));
    assert!(!feed.is_empty());
    let given: Vec<(f64, String)> = feed
        .take()
        .into_iter()
        .map(|l| (l.time_ms, l.text))
        .collect();
    assert_eq!(
        given,
        [(2.0, String::from("two")), (3.0, String::from("three"))]
    );
    // A place given up (the narrator started again) holds nothing back and takes no line.
    let place = feed.reserve();
    feed.push(4, FeedKind::Fault, String::from("four"));
    feed.release();
    feed.fill(place, 4, FeedKind::Warn, String::from("never"));
    let given: Vec<String> = feed.take().into_iter().map(|l| l.text).collect();
    assert_eq!(given, ["four"]);
}
