//! The one handle JavaScript holds. A person's actions arrive as JavaScript values and are
//! deserialized once, here, into [`Action`]; answers leave as Rust structs turned into
//! JavaScript values by serde-wasm-bindgen — the shapes live in `river_view::answers`. A
//! refused action throws an `Error` whose message says why. The handle runs the page's loop
//! itself (`clock.rs`) once [`RiverRaft::start`] is called; every call that changes the page
//! wakes it.

use crate::clock::{self, Page, Shared};
use crate::draw::Painter;
use river_view::action::{self, Action, Source};
use river_view::app::{App, Click, Keyed};
use river_view::layout::Viewport;
use river_view::look::Look;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Answers as JavaScript expects them: maps as plain objects, `None` as `null`.
fn to_js(answer: &impl Serialize) -> JsValue {
    let out = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    // Every answer is plain data (strings, numbers within 2^53, lists, maps of strings).
    answer.serialize(&out).unwrap_or(JsValue::NULL)
}

/// What a click (or Enter) took, as the shell reads it: a node letter, `link`, `message N`,
/// or nothing.
fn clicked(click: Click) -> String {
    match click {
        Click::Nothing => String::new(),
        Click::Link => String::from("link"),
        Click::Node(id) => id.letter().into(),
        Click::Message(id) => alloc::format!("message {id}"),
    }
}

fn refused(reason: String) -> JsError {
    JsError::new(&reason)
}

/// An action as JavaScript hands it over: `{ do: "crash", node: "A" }`, its arguments read
/// by name (js-sys's `Reflect.get`).
struct Object(JsValue);

impl Object {
    fn get(&self, name: &str) -> JsValue {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }
}

impl Source for Object {
    fn text(&mut self, name: &'static str) -> Result<String, String> {
        self.get(name)
            .as_string()
            .ok_or_else(|| alloc::format!("'{name}' must be text"))
    }

    fn number(&mut self, name: &'static str) -> Result<f64, String> {
        self.get(name)
            .as_f64()
            .ok_or_else(|| alloc::format!("'{name}' must be a number"))
    }

    fn flag(&mut self, name: &'static str) -> Result<bool, String> {
        let value = self.get(name);
        if value.is_undefined() {
            return Ok(false);
        }
        value
            .as_bool()
            .ok_or_else(|| alloc::format!("'{name}' must be true or false"))
    }
}

