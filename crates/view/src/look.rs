//! How the page is shown, apart from what it shows: the projector view (large type, thick
//! lines, strong contrast, for the back of a classroom) and reduced motion (messages jump
//! along their link instead of gliding). Neither changes the run, so neither is an
//! [`crate::action::Action`] or goes into the journal; a share link opens in the look of
//! whoever opens it.

use crate::maths;

/// How much larger the projector view draws everything on the canvas (text, circles,
/// marks): a 20 px label becomes 28 px.
pub const PROJECTOR_SCALE: f64 = 1.4;
/// The least size of words inside a shape in the projector view (a log entry's term and
/// command, a server's "term" caption, a message's count), in CSS px, where the canvas is
/// not small: the layout's own scale drew a 1280×720 projector's Logs panel at 11 px.
pub const PROJECTOR_TEXT_PX: f64 = 14.0;
/// The least size of words beside the drawing in the projector view (the Logs panel's
/// indexes, key, role words and stores, a user's words, the clock), in CSS px.
pub const PROJECTOR_BESIDE_PX: f64 = 16.0;
/// How much thicker the projector view draws lines, on top of [`PROJECTOR_SCALE`].
pub const PROJECTOR_LINE_WEIGHT: f64 = 1.3;
/// The places a message takes on its way under reduced motion: it jumps between them
/// (a sixth, half and five sixths of the way) instead of gliding.
pub const REDUCED_MOTION_STOPS: f64 = 3.0;

/// The page's look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    /// The projector view: everything larger, lines thicker, pale colours darker.
    pub projector: bool,
    /// The person asked for less motion (`prefers-reduced-motion`).
    pub reduced_motion: bool,
}

impl Look {
    /// The factor by which canvas sizes grow.
    pub fn magnify(self) -> f64 {
        if self.projector {
            PROJECTOR_SCALE
        } else {
            1.0
        }
    }

    /// The fraction of its trip a message is drawn at when it has gone `progress` of it:
    /// the same under normal motion, one of [`REDUCED_MOTION_STOPS`] places otherwise.
    pub fn trip(self, progress: f64) -> f64 {
        if !self.reduced_motion {
            return progress;
        }
        let stop = maths::clamp(
            maths::floor(progress * REDUCED_MOTION_STOPS),
            0.0,
            REDUCED_MOTION_STOPS - 1.0,
        );
        (stop + 0.5) / REDUCED_MOTION_STOPS
    }
}
