//! Swarm testing for `river check`: each seed draws its own fault mix (loss, duplication,
//! reordering, latency, link cuts including one-way, partitions, crashes and restarts,
//! faulty client links) and client load. Besides faults at random moments, faults aim at the moments where Raft's
//! bugs live (`Aim`): leaders struck right after they win, append or commit, old leaders
//! brought back after newer ones appended, voters restarted right after they vote, rival
//! campaigns within a message delay of each other, leaders frozen (stalled, not crashed)
//! and released late, leaders stranded with skewed clocks while a newer one is elected and
//! written through, then read at (`swarm/stranded.rs`), a configuration change stranded on
//! a minority while a newer leader makes its own (`swarm/stranded_change.rs`). A fault phase
//! is checked after every event; then, in runs that keep their membership, a liveness window
//! (faults stopped, a bare majority up) must elect a leader within [`liveness_limit_ms`],
//! again and again; then a heal phase must elect a leader and converge.

use crate::checker::Violation;
use crate::network::LinkParams;
use crate::sim::{stream, RaftOptions, ReadPath, SimConfig, Simulation, Stats};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{LogIndex, NodeId, Rng, Role, Term};

mod stranded;
mod stranded_change;
use stranded_change::StrandedChange;

/// How long the fault phase lasts by default (simulated).
pub const DEFAULT_FAULT_MS: u64 = 10_000;
/// How long the heal phase may take to converge, at least (see [`heal_limit_ms`]).
pub const HEAL_LIMIT_MS: u64 = 10_000;
/// How many longest election timeouts the heal phase may take to converge, when that is
/// longer than [`HEAL_LIMIT_MS`]: every server restarts, so an election and the followers'
/// catching up come first.
pub const HEAL_LIMIT_TIMEOUTS: u64 = 30;

/// How long the heal phase may take to converge under `raft`'s timing: [`HEAL_LIMIT_MS`], or
/// [`HEAL_LIMIT_TIMEOUTS`] longest election timeouts when longer. (With the default
/// 150–300 ms that is 10 s; a fixed 10 s called correct Raft with 5–10 s timeouts "did not
/// converge", one seed in 40.)
pub fn heal_limit_ms(raft: &RaftOptions) -> u64 {
    HEAL_LIMIT_MS.max(HEAL_LIMIT_TIMEOUTS.saturating_mul(raft.election_timeout_max_ms))
}
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
    /// Whether faults also aim at elections: a voter restarts right after it votes, a
    /// second server campaigns right after another starts to.
    pub targeted: bool,
    /// Whether leaders are struck at their riskiest moments (right after they win, append
    /// or commit) and struck leaders come back later as old leaders with stale logs.
    pub strikes: bool,
    /// Most entries per AppendEntries: small values replicate entry by entry, which is
    /// what exposes commit-rule mistakes such as the paper's Figure 8.
    pub max_entries_per_append: usize,
    /// Whether client traffic is lost, duplicated and reordered like server traffic, and
    /// client links are cut and restored, so clients retry and requests reach the log
    /// more than once. Drawn from its own stream.
    pub client_faults: bool,
    /// Whether the operator adds and removes servers, one at a time (thesis §4.2).
    pub membership: bool,
    /// Compact a server's log past this many applied entries; 0 never (thesis §5.1).
    pub snapshot_threshold: u64,
    /// Whether servers freeze (stall, not crash: their timers and inbox wait) and are
    /// released late, often a leader, sometimes behind a partition. Drawn from its own
    /// stream.
    pub freezes: bool,
    /// Whether leaders are stranded (cut off from the other servers, not from clients) just
    /// after they commit, with the clocks skewed, a newer leader elected at the earliest
    /// moment, a write through it and a read at the stranded one (`swarm/stranded.rs`).
    /// Drawn from its own stream.
    pub strandings: bool,
    /// The clock-drift bound (percent) when the seed reads through leases, which turns
    /// CheckQuorum on for it if the options did not; `None` when it does not.
    pub lease_drift_percent: Option<u64>,
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
            strikes: rng.chance(0.7),
            max_entries_per_append: [1, 1, 2, 64][rng.range_inclusive(0, 3) as usize],
            client_faults: false,
            membership: false,
            snapshot_threshold: 0,
            freezes: false,
            strandings: false,
            lease_drift_percent: None,
        }
    }

    /// Draws the membership and compaction part of the mix, from its own stream.
    fn draw_growth(&mut self, rng: &mut Rng) {
        self.membership = rng.chance(0.4);
        self.snapshot_threshold = if rng.chance(0.5) {
            [2, 3, 5, 10][rng.range_inclusive(0, 3) as usize]
        } else {
            0
        };
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
    /// Whether the state machine keeps client sessions (off: the broken store that applies
    /// every copy of a request, see [`SimConfig::client_sessions`]).
    pub client_sessions: bool,
    /// Whether seeds may compact logs (the mix's snapshot threshold). Off keeps every entry
    /// in every log, for tests that read the logs after a run.
    pub compaction: bool,
    /// Whether the liveness window runs between the fault and heal phases (see
    /// [`liveness_limit_ms`]). Off is the swarm as it was before, which had no way to see a
    /// cluster that stays without a leader while a majority is up.
    pub liveness: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            nodes: 5,
            raft: RaftOptions::default(),
            fault_ms: DEFAULT_FAULT_MS,
            client_sessions: true,
            compaction: true,
            liveness: true,
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
    /// Safe, but in the liveness window no leader was elected for longer than the limit,
    /// although every link was healed and a majority of the servers ran.
    NoLeader {
        /// When the wait began: a bare majority restarted after a power cut, none leading.
        since_ms: u64,
        /// The limit it went past ([`liveness_limit_ms`]).
        limit_ms: u64,
        /// The servers running, and their terms and roles at the end.
        text: String,
    },
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
    /// The simulation's counters at the end: events, elections, membership changes,
    /// transfers, reads, snapshots.
    pub stats: Stats,
    /// Entries committed.
    pub commits: u64,
    /// The longest the cluster waited for a leader in the liveness window (0 when the
    /// window did not run).
    pub longest_leaderless_ms: u64,
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
    let mut mix = FaultMix::draw(&mut rng);
    mix.client_faults = client_faults(seed).0;
    mix.freezes = freezes(seed).0;
    mix.strandings = stranded::draw(seed).0;
    mix.draw_growth(&mut Rng::fork(seed, stream::MEMBERSHIP));
    if !options.compaction {
        mix.snapshot_threshold = 0;
    }
    let mut config = SimConfig::new(options.nodes, seed);
    config.raft = options.raft;
    config.raft.max_entries_per_append = mix.max_entries_per_append;
    config.raft.snapshot_threshold = mix.snapshot_threshold;
    config.link = mix.link;
    config.client_sessions = options.client_sessions;
    if draw_clocks(&mut config, seed) {
        mix.lease_drift_percent = Some(config.raft.max_clock_drift_percent);
        // A frozen server's clock stands still while the others run: drift without bound,
        // which no lease survives (thesis §6.4.1 assumes a bound). Lease seeds do not freeze.
        mix.freezes = false;
    }
    let mut sim = Simulation::new(config)?;
    sim.add_workload_clients(mix.clients);
    sim.set_client_faults(mix.client_faults);
    Ok((sim, mix))
}

