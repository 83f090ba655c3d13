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

use crate::journal::{Head, Journal};
use crate::json;
use crate::layout::{self, hit_test, Geometry, Hit, View, Viewport};
use crate::maths;
use crate::narrate::{self, Feed, FeedKind, Narrator};
use crate::scene::Scene;
use crate::settings::{self, echo, AddressRequest, Effect, Settings, MAX_SEED};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_core::{NodeId, Role};
use river_sim::kv::{Op, MAX_COMMAND_BYTES};
use river_sim::scenario::{self, Player, Scenario, ScenarioError, Status};
use river_sim::timeline::{Driver, Input};
use river_sim::Simulation;

#[cfg(feature = "teach")]
#[path = "teach.rs"]
mod teach;
#[cfg(feature = "teach")]
pub use teach::{Mark, MAX_MARKS};

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
/// How much sooner than [`SLOW_OVERLAY_INTERVAL_MS`] a frame counts as due: the page sleeps
/// until then and the next animation frame comes up to one display refresh later, so the
/// repaints land about one interval apart instead of drifting to every third refresh.
pub const FRAME_SLACK_MS: f64 = 8.0;
/// From this speed on the overlay follows every animation frame.
pub const SMOOTH_SPEED: f64 = 0.2;
/// While paused, frames come this often at most (the page wakes the loop on any action).
pub const IDLE_FRAME_MS: u32 = 250;

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
    /// Everything.
    pub const ALL: u32 = 31;
}

/// A scenario being played.
#[derive(Clone, Debug)]
struct Story {
    name: String,
    source: String,
    player: Player,
    /// Line numbers of its steps, in order.
    lines: Vec<usize>,
    /// The line narrated last.
    told: Option<usize>,
    state: StoryState,
}

#[derive(Clone, Debug, PartialEq)]
enum StoryState {
    Playing,
    Finished,
    Failed(ScenarioError),
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
    #[cfg(feature = "teach")]
    Message(u64),
}

