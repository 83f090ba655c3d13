//! What the page asks and the answers it gets, as Rust structs with `serde::Serialize`: the
//! shapes of `window.riverRaft.state()`, `timeline()`, `safety()`, `bugs()`, `scenario()`
//! and the rest live here, in one typed place (the README documents them). The bindings
//! hand them to JavaScript with serde-wasm-bindgen; native tests read them as JSON.
//! Field names are camelCase, as JavaScript spells them; `None` is `null`. The larger answers
//! have their own files: `state()` in `answers/state.rs`, a message in `answers/message.rs`,
//! `safety()` in `answers/safety.rs`, a node's menu in `answers/node.rs`.

use crate::layout::Geometry;
use crate::linearizable::NotLinearizable;
use crate::maths;
use crate::members;
use crate::narrate::Thrown;
use crate::stored::{snapshot_text, Stored};
use crate::words::{membership_entry_text, op_text, plural, user_name};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{Body, Payload};
use river_sim::checker::Property;
use river_sim::kv::OpResult;
use river_sim::network::{Endpoint, InFlight, Packet, Reply};
use river_sim::Simulation;
use serde::Serialize;

mod message;
mod node;
mod safety;
mod state;
pub use message::{endpoint, kind, message, message_words, Fields, Message};
pub use node::{NodeInfo, Persistent, Progress, Refusals, Volatile};
pub use safety::{safety, Safety, ViolationAnswer, LINEARIZABILITY, PROPERTIES};
pub use state::{state, Link, LogEntry, NodeState, SnapshotBounds, State};

/// Names and values, in the order given, as one object (`{ "x": "1" }`). A map type would
/// sort them again, and its sorting code costs the page more than this.
pub struct Pairs<K>(pub Vec<(K, String)>);

impl<K: Serialize> Serialize for Pairs<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A server's letter as text (answers hold no `char`: one kind of string is less code).
pub fn letter(id: river_core::NodeId) -> &'static str {
    const LETTERS: [&str; 26] = [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
        "S", "T", "U", "V", "W", "X", "Y", "Z",
    ];
    LETTERS.get(id.index()).copied().unwrap_or("?")
}

/// A number as JavaScript holds one: every integer the page shows (times, terms, indexes,
/// ids, seeds up to 2^53 − 1) is exact in it, and answers then carry no 64-bit integers,
/// whose conversion (and its error path) costs the page more code.
pub type Number = f64;

fn command(payload: &Payload<river_sim::kv::Command>) -> Option<String> {
    match payload {
        Payload::Command(c) => Some(op_text(&c.op)),
        Payload::Membership(m) => Some(membership_entry_text(*m)),
        Payload::Noop => None,
    }
}

/// The timeline: `timeline()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Always 0: the run's beginning.
    pub start_ms: Number,
    /// The furthest moment reached.
    pub end_ms: Number,
    /// The moment shown.
    pub now_ms: Number,
    /// How many other futures are kept.
    pub branches: Number,
    /// How many checkpoints the timeline holds.
    pub checkpoints: Number,
    /// Where each kept future ends, ms.
    pub branch_ends: Vec<Number>,
    /// The moments worth jumping to.
    pub marks: Vec<MarkAnswer>,
}

/// A mark on the timeline.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkAnswer {
    /// When, ms.
    pub time_ms: Number,
    /// `election`, `leader`, `commit`, `crash`, `restart`, `cut`, `heal` or `violation`.
    pub kind: &'static str,
    /// The term it belongs to.
    pub term: Number,
    /// Its colour (CSS).
    pub color: &'static str,
    /// What happened, in words.
    pub text: String,
}

/// A deliberately broken variant: one row of `bugs()`.
#[derive(Serialize)]
pub struct BugAnswer {
    /// Its name.
    pub name: &'static str,
    /// Whether it is switched on.
    pub on: bool,
    /// What it breaks, in a sentence.
    pub about: &'static str,
}

/// A scenario's progress: `scenario()`.
#[derive(Serialize)]
pub struct ScenarioAnswer {
    /// What it was loaded as; `null` when none plays.
    pub name: Option<String>,
    /// `none`, `playing`, `finished` or `failed`.
    pub state: &'static str,
    /// The line playing (or where it failed).
    pub line: Option<Number>,
    /// That line's text as people read it.
    pub text: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A guided tour's state: `tourState()`.
#[derive(Serialize, Default)]
pub struct TourAnswer {
    /// The tour's name in the address; `null` when no tour plays.
    pub name: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The step showing, from 1.
    pub step: Number,
    /// Every step's caption, in order.
    pub steps: Vec<String>,
    /// The showing step's caption.
    pub caption: Option<String>,
    /// `none`, `playing` (the step runs), `waiting` (stopped until Continue), `finished`
    /// (the last step ran) or `failed`.
    pub state: &'static str,
    /// Why it failed.
    pub error: Option<String>,
    /// What the step points at so far, as the tour writes it: `A`, `A->B`, `A 3`.
    pub shown: Vec<String>,
}

/// A tour in the Tours menu: `RiverRaft.tours()`.
#[derive(Serialize)]
pub struct TourListed {
    /// Its name in the address (`?tour=NAME`).
    pub name: &'static str,
    /// Its title.
    pub title: &'static str,
}

/// One line of the event feed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedAnswer {
    /// Simulated time, ms.
    pub time_ms: Number,
    /// Its kind, from a fixed set (`election`, `commit`, `fault`, …): a CSS class.
    pub kind: &'static str,
    /// The sentence.
    pub text: String,
}

/// The small things the page's controls show: `controls()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Controls {
    /// Whether the clock is stopped.
    pub paused: bool,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// The speed as people read it ("1/20×").
    pub speed_label: String,
    /// The split the Split button makes ("AB|CDE").
    pub partition: String,
    /// How many servers the run has started (the toolbar's Nodes shows it): one more for
    /// each server added, though a fresh run still has the settings' `nodes`.
    pub servers: Number,
    /// The change the node menu suggests next.
    pub suggestion: String,
    /// The longest change accepted, in bytes.
    pub max_command_bytes: Number,
    /// The status line.
    pub status: String,
    /// The overlay canvas's width (the ring area), CSS pixels.
    pub overlay_width: f64,
    /// The overlay canvas's height, CSS pixels.
    pub overlay_height: f64,
    /// Where the hint box goes, CSS pixels: left, top, most width, most height
    /// (`layout::Geometry::words`).
    pub words: [f64; 4],
    /// The deliberately broken variants the run uses, by name (a tour may switch one on).
    pub broken: Vec<&'static str>,
    /// The banner that says so, empty when Raft is correct.
    pub broken_text: String,
    /// The canvas is drawn in the projector view (`river_view::look`).
    pub projector: bool,
    /// Messages jump instead of gliding.
    pub reduced_motion: bool,
    /// How large the ring is drawn: 1.0 on a ring area 520 px across, more in the projector
    /// view.
    pub scale: f64,
    /// What the banner's switch-off button says (it also ends a tour or scenario); empty,
    /// and the button hidden, when no broken variant runs (a stale read in correct Raft,
    /// the lease tour's, has nothing to switch off).
    pub broken_off: String,
    /// What the keyboard's focus ring is on, in words, as the run stands now; empty while
    /// the canvas does not have the keyboard. The page shows them again as the run moves
    /// on under the ring (a server removed, a new term, a fresh run), so its hint never
    /// tells a moment gone by.
    pub focus: String,
}
