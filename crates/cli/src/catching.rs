//! A panic inside one run caught and told as that run's failure.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// While [`catching`] runs on this thread: what the last panic said, and where.
    static LAST_PANIC: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic inside it into `Err` with the panic's message and place, so one
/// broken seed is reported as that seed's failure instead of ending the whole check.
/// (river-sim stays `no_std`: catching happens here, at the edge.)
pub fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = info.to_string().replace('\n', " ");
            let caught = LAST_PANIC.with(|last| match last.borrow_mut().as_mut() {
                Some(slot) => {
                    *slot = Some(text);
                    true
                }
                None => false,
            });
            if !caught {
                print(info);
            }
        }));
    });
    LAST_PANIC.with(|last| *last.borrow_mut() = Some(None));
    let result = catch_unwind(AssertUnwindSafe(f));
    let message = LAST_PANIC.with(|last| last.borrow_mut().take()).flatten();
    result.map_err(|_| message.unwrap_or_else(|| String::from("panicked")))
}
