//! Layout: the cluster's state and the canvas size in, shapes out — and the reverse, a point
//! on the canvas to the node or link under it. Pure: no canvas, no clock, no randomness, so
//! it is tested natively. Everything is in CSS pixels from the canvas's top-left corner.
//!
//! The canvas holds two areas: the ring (servers on a circle, a line for every pair, the
//! messages moving along the lines, the users who send changes) and the log panel (one row
//! per server: its log, entries aligned by index and coloured by term, and its key-value
//! store). On a wide canvas they sit side by side; on a tall one the ring is on top.

use crate::maths;
use crate::narrate::{speed_label, user_name};
use crate::scene::{Align, Color, Dash, Font, Scene, Shape, Stroke, MONO_ADVANCE};
use crate::theme;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::f64::consts::{FRAC_PI_2, PI, TAU};
use river_core::{Body, MessageKind, NodeId, Payload, Role};
use river_sim::kv::Op;
use river_sim::network::{Endpoint, InFlight, Packet, Reply};
use river_sim::Simulation;

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
/// collapsed window never produces negative sizes.
pub const MIN_VIEWPORT: Viewport = Viewport {
    width: 240.0,
    height: 200.0,
};
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
    /// Size factor for strokes and text: 1.0 on a ring area about 520 px across.
    pub scale: f64,
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
}

