//! # river-wasm: River Raft in the browser
//!
//! The thin layer between the page and [`river_sim`]: one opaque handle (`RiverRaft`, in
//! `handle.rs`, built only for wasm32) that owns the simulation and takes and returns plain
//! values — numbers and strings, state as one JSON string. Each animation frame the page
//! makes one call that advances the simulation and paints the canvas; nothing crosses into
//! JavaScript per message.
//!
//! - [`app`]: the page's model — clock, speed, scenario, every action a person can take.
//! - [`layout`]: pure geometry — state and canvas size to [`scene`] shapes, and a point back
//!   to the node or link under it.
//! - [`narrate`]: the trace in plain words for the event feed and the status line.
//! - `draw` (wasm32 only): paints a scene through the canvas 2D context and decides nothing.
//!
//! Everything but `handle` and `draw` compiles natively and is tested with `cargo test`.
//! The browser build is `no_std` like the core and the simulator: no panic formatting, no
//! maths library, no float printing — which keeps the page within its size budget. Native
//! builds use `std`, for the tests.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

/// The browser build's allocator: dlmalloc, the one `std` brings. lol_alloc's free list
/// saved 2.3 KB of the gzipped page but fragmented without bound: after a 30-minute run the
/// page held about 300 MB (500 MB with time travel's checkpoints) where dlmalloc holds 17 MB.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic is a bug (an assertion in the core or the simulator failed): report where, then
/// stop. The page sees the trap as an exception from the frame call and says the
/// simulation stopped.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    handle::report_panic(info);
    core::arch::wasm32::unreachable()
}

pub mod app;
pub mod journal;
pub mod json;
pub mod layout;
pub mod maths;
pub mod narrate;
pub mod scene;
pub mod settings;
pub mod theme;

#[cfg(target_arch = "wasm32")]
mod draw;
#[cfg(target_arch = "wasm32")]
mod handle;
