//! Where things are: the canvas split into the ring and the log panel, each server's place
//! on the ring, and the reverse — a point to the node or link under it (hit-testing).

use crate::look::{Look, PROJECTOR_BESIDE_PX, PROJECTOR_TEXT_PX};
use crate::maths;
use alloc::vec::Vec;
use core::f64::consts::{FRAC_PI_2, PI, TAU};
use river_core::NodeId;
use river_sim::network::Endpoint;

/// A point in CSS pixels.
pub type Point = (f64, f64);

/// The canvas size in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// The smallest canvas laid out; a smaller one is laid out at this size and clipped, so a
/// collapsed window never produces negative sizes. 150 px tall is what a 320×240 embed
/// playing a tour leaves the drawing under its caption.
pub const MIN_VIEWPORT: Viewport = Viewport {
    width: 240.0,
    height: 150.0,
};
/// The least size of words on a canvas under 400 px across or 200 px tall (a 320×240
/// embed); from there up it is [`super::MIN_TEXT_PX`].
pub const SMALL_TEXT_PX: f64 = 9.0;
/// The size of the "term" caption in a server's circle as a share of the circle's radius;
/// a circle too small for a legible caption shows its number alone.
pub const CAPTION_SHARE: f64 = 0.36;

/// The largest canvas laid out (8K), so absurd sizes cannot make huge backing stores.
pub const MAX_VIEWPORT: Viewport = Viewport {
    width: 7680.0,
    height: 4320.0,
};

impl Viewport {
    /// A viewport clamped to [`MIN_VIEWPORT`]..[`MAX_VIEWPORT`]; NaN counts as the minimum.
    pub fn new(width: f64, height: f64) -> Viewport {
        let clamp = maths::clamp;
        Viewport {
            width: clamp(width, MIN_VIEWPORT.width, MAX_VIEWPORT.width),
            height: clamp(height, MIN_VIEWPORT.height, MAX_VIEWPORT.height),
        }
    }
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether the point lies inside.
    pub fn contains(&self, (x, y): Point) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }
}

/// How far from a link's line a click still counts as on the link, in CSS pixels.
pub const LINK_HIT_PX: f64 = 9.0;
/// How far outside a node's circle a click still counts as on the node.
pub const NODE_HIT_SLACK_PX: f64 = 6.0;
/// The most messages drawn at once; more are on the wire only in pathological runs.
pub const MAX_DRAWN_MESSAGES: usize = 400;
/// The most users drawn.
pub const MAX_DRAWN_USERS: usize = 6;

/// Where everything goes for one canvas size and cluster size. Depends on nothing else, so
/// it is computed once per resize.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    /// The canvas.
    pub viewport: Viewport,
    /// Size factor for strokes and text: 1.0 on a ring area about 520 px across, times the
    /// look's [`Look::magnify`] (not on a small canvas: it has no room to draw larger).
    pub scale: f64,
    /// How the page is shown (projector view, reduced motion).
    pub look: Look,
    /// The area of the ring.
    pub ring: Rect,
    /// Centre of the ring.
    pub centre: Point,
    /// Radius of the ring (to node centres).
    pub ring_radius: f64,
    /// Radius of a node circle.
    pub node_radius: f64,
    /// Node centres, by id.
    pub nodes: Vec<Point>,
    /// The log panel card.
    pub logs: Rect,
    /// The least size of any word drawn: [`super::MIN_TEXT_PX`], [`PROJECTOR_TEXT_PX`] in the
    /// projector view, or [`SMALL_TEXT_PX`] on a small canvas. Words inside a shape that cannot hold them at this size are left out.
    pub text_px: f64,
    /// The size words inside a shape want: [`super::INSIDE_TEXT_PX`], or `text_px` on a
    /// small canvas; where a shape has no room for them they go down to `text_px`.
    pub inside_px: f64,
    /// The least size of words beside the drawing that have room (the Logs panel's indexes,
    /// key, role words and stores, a user's words, the clock): [`super::MIN_TEXT_PX`], or
    /// [`PROJECTOR_BESIDE_PX`] in the projector view.
    pub beside_px: f64,
    /// Where the words for the pointer and the keyboard go (the page's hint box): inside the
    /// log panel, which holds no server, link or message, so they never cover what the
    /// keyboard's ring is on. The page puts the box at this rectangle's foot, growing up:
    /// the rows leave a band there (`WORDS_BAND_PX` in `logs.rs`) where they can, so two
    /// lines cover no row and never the title; only a panel too short for the band (a
    /// 320×240 embed) has its last rows covered.
    pub words: Rect,
}

