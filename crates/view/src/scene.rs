//! Shapes: what the layout decides and the painter draws, as plain values. A scene is a list
//! painted in order (later shapes on top), in CSS pixels from the canvas's top-left corner.

use crate::words::char_count;
use alloc::string::String;
use alloc::vec::Vec;

/// A CSS colour, always one of the constants in [`crate::theme`].
pub type Color = &'static str;

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// Long dashes: "not yet", "cut".
    Dashed,
    /// Short dots: hints and ghosts.
    Dotted,
    /// Long dashes with short gaps (the election lab's lines).
    Long,
    /// Dash, dot, dash (the election lab's lines).
    DashDot,
}

/// An outline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Colour.
    pub color: Color,
    /// Width in CSS pixels.
    pub width: f64,
    /// Pattern.
    pub dash: Dash,
}

impl Stroke {
    /// A solid line.
    pub fn solid(color: Color, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: Dash::Solid,
        }
    }

    /// A dashed line.
    pub fn dashed(color: Color, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: Dash::Dashed,
        }
    }
}

/// Horizontal text alignment; text is always vertically centred on its `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    /// `x` is the left edge.
    Left,
    /// `x` is the centre.
    Center,
    /// `x` is the right edge.
    Right,
}

/// A font: the painter turns it into a CSS font string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    /// Size in CSS pixels (rounded to a half pixel by the layout, so equal sizes compare
    /// equal and the painter rarely re-parses the font).
    pub size: f64,
    /// Bold weight.
    pub bold: bool,
    /// Monospaced (commands and values, whose width the layout computes exactly).
    pub mono: bool,
}

/// Width of one character of the monospaced font, as a fraction of its size. The layout
/// truncates commands with it, so long text never spills out of a log cell.
pub const MONO_ADVANCE: f64 = 0.62;
/// A sans-serif character's mean width, in ems: for "does this line fit", where a line may
/// fall short rather than run into something.
pub const SANS_ADVANCE: f64 = 0.56;

/// How wide `text` runs at `size` px, `advance` being one character's width in ems
/// ([`MONO_ADVANCE`] or [`SANS_ADVANCE`]): the one estimate the layout fits text with (it
/// measures nothing). Bold runs a little wider; callers that set bold text allow for it.
pub fn text_width(text: &str, size: f64, advance: f64) -> f64 {
    char_count(text) as f64 * size * advance
}

impl Font {
    /// One character's width in ems: [`MONO_ADVANCE`] or [`SANS_ADVANCE`].
    pub fn advance(&self) -> f64 {
        if self.mono {
            MONO_ADVANCE
        } else {
            SANS_ADVANCE
        }
    }

    /// How wide `text` runs in this font, at regular weight ([`text_width`]).
    pub fn width(&self, text: &str) -> f64 {
        text_width(text, self.size, self.advance())
    }
}

/// One thing to paint.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A filled and/or outlined circle.
    Circle {
        /// Centre x.
        x: f64,
        /// Centre y.
        y: f64,
        /// Radius.
        r: f64,
        /// Fill, if any.
        fill: Option<Color>,
        /// Outline, if any.
        stroke: Option<Stroke>,
    },
    /// Part of a circle's outline, clockwise from `from` to `to` (radians, 0 = east).
    Arc {
        /// Centre x.
        x: f64,
        /// Centre y.
        y: f64,
        /// Radius.
        r: f64,
        /// Start angle.
        from: f64,
        /// End angle.
        to: f64,
        /// Outline.
        stroke: Stroke,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f64,
        /// Start y.
        y1: f64,
        /// End x.
        x2: f64,
        /// End y.
        y2: f64,
        /// Outline.
        stroke: Stroke,
    },
    /// A rectangle with rounded corners.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// Corner radius.
        radius: f64,
        /// Fill, if any.
        fill: Option<Color>,
        /// Outline, if any.
        stroke: Option<Stroke>,
    },
    /// A filled triangle (arrowheads).
    Triangle {
        /// Corners.
        points: [(f64, f64); 3],
        /// Fill.
        fill: Color,
    },
    /// One line of text.
    Text {
        /// Anchor x (see `align`).
        x: f64,
        /// Vertical centre.
        y: f64,
        /// What to write; user text arrives here already truncated to fit.
        text: String,
        /// Font.
        font: Font,
        /// Colour.
        color: Color,
        /// Alignment.
        align: Align,
    },
    /// Opacity for the shapes that follow, until the next `Alpha` (1.0 = opaque).
    Alpha(f64),
    /// Straight lines joining the points in order, stroked as one (so a dash pattern runs
    /// on across corners): the election lab's curves.
    Path {
        /// The corners, in order.
        points: Vec<(f64, f64)>,
        /// Outline.
        stroke: Stroke,
    },
}

/// Everything to paint on one layer in one frame. The page has two layers, stacked: the
/// base (what changes only when something happens: servers, links, logs) and the overlay
/// (what moves every frame: messages, timers, the clock), so most frames repaint only the
/// overlay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// Width of the drawing in CSS pixels.
    pub width: f64,
    /// Height of the drawing in CSS pixels.
    pub height: f64,
    /// A rectangle (x, y, w, h) to make transparent before painting, for a layer that does
    /// not paint its own background.
    pub erase: Option<(f64, f64, f64, f64)>,
    /// Shapes, back to front.
    pub shapes: Vec<Shape>,
}