/// Half the seeds read through leases (thesis §6.4.1) with drifting clocks: a drift bound of
/// 0, 50 or 100 percent, which the core is told, and each server's clock at one end of it —
/// drawn from a stream of their own, so nothing else reshuffles. Lease reads need
/// CheckQuorum: where the options leave it off, a quarter of the seeds (half of those) turn
/// it on for themselves, so the lease is tested in every cell. Returns whether the seed
/// reads through leases.
fn draw_clocks(config: &mut SimConfig, seed: u64) -> bool {
    if config.raft.reads != ReadPath::ReadIndex {
        return false;
    }
    let mut rng = Rng::fork(seed, stream::CLOCKS);
    if !rng.chance(0.5) {
        return false;
    }
    if !config.raft.check_quorum {
        if !rng.chance(LEASE_WITHOUT_CHECK_QUORUM) {
            return false;
        }
        config.raft.check_quorum = true;
    }
    let last = LEASE_DRIFT_PERCENTS.len() as u64 - 1;
    let drift = LEASE_DRIFT_PERCENTS[rng.range_inclusive(0, last) as usize];
    config.raft.reads = ReadPath::Lease;
    config.raft.max_clock_drift_percent = drift;
    // Each clock runs at one end of the range, exact or fast by the whole bound: that is
    // where a lease is tested hardest.
    config.clock_percent = (0..config.nodes)
        .map(|_| if rng.chance(0.5) { 100 + drift } else { 100 })
        .collect();
    true
}

/// Where the options leave CheckQuorum off, the share of would-be lease seeds that turn it
/// on for themselves (the rest keep CheckQuorum off and read through ReadIndex).
const LEASE_WITHOUT_CHECK_QUORUM: f64 = 0.5;

/// The clock-drift bounds the swarm draws for lease-read seeds, in percent.
pub const LEASE_DRIFT_PERCENTS: [u64; 3] = [0, 50, 100];

/// The most trace records a seeded run keeps (`keep_trace`), as many as a scenario may keep
/// (`scenario::MAX_SCENARIO_TRACE_RECORDS`, some 330 MB of JSON lines): the run goes on to
/// its verdict, and `trace.dropped` counts the records past them.
pub const MAX_KEPT_RECORDS: usize = 4_000_000;

/// Runs one seed: fault phase, then heal phase. `keep_trace` stores the events, the first
/// [`MAX_KEPT_RECORDS`] of them. The same as [`start`] then [`Plan::play`].
pub fn run(
    options: &CheckOptions,
    seed: u64,
    keep_trace: bool,
) -> Result<(Simulation, RunReport), river_core::ConfigError> {
    let (mut sim, plan) = start(options, seed, keep_trace)?;
    let report = plan.play(&mut sim);
    Ok((sim, report))
}

