//! Time travel: every input a person gives the simulation is recorded with the moment it was
//! given, and the simulation is copied at checkpoints, so any past moment can be rebuilt
//! exactly by copying the nearest earlier checkpoint and re-simulating (the simulation is
//! deterministic). Acting in the past starts a new branch; the old future is kept.
//!
//! Memory is bounded: at most [`MAX_CHECKPOINTS`] copies are kept; when that many exist,
//! every other one is dropped and the spacing doubles, so seeking re-simulates at most one
//! spacing's worth of events.

use crate::kv::Op;
use crate::network::LinkParams;
use crate::reasons::{change_not_taken_text, transfer_refusal_text};
use crate::sim::{RaftOptions, Simulation};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{LogIndex, NodeId, Role, MAX_CLUSTER_SIZE};

/// The most simulation copies a timeline keeps.
pub const MAX_CHECKPOINTS: usize = 32;
/// The initial spacing between checkpoints, in simulated ms.
pub const FIRST_CHECKPOINT_SPACING_MS: u64 = 1_000;

/// Something a person does to the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The user sends a command to a server.
    Submit(NodeId, Op),
    /// Crash a server.
    Crash(NodeId),
    /// Restart a server.
    Restart(NodeId),
    /// Freeze a server: its timers and inbox wait.
    Freeze(NodeId),
    /// Release a frozen server.
    Thaw(NodeId),
    /// Fire a server's election timer.
    Timeout(NodeId),
    /// Set one directed link up or down.
    SetLink(NodeId, NodeId, bool),
    /// Split into groups.
    Partition(Vec<Vec<NodeId>>),
    /// Restore every link.
    HealAll,
    /// Ask a leader to hand leadership to another server (thesis §3.10).
    Transfer(NodeId, NodeId),
    /// Change every link's delay and loss.
    LinkParams(LinkParams),
    /// Drop a message in flight.
    Drop(u64),
    /// Duplicate a message in flight.
    Duplicate(u64),
    /// Hold a message on the wire.
    Hold(u64),
    /// Release a held message.
    Release(u64),
    /// Start the next server and ask the leader to add it.
    AddServer,
    /// Ask the leader to remove a server.
    RemoveServer(NodeId),
    /// New Raft options for servers that start or restart from now on.
    Raft(RaftOptions),
    /// A server compacts its log now.
    Snapshot(NodeId),
}

impl Input {
    /// Applies the input to `sim` now. `Err` says, in words, why the simulation did not do
    /// it (a server down already, a change the leader refused, …): then nothing happened
    /// (a refused `add` starts no server).
    pub fn apply(&self, sim: &mut Simulation) -> Result<(), String> {
        if let Some(id) = self.unstarted(sim) {
            return Err(never_started_text(id));
        }
        let refused = self.refusal(sim);
        match self {
            // A request to a server shut down for good would wait for an answer that
            // never comes: refused instead (a crashed server's may be answered later).
            Input::Submit(to, op) if refused.is_none() => {
                sim.submit(*to, op.clone());
            }
            Input::Submit(..) => {}
            Input::Crash(id) => sim.crash(*id),
            Input::AddServer => {
                return match sim.add_server() {
                    None => Err(format!(
                        "a cluster has at most {MAX_CLUSTER_SIZE} servers, so none can be added"
                    )),
                    Some((_, outcome)) => change_not_taken_text(outcome).map_or(Ok(()), Err),
                };
            }
            Input::RemoveServer(id) => {
                return change_not_taken_text(sim.remove_server(*id)).map_or(Ok(()), Err);
            }
            Input::Snapshot(id) => {
                sim.snapshot(*id);
            }
            Input::Restart(id) => sim.restart(*id),
            Input::Freeze(id) => sim.freeze(*id),
            Input::Thaw(id) => sim.thaw(*id),
            Input::Timeout(id) => sim.force_timeout(*id),
            Input::SetLink(a, b, up) => sim.set_link(*a, *b, *up),
            Input::Partition(groups) => sim.partition(groups),
            Input::HealAll => sim.heal_all(),
            Input::Transfer(from, to) => {
                if let Some(outcome) = sim.transfer_leadership(*from, *to) {
                    return transfer_refusal_text(*from, *to, outcome).map_or(Ok(()), Err);
                }
            }
            Input::LinkParams(params) => sim.set_link_params(*params),
            Input::Drop(id) => {
                sim.drop_in_flight(*id);
            }
            Input::Duplicate(id) => {
                sim.duplicate_in_flight(*id);
            }
            Input::Hold(id) => {
                sim.hold_in_flight(*id);
            }
            Input::Release(id) => {
                sim.release_in_flight(*id);
            }
            Input::Raft(options) => sim.set_raft_options(*options),
        }
        refused.map_or(Ok(()), Err)
    }