/// The page's model.
#[derive(Debug)]
pub struct App {
    settings: Settings,
    /// The run (with its past, when the page has time travel): `tl.sim()` is the moment
    /// shown.
    tl: Run,
    /// Marks for the timeline, in time order, for the trace records before `marks_seen`.
    #[cfg(feature = "teach")]
    marks: Vec<teach::Mark>,
    #[cfg(feature = "teach")]
    marks_seen: u64,
    /// The highest index a commit mark was made for.
    #[cfg(feature = "teach")]
    marks_committed: u64,
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
    /// How this run began and what people did to it, for the teaching tools to take it
    /// over ([`App::journal`], [`App::carry`]); `None` once someone travelled in time
    /// (the journal holds one straight line of actions).
    journal: Option<Journal>,
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
            #[cfg(feature = "teach")]
            marks: Vec::new(),
            #[cfg(feature = "teach")]
            marks_seen: 0,
            #[cfg(feature = "teach")]
            marks_committed: 0,
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
            journal: None,
        };
        app.started();
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
        if !self.paused && gap > 0.0 {
            self.run_to(self.clock_ms + gap * self.speed);
        }
        self.narrator.prune_ghosts(self.clock_ms);
        core::mem::take(&mut self.changed)
    }

    /// The two layers to paint for the current state: each is `None` when it is the same
    /// as the one painted last. The base is rebuilt only after something happened (an
    /// event, an action, the pointer); the overlay every frame, and at slow speeds even it
    /// often repeats.
    pub fn scenes(&mut self) -> (Option<&Scene>, Option<&Scene>) {
        let view = View {
            sim: self.tl.sim(),
            clock_ms: self.clock_ms,
            paused: self.paused,
            speed: self.speed,
            hover: self.hover,
            selected: self.selected,
            ghosts: &self.narrator.ghosts,
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

    /// How long the page may wait before the next frame is worth making, in wall ms: 0 at
    /// fast speeds (every animation frame), the rest of [`SLOW_OVERLAY_INTERVAL_MS`] at slow
    /// ones, and [`IDLE_FRAME_MS`] while paused (the page wakes the loop itself when a person
    /// acts). Sleeping instead of running empty frames keeps the main thread idle.
    pub fn next_frame_in_ms(&self) -> u32 {
        if self.paused {
            return IDLE_FRAME_MS;
        }
        if self.speed >= SMOOTH_SPEED {
            return 0;
        }
        let wall = self.last_wall_ms.unwrap_or(0.0);
        let left = SLOW_OVERLAY_INTERVAL_MS - FRAME_SLACK_MS - (wall - self.overlay_wall_ms);
        maths::clamp(left, 0.0, SLOW_OVERLAY_INTERVAL_MS) as u32
    }

    /// Forces the next [`App::scenes`] to return both layers (the canvases were cleared).
    pub fn repaint(&mut self) {
        self.base_dirty = true;
        self.base_painted = None;
        self.overlay_painted = None;
    }

    /// The canvas changed size (CSS pixels).
    pub fn resize(&mut self, width: f64, height: f64) {
        self.geometry = Geometry::new(Viewport::new(width, height), self.tl.sim().size());
        self.repaint();
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
        Driver::run_until(&mut self.tl, target);
        // `run_until` may pass its target when it skips a stale queued action (a client
        // timeout after the answer came); the picture then catches up with the simulation.
        self.clock_ms = self.clock_ms.max(self.tl.sim().now_ms() as f64);
        self.after_run();
    }

    fn run_story(&mut self, target: u64) {
        let Some(story) = self
            .story
            .as_mut()
            .filter(|s| s.state == StoryState::Playing)
        else {
            return;
        };
        let result = story.player.advance(&mut self.tl, target);
        let (time, now_line) = (self.tl.sim().now_ms(), story.player.current_line());
        // Tell each line that started, with its comment, as the feed's story.
        let from = story.told.map_or(0, |t| t + 1);
        let until = now_line.unwrap_or(usize::MAX);
        let started: Vec<usize> = story
            .lines
            .iter()
            .copied()
            .filter(|&l| l >= from && l <= until)
            .collect();
        for line in started {
            if let Some(text) = story.source.lines().nth(line - 1) {
                self.feed.push(
                    time,
                    FeedKind::Story,
                    format!("Line {line}: {}", script_line(text)),
                );
            }
            story.told = Some(line);
        }
        match result {
            Ok(Status::Running) => {}
            Ok(Status::Finished) => {
                story.state = StoryState::Finished;
                self.feed.push(
                    time,
                    FeedKind::Story,
                    format!(
                        "The scenario '{}' finished: every expectation held",
                        story.name
                    ),
                );
            }
            Err(e) => {
                self.feed.push(
                    time,
                    FeedKind::Violation,
                    format!("The scenario '{}' stopped at {e}", story.name),
                );
                story.state = StoryState::Failed(e);
            }
        }
        self.changed |= changed::STORY;
    }

    /// Narrates what happened and refreshes the status line.
    fn after_run(&mut self) {
        let mut records = core::mem::take(&mut self.tl.sim_mut().trace.records);
        if !records.is_empty() {
            // Something happened (actions come through here too): the base may show it.
            self.base_dirty = true;
            let link = self.settings.link;
            let ghost_ms = ((link.latency_min_ms + link.latency_max_ms) as f64 / 2.0).max(5.0);
            self.narrator
                .narrate(&records, self.tl.sim(), &mut self.feed, ghost_ms);
            #[cfg(feature = "teach")]
            self.mark(&records);
            records.clear();
            let status = narrate::status(self.tl.sim());
            if status != self.status {
                self.status = status;
                self.changed |= changed::STATUS;
            }
        }
        self.tl.sim_mut().trace.records = records;
        if !self.feed.is_empty() {
            self.changed |= changed::FEED;
        }
    }

    // ----- runs -----

    /// Starts a fresh cluster from the current settings (same seed: the same run again).
    pub fn restart_run(&mut self) {
        self.story = None;
        self.tl = start_run(fresh(&self.settings));
        self.started();
    }

    fn started(&mut self) {
        self.clock_ms = 0.0;
        self.journal = Some(Journal::new(Head::Fresh(self.settings.clone())));
        #[cfg(feature = "teach")]
        {
            self.marks.clear();
            self.marks_seen = 0;
            self.marks_committed = 0;
        }
        self.narrator.reset();
        self.hover = None;
        self.selected = None;
        self.proposals = 0;
        self.geometry = Geometry::new(self.geometry.viewport, self.tl.sim().size());
        self.repaint();
        let s = &self.settings;
        self.feed.push(
            0,
            FeedKind::Story,
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

    /// Changes one setting (see [`settings::NAMES`]). Timing, PreVote, CheckQuorum, size
    /// and seed start a fresh cluster; latency and loss apply to the running one.
    pub fn set_setting(&mut self, name: &str, value: &str) -> Result<(), String> {
        match self.settings.set(name, value)? {
            Effect::Restart => self.restart_run(),
            Effect::Network => {
                self.note("set", name, value);
                self.act(Input::LinkParams(self.settings.link));
                self.changed |= changed::SETTINGS;
            }
        }
        Ok(())
    }

    /// The settings as a JSON object of strings, by [`settings::NAMES`].
    pub fn settings_json(&self) -> String {
        let mut out = String::from("{");
        for (k, name) in settings::NAMES.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            json::string(&mut out, name);
            out.push(':');
            json::string(&mut out, &self.settings.get(name).unwrap_or_default());
        }
        out.push('}');
        out
    }

    /// Loads scenario text and starts playing it on a fresh cluster it describes. A
    /// scenario with an error is refused, naming its line; the current run continues.
    pub fn load(&mut self, text: &str, name: &str) -> Result<(), String> {
        #[cfg_attr(not(feature = "teach"), allow(unused_mut))]
        let mut scenario = Scenario::parse(text).map_err(|e| e.to_string())?;
        // The bugs switched on in the page apply to the scenario too (it may add its own).
        #[cfg(feature = "teach")]
        for bug in self.settings.raft.bugs.iter() {
            scenario.config.raft.bugs.set(bug, true);
        }
        let settings =
            Settings::from_config(&scenario.config).map_err(|e| format!("line 1: {e}"))?;
        self.settings = settings;
        let mut sim = Player::simulation(&scenario);
        sim.trace.keep = true;
        self.tl = start_run(sim);
        let lines = scenario.steps.iter().map(|(line, _)| *line).collect();
        self.started();
        self.journal = Some(Journal::new(Head::Scenario {
            name: name.to_string(),
            text: text.to_string(),
        }));
        self.feed.push(
            0,
            FeedKind::Story,
            format!("Playing the scenario '{}'", echo(name)),
        );
        self.story = Some(Story {
            name: echo(name),
            source: text.to_string(),
            player: Player::new(scenario),
            lines,
            told: None,
            state: StoryState::Playing,
        });
        // Steps at time 0 (settings, first actions) happen at once.
        self.run_to(self.clock_ms);
        Ok(())
    }

    /// Plays a built-in scenario by name (`partition`).
    pub fn play_built_in(&mut self, name: &str) -> Result<(), String> {
        let text = built_in(name)
            .ok_or_else(|| format!("there is no built-in scenario named '{}'", echo(name)))?;
        self.load(text, name)
    }

    /// Stops the scenario; the cluster keeps running as it is.
    pub fn stop_story(&mut self) {
        if self.story.is_some() {
            self.note("stop-story", "", "");
            self.story = None;
            self.feed.push(
                self.tl.sim().now_ms(),
                FeedKind::Story,
                String::from("Scenario stopped"),
            );
            self.changed |= changed::STORY | changed::FEED;
        }
    }

    /// The scenario's progress as JSON: `{"name", "state": "none" | "playing" | "finished" |
    /// "failed", "line", "text", "error"}`.
    pub fn story_json(&self) -> String {
        let mut out = String::from("{\"name\":");
        let Some(story) = &self.story else {
            return String::from(
                "{\"name\":null,\"state\":\"none\",\"line\":null,\"text\":null,\"error\":null}",
            );
        };
        json::string(&mut out, &story.name);
        let state = match story.state {
            StoryState::Playing => "playing",
            StoryState::Finished => "finished",
            StoryState::Failed(_) => "failed",
        };
        out.push_str(",\"state\":");
        json::string(&mut out, state);
        let line = match &story.state {
            StoryState::Failed(e) => Some(e.line),
            _ => story.player.current_line(),
        };
        out.push_str(",\"line\":");
        match line {
            Some(l) => out.push_str(&l.to_string()),
            None => out.push_str("null"),
        }
        out.push_str(",\"text\":");
        match line.and_then(|l| story.source.lines().nth(l - 1)) {
            Some(t) => json::string(&mut out, &script_line(t)),
            None => out.push_str("null"),
        }
        out.push_str(",\"error\":");
        match &story.state {
            StoryState::Failed(e) => json::string(&mut out, &e.to_string()),
            _ => out.push_str("null"),
        }
        out.push('}');
        out
    }

    // ----- time -----

    /// Stops the clock.
    pub fn pause(&mut self) {
        if !self.paused {
            self.paused = true;
            self.changed |= changed::CONTROLS;
        }
    }

    /// Starts the clock.
    pub fn play(&mut self) {
        if self.paused {
            self.paused = false;
            self.changed |= changed::CONTROLS;
        }
    }

    /// Whether the clock is stopped.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Sets the speed (simulated ms per wall ms), clamped to 1/1000 to 1; returns it.
    pub fn set_speed(&mut self, speed: f64) -> f64 {
        let speed = if speed.is_nan() { DEFAULT_SPEED } else { speed };
        self.speed = maths::clamp(speed, MIN_SPEED, MAX_SPEED);
        self.changed |= changed::CONTROLS;
        self.speed
    }

    /// The speed.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Runs `ms` of simulated time at once (at most [`MAX_ADVANCE_MS`]).
    pub fn advance(&mut self, ms: f64) -> Result<(), String> {
        if !(0.0..=MAX_ADVANCE_MS).contains(&ms) {
            return Err(format!(
                "advance takes 0 to {} ms of simulated time, not {}",
                json::decimal(MAX_ADVANCE_MS),
                json::decimal(ms)
            ));
        }
        self.run_to(self.clock_ms + ms);
        self.overlay_wall_ms = f64::NEG_INFINITY;
        Ok(())
    }

    /// Pauses and runs to the next event (a timer or an arrival).
    pub fn step(&mut self) {
        self.pause();
        if let Some(next) = self.tl.sim().next_event_ms() {
            self.run_to(next as f64);
        }
        self.overlay_wall_ms = f64::NEG_INFINITY;
    }

    // ----- people's actions -----

    /// Parses a node letter of this cluster ("A" to "I", either case).
    pub fn node_id(&self, text: &str) -> Result<NodeId, String> {
        let t = text.trim();
        let mut chars = t.chars();
        match (chars.next().and_then(NodeId::from_letter), chars.next()) {
            (Some(id), None) if id.index() < self.tl.sim().size() => Ok(id),
            _ => Err(format!(
                "'{}' is not a node of this cluster (use A to {})",
                echo(text),
                NodeId(self.tl.sim().size() as u8 - 1)
            )),
        }
    }

    /// A user sends `command` to `node`: a leader appends it, a follower says who leads.
    /// Refuses empty or too long text ([`MAX_COMMAND_BYTES`]), and refuses when every user
    /// is still waiting for an answer.
    pub fn propose(&mut self, node: &str, command: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        let op = Op::parse(command).map_err(|e| e.to_string())?;
        let busy = self
            .tl
            .sim()
            .clients()
            .iter()
            .filter(|c| !c.automatic && c.outstanding.is_some())
            .count();
        let idle = self
            .tl
            .sim()
            .clients()
            .iter()
            .any(|c| !c.automatic && c.outstanding.is_none());
        if busy >= MAX_USERS && !idle {
            return Err(format!(
                "all {MAX_USERS} users are waiting for answers; wait until one hears back"
            ));
        }
        if self.tl.sim().clients().len() >= layout::MAX_DRAWN_USERS && !idle {
            return Err(String::from(
                "every user is busy; wait until one hears back",
            ));
        }
        self.note("propose", id.letter().encode_utf8(&mut [0; 4]), command);
        self.act(Input::Submit(id, op));
        self.proposals += 1;
        Ok(())
    }

    /// The command the page suggests next: x=1, y=2, z=3, x=4, …
    pub fn suggestion(&self) -> String {
        let keys = river_sim::sim::WORKLOAD_KEYS;
        let n = self.proposals + 1;
        format!(
            "{}={n}",
            keys[(self.proposals % keys.len() as u64) as usize]
        )
    }

    /// The longest command accepted, in bytes.
    pub fn max_command_bytes(&self) -> usize {
        MAX_COMMAND_BYTES
    }

    /// Cuts the link between `a` and `b`: both ways, or only from `a` to `b`.
    pub fn cut(&mut self, a: &str, b: &str, one_way: bool) -> Result<(), String> {
        let (a, b) = self.pair(a, b)?;
        self.cut_ids(a, b, one_way);
        Ok(())
    }

    /// Restores both directions between `a` and `b`.
    pub fn heal(&mut self, a: &str, b: &str) -> Result<(), String> {
        let (a, b) = self.pair(a, b)?;
        self.heal_ids(a, b);
        Ok(())
    }

    fn cut_ids(&mut self, a: NodeId, b: NodeId, one_way: bool) {
        let verb = if one_way { "cut-one-way" } else { "cut" };
        self.note_pair(verb, a, b);
        self.act(Input::SetLink(a, b, false));
        if !one_way {
            self.act(Input::SetLink(b, a, false));
        }
    }

    fn heal_ids(&mut self, a: NodeId, b: NodeId) {
        self.note_pair("heal", a, b);
        self.act(Input::SetLink(a, b, true));
        self.act(Input::SetLink(b, a, true));
    }

    fn pair(&self, a: &str, b: &str) -> Result<(NodeId, NodeId), String> {
        let (a, b) = (self.node_id(a)?, self.node_id(b)?);
        if a == b {
            return Err(String::from("a link joins two different nodes"));
        }
        Ok((a, b))
    }

    /// Splits the cluster into groups that hear only each other, written as letters with
    /// `|` between groups ("AB|CDE"); servers in no group are cut off alone.
    pub fn partition(&mut self, groups: &str) -> Result<(), String> {
        let parsed = self.parse_groups(groups)?;
        self.note("partition", groups, "");
        self.act(Input::Partition(parsed));
        Ok(())
    }

    fn parse_groups(&self, text: &str) -> Result<Vec<Vec<NodeId>>, String> {
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        for part in text.split('|') {
            let mut group = Vec::new();
            for c in part.chars().filter(|c| !c.is_whitespace() && *c != ',') {
                let id = self.node_id(c.encode_utf8(&mut [0; 4]))?;
                if group.contains(&id) || groups.iter().any(|g| g.contains(&id)) {
                    return Err(format!("node {id} is named twice in the partition"));
                }
                group.push(id);
            }
            if group.is_empty() {
                return Err(String::from(
                    "a partition group is empty (write e.g. AB|CDE)",
                ));
            }
            groups.push(group);
        }
        Ok(groups)
    }

    /// The split the page's Partition button makes: the first half (rounded down) against
    /// the rest — A B | C D E for five servers, the story of the `partition` scenario.
    pub fn default_partition(&self) -> String {
        let n = self.tl.sim().size();
        let letters: Vec<char> = self.tl.sim().ids().map(|i| i.letter()).collect();
        let (minority, majority) = letters.split_at(n / 2);
        let a: String = minority.iter().collect();
        let b: String = majority.iter().collect();
        format!("{a}|{b}")
    }

    /// Restores every link.
    pub fn heal_all(&mut self) {
        self.note("heal-all", "", "");
        self.act(Input::HealAll);
    }

    /// Crashes a server.
    pub fn crash(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        self.note("crash", node, "");
        self.act(Input::Crash(id));
        Ok(())
    }

    /// Restarts a crashed server from its disk.
    pub fn restart(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        self.note("restart", node, "");
        self.act(Input::Restart(id));
        Ok(())
    }

    /// Fires a server's election timer now.
    pub fn timeout(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        match self.tl.sim().node(id).map(|n| n.role()) {
            None => return Err(format!("{id} is down; restart it first")),
            Some(Role::Leader) => {
                return Err(format!("{id} leads; a leader has no election timer"))
            }
            Some(_) => {}
        }
        self.note("timeout", node, "");
        self.act(Input::Timeout(id));
        Ok(())
    }

    /// Gives an input to the run now (through the timeline, when the page has one).
    fn act(&mut self, input: Input) {
        #[cfg(feature = "teach")]
        self.branch_if_in_past();
        Driver::input(&mut self.tl, input);
        self.after_run();
    }

    /// Writes an action into the journal, at this moment, before it is taken.
    fn note(&mut self, verb: &str, a: &str, b: &str) {
        let sim = self.tl.sim();
        let (time_ms, events) = (sim.now_ms(), sim.stats.events);
        if let Some(journal) = &mut self.journal {
            journal.push(time_ms, events, verb, a, b);
        }
    }

    fn note_pair(&mut self, verb: &str, a: NodeId, b: NodeId) {
        let (a, b) = (a.letter(), b.letter());
        self.note(verb, a.encode_utf8(&mut [0; 4]), b.encode_utf8(&mut [0; 4]));
    }

    /// Does the action named `verb` with arguments `a` and `b` (see the wasm handle's
    /// `act`); says why not when refused.
    pub fn command(&mut self, verb: &str, a: &str, b: &str) -> Result<(), String> {
        match verb {
            "propose" => self.propose(a, b),
            "cut" => self.cut(a, b, false),
            "cut-one-way" => self.cut(a, b, true),
            "heal" => self.heal(a, b),
            "partition" => self.partition(a),
            "heal-all" => {
                self.heal_all();
                Ok(())
            }
            "crash" => self.crash(a),
            "restart" => self.restart(a),
            "timeout" => self.timeout(a),
            "pause" => {
                self.pause();
                Ok(())
            }
            "play" => {
                self.play();
                Ok(())
            }
            "step" => {
                self.step();
                Ok(())
            }
            "load" => self.load(a, b),
            "play-built-in" => self.play_built_in(a),
            "stop-story" => {
                self.stop_story();
                Ok(())
            }
            "set" => self.set_setting(a, b),
            "restart-run" => {
                self.restart_run();
                Ok(())
            }
            "select" => {
                self.select(a);
                Ok(())
            }
            #[cfg(feature = "teach")]
            "carry" => self.carry(a),
            #[cfg(feature = "teach")]
            "step-back" => {
                self.step_back();
                Ok(())
            }
            #[cfg(feature = "teach")]
            "bug" => self.set_bug(a, b == "on"),
            _ => Err(format!("unknown action '{}'", echo(verb))),
        }
    }

    /// The run's journal as text, for another build of the page to take it over; "" once
    /// someone travelled in time (a journal holds one straight line of actions).
    pub fn journal(&self) -> String {
        self.journal
            .as_ref()
            .map_or_else(String::new, |j| j.encode(self.clock_ms, self.proposals))
    }

    /// Takes over the run a journal describes: starts it as it began and does every action
    /// again at its moment, so the simulation ends exactly where the journal's page stood.
    /// A journal this build cannot follow to the same events is refused.
    #[cfg(any(feature = "teach", test))]
    pub fn carry(&mut self, text: &str) -> Result<(), String> {
        let journal = crate::journal::read(text)?;
        match journal.head {
            Head::Fresh(settings) => {
                self.settings = settings;
                self.restart_run();
            }
            Head::Scenario { name, text } => self.load(&text, &name)?,
        }
        let moment = |app: &App| (app.tl.sim().now_ms(), app.tl.sim().stats.events);
        for e in &journal.entries {
            // Several actions may share a moment, with nothing run between them.
            if moment(self) != (e.time_ms, e.events) {
                self.run_to(e.time_ms as f64);
            }
            if moment(self) != (e.time_ms, e.events) {
                let sim = self.tl.sim();
                return Err(format!(
                    "the run went differently: at {} ms it had {} events, not {}",
                    e.time_ms, sim.stats.events, e.events
                ));
            }
            self.command(&e.verb, &e.a, &e.b)?;
        }
        self.run_to(journal.clock_ms);
        self.proposals = journal.proposals;
        // The page has shown this run's story already.
        self.feed.take();
        self.changed = changed::ALL;
        self.repaint();
        Ok(())
    }

    // ----- pointer -----

    /// The pointer moved to (x, y) in CSS pixels; returns a hint for what a click would do
    /// (empty over nothing).
    pub fn hover(&mut self, x: f64, y: f64) -> String {
        #[cfg(feature = "teach")]
        if let Some(m) = self
            .message_at(x, y)
            .and_then(|id| self.tl.sim().in_flight().find(|m| m.id == id))
        {
            let hint = format!(
                "{}. Click to inspect it: drop, duplicate or hold it.",
                json::message_words(m)
            );
            // The message, not the link under it, is what a click would take.
            if self.hover.take().is_some() {
                self.base_dirty = true;
            }
            return hint;
        }
        let hover = hit_test(&self.geometry, (x, y));
        if hover != self.hover {
            self.hover = hover;
            self.base_dirty = true;
        }
        match self.hover {
            None => String::new(),
            Some(Hit::Node(id)) => format!(
                "{id}: {}. Click to send it a change, crash or restart it, or time it out.",
                self.describe(id)
            ),
            Some(Hit::Link { a, b, near }) => {
                let far = if near == a { b } else { a };
                let net = self.tl.sim().network();
                match (net.is_up(a, b), net.is_up(b, a)) {
                    (true, true) => format!(
                        "Link {a}–{b}. Click to cut it both ways; Shift+click to cut only {near} → {far}."
                    ),
                    (false, false) => format!("Link {a}–{b} is cut. Click to restore it."),
                    (up_ab, _) => {
                        let (x, y) = if up_ab { (b, a) } else { (a, b) };
                        format!("Link {x} → {y} is cut (the other way works). Click to restore it.")
                    }
                }
            }
        }
    }

    /// The pointer left the canvas.
    pub fn leave(&mut self) {
        self.hover = None;
        self.base_dirty = true;
    }

    /// A click at (x, y): a link is cut (or, if cut, restored); a node is selected so the
    /// page can open its menu. `shift` cuts a link one way only, from the nearer end.
    pub fn click(&mut self, x: f64, y: f64, shift: bool) -> Click {
        self.base_dirty = true;
        #[cfg(feature = "teach")]
        if let Some(id) = self.message_at(x, y) {
            return Click::Message(id);
        }
        match hit_test(&self.geometry, (x, y)) {
            None => {
                self.selected = None;
                Click::Nothing
            }
            Some(Hit::Node(id)) => {
                self.selected = Some(id);
                Click::Node(id)
            }
            Some(Hit::Link { a, b, near }) => {
                let net = self.tl.sim().network();
                if net.is_up(a, b) && net.is_up(b, a) {
                    let far = if near == a { b } else { a };
                    self.cut_ids(near, far, shift);
                } else {
                    self.heal_ids(a, b);
                }
                Click::Link
            }
        }
    }

    /// Selects a node (its menu is open) or nothing.
    pub fn select(&mut self, node: &str) {
        self.selected = self.node_id(node).ok();
        self.base_dirty = true;
    }

    fn describe(&self, id: NodeId) -> String {
        match self.tl.sim().node(id) {
            None => String::from("crashed"),
            Some(n) => format!("{} in term {}", n.role().name(), n.term()),
        }
    }

    /// What a node's menu shows, as JSON: `{"id", "alive", "title", "hint"}`.
    pub fn node_json(&self, node: &str) -> Result<String, String> {
        let id = self.node_id(node)?;
        let node = self.tl.sim().node(id);
        let hint = match node.map(|n| (n.role(), n.leader())) {
            None => String::from("Crashed: it keeps only its disk. Restart it to rejoin."),
            Some((Role::Leader, _)) => {
                String::from("The leader: it appends your change and replicates it.")
            }
            Some((_, Some(l))) => format!("A follower: it will answer that {l} leads."),
            Some((_, None)) => String::from("It knows no leader: it will say so."),
        };
        let mut out = String::from("{\"id\":");
        json::string(&mut out, id.letter().encode_utf8(&mut [0; 4]));
        out.push_str(&format!(",\"alive\":{},\"title\":", node.is_some()));
        json::string(&mut out, &format!("{id} · {}", self.describe(id)));
        out.push_str(",\"hint\":");
        json::string(&mut out, &hint);
        #[cfg(feature = "teach")]
        self.node_state_json(id, &mut out);
        out.push('}');
        Ok(out)
    }

    // ----- what the page shows -----

    /// The state for `window.riverRaft.state()`.
    pub fn state_json(&self) -> String {
        json::state(self.tl.sim(), &self.geometry, self.paused, self.speed)
    }

    /// Feed lines waiting, one per line as `time_ms \t kind \t text`.
    pub fn take_feed(&mut self) -> String {
        self.feed.take()
    }

    /// The status line.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The notices about the address, one per line (empty when the address was fine).
    pub fn notices(&self) -> String {
        let mut text = String::new();
        for notice in &self.notices {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(notice);
        }
        text
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}

/// The run the page holds: a timeline (inputs and checkpoints) when it has time travel,
/// else the bare simulation — the timeline's code costs the page kilobytes.
#[cfg(feature = "teach")]
type Run = river_sim::timeline::Timeline;
#[cfg(not(feature = "teach"))]
type Run = Simulation;

#[cfg(feature = "teach")]
fn start_run(sim: Simulation) -> Run {
    river_sim::timeline::Timeline::new(sim)
}

#[cfg(not(feature = "teach"))]
fn start_run(sim: Simulation) -> Run {
    sim
}

/// The built-in scenarios the page offers, by name: the partition story, and with the
/// teaching tools the paper's Figure 8 (only their bugs panel can break it; its text would
/// cost the page's first load 0.8 KB gzipped).
pub fn built_in(name: &str) -> Option<&'static str> {
    match name {
        "partition" => Some(scenario::PARTITION),
        #[cfg(feature = "teach")]
        "figure8" => Some(scenario::FIGURE8),
        _ => None,
    }
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

/// A scenario line as people read it: the instruction, then its comment after a dash.
fn script_line(line: &str) -> String {
    let (code, comment) = line.split_once('#').unwrap_or((line, ""));
    let (code, comment) = (code.trim(), comment.trim());
    match (code.is_empty(), comment.is_empty()) {
        (_, true) => code.to_string(),
        (true, false) => comment.to_string(),
        (false, false) => format!("{code} — {comment}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "teach")]
    use river_sim::network::Endpoint;

    fn app(query: &str) -> App {
        let mut app = App::new(query, Viewport::new(1000.0, 560.0), || 77);
        app.pause();
        app
    }

    fn node<'a>(app: &'a App, letter: &str) -> &'a river_core::Node<river_sim::kv::Command> {
        app.sim().node(app.node_id(letter).unwrap()).unwrap()
    }

    #[test]
    fn the_address_seed_and_size_are_used_and_bad_ones_noticed() {
        let a = app("?seed=12&nodes=3");
        assert_eq!((a.settings().seed, a.sim().size()), (12, 3));
        assert!(a.notices().is_empty());
        let b = app("?seed=x");
        assert_eq!(b.settings().seed, 77, "the random seed");
        assert!(b.notices().contains("'x'"));
    }

    #[test]
    fn wall_time_scaled_by_speed_moves_the_clock_unless_paused() {
        let mut a = App::new("?seed=1", Viewport::new(800.0, 500.0), || 0);
        a.frame(1_000.0);
        a.frame(1_016.0);
        assert!((a.clock_ms - 16.0 * DEFAULT_SPEED).abs() < 1e-9);
        a.set_speed(1.0);
        a.frame(1_032.0);
        assert_eq!(a.sim().now_ms(), 16);
        // A long gap (hidden tab) counts as at most MAX_FRAME_GAP_MS.
        a.frame(60_000.0);
        assert_eq!(a.sim().now_ms(), 116);
        a.pause();
        a.frame(60_100.0);
        assert_eq!(a.sim().now_ms(), 116);
        assert_eq!(a.set_speed(5.0), MAX_SPEED);
        assert_eq!(a.set_speed(0.0), MIN_SPEED);
    }

    #[test]
    fn same_seed_and_calls_give_the_same_state() {
        let run = || {
            let mut a = app("?seed=5");
            a.advance(1_500.0).unwrap();
            let leader = a.sim().leader().unwrap().letter().to_string();
            a.propose(&leader, "x=1").unwrap();
            a.advance(700.0).unwrap();
            a.state_json()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn a_change_sent_to_the_leader_commits_everywhere() {
        let mut a = app("?seed=3");
        a.advance(1_500.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.propose(&leader, "x=42").unwrap();
        a.advance(1_000.0).unwrap();
        for id in a.sim().ids() {
            assert_eq!(
                a.sim().server(id).kv.read("x").map(String::as_str),
                Some("42")
            );
        }
        let feed = a.take_feed();
        assert!(feed.contains("x=42 is committed and applied"), "{feed}");
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let mut a = app("?seed=3&nodes=3");
        assert!(a.propose("D", "x=1").unwrap_err().contains("not a node"));
        assert!(a.propose("A", "").unwrap_err().contains("empty"));
        let long = "y".repeat(MAX_COMMAND_BYTES + 1);
        assert!(a.propose("A", &long).unwrap_err().contains("bytes"));
        assert!(a.cut("A", "A", false).is_err());
        assert!(a.partition("AB|BC").unwrap_err().contains("twice"));
        assert!(a.partition("A||BC").is_err());
        assert!(a.advance(-1.0).is_err());
        assert!(a.advance(f64::NAN).is_err());
        let err = a.load("nodes 3\ncrash Q\n", "mine").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        let err = a.load("nodes 12\n", "big").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn users_are_bounded() {
        let mut a = app("?seed=3&nodes=3");
        // Nobody leads yet: requests wait for answers, until every user is busy.
        a.crash("A").unwrap();
        for k in 0..MAX_USERS {
            a.propose("A", &format!("x={k}")).unwrap();
        }
        assert!(a.propose("A", "x=9").unwrap_err().contains("waiting"));
    }

    #[test]
    fn the_partition_scenario_plays_through() {
        let mut a = app("");
        a.play_built_in("partition").unwrap();
        assert_eq!(a.settings().seed, 7);
        for _ in 0..200 {
            a.advance(100.0).unwrap();
        }
        let story = a.story_json();
        assert!(story.contains("\"state\":\"finished\""), "{story}");
        let feed = a.take_feed();
        assert!(feed.contains("Line 13: partition AB | CDE"), "{feed}");
        assert!(feed.contains("finished: every expectation held"), "{feed}");
    }

    #[test]
    fn a_failing_expectation_names_its_line() {
        let mut a = app("");
        a.load("nodes 3\nseed 1\nwait 10\nexpect A leader\n", "mine")
            .unwrap();
        a.advance(100.0).unwrap();
        let story = a.story_json();
        assert!(story.contains("\"state\":\"failed\",\"line\":4"), "{story}");
        assert!(story.contains("expected A to be leader"), "{story}");
    }

    #[test]
    fn clicking_links_cuts_and_restores_them() {
        let mut a = app("?seed=1");
        let geo = a.geometry().clone();
        let (pa, pc) = (geo.nodes[0], geo.nodes[2]);
        let mid = ((pa.0 + pc.0) / 2.0, (pa.1 + pc.1) / 2.0);
        assert_eq!(a.click(mid.0, mid.1, false), Click::Link);
        assert!(!a.sim().network().is_up(NodeId(0), NodeId(2)));
        assert!(!a.sim().network().is_up(NodeId(2), NodeId(0)));
        assert_eq!(a.click(mid.0, mid.1, false), Click::Link);
        assert!(a.sim().network().is_up(NodeId(0), NodeId(2)));
        // Shift near A: only A → C.
        let near_a = (pa.0 + (pc.0 - pa.0) * 0.3, pa.1 + (pc.1 - pa.1) * 0.3);
        a.click(near_a.0, near_a.1, true);
        assert!(!a.sim().network().is_up(NodeId(0), NodeId(2)));
        assert!(a.sim().network().is_up(NodeId(2), NodeId(0)));
        assert!(a.hover(near_a.0, near_a.1).contains("A → C is cut"));
        assert_eq!(a.click(pa.0, pa.1, false), Click::Node(NodeId(0)));
        assert!(a.node_json("A").unwrap().contains("\"alive\":true"));
    }

    #[test]
    fn a_minority_leader_cannot_commit_but_the_majority_can() {
        let mut a = app("?seed=11");
        a.advance(1_500.0).unwrap();
        let old = a.sim().leader().unwrap();
        let others: Vec<NodeId> = a.sim().ids().filter(|&i| i != old).collect();
        let minority: String = [old, others[0]].iter().map(|i| i.letter()).collect();
        let majority: String = others[1..].iter().map(|i| i.letter()).collect();
        a.partition(&format!("{minority}|{majority}")).unwrap();
        let old_letter = old.letter().to_string();
        a.propose(&old_letter, "x=1").unwrap();
        a.advance(2_000.0).unwrap();
        assert_eq!(node(&a, &old_letter).role(), Role::Leader);
        let last = node(&a, &old_letter).log().last_index();
        assert!(node(&a, &old_letter).commit_index() < last);
        let new = a.sim().leader().unwrap();
        assert_ne!(new, old);
        a.propose(&new.letter().to_string(), "x=2").unwrap();
        a.advance(1_000.0).unwrap();
        a.heal_all();
        a.advance(3_000.0).unwrap();
        assert!(a.sim().converged());
        for id in a.sim().ids() {
            assert_eq!(
                a.sim().server(id).kv.read("x").map(String::as_str),
                Some("2")
            );
        }
    }

    #[test]
    fn layers_repaint_only_when_they_changed() {
        let mut a = app("?seed=1");
        let (base, overlay) = a.scenes();
        assert!(
            base.is_some() && overlay.is_some(),
            "the first frame paints both"
        );
        assert_eq!(a.scenes(), (None, None), "nothing changed");
        a.advance(5.0).unwrap();
        let (_, overlay) = a.scenes();
        assert!(overlay.is_some(), "timers moved");
        a.resize(700.0, 700.0);
        let (base, overlay) = a.scenes();
        assert!(base.is_some() && overlay.is_some());
        a.hover(1.0, 1.0);
        assert_eq!(a.scenes().0, None, "hovering over nothing changes nothing");
    }

    #[test]
    fn settings_restart_or_apply_live() {
        let mut a = app("?seed=1");
        a.advance(500.0).unwrap();
        a.set_setting("loss-percent", "10").unwrap();
        assert_eq!(a.sim().now_ms(), 500, "network changes keep the run");
        a.set_setting("nodes", "7").unwrap();
        assert_eq!((a.sim().now_ms(), a.sim().size()), (0, 7));
        assert_eq!(a.geometry().nodes.len(), 7);
        assert!(a.settings_json().contains("\"nodes\":\"7\""));
        assert_eq!(a.default_partition(), "ABC|DEFG");
    }

    /// A small generator for the test's choices (not the simulation's: that has its own).
    fn pick(state: &mut u64, n: u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state % n
    }

    /// Plays a random session on `a`: frames at random wall gaps and speeds, and every
    /// kind of action a journal holds, by the API and by clicks.
    fn random_session(a: &mut App, rng: &mut u64, steps: usize) {
        let mut wall = 0.0;
        for _ in 0..steps {
            let n = a.sim().size() as u64;
            let letter = |k: u64| String::from(char::from(b'A' + k as u8));
            let (x, y) = (letter(pick(rng, n)), letter(pick(rng, n)));
            // Refusals (a crashed node timed out, every user busy) are part of a session.
            match pick(rng, 17) {
                0 => drop(a.propose(&x, &format!("k={}", pick(rng, 100)))),
                1 => drop(a.cut(&x, &y, pick(rng, 2) == 0)),
                2 => drop(a.heal(&x, &y)),
                3 => drop(a.partition(&a.default_partition())),
                4 => a.heal_all(),
                5 => drop(a.crash(&x)),
                6 => drop(a.restart(&x)),
                7 => drop(a.timeout(&x)),
                8 => drop(a.set_setting("latency-max", &format!("{}", 20 + pick(rng, 60)))),
                9 => drop(a.set_setting("loss-percent", &format!("{}.5", pick(rng, 20)))),
                10 => a.step(),
                11 => drop(a.advance(pick(rng, 3000) as f64 + 0.25)),
                12 => a.stop_story(),
                13 => {
                    // The middle of a link: a click cuts it (or one way) or restores it.
                    let g = a.geometry();
                    let (p, q) = (
                        g.nodes[pick(rng, n) as usize],
                        g.nodes[pick(rng, n) as usize],
                    );
                    let shift = pick(rng, 2) == 0;
                    a.click((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0, shift);
                }
                // A setting that starts a fresh cluster: the journal starts again too.
                16 => drop(a.set_setting("heartbeat", &format!("{}", 40 + pick(rng, 30)))),
                _ => {
                    a.set_speed(1.0 / (1 + pick(rng, 50)) as f64);
                    a.play();
                    for _ in 0..pick(rng, 20) {
                        wall += pick(rng, 40) as f64 + 0.37;
                        a.frame(wall);
                    }
                    a.pause();
                }
            }
        }
    }

    /// Another build takes the run over (the teaching tools do, in the page): same picture,
    /// same trace, same scenario progress, same next suggestion.
    fn carried(a: &mut App) -> App {
        let text = a.journal();
        let mut b = app("?seed=3");
        b.carry(&text).unwrap_or_else(|e| panic!("{e}"));
        b.set_speed(a.speed());
        assert_eq!(a.state_json(), b.state_json());
        assert_eq!(a.sim().trace.digest(), b.sim().trace.digest());
        assert_eq!(a.story_json(), b.story_json());
        assert_eq!(a.settings_json(), b.settings_json());
        assert_eq!((a.status(), a.suggestion()), (b.status(), b.suggestion()));
        assert_eq!(a.clock_ms.to_bits(), b.clock_ms.to_bits());
        b
    }

    #[test]
    fn a_journal_carries_the_run_to_another_page_exactly() {
        for seed in 1..=12u64 {
            let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut a = app(&format!("?seed={seed}&nodes={}", 3 + seed % 5));
            if seed % 3 == 0 {
                a.play_built_in("partition").unwrap();
            } else if seed % 3 == 1 {
                a.set_setting("election-timeout-max", "650").unwrap();
                a.set_setting("election-timeout-min", "400").unwrap();
            }
            random_session(&mut a, &mut rng, 60);
            let mut b = carried(&mut a);
            // And the two go on alike.
            a.advance(5_000.0).unwrap();
            b.advance(5_000.0).unwrap();
            assert_eq!(a.state_json(), b.state_json(), "seed {seed}");
        }
    }

    #[test]
    fn a_scenario_half_played_is_carried_and_plays_on_alike() {
        let mut a = app("?seed=9");
        a.play_built_in("partition").unwrap();
        a.advance(1_500.0).unwrap();
        a.cut("A", "C", true).unwrap();
        a.advance(700.5).unwrap();
        let mut b = carried(&mut a);
        assert!(a.story_json().contains("\"playing\""), "{}", a.story_json());
        for _ in 0..40 {
            a.advance(1_000.0).unwrap();
            b.advance(1_000.0).unwrap();
            assert_eq!(a.story_json(), b.story_json());
        }
        assert_eq!(a.state_json(), b.state_json());
    }

    #[test]
    fn a_journal_is_refused_when_the_run_would_go_differently() {
        let mut a = app("?seed=5");
        a.advance(2_000.0).unwrap();
        a.crash("B").unwrap();
        let journal = crate::journal::read(&a.journal()).unwrap();
        let mut shifted = Journal::new(journal.head);
        for (k, e) in journal.entries.iter().enumerate() {
            let events = e.events + u64::from(k == 0);
            shifted.push(e.time_ms, events, &e.verb, &e.a, &e.b);
        }
        let mut b = app("?seed=3");
        let e = b
            .carry(&shifted.encode(journal.clock_ms, journal.proposals))
            .unwrap_err();
        assert!(e.contains("went differently"), "{e}");
        assert!(b
            .carry("garbage")
            .unwrap_err()
            .contains("not a River Raft journal"));
    }

    #[cfg(feature = "teach")]
    #[test]
    fn travelling_in_time_ends_the_journal() {
        let mut a = app("?seed=5");
        a.advance(2_000.0).unwrap();
        assert!(!a.journal().is_empty());
        a.seek(1_000.0).unwrap();
        assert_eq!(a.journal(), "");
    }

    #[cfg(feature = "teach")]
    #[test]
    fn rewinding_shows_the_earlier_state_exactly() {
        let mut a = app("?seed=3");
        a.advance(40.0).unwrap();
        let early = a.state_json();
        a.advance(2_000.0).unwrap();
        assert!(a.sim().leader().is_some());
        let marks = a.timeline_json();
        assert!(marks.contains("\"kind\":\"leader\""), "{marks}");
        a.seek(40.0).unwrap();
        assert_eq!(a.state_json(), early);
        // Replaying forward reaches the same future.
        a.seek(2_040.0).unwrap();
        let leader = a.sim().leader();
        a.seek(40.0).unwrap();
        a.advance(2_000.0).unwrap();
        assert_eq!(a.sim().leader(), leader);
    }

    #[cfg(feature = "teach")]
    #[test]
    fn acting_in_the_past_starts_a_branch_and_keeps_the_old_future() {
        let mut a = app("?seed=4");
        a.advance(1_000.0).unwrap();
        let end = a.sim().now_ms();
        a.seek(500.0).unwrap();
        a.crash("A").unwrap();
        let t: String = a.timeline_json();
        assert!(t.contains("\"branches\":1"), "{t}");
        assert!(t.contains("\"endMs\":500"), "the new branch ends now: {t}");
        assert!(end > 500);
        // Back to the old future: nobody crashed there, and its end is reachable again.
        let crashed = a.state_json();
        a.switch_branch(0.0).unwrap();
        assert!(
            a.sim().node(NodeId(0)).is_some(),
            "A runs in the old future"
        );
        a.seek(end as f64).unwrap();
        assert_eq!(a.sim().now_ms(), end);
        assert!(
            a.timeline_json().contains("\"branches\":1"),
            "the crash branch is kept"
        );
        a.switch_branch(0.0).unwrap();
        a.seek(500.0).unwrap();
        assert_eq!(a.state_json(), crashed);
        assert!(a.switch_branch(5.0).is_err());
    }

    #[cfg(feature = "teach")]
    #[test]
    fn stepping_names_the_event_and_stepping_back_undoes_it() {
        let mut a = app("?seed=5");
        a.advance(500.0).unwrap();
        a.step_event();
        let before = a.state_json();
        let events = a.sim().stats.events;
        let words = a.step_event();
        assert!(
            words.contains("timer fired") || words.contains("arrived"),
            "{words}"
        );
        assert_eq!(a.sim().stats.events, events + 1);
        a.step_back();
        assert_eq!(a.sim().stats.events, events);
        assert_eq!(a.state_json(), before);
    }

    #[cfg(feature = "teach")]
    #[test]
    fn a_held_message_waits_and_a_duplicate_changes_no_log() {
        let mut a = app("?seed=6");
        a.advance(3_000.0).unwrap();
        let leader = a.sim().leader().unwrap();
        let from_leader = |a: &App| {
            a.sim()
                .in_flight()
                .find(|m| m.from == Endpoint::Node(leader))
                .map(|m| m.id)
                .unwrap()
        };
        let id = from_leader(&a);
        a.hold_message(id as f64).unwrap();
        assert!(a.hold_message(id as f64).is_err(), "already held");
        a.advance(2_000.0).unwrap();
        let held = a.sim().in_flight().find(|m| m.id == id && m.held).unwrap();
        assert!(
            layout::progress(held, a.clock_ms) <= 0.5,
            "it waits mid-wire"
        );
        a.release_message(id as f64).unwrap();
        a.advance(200.0).unwrap();
        assert!(!a.sim().in_flight().any(|m| m.id == id));
        // A duplicated heartbeat or AppendEntries leaves every log as it was.
        let logs = |a: &App| -> Vec<usize> {
            a.sim()
                .ids()
                .map(|i| a.sim().node(i).unwrap().log().entries().len())
                .collect()
        };
        let before = logs(&a);
        let id = from_leader(&a);
        a.duplicate_message(id as f64).unwrap();
        a.advance(200.0).unwrap();
        assert_eq!(logs(&a), before);
        assert!(a.drop_message(1e12).is_err());
    }

    #[cfg(feature = "teach")]
    #[test]
    fn figure8_commit_is_caught_live_and_correct_raft_stays_safe() {
        let text = scenario::built_in("figure8").unwrap();
        let mut a = app("");
        a.set_bug("figure8-commit", true).unwrap();
        a.load(text, "figure8").unwrap();
        a.advance(5_000.0).unwrap();
        let safety = a.safety_json();
        assert!(safety.starts_with("{\"ok\":false"), "{safety}");
        assert!(safety.contains("Leader Completeness"), "{safety}");
        assert!(a.timeline_json().contains("\"kind\":\"violation\""));
        assert!(a
            .bugs_json()
            .contains("\"name\":\"figure8-commit\",\"on\":true"));
        a.set_bug("figure8-commit", false).unwrap();
        a.load(text, "figure8").unwrap();
        a.advance(5_000.0).unwrap();
        assert!(
            a.safety_json().starts_with("{\"ok\":true"),
            "{}",
            a.safety_json()
        );
        assert!(a.set_bug("no-such-bug", true).is_err());
    }
}
