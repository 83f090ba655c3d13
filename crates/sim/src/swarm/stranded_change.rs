//! One of the swarm's aims, for runs that change the membership: a leader's configuration
//! change stranded on a minority, a newer leader's change of its own, and the first leader's
//! return. Single-server changes are safe only if each leader commits an entry of its own
//! term before it changes the configuration (thesis §4.1 and Ongaro's 2015 erratum): then the
//! newer leader's change follows from a configuration a majority already holds. Without that
//! rule, two configurations that differ from an even-sized one by one server each can win a
//! majority that shares no server with the other's, and both sides commit. The random fault
//! mix almost never lines that up, so this aim does, one step at a time, reacting to what the
//! servers report; it never knows which bug, if any, is on.
//!
//! 1. A leader appends a configuration entry (most often when the configuration before it
//!    has an even number of voters): the cluster is split at once, the leader on the minority
//!    side, so the entry reaches only that side.
//! 2. A server on the other side wins a newer term, and the operator asks it at once, while
//!    its first entry is still on the wire, to remove a voter (again each heartbeat while it
//!    refuses, as correct Raft does until it has committed an entry of its term).
//! 3. The moment it appends a configuration entry, its side is split again: if it can be,
//!    so that its new configuration has a majority on its own side and the first leader's
//!    configuration has one among the first side and the servers that have not yet heard
//!    the newer leader. The first leader campaigns there, again until it leads.
//! 4. Some election timeouts later every link heals, and the aim waits for the next change.
//!
//! While a sequence runs the newer leader is spared the other aims' strikes and changes, so
//! the steps meet. Its draws come from a stream of their own (`stream::STRANDED_CHANGES`).

use super::{isolate, time_out, Planned};
use crate::sim::{stream, ReadPath, Simulation};
use crate::trace::ChangeOutcome;
use alloc::vec::Vec;
use river_core::{LogIndex, Membership, MembershipChange, NodeId, Rng, Role, Term, Voters};

/// Chance that a leader's configuration change is stranded when the configuration before it
/// has an even number of voters (where two changes can win disjoint majorities).
const STRAND_EVEN_CHANCE: f64 = 0.9;
/// The same when it has an odd number: the sequence still runs (correct Raft must stay safe
/// through it), but no two majorities can miss each other there.
const STRAND_ODD_CHANCE: f64 = 0.1;
/// Chance that the newer leader is asked for its change in the same millisecond it wins
/// (otherwise within a message's flight, when some of its first entries have landed).
const ASK_AT_ONCE_CHANCE: f64 = 0.8;
/// How long, in shortest election timeouts, the stranded side waits for a newer leader's
/// change before the aim gives up and heals.
const GIVE_UP_TIMEOUTS: u64 = 12;
/// How long, in shortest election timeouts, the first leader may take to win on its side
/// before the newer leader's side is joined anyway.
const CAMPAIGN_TIMEOUTS: u64 = 4;
/// How long, in shortest election timeouts, the two sides stay apart once joined (drawn
/// between these).
const JOINED_TIMEOUTS: (u64, u64) = (2, 6);
/// How often the first leader's side checks whether it should campaign again.
const CAMPAIGN_POLL_MS: u64 = 5;

/// One step of the sequence, planned for a later moment. Each carries the number of the
/// stage that planned it, and is dropped if the sequence has moved on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    /// Ask the newer leader to remove a voter.
    Ask(u32),
    /// The first leader campaigns, unless it leads or its last campaign may still win.
    Campaign(u32),
    /// The newer leader rejoins its side.
    Join(u32),
    /// Heal every link and wait for the next change.
    End(u32),
}

/// Where the sequence stands.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    /// Waiting for a leader to append a configuration entry.
    Idle,
    /// `first`'s change (its configuration `change`, appended in `term`) is stranded on
    /// `side`; waiting for a leader of a newer term elsewhere (`second`, once one wins).
    Stranded {
        first: NodeId,
        term: Term,
        change: Membership,
        side: Voters,
        second: Option<(NodeId, Term)>,
    },
    /// The newer leader has appended its change, and waits alone, cut off, so that it
    /// commits nothing yet (a removed server retires once its removal commits). `first`
    /// campaigns on the side `away`; the rest of `keep` waits apart.
    Split {
        first: NodeId,
        second_term: Term,
        keep: Voters,
        away: Voters,
    },
    /// The newer leader is back with `keep`; the two sides stay apart until the end.
    Joined,
}

