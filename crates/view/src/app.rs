//! The page's model: one simulation and everything about how it is shown and driven — the
//! display clock and speed, a scenario being played, the narration, the pointer. Every
//! action a person (or the JavaScript API) can take is a method here that takes and returns
//! plain values; the wasm handle only forwards to it. Compiled and tested natively.
//!
//! Time: only this type turns wall time into simulated time. Each frame the page passes
//! `performance.now()`; the difference since the last frame, times the speed, moves the
//! display clock, and the simulation runs every event up to it. With the run paused,
//! `advance` and `step` move time instead, which makes runs driven through the API
//! deterministic: the same seed and the same calls give the same state.

use crate::answers;
use crate::journal::{Head, Journal};
use crate::layout::{self, hit_test, Geometry, Hit, View, Viewport};
use crate::look::Look;
use crate::marks::Marks;
use crate::maths;
use crate::narrate::{self, Feed, FeedKind, Narrator};
use crate::scene::Scene;
use crate::settings::{AddressRequest, Effect, Setting, Settings, MAX_SEED};
use crate::words::{self, echo};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_core::{NodeId, Role};
use river_sim::kv::{Op, MAX_COMMAND_BYTES};
use river_sim::scenario::{self, Player, Scenario, ScenarioError, Status};
use river_sim::timeline::{Driver, Input};
use river_sim::Simulation;

mod actions;
mod export;
#[cfg(test)]
mod freeze_tests;
mod inspect;
#[cfg(test)]
mod journal_tests;
mod keyboard;
mod lab;
#[cfg(test)]
mod linearizable_tests;
mod membership;
#[cfg(test)]
mod menu_tests;
mod pointer;
#[cfg(test)]
mod read_tests;
mod snapshots;
mod story;
#[cfg(test)]
pub(crate) mod tests;
mod tour;
#[cfg(test)]
mod tour_tests;
mod travel;
#[cfg(test)]
mod wire_tests;

pub use export::MAX_TRACE_RECORDS;
pub use keyboard::Keyed;
pub use story::built_in;
use story::Story;
pub use tour::tours;

/// Simulated ms per wall ms at first: slow enough to follow each message (a 20 ms hop takes
/// 0.4 s on screen, a 150–300 ms election timeout 3–6 s).
pub const DEFAULT_SPEED: f64 = 1.0 / 20.0;
/// The slowest speed.
pub const MIN_SPEED: f64 = 1.0 / 1000.0;
/// The fastest speed: real time.
pub const MAX_SPEED: f64 = 1.0;
/// The longest wall-clock gap one frame accounts for: after a hidden tab or a debugger
/// pause the run continues instead of leaping ahead.
pub const MAX_FRAME_GAP_MS: f64 = 100.0;
/// The most simulated time one `advance` call runs.
pub const MAX_ADVANCE_MS: f64 = 600_000.0;
/// The most users waiting on answers at once; more clicks are refused politely.
pub const MAX_USERS: usize = 4;
/// At slow speeds (below [`SMOOTH_SPEED`]) the overlay is repainted about this often (30
/// times a second): messages still glide, and the main thread stays mostly idle, which
/// matters on the old laptops that drive classroom projectors. Each repaint costs the page
/// a whole frame (layout, paint, commit), far more than the wasm call that draws it.
pub const SLOW_OVERLAY_INTERVAL_MS: f64 = 33.0;
/// How much sooner than [`SLOW_OVERLAY_INTERVAL_MS`] after the last repaint a frame counts
/// as due: the page sleeps the whole interval and paints as the sleep ends (river-wasm's
/// clock), but a frame a person's action brings (an animation frame) may come a little early.
pub const FRAME_SLACK_MS: f64 = 8.0;
/// From this speed on the overlay follows every animation frame.
pub const SMOOTH_SPEED: f64 = 0.2;
/// The timeline strip and the safety badge are refreshed at most this often while the run
/// plays (each refresh costs the page a layout); actions refresh them at once.
pub const TIMELINE_REFRESH_MS: f64 = 250.0;

/// How long an entry thrown away in a rollback stays in its log row, struck through, in
/// wall ms at the page's speed: long enough to see at any speed.
pub const THROWN_SHOWN_WALL_MS: f64 = 5_000.0;