impl Geometry {
    /// Lays out `nodes` servers (at least one) on a canvas of `viewport`, in the default look.
    pub fn new(viewport: Viewport, nodes: usize) -> Geometry {
        Geometry::with_look(viewport, nodes, Look::default())
    }

    /// Lays out `nodes` servers (at least one) on a canvas of `viewport` in `look`: the
    /// projector view draws everything [`crate::look::PROJECTOR_SCALE`] times larger.
    pub fn with_look(viewport: Viewport, nodes: usize, look: Look) -> Geometry {
        assert!(nodes >= 1, "a cluster has at least one node");
        let v = Viewport::new(viewport.width, viewport.height);
        let landscape = v.width >= v.height * 1.15;
        // A small canvas (a 320×240 embed) has no room for the projector view's larger
        // drawing: its ring shrank to a knot of overlapping servers. It is laid out as
        // without it (the colours and line weights still change).
        let small = v.width.min(2.0 * v.height) < 400.0;
        let projected = look.projector && !small;
        let (ring, logs);
        if landscape {
            // The projector view's ring is larger for its size already: the logs get more.
            let share = if projected { 0.45 } else { 0.52 };
            let ring_w = (v.height * 1.05).min(v.width * share);
            ring = Rect {
                x: 0.0,
                y: 0.0,
                w: ring_w,
                h: v.height,
            };
            let pad = maths::clamp(v.height * 0.03, 8.0, 24.0);
            logs = Rect {
                x: ring_w,
                y: pad,
                w: (v.width - ring_w - pad).max(1.0),
                h: (v.height - 2.0 * pad).max(1.0),
            };
        } else {
            let ring_h = (v.width * 0.95).min(v.height * 0.58);
            ring = Rect {
                x: 0.0,
                y: 0.0,
                w: v.width,
                h: ring_h,
            };
            let pad = maths::clamp(v.width * 0.03, 8.0, 24.0);
            logs = Rect {
                x: pad,
                y: ring_h,
                w: (v.width - 2.0 * pad).max(1.0),
                h: (v.height - ring_h - pad).max(1.0),
            };
        }
        let span = ring.w.min(ring.h);
        let magnify = if projected { look.magnify() } else { 1.0 };
        let scale = maths::clamp(span / 520.0, 0.6, 1.6) * magnify;
        let centre = (ring.x + ring.w / 2.0, ring.y + ring.h / 2.0);
        let (text_px, inside_px, beside_px) = match (small, look.projector) {
            (true, _) => (SMALL_TEXT_PX, SMALL_TEXT_PX, super::MIN_TEXT_PX),
            (false, false) => (
                super::MIN_TEXT_PX,
                super::INSIDE_TEXT_PX,
                super::MIN_TEXT_PX,
            ),
            (false, true) => (PROJECTOR_TEXT_PX, PROJECTOR_TEXT_PX, PROJECTOR_BESIDE_PX),
        };
        // Large enough for its "term" caption at the size words inside a shape want, where
        // there is room: the ring's scale alone leaves a 640×400 embed's circles with 7 px
        // words.
        let wanted = (30.0 * scale).max(inside_px / CAPTION_SHARE);
        // Room outside the circles for the timer ring, the letter and the role word.
        let ring_for = |r: f64| (span / 2.0 - r - 58.0 * scale).max(r);
        let largest = |ring: f64| {
            if nodes > 1 {
                let chord = 2.0 * ring * maths::sin_cos(PI / nodes as f64).0;
                // A link between a server's two neighbours passes inside it: its middle stays
                // clickable, outside the server's reach (9 servers with larger circles hid it).
                let between = if nodes > 2 {
                    ring * (1.0 - maths::sin_cos(TAU / nodes as f64).1) - NODE_HIT_SLACK_PX - 2.0
                } else {
                    f64::INFINITY
                };
                wanted.min(chord * 0.345).min(between).max(12.0)
            } else {
                wanted
            }
        };
        // Circles that cannot have their wanted size leave the ring more room, which lets
        // them grow a little: a few rounds settle it (each moves it under a third as much).
        let mut node_radius = wanted;
        for _ in 0..6 {
            node_radius = largest(ring_for(node_radius));
        }
        let ring_radius = ring_for(node_radius);
        node_radius = node_radius.min(largest(ring_radius));
        let nodes = (0..nodes)
            .map(|i| {
                if nodes == 1 {
                    return centre;
                }
                let angle = -FRAC_PI_2 + TAU * i as f64 / nodes as f64;
                let (sin, cos) = maths::sin_cos(angle);
                (centre.0 + ring_radius * cos, centre.1 + ring_radius * sin)
            })
            .collect();
        Geometry {
            viewport: v,
            scale,
            look,
            ring,
            centre,
            ring_radius,
            node_radius,
            nodes,
            logs,
            text_px,
            inside_px,
            beside_px,
            words: Rect {
                x: logs.x + 4.0,
                y: logs.y + 4.0,
                w: (logs.w - 8.0).max(1.0),
                h: (logs.h - 8.0).max(1.0),
            },
        }
    }

