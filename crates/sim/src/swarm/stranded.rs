//! The stranded-leader aim: where stale reads live (thesis §6.4, §6.4.1). A new leader is
//! marked: its clock slows to the slow end of the drift bound and the others' speed up to the
//! fast end, as far apart as the bound lets them be, before the round that grants its lease.
//! Just after it commits in its term it is cut off from the other servers, not from clients,
//! so it goes on believing it leads: for the rest of its lease, and until it misses a
//! majority (under CheckQuorum) or for good (without). The network turns quiet (delays of a
//! few milliseconds). The most up-to-date of the others campaigns as soon as enough of them
//! have stopped refusing votes for the old leader's sake (PreVote and CheckQuorum refuse for
//! an election timeout on their own clocks after they last heard it), and again a round trip
//! later while no newer leader is elected; once one is, a client writes a key through it, and
//! the moment the write is answered the client reads the key at the stranded leader. Correct
//! Raft never answers that read with the old value: the lease, shortened by the drift bound,
//! ran out before a newer leader could be elected, and ReadIndex's heartbeat round finds no
//! majority. A lease that ignores drift (`lease-without-drift-bound`) or ReadIndex without its
//! round (`read-without-heartbeat`) answers it stale. The other faults hold off from the mark
//! until the read is sent (four shortest election timeouts at most), so they do not undo it; then clocks and delays go back to the
//! mix's, and the stranded leader rejoins later.
//!
//! Why the quiet network: the chain from the others' last word from the old leader to the read
//! (PreVote and vote round trips, the write's round trip, four client hops) must fit in the
//! lease's excess, half an election timeout at a 100% bound minus a delay. With the mix's
//! delays (up to 55 ms) it fits only on the fastest networks it draws: before the network
//! turned quiet the swarm caught `lease-without-drift-bound` in 0 to 3 seeds of 400 per cell.
//!
//! Each step is drawn, not scripted: which leaders are marked, how long after their commit they
//! are cut off, the quiet delays, when the campaigns come, which key is written are the run's
//! own (the stream [`stream::STRANDS`]), and the network's delays and losses still fall as they
//! may. A seed's run replays like any other.

use super::{isolate, time_out};
use crate::kv::Op;
use crate::network::LinkParams;
use crate::sim::{stream, ReadPath, Simulation, WORKLOAD_KEYS};
use alloc::format;
use alloc::vec::Vec;
use river_core::{Event, NodeId, Rng, Role, Term};

/// Share of seeds that strand leaders.
const STRANDING_SEEDS: f64 = 0.5;
/// Chance that a new leader is stranded, in such a seed, while no other stranding runs.
const STRAND_CHANCE: f64 = 0.5;
/// How long, in shortest election timeouts, the other faults hold off for one mark at most
/// (a stranding that gets as far as the read takes about one or two).
const HOLD_LIMIT_TIMEOUTS: u64 = 4;
/// How late, at most, the chosen server's first campaign comes after the earliest moment
/// it could win.
const CAMPAIGN_JITTER_MS: u64 = 2;
/// How many times, at most, it campaigns, a round trip apart (skipping a campaign whose
/// answers may still come), unless a newer leader is elected first.
const CAMPAIGNS: u64 = 8;
/// The longest delay on the network while a leader is stranded (drawn from 1 ms up).
const FAST_LATENCY_MAX_MS: u64 = 5;
/// How far the others' clocks run ahead of the stranded leader's in seeds that do not read
/// through leases (where no drift bound is promised: ReadIndex and the log rely on no
/// clock), in percent.
const READ_INDEX_SKEW_PERCENT: u64 = 100;

/// Whether `seed` strands leaders, and the generator for its strandings after that draw.
pub(super) fn draw(seed: u64) -> (bool, Rng) {
    let mut rng = Rng::fork(seed, stream::STRANDS);
    (rng.chance(STRANDING_SEEDS), rng)
}

