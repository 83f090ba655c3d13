//! Playing a scenario: a [`Player`] runs its steps through a [`Driver`], a little at a time
//! or all at once, and stops a run that passes a scenario's limits.

use super::expect::check;
use super::{
    Highlight, Scenario, ScenarioError, Step, WaitFor, MAX_SCENARIO_EVENTS, MAX_SCENARIO_IN_FLIGHT,
    MAX_SCENARIO_TRACE_RECORDS,
};
use crate::kv::Op;
use crate::network::Endpoint;
use crate::sim::Simulation;
use crate::timeline::{never_started_text, Driver, Input};
use crate::view::names;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::NodeId;

/// Why a scenario must stop here, or `None`: `sim` has processed [`MAX_SCENARIO_EVENTS`]
/// events, keeps more than [`MAX_SCENARIO_TRACE_RECORDS`] trace records, or has more than
/// [`MAX_SCENARIO_IN_FLIGHT`] messages on the wire.
pub fn past_limits(sim: &Simulation) -> Option<String> {
    let (events, wire) = (sim.stats.events, sim.in_flight_count());
    let what = if events >= MAX_SCENARIO_EVENTS {
        format!(
            "the simulator has processed {events} events, the most a scenario may make it process"
        )
    } else if sim.trace.records.len() > MAX_SCENARIO_TRACE_RECORDS {
        format!(
            "{} trace records are kept, more than a scenario may keep ({MAX_SCENARIO_TRACE_RECORDS}, some 300 MB of JSON lines)",
            sim.trace.records.len()
        )
    } else if wire > MAX_SCENARIO_IN_FLIGHT {
        format!("{wire} messages are on the wire at once, more than a scenario may put there ({MAX_SCENARIO_IN_FLIGHT})")
    } else {
        return None;
    };
    Some(format!(
        "at {} s {what}; shorter waits, fewer servers or clients, slower heartbeats, more latency or fewer duplicates make less",
        seconds(sim.now_ms())
    ))
}

/// Milliseconds as seconds to a tenth, "1.2", in whole numbers: formatting an `f64` would
/// bring core's float printing into the page's wasm (9.0 KB gzipped, measured; nothing else
/// there prints one).
fn seconds(ms: u64) -> String {
    format!("{}.{}", ms / 1000, ms / 100 % 10)
}

/// Where a scenario run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// More steps remain.
    Running,
    /// Every step ran and every expectation held.
    Finished,
}

/// Plays a scenario against a simulation, a little at a time (the page animates it) or all
/// at once (tests and the CLI).
#[derive(Clone, Debug)]
pub struct Player {
    steps: Vec<(usize, Step)>,
    next: usize,
    /// The step being waited on, and when its wait ends.
    waiting: Option<(usize, u64)>,
    /// Whether `pause` stops the player (a tour on the page) or is passed over.
    stops_at_pauses: bool,
    /// Stopped at a `pause` until [`Player::resume`].
    paused: bool,
    /// Also stop right after this tour step's `say` (0-based), to open a step directly.
    stop_after_say: Option<usize>,
    /// The tour step running (0-based: how many `say`s ran, less one).
    tour_step: Option<usize>,
    /// What the running tour step shows so far.
    shown: Vec<Highlight>,
    /// The last line that acted, and why it was refused if it was (`expect refused`).
    acted: Option<Acted>,
}

/// A line that acted on the run, and the first refusal of its inputs, if any.
#[derive(Clone, Debug)]
pub(super) struct Acted {
    pub(super) line: usize,
    pub(super) refusal: Option<String>,
    /// For `propose` and `read`: the request it sent, whose answer comes later and may
    /// refuse it too (a follower, or a leader handing over, sends the user elsewhere).
    pub(super) request: Option<Request>,
}

/// A user's request a line sent: to which server, from which client, with which number.
#[derive(Clone, Copy, Debug)]
pub(super) struct Request {
    pub(super) to: NodeId,
    pub(super) client: u32,
    pub(super) seq: u64,
}

impl Player {
    /// A player for `scenario`'s steps. (It takes them over: a clone of the steps would
    /// cost the page's wasm a copy routine for every kind of step.)
    pub fn new(scenario: Scenario) -> Player {
        Player {
            steps: scenario.steps,
            next: 0,
            waiting: None,
            stops_at_pauses: false,
            paused: false,
            stop_after_say: None,
            tour_step: None,
            shown: Vec::new(),
            acted: None,
        }
    }

