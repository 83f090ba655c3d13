//! Correct Raft survives the swarm: random fault mixes checked after every event, then a
//! heal phase that must converge. (`river check` runs thousands more seeds in CI.)

use river_sim::swarm::{self, CheckOptions, Outcome};
use river_sim::RaftOptions;

fn all_safe(options: CheckOptions, seeds: std::ops::RangeInclusive<u64>) {
    for seed in seeds {
        let (_, report) = swarm::run(&options, seed, false).unwrap();
        assert_eq!(report.outcome, Outcome::Ok, "seed {seed} ({options:?})");
        assert!(
            report.commits > 0 && report.elections > 0,
            "seed {seed} did nothing"
        );
    }
}

#[test]
fn five_nodes_are_safe_and_converge() {
    all_safe(CheckOptions::default(), 1..=150);
}

#[test]
fn prevote_and_checkquorum_are_safe_and_converge() {
    let options = CheckOptions {
        raft: RaftOptions {
            pre_vote: true,
            check_quorum: true,
            ..RaftOptions::default()
        },
        ..CheckOptions::default()
    };
    all_safe(options, 1..=100);
}

#[test]
fn every_cluster_size_is_safe() {
    for nodes in 1..=9 {
        all_safe(
            CheckOptions {
                nodes,
                ..CheckOptions::default()
            },
            1..=15,
        );
    }
}