/// The first half of [`run`]: builds the simulation for `seed`, keeping its trace as `run`
/// does, and the plan that plays it. The caller owns the simulation, so what it recorded
/// is still there when [`Plan::play`] panics (`river run --seed` writes it).
pub fn start(
    options: &CheckOptions,
    seed: u64,
    keep_trace: bool,
) -> Result<(Simulation, Plan), river_core::ConfigError> {
    let (mut sim, mix) = setup(options, seed)?;
    sim.trace.keep = keep_trace;
    sim.trace.keep_at_most = Some(MAX_KEPT_RECORDS);
    let plan = Plan {
        options: *options,
        seed,
        mix,
    };
    Ok((sim, plan))
}

/// A seed's run as [`start`] set it up: what [`Plan::play`] needs besides the simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    options: CheckOptions,
    seed: u64,
    mix: FaultMix,
}

impl Plan {
    /// The fault mix the seed drew.
    pub fn mix(&self) -> FaultMix {
        self.mix
    }

    /// The second half of [`run`]: plays the fault phase, the liveness window and the heal
    /// phase on `sim`, the simulation [`start`] built with this plan, and reports.
    pub fn play(self, sim: &mut Simulation) -> RunReport {
        play(sim, &self.options, self.seed, self.mix)
    }
}

/// [`Plan::play`].
fn play(sim: &mut Simulation, options: &CheckOptions, seed: u64, mix: FaultMix) -> RunReport {
    let mut rng = Rng::fork(seed, stream::FAULTS);
    FaultMix::draw(&mut rng); // the same draws as `setup`, so the schedule below follows them
                              // Fault phase: random faults at random moments, and aimed ones planned from what the
                              // servers report after every event.
    sim.signals = Some(Vec::new());
    let mut aim = Aim::new(sim, mix);
    let mut stranding = stranded::Stranding::new(sim, mix.strandings, stranded::draw(seed).1);
    let mut growth = Rng::fork(seed, stream::MEMBERSHIP);
    let mut replayed = mix;
    replayed.draw_growth(&mut growth); // the same draws as `setup`, so changes follow them
    let mut next_random = rng.range_inclusive(1, 2 * mix.fault_interval_ms);
    let mut client_rng = client_faults(seed).1;
    let mut freeze_rng = freezes(seed).1;
    while sim.now_ms() < options.fault_ms && sim.checker.violation_count() == 0 {
        let due = aim
            .next_due()
            .unwrap_or(u64::MAX)
            .min(stranding.next_due().unwrap_or(u64::MAX))
            .min(next_random)
            .min(options.fault_ms);
        if sim.step_until(due) {
            // One stranding at a time: a stranded change under way keeps leaders from being
            // marked.
            if !aim.stranded.busy() {
                stranding.react(sim);
            }
            if stranding.busy() {
                sim.signals.as_mut().map(Vec::clear);
            } else {
                aim.react(sim, &mut rng);
            }
            continue;
        }
        sim.run_until(due);
        if sim.now_ms() >= options.fault_ms {
            break;
        }
        if let Some(planned) = aim.take_due(sim.now_ms()) {
            aim.perform(sim, &mut rng, planned);
            continue;
        }
        if let Some(step) = stranding.take_due(sim.now_ms()) {
            stranding.perform(sim, step);
            continue;
        }
        // An aim's steps meet only if no random fault undoes them meanwhile.
        if stranding.busy() || aim.stranded.busy() {
            next_random = sim.now_ms() + rng.range_inclusive(1, 2 * mix.fault_interval_ms);
            continue;
        }
        random_fault(sim, &mut rng, &mut aim);
        if mix.client_faults {
            cut_client_link(sim, &mut client_rng);
        }
        if mix.freezes {
            freeze_fault(sim, &mut freeze_rng, &mut aim);
        }
        if mix.membership && growth.chance(0.2) {
            membership_fault(sim, &mut growth, options.nodes);
            // Before any message moves: a change may be stranded right as it is appended.
            aim.react(sim, &mut rng);
        }
        next_random = sim.now_ms() + rng.range_inclusive(1, 2 * mix.fault_interval_ms);
    }
    sim.signals = None;
    let mut liveness = Ok(0);
    if options.liveness && !mix.membership && sim.checker.violation_count() == 0 {
        liveness = liveness_window(sim, &mix, seed);
    }
    // Heal phase: every link up and clean, every server running, every clock keeping time.
    // (Raft's randomized timeouts elect a leader only if the servers draw them alike: with
    // two voters, the one that cannot win on a clock 50% fast campaigned first round after
    // round, and correct Raft without PreVote never converged, 1 seed in 20,000.)
    if sim.checker.violation_count() == 0 && liveness.is_ok() {
        sim.heal_all();
        for id in sim.ids().collect::<Vec<_>>() {
            sim.thaw(id);
            sim.set_clock_percent(id, 100);
        }
        sim.set_link_params(LinkParams {
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            ..mix.link
        });
        let ids: Vec<NodeId> = sim.ids().collect();
        for id in ids {
            sim.restart(id);
        }
        let heal_start = sim.now_ms();
        let heal_limit = heal_limit_ms(&sim.config().raft);
        sim.run_until(heal_start + HEAL_LOAD_MS);
        sim.stop_workload();
        while !(sim.converged() && sim.clients_idle())
            && sim.now_ms() < heal_start + heal_limit
            && sim.checker.violation_count() == 0
        {
            let t = sim.now_ms() + 10;
            sim.run_until(t);
        }
    }
    let outcome = if sim.checker.violation_count() > 0 {
        Outcome::Unsafe(sim.checker.violations().to_vec())
    } else if let Err(stuck) = liveness.clone() {
        stuck
    } else if !sim.converged() {
        Outcome::NoConvergence
    } else {
        Outcome::Ok
    };
    RunReport {
        seed,
        mix,
        outcome,
        sim_ms: sim.now_ms(),
        stats: sim.stats,
        commits: sim.checker.committed_len(),
        longest_leaderless_ms: liveness.unwrap_or(0),
        operations: sim.history.completed(),
        trace_digest: sim.trace.digest(),
    }
}