/// Where the current stranding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for a new leader to strand.
    Idle,
    /// This leader of this term is to be stranded once it commits in its term.
    Armed(NodeId, Term),
    /// Its stranding is planned.
    Striking(NodeId, Term),
    /// Stranded; someone campaigns until a newer leader is elected.
    Stranded(NodeId, Term),
    /// A newer leader is elected; this client writes key `WORKLOAD_KEYS[key]` through it.
    Writing {
        old: NodeId,
        term: Term,
        writer: u32,
        key: usize,
    },
    /// The read was sent (or the chance passed); waiting for the rejoin.
    Done,
}

/// A step planned for a later moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    /// Cut this leader of this term off from the other servers, if it still leads.
    Strand(NodeId, Term),
    /// Fire this server's election timer (if it runs and does not lead).
    Campaign(NodeId),
    /// Reconnect the stranded server and give every clock its drawn rate back.
    Rejoin(NodeId),
    /// Stop holding the other faults off for the mark on this leader of this term, if it
    /// has not got as far as the read by now.
    GiveUp(NodeId, Term),
}

/// The stranded-leader aim of one run (see the module's documentation).
pub(super) struct Stranding {
    on: bool,
    rng: Rng,
    stage: Stage,
    planned: Vec<(u64, Step)>,
    /// Extra percent the others' clocks run at while a leader is stranded.
    skew_percent: u64,
    /// Whether voters refuse while they remember the old leader (PreVote or CheckQuorum).
    refusal: bool,
    election_timeout_min_ms: u64,
    heartbeat_ms: u64,
    /// The mix's links, given back when a stranding ends.
    link: LinkParams,
    /// The links while a leader is stranded: the mix's, with short delays.
    fast: LinkParams,
    /// Values written so far (each write's value is new).
    writes: u64,
}

impl Stranding {
    /// The aim for a run of `sim`, switched on by the seed's draw.
    pub(super) fn new(sim: &Simulation, on: bool, rng: Rng) -> Stranding {
        let config = sim.config();
        let raft = config.raft;
        Stranding {
            on,
            rng,
            stage: Stage::Idle,
            planned: Vec::new(),
            skew_percent: if raft.reads == ReadPath::Lease {
                raft.max_clock_drift_percent
            } else {
                READ_INDEX_SKEW_PERCENT
            },
            refusal: raft.pre_vote || raft.check_quorum,
            election_timeout_min_ms: raft.election_timeout_min_ms,
            heartbeat_ms: raft.heartbeat_interval_ms,
            link: config.link,
            fast: config.link,
            writes: 0,
        }
    }

    /// Whether a stranding is under way (from its planning until the read at the stranded
    /// leader is sent): the other faults hold off meanwhile, so that they do not undo it.
    pub(super) fn busy(&self) -> bool {
        !matches!(self.stage, Stage::Idle | Stage::Done)
    }

    /// When the next planned step is due.
    pub(super) fn next_due(&self) -> Option<u64> {
        self.planned.iter().map(|&(at, _)| at).min()
    }

    /// The earliest step due by `now_ms`, if any.
    pub(super) fn take_due(&mut self, now_ms: u64) -> Option<Step> {
        let k = (0..self.planned.len())
            .filter(|&k| self.planned[k].0 <= now_ms)
            .min_by_key(|&k| self.planned[k])?;
        Some(self.planned.remove(k).1)
    }

