//! # river-wasm: River Raft in the browser
//!
//! The thin layer between the page and [`river_view`]: one opaque handle (`RiverRaft`, in
//! `handle.rs`) that owns the page model, reads actions from JavaScript values and answers
//! with serde-wasm-bindgen, and the canvas painter (`draw.rs`), which paints the scenes
//! river-view builds and decides nothing. Each animation frame the page makes one call that
//! advances the simulation and paints the canvas; nothing crosses into JavaScript per
//! message.
//!
//! Both are built only for wasm32; natively this crate is empty (river-view holds what is
//! tested natively).
#![forbid(unsafe_code)]

extern crate alloc;

/// The browser build's allocator: talc, made for wasm. It stays as bounded as dlmalloc (the
/// one `std` brings; about 17 MB after a 30-minute run with time travel's checkpoints) and
/// is 1.9 KB smaller gzipped; lol_alloc's free list was smaller still but fragmented without
/// bound (about 500 MB after the same run).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod clock;
#[cfg(target_arch = "wasm32")]
mod draw;
#[cfg(target_arch = "wasm32")]
mod handle;

/// A panic is a bug (an assertion in the core or the simulator failed): say where on the
/// console, then stop. The page sees the trap as an exception from the frame call and says
/// the simulation stopped. Only the location is read: formatting the message would keep
/// every panic's formatting code in the wasm.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(alloc::boxed::Box::new(|info| {
        let (file, line) = info.location().map_or(("", 0), |l| (l.file(), l.line()));
        web_sys::console::error_3(
            &"River Raft stopped: an internal check failed at".into(),
            &file.into(),
            &line.into(),
        );
    }));
}