/// Bits `frame` returns: what the page should fetch and show again.
pub mod changed {
    /// New feed lines: call `take_feed`.
    pub const FEED: u32 = 1;
    /// The status line changed: call `status`.
    pub const STATUS: u32 = 2;
    /// The scenario's progress changed: call `story`.
    pub const STORY: u32 = 4;
    /// Settings, cluster size or seed changed: refresh the controls.
    pub const SETTINGS: u32 = 8;
    /// Paused or speed changed.
    pub const CONTROLS: u32 = 16;
    /// The timeline and the safety badge moved on (at most every [`TIMELINE_REFRESH_MS`]).
    pub const TIMELINE: u32 = 32;
    /// The election lab ran trials or was set up again: call `lab_answer`.
    pub const LAB: u32 = 64;
    /// Only the clock moved on since the timeline was last refreshed (a quiet stretch:
    /// heartbeats, nothing told): the strip's time and position, at most every
    /// [`TIMELINE_REFRESH_MS`]. Its marks, branches and the safety badge are as they were.
    pub const CLOCK: u32 = 128;
    /// Everything.
    pub const ALL: u32 = 255;
}

/// What a click did, for the page to follow up (a node click opens that node's menu).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Click {
    /// Nothing there.
    Nothing,
    /// A node: open its menu.
    Node(NodeId),
    /// A link was cut or restored.
    Link,
    /// A message in flight: open its inspector.
    Message(u64),
}

/// The page's model.
#[derive(Debug)]
pub struct App {
    settings: Settings,
    /// The run (with its past, when the page has time travel): `tl.sim()` is the moment
    /// shown.
    tl: Run,
    /// Marks for the timeline.
    marks: Marks,
    clock_ms: f64,
    speed: f64,
    paused: bool,
    last_wall_ms: Option<f64>,
    story: Option<Story>,
    narrator: Narrator,
    feed: Feed,
    notices: Vec<String>,
    geometry: Geometry,
    hover: Option<Hit>,
    /// Where the keyboard's focus ring is (kept while the canvas does not have the
    /// keyboard, so it comes back where it was).
    focus: Option<Hit>,
    /// The message on the wire the ring is on (M and Shift+M go through them); while it
    /// is on the wire, the ring is on it rather than on `focus`.
    focus_message: Option<u64>,
    /// Whether the canvas has the keyboard (the ring is drawn only then).
    keyboard: bool,
    selected: Option<NodeId>,
    proposals: u64,
    status: String,
    changed: u32,
    base: Scene,
    overlay: Scene,
    base_dirty: bool,
    base_painted: Option<u64>,
    overlay_painted: Option<u64>,
    /// Wall time of the last overlay repaint.
    overlay_wall_ms: f64,
    /// Wall time the timeline was last said to have moved on.
    timeline_wall_ms: f64,
    /// The timeline moved on since it was last said to.
    timeline_due: bool,
    /// The clock moved on since the timeline was last said to have.
    clock_due: bool,
    /// How this run began and what people did to it ([`App::journal`], [`App::replay`]).
    journal: Journal,
    /// Runs started so far: an action that starts one is not journaled in the old one.
    runs: u64,
    /// The election lab: its trials and its chart.
    lab: lab::LabPanel,
    /// What the users saw, judged for linearizability.
    read_check: crate::linearizable::ReadCheck,
}

impl App {
    /// The page at load: settings from the address query (`?seed=`, `?nodes=`), a notice for
    /// each bad value. `random_seed` is called only when the address names no valid seed.
    pub fn new(query: &str, viewport: Viewport, random_seed: impl FnOnce() -> u64) -> App {
        let request = AddressRequest::parse(query);
        let seed = request.seed.unwrap_or_else(|| random_seed() & MAX_SEED);
        let mut settings = Settings::new(seed);
        let notices = request.notices.clone();
        if let Some(n) = request.nodes {
            settings.nodes = n;
        }
        let sim = fresh(&settings);
        let geometry = Geometry::new(viewport, settings.nodes);
        let mut app = App {
            settings,
            tl: start_run(sim),
            marks: Marks::default(),
            clock_ms: 0.0,
            speed: DEFAULT_SPEED,
            paused: request.paused,
            last_wall_ms: None,
            story: None,
            narrator: Narrator::default(),
            feed: Feed::default(),
            notices,
            geometry,
            hover: None,
            focus: None,
            focus_message: None,
            keyboard: false,
            selected: None,
            proposals: 0,
            status: String::new(),
            changed: 0,
            base: Scene::default(),
            overlay: Scene::default(),
            base_dirty: true,
            base_painted: None,
            overlay_painted: None,
            overlay_wall_ms: f64::NEG_INFINITY,
            timeline_wall_ms: f64::NEG_INFINITY,
            timeline_due: false,
            clock_due: false,
            journal: Journal::new(Head::Fresh(Settings::new(0))),
            runs: 0,
            lab: lab::LabPanel::default(),
            read_check: Default::default(),
        };
        app.started();
        app.open_addressed_tour(request.tour.as_deref(), request.step.as_deref());
        app
    }