    /// Applies the input again, replaying a recorded past: whether it was refused was told
    /// when it was first given.
    fn redo(&self, sim: &mut Simulation) {
        let _ = self.apply(sim);
    }
}

impl Input {
    /// A server this input names that `sim` never started: a scenario names the servers
    /// its `add` lines start, and such a line may have been refused.
    fn unstarted(&self, sim: &Simulation) -> Option<NodeId> {
        let unstarted = |id: &NodeId| id.index() >= sim.size();
        match self {
            Input::Submit(id, _)
            | Input::Crash(id)
            | Input::Restart(id)
            | Input::Freeze(id)
            | Input::Thaw(id)
            | Input::Timeout(id)
            | Input::Snapshot(id)
            | Input::RemoveServer(id) => Some(*id).filter(unstarted),
            Input::SetLink(a, b, _) | Input::Transfer(a, b) => [*a, *b].into_iter().find(unstarted),
            Input::Partition(groups) => groups.iter().flatten().copied().find(unstarted),
            _ => None,
        }
    }

    /// Why `sim` would do nothing with this input, seen before it is applied, for the
    /// inputs that are refused by the server's state alone (a membership change or a
    /// transfer is refused by the leader, which answers for itself). The page asks this
    /// before it acts, and a scenario's line is told it after: one set of rules, one set
    /// of words.
    pub fn refusal(&self, sim: &Simulation) -> Option<String> {
        if let Some(id) = self.unstarted(sim) {
            return Some(never_started_text(id));
        }
        let down = |id: NodeId| sim.node(id).is_none();
        match *self {
            Input::Submit(id, _)
            | Input::Crash(id)
            | Input::Restart(id)
            | Input::Freeze(id)
            | Input::Thaw(id)
            | Input::Timeout(id)
            | Input::Snapshot(id)
                if sim.server(id).retired =>
            {
                Some(format!("{id} was removed from the cluster and stays down"))
            }
            Input::Crash(id) if down(id) => Some(format!("{id} is down already")),
            Input::Restart(id) if !down(id) => Some(format!("{id} is running")),
            Input::Freeze(id) if down(id) => {
                Some(format!("{id} is down; only a running server can freeze"))
            }
            Input::Timeout(id) | Input::Snapshot(id) if down(id) => {
                Some(format!("{id} is down; restart it first"))
            }
            Input::Transfer(id, _) if down(id) => Some(format!("{id} is down")),
            Input::Freeze(id) if sim.frozen(id) => Some(format!("{id} is frozen already; thaw it")),
            Input::Thaw(id) if !sim.frozen(id) => Some(format!("{id} is not frozen")),
            Input::Timeout(id) if sim.frozen(id) => {
                Some(format!("{id} is frozen: its timers wait until it thaws"))
            }
            Input::Snapshot(id) | Input::Transfer(id, _) if sim.frozen(id) => {
                Some(format!("{id} is frozen: it does nothing until it thaws"))
            }
            Input::Timeout(id) if sim.node(id).is_some_and(|n| n.role() == Role::Leader) => {
                Some(format!("{id} leads; a leader has no election timer"))
            }
            Input::Snapshot(id) => {
                let node = sim.node(id)?;
                let (applied, compacted) = (node.applied_index(), node.log().snapshot_index());
                match applied {
                    _ if applied > compacted => None,
                    LogIndex(0) => Some(format!(
                        "{id} has applied no entry yet, so there is nothing to compact"
                    )),
                    _ => Some(format!(
                        "{id} has nothing new to compact: its snapshot already covers every entry it applied (up to {applied})"
                    )),
                }
            }
            _ => None,
        }
    }
}

