//! # river-wasm: River Raft in the browser
//!
//! The thin layer between the page and [`river_view`]: one opaque handle (`RiverRaft`, in
//! `handle.rs`) that owns the page model and takes and returns plain values, and the canvas
//! painter (`draw.rs`), which paints the scenes river-view builds and decides nothing. Each
//! animation frame the page makes one call that advances the simulation and paints the
//! canvas; nothing crosses into JavaScript per message.
//!
//! Both are built only for wasm32; natively this crate is empty (river-view holds what is
//! tested natively). The browser build is `no_std` like the crates below it.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

/// The browser build's allocator: talc, made for wasm. It stays as bounded as dlmalloc (the
/// one `std` brings; about 17 MB after a 30-minute run with time travel's checkpoints) and
/// is 1.9 KB smaller gzipped; lol_alloc's free list was smaller still but fragmented without
/// bound (about 500 MB after the same run).
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

#[cfg(target_arch = "wasm32")]
mod draw;
#[cfg(target_arch = "wasm32")]
mod handle;