/// The state of this aim in one run.
pub(super) struct StrandedChange {
    rng: Rng,
    /// Whether the run changes the membership at all.
    on: bool,
    stage: Stage,
    /// Numbers the stages, so steps planned by an earlier one are dropped.
    generation: u32,
    /// When the first leader last campaigned because of this aim.
    campaigned_ms: Option<u64>,
    election_timeout_min_ms: u64,
    heartbeat_ms: u64,
    latency_max_ms: u64,
}

impl StrandedChange {
    pub(super) fn new(sim: &Simulation, on: bool) -> StrandedChange {
        let config = sim.config();
        StrandedChange {
            rng: Rng::fork(config.seed, stream::STRANDED_CHANGES),
            on,
            stage: Stage::Idle,
            generation: 0,
            campaigned_ms: None,
            election_timeout_min_ms: config.raft.election_timeout_min_ms,
            heartbeat_ms: config.raft.heartbeat_interval_ms,
            latency_max_ms: config.link.latency_max_ms,
        }
    }

    /// Whether a sequence is under way.
    pub(super) fn busy(&self) -> bool {
        self.stage != Stage::Idle
    }

    /// Reacts to one event a server reported. Returns whether the event concerns a leader
    /// this aim holds (the stranded one, the newer one), so the other aims leave it alone.
    pub(super) fn observe(
        &mut self,
        sim: &mut Simulation,
        planned: &mut Vec<(u64, Planned)>,
        id: NodeId,
        event: &river_core::Event,
    ) -> bool {
        use river_core::Event;
        if !self.on {
            return false;
        }
        let now = sim.now_ms();
        match (*event, self.stage) {
            (Event::MembershipChanged { index, .. }, Stage::Idle) => {
                let appended = appended_by_leader(sim, id, index);
                // A change of the voters, after which the leader still votes (only then can
                // it come back and lead under it), from a configuration the others can lead
                // without it.
                let mut leader = Voters::default();
                leader.insert(id.index());
                let others = complement(sim, leader);
                let strands = appended.filter(|(_, before, change)| {
                    change.is_voter(id)
                        && voters_of(before) != voters_of(change)
                        && before.has_quorum(others)
                });
                let Some((term, before, change)) = strands else {
                    return false;
                };
                let even = before.voter_count() % 2 == 0;
                let chance = if even {
                    STRAND_EVEN_CHANCE
                } else {
                    STRAND_ODD_CHANCE
                };
                if !self.rng.chance(chance) {
                    return false;
                }
                self.strand(sim, planned, id, term, before, change);
                true
            }
            (
                Event::BecameLeader { term, .. },
                Stage::Stranded {
                    first,
                    term: first_term,
                    change,
                    side,
                    second,
                },
            ) if !side.contains(id.index())
                && term > first_term
                && second.is_none_or(|(_, t)| term > t) =>
            {
                self.stage = Stage::Stranded {
                    first,
                    term: first_term,
                    change,
                    side,
                    second: Some((id, term)),
                };
                let delay = if self.rng.chance(ASK_AT_ONCE_CHANCE) {
                    0
                } else {
                    self.rng.range_inclusive(1, self.latency_max_ms)
                };
                let ask = Step::Ask(self.generation);
                planned.push((now + delay, Planned::Stranded(ask)));
                true
            }
            (Event::MembershipChanged { index, .. }, Stage::Stranded { second, .. })
                if second.is_some_and(|(s, _)| s == id) =>
            {
                if appended_by_leader(sim, id, index).is_some() {
                    self.split(sim, planned);
                }
                true
            }
            (
                Event::BecameLeader { term, .. },
                Stage::Split {
                    first, second_term, ..
                },
            ) if id == first && term > second_term => {
                planned.push((now, Planned::Stranded(Step::Join(self.generation))));
                true
            }
            _ => false,
        }
    }