/// Why an input naming server `id` is refused when the simulation never started it.
pub fn never_started_text(id: NodeId) -> String {
    format!("{id} was never started: the line that adds it was refused")
}

/// When an input was given: after `events` events, at `time_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamped {
    /// Events processed before the input.
    pub events: u64,
    /// The clock when it was given.
    pub time_ms: u64,
    /// The input.
    pub input: Input,
}

/// A future that was left when someone acted in the past.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// Every input of that future, from the start.
    pub inputs: Vec<Stamped>,
    /// How far that future had run.
    pub end_ms: u64,
}

impl Branch {
    /// Whether this future contains all of `other`: it begins with `other`'s inputs, gives
    /// any more only from `other`'s end on, and ran at least as far (the simulation being
    /// deterministic, the same inputs give the same run).
    fn holds(&self, other: &Branch) -> bool {
        self.end_ms >= other.end_ms
            && self.inputs.starts_with(&other.inputs)
            && self.inputs[other.inputs.len()..]
                .iter()
                .all(|later| later.time_ms >= other.end_ms)
    }
}

/// A copy of the simulation, with how many recorded inputs it had applied.
#[derive(Clone, Debug)]
struct Checkpoint {
    sim: Simulation,
    applied: usize,
}

/// A simulation with its past.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The present.
    pub sim: Simulation,
    start: Simulation,
    inputs: Vec<Stamped>,
    /// How many of `inputs` the present has applied.
    applied: usize,
    checkpoints: Vec<Checkpoint>,
    spacing_ms: u64,
    /// The furthest moment this branch has reached.
    end_ms: u64,
    /// Futures left behind, oldest first.
    pub branches: Vec<Branch>,
}

impl Timeline {
    /// A timeline starting from `sim` as it is now.
    pub fn new(sim: Simulation) -> Timeline {
        Timeline {
            start: sim.clone(),
            end_ms: sim.now_ms(),
            sim,
            inputs: Vec::new(),
            applied: 0,
            checkpoints: Vec::new(),
            spacing_ms: FIRST_CHECKPOINT_SPACING_MS,
            branches: Vec::new(),
        }
    }

    /// The furthest moment reached on this branch.
    pub fn end_ms(&self) -> u64 {
        self.end_ms
    }

    /// The inputs of this branch.
    pub fn inputs(&self) -> &[Stamped] {
        &self.inputs
    }

    /// How many of this branch's inputs the present has applied.
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// Checkpoints kept (each a full copy of the simulation).
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Gives an input now. If the present is behind the end of this branch, the recorded
    /// future is kept as a branch and a new one starts here. `Err` says why the simulation
    /// did nothing with it (it is recorded all the same, so a replay gives it again).
    pub fn apply(&mut self, input: Input) -> Result<(), String> {
        let now = self.sim.now_ms();
        if self.applied < self.inputs.len() || now < self.end_ms {
            self.keep(Branch {
                inputs: self.inputs.clone(),
                end_ms: self.end_ms,
            });
            self.inputs.truncate(self.applied);
            let applied = self.applied;
            self.checkpoints
                .retain(|c| c.applied <= applied && c.sim.now_ms() <= now);
            self.end_ms = now;
        }
        self.inputs.push(Stamped {
            events: self.sim.stats.events,
            time_ms: now,
            input: input.clone(),
        });
        self.applied = self.inputs.len();
        input.apply(&mut self.sim)
    }

    /// Runs the present to `time_ms`, replaying this branch's recorded inputs on the way.
    pub fn run_until(&mut self, time_ms: u64) {
        while let Some(stamped) = self
            .inputs
            .get(self.applied)
            .filter(|s| s.time_ms <= time_ms)
            .cloned()
        {
            while self.sim.stats.events < stamped.events && self.sim.step() {
                self.after_progress();
            }
            self.sim.set_clock(stamped.time_ms);
            stamped.input.redo(&mut self.sim);
            self.applied += 1;
        }
        while self.sim.step_until(time_ms) {
            self.after_progress();
        }
        self.sim.run_until(time_ms);
        self.after_progress();
    }

    /// Processes the next event, first replaying any input recorded before it.
    pub fn step(&mut self) -> bool {
        self.step_until(u64::MAX)
    }