impl Geometry {
    /// Lays out `nodes` servers (at least one) on a canvas of `viewport`.
    pub fn new(viewport: Viewport, nodes: usize) -> Geometry {
        assert!(nodes >= 1, "a cluster has at least one node");
        let v = Viewport::new(viewport.width, viewport.height);
        let landscape = v.width >= v.height * 1.15;
        let (ring, logs);
        if landscape {
            let ring_w = (v.height * 1.05).min(v.width * 0.52);
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
        let scale = maths::clamp(span / 520.0, 0.6, 1.6);
        let centre = (ring.x + ring.w / 2.0, ring.y + ring.h / 2.0);
        let mut node_radius = 30.0 * scale;
        // Room outside the circles for the timer ring, the letter and the role word.
        let ring_radius = (span / 2.0 - node_radius - 58.0 * scale).max(node_radius);
        if nodes > 1 {
            let chord = 2.0 * ring_radius * maths::sin_cos(PI / nodes as f64).0;
            node_radius = node_radius.min(chord * 0.32).max(12.0);
        }
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
            ring,
            centre,
            ring_radius,
            node_radius,
            nodes,
            logs,
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

    /// Where user (client) `k` stands: a column in the ring area's top-left corner.
    pub fn user(&self, k: usize) -> Point {
        let s = self.scale;
        (
            self.ring.x + 40.0 * s,
            self.ring.y + 34.0 * s + k as f64 * 62.0 * s,
        )
    }

    fn endpoint(&self, e: Endpoint) -> Point {
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

fn distance(a: Point, b: Point) -> f64 {
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

/// A message that never arrived, drawn fading out where it was lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ghost {
    /// Sender.
    pub from: Endpoint,
    /// Intended receiver.
    pub to: Endpoint,
    /// Raft kind, `None` for client traffic.
    pub kind: Option<MessageKind>,
    /// When it was lost (simulated ms, fractional).
    pub start_ms: f64,
    /// When the ghost is gone.
    pub end_ms: f64,
    /// Lost at the receiving end (link cut on arrival, receiver down) rather than on the way.
    pub at_end: bool,
}

/// Everything besides the geometry that the picture depends on.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// The cluster.
    pub sim: &'a Simulation,
    /// The display clock: the simulation's time plus the fraction of a millisecond the
    /// animation has reached (so messages glide even at 1/1000× speed).
    pub clock_ms: f64,
    /// Whether the run is paused.
    pub paused: bool,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// What is under the pointer.
    pub hover: Option<Hit>,
    /// The node whose menu is open.
    pub selected: Option<NodeId>,
    /// Lost messages still fading.
    pub ghosts: &'a [Ghost],
}

fn font(size: f64, bold: bool) -> Font {
    Font {
        size: maths::round(size * 2.0) / 2.0,
        bold,
        mono: false,
    }
}

fn mono(size: f64, bold: bool) -> Font {
    Font {
        size: maths::round(size * 2.0) / 2.0,
        bold,
        mono: true,
    }
}

fn text(x: f64, y: f64, text: impl Into<String>, font: Font, color: Color, align: Align) -> Shape {
    Shape::Text {
        x,
        y,
        text: text.into(),
        font,
        color,
        align,
    }
}

/// Cuts `s` to at most `max_chars` characters, ending with "…" when cut, and replaces
/// control characters (user text must never break the layout).
pub fn fit(s: &str, max_chars: usize) -> String {
    let count = crate::settings::char_count(s);
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    if count <= max_chars {
        return s.chars().map(clean).collect();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max_chars - 1).map(clean).collect();
    out.push('…');
    out
}

/// How many monospaced characters of `size` fit in `width`.
fn chars_in(width: f64, size: f64) -> usize {
    maths::floor(width / (size * MONO_ADVANCE)).max(0.0) as usize
}

/// The short text a log cell or message shows for an op.
pub fn op_text(op: &Op) -> String {
    format!("{op}")
}

/// Builds the base layer into `scene`: what changes only when something happens — links,
/// users, servers, logs. It depends on the cluster, the pointer and the canvas size, never
/// on the clock between events.
pub fn build(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    scene.clear(geo.viewport.width, geo.viewport.height);
    scene.push(Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: geo.viewport.width,
        h: geo.viewport.height,
        radius: 0.0,
        fill: Some(theme::BACKGROUND),
        stroke: None,
    });
    links(scene, geo, view);
    users(scene, geo, view);
    nodes(scene, geo, view);
    logs(scene, geo, view);
}

/// Builds the overlay layer into `scene`: what moves with the clock — election timers,
/// messages on the wire, lost messages fading, the time. It covers only the ring area.
pub fn build_overlay(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    scene.clear(geo.viewport.width, geo.viewport.height);
    let r = geo.ring;
    scene.erase = Some((r.x, r.y, r.w, r.h));
    timers(scene, geo, view);
    messages(scene, geo, view);
    ghosts(scene, geo, view);
    clock(scene, geo, view);
}

fn timers(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let track = geo.node_radius + 6.5 * s;
    for id in view.sim.ids() {
        let Some(f) = timer_fraction(view, id).filter(|f| *f > 0.0) else {
            continue;
        };
        let (x, y) = geo.node(id);
        let color = if f > 0.8 {
            theme::TIMER_LATE
        } else {
            theme::TIMER
        };
        scene.push(Shape::Arc {
            x,
            y,
            r: track,
            from: -FRAC_PI_2,
            to: -FRAC_PI_2 + TAU * f,
            stroke: Stroke::solid(color, 4.0 * s),
        });
    }
}

fn links(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let net = view.sim.network();
    let n = geo.nodes.len();
    for a in 0..n {
        for b in a + 1..n {
            let (ia, ib) = (NodeId(a as u8), NodeId(b as u8));
            let (pa, pb) = (geo.nodes[a], geo.nodes[b]);
            let hovered =
                matches!(view.hover, Some(Hit::Link { a: ha, b: hb, .. }) if ha == ia && hb == ib);
            let (ab, ba) = (net.is_up(ia, ib), net.is_up(ib, ia));
            let width = if hovered { 3.5 * s } else { 2.0 * s };
            match (ab, ba) {
                (true, true) => {
                    let color = if hovered {
                        theme::LINK_HOVER
                    } else {
                        theme::LINK
                    };
                    scene.push(line(pa, pb, Stroke::solid(color, width)));
                }
                (false, false) => {
                    scene.push(line(pa, pb, Stroke::dashed(theme::LINK_CUT, width)));
                    cross(scene, midpoint(pa, pb, 0.5), 6.0 * s);
                }
                _ => {
                    // One way cut: two lanes, the working one grey, the cut one red with an
                    // arrow showing which way messages no longer pass.
                    let (from, to) = if ab { (pb, pa) } else { (pa, pb) };
                    let lane = 4.0 * s;
                    let (f1, t1) = offset(from, to, lane);
                    let (f2, t2) = offset(to, from, lane);
                    let up_color = if hovered {
                        theme::LINK_HOVER
                    } else {
                        theme::LINK
                    };
                    scene.push(line(f2, t2, Stroke::solid(up_color, width)));
                    scene.push(line(f1, t1, Stroke::dashed(theme::LINK_CUT, width)));
                    arrow_head(scene, f1, t1, 0.62, 8.0 * s, theme::LINK_CUT);
                    cross(scene, midpoint(f1, t1, 0.42), 5.0 * s);
                }
            }
        }
    }
}

fn line(a: Point, b: Point, stroke: Stroke) -> Shape {
    Shape::Line {
        x1: a.0,
        y1: a.1,
        x2: b.0,
        y2: b.1,
        stroke,
    }
}

fn midpoint(a: Point, b: Point, t: f64) -> Point {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// The segment `a`–`b` moved sideways by `by` pixels to the right of its direction.
fn offset(a: Point, b: Point, by: f64) -> (Point, Point) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = maths::sqrt(dx * dx + dy * dy).max(1e-9);
    let (nx, ny) = (-dy / len * by, dx / len * by);
    ((a.0 + nx, a.1 + ny), (b.0 + nx, b.1 + ny))
}

fn cross(scene: &mut Scene, (x, y): Point, size: f64) {
    scene.push(Shape::Circle {
        x,
        y,
        r: size * 1.6,
        fill: Some(theme::WHITE),
        stroke: Some(Stroke::solid(theme::LINK_CUT, size * 0.3)),
    });
    let stroke = Stroke::solid(theme::LINK_CUT, size * 0.45);
    scene.push(line(
        (x - size * 0.7, y - size * 0.7),
        (x + size * 0.7, y + size * 0.7),
        stroke,
    ));
    scene.push(line(
        (x - size * 0.7, y + size * 0.7),
        (x + size * 0.7, y - size * 0.7),
        stroke,
    ));
}

fn arrow_head(scene: &mut Scene, a: Point, b: Point, t: f64, size: f64, fill: Color) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = maths::sqrt(dx * dx + dy * dy).max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let tip = midpoint(a, b, t);
    let back = (tip.0 - ux * size, tip.1 - uy * size);
    let (nx, ny) = (-uy * size * 0.55, ux * size * 0.55);
    scene.push(Shape::Triangle {
        points: [tip, (back.0 + nx, back.1 + ny), (back.0 - nx, back.1 - ny)],
        fill,
    });
}

fn users(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let clients = view.sim.clients();
    let shown = clients.len().clamp(1, MAX_DRAWN_USERS);
    for k in 0..shown {
        let (x, y) = geo.user(k);
        let client = clients.get(k);
        // A faint line to the server the user is waiting on.
        if let Some(c) = client.filter(|c| c.outstanding.is_some()) {
            let target = geo.node(c.target);
            scene.push(line(
                (x, y),
                target,
                Stroke {
                    color: theme::CLIENT,
                    width: 1.0 * s,
                    dash: Dash::Dotted,
                },
            ));
        }
        // A person: head and shoulders.
        scene.push(Shape::Circle {
            x,
            y: y - 7.0 * s,
            r: 6.5 * s,
            fill: Some(theme::CLIENT),
            stroke: None,
        });
        scene.push(Shape::Rect {
            x: x - 10.0 * s,
            y: y + 1.0 * s,
            w: 20.0 * s,
            h: 11.0 * s,
            radius: 6.0 * s,
            fill: Some(theme::CLIENT),
            stroke: None,
        });
        let label_x = x + 18.0 * s;
        let name = user_name(k as u32);
        scene.push(text(
            label_x,
            y - 4.0 * s,
            name,
            font(13.0 * s, true),
            theme::CLIENT,
            Align::Left,
        ));
        let status = match client {
            None => String::from("click a node to send a change"),
            Some(c) => match &c.outstanding {
                Some(out) => format!("waiting: {}", fit(&op_text(&out.op), 14)),
                None => String::from("idle"),
            },
        };
        scene.push(text(
            label_x,
            y + 11.0 * s,
            status,
            font(11.0 * s, false),
            theme::MUTED,
            Align::Left,
        ));
    }
}

/// Where a message is drawn: along the lane of its direction, edge to edge.
fn message_point(geo: &Geometry, from: Endpoint, to: Endpoint, progress: f64) -> Point {
    let (a, b) = (geo.endpoint(from), geo.endpoint(to));
    let lane = 4.0 * geo.scale;
    let (a, b) = offset(a, b, lane);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = maths::sqrt(dx * dx + dy * dy).max(1e-9);
    let inset_from = match from {
        Endpoint::Node(_) => geo.node_radius + 2.0,
        Endpoint::Client(_) => 12.0 * geo.scale,
    };
    let inset_to = match to {
        Endpoint::Node(_) => geo.node_radius + 2.0,
        Endpoint::Client(_) => 12.0 * geo.scale,
    };
    let usable = (len - inset_from - inset_to).max(0.0);
    let d = inset_from + usable * maths::clamp(progress, 0.0, 1.0);
    (a.0 + dx / len * d, a.1 + dy / len * d)
}

/// Where message `m` is at `clock_ms`, as a fraction of its trip.
/// A held message waits at the middle of its link (or where it was, if not yet there).
pub fn progress(m: &InFlight, clock_ms: f64) -> f64 {
    let span = (m.deliver_ms.saturating_sub(m.sent_ms)).max(1) as f64;
    let p = maths::clamp((clock_ms - m.sent_ms as f64) / span, 0.0, 1.0);
    if m.held {
        p.min(0.5)
    } else {
        p
    }
}

/// The position of an in-flight message at the view's clock (what the tests check).
pub fn message_position(geo: &Geometry, m: &InFlight, clock_ms: f64) -> Point {
    message_point(geo, m.from, m.to, progress(m, clock_ms))
}

fn messages(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    for m in view.sim.in_flight().take(MAX_DRAWN_MESSAGES) {
        let at = message_position(geo, m, view.clock_ms);
        message_shape(scene, geo, &m.packet, at);
        if m.held {
            // Held by a person: a dashed ring says it is waiting, not travelling.
            scene.push(Shape::Circle {
                x: at.0,
                y: at.1,
                r: 11.0 * geo.scale,
                fill: None,
                stroke: Some(Stroke::dashed(theme::INK, 1.5 * geo.scale)),
            });
        }
    }
}

fn reply_text(reply: &Reply) -> String {
    match reply {
        Reply::Ok(river_sim::kv::OpResult::Done) => String::from("done"),
        Reply::Ok(river_sim::kv::OpResult::Value(Some(v))) => format!("= {}", fit(v, 8)),
        Reply::Ok(river_sim::kv::OpResult::Value(None)) => String::from("absent"),
        Reply::NotLeader(Some(l)) => format!("try {l}"),
        Reply::NotLeader(None) => String::from("no leader"),
        Reply::Failed => String::from("failed"),
    }
}

fn message_shape(scene: &mut Scene, geo: &Geometry, packet: &Packet, (x, y): Point) {
    let s = geo.scale;
    match packet {
        Packet::Raft(m) => match &m.body {
            Body::RequestVote { pre_vote, .. } => scene.push(Shape::Circle {
                x,
                y,
                r: 7.0 * s,
                fill: Some(if *pre_vote {
                    theme::WHITE
                } else {
                    theme::VOTE_REQUEST
                }),
                stroke: Some(if *pre_vote {
                    Stroke::solid(theme::VOTE_REQUEST, 2.5 * s)
                } else {
                    Stroke::solid(theme::WHITE, 1.5 * s)
                }),
            }),
            Body::RequestVoteResponse { pre_vote, granted } => {
                let color = theme::message_color(MessageKind::RequestVoteResponse, *granted);
                scene.push(Shape::Circle {
                    x,
                    y,
                    r: 5.5 * s,
                    fill: Some(if *pre_vote { theme::WHITE } else { color }),
                    stroke: Some(if *pre_vote {
                        Stroke::solid(color, 2.5 * s)
                    } else {
                        Stroke::solid(theme::WHITE, 1.2 * s)
                    }),
                })
            }
            Body::AppendEntries { entries, .. } if entries.is_empty() => scene.push(Shape::Rect {
                x: x - 5.5 * s,
                y: y - 5.5 * s,
                w: 11.0 * s,
                h: 11.0 * s,
                radius: 2.0 * s,
                fill: Some(theme::HEARTBEAT),
                stroke: Some(Stroke::solid(theme::APPEND, 1.5 * s)),
            }),
            Body::AppendEntries { entries, .. } => {
                scene.push(Shape::Rect {
                    x: x - 10.0 * s,
                    y: y - 8.0 * s,
                    w: 20.0 * s,
                    h: 16.0 * s,
                    radius: 3.0 * s,
                    fill: Some(theme::APPEND),
                    stroke: Some(Stroke::solid(theme::WHITE, 1.2 * s)),
                });
                let count = if entries.len() > 99 {
                    String::from("99+")
                } else {
                    entries.len().to_string()
                };
                scene.push(text(
                    x,
                    y + 0.5 * s,
                    count,
                    font(10.0 * s, true),
                    theme::WHITE,
                    Align::Center,
                ));
            }
            Body::AppendEntriesResponse { success, .. } => scene.push(Shape::Rect {
                x: x - 4.5 * s,
                y: y - 4.5 * s,
                w: 9.0 * s,
                h: 9.0 * s,
                radius: 1.5 * s,
                fill: Some(theme::message_color(
                    MessageKind::AppendEntriesResponse,
                    *success,
                )),
                stroke: Some(Stroke::solid(theme::WHITE, 1.0 * s)),
            }),
        },
        Packet::Request { op, .. } => pill(scene, s, (x, y), &fit(&op_text(op), 12), true),
        Packet::Reply { reply, .. } => pill(scene, s, (x, y), &reply_text(reply), false),
    }
}

/// A rounded label travelling with client traffic: filled for requests, outlined for replies.
fn pill(scene: &mut Scene, s: f64, (x, y): Point, label: &str, filled: bool) {
    let size = 11.0 * s;
    let w = crate::settings::char_count(label) as f64 * size * MONO_ADVANCE + 12.0 * s;
    let h = 18.0 * s;
    scene.push(Shape::Rect {
        x: x - w / 2.0,
        y: y - h / 2.0,
        w,
        h,
        radius: h / 2.0,
        fill: Some(if filled { theme::CLIENT } else { theme::WHITE }),
        stroke: Some(Stroke::solid(theme::CLIENT, 1.5 * s)),
    });
    let color = if filled { theme::WHITE } else { theme::CLIENT };
    scene.push(text(
        x,
        y + 0.5 * s,
        label,
        mono(size, true),
        color,
        Align::Center,
    ));
}

fn ghosts(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    for g in view.ghosts {
        if view.clock_ms < g.start_ms || view.clock_ms >= g.end_ms {
            continue;
        }
        let t = maths::clamp(
            (view.clock_ms - g.start_ms) / (g.end_ms - g.start_ms).max(1e-9),
            0.0,
            1.0,
        );
        let where_lost = if g.at_end { 1.0 } else { 0.15 + 0.35 * t };
        let at = message_point(geo, g.from, g.to, where_lost);
        scene.push(Shape::Alpha(1.0 - t));
        let color = match g.kind {
            Some(kind) => theme::message_color(kind, true),
            None => theme::CLIENT,
        };
        scene.push(Shape::Circle {
            x: at.0,
            y: at.1,
            r: 5.0 * s,
            fill: None,
            stroke: Some(Stroke {
                color,
                width: 2.0 * s,
                dash: Dash::Dotted,
            }),
        });
        let size = 4.0 * s;
        let stroke = Stroke::solid(theme::LOST, 2.0 * s);
        scene.push(line(
            (at.0 - size, at.1 - size),
            (at.0 + size, at.1 + size),
            stroke,
        ));
        scene.push(line(
            (at.0 - size, at.1 + size),
            (at.0 + size, at.1 - size),
            stroke,
        ));
        scene.push(Shape::Alpha(1.0));
    }
}

/// Fraction of the election timeout that has run, at the display clock.
fn timer_fraction(view: &View<'_>, id: NodeId) -> Option<f64> {
    let server = view.sim.server(id);
    let node = server.node.as_ref()?;
    if node.role() == Role::Leader {
        return None;
    }
    let (elapsed, timeout) = node.election_timer();
    let since = (view.clock_ms - server.ticked_ms() as f64).max(0.0);
    Some(maths::clamp(
        (elapsed as f64 + since) / timeout.max(1) as f64,
        0.0,
        1.0,
    ))
}

fn nodes(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let r = geo.node_radius;
    let quorum = view.sim.size() / 2 + 1;
    for id in view.sim.ids() {
        let (x, y) = geo.node(id);
        let node = view.sim.node(id);
        let role = node.map(|n| n.role());
        let (fill, edge, ink) = theme::role_colors(role);
        let hovered = view.hover == Some(Hit::Node(id));
        if view.selected == Some(id) {
            scene.push(Shape::Circle {
                x,
                y,
                r: r + 13.0 * s,
                fill: None,
                stroke: Some(Stroke::dashed(theme::SELECTED, 2.5 * s)),
            });
        }
        if role == Some(Role::Leader) {
            scene.push(Shape::Circle {
                x,
                y,
                r: r + 7.0 * s,
                fill: None,
                stroke: Some(Stroke::solid(theme::LEADER_HALO, 6.0 * s)),
            });
        }
        if timer_fraction(view, id).is_some() {
            // The track; the overlay draws how much of the timeout has run.
            scene.push(Shape::Circle {
                x,
                y,
                r: r + 6.5 * s,
                fill: None,
                stroke: Some(Stroke::solid(theme::TIMER_TRACK, 4.0 * s)),
            });
        }
        let stroke = Stroke {
            color: if hovered { theme::SELECTED } else { edge },
            width: if hovered { 3.5 * s } else { 2.5 * s },
            dash: match role {
                None | Some(Role::PreCandidate) => Dash::Dashed,
                _ => Dash::Solid,
            },
        };
        scene.push(Shape::Circle {
            x,
            y,
            r,
            fill: Some(fill),
            stroke: Some(stroke),
        });
        match node {
            Some(n) => {
                let caption = font((10.5 * s).min(r * 0.36), false);
                let number = font((21.0 * s).min(r * 0.72), true);
                let candidate = matches!(role, Some(Role::Candidate | Role::PreCandidate));
                let dy = if candidate { -0.12 * r } else { 0.0 };
                scene.push(text(
                    x,
                    y - r * 0.42 + dy,
                    "term",
                    caption,
                    ink,
                    Align::Center,
                ));
                scene.push(text(
                    x,
                    y + r * 0.12 + dy,
                    n.term().0.to_string(),
                    number,
                    ink,
                    Align::Center,
                ));
                if candidate {
                    // The votes it holds, out of the majority it needs.
                    let pip = (3.2 * s).min(r * 0.11);
                    let gap = pip * 2.8;
                    let shown = quorum.min(9);
                    let start = x - gap * (shown as f64 - 1.0) / 2.0;
                    for k in 0..shown {
                        let held = k < n.votes();
                        scene.push(Shape::Circle {
                            x: start + gap * k as f64,
                            y: y + r * 0.5,
                            r: pip,
                            fill: Some(if held { theme::INK } else { theme::WHITE }),
                            stroke: Some(Stroke::solid(theme::INK, 1.0 * s)),
                        });
                    }
                }
            }
            None => {
                let f = font((13.0 * s).min(r * 0.45), true);
                scene.push(text(x, y, "down", f, theme::DOWN_EDGE, Align::Center));
            }
        }
        // The letter, and the role unless it is the common case, outside the ring: the
        // word goes below the letter, or above it for the nodes at the top.
        let (ox, oy) = geo.outward(id);
        let d = r + 32.0 * s;
        let (lx, ly) = (x + ox * d, y + oy * d);
        scene.push(text(
            lx,
            ly,
            id.letter().to_string(),
            font(22.0 * s, true),
            theme::INK,
            Align::Center,
        ));
        let word = match role {
            None => Some("crashed"),
            Some(Role::Follower) => None,
            Some(r) => Some(r.name()),
        };
        if let Some(word) = word {
            // A small tag in the role's colour, on the circle's lower rim.
            let (wx, wy) = (x, y + r);
            let (fill, ink) = match role {
                Some(Role::Leader) => (theme::LEADER, theme::WHITE),
                Some(_) => (theme::CANDIDATE, theme::INK),
                None => (theme::DOWN_EDGE, theme::WHITE),
            };
            let size = 11.0 * s;
            let w = word.len() as f64 * size * 0.6 + 12.0 * s;
            let h = 16.0 * s;
            scene.push(Shape::Rect {
                x: wx - w / 2.0,
                y: wy - h / 2.0,
                w,
                h,
                radius: h / 2.0,
                fill: Some(fill),
                stroke: None,
            });
            scene.push(text(
                wx,
                wy + 0.5 * s,
                word,
                font(size, true),
                ink,
                Align::Center,
            ));
        }
    }
}

fn clock(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let ms = view.clock_ms.max(0.0) as u64;
    let mut label = format!(
        "t = {}.{:03} s  ·  {}",
        ms / 1000,
        ms % 1000,
        speed_label(view.speed)
    );
    if view.paused {
        label.push_str("  ·  paused");
    }
    scene.push(text(
        geo.ring.x + 16.0 * s,
        geo.ring.bottom() - 16.0 * s,
        label,
        mono(12.0 * s, false),
        theme::MUTED,
        Align::Left,
    ));
}

/// Where the log panel's parts go for a canvas and cluster size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogGrid {
    /// Left of the first entry column.
    pub cells_x: f64,
    /// Distance between entry columns.
    pub pitch: f64,
    /// How many entry columns fit.
    pub columns: usize,
    /// Top of the first row.
    pub rows_y: f64,
    /// Row height.
    pub row_h: f64,
    /// Left of the store column.
    pub kv_x: f64,
    /// Width of the store column.
    pub kv_w: f64,
    /// Centre of the index header line.
    pub header_y: f64,
}