impl Scene {
    /// Empties the scene for a new frame, keeping its memory.
    pub fn clear(&mut self, width: f64, height: f64) {
        self.width = width;
        self.height = height;
        self.erase = None;
        self.shapes.clear();
    }

    /// Adds a shape on top.
    pub fn push(&mut self, shape: Shape) {
        self.shapes.push(shape);
    }

    /// Draws every colour through `color` and every line `weight` times thicker (the
    /// projector view: one pass at the end, so no layout code branches on the look).
    pub fn restyle(&mut self, color: fn(Color) -> Color, weight: f64) {
        let stroke = |s: &mut Stroke| {
            s.color = color(s.color);
            s.width *= weight;
        };
        for shape in &mut self.shapes {
            match shape {
                Shape::Circle {
                    fill, stroke: s, ..
                }
                | Shape::Rect {
                    fill, stroke: s, ..
                } => {
                    if let Some(f) = fill {
                        *f = color(f);
                    }
                    if let Some(s) = s {
                        stroke(s);
                    }
                }
                Shape::Arc { stroke: s, .. }
                | Shape::Line { stroke: s, .. }
                | Shape::Path { stroke: s, .. } => stroke(s),
                Shape::Triangle { fill, .. } => *fill = color(fill),
                Shape::Text { color: c, .. } => *c = color(c),
                Shape::Alpha(_) => {}
            }
        }
    }

    /// Every text in the scene, in painting order (for tests).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.shapes.iter().filter_map(|s| match s {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    /// A fingerprint of the scene at a quarter-pixel resolution: when two frames have the
    /// same fingerprint the painter can skip the second (at slow speeds most frames repeat).
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fingerprint(0x243F_6A88_85A3_08D3);
        h.f(self.width);
        h.f(self.height);
        if let Some((x, y, w, height)) = self.erase {
            h.f(x);
            h.f(y);
            h.f(w);
            h.f(height);
        }
        for shape in &self.shapes {
            match shape {
                Shape::Circle {
                    x,
                    y,
                    r,
                    fill,
                    stroke,
                } => {
                    h.word(1);
                    h.f(*x);
                    h.f(*y);
                    h.f(*r);
                    h.color(*fill);
                    h.stroke(*stroke);
                }
                Shape::Arc {
                    x,
                    y,
                    r,
                    from,
                    to,
                    stroke,
                } => {
                    h.word(2);
                    h.f(*x);
                    h.f(*y);
                    h.f(*r);
                    h.f(*from * 64.0);
                    h.f(*to * 64.0);
                    h.stroke(Some(*stroke));
                }
                Shape::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    h.word(3);
                    h.f(*x1);
                    h.f(*y1);
                    h.f(*x2);
                    h.f(*y2);
                    h.stroke(Some(*stroke));
                }
                Shape::Rect {
                    x,
                    y,
                    w,
                    h: height,
                    radius,
                    fill,
                    stroke,
                } => {
                    h.word(4);
                    h.f(*x);
                    h.f(*y);
                    h.f(*w);
                    h.f(*height);
                    h.f(*radius);
                    h.color(*fill);
                    h.stroke(*stroke);
                }
                Shape::Triangle { points, fill } => {
                    h.word(5);
                    for (x, y) in points {
                        h.f(*x);
                        h.f(*y);
                    }
                    h.color(Some(*fill));
                }
                Shape::Text {
                    x,
                    y,
                    text,
                    font,
                    color,
                    align,
                } => {
                    h.word(6);
                    h.f(*x);
                    h.f(*y);
                    for chunk in text.as_bytes().chunks(8) {
                        let mut word = [0u8; 8];
                        word[..chunk.len()].copy_from_slice(chunk);
                        h.word(u64::from_le_bytes(word));
                    }
                    h.f(font.size);
                    h.word(u64::from(font.bold) | u64::from(font.mono) << 1 | (*align as u64) << 2);
                    h.color(Some(*color));
                }
                Shape::Alpha(a) => {
                    h.word(7);
                    h.f(*a * 256.0);
                }
                Shape::Path { points, stroke } => {
                    h.word(8);
                    for (x, y) in points {
                        h.f(*x);
                        h.f(*y);
                    }
                    h.stroke(Some(*stroke));
                }
            }
        }
        h.0
    }
}

/// A word-at-a-time mixer for [`Scene::fingerprint`].
struct Fingerprint(u64);

impl Fingerprint {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn f(&mut self, v: f64) {
        self.word(crate::maths::round(v * 4.0) as i64 as u64);
    }
    fn color(&mut self, c: Option<Color>) {
        let Some(c) = c else { return self.word(0) };
        for chunk in c.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
    }
    fn stroke(&mut self, s: Option<Stroke>) {
        match s {
            None => self.word(0),
            Some(s) => {
                self.color(Some(s.color));
                self.f(s.width);
                self.word(s.dash as u64);
            }
        }
    }
}
