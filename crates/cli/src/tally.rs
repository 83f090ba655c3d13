//! `river check`'s summary, kept as the seeds finish: totals, counts, maxima and the few
//! failures it prints in full. Each seed's report is dropped once counted, so memory stays
//! flat however many seeds run (every report was kept until the end, about 0.4 KB a seed).

use crate::checked::Checked;
use river_sim::swarm::Outcome;
use river_sim::Stats;

/// How many failures the summary prints in full (panics first, then the others, each by
/// seed), and how many allowed inconclusive seeds.
pub const SHOWN: usize = 5;

/// The numbers on `river check`'s summary line: one seed's, or summed over many.
#[derive(Clone, Copy, Default)]
pub struct Counts {
    /// Seeds checked.
    pub runs: u64,
    /// Simulated time of the runs that finished (ms).
    pub sim_ms: u64,
    /// The simulations' counters (events, elections, changes, transfers, reads, snapshots).
    pub stats: Stats,
    /// Entries committed.
    pub commits: u64,
    /// Client operations completed.
    pub operations: u64,
    /// Violations reported (as many as each run kept).
    pub violations: u64,
    /// Runs that did not converge after healing.
    pub not_converged: u64,
    /// Runs whose liveness window found no leader.
    pub no_leader: u64,
    /// Runs that panicked.
    pub panicked: u64,
    /// Operations of histories shown linearizable.
    pub linearizable_ops: u64,
    /// Histories certainly not linearizable.
    pub not_linearizable: u64,
    /// Histories whose search gave up on some key.
    pub inconclusive: u64,
    /// The longest wait for a leader in a liveness window (ms): the only maximum here.
    pub longest_leaderless_ms: u64,
    /// Seeds that failed.
    pub failed: u64,
}

impl Counts {
    /// One seed's numbers.
    fn of(checked: &Checked, allow_inconclusive: bool) -> Counts {
        let mut counts = Counts {
            runs: 1,
            failed: u64::from(checked.failed(allow_inconclusive)),
            not_linearizable: u64::from(checked.not_linearizable()),
            inconclusive: u64::from(checked.inconclusive()),
            linearizable_ops: checked
                .history
                .as_ref()
                .map_or(0, |h| h.linearizable_operations() as u64),
            ..Counts::default()
        };
        match &checked.run {
            Ok(r) => {
                counts.sim_ms = r.sim_ms;
                counts.stats = r.stats;
                counts.commits = r.commits;
                counts.operations = r.operations as u64;
                counts.longest_leaderless_ms = r.longest_leaderless_ms;
                match &r.outcome {
                    Outcome::Unsafe(v) => counts.violations = v.len() as u64,
                    Outcome::NoConvergence => counts.not_converged = 1,
                    Outcome::NoLeader { .. } => counts.no_leader = 1,
                    Outcome::Ok => {}
                }
            }
            Err(_) => counts.panicked = 1,
        }
        counts
    }

    /// Adds `other`'s numbers to these (the longest wait is kept, not summed).
    fn add(&mut self, other: &Counts) {
        self.runs += other.runs;
        self.sim_ms += other.sim_ms;
        self.stats.add(&other.stats);
        self.commits += other.commits;
        self.operations += other.operations;
        self.violations += other.violations;
        self.not_converged += other.not_converged;
        self.no_leader += other.no_leader;
        self.panicked += other.panicked;
        self.linearizable_ops += other.linearizable_ops;
        self.not_linearizable += other.not_linearizable;
        self.inconclusive += other.inconclusive;
        self.longest_leaderless_ms = self.longest_leaderless_ms.max(other.longest_leaderless_ms);
        self.failed += other.failed;
    }
}