impl LogGrid {
    /// The grid for `geo`'s log panel and `n` rows.
    pub fn new(geo: &Geometry, n: usize) -> LogGrid {
        let p = geo.logs;
        let s = Self::scale(geo);
        let pad = 14.0 * s;
        let header_y = p.y + pad + 36.0 * s;
        let rows_y = header_y + 12.0 * s;
        let row_h = maths::clamp(
            (p.bottom() - pad - rows_y) / n.max(1) as f64,
            22.0,
            64.0 * s,
        );
        let label_w = 70.0 * s;
        let kv_w = maths::clamp(p.w * 0.2, 72.0, 170.0 * s);
        let cells_x = p.x + pad + label_w;
        let cells_w = (p.right() - pad - kv_w - 10.0 * s - cells_x).max(0.0);
        let pitch = 54.0 * s;
        let columns = (maths::floor(cells_w / pitch) as usize).max(1);
        LogGrid {
            cells_x,
            pitch,
            columns,
            rows_y,
            row_h,
            kv_x: p.right() - pad - kv_w,
            kv_w,
            header_y,
        }
    }

    /// The size factor of the log panel: the ring's, within readable bounds.
    pub fn scale(geo: &Geometry) -> f64 {
        maths::clamp(geo.scale, 0.85, 1.4)
    }

