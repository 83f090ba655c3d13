//! The one handle JavaScript holds. Its methods take and return plain values — numbers and
//! strings — and there are few of them: actions go through [`RiverRaft::act`] and questions
//! through [`RiverRaft::get`], named by a word. (Each exported method costs the page its own
//! marshalling code on both sides of the boundary; two dispatchers cost two.) A refused
//! action returns the reason as a non-empty string; an empty string means done. The page
//! calls [`RiverRaft::frame`] once per animation frame: it advances the run and paints.

use crate::draw::Painter;
use alloc::format;
use alloc::string::{String, ToString};
use river_view::app::{App, Click};
use river_view::layout::Viewport;
use river_view::words::speed_label;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Reports a panic on the console: only where it happened. Reading the message would keep
/// every panic's formatting code (and the types' `Debug` impls) in the wasm.
pub(crate) fn report_panic(info: &core::panic::PanicInfo<'_>) {
    match info.location() {
        Some(l) => console_error(&format!(
            "River Raft stopped: an internal check failed at {}:{}",
            l.file(),
            l.line()
        )),
        None => console_error("River Raft stopped: an internal check failed"),
    }
}

fn done(result: Result<(), String>) -> String {
    result.err().unwrap_or_default()
}

/// River Raft on one canvas.
#[wasm_bindgen]
pub struct RiverRaft {
    app: App,
    painter: Painter,
}

#[wasm_bindgen]
impl RiverRaft {
    /// Starts a run on two stacked canvases (`base` below, `overlay` above, same size),
    /// sized `width` × `height` CSS pixels at `pixel_ratio`, with the page address's query
    /// string (`?seed=`, `?nodes=`, `?paused`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        base: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
        query: &str,
        width: f64,
        height: f64,
        pixel_ratio: f64,
    ) -> Result<RiverRaft, JsValue> {
        let painter = Painter::new(base, overlay)?;
        let app = App::new(query, Viewport::new(width, height), || {
            // Only a run without a valid `?seed=` asks the browser for randomness.
            getrandom::u64().unwrap_or(1)
        });
        let mut raft = RiverRaft { app, painter };
        raft.resize(width, height, pixel_ratio);
        Ok(raft)
    }

    /// One animation frame at `performance.now()`: advances the run and paints it. Returns
    /// bits for what else changed (1 feed, 2 status, 4 scenario, 8 settings, 16 controls)
    /// in the low byte, and above it how many ms the page may sleep before the next frame.
    pub fn frame(&mut self, wall_ms: f64) -> u32 {
        let changed = self.app.frame(wall_ms);
        let (base, overlay) = self.app.scenes();
        if let Some(scene) = base {
            self.painter.base.paint(scene);
        }
        if let Some(scene) = overlay {
            self.painter.overlay.paint(scene);
        }
        (changed & 0xff) | self.app.next_frame_in_ms().min(0xff_ffff) << 8
    }

    /// The canvas's CSS size or the screen's pixel ratio changed.
    pub fn resize(&mut self, width: f64, height: f64, pixel_ratio: f64) {
        self.app.resize(width, height);
        let ring = self.app.geometry().ring;
        self.painter
            .resize(width, height, (ring.w, ring.h), pixel_ratio);
        self.app.repaint();
    }

    /// The pointer at (x, y) in CSS pixels. `what`: 0 moved (returns a hint, "" over
    /// nothing), 1 clicked, 2 shift-clicked (returns a node letter to open its menu, "link"
    /// when a link was cut or restored, "" for nothing), 3 left the canvas.
    pub fn pointer(&mut self, x: f64, y: f64, what: u32) -> String {
        match what {
            0 => self.app.hover(x, y),
            1 | 2 => match self.app.click(x, y, what == 2) {
                Click::Nothing => String::new(),
                Click::Link => String::from("link"),
                Click::Node(id) => id.letter().to_string(),
                Click::Message(id) => format!("message {id}"),
            },
            _ => {
                self.app.leave();
                String::new()
            }
        }
    }

    /// Sets the speed (1/1000 to 1) unless `speed` is NaN; returns the speed in use.
    pub fn speed(&mut self, speed: f64) -> f64 {
        if speed.is_nan() {
            self.app.speed()
        } else {
            self.app.set_speed(speed)
        }
    }

    /// Runs `ms` of simulated time at once; returns why not, if refused.
    pub fn advance(&mut self, ms: f64) -> String {
        done(self.app.advance(ms))
    }

    /// Does `verb` with a number (kept a number: parsing decimals in Rust would cost the
    /// page kilobytes): `seek` ms · `branch` k · `drop`, `duplicate`, `hold`, `release`
    /// message id.
    /// Returns why not, or "" when done.
    pub fn at(&mut self, verb: &str, x: f64) -> String {
        let app = &mut self.app;
        done(match verb {
            "seek" => app.seek(x),
            "branch" => app.switch_branch(x),
            "drop" => app.drop_message(x),
            "duplicate" => app.duplicate_message(x),
            "hold" => app.hold_message(x),
            "release" => app.release_message(x),
            _ => Err(format!(
                "unknown action '{}'",
                river_view::words::echo(verb)
            )),
        })
    }

    /// Does `verb` with arguments `a` and `b`; returns why not, or "" when done.
    ///
    /// `propose` node command · `cut` a b · `cut-one-way` a b · `heal` a b · `partition`
    /// groups ("AB|CDE") · `heal-all` · `crash` node · `restart` node · `timeout` node ·
    /// `pause` · `play` · `step` · `load` text name · `play-built-in` name · `stop-story` ·
    /// `set` name value · `restart-run` · `select` node · `carry` journal (see `journal`)
    /// · `step-back` · `bug` name ("on"|"off").
    pub fn act(&mut self, verb: &str, a: &str, b: &str) -> String {
        done(self.app.command(verb, a, b))
    }

    /// Answers a question by name: `state`, `story`, `settings`, `status`, `notices`,
    /// `feed` (and forgets it), `node` letter, `suggestion`, `partition`, `speed`,
    /// `paused`, `max-command-bytes`, `built-in` name, `timeline`, `safety`, `bugs`, and
    /// `step-event` (runs one event and says what it was), `memory`, `journal`. Unknown questions
    /// answer "".
    pub fn get(&mut self, what: &str, arg: &str) -> String {
        let app = &mut self.app;
        match what {
            "state" => app.state_json(),
            "timeline" => app.timeline_json(),
            "safety" => app.safety_json(),
            "bugs" => app.bugs_json(),
            "step-event" => app.step_event(),
            // The wasm heap's size in bytes (it only grows): for the memory benchmark.
            "memory" => (core::arch::wasm32::memory_size(0) * 65_536).to_string(),
            "story" => app.story_json(),
            "settings" => app.settings_json(),
            "status" => app.status().to_string(),
            "notices" => app.notices(),
            "feed" => app.take_feed(),
            "node" => app.node_json(arg).unwrap_or_default(),
            "suggestion" => app.suggestion(),
            "partition" => app.default_partition(),
            "speed" => speed_label(app.speed()),
            "paused" => String::from(if app.paused() { "true" } else { "false" }),
            "max-command-bytes" => app.max_command_bytes().to_string(),
            "overlay" => {
                let ring = app.geometry().ring;
                format!(
                    "{} {}",
                    river_view::words::decimal(ring.w),
                    river_view::words::decimal(ring.h)
                )
            }
            "built-in" => river_view::app::built_in(arg)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }
}