/// River Raft on one canvas.
#[wasm_bindgen]
pub struct RiverRaft {
    page: Shared,
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
        let raft = RiverRaft {
            page: Page::new(app, painter),
        };
        raft.resize(width, height, pixel_ratio);
        Ok(raft)
    }

    /// Starts the loop. After each frame that changed something, `on_change` is called with
    /// bits for what (1 feed, 2 status, 4 scenario, 8 settings, 16 controls, 32 timeline).
    pub fn start(&self, on_change: js_sys::Function) {
        self.page.borrow_mut().on_change = Some(on_change);
        clock::wake(&self.page);
    }

    /// The canvas's CSS size or the screen's pixel ratio changed.
    pub fn resize(&self, width: f64, height: f64, pixel_ratio: f64) {
        {
            let page = &mut *self.page.borrow_mut();
            page.app.resize(width, height);
            let ring = page.app.geometry().ring;
            page.painter
                .resize(width, height, (ring.w, ring.h), pixel_ratio);
            page.app.repaint();
        }
        clock::wake(&self.page);
    }

    /// Shows the canvas in the projector view (larger, thicker, darker) and/or with reduced
    /// motion (messages jump instead of gliding): how the run is shown, never the run.
    #[wasm_bindgen(js_name = setLook)]
    pub fn set_look(&self, projector: bool, reduced_motion: bool) {
        self.page.borrow_mut().app.set_look(Look {
            projector,
            reduced_motion,
        });
        clock::wake(&self.page);
    }

    /// The pointer at (x, y) in CSS pixels. `what`: 0 moved (returns a hint, "" over
    /// nothing), 1 clicked, 2 shift-clicked (returns a node letter to open its menu, "link"
    /// when a link was cut or restored, "message N" to inspect message N, "" for
    /// nothing), 3 left the canvas.
    pub fn pointer(&self, x: f64, y: f64, what: u32) -> String {
        let said = self.pointed(x, y, what);
        clock::wake(&self.page);
        said
    }

    fn pointed(&self, x: f64, y: f64, what: u32) -> String {
        let app = &mut self.page.borrow_mut().app;
        match what {
            0 => app.hover(x, y),
            1 | 2 => clicked(app.click(x, y, what == 2)),
            _ => {
                app.leave();
                String::new()
            }
        }
    }

    /// A key (`KeyboardEvent.key`) on the canvas, or `focus` / `blur`: returns what the
    /// focus ring is on in words after an arrow or `focus`, what Enter took as `pointer`'s
    /// click does, and `undefined` for a key the canvas leaves to the page.
    pub fn key(&self, key: &str, shift: bool) -> Option<String> {
        let keyed = self.page.borrow_mut().app.key(key, shift);
        clock::wake(&self.page);
        match keyed {
            Keyed::Moved(words) => Some(words),
            Keyed::Took(click) => Some(clicked(click)),
            Keyed::Ignored => None,
        }
    }

    /// Does an action (see `river_view::action::Action`): `{ do: "pause" }`,
    /// `{ do: "crash", node: "A" }`, `{ do: "propose", node: "A", command: "x=1" }`, …
    /// Returns words when the action has some to say (one event forward names it); throws
    /// why when refused.
    pub fn apply(&self, action: JsValue) -> Result<Option<String>, JsError> {
        let mut object = Object(action);
        let kind = object.text("do").map_err(refused)?;
        let action = Action::read(&kind, &mut object).map_err(refused)?;
        let said = self.page.borrow_mut().app.apply(action).map_err(refused);
        clock::wake(&self.page);
        said
    }

    /// The run's journal as text (`river_view::journal`): what a share link carries.
    pub fn journal(&self) -> String {
        self.page.borrow().app.journal()
    }

    /// Rebuilds the run a journal describes, exactly, or throws why it cannot.
    pub fn replay(&self, text: &str) -> Result<(), JsError> {
        let done = self.page.borrow_mut().app.replay(text).map_err(refused);
        clock::wake(&self.page);
        done
    }

    /// The run's trace so far as JSON lines, the format of `river run --trace`; throws
    /// why not (too long a run, or a rebuild that went differently).
    pub fn trace(&self) -> Result<String, JsError> {
        self.page.borrow().app.trace_lines().map_err(refused)
    }

    /// `{ timeMs, seed, paused, speed, nodes, links, messages, digest }`.
    pub fn state(&self) -> JsValue {
        to_js(&self.page.borrow().app.state())
    }

    /// `{ startMs, endMs, nowMs, branches, checkpoints, branchEnds, marks }`.
    pub fn timeline(&self) -> JsValue {
        to_js(&self.page.borrow().app.timeline())
    }

    /// `{ ok, count, violations, properties }`.
    pub fn safety(&self) -> JsValue {
        to_js(&self.page.borrow().app.safety())
    }

    /// `[{ name, on, about }]`.
    pub fn bugs(&self) -> JsValue {
        to_js(&self.page.borrow().app.bugs())
    }

    /// `{ name, state, line, text, error }`.
    pub fn scenario(&self) -> JsValue {
        to_js(&self.page.borrow().app.scenario())
    }

    /// `{ name, title, step, steps, caption, state, error, shown }`: the guided tour.
    pub fn tour(&self) -> JsValue {
        to_js(&self.page.borrow().app.tour())
    }

    /// `[{ name, title }]`: the guided tours, in order.
    pub fn tours() -> JsValue {
        to_js(&river_view::app::tours())
    }

    /// Every setting by name, as its control shows it.
    pub fn settings(&self) -> JsValue {
        to_js(&self.page.borrow().app.settings_answer())
    }

    /// What node `id`'s menu shows; throws for a letter not in the cluster.
    pub fn node(&self, id: &str) -> Result<JsValue, JsError> {
        let node = action::node(id).ok_or_else(|| refused(String::from("not a node letter")))?;
        Ok(to_js(
            &self.page.borrow().app.node_info(node).map_err(refused)?,
        ))
    }

    /// What became of message `id` once it left the wire: arrived (where, when) or lost
    /// (when, why), for its inspector.
    #[wasm_bindgen(js_name = messageGone)]
    pub fn message_gone(&self, id: f64) -> String {
        self.page.borrow().app.message_gone(id)
    }

    /// `[{ timeMs, kind, text }]`: the feed's new lines (and forgets them).
    #[wasm_bindgen(js_name = takeFeed)]
    pub fn take_feed(&self) -> JsValue {
        to_js(&self.page.borrow_mut().app.take_feed())
    }

    /// `{ paused, speed, speedLabel, partition, suggestion, maxCommandBytes, status,
    /// overlay }`: the small things the controls show.
    pub fn controls(&self) -> JsValue {
        to_js(&self.page.borrow().app.controls())
    }

    /// The notices about the page's address.
    pub fn notices(&self) -> JsValue {
        to_js(&self.page.borrow().app.notices())
    }

    /// Sets the election lab up and starts its trials (`river_view::lab::LabSetup::read`:
    /// `{ ranges: "150-150,150-300", nodes, latencyMin, latencyMax, preVote, seed, trials }`,
    /// each optional); throws why not.
    #[wasm_bindgen(js_name = labRun)]
    pub fn lab_run(&self, setup: JsValue) -> Result<(), JsError> {
        let setup = river_view::lab::LabSetup::read(&mut Object(setup)).map_err(refused)?;
        let started = self.page.borrow_mut().app.lab_start(setup).map_err(refused);
        clock::wake(&self.page);
        started
    }

    /// Stops the lab where it is.
    #[wasm_bindgen(js_name = labStop)]
    pub fn lab_stop(&self) {
        self.page.borrow_mut().app.lab_stop();
        clock::wake(&self.page);
    }

    /// `{ state, done, total, sentence, error, paperRanges, ranges: [{ label, …, points }] }`.
    #[wasm_bindgen(js_name = labResults)]
    pub fn lab_results(&self) -> JsValue {
        to_js(&self.page.borrow().app.lab_answer())
    }

    /// Paints the lab's chart on `canvas`, `width` × `height` CSS pixels at `pixel_ratio`,
    /// its type as large as the page's (`text_px`: the root font size).
    #[wasm_bindgen(js_name = labCanvas)]
    pub fn lab_canvas(
        &self,
        canvas: HtmlCanvasElement,
        width: f64,
        height: f64,
        pixel_ratio: f64,
        text_px: f64,
    ) -> Result<(), JsValue> {
        let page = &mut *self.page.borrow_mut();
        let mut surface = crate::draw::Surface::new(canvas)?;
        surface.resize(width, height, pixel_ratio);
        page.painter.lab = Some(surface);
        page.app.lab_resize(width, height, text_px);
        if let (Some(surface), Some(scene)) = (&mut page.painter.lab, page.app.lab_scene()) {
            surface.paint(scene);
        }
        Ok(())
    }

    /// The pointer over the chart at (x, y) (`inside` false: it left). Returns the trial
    /// under it in words ("" for none).
    #[wasm_bindgen(js_name = labHover)]
    pub fn lab_hover(&self, x: f64, y: f64, inside: bool) -> String {
        let at = inside.then_some((x, y));
        let said = self.page.borrow_mut().app.lab_hover(at);
        clock::wake(&self.page);
        said
    }

    /// The trial under (x, y) on the chart as `[range, trial]`, or `null`.
    #[wasm_bindgen(js_name = labPick)]
    pub fn lab_pick(&self, x: f64, y: f64) -> JsValue {
        to_js(&self.page.borrow().app.lab_pick(x, y))
    }

    /// A built-in scenario's text (`partition`, `figure8`).
    #[wasm_bindgen(js_name = builtIn)]
    pub fn built_in(name: &str) -> Option<String> {
        river_view::app::built_in(name).map(String::from)
    }
}