    /// The first log index shown, so that the newest entry of the longest log is visible.
    pub fn first_index(&self, longest: u64) -> u64 {
        (longest + 1).saturating_sub(self.columns as u64).max(1)
    }
}

fn logs(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let p = geo.logs;
    let n = view.sim.size();
    let grid = LogGrid::new(geo, n);
    let s = LogGrid::scale(geo);
    scene.push(Shape::Rect {
        x: p.x,
        y: p.y,
        w: p.w,
        h: p.h,
        radius: 12.0 * s,
        fill: Some(theme::PANEL),
        stroke: Some(Stroke::solid(theme::PANEL_EDGE, 1.0)),
    });
    let pad = 14.0 * s;
    let title_y = p.y + pad + 10.0 * s;
    scene.push(text(
        p.x + pad,
        title_y,
        "Logs",
        font(17.0 * s, true),
        theme::INK,
        Align::Left,
    ));
    scene.push(text(
        p.x + pad + 50.0 * s,
        title_y + 1.0 * s,
        "solid: committed · dashed: not yet · colour: term",
        font(12.0 * s, false),
        theme::MUTED,
        Align::Left,
    ));
    let logs_of = |id: NodeId| {
        let server = view.sim.server(id);
        match &server.node {
            Some(node) => (node.log().entries(), node.commit_index().0),
            None => (server.disk.log.as_slice(), 0),
        }
    };
    let longest = view
        .sim
        .ids()
        .map(|id| logs_of(id).0.len() as u64)
        .max()
        .unwrap_or(0);
    let first = grid.first_index(longest);
    // Index header.
    let index_font = mono(11.5 * s, false);
    if first > 1 {
        scene.push(text(
            grid.cells_x - 6.0 * s,
            grid.header_y,
            "…",
            index_font,
            theme::MUTED,
            Align::Right,
        ));
    }
    for c in 0..grid.columns {
        let x = grid.cells_x + grid.pitch * c as f64 + (grid.pitch - 5.0 * s) / 2.0;
        scene.push(text(
            x,
            grid.header_y,
            (first + c as u64).to_string(),
            index_font,
            theme::MUTED,
            Align::Center,
        ));
    }
    scene.push(text(
        grid.kv_x,
        grid.header_y,
        "key-value store",
        font(11.5 * s, false),
        theme::MUTED,
        Align::Left,
    ));
    let cell_w = grid.pitch - 5.0 * s;
    let cell_h = maths::clamp(grid.row_h - 12.0 * s, 16.0, 40.0 * s);
    let cmd_size = (13.0 * s).min(cell_h * 0.5);
    let cmd_chars = chars_in(cell_w - 6.0 * s, cmd_size);
    for id in view.sim.ids() {
        let k = id.index();
        let row_top = grid.rows_y + grid.row_h * k as f64;
        let mid = row_top + grid.row_h / 2.0;
        if k > 0 {
            scene.push(line(
                (p.x + pad, row_top),
                (p.right() - pad, row_top),
                Stroke::solid(theme::TIMER_TRACK, 1.0),
            ));
        }
        let node = view.sim.node(id);
        let role = node.map(|n| n.role());
        let (fill, edge, ink) = theme::role_colors(role);
        let badge_r = (13.0 * s).min(grid.row_h * 0.3);
        let badge_x = p.x + pad + badge_r;
        let badge_y = mid;
        scene.push(Shape::Circle {
            x: badge_x,
            y: badge_y,
            r: badge_r,
            fill: Some(fill),
            stroke: Some(Stroke::solid(edge, 1.5 * s)),
        });
        scene.push(text(
            badge_x,
            badge_y + 0.5 * s,
            id.letter().to_string(),
            font(badge_r * 1.1, true),
            ink,
            Align::Center,
        ));
        if grid.cells_x - badge_x > 60.0 * s {
            let word = match role {
                None => "down",
                Some(Role::Leader) => "leader",
                Some(Role::Candidate) => "cand.",
                Some(Role::PreCandidate) => "pre",
                Some(Role::Follower) => "",
            };
            scene.push(text(
                badge_x + badge_r + 6.0 * s,
                badge_y,
                word,
                font(11.0 * s, false),
                theme::MUTED,
                Align::Left,
            ));
        }
        let (entries, commit) = logs_of(id);
        for c in 0..grid.columns {
            let index = first + c as u64;
            let Some(entry) = entries.get(index as usize - 1) else {
                break;
            };
            let committed = index <= commit;
            let slot = theme::term_slot(entry.term);
            let x = grid.cells_x + grid.pitch * c as f64;
            let y = mid - cell_h / 2.0;
            let (cell_fill, cell_stroke) = match (node.is_some(), committed) {
                (false, _) => (theme::DOWN, Stroke::dashed(theme::DOWN_EDGE, 1.5 * s)),
                (true, true) => (
                    theme::TERM_FILLS[slot],
                    Stroke::solid(theme::TERM_EDGES[slot], 1.5 * s),
                ),
                (true, false) => (
                    theme::TERM_TINTS[slot],
                    Stroke::dashed(theme::TERM_EDGES[slot], 2.0 * s),
                ),
            };
            scene.push(Shape::Rect {
                x,
                y,
                w: cell_w,
                h: cell_h,
                radius: 4.0 * s,
                fill: Some(cell_fill),
                stroke: Some(cell_stroke),
            });
            let (label, label_color) = match &entry.payload {
                Payload::Command(command) => (fit(&op_text(&command.op), cmd_chars), theme::INK),
                Payload::Noop => (fit("no-op", cmd_chars), theme::MUTED),
            };
            let has_room = cell_h > 26.0 * s;
            let text_y = if has_room { y + cell_h * 0.62 } else { mid };
            scene.push(text(
                x + cell_w / 2.0,
                text_y,
                label,
                mono(cmd_size, false),
                label_color,
                Align::Center,
            ));
            if has_room {
                scene.push(text(
                    x + 4.0 * s,
                    y + 8.0 * s,
                    format!("t{}", entry.term.0),
                    font(9.5 * s, true),
                    theme::TERM_EDGES[slot],
                    Align::Left,
                ));
            }
        }
        // The store: committed state only.
        let kv_text = match view.sim.server(id).node {
            None => String::from("— lost in the crash"),
            Some(_) => {
                let mut out = String::new();
                for (key, value) in view.sim.server(id).kv.entries() {
                    if !out.is_empty() {
                        out.push_str("  ");
                    }
                    out.push_str(key);
                    out.push('=');
                    out.push_str(value);
                    if out.len() > 200 {
                        break;
                    }
                }
                if out.is_empty() {
                    String::from("(empty)")
                } else {
                    out
                }
            }
        };
        let kv_size = 13.0 * s;
        let empty = kv_text.starts_with('(') || kv_text.starts_with('—');
        scene.push(text(
            grid.kv_x,
            mid,
            fit(&kv_text, chars_in(grid.kv_w, kv_size)),
            mono(kv_size, false),
            if empty { theme::FAINT } else { theme::INK },
            Align::Left,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_sim::SimConfig;

    fn sim(nodes: usize, seed: u64) -> Simulation {
        Simulation::new(SimConfig::new(nodes, seed)).unwrap()
    }

    fn view(sim: &Simulation) -> View<'_> {
        View {
            sim,
            clock_ms: sim.now_ms() as f64,
            paused: false,
            speed: 0.05,
            hover: None,
            selected: None,
            ghosts: &[],
        }
    }

    const WIDE: Viewport = Viewport {
        width: 1000.0,
        height: 560.0,
    };

    #[test]
    fn nodes_sit_on_a_ring_starting_at_the_top_clockwise() {
        for n in 2..=9 {
            let geo = Geometry::new(WIDE, n);
            for &(x, y) in &geo.nodes {
                let d = distance((x, y), geo.centre);
                assert!(
                    (d - geo.ring_radius).abs() < 1e-6,
                    "{n} nodes: off the ring"
                );
                assert!(geo.ring.contains((x, y)));
            }
            let a = geo.nodes[0];
            assert!(
                (a.0 - geo.centre.0).abs() < 1e-6 && a.1 < geo.centre.1,
                "A on top"
            );
            // Clockwise on screen: B is to the right of A (or below it, for two).
            assert!(geo.nodes[1].0 > a.0 || (n == 2 && geo.nodes[1].1 > a.1));
            // Circles do not overlap.
            for i in 0..n {
                for j in i + 1..n {
                    assert!(distance(geo.nodes[i], geo.nodes[j]) > 2.0 * geo.node_radius);
                }
            }
        }
        let one = Geometry::new(WIDE, 1);
        assert_eq!(one.nodes[0], one.centre);
    }

    #[test]
    fn wide_canvases_put_logs_beside_the_ring_and_tall_ones_below() {
        let wide = Geometry::new(WIDE, 5);
        assert!(wide.logs.x >= wide.ring.right() - 1e-9);
        let tall = Geometry::new(Viewport::new(400.0, 800.0), 5);
        assert!(tall.logs.y >= tall.ring.bottom() - 1e-9);
        for geo in [wide, tall] {
            assert!(geo.logs.right() <= geo.viewport.width + 1e-9);
            assert!(geo.logs.bottom() <= geo.viewport.height + 1e-9);
        }
    }

    #[test]
    fn silly_viewports_are_clamped() {
        let geo = Geometry::new(Viewport::new(f64::NAN, -5.0), 9);
        assert_eq!(geo.viewport, MIN_VIEWPORT);
        assert!(geo.node_radius > 0.0 && geo.logs.w > 0.0 && geo.logs.h > 0.0);
        let huge = Geometry::new(Viewport::new(1e9, 1e9), 3);
        assert_eq!(huge.viewport, MAX_VIEWPORT);
    }

    #[test]
    fn clicking_a_node_centre_or_rim_hits_the_node() {
        let geo = Geometry::new(WIDE, 5);
        for (i, &(x, y)) in geo.nodes.iter().enumerate() {
            let id = NodeId(i as u8);
            assert_eq!(hit_test(&geo, (x, y)), Some(Hit::Node(id)));
            let rim = (x + geo.node_radius + 2.0, y);
            assert_eq!(hit_test(&geo, rim), Some(Hit::Node(id)));
        }
    }

    #[test]
    fn clicking_a_link_midpoint_hits_that_link_for_every_pair() {
        for n in [2, 3, 5, 7, 9] {
            let geo = Geometry::new(WIDE, n);
            for a in 0..n {
                for b in a + 1..n {
                    // Midpoints of diameters coincide at the centre; skip those.
                    let mid = midpoint(geo.nodes[a], geo.nodes[b], 0.5);
                    if distance(mid, geo.centre) < 2.0 {
                        continue;
                    }
                    let hit = hit_test(&geo, mid);
                    let Some(Hit::Link { a: ha, b: hb, .. }) = hit else {
                        panic!("{n} nodes: no link at the middle of {a}-{b}: {hit:?}");
                    };
                    assert_eq!((ha.index(), hb.index()), (a, b), "{n} nodes");
                }
            }
        }
    }

    #[test]
    fn a_link_click_knows_which_end_is_nearer() {
        let geo = Geometry::new(WIDE, 5);
        let (a, c) = (geo.nodes[0], geo.nodes[2]);
        let near_a = midpoint(a, c, 0.3);
        assert_eq!(
            hit_test(&geo, near_a),
            Some(Hit::Link {
                a: NodeId(0),
                b: NodeId(2),
                near: NodeId(0)
            })
        );
        let near_c = midpoint(a, c, 0.7);
        assert!(matches!(
            hit_test(&geo, near_c),
            Some(Hit::Link {
                near: NodeId(2),
                ..
            })
        ));
    }

    #[test]
    fn empty_space_hits_nothing() {
        let geo = Geometry::new(WIDE, 5);
        assert_eq!(hit_test(&geo, (2.0, 2.0)), None);
        assert_eq!(hit_test(&geo, (geo.logs.x + 30.0, geo.logs.y + 30.0)), None);
        // Just beyond the hit distance from a link's middle.
        let (a, b) = (geo.nodes[0], geo.nodes[1]);
        let (m1, m2) = offset(a, b, LINK_HIT_PX + 1.0);
        let beside = midpoint(m1, m2, 0.5);
        assert!(!matches!(
            hit_test(&geo, beside),
            Some(Hit::Link {
                a: NodeId(0),
                b: NodeId(1),
                ..
            })
        ));
    }

    #[test]
    fn messages_glide_from_edge_to_edge_between_sent_and_deliver_time() {
        let mut sim = sim(3, 4);
        while sim.in_flight().next().is_none() {
            assert!(sim.step());
        }
        let geo = Geometry::new(WIDE, 3);
        let m = sim.in_flight().next().unwrap().clone();
        let (Endpoint::Node(from), Endpoint::Node(to)) = (m.from, m.to) else {
            panic!("server traffic first");
        };
        let start = message_position(&geo, &m, m.sent_ms as f64);
        let end = message_position(&geo, &m, m.deliver_ms as f64);
        let half = message_position(&geo, &m, (m.sent_ms + m.deliver_ms) as f64 / 2.0);
        let r = geo.node_radius;
        // Starts at the sender's rim, ends at the receiver's rim (on its lane).
        assert!((distance(start, geo.node(from)) - (r + 2.0)).abs() < 6.0);
        assert!((distance(end, geo.node(to)) - (r + 2.0)).abs() < 6.0);
        let mid = midpoint(start, end, 0.5);
        assert!(distance(half, mid) < 1e-6);
        // Before sending and after arrival it stays at the ends.
        assert_eq!(message_position(&geo, &m, m.sent_ms as f64 - 50.0), start);
        assert_eq!(message_position(&geo, &m, m.deliver_ms as f64 + 50.0), end);
    }

    #[test]
    fn replies_travel_on_the_other_lane() {
        let geo = Geometry::new(WIDE, 2);
        let (a, b) = (Endpoint::Node(NodeId(0)), Endpoint::Node(NodeId(1)));
        let there = message_point(&geo, a, b, 0.5);
        let back = message_point(&geo, b, a, 0.5);
        assert!(distance(there, back) > 4.0, "two directions, two lanes");
    }

    #[test]
    fn the_scene_shows_terms_letters_and_a_cut() {
        let mut sim = sim(5, 1);
        sim.advance(1_000);
        sim.cut(NodeId(0), NodeId(2), false);
        sim.cut(NodeId(1), NodeId(3), true);
        let geo = Geometry::new(WIDE, 5);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&sim));
        let mut overlay = Scene::default();
        build_overlay(&mut overlay, &geo, &view(&sim));
        assert!(
            overlay.texts().any(|t| t.starts_with("t = 1.000 s")),
            "the clock is on the overlay"
        );
        assert!(
            overlay
                .shapes
                .iter()
                .any(|s| matches!(s, Shape::Arc { .. })),
            "timers are on the overlay"
        );
        assert!(!scene.texts().any(|t| t.starts_with("t = ")));
        let texts: Vec<&str> = scene.texts().collect();
        for letter in ["A", "B", "C", "D", "E"] {
            assert!(texts.contains(&letter), "{letter} missing");
        }
        assert!(texts.contains(&"leader"));
        assert!(
            texts.contains(&"no-op"),
            "the new leader's entry is in the logs"
        );
        let dashed_red = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Line { stroke, .. } if stroke.color == theme::LINK_CUT && stroke.dash == Dash::Dashed))
            .count();
        assert_eq!(
            dashed_red, 2,
            "one line for the cut pair, one lane for the one-way cut"
        );
        let arrows = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Triangle { .. }))
            .count();
        assert_eq!(arrows, 1, "a one-way cut shows its direction");
        // Everything stays on the canvas.
        for shape in &scene.shapes {
            if let Shape::Text { x, y, .. } = shape {
                assert!(
                    *x >= 0.0 && *x <= geo.viewport.width && *y >= 0.0 && *y <= geo.viewport.height
                );
            }
        }
    }

    #[test]
    fn committed_entries_are_solid_and_uncommitted_dashed() {
        let mut sim = sim(3, 2);
        sim.advance(1_000);
        let leader = sim.leader().unwrap();
        sim.submit(leader, Op::parse("x=1").unwrap());
        sim.advance(500);
        let others: Vec<NodeId> = sim.ids().filter(|&i| i != leader).collect();
        sim.partition(&[alloc::vec![leader], others]);
        sim.submit(leader, Op::parse("y=2").unwrap());
        sim.advance(100);
        let geo = Geometry::new(WIDE, 3);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&sim));
        let cell_of = |label: &str| {
            let k = scene
                .shapes
                .iter()
                .position(|s| matches!(s, Shape::Text { text, .. } if text == label))
                .unwrap_or_else(|| panic!("no cell {label}"));
            match &scene.shapes[k - 1] {
                Shape::Rect {
                    stroke: Some(stroke),
                    ..
                } => stroke.dash,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(cell_of("x=1"), Dash::Solid);
        assert_eq!(cell_of("y=2"), Dash::Dashed);
    }

    #[test]
    fn long_commands_are_cut_to_fit() {
        assert_eq!(fit("x=1", 6), "x=1");
        assert_eq!(fit("abcdefgh", 6), "abcde…");
        assert_eq!(fit("a\tb", 6), "a b");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn the_log_window_follows_the_newest_entry() {
        let geo = Geometry::new(WIDE, 5);
        let grid = LogGrid::new(&geo, 5);
        assert!(grid.columns >= 4, "{grid:?}");
        assert_eq!(grid.first_index(0), 1);
        assert_eq!(grid.first_index(grid.columns as u64), 1);
        assert_eq!(grid.first_index(grid.columns as u64 + 3), 4);
        assert!(grid.kv_x + grid.kv_w <= geo.logs.right());
        assert!(grid.rows_y + grid.row_h * 5.0 <= geo.logs.bottom() + 1e-6);
    }
}