/// How many times the liveness window restarts a bare majority and waits for a leader.
pub const LIVENESS_ELECTIONS: u32 = 12;
/// Election rounds the liveness limit allows (see [`liveness_limit_ms`]).
pub const LIVENESS_ROUNDS: u64 = 20;

/// The one-way delay the liveness window's healed network stays under: a tenth of the
/// shortest election timeout, Raft's timing requirement (broadcast time much shorter than
/// the election timeout, §5.6). The fault phase draws delays up to 55 ms, which breaks it
/// for the default 150 ms timeout.
pub fn liveness_latency_cap_ms(raft: &RaftOptions) -> u64 {
    (raft.election_timeout_min_ms / 10).max(1)
}

/// Liveness: once faults stop (every link healed and clean, delays within
/// [`liveness_latency_cap_ms`], no server frozen) and a majority of the servers runs, a
/// leader must be elected within this many ms. `None` where Raft promises no such bound:
/// a timeout range narrower than five times the capped delay (the paper's own
/// measurements, repeated by `river elections`, show elections that take seconds there).
///
/// Why this many: an election round lasts at most the longest timeout plus a PreVote and
/// a vote round trip (four delays). A round fails only if a second server's timer runs out
/// before the first candidate's request reaches it, within one delay of the first, a
/// chance of at most delay ÷ range width per other server, under 0.3 even with four
/// servers timing out together (7 servers, 3 down). [`LIVENESS_ROUNDS`] failed rounds in a
/// row then happen with a chance below 10⁻¹⁰. Correct Raft stays far below the limit: `river
/// check` prints the longest wait it met (under a third of the limit over 10,000 seeds in
/// each cell of the README's table; `crates/sim/tests/swarm.rs` holds it under half).
pub fn liveness_limit_ms(raft: &RaftOptions) -> Option<u64> {
    let cap = liveness_latency_cap_ms(raft);
    let width = raft.election_timeout_max_ms - raft.election_timeout_min_ms;
    (width >= 5 * cap).then(|| LIVENESS_ROUNDS * (raft.election_timeout_max_ms + 4 * cap))
}

/// The liveness window, between the fault and heal phases (in runs that do not change the
/// membership, so that which majority a leader needs is plain): every link healed, no loss,
/// delays within the timing requirement, every frozen server thawed. Then
/// [`LIVENESS_ELECTIONS`] times, as after a power cut: once every server has heard the
/// leader, every server goes down, a bare majority of them (drawn at random) restarts at
/// once, and they must elect a leader within [`liveness_limit_ms`]; then the rest restart
/// too. With only a bare majority up every vote counts, so two servers
/// that keep campaigning together split it every time. Returns the longest wait for a
/// leader, or the outcome that says none came.
fn liveness_window(sim: &mut Simulation, mix: &FaultMix, seed: u64) -> Result<u64, Outcome> {
    let raft = sim.config().raft;
    let Some(limit) = liveness_limit_ms(&raft) else {
        return Ok(0);
    };
    let cap = liveness_latency_cap_ms(&raft);
    let mut rng = Rng::fork(seed, stream::LIVENESS);
    sim.heal_all();
    let ids: Vec<NodeId> = sim.ids().collect();
    for &id in &ids {
        sim.thaw(id);
    }
    sim.set_link_params(LinkParams {
        loss: 0.0,
        duplicate: 0.0,
        reorder: 0.0,
        latency_min_ms: mix.link.latency_min_ms.min(cap),
        latency_max_ms: mix.link.latency_max_ms.min(cap),
        ..mix.link
    });
    let majority = ids.len() / 2 + 1;
    let mut longest = 0;
    for &id in &ids {
        sim.restart(id);
    }
    longest = longest.max(wait_for_leader(sim, limit)?);
    for _ in 0..LIVENESS_ELECTIONS {
        if sim.checker.violation_count() > 0 {
            break;
        }
        // Every server hears the leader (so all share its term), then the power goes.
        sim.advance(2 * raft.heartbeat_interval_ms + cap);
        for &id in &ids {
            sim.crash(id);
        }
        let mut up: Vec<NodeId> = Vec::new();
        while up.len() < majority {
            let id = ids[rng.range_inclusive(0, ids.len() as u64 - 1) as usize];
            if !up.contains(&id) {
                up.push(id);
            }
        }
        for &id in &up {
            sim.restart(id);
        }
        longest = longest.max(wait_for_leader(sim, limit)?);
        for &id in &ids {
            sim.restart(id);
        }
    }
    Ok(longest)
}