    /// A player that stops at each `pause` until [`Player::resume`] (the page's tours).
    pub fn stopping_at_pauses(mut self) -> Player {
        self.stops_at_pauses = true;
        self
    }

    /// Whether the player stands at a `pause`.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Goes on past the `pause` it stands at.
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// The tour step running (0-based), once the first `say` ran.
    pub fn tour_step(&self) -> Option<usize> {
        self.tour_step
    }

    /// What the running tour step has shown so far, in order.
    pub fn shown(&self) -> &[Highlight] {
        &self.shown
    }

    /// Puts a fresh player at the start of tour step `k` (just after its `say` and the
    /// `show`s right after it), running nothing before it: the caller rebuilds that moment
    /// of the simulation itself (the page rewinds its timeline there). A player at the
    /// start of a step holds nothing else: no wait is under way, and it shows what the step
    /// points at from its first moment (checked against the simulation when the step was
    /// first played). An error if the scenario has no step `k`.
    pub fn skip_to_step(&mut self, k: usize) -> Result<(), ScenarioError> {
        let say = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, (_, step))| matches!(step, Step::Say(_)))
            .nth(k)
            .map(|(index, _)| index);
        let Some(index) = say else {
            return Err(ScenarioError {
                line: self.steps.last().map_or(1, |(line, _)| *line),
                column: None,
                message: format!("there is no step {}", k + 1),
            });
        };
        self.next = index + 1;
        self.waiting = None;
        self.paused = false;
        self.tour_step = Some(k);
        self.shown.clear();
        while let Some((_, Step::Show(shown))) = self.steps.get(self.next) {
            self.shown.extend_from_slice(shown);
            self.next += 1;
        }
        Ok(())
    }

    /// Plays at full speed, pauses passed over, until tour step `k`'s `say` and the `show`s
    /// right after it have run: the moment step `k` begins, pointing at what it is about. An error if the scenario fails first or has no step `k`.
    pub fn run_to_step(&mut self, driver: &mut dyn Driver, k: usize) -> Result<(), ScenarioError> {
        let stops = core::mem::replace(&mut self.stops_at_pauses, false);
        self.paused = false;
        self.stop_after_say = Some(k);
        let result = loop {
            if self.tour_step.is_some_and(|s| s >= k) {
                break Ok(());
            }
            match self.advance(driver, u64::MAX) {
                Ok(Status::Running) => {}
                Ok(Status::Finished) => {
                    break Err(ScenarioError {
                        line: self.steps.last().map_or(1, |(line, _)| *line),
                        column: None,
                        message: format!("there is no step {}", k + 1),
                    })
                }
                Err(e) => break Err(e),
            }
        };
        self.stop_after_say = None;
        self.stops_at_pauses = stops;
        result
    }

    /// Builds the simulation a scenario describes.
    pub fn simulation(scenario: &Scenario) -> Simulation {
        // Not `expect`: that would carry the error's `Debug` formatting into the browser build.
        let Ok(mut sim) = Simulation::new(scenario.config.clone()) else {
            panic!("validated when parsed")
        };
        if scenario.clients > 0 {
            sim.add_workload_clients(scenario.clients);
        }
        sim
    }

    /// The line of the step running now, if any.
    pub fn current_line(&self) -> Option<usize> {
        self.steps.get(self.next).map(|(line, _)| *line)
    }

    /// Runs the whole scenario, pauses passed over.
    pub fn run_to_end(&mut self, sim: &mut dyn Driver) -> Result<(), ScenarioError> {
        // Pauses are for a reader; nobody reads here.
        self.stops_at_pauses = false;
        self.paused = false;
        while self.advance(sim, u64::MAX)? == Status::Running {}
        Ok(())
    }

    /// Runs steps, never moving the clock past `limit_ms`. Through a [`Driver`], so a
    /// timeline records each action the scenario takes; `dyn`, so the page (which drives
    /// a bare simulation and its narrating timeline) holds one player: 0.6 KB gzipped.
    pub fn advance(
        &mut self,
        driver: &mut dyn Driver,
        limit_ms: u64,
    ) -> Result<Status, ScenarioError> {
        // Borrowed, not cloned: the steps and the player's progress are separate fields.
        // Each step runs once, so its command and groups move into the input, uncopied.
        while let Some(&mut (line, ref mut step)) = self.steps.get_mut(self.next) {
            if self.paused {
                return Ok(Status::Running);
            }
            if self.waiting.is_none() {
                driver.step_begins(line);
            }
            let err = |message: String| ScenarioError {
                line,
                column: None,
                message,
            };
            match step {
                Step::Wait(wait) => {
                    let wait = &*wait;
                    let (_, end) = *self.waiting.get_or_insert_with(|| {
                        (line, driver.sim().now_ms().saturating_add(wait.limit_ms()))
                    });
                    let done = |sim: &Simulation| match wait {
                        WaitFor::Time(_) => false,
                        WaitFor::Leader(set, _) => sim
                            .leader()
                            .is_some_and(|l| set.is_empty() || set.contains(&l)),
                        WaitFor::Converged(_) => sim.converged(),
                    };
                    loop {
                        if done(driver.sim()) {
                            break;
                        }
                        if let Some(why) = past_limits(driver.sim()) {
                            self.waiting = None;
                            return Err(err(why));
                        }
                        let stop = end.min(limit_ms);
                        if !driver.step_until(stop) {
                            driver.run_until(stop);
                            if stop == limit_ms && limit_ms < end {
                                return Ok(Status::Running);
                            }
                            break;
                        }
                    }
                    if !done(driver.sim()) {
                        match wait {
                            WaitFor::Time(_) => {}
                            WaitFor::Leader(set, ms) => {
                                let whom = if set.is_empty() {
                                    String::from("a leader")
                                } else {
                                    format!("a leader among {}", names(set))
                                };
                                return Err(err(format!(
                                    "waited {ms} ms for {whom}, but none was elected"
                                )));
                            }
                            WaitFor::Converged(ms) => {
                                return Err(err(format!(
                                    "waited {ms} ms for every log to converge, but they did not"
                                )))
                            }
                        }
                    }
                    self.waiting = None;
                }
                Step::Timeout(id) => give(driver, &mut self.acted, line, Input::Timeout(*id)),
                Step::Transfer(from, to) => {
                    give(driver, &mut self.acted, line, Input::Transfer(*from, *to))
                }
                Step::Crash(id) => give(driver, &mut self.acted, line, Input::Crash(*id)),
                Step::Restart(id) => give(driver, &mut self.acted, line, Input::Restart(*id)),
                Step::Freeze(id) => give(driver, &mut self.acted, line, Input::Freeze(*id)),
                Step::Thaw(id) => give(driver, &mut self.acted, line, Input::Thaw(*id)),
                Step::Cut(a, b, one_way) => {
                    set_link(driver, &mut self.acted, line, (*a, *b), *one_way, false)
                }
                Step::Heal(a, b, one_way) => {
                    set_link(driver, &mut self.acted, line, (*a, *b), *one_way, true)
                }
                Step::HealAll => give(driver, &mut self.acted, line, Input::HealAll),
                Step::Partition(groups) => {
                    give(
                        driver,
                        &mut self.acted,
                        line,
                        Input::Partition(core::mem::take(groups)),
                    );
                }
                Step::Propose(to, op) => {
                    let op = core::mem::replace(op, Op::Text(String::new()));
                    let before = requests(driver.sim());
                    give(driver, &mut self.acted, line, Input::Submit(*to, op));
                    let sent = requests(driver.sim())
                        .into_iter()
                        .find(|r| !before.contains(r));
                    if let (Some(acted), Some((client, seq))) = (self.acted.as_mut(), sent) {
                        let to = *to;
                        acted.request = Some(Request { to, client, seq });
                    }
                }
                // The server the line names is the next one only if every `add` before
                // it was taken: a refused one started nothing, and this line must not
                // start that server under this one's letter.
                Step::Add(next) if next.index() > driver.sim().size() => {
                    let before = NodeId(driver.sim().size() as u8);
                    let why = format!(
                        "{next} cannot be added before {before}; {}",
                        never_started_text(before)
                    );
                    self.acted = Some(Acted {
                        line,
                        refusal: Some(why.clone()),
                        request: None,
                    });
                    driver.refused(line, why);
                }
                Step::Add(_) => give(driver, &mut self.acted, line, Input::AddServer),
                Step::Remove(id) => give(driver, &mut self.acted, line, Input::RemoveServer(*id)),
                Step::Hold(a, b, hold) => {
                    // It acts even when no message waits on the link: nothing is refused.
                    self.acted = Some(Acted {
                        line,
                        refusal: None,
                        request: None,
                    });
                    let (from, to, hold) = (Endpoint::Node(*a), Endpoint::Node(*b), *hold);
                    let ids: Vec<u64> = driver
                        .sim()
                        .in_flight()
                        .filter(|m| m.from == from && m.to == to && m.held != hold)
                        .map(|m| m.id)
                        .collect();
                    for id in ids {
                        let input = if hold {
                            Input::Hold(id)
                        } else {
                            Input::Release(id)
                        };
                        give(driver, &mut self.acted, line, input);
                    }
                }
                Step::Snapshot(id) => give(driver, &mut self.acted, line, Input::Snapshot(*id)),
                Step::Expect(expect) => {
                    check(driver.sim(), self.acted.as_ref(), expect).map_err(err)?
                }
                Step::Say(_) => {
                    let k = self.tour_step.map_or(0, |s| s + 1);
                    self.tour_step = Some(k);
                    self.shown.clear();
                    if self.stop_after_say == Some(k) {
                        // A step begins with what it points at: the `show`s that follow
                        // its caption take no time, so they are part of its first moment
                        // (a reader sent back to it sees them at once, the clock stopped).
                        self.next += 1;
                        while let Some((line, Step::Show(shown))) = self.steps.get(self.next) {
                            for highlight in shown.iter() {
                                visible(driver.sim(), highlight).map_err(|message| {
                                    ScenarioError {
                                        line: *line,
                                        column: None,
                                        message,
                                    }
                                })?;
                            }
                            self.shown.extend_from_slice(shown);
                            self.next += 1;
                        }
                        return Ok(Status::Running);
                    }
                }
                Step::Show(shown) => {
                    for highlight in shown.iter() {
                        visible(driver.sim(), highlight).map_err(err)?;
                    }
                    self.shown.extend_from_slice(shown);
                }
                Step::Pause => {
                    if self.stops_at_pauses {
                        self.paused = true;
                        self.next += 1;
                        return Ok(Status::Running);
                    }
                }
                Step::Raft(options) => give(driver, &mut self.acted, line, Input::Raft(*options)),
            }
            self.next += 1;
        }
        Ok(Status::Finished)
    }
}