    /// Processes the next event if it comes no later than `limit_ms`, first replaying any
    /// input recorded before it.
    pub fn step_until(&mut self, limit_ms: u64) -> bool {
        let events = self.sim.stats.events;
        while let Some(stamped) = self
            .inputs
            .get(self.applied)
            .filter(|s| s.events <= events && s.time_ms <= limit_ms)
            .cloned()
        {
            self.sim.set_clock(stamped.time_ms);
            stamped.input.redo(&mut self.sim);
            self.applied += 1;
        }
        let stepped = self.sim.step_until(limit_ms);
        self.after_progress();
        stepped
    }

    /// Rebuilds the moment `time_ms` of this branch (at most its end).
    pub fn seek(&mut self, time_ms: u64) {
        let time_ms = time_ms.min(self.end_ms);
        self.restore(|c| c.sim.now_ms() <= time_ms);
        self.run_until(time_ms);
    }

    /// Rebuilds the moment `time_ms` of this branch (at most its end) as it stood just
    /// before the first input recorded at that very moment: every event up to then has run,
    /// and that input is the next thing to happen (the election lab opens a trial here, just
    /// before its leader crashes). Without an input at that moment it is [`Timeline::seek`].
    pub fn seek_before(&mut self, time_ms: u64) {
        let time_ms = time_ms.min(self.end_ms);
        let Some(at) = self.inputs.iter().position(|s| s.time_ms == time_ms) else {
            return self.seek(time_ms);
        };
        let events = self.inputs[at].events;
        self.rebuild(time_ms, events, at);
    }

    /// Restores the nearest checkpoint, then replays to the moment `time_ms` just after the
    /// first `events` events with exactly the first `applied` inputs given.
    fn rebuild(&mut self, time_ms: u64, events: u64, applied: usize) {
        self.restore(|c| c.applied <= applied && c.sim.stats.events <= events);
        while self.applied < applied {
            let stamped = self.inputs[self.applied].clone();
            while self.sim.stats.events < stamped.events && self.sim.step() {}
            self.sim.set_clock(stamped.time_ms);
            stamped.input.redo(&mut self.sim);
            self.applied += 1;
        }
        while self.sim.stats.events < events && self.sim.step() {}
        self.sim.set_clock(time_ms);
    }

    /// Rebuilds the moment just after the first `events` events (to step back one event).
    pub fn seek_events(&mut self, events: u64) {
        self.restore(|c| c.sim.stats.events <= events);
        while self.sim.stats.events < events && self.step() {}
    }

    /// Rebuilds the moment `time_ms` just after the first `events` events, with exactly the
    /// first `applied` recorded inputs given (inputs given at that same moment after them
    /// are not), and keeps the future after it as a branch, so the next input continues from
    /// here without replaying the old one. A guided tour goes back a step with it: the
    /// tour's player gives the inputs again.
    pub fn rewind(&mut self, time_ms: u64, events: u64, applied: usize) {
        let applied = applied.min(self.inputs.len());
        self.rebuild(time_ms, events, applied);
        if self.applied < self.inputs.len() || time_ms < self.end_ms {
            self.keep(Branch {
                inputs: self.inputs.clone(),
                end_ms: self.end_ms,
            });
            self.inputs.truncate(applied);
            self.checkpoints
                .retain(|c| c.applied <= applied && c.sim.stats.events <= events);
            self.end_ms = time_ms;
        }
    }

    /// The present rebuilt from the start with every event kept in its trace
    /// (`trace.records`), for saving the whole run so far: the same inputs after the same
    /// number of events, so the same events; the caller may compare the two digests.
    pub fn traced(&self) -> Simulation {
        let mut sim = self.start.clone();
        sim.trace.keep = true;
        for stamped in &self.inputs[..self.applied] {
            while sim.stats.events < stamped.events && sim.step() {}
            sim.set_clock(stamped.time_ms);
            stamped.input.redo(&mut sim);
        }
        while sim.stats.events < self.sim.stats.events && sim.step() {}
        sim.set_clock(self.sim.now_ms());
        sim
    }