    /// Performs a planned step.
    pub(super) fn perform(
        &mut self,
        sim: &mut Simulation,
        planned: &mut Vec<(u64, Planned)>,
        step: Step,
    ) {
        let now = sim.now_ms();
        match (step, self.stage) {
            (Step::Ask(g), Stage::Stranded { second, .. }) if g == self.generation => {
                let Some((second, term)) = second else {
                    return;
                };
                let leads = sim
                    .node(second)
                    .is_some_and(|n| n.role() == Role::Leader && n.term() == term);
                if !leads || sim.leader() != Some(second) {
                    return;
                }
                let Stage::Stranded {
                    first,
                    change,
                    side,
                    ..
                } = self.stage
                else {
                    return;
                };
                let first_config = sim.node(first).map_or(change, |n| n.membership());
                let membership = sim.node(second).expect("it leads").membership();
                let others: Vec<NodeId> = membership.voters().filter(|&v| v != second).collect();
                if others.is_empty() {
                    return;
                }
                // Most often a removal after which the two configurations can win majorities
                // apart, if one can.
                let apart: Vec<NodeId> = others
                    .iter()
                    .copied()
                    .filter(|&v| {
                        membership
                            .apply(MembershipChange::Remove(v))
                            .is_ok_and(|next| {
                                !splits(sim, first_config, next, second, side).is_empty()
                            })
                    })
                    .collect();
                let pool = if apart.is_empty() || self.rng.chance(0.2) {
                    &others
                } else {
                    &apart
                };
                let victim = pool[self.rng.range_inclusive(0, pool.len() as u64 - 1) as usize];
                match sim.remove_server(victim) {
                    ChangeOutcome::Appended { .. } => self.split(sim, planned),
                    ChangeOutcome::Refused { .. } => {
                        let again = now + self.heartbeat_ms;
                        planned.push((again, Planned::Stranded(Step::Ask(g))));
                    }
                    _ => {}
                }
            }
            (Step::Campaign(g), Stage::Split { first, .. }) if g == self.generation => {
                let Some(node) = sim.node(first) else {
                    return;
                };
                // A follower campaigns at once (it has just learned a newer term from a
                // refusal); a campaign is left two round trips to finish (PreVote, then the
                // vote) before the next.
                let round_trip = 2 * self.latency_max_ms + 1;
                let due = match node.role() {
                    Role::Leader => false,
                    Role::Follower => true,
                    _ => self
                        .campaigned_ms
                        .is_none_or(|at| now >= at + 2 * round_trip),
                };
                if due && time_out(sim, first) {
                    self.campaigned_ms = Some(now);
                }
                let next = now + CAMPAIGN_POLL_MS;
                planned.push((next, Planned::Stranded(Step::Campaign(g))));
            }
            (
                Step::Join(g),
                Stage::Split {
                    first, keep, away, ..
                },
            ) if g == self.generation => {
                // The first leader is cut off as it wins, so its side commits nothing before
                // the newer leader's does (a removed server retires once its removal commits).
                let mut rest = away;
                rest.remove(first.index());
                sim.partition(&[members(sim, rest), members(sim, keep)]);
                for id in members(sim, keep) {
                    sim.thaw(id);
                }
                self.generation += 1;
                self.stage = Stage::Joined;
                let timeouts = self
                    .rng
                    .range_inclusive(JOINED_TIMEOUTS.0, JOINED_TIMEOUTS.1);
                let end = now + timeouts * self.election_timeout_min_ms;
                planned.push((end, Planned::Stranded(Step::End(self.generation))));
            }
            (Step::End(g), _) if g == self.generation => {
                sim.heal_all();
                for id in sim.ids().collect::<Vec<_>>() {
                    sim.thaw(id);
                }
                self.stage = Stage::Idle;
                self.generation += 1;
            }
            _ => {}
        }
    }

    /// Step 1: splits the cluster with `first` on a minority of the configuration before its
    /// change (`before`), so that the rest can elect a newer leader.
    fn strand(
        &mut self,
        sim: &mut Simulation,
        planned: &mut Vec<(u64, Planned)>,
        first: NodeId,
        term: Term,
        before: Membership,
        change: Membership,
    ) {
        let mut side = Voters::default();
        side.insert(first.index());
        let mut rest = Voters::default();
        for id in sim.ids().filter(|&id| id != first) {
            rest.insert(id.index());
        }
        for id in sim.ids().filter(|&id| id != first) {
            let mut without = rest;
            without.remove(id.index());
            if self.rng.chance(0.5) && before.has_quorum(without) {
                rest = without;
                side.insert(id.index());
            }
        }
        sim.partition(&[members(sim, side), members(sim, rest)]);
        wake(sim, rest);
        self.generation += 1;
        self.stage = Stage::Stranded {
            first,
            term,
            change,
            side,
            second: None,
        };
        let give_up = sim.now_ms() + GIVE_UP_TIMEOUTS * self.election_timeout_min_ms;
        planned.push((give_up, Planned::Stranded(Step::End(self.generation))));
    }

