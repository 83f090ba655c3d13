//! Benchmark: simulated seconds per wall-clock second for a 5-node cluster under faults and
//! client load, on one thread, with the safety checker running after every event.
//!
//! `cargo run --release -p river-sim --example speed [-- SEEDS]`

use river_sim::swarm::{self, CheckOptions, Outcome};
use std::time::Instant;

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("SEEDS must be a number"))
        .unwrap_or(500);
    let options = CheckOptions::default();
    let mut best = 0.0f64;
    for round in 1..=3 {
        let started = Instant::now();
        let (mut sim_ms, mut events) = (0u64, 0u64);
        for seed in 1..=seeds {
            let (_, report) = swarm::run(&options, seed, false).expect("valid options");
            assert_eq!(report.outcome, Outcome::Ok, "seed {seed}");
            sim_ms += report.sim_ms;
            events += report.stats.events;
        }
        let wall = started.elapsed().as_secs_f64();
        let ratio = sim_ms as f64 / 1000.0 / wall;
        best = best.max(ratio);
        println!(
            "round {round}: {seeds} runs, {:.0} simulated s, {events} events in {wall:.2} s wall: {ratio:.0}x real time, {:.2} M events/s",
            sim_ms as f64 / 1000.0,
            events as f64 / wall / 1e6
        );
    }
    println!(
        "best: {best:.0}x real time (5 nodes, faults, clients, checker on every event, one thread)"
    );
}