    /// Follows what the servers just reported (before the other aims drain it).
    pub(super) fn react(&mut self, sim: &mut Simulation) {
        if !self.on {
            return;
        }
        let now = sim.now_ms();
        let count = sim.signals.as_ref().map_or(0, Vec::len);
        for k in 0..count {
            let (id, term, won, committed) = match sim.signals.as_ref().map(|s| &s[k]) {
                Some((id, Event::BecameLeader { term, .. })) => (*id, *term, true, false),
                Some((id, Event::Committed { term, .. })) => (*id, *term, false, true),
                _ => continue,
            };
            match self.stage {
                // Its clock slows and the others' speed up now, before the round that
                // grants its lease.
                Stage::Idle if won && self.rng.chance(STRAND_CHANCE) => {
                    self.stage = Stage::Armed(id, term);
                    self.skew(sim, id);
                    let limit = HOLD_LIMIT_TIMEOUTS * self.election_timeout_min_ms;
                    self.planned.push((now + limit, Step::GiveUp(id, term)));
                }
                // Its first commit: its lease now runs, and a read there is served.
                Stage::Armed(leader, t) if committed && id == leader && term == t => {
                    let at = now + self.rng.range_inclusive(0, self.heartbeat_ms);
                    self.planned.push((at, Step::Strand(leader, t)));
                    self.stage = Stage::Striking(leader, t);
                }
                Stage::Armed(_, t) if won && term > t => self.end(sim, Stage::Idle),
                Stage::Stranded(old, t) if won && id != old && term > t => {
                    self.planned
                        .retain(|(_, s)| !matches!(s, Step::Campaign(_)));
                    let key = self.rng.range_inclusive(0, WORKLOAD_KEYS.len() as u64 - 1) as usize;
                    self.writes += 1;
                    let value = format!("s{}", self.writes);
                    let op = Op::Put {
                        key: WORKLOAD_KEYS[key].into(),
                        value,
                    };
                    let writer = sim.submit(id, op);
                    self.stage = Stage::Writing {
                        old,
                        term: t,
                        writer,
                        key,
                    };
                }
                _ => {}
            }
        }
        // The write was answered: read the key at the stranded leader at once, if it still
        // believes it leads.
        if let Stage::Writing {
            old,
            term,
            writer,
            key,
        } = self.stage
        {
            if sim.clients()[writer as usize].outstanding.is_none() {
                let leads = sim
                    .node(old)
                    .is_some_and(|n| n.role() == Role::Leader && n.term() == term);
                if leads {
                    let key = WORKLOAD_KEYS[key].into();
                    sim.submit(old, Op::Get { key });
                }
                self.end(sim, Stage::Done);
            }
        }
    }

    /// Slows `leader`'s clock to the slow end of the bound and speeds the others' up to the
    /// fast end.
    fn skew(&self, sim: &mut Simulation, leader: NodeId) {
        for id in sim.ids().collect::<Vec<_>>() {
            let rate = if id == leader {
                100
            } else {
                100 + self.skew_percent
            };
            sim.set_clock_percent(id, rate);
        }
    }

    /// Gives every clock its drawn rate and the links the mix's delays back, and moves to
    /// `stage`.
    fn end(&mut self, sim: &mut Simulation, stage: Stage) {
        for id in sim.ids().collect::<Vec<_>>() {
            let drawn = sim.config().clock_of(id);
            sim.set_clock_percent(id, drawn);
        }
        if self.fast != self.link {
            sim.set_link_params(self.link);
            self.fast = self.link;
        }
        self.planned
            .retain(|(_, s)| !matches!(s, Step::Campaign(_) | Step::Strand(..)));
        self.stage = stage;
    }

    /// Performs a planned step.
    pub(super) fn perform(&mut self, sim: &mut Simulation, step: Step) {
        let now = sim.now_ms();
        match step {
            // Not while its last campaign's answers may still come: that one may yet win.
            Step::Campaign(id) => {
                let round_trip_ms = 2 * self.fast.latency_max_ms + 1;
                let server = sim.server(id);
                let again = server.node.as_ref().is_some_and(|n| match n.role() {
                    Role::Follower => true,
                    Role::Leader => false,
                    _ => {
                        let counted = n.election_timer().0 * 100 / server.clock_percent;
                        counted + (now - server.ticked_ms) >= round_trip_ms
                    }
                });
                if again {
                    time_out(sim, id);
                }
            }
            Step::GiveUp(leader, term) => match self.stage {
                Stage::Armed(l, t) | Stage::Striking(l, t) if (l, t) == (leader, term) => {
                    self.end(sim, Stage::Idle)
                }
                // Still cut off: it rejoins at its planned moment.
                Stage::Stranded(l, t)
                | Stage::Writing {
                    old: l, term: t, ..
                } if (l, t) == (leader, term) => self.end(sim, Stage::Done),
                _ => {}
            },
            Step::Rejoin(old) => {
                for other in sim.ids().collect::<Vec<_>>() {
                    sim.heal(old, other);
                }
                self.end(sim, Stage::Idle);
            }
            Step::Strand(old, term) => {
                if self.stage != Stage::Striking(old, term) {
                    return;
                }
                let leads = sim.server(old).acts()
                    && sim
                        .node(old)
                        .is_some_and(|n| n.role() == Role::Leader && n.term() == term);
                if !leads {
                    self.end(sim, Stage::Idle);
                    return;
                }
                isolate(sim, old);
                // A quiet moment on the network: short delays, the mix's loss and the rest.
                let latency_max_ms = self
                    .rng
                    .range_inclusive(1, FAST_LATENCY_MAX_MS)
                    .min(self.link.latency_max_ms);
                self.fast = LinkParams {
                    latency_min_ms: self.link.latency_min_ms.min(latency_max_ms),
                    latency_max_ms,
                    ..self.link
                };
                sim.set_link_params(self.fast);
                self.stage = Stage::Stranded(old, term);
                self.plan_campaigns(sim, old);
                let t_min = self.election_timeout_min_ms;
                let back = now + self.rng.range_inclusive(4 * t_min, 12 * t_min);
                self.planned.push((back, Step::Rejoin(old)));
            }
        }
    }