    /// Step 3: the newer leader has appended its change. Cuts it off alone, and splits the
    /// rest of its side in two, `keep` and the servers that join the first leader: if it can
    /// be, so that the newer configuration has a majority in `keep` and the first leader's
    /// has one on its own side; otherwise at random. Then the first leader campaigns.
    fn split(&mut self, sim: &mut Simulation, planned: &mut Vec<(u64, Planned)>) {
        let Stage::Stranded {
            first,
            change,
            side,
            second: Some((second, second_term)),
            ..
        } = self.stage
        else {
            return;
        };
        let first_config = sim.node(first).map_or(change, |n| n.membership());
        let second_config = sim.node(second).expect("it leads").membership();
        let valid = splits(sim, first_config, second_config, second, side);
        let keep = if valid.is_empty() {
            // Any split of the newer leader's side.
            let mut keep = Voters::default();
            keep.insert(second.index());
            for id in sim.ids().filter(|id| !side.contains(id.index())) {
                if self.rng.chance(0.5) {
                    keep.insert(id.index());
                }
            }
            keep
        } else {
            valid[self.rng.range_inclusive(0, valid.len() as u64 - 1) as usize]
        };
        let away = complement(sim, keep);
        // The newer leader's side stands still, so that nobody there campaigns or steps down
        // meanwhile. A leader frozen in office would overstay its read lease (its clock stops;
        // a follower's stopped clock only makes it refuse votes longer), so in lease seeds a
        // leader is cut off instead.
        sim.partition(&[members(sim, away), members(sim, keep)]);
        let leases = sim.config().raft.reads == ReadPath::Lease;
        for id in members(sim, keep) {
            let leads = sim.node(id).is_some_and(|n| n.role() == Role::Leader);
            if leads && leases {
                isolate(sim, id);
            } else {
                sim.freeze(id);
            }
        }
        wake(sim, away);
        self.generation += 1;
        self.stage = Stage::Split {
            first,
            second_term,
            keep,
            away,
        };
        self.campaigned_ms = None;
        let now = sim.now_ms();
        let deadline = now + CAMPAIGN_TIMEOUTS * self.election_timeout_min_ms;
        planned.push((now, Planned::Stranded(Step::Campaign(self.generation))));
        planned.push((deadline, Planned::Stranded(Step::Join(self.generation))));
    }
}

/// If `id` leads and has just appended the configuration entry at `index` in its own term:
/// that term, the configuration before the entry, and the entry's.
fn appended_by_leader(
    sim: &Simulation,
    id: NodeId,
    index: LogIndex,
) -> Option<(Term, Membership, Membership)> {
    let node = sim.node(id)?;
    let log = node.log();
    if node.role() != Role::Leader
        || node.membership_index() != index
        || log.term_at(index) != Some(node.term())
    {
        return None;
    }
    let before_end = LogIndex(index.0.checked_sub(1)?);
    let before = log
        .last_membership(LogIndex(1), before_end)
        .map(|(_, m)| m)
        .or_else(|| node.snapshot().map(|s| s.membership))
        .unwrap_or_else(|| Membership::initial(sim.config().nodes));
    Some((node.term(), before, node.membership()))
}

/// The ways to split the servers outside `side` so that `second` and those with it (`keep`)
/// hold a majority of `second_config` and everyone else one of `first_config`: each `keep`.
fn splits(
    sim: &Simulation,
    first_config: Membership,
    second_config: Membership,
    second: NodeId,
    side: Voters,
) -> Vec<Voters> {
    let movable: Vec<NodeId> = sim
        .ids()
        .filter(|&id| id != second && !side.contains(id.index()))
        .collect();
    assert!(
        movable.len() < river_core::MAX_CLUSTER_SIZE,
        "a cluster's servers"
    );
    let mut found = Vec::new();
    for mask in 0..1u32 << movable.len() {
        let mut keep = Voters::default();
        keep.insert(second.index());
        for (k, id) in movable.iter().enumerate() {
            if mask & (1 << k) != 0 {
                keep.insert(id.index());
            }
        }
        if second_config.has_quorum(keep) && first_config.has_quorum(complement(sim, keep)) {
            found.push(keep);
        }
    }
    found
}

/// Every server not in `set`.
fn complement(sim: &Simulation, set: Voters) -> Voters {
    let mut rest = Voters::default();
    for id in sim.ids().filter(|id| !set.contains(id.index())) {
        rest.insert(id.index());
    }
    rest
}

/// Restarts the crashed servers of `set` (not those retired) and thaws the frozen ones, so
/// that a side can elect a leader.
fn wake(sim: &mut Simulation, set: Voters) {
    for id in members(sim, set) {
        sim.restart(id);
        sim.thaw(id);
    }
}

/// The voters of `membership`, as a set.
fn voters_of(membership: &Membership) -> Voters {
    let mut voters = Voters::default();
    for id in membership.voters() {
        voters.insert(id.index());
    }
    voters
}

/// The servers in `set`, lowest id first.
fn members(sim: &Simulation, set: Voters) -> Vec<NodeId> {
    sim.ids().filter(|id| set.contains(id.index())).collect()
}