    /// Keeps a future being left, unless a kept one already holds all of it (the same
    /// inputs, then perhaps more from its end on, run as far or further), and drops the
    /// kept ones it holds all of. A guided tour's Back and Continue play the same inputs
    /// again: each Back had kept another copy of the same future, so the page offered a
    /// growing list of identical ones.
    fn keep(&mut self, branch: Branch) {
        if self.branches.iter().any(|k| k.holds(&branch)) {
            return;
        }
        self.branches.retain(|k| !branch.holds(k));
        self.branches.push(branch);
    }

    /// Switches to kept branch `k`; the current future becomes a kept branch.
    pub fn switch_branch(&mut self, k: usize) {
        let branch = self.branches.remove(k);
        let old = core::mem::replace(&mut self.inputs, branch.inputs);
        self.branches.push(Branch {
            inputs: old,
            end_ms: self.end_ms,
        });
        self.end_ms = branch.end_ms;
        self.checkpoints.clear();
        let now = self.sim.now_ms().min(self.end_ms);
        self.sim = self.start.clone();
        self.applied = 0;
        self.run_until(now);
    }

    fn restore(&mut self, fits: impl Fn(&Checkpoint) -> bool) {
        match self.checkpoints.iter().rev().find(|c| fits(c)) {
            Some(c) => {
                self.sim = c.sim.clone();
                self.applied = c.applied;
            }
            None => {
                self.sim = self.start.clone();
                self.applied = 0;
            }
        }
    }

    fn after_progress(&mut self) {
        let now = self.sim.now_ms();
        self.end_ms = self.end_ms.max(now);
        let last = self
            .checkpoints
            .last()
            .map_or(self.start.now_ms(), |c| c.sim.now_ms());
        if now < last + self.spacing_ms {
            return;
        }
        self.checkpoints.push(Checkpoint {
            sim: self.sim.clone(),
            applied: self.applied,
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            let mut k = 0;
            self.checkpoints.retain(|_| {
                k += 1;
                k % 2 == 0
            });
            self.spacing_ms *= 2;
        }
    }
}

/// What a scenario [`crate::scenario::Player`] drives: a bare simulation (tests, the CLI)
/// or a timeline, which records the scenario's actions so its past can be rebuilt.
pub trait Driver {
    /// The simulation as it is now.
    fn sim(&self) -> &Simulation;
    /// The simulation as it is now, to change without recording an input (trace upkeep).
    fn sim_mut(&mut self) -> &mut Simulation;
    /// Gives an input now; `Err` says why the simulation did nothing with it.
    fn input(&mut self, input: Input) -> Result<(), String>;
    /// Processes the next event if it comes no later than `limit_ms`.
    fn step_until(&mut self, limit_ms: u64) -> bool;
    /// Runs every event up to `time_ms` and sets the clock there.
    fn run_until(&mut self, time_ms: u64);
    /// The player begins the step at scenario line `line` (a wait it resumes is not begun
    /// again), so a caller can tell each line before what it causes (the page's feed).
    fn step_begins(&mut self, _line: usize) {}
    /// The step at scenario line `line` asked for something the simulation did not do, for
    /// the reason `why` (in words): `river run --scenario` prints it and the page's feed tells
    /// it. A refusal is no failure (a scenario may show one on purpose); its expectations
    /// decide.
    fn refused(&mut self, _line: usize, _why: String) {}
}

impl Driver for Simulation {
    fn sim(&self) -> &Simulation {
        self
    }
    fn sim_mut(&mut self) -> &mut Simulation {
        self
    }
    fn input(&mut self, input: Input) -> Result<(), String> {
        input.apply(self)
    }
    fn step_until(&mut self, limit_ms: u64) -> bool {
        Simulation::step_until(self, limit_ms)
    }
    fn run_until(&mut self, time_ms: u64) {
        Simulation::run_until(self, time_ms);
    }
}

impl Driver for Timeline {
    fn sim(&self) -> &Simulation {
        &self.sim
    }
    fn sim_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }
    fn input(&mut self, input: Input) -> Result<(), String> {
        self.apply(input)
    }
    fn step_until(&mut self, limit_ms: u64) -> bool {
        Timeline::step_until(self, limit_ms)
    }
    fn run_until(&mut self, time_ms: u64) {
        Timeline::run_until(self, time_ms);
    }
}
