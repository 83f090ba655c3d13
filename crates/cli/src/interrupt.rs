//! Ctrl-C during `river check`: the first stops it after the seeds under way, so its summary
//! tells the seeds checked (it used to end the check with nothing said); a second ends it at
//! once, as Ctrl-C did before. `signal-hook` and its registry (two small crates over libc)
//! set the handler: the workspace forbids `unsafe`, which a bare `sigaction` needs.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The exit status of a check stopped by Ctrl-C with nothing found (128 + SIGINT's number,
/// 2, what a shell reports for a process Ctrl-C ended).
pub const INTERRUPTED_STATUS: u8 = 130;

/// A flag set by the first Ctrl-C (SIGINT). Once it is set, the next Ctrl-C ends the program
/// at once with [`INTERRUPTED_STATUS`]. If the handler cannot be set, Ctrl-C ends the program
/// at once as it always did, and the flag stays down.
pub fn on_ctrl_c() -> Arc<AtomicBool> {
    use signal_hook::consts::SIGINT;
    use signal_hook::flag;
    let interrupted = Arc::new(AtomicBool::new(false));
    // The shutdown first: it acts only once the flag is up, that is from the second Ctrl-C.
    let _ = flag::register_conditional_shutdown(
        SIGINT,
        i32::from(INTERRUPTED_STATUS),
        Arc::clone(&interrupted),
    )
    .and_then(|_| flag::register(SIGINT, Arc::clone(&interrupted)));
    interrupted
}