/// Checks that a `show` points at something there: an entry in the server's log (on its
/// disk while it is down), so a tour cannot point at what is not on the page.
fn visible(sim: &Simulation, highlight: &Highlight) -> Result<(), String> {
    let named = match *highlight {
        Highlight::Node(id) | Highlight::Entry(id, _) => [id, id],
        Highlight::Link(a, b) => [a, b],
    };
    if let Some(id) = named.into_iter().find(|id| id.index() >= sim.size()) {
        return Err(format!("nothing to show: {}", never_started_text(id)));
    }
    let Highlight::Entry(id, index) = *highlight else {
        return Ok(());
    };
    let last = match sim.node(id) {
        Some(node) => node.log().last_index().0,
        None => sim.server(id).disk.log.len() as u64,
    };
    if index <= last {
        Ok(())
    } else {
        Err(format!(
            "shows {id}'s entry at index {index}, but {id}'s log ends at index {last}"
        ))
    }
}

/// The requests people's clients wait on, as (client, number): the one a `propose` sent is
/// the one not there before it.
fn requests(sim: &Simulation) -> Vec<(u32, u64)> {
    sim.clients()
        .iter()
        .filter(|c| !c.automatic)
        .filter_map(|c| Some((c.id, c.outstanding.as_ref()?.seq)))
        .collect()
}

/// Gives the input of the step at `line`, notes it in `acted`, and tells the driver if it
/// was refused.
fn give(driver: &mut dyn Driver, acted: &mut Option<Acted>, line: usize, input: Input) {
    let refusal = driver.input(input).err();
    match acted {
        Some(last) if last.line == line => {
            if last.refusal.is_none() {
                last.refusal.clone_from(&refusal);
            }
        }
        _ => {
            *acted = Some(Acted {
                line,
                refusal: refusal.clone(),
                request: None,
            })
        }
    }
    if let Some(why) = refusal {
        driver.refused(line, why);
    }
}

/// Sets the link from `a` to `b` up or down, and the way back too unless `one_way`.
fn set_link(
    driver: &mut dyn Driver,
    acted: &mut Option<Acted>,
    line: usize,
    (a, b): (NodeId, NodeId),
    one_way: bool,
    up: bool,
) {
    give(driver, acted, line, Input::SetLink(a, b, up));
    if !one_way {
        give(driver, acted, line, Input::SetLink(b, a, up));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_are_cut_to_a_tenth() {
        assert_eq!(super::seconds(0), "0.0");
        assert_eq!(super::seconds(1_299), "1.2");
        assert_eq!(super::seconds(3_600_000), "3600.0");
    }
}
