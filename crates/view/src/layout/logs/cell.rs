//! One entry's box in a row of the log panel: its fill and edge, its command and, where the
//! box has room, its term above the command.

use super::*;

/// One log cell's place in its row: every entry of the row has the same size.
pub(super) struct Cell {
    /// Top of the box.
    pub(super) y: f64,
    /// Width of the box.
    pub(super) w: f64,
    /// Height of the box.
    pub(super) h: f64,
    mid: f64,
    s: f64,
    /// The least size of its words: a box too small for them shows its colour and edge only.
    least: f64,
    /// The size its words want (at least `least`): a command too long for it shrinks
    /// towards `least` before it is cut.
    wanted: f64,
}

impl Cell {
    pub(super) fn new(mid: f64, w: f64, h: f64, s: f64, (least, wanted): (f64, f64)) -> Cell {
        Cell {
            y: mid - h / 2.0,
            w,
            h,
            mid,
            s,
            least,
            wanted: wanted.max(least),
        }
    }

    /// Paints an entry's box at `x`, its text and (when there is room) its term; returns
    /// the text's centre line.
    pub(super) fn paint(
        &self,
        scene: &mut Scene,
        x: f64,
        (fill, stroke): (Color, Stroke),
        label: &str,
        label_color: Color,
        term: river_core::Term,
    ) -> f64 {
        let s = self.s;
        scene.push(Shape::Rect {
            x,
            y: self.y,
            w: self.w,
            h: self.h,
            radius: 4.0 * s,
            fill: Some(fill),
            stroke: Some(stroke),
        });
        // The command and, above it when both fit, the term, each at the least size or more;
        // a box too small for the command at that size shows its colour and edge alone.
        let full = (13.0 * s).max(self.wanted).min(self.h * 0.6);
        let small = (13.0 * s).max(self.least).min(self.h * 0.6);
        // The term at the size words inside a shape want or, in a short box (a banner over
        // the drawing's foot, a 640×400 embed), at the least size, the command too if need
        // be. Every box of a row decides alike: from the command's whole size, not what a
        // long label shrinks to.
        let fits = |(term, cmd): (f64, f64)| self.h >= (3.0 * s + term + cmd / 2.0) / CELL_FILL;
        let (wanted, least) = ((9.5 * s).max(self.wanted), (9.5 * s).max(self.least));
        let fitting = [(wanted, full), (least, full), (least, small)]
            .into_iter()
            .find(|&pair| fits(pair));
        let has_room = fitting.is_some();
        let term_size = fitting.map(|(term, _)| term);
        let full = fitting.map_or(full, |(_, cmd)| cmd);
        // A command that does not fit whole shrinks, half a pixel at a time, down to the
        // least size; only there is it cut ("no-op" read "no-…" in a 320×240 embed).
        let room = |size: f64| chars_in(self.w - 6.0 * s, size);
        let mut cmd_size = full;
        while char_count(label) > room(cmd_size) && cmd_size - 0.5 >= self.least {
            cmd_size -= 0.5;
        }
        let text_y = if has_room {
            self.y + self.h * CELL_FILL
        } else {
            self.mid
        };
        if font(cmd_size, false).size >= self.least {
            scene.push(text(
                x + self.w / 2.0,
                text_y,
                fit(label, room(cmd_size)),
                mono(cmd_size, false),
                label_color,
                Align::Center,
            ));
        }
        if let Some(term_size) = term_size {
            scene.push(text(
                x + 4.0 * s,
                self.y + 3.0 * s + term_size / 2.0,
                format!("t{}", term.0),
                font(term_size, true),
                theme::INK,
                Align::Left,
            ));
        }
        text_y
    }
}