    // ----- the frame -----

    /// One animation frame at wall time `wall_ms`: moves the clock by the time since the
    /// last frame times the speed (unless paused) and runs the simulation to it. Returns the
    /// [`changed`] bits since the last frame.
    pub fn frame(&mut self, wall_ms: f64) -> u32 {
        let gap = match self.last_wall_ms {
            Some(last) if wall_ms.is_finite() => {
                maths::clamp(wall_ms - last, 0.0, MAX_FRAME_GAP_MS)
            }
            _ => 0.0,
        };
        if wall_ms.is_finite() {
            self.last_wall_ms = Some(wall_ms);
        }
        let shown_ms = self.tl.sim().now_ms();
        if !self.paused && gap > 0.0 {
            self.run_to(self.clock_ms + gap * self.speed);
        }
        // The strip follows what the feed and the status line tell, and the clock even when
        // nothing was told (in a quiet stretch its time would otherwise stand still while the
        // canvas's clock runs on), at most every TIMELINE_REFRESH_MS; a refresh held back
        // comes with a later frame. A refresh for the clock alone is CLOCK: the page redraws
        // only the strip's time then, which needs no page frame of its own.
        self.timeline_due |= self.changed & (changed::FEED | changed::STATUS) != 0;
        self.clock_due |= self.tl.sim().now_ms() != shown_ms;
        let since = wall_ms - self.timeline_wall_ms;
        if (self.timeline_due || self.clock_due) && !(0.0..TIMELINE_REFRESH_MS).contains(&since) {
            self.changed |= if self.timeline_due {
                changed::TIMELINE
            } else {
                changed::CLOCK
            };
            (self.timeline_due, self.clock_due) = (false, false);
            self.timeline_wall_ms = wall_ms;
        }
        self.narrator.prune_ghosts(self.clock_ms);
        core::mem::take(&mut self.changed)
    }

    /// The two layers to paint for the current state: each is `None` when it is the same
    /// as the one painted last. The base is rebuilt only after something happened (an
    /// event, an action, the pointer); the overlay every frame, and at slow speeds even it
    /// often repeats.
    pub fn scenes(&mut self) -> (Option<&Scene>, Option<&Scene>) {
        self.fit_ring();
        let view = View {
            sim: self.tl.sim(),
            clock_ms: self.clock_ms,
            paused: self.paused,
            speed: self.speed,
            hover: self.hover,
            focused: self.focus_ring(),
            focused_message: self.focused_message(),
            selected: self.selected,
            ghosts: &self.narrator.ghosts,
            thrown: self.narrator.thrown(),
            shown: tour::shown(&self.story),
            read_rounds: &self.narrator.read_rounds,
            heard: &self.narrator.heard,
        };
        let mut base = None;
        if core::mem::take(&mut self.base_dirty) {
            layout::build(&mut self.base, &self.geometry, &view);
            let fingerprint = self.base.fingerprint();
            if self.base_painted != Some(fingerprint) {
                self.base_painted = Some(fingerprint);
                base = Some(&self.base);
            }
        }
        let wall = self.last_wall_ms.unwrap_or(0.0);
        let due = self.speed >= SMOOTH_SPEED
            || self.overlay_painted.is_none()
            || wall - self.overlay_wall_ms >= SLOW_OVERLAY_INTERVAL_MS - FRAME_SLACK_MS
            || wall < self.overlay_wall_ms;
        let mut overlay = None;
        if due || base.is_some() {
            layout::build_overlay(&mut self.overlay, &self.geometry, &view);
            // Built counts as painted for pacing: an overlay that did not change (nothing in
            // flight, no timer running) must not bring the next frame forward.
            self.overlay_wall_ms = wall;
            let fingerprint = self.overlay.fingerprint();
            if self.overlay_painted != Some(fingerprint) {
                self.overlay_painted = Some(fingerprint);
                overlay = Some(&self.overlay);
            }
        }
        (base, overlay)
    }

