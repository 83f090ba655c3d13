//! The clock: the bindings own the page's loop. While something moves, one animation frame
//! after another (`requestAnimationFrame` through web-sys); at slow speeds, a sleep (a
//! gloo-timers timeout) that ends in a frame; while paused, nothing until a person acts —
//! every call that changes the page wakes the loop. Each frame makes one call into the page
//! model, paints what changed, and tells the shell which of its panels to refresh.

use crate::draw::Painter;
use alloc::rc::Rc;
use core::cell::RefCell;
use gloo_timers::callback::Timeout;
use river_view::app::App;
use wasm_bindgen::prelude::*;

/// The page model, its painter and the loop's state, shared by the handle and the loop.
pub struct Page {
    /// The page model.
    pub app: App,
    /// Paints its scenes.
    pub painter: Painter,
    /// Told the [`river_view::app::changed`] bits after a frame that changed something.
    pub on_change: Option<js_sys::Function>,
    /// An animation frame is requested and has not come yet.
    frame_pending: bool,
    /// The sleep before the next frame, if one is set (dropping it cancels it).
    sleep: Option<Timeout>,
    /// The animation frame callback, made once.
    frame: Option<Closure<dyn FnMut()>>,
}

/// The page, shared.
pub type Shared = Rc<RefCell<Page>>;

impl Page {
    /// A page not yet running its loop.
    pub fn new(app: App, painter: Painter) -> Shared {
        let page = Rc::new(RefCell::new(Page {
            app,
            painter,
            on_change: None,
            frame_pending: false,
            sleep: None,
            frame: None,
        }));
        // The callback holds the page and the page holds the callback: both live as long as
        // the document does.
        let held = page.clone();
        page.borrow_mut().frame = Some(Closure::new(move || frame(&held)));
        page
    }

    /// Advances the run to wall time `now_ms` and paints what changed; returns the changed
    /// bits.
    fn advance(&mut self, now_ms: f64) -> u32 {
        // The election lab's next slice of trials, timed by the wall clock.
        self.app.lab_work(&mut self::now_ms);
        let changed = self.app.frame(now_ms);
        if let (Some(surface), Some(scene)) = (&mut self.painter.lab, self.app.lab_scene()) {
            surface.paint(scene);
        }
        let (base, overlay) = self.app.scenes();
        if let Some(scene) = base {
            self.painter.base.paint(scene);
        }
        if let Some(scene) = overlay {
            self.painter.overlay.paint(scene);
        }
        changed
    }
}

thread_local! {
    /// Looked up once, not every frame (each lookup is two calls into JavaScript).
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
}

/// Runs the next frame soon: cancels a sleep, asks for an animation frame unless one is
/// asked for already.
pub fn wake(page: &Shared) {
    let mut p = page.borrow_mut();
    p.sleep = None;
    if p.frame_pending {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(callback) = &p.frame {
        let asked = window.request_animation_frame(callback.as_ref().unchecked_ref());
        p.frame_pending = asked.is_ok();
    }
}

/// One frame (an animation frame, or a sleep's end). The clock is read here, not taken from
/// an animation frame's timestamp: that is when the frame began, and may look not yet due.
fn frame(page: &Shared) {
    let (changed, next, tell) = {
        let mut p = page.borrow_mut();
        p.frame_pending = false;
        let changed = p.advance(now_ms());
        let next = p.app.next_frame_in_ms(now_ms());
        (changed, next, p.on_change.clone())
    };
    // The shell reads its panels back through the handle: the page is not borrowed now.
    if let (true, Some(tell)) = (changed != 0, tell) {
        let _ = tell.call1(&JsValue::NULL, &JsValue::from(changed));
    }
    match next {
        None => {}
        Some(0) => wake(page),
        Some(ms) => {
            let held = page.clone();
            // Not through an animation frame: what moves is on the overlay canvas, which is
            // desynchronized (web/main.ts), so it needs no page frame (style, paint, commit).
            page.borrow_mut().sleep = Some(Timeout::new(ms, move || frame(&held)));
        }
    }
}