/// Runs until a running server leads; returns how long that took, or [`Outcome::NoLeader`]
/// past `limit_ms` (or stops early at a safety violation, which the run reports instead).
fn wait_for_leader(sim: &mut Simulation, limit_ms: u64) -> Result<u64, Outcome> {
    let since = sim.now_ms();
    let deadline = since + limit_ms;
    while sim.leader().is_none() && sim.checker.violation_count() == 0 {
        if sim.now_ms() >= deadline {
            let mut text = String::new();
            for id in sim.ids() {
                if let Some(node) = sim.node(id) {
                    let role = node.role().name();
                    text.push_str(&format!("{id} {role} in term {}; ", node.term()));
                }
            }
            text.truncate(text.len().saturating_sub(2));
            return Err(Outcome::NoLeader {
                since_ms: since,
                limit_ms,
                text,
            });
        }
        if !sim.step_until(deadline) {
            sim.run_until(deadline);
        }
    }
    Ok(sim.now_ms() - since)
}

/// Whether `seed`'s clients are faulty, and the generator for their faults after that draw.
fn client_faults(seed: u64) -> (bool, Rng) {
    let mut rng = Rng::fork(seed, stream::CLIENT_FAULTS);
    (rng.chance(0.5), rng)
}

/// Whether `seed`'s servers freeze, and the generator for the freezes after that draw.
fn freezes(seed: u64) -> (bool, Rng) {
    let mut rng = Rng::fork(seed, stream::FREEZES);
    (rng.chance(0.5), rng)
}

/// Chance that a random fault moment also freezes a server, in a run whose mix freezes.
const FREEZE_CHANCE: f64 = 0.3;

/// Now and then freezes a server, most often the leader, and releases it late: two to ten
/// shortest election timeouts on. A frozen leader is half the time also cut off from the
/// other servers (not from clients, whose requests wait in its inbox), and rejoins them
/// only after it thaws: it comes back believing it still leads, after a newer leader has
/// been elected and has written, and under CheckQuorum keeps believing it for the rest of
/// its lease, because its clock resumes where it stopped.
fn freeze_fault(sim: &mut Simulation, rng: &mut Rng, aim: &mut Aim) {
    if !rng.chance(FREEZE_CHANCE) {
        return;
    }
    let now = sim.now_ms();
    let leader = sim.leader();
    let victim = match leader {
        Some(leader) if rng.chance(0.7) => leader,
        _ => NodeId(rng.range_inclusive(0, sim.size() as u64 - 1) as u8),
    };
    if !sim.server(victim).acts() {
        return;
    }
    let stranded = leader == Some(victim) && rng.chance(0.5);
    sim.freeze(victim);
    if stranded {
        isolate(sim, victim);
    }
    let t_min = aim.election_timeout_min_ms;
    let thaw_at = now + rng.range_inclusive(2 * t_min, 10 * t_min);
    aim.plan(thaw_at, Planned::Thaw(victim));
    if stranded {
        let rejoin_at = thaw_at + rng.range_inclusive(0, 2 * t_min);
        aim.plan(rejoin_at, Planned::Rejoin(victim));
    }
}

/// Now and then cuts, or restores, the link between a client and a server: the client
/// hears nothing from that server and must retry elsewhere.
fn cut_client_link(sim: &mut Simulation, rng: &mut Rng) {
    if rng.chance(0.5) {
        return;
    }
    let client = rng.range_inclusive(0, sim.clients().len() as u64 - 1) as u32;
    let node = NodeId(rng.range_inclusive(0, sim.size() as u64 - 1) as u8);
    let up = !sim.network().client_link_up(client, node);
    sim.set_client_link(client, node, up);
}

