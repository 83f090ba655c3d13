//! # river-view: River Raft's page without the browser
//!
//! Everything of the page that decides or describes, with no browser type in sight, so it
//! builds and is tested natively (`cargo test -p river-view`). The bindings crate
//! (river-wasm) holds one [`app::App`], forwards what JavaScript asks, paints the scenes it
//! returns and drives its clock.
//!
//! - [`app`]: the page's model — clock, speed, scenario, every action a person can take.
//! - [`layout`]: pure geometry — state and canvas size to [`scene`] shapes, and a point back
//!   to the node or link under it.
//! - [`narrate`]: the trace in plain words for the event feed and the status line.
//! - [`journal`]: how a run began and what people did to it, each action at its moment.
//! - [`settings`]: the knobs a person can turn, and the page address's parameters.
//!
//! `no_std` like the core and the simulator: no panic formatting, no maths library, no float
//! printing ([`maths`] has the little the page needs), which keeps the page within its size
//! budget.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod action;
pub mod answers;
pub mod app;
pub mod feed;
pub mod journal;
pub mod lab;
pub mod layout;
pub mod linearizable;
pub mod look;
pub mod marks;
pub mod maths;
pub mod members;
pub mod narrate;
pub mod scene;
pub mod settings;
pub mod stored;
pub mod theme;
pub mod words;