    /// How long from wall time `wall_ms` the page may wait before the next frame is worth
    /// making, in ms: 0 at fast speeds (every animation frame), the rest of
    /// [`SLOW_OVERLAY_INTERVAL_MS`] since the last repaint at slow ones (the sleep ends in the
    /// frame), and `None` while paused: nothing moves, so no frame comes until a person acts
    /// (every action wakes the loop). Sleeping instead of running empty frames keeps the
    /// main thread idle.
    pub fn next_frame_in_ms(&self, wall_ms: f64) -> Option<u32> {
        if self.lab_running() {
            return Some(0);
        }
        if self.paused {
            return None;
        }
        if self.speed >= SMOOTH_SPEED {
            return Some(0);
        }
        let left = SLOW_OVERLAY_INTERVAL_MS - (wall_ms - self.overlay_wall_ms);
        Some(maths::clamp(left, 0.0, SLOW_OVERLAY_INTERVAL_MS) as u32)
    }

    /// Forces the next [`App::scenes`] to return both layers (the canvases were cleared).
    pub fn repaint(&mut self) {
        self.base_dirty = true;
        self.base_painted = None;
        self.overlay_painted = None;
    }

    /// The canvas changed size (CSS pixels).
    pub fn resize(&mut self, width: f64, height: f64) {
        self.geometry = Geometry::with_look(
            Viewport::new(width, height),
            self.tl.sim().size(),
            self.geometry.look,
        );
        self.repaint();
    }

    /// Shows the page in `look` (the projector view, reduced motion): the layout is made
    /// again and both layers repainted; the run is untouched.
    pub fn set_look(&mut self, look: Look) {
        if look != self.geometry.look {
            let g = &self.geometry;
            self.geometry = Geometry::with_look(g.viewport, g.nodes.len(), look);
            self.repaint();
            self.lab_restyled();
        }
    }

    /// The layout in use.
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// The simulation (read-only).
    pub fn sim(&self) -> &Simulation {
        self.tl.sim()
    }

    /// Runs the simulation (through the scenario, if one plays) until the display clock
    /// reads `clock_ms`.
    fn run_to(&mut self, clock_ms: f64) {
        self.clock_ms = clock_ms.max(self.clock_ms);
        let target = maths::floor(self.clock_ms) as u64;
        self.run_story(target);
        // A tour waiting for the reader holds the clock where its step stopped.
        let target = if self.tour_waiting() {
            self.clock_ms = self.tl.sim().now_ms() as f64;
            self.tl.sim().now_ms()
        } else {
            target
        };
        Driver::run_until(&mut self.tl, target);
        // `run_until` may pass its target when it skips a stale queued action (a client
        // timeout after the answer came); the picture then catches up with the simulation.
        self.clock_ms = self.clock_ms.max(self.tl.sim().now_ms() as f64);
        self.after_run();
    }

    /// Narrates what happened and refreshes the status line.
    fn after_run(&mut self) {
        let mut records = core::mem::take(&mut self.tl.sim_mut().trace.records);
        let lines = self
            .story
            .as_mut()
            .map(|s| core::mem::take(&mut s.begun))
            .unwrap_or_default();
        let events = self.tl.sim().stats.events;
        // These records tell the events since the last narration, the first of them on.
        let first = (self.feed.events() + 1).min(events);
        self.feed.at_events(first);
        if !records.is_empty() || !lines.is_empty() {
            // Something happened (actions come through here too): the base may show it.
            self.base_dirty = true;
            let link = self.settings.link;
            let ghost_ms = ((link.latency_min_ms + link.latency_max_ms) as f64 / 2.0).max(5.0);
            let thrown_ms = THROWN_SHOWN_WALL_MS * self.speed;
            self.narrator.narrate_story(
                &records,
                lines,
                self.tl.sim(),
                &mut self.feed,
                ghost_ms,
                thrown_ms,
            );
            self.marks.record(&records, self.tl.sim());
            records.clear();
            let status = narrate::status(self.tl.sim());
            if status != self.status {
                self.status = status;
                self.changed |= changed::STATUS;
            }
        }
        self.tl.sim_mut().trace.records = records;
        self.feed.at_events(events);
        if self.narrator.prune_thrown(self.clock_ms) {
            self.base_dirty = true;
        }
        self.check_reads(true);
        if !self.feed.is_empty() {
            self.changed |= changed::FEED;
        }
        self.fit_ring();
    }

    /// Lays the ring out again when servers were added (or, travelling back, are not there
    /// yet).
    pub(super) fn fit_ring(&mut self) {
        let size = self.tl.sim().size();
        if self.geometry.nodes.len() != size {
            self.geometry = Geometry::with_look(self.geometry.viewport, size, self.geometry.look);
            self.repaint();
        }
    }

    // ----- runs -----