/// One random fault, the kind drawn from the mix: crash or restart a server (often the
/// leader; a crashed one usually comes back after a short outage), cut or heal a link,
/// split the cluster in two, heal everything, fire an election timer, or have the leader
/// hand leadership to another server.
fn random_fault(sim: &mut Simulation, rng: &mut Rng, aim: &mut Aim) {
    let mix = aim.mix;
    let n = sim.size() as u64;
    let node = NodeId(rng.range_inclusive(0, n - 1) as u8);
    let other = NodeId(rng.range_inclusive(0, n - 1) as u8);
    match rng.range_inclusive(0, 6) {
        0 | 1 if mix.crashes => {
            let victim = match sim.leader() {
                Some(leader) if rng.chance(0.5) => leader,
                _ => node,
            };
            if sim.node(victim).is_some() {
                sim.crash(victim);
                if rng.chance(0.7) {
                    let outage = rng.range_inclusive(0, 400);
                    aim.plan(sim.now_ms() + outage, Planned::Restart(victim));
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
        // Strand the leader alone: it runs on, and believes it leads until it hears of a
        // newer term (or, under CheckQuorum, misses a majority), while clients still reach it.
        3 if mix.partitions && rng.chance(0.5) => {
            if let Some(leader) = sim.leader() {
                isolate(sim, leader);
            }
        }
        3 if mix.partitions => {
            let mut groups = [Vec::new(), Vec::new()];
            for id in sim.ids() {
                groups[rng.range_inclusive(0, 1) as usize].push(id);
            }
            sim.partition(&groups);
        }
        4 => sim.heal_all(),
        5 => {
            time_out(sim, node);
        }
        // The leader hands over (thesis §3.10): its target campaigns at once, past PreVote
        // and CheckQuorum's lease, while the old leader may still serve reads.
        _ => {
            if let Some(leader) = sim.leader().filter(|l| *l != other) {
                sim.transfer_leadership(leader, other);
            }
        }
    }
}

/// The operator changes the membership, one server at a time (thesis §4.2): adds the next
/// server while the cluster has at most two more than it started with, otherwise (and
/// sometimes anyway) removes a random member, the leader included. The leader may refuse
/// (a change in flight, nothing of its term committed yet); then nothing happens.
fn membership_fault(sim: &mut Simulation, rng: &mut Rng, nodes: usize) {
    let Some(leader) = sim.leader() else {
        return;
    };
    let membership = sim.node(leader).expect("the leader runs").membership();
    let voters: Vec<NodeId> = membership.voters().collect();
    let grow = sim.size() < (nodes + 2).min(river_core::MAX_CLUSTER_SIZE) && rng.chance(0.6);
    if grow || voters.len() <= 2 {
        if sim.size() < river_core::MAX_CLUSTER_SIZE {
            sim.add_server();
        }
    } else {
        let victim = voters[rng.range_inclusive(0, voters.len() as u64 - 1) as usize];
        sim.remove_server(victim);
    }
}

/// A fault planned for a later moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Planned {
    /// Restart a crashed server.
    Restart(NodeId),
    /// Strike the leader of this term: cut it off (so what it has in flight is lost) and
    /// crash it, if it still leads in that term.
    Strike(NodeId, Term),
    /// Bring a struck server back: restart it, reconnect it, and let it campaign at once.
    Return(NodeId),
    /// Fire a server's election timer (if it runs and does not lead).
    Campaign(NodeId),
    /// The operator asks whoever leads for a membership change.
    Change,
    /// Release a frozen server.
    Thaw(NodeId),
    /// Reconnect a server cut off while frozen.
    Rejoin(NodeId),
    /// A step of a stranded configuration change (`stranded_change.rs`).
    Stranded(stranded_change::Step),
}

/// When a leader of the current term is struck, counted from its election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    /// Right after it wins, while its no-op is on the wire.
    Won,
    /// Right after it appends this many entries beyond its no-op.
    Appended(u64),
    /// Right after it first advances its commit index.
    Committed,
}

/// The aimed faults of one run. Raft's bugs hide in a few moments, so these strike there:
/// a leader right after it wins, appends or commits (what it sent has reached only some
/// servers); an old leader brought back after newer ones appended, campaigning at once and
/// again as the others' leases run out; a voter restarted right after it votes; a second
/// candidate whose timer fires within a message delay of another's (skewed timers split the
/// vote); in membership runs, a leader's configuration change stranded on a minority, a newer
/// leader's rival change and the first leader's return (`StrandedChange`, which pauses the
/// random faults while it runs). Nothing here knows which bug, if any, is switched on.
struct Aim {
    mix: FaultMix,
    /// Faults waiting for their moment.
    planned: Vec<(u64, Planned)>,
    /// For each server leading now: its term, what strikes it, how long after, and its log's
    /// end when it won.
    plans: Vec<Option<(Term, Trigger, u64, LogIndex)>>,
    /// Servers struck while leading, most recent last; they come back as old leaders.
    struck: Vec<NodeId>,
    election_timeout_min_ms: u64,
    heartbeat_ms: u64,
    /// The cluster's size at the start.
    nodes: usize,
    /// A leader's configuration change stranded on a minority, and a rival's.
    stranded: StrandedChange,
}

/// Chance that a new leader is struck, in a run whose mix aims at leaders.
const STRIKE_CHANCE: f64 = 0.9;
/// Chance that a struck leader's fall brings an older struck leader back.
const RETURN_CHANCE: f64 = 0.9;
/// How often a returning old leader campaigns while the others' leases run out.
const RETURN_CAMPAIGN_EVERY_MS: u64 = 5;
/// Chance that a voter restarts right after it votes, in a run whose mix aims at voters.
const VOTER_RESTART_CHANCE: f64 = 0.6;
/// Chance that a second server campaigns right after one starts to.
const TWIN_CAMPAIGN_CHANCE: f64 = 0.5;

impl Aim {
    fn new(sim: &Simulation, mix: FaultMix) -> Aim {
        Aim {
            mix,
            planned: Vec::new(),
            // Every id a server may have: the operator adds servers during the run.
            plans: alloc::vec![None; river_core::MAX_CLUSTER_SIZE],
            struck: Vec::new(),
            election_timeout_min_ms: sim.config().raft.election_timeout_min_ms,
            heartbeat_ms: sim.config().raft.heartbeat_interval_ms,
            nodes: sim.size(),
            stranded: StrandedChange::new(sim, mix.membership),
        }
    }

    fn plan(&mut self, at_ms: u64, planned: Planned) {
        self.planned.push((at_ms, planned));
    }

    fn next_due(&self) -> Option<u64> {
        self.planned.iter().map(|&(at, _)| at).min()
    }

    /// The earliest fault due by `now_ms`, if any.
    fn take_due(&mut self, now_ms: u64) -> Option<Planned> {
        let k = (0..self.planned.len())
            .filter(|&k| self.planned[k].0 <= now_ms)
            .min_by_key(|&k| self.planned[k])?;
        Some(self.planned.remove(k).1)
    }

    /// A random delay of up to one message's flight.
    fn within_a_message(&self, rng: &mut Rng) -> u64 {
        rng.range_inclusive(0, self.mix.link.latency_max_ms)
    }

    /// Plans faults from what the servers just reported.
    fn react(&mut self, sim: &mut Simulation, rng: &mut Rng) {
        use river_core::Event;
        let now = sim.now_ms();
        let signals = core::mem::take(sim.signals.as_mut().expect("set for the fault phase"));
        for (id, event) in signals {
            // A leader the stranded change holds is struck by nothing else.
            if self.stranded.observe(sim, &mut self.planned, id, &event) {
                self.plans[id.index()] = None;
                continue;
            }
            match event {
                Event::BecameLeader { term, .. } if self.mix.strikes => {
                    self.plans[id.index()] = None;
                    if rng.chance(STRIKE_CHANCE) {
                        let trigger = match rng.range_inclusive(0, 2) {
                            0 => Trigger::Won,
                            1 => Trigger::Committed,
                            _ => Trigger::Appended(rng.range_inclusive(1, 2)),
                        };
                        let delay = if rng.chance(0.5) {
                            0
                        } else {
                            self.within_a_message(rng)
                        };
                        let end = sim
                            .node(id)
                            .map_or(LogIndex::ZERO, |n| n.log().last_index());
                        self.plans[id.index()] = Some((term, trigger, delay, end));
                    }
                }
                // A new leader is asked for a change at once, while its no-op may still be
                // uncommitted: where the 2015 erratum bites.
                Event::BecameLeader { .. } if self.mix.membership && rng.chance(0.5) => {
                    let delay = if rng.chance(0.5) {
                        0
                    } else {
                        self.within_a_message(rng)
                    };
                    self.plan(now + delay, Planned::Change);
                }
                Event::Committed { .. } => self.fire(now, id, Trigger::Committed),
                Event::VoteGranted {
                    pre_vote: false, ..
                } if self.mix.targeted && rng.chance(VOTER_RESTART_CHANCE) => {
                    sim.crash(id);
                    let outage = rng.range_inclusive(1, self.mix.link.latency_max_ms / 2 + 1);
                    self.plan(now + outage, Planned::Restart(id));
                }
                Event::ElectionStarted { .. } | Event::PreVoteStarted { .. }
                    if self.mix.targeted && rng.chance(TWIN_CAMPAIGN_CHANCE) =>
                {
                    let rival = NodeId(rng.range_inclusive(0, sim.size() as u64 - 1) as u8);
                    if rival != id {
                        let at = now + rng.range_inclusive(0, self.mix.link.latency_max_ms / 2);
                        self.plan(at, Planned::Campaign(rival));
                    }
                }
                _ => {}
            }
        }
        // Leaders whose strike waits for their log to grow.
        for k in 0..self.plans.len() {
            if let Some((_, Trigger::Appended(count), _, end)) = self.plans[k] {
                let id = NodeId(k as u8);
                if sim
                    .node(id)
                    .is_some_and(|n| n.log().last_index().0 >= end.0 + count)
                {
                    self.fire(now, id, Trigger::Appended(count));
                }
            }
        }
        for k in 0..self.plans.len() {
            self.fire(now, NodeId(k as u8), Trigger::Won);
        }
    }

    /// `id` reached `trigger`: if its plan waits for that, strike it after the plan's delay.
    fn fire(&mut self, now_ms: u64, id: NodeId, trigger: Trigger) {
        if let Some((term, planned, delay, _)) = self.plans[id.index()] {
            if planned == trigger {
                self.plans[id.index()] = None;
                self.plan(now_ms + delay, Planned::Strike(id, term));
            }
        }
    }

    fn perform(&mut self, sim: &mut Simulation, rng: &mut Rng, planned: Planned) {
        let now = sim.now_ms();
        match planned {
            Planned::Restart(id) => sim.restart(id),
            Planned::Campaign(id) => {
                time_out(sim, id);
            }
            Planned::Change => {
                membership_fault(sim, rng, self.nodes);
                self.react(sim, rng);
            }
            Planned::Thaw(id) => sim.thaw(id),
            Planned::Rejoin(id) => {
                for other in sim.ids().collect::<Vec<_>>() {
                    sim.heal(id, other);
                }
            }
            Planned::Stranded(step) => self.stranded.perform(sim, &mut self.planned, step),
            Planned::Strike(id, term) => {
                let leads = sim
                    .node(id)
                    .is_some_and(|n| n.role() == Role::Leader && n.term() == term);
                if !leads {
                    return;
                }
                isolate(sim, id);
                sim.crash(id);
                // An older struck leader comes back now that a newer one has fallen: most
                // often the one struck last, whose stale log is the newest and so the most
                // likely to win an election and overwrite what came after it.
                let older: Vec<NodeId> = self
                    .struck
                    .iter()
                    .copied()
                    .filter(|&old| sim.node(old).is_none())
                    .collect();
                if let Some(&last) = older.last() {
                    if rng.chance(RETURN_CHANCE) {
                        let old = if rng.chance(0.7) {
                            last
                        } else {
                            older[rng.range_inclusive(0, older.len() as u64 - 1) as usize]
                        };
                        self.plan(now, Planned::Return(old));
                    }
                }
                self.struck.retain(|&s| s != id);
                self.struck.push(id);
                // It comes back on its own later if nothing brings it back sooner.
                let max = self.election_timeout_min_ms * 12;
                let back = rng.range_inclusive(self.election_timeout_min_ms * 4, max);
                self.plan(now + back, Planned::Return(id));
            }
            Planned::Return(id) => {
                if sim.node(id).is_some() {
                    return;
                }
                self.struck.retain(|&s| s != id);
                for other in sim.ids().collect::<Vec<_>>() {
                    sim.heal(id, other);
                }
                sim.restart(id);
                time_out(sim, id);
                // Again once its first campaign's answers are in, and then every few
                // milliseconds around the moment the others' memory of the last leader runs
                // out (PreVote and CheckQuorum leases last the shortest election timeout
                // from the last word they heard), before their own timers fire.
                let round_trip = 2 * self.mix.link.latency_max_ms + 1;
                self.plan(now + round_trip, Planned::Campaign(id));
                let lease_end = now + self.election_timeout_min_ms;
                let from =
                    lease_end.saturating_sub(self.heartbeat_ms + self.mix.link.latency_max_ms);
                let mut at =
                    from.max(now + round_trip) + rng.range_inclusive(0, RETURN_CAMPAIGN_EVERY_MS);
                while at <= lease_end + round_trip {
                    self.plan(at, Planned::Campaign(id));
                    at += RETURN_CAMPAIGN_EVERY_MS;
                }
            }
        }
    }
}

/// Whether the swarm may fire `id`'s election timer now. In seeds that read through leases,
/// only once the timer has counted the shortest election timeout on the server's own clock
/// (as if it had drawn the shortest): one that fires sooner is a clock running faster than
/// the drift bound, and no lease survives that (thesis §6.4.1). Among the servers that
/// acknowledged the leader's round, only the one that campaigns is not asked to refuse its
/// vote — its own.
/// Fires `id`'s election timer if the swarm may ([`may_time_out`]); returns whether it did.
/// Every campaign the swarm forces goes through here.
fn time_out(sim: &mut Simulation, id: NodeId) -> bool {
    let may = may_time_out(sim, id);
    if may {
        sim.force_timeout(id);
    }
    may
}

fn may_time_out(sim: &Simulation, id: NodeId) -> bool {
    let raft = sim.config().raft;
    if raft.reads != ReadPath::Lease {
        return true;
    }
    let server = sim.server(id);
    let Some(node) = server.node.as_ref() else {
        return false;
    };
    let since_tick = (sim.now_ms() - server.ticked_ms) * server.clock_percent / 100;
    node.election_timer().0 + since_tick >= raft.election_timeout_min_ms
}

/// Cuts every link of `id`, both ways: what it has on the wire is lost.
fn isolate(sim: &mut Simulation, id: NodeId) {
    for other in sim.ids().collect::<Vec<_>>() {
        sim.cut(id, other, false);
    }
}
