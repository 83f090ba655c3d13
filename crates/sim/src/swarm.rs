//! Swarm testing for `river check`: each seed draws its own fault mix (loss, duplication,
//! reordering, latency, link cuts including one-way, partitions, crashes and restarts) and
//! client load. A fault phase is checked after every event; then a heal phase must elect a
//! leader and converge.

use crate::checker::Violation;
use crate::network::LinkParams;
use crate::sim::{stream, RaftOptions, SimConfig, Simulation};
use alloc::vec::Vec;
use river_core::{NodeId, Rng};

/// How long the fault phase lasts by default (simulated).
pub const DEFAULT_FAULT_MS: u64 = 10_000;
/// How long the heal phase may take to converge.
pub const HEAL_LIMIT_MS: u64 = 10_000;
/// Clients keep working this long into the heal phase, then stop so the logs can settle.
pub const HEAL_LOAD_MS: u64 = 1_000;

/// What one seed's run looks like: drawn from the seed, so a seed names a whole run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultMix {
    /// Link parameters during the fault phase.
    pub link: LinkParams,
    /// Whether servers crash and restart.
    pub crashes: bool,
    /// Whether single links are cut.
    pub cuts: bool,
    /// Whether cuts may be one-way.
    pub one_way: bool,
    /// Whether the cluster is split into groups.
    pub partitions: bool,
    /// Mean time between fault actions.
    pub fault_interval_ms: u64,
    /// Automatic clients.
    pub clients: usize,
    /// Whether faults also strike at the riskiest moments: a voter right after it votes, a
    /// leader right after it commits (as a thoughtful tester would aim them).
    pub targeted: bool,
    /// Most entries per AppendEntries: small values replicate entry by entry, which is
    /// what exposes commit-rule mistakes such as the paper's Figure 8.
    pub max_entries_per_append: usize,
}

impl FaultMix {
    /// Draws a mix from `rng`.
    pub fn draw(rng: &mut Rng) -> FaultMix {
        let pick = |rng: &mut Rng, options: &[f64]| {
            options[rng.range_inclusive(0, options.len() as u64 - 1) as usize]
        };
        let latency_min_ms = rng.range_inclusive(1, 15);
        let latency_max_ms = latency_min_ms + rng.range_inclusive(0, 40);
        FaultMix {
            link: LinkParams {
                up: true,
                latency_min_ms,
                latency_max_ms,
                loss: pick(rng, &[0.0, 0.01, 0.05, 0.2]),
                duplicate: pick(rng, &[0.0, 0.02, 0.1]),
                reorder: pick(rng, &[0.0, 0.05, 0.2]),
            },
            crashes: rng.chance(0.6),
            cuts: rng.chance(0.6),
            one_way: rng.chance(0.5),
            partitions: rng.chance(0.5),
            fault_interval_ms: rng.range_inclusive(100, 1_000),
            clients: rng.range_inclusive(1, 5) as usize,
            targeted: rng.chance(0.5),
            max_entries_per_append: [1, 2, 64][rng.range_inclusive(0, 2) as usize],
        }
    }
}

/// Options shared by every run of `river check`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckOptions {
    /// Cluster size.
    pub nodes: usize,
    /// Raft settings (PreVote, CheckQuorum, bugs).
    pub raft: RaftOptions,
    /// Length of the fault phase.
    pub fault_ms: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            nodes: 5,
            raft: RaftOptions::default(),
            fault_ms: DEFAULT_FAULT_MS,
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Safe throughout, and converged after healing.
    Ok,
    /// A safety property broke (the first violations, in order).
    Unsafe(Vec<Violation>),
    /// Safe, but no convergence within the heal limit.
    NoConvergence,
}

/// The result of one seed's run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunReport {
    /// The seed.
    pub seed: u64,
    /// The fault mix it drew.
    pub mix: FaultMix,
    /// How it ended.
    pub outcome: Outcome,
    /// Simulated time at the end.
    pub sim_ms: u64,
    /// Events processed.
    pub events: u64,
    /// Leaders elected.
    pub elections: u64,
    /// Entries committed.
    pub commits: u64,
    /// Client operations completed.
    pub operations: usize,
    /// Digest of the whole trace.
    pub trace_digest: u64,
}

/// Builds the simulation for `seed` without running it.
pub fn setup(
    options: &CheckOptions,
    seed: u64,
) -> Result<(Simulation, FaultMix), river_core::ConfigError> {
    let mut rng = Rng::fork(seed, stream::FAULTS);
    let mix = FaultMix::draw(&mut rng);
    let mut config = SimConfig::new(options.nodes, seed);
    config.raft = options.raft;
    config.raft.max_entries_per_append = mix.max_entries_per_append;
    config.link = mix.link;
    let mut sim = Simulation::new(config)?;
    sim.add_workload_clients(mix.clients);
    Ok((sim, mix))
}