    /// Centre of node `id`.
    pub fn node(&self, id: NodeId) -> Point {
        self.nodes[id.index()]
    }

    /// The unit vector from the ring's centre out through node `id` (up for a lone node).
    pub fn outward(&self, id: NodeId) -> Point {
        let (x, y) = self.node(id);
        let (dx, dy) = (x - self.centre.0, y - self.centre.1);
        let len = maths::sqrt(dx * dx + dy * dy);
        if len < 1e-9 {
            (0.0, -1.0)
        } else {
            (dx / len, dy / len)
        }
    }

    /// Where user (client) `k` stands: the first in the ring area's top-left corner, the
    /// second in its top-right one (its words to the left of it), the next ones below them,
    /// taking turns. A single column had the second user beside the left-hand server on a
    /// short ring area (its letter and circle under User Y in the projector view at
    /// 1280×720 and in a 320×240 embed); the top-right corner was empty.
    pub fn user(&self, k: usize) -> Point {
        let s = self.scale;
        // Nearer the edge on a small canvas (a 320×240 embed), where the ring leaves the
        // corner little room for the words.
        let inset = if self.text_px < super::MIN_TEXT_PX {
            24.0 * s
        } else {
            40.0 * s
        };
        let x = if self.user_on_right(k) {
            self.ring.right() - inset
        } else {
            self.ring.x + inset
        };
        (x, self.ring.y + 34.0 * s + (k / 2) as f64 * 62.0 * s)
    }

    /// Whether user `k` stands on the right (its words to the left of it).
    pub fn user_on_right(&self, k: usize) -> bool {
        k % 2 == 1
    }

    pub(super) fn endpoint(&self, e: Endpoint) -> Point {
        match e {
            Endpoint::Node(id) => self.node(id),
            Endpoint::Client(c) => self.user(c as usize),
        }
    }
}

/// What is under a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A server.
    Node(NodeId),
    /// The link between `a` and `b` (`a < b`); `near` is the end closer to the point.
    Link {
        /// Lower id.
        a: NodeId,
        /// Higher id.
        b: NodeId,
        /// The end nearer the point.
        near: NodeId,
    },
}

/// The node or link under `point`, if any. Nodes win over links; among links, the nearest.
pub fn hit_test(geo: &Geometry, point: Point) -> Option<Hit> {
    let r = geo.node_radius;
    let mut best_node: Option<(f64, NodeId)> = None;
    for (i, &c) in geo.nodes.iter().enumerate() {
        let d = distance(point, c);
        if d <= r + NODE_HIT_SLACK_PX && best_node.is_none_or(|(bd, _)| d < bd) {
            best_node = Some((d, NodeId(i as u8)));
        }
    }
    if let Some((_, id)) = best_node {
        return Some(Hit::Node(id));
    }
    let mut best_link: Option<(f64, Hit)> = None;
    let n = geo.nodes.len();
    for a in 0..n {
        for b in a + 1..n {
            let (pa, pb) = (geo.nodes[a], geo.nodes[b]);
            let (d, t) = distance_to_segment(point, pa, pb);
            if d > LINK_HIT_PX {
                continue;
            }
            let len = distance(pa, pb);
            // Only the visible part between the circles counts.
            if t * len < r || (1.0 - t) * len < r {
                continue;
            }
            let near = if t <= 0.5 { a } else { b };
            let hit = Hit::Link {
                a: NodeId(a as u8),
                b: NodeId(b as u8),
                near: NodeId(near as u8),
            };
            if best_link.is_none_or(|(bd, _)| d < bd) {
                best_link = Some((d, hit));
            }
        }
    }
    best_link.map(|(_, h)| h)
}

pub(super) fn distance(a: Point, b: Point) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    maths::sqrt(dx * dx + dy * dy)
}

/// Distance from `p` to segment `a`–`b`, and where along it (0 at `a`, 1 at `b`) the
/// nearest point lies.
fn distance_to_segment(p: Point, a: Point, b: Point) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 < 1e-12 {
        return (distance(p, a), 0.0);
    }
    let t = maths::clamp(((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2, 0.0, 1.0);
    (distance(p, (a.0 + t * dx, a.1 + t * dy)), t)
}