    /// The most up-to-date running server besides `old` campaigns so that its requests
    /// arrive as soon as enough of the others have stopped refusing votes for `old`'s sake
    /// (an election timeout on their own, now fast, clocks after they last heard it; at
    /// once without PreVote and CheckQuorum), then again each time a whole campaign could
    /// have failed.
    fn plan_campaigns(&mut self, sim: &Simulation, old: NodeId) {
        let mut best: Option<(Term, river_core::LogIndex, NodeId)> = None;
        for id in sim.ids().filter(|&id| id != old && sim.server(id).acts()) {
            let Some(node) = sim.node(id) else { continue };
            let last = (node.log().last_term(), node.log().last_index(), id);
            let newer = best.is_none_or(|b| (last.0, last.1) > (b.0, b.1));
            let tie = best.is_some_and(|b| (last.0, last.1) == (b.0, b.1));
            if newer || (tie && self.rng.chance(0.5)) {
                best = Some(last);
            }
        }
        let Some((_, _, campaigner)) = best else {
            return;
        };
        let t_min = self.election_timeout_min_ms;
        let mut ready: Vec<u64> = Vec::new();
        for id in sim.ids().filter(|&id| id != old && id != campaigner) {
            let server = sim.server(id);
            let Some(node) = server.node.as_ref().filter(|_| server.acts()) else {
                continue;
            };
            let (elapsed_ms, _) = node.election_timer();
            let left_ms = if self.refusal && node.leader().is_some() {
                t_min.saturating_sub(elapsed_ms)
            } else {
                0
            };
            let real = (left_ms * 100).div_ceil(server.clock_percent);
            ready.push(server.ticked_ms + real);
        }
        ready.sort_unstable();
        let voters = sim
            .node(campaigner)
            .map_or(sim.size(), |n| n.membership().voters().count());
        let others_needed = voters / 2;
        let Some(&at) = ready.get(others_needed.saturating_sub(1)).or(ready.last()) else {
            return;
        };
        // Under leases its own timer must have counted the shortest timeout too.
        let own = sim.server(campaigner);
        let own_ready = match own.node.as_ref() {
            Some(node) if sim.config().raft.reads == ReadPath::Lease => {
                let left_ms = t_min.saturating_sub(node.election_timer().0);
                own.ticked_ms + (left_ms * 100).div_ceil(own.clock_percent)
            }
            _ => 0,
        };
        let first = at
            .saturating_sub(self.fast.latency_min_ms)
            .max(own_ready)
            .max(sim.now_ms())
            + self.rng.range_inclusive(0, CAMPAIGN_JITTER_MS);
        let round_trip_ms = 2 * self.fast.latency_max_ms + 1;
        for k in 0..CAMPAIGNS {
            self.planned
                .push((first + k * round_trip_ms, Step::Campaign(campaigner)));
        }
    }
}