/// Runs one seed: fault phase, then heal phase. `keep_trace` stores every event.
pub fn run(
    options: &CheckOptions,
    seed: u64,
    keep_trace: bool,
) -> Result<(Simulation, RunReport), river_core::ConfigError> {
    let (mut sim, mix) = setup(options, seed)?;
    sim.trace.keep = keep_trace;
    let mut rng = Rng::fork(seed, stream::FAULTS);
    FaultMix::draw(&mut rng); // the same draws as `setup`, so the schedule below follows them
    let ids: Vec<NodeId> = sim.ids().collect();
    let n = ids.len() as u64;
    // Fault phase. Crashed servers come back after a short outage ("bounce"), or when a
    // later action restarts them.
    let mut restarts: Vec<(u64, NodeId)> = Vec::new();
    if mix.targeted && mix.crashes {
        sim.signals = Some(Vec::new());
    }
    while sim.now_ms() < options.fault_ms && sim.checker.violation_count() == 0 {
        let mut next = sim.now_ms() + rng.range_inclusive(1, 2 * mix.fault_interval_ms);
        if let Some(&(at, _)) = restarts.iter().min() {
            next = next.min(at);
        }
        let next = next.min(options.fault_ms);
        if sim.signals.is_some() {
            while sim.checker.violation_count() == 0 && sim.step_until(next) {
                let signals = core::mem::take(sim.signals.as_mut().expect("set"));
                for (id, event) in signals {
                    aim(&mut sim, &mut rng, &mut restarts, id, event);
                }
            }
        }
        sim.run_until(next);
        if sim.checker.violation_count() > 0 || sim.now_ms() >= options.fault_ms {
            break;
        }
        if let Some(k) = restarts.iter().position(|&(at, _)| at <= sim.now_ms()) {
            let (_, id) = restarts.swap_remove(k);
            sim.restart(id);
            continue;
        }
        let node = ids[rng.range_inclusive(0, n - 1) as usize];
        let other = ids[rng.range_inclusive(0, n - 1) as usize];
        match rng.range_inclusive(0, 6) {
            0 | 1 if mix.crashes => {
                // Leaders are the interesting victims: half the time crash the leader.
                let victim = match sim.leader() {
                    Some(leader) if rng.chance(0.5) => leader,
                    _ => node,
                };
                if sim.node(victim).is_some() {
                    sim.crash(victim);
                    if rng.chance(0.7) {
                        let outage = rng.range_inclusive(0, 400);
                        restarts.push((sim.now_ms() + outage, victim));
                    }
                } else {
                    sim.restart(victim);
                }
            }
            2 if mix.cuts => {
                let one_way = mix.one_way && rng.chance(0.5);
                if sim.network().is_up(node, other) {
                    sim.cut(node, other, one_way);
                } else {
                    sim.heal(node, other);
                }
            }
            3 if mix.partitions => {
                let mut groups = [Vec::new(), Vec::new()];
                for &id in &ids {
                    groups[rng.range_inclusive(0, 1) as usize].push(id);
                }
                sim.partition(&groups);
            }
            4 => sim.heal_all(),
            5 => sim.force_timeout(node),
            _ => {}
        }
    }
    // Heal phase: every link up and clean, every server running.
    if sim.checker.violation_count() == 0 {
        sim.heal_all();
        sim.set_link_params(LinkParams {
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            ..mix.link
        });
        for &id in &ids {
            sim.restart(id);
        }
        let heal_start = sim.now_ms();
        sim.run_until(heal_start + HEAL_LOAD_MS);
        sim.stop_workload();
        while !(sim.converged() && sim.clients_idle())
            && sim.now_ms() < heal_start + HEAL_LIMIT_MS
            && sim.checker.violation_count() == 0
        {
            let t = sim.now_ms() + 10;
            sim.run_until(t);
        }
    }
    let outcome = if sim.checker.violation_count() > 0 {
        Outcome::Unsafe(sim.checker.violations().to_vec())
    } else if !sim.converged() {
        Outcome::NoConvergence
    } else {
        Outcome::Ok
    };
    let report = RunReport {
        seed,
        mix,
        outcome,
        sim_ms: sim.now_ms(),
        events: sim.stats.events,
        elections: sim.stats.elections,
        commits: sim.checker.committed_len(),
        operations: sim.history.completed(),
        trace_digest: sim.trace.digest(),
    };
    Ok((sim, report))
}

/// A targeted fault: strike a server at a moment when forgetting volatile state or losing
/// the leader is most likely to expose a bug — a voter right after it votes (while a rival
/// candidate may still ask it), a leader right after it wins or commits — and bring it back
/// soon.
fn aim(
    sim: &mut Simulation,
    rng: &mut Rng,
    restarts: &mut Vec<(u64, NodeId)>,
    id: NodeId,
    event: river_core::Event,
) {
    use river_core::{Event, Role};
    let is_leader = sim.node(id).is_some_and(|n| n.role() == Role::Leader);
    let (chance, outage_max_ms) = match event {
        Event::VoteGranted {
            pre_vote: false,
            candidate,
            term,
        } => {
            // A rival whose timer fires now campaigns in the same term.
            if rng.chance(0.8) {
                let rival = NodeId(rng.range_inclusive(0, sim.size() as u64 - 1) as u8);
                let behind = sim.node(rival).is_some_and(|n| n.term() < term);
                if rival != candidate && rival != id && behind {
                    sim.force_timeout(rival);
                }
            }
            (0.5, 20)
        }
        Event::Committed { .. } if is_leader => (0.1, 400),
        Event::BecameLeader { .. } => (0.1, 400),
        _ => return,
    };
    if sim.node(id).is_some() && rng.chance(chance) {
        sim.crash(id);
        restarts.push((sim.now_ms() + rng.range_inclusive(1, outage_max_ms), id));
    }
}