/// What a run did, in the words every summary line uses: `river check`'s over all seeds,
/// `river run`'s for one seed or one scenario.
pub fn activity(stats: &Stats, commits: u64) -> String {
    format!(
        "events {}, elections {}, commits {commits}, membership changes {}, leadership transfers {}, ReadIndex reads {}, lease reads {}, snapshots installed {}",
        stats.events,
        stats.elections,
        stats.membership_changes,
        stats.transfers,
        stats.read_index_reads,
        stats.lease_reads,
        stats.snapshots_installed,
    )
}

/// What `river check` prints about its seeds, for any order in which they finish.
#[derive(Default)]
pub struct Tally {
    /// The summary line's numbers.
    pub counts: Counts,
    /// The lowest panicked seeds, at most [`SHOWN`], by seed.
    panics: Vec<Checked>,
    /// The lowest seeds that failed otherwise, at most [`SHOWN`], by seed.
    failures: Vec<Checked>,
    /// With `--allow-inconclusive`, the lowest seeds that failed only by being inconclusive,
    /// at most [`SHOWN`], by seed.
    allowed: Vec<Checked>,
}

impl Tally {
    /// Counts one seed, keeping it only if the summary may print it; returns its numbers.
    pub fn add(&mut self, checked: Checked, allow_inconclusive: bool) -> Counts {
        let counts = Counts::of(&checked, allow_inconclusive);
        self.counts.add(&counts);
        if counts.failed == 1 {
            if counts.panicked == 1 {
                keep_lowest(&mut self.panics, checked);
            } else {
                keep_lowest(&mut self.failures, checked);
            }
        } else if allow_inconclusive && counts.inconclusive == 1 {
            keep_lowest(&mut self.allowed, checked);
        }
        counts
    }

    /// Adds another worker's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.counts.add(&other.counts);
        for c in other.panics {
            keep_lowest(&mut self.panics, c);
        }
        for c in other.failures {
            keep_lowest(&mut self.failures, c);
        }
        for c in other.allowed {
            keep_lowest(&mut self.allowed, c);
        }
    }

    /// The lowest seed that failed.
    pub fn first_failure(&self) -> Option<&Checked> {
        self.panics
            .first()
            .into_iter()
            .chain(self.failures.first())
            .min_by_key(|c| c.seed)
    }

    /// The failures printed in full: panics first (the least expected), each kind by seed.
    pub fn shown_failures(&self) -> impl Iterator<Item = &Checked> {
        self.panics.iter().chain(&self.failures).take(SHOWN)
    }

    /// The seeds that failed only by being inconclusive, allowed (`--allow-inconclusive`).
    pub fn shown_allowed(&self) -> &[Checked] {
        &self.allowed
    }
}

/// Puts `checked` into `list`, kept by seed, and drops the highest past [`SHOWN`].
fn keep_lowest(list: &mut Vec<Checked>, checked: Checked) {
    let at = list.partition_point(|c| c.seed < checked.seed);
    if at < SHOWN {
        list.insert(at, checked);
        list.truncate(SHOWN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicked(seed: u64) -> Checked {
        Checked {
            seed,
            run: Err(String::from("panicked")),
            history: None,
        }
    }

    /// Workers finish their seeds in any order: the tallies they merge keep the lowest
    /// panicked seeds, by seed, and count them all.
    #[test]
    fn merged_tallies_keep_the_lowest_seeds_whatever_the_order() {
        let (mut a, mut b) = (Tally::default(), Tally::default());
        for seed in [9, 3, 11, 7, 1, 13] {
            a.add(panicked(seed), false);
        }
        for seed in [8, 2, 12, 6] {
            b.add(panicked(seed), false);
        }
        b.merge(a);
        let shown: Vec<u64> = b.shown_failures().map(|c| c.seed).collect();
        assert_eq!(shown, [1, 2, 3, 6, 7]);
        assert_eq!(b.first_failure().map(|c| c.seed), Some(1));
        assert_eq!(
            (b.counts.runs, b.counts.failed, b.counts.panicked),
            (10, 10, 10)
        );
    }
}