    /// Starts a fresh cluster from the current settings (same seed: the same run again).
    fn start_again(&mut self) {
        self.story = None;
        self.tl = start_run(fresh(&self.settings));
        self.started();
    }

    fn started(&mut self) {
        self.clock_ms = 0.0;
        self.journal = Journal::new(Head::Fresh(self.settings.clone()));
        self.runs += 1;
        self.marks.clear();
        self.narrator.reset(self.tl.sim(), &mut self.feed);
        self.feed.at_events(self.tl.sim().stats.events);
        self.hover = None;
        self.selected = None;
        // The new run numbers its messages from the start again: the ring must not land
        // on whichever of them took the old one's number.
        self.focus_message = None;
        self.proposals = 0;
        self.geometry = Geometry::with_look(
            self.geometry.viewport,
            self.tl.sim().size(),
            self.geometry.look,
        );
        self.repaint();
        let s = &self.settings;
        self.feed.push(
            0,
            FeedKind::Run,
            format!(
                "A new cluster of {} with seed {}: every server starts as a follower in term 0",
                if s.nodes == 1 {
                    String::from("1 server")
                } else {
                    format!("{} servers", s.nodes)
                },
                s.seed
            ),
        );
        self.status = narrate::status(self.tl.sim());
        self.changed |= changed::FEED | changed::STATUS | changed::SETTINGS | changed::STORY;
    }

    /// Changes one setting. Timing, PreVote, CheckQuorum, size, seed and lease reads on or
    /// off start a fresh cluster; latency, loss, the snapshot threshold and the read mode
    /// between ReadIndex and the log apply to the running one.
    fn change_setting(&mut self, setting: Setting, value: &str) -> Result<(), String> {
        match self.settings.set(setting, value)? {
            Effect::Restart => self.start_again(),
            Effect::Network => {
                self.act(Input::LinkParams(self.settings.link));
                self.changed |= changed::SETTINGS;
            }
            Effect::Running => {
                // Only what the setting changes: a tour's broken variant stays on.
                let mut options = self.tl.sim().config().raft;
                options.snapshot_threshold = self.settings.raft.snapshot_threshold;
                options.reads = self.settings.raft.reads;
                self.act(Input::Raft(options));
                self.changed |= changed::SETTINGS;
            }
        }
        Ok(())
    }

    // ----- time -----

    /// Stops the clock.
    fn stop_clock(&mut self) {
        if !self.paused {
            self.paused = true;
            self.changed |= changed::CONTROLS;
        }
    }

    /// Starts the clock.
    fn start_clock(&mut self) {
        if self.paused {
            self.paused = false;
            self.changed |= changed::CONTROLS;
        }
    }

    /// Whether the clock is stopped.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Sets the speed (simulated ms per wall ms), clamped to 1/1000 to 1.
    fn change_speed(&mut self, speed: f64) {
        let speed = if speed.is_nan() { DEFAULT_SPEED } else { speed };
        self.speed = maths::clamp(speed, MIN_SPEED, MAX_SPEED);
        self.changed |= changed::CONTROLS;
    }

    /// The speed.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Runs `ms` of simulated time at once (at most [`MAX_ADVANCE_MS`]).
    fn run_for(&mut self, ms: f64) -> Result<(), String> {
        if !(0.0..=MAX_ADVANCE_MS).contains(&ms) {
            return Err(format!(
                "advance takes 0 to {} ms of simulated time, not {}",
                words::decimal(MAX_ADVANCE_MS),
                words::decimal(ms)
            ));
        }
        self.run_to(self.clock_ms + ms);
        self.overlay_wall_ms = f64::NEG_INFINITY;
        Ok(())
    }

    /// Pauses and runs to the next event (a timer or an arrival).
    fn step_to_next(&mut self) {
        self.stop_clock();
        if let Some(next) = self.tl.sim().next_event_ms() {
            self.run_to(next as f64);
        }
        self.overlay_wall_ms = f64::NEG_INFINITY;
    }
}

/// The run the page holds: a timeline (every input and checkpoints), so any past moment can
/// be shown again.
type Run = river_sim::timeline::Timeline;

fn start_run(sim: Simulation) -> Run {
    river_sim::timeline::Timeline::new(sim)
}

/// A fresh simulation for `settings`, keeping its trace records for narration.
fn fresh(settings: &Settings) -> Simulation {
    // Not `expect`: that would keep the error's `Debug` formatting in the wasm.
    let Ok(mut sim) = Simulation::new(settings.config()) else {
        panic!("settings are validated")
    };
    sim.trace.keep = true;
    sim
}
