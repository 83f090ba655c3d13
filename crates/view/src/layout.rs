//! Layout: the cluster's state and the canvas size in, shapes out — and the reverse, a point
//! on the canvas to the node or link under it. Pure: no canvas, no clock, no randomness, so
//! it is tested natively. Everything is in CSS pixels from the canvas's top-left corner.
//!
//! The canvas holds two areas: the ring (servers on a circle, a line for every pair, the
//! messages moving along the lines, the users who send changes) and the log panel (one row
//! per server: its log, entries aligned by index and coloured by term, and its key-value
//! store). On a wide canvas they sit side by side; on a tall one the ring is on top.

use crate::maths;
use crate::narrate::{Ghost, Thrown};
use crate::scene::{
    text_width, Align, Color, Dash, Font, Scene, Shape, Stroke, MONO_ADVANCE, SANS_ADVANCE,
};
use crate::theme;
use crate::words::{char_count, fit, joined, op_text, payload_text, speed_label, user_name, wrap};
use alloc::format;
use alloc::string::{String, ToString};
use core::f64::consts::{FRAC_PI_2, TAU};
use river_core::{Body, MessageKind, NodeId, Role};
use river_sim::network::{Endpoint, InFlight, Packet, Reply};
use river_sim::Simulation;

pub mod focus;
#[cfg(test)]
mod frame_tests;
mod geometry;
mod highlights;
mod logs;
#[cfg(test)]
mod look_tests;
mod messages;
mod servers;
#[cfg(test)]
mod tests;

pub use geometry::*;
use highlights::{focused_link, focused_node, shown_links, shown_nodes};
use logs::logs;
pub use logs::LogGrid;
pub use messages::{confirms_read, message_position, progress};
use messages::{ghosts, messages};
use river_sim::scenario::Highlight;
use servers::{nodes, tags, timers};

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
    /// Where the keyboard's focus ring is, while the canvas has the keyboard.
    pub focused: Option<Hit>,
    /// The message on the wire the keyboard's focus ring is on, while the canvas has the
    /// keyboard (then `focused` is `None`).
    pub focused_message: Option<u64>,
    /// The node whose menu is open.
    pub selected: Option<NodeId>,
    /// Lost messages still fading.
    pub ghosts: &'a [Ghost],
    /// Entries thrown away in a rollback, drawn struck through for a moment.
    pub thrown: &'a [Thrown],
    /// What a guided tour's step points at.
    pub shown: &'a [Highlight],
    /// Heartbeat rounds that confirm waiting reads: (leader, round). Their messages are
    /// ringed as the read's confirmation.
    pub read_rounds: &'a [(NodeId, u64)],
    /// What each user heard last, by client id.
    pub heard: &'a [Option<String>],
}

/// The smallest text the page draws where there is room for more, in CSS px: words beside
/// the drawing (a user's state, the clock, the Logs panel's key, indexes, role words and
/// stores) never shrink below it with the layout's scale (0.9 at 1280×800). Text inside a
/// shape (a circle, a log box, a message) follows the shape.
pub const MIN_TEXT_PX: f64 = 11.0;

/// The least size of words inside a shape (a server's "term" caption, a log entry's term
/// and command) where the canvas is not small: at [`MIN_TEXT_PX`] they were hard to read at
/// 1280×800, light type on a coloured fill. A circle grows for its caption where the ring
/// has room, and a command too long for its box at this size shrinks to [`MIN_TEXT_PX`]
/// before it is cut.
pub const INSIDE_TEXT_PX: f64 = 12.5;

/// A size for text beside the drawing that has room: scaled, but not below the least size
/// for such words ([`MIN_TEXT_PX`], larger in the projector view: [`Geometry::beside_px`]).
fn readable(geo: &Geometry, size: f64) -> f64 {
    size.max(geo.beside_px)
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

/// How many monospaced characters of `size` fit in `width`.
fn chars_in(width: f64, size: f64) -> usize {
    maths::floor(width / (size * MONO_ADVANCE)).max(0.0) as usize
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
    shown_links(scene, geo, view);
    focused_link(scene, geo, view);
    links(scene, geo, view);
    users(scene, geo, view);
    shown_nodes(scene, geo, view);
    nodes(scene, geo, view);
    focused_node(scene, geo, view);
    logs(scene, geo, view);
    projector(scene, geo);
}

/// The projector view's colours and line weights, applied to a finished scene.
fn projector(scene: &mut Scene, geo: &Geometry) {
    if geo.look.projector {
        scene.restyle(theme::high_contrast, crate::look::PROJECTOR_LINE_WEIGHT);
    }
}

/// Builds the overlay layer into `scene`: what moves with the clock — election timers,
/// messages on the wire, lost messages fading, the time — and the servers' role tags, which
/// must stay readable over the messages that leave from under them. It covers only the ring area.
pub fn build_overlay(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    scene.clear(geo.viewport.width, geo.viewport.height);
    let r = geo.ring;
    scene.erase = Some((r.x, r.y, r.w, r.h));
    timers(scene, geo, view);
    messages(scene, geo, view);
    ghosts(scene, geo, view);
    users_over_traffic(scene, geo, view);
    tags(scene, geo, view);
    clock(scene, geo, view);
    projector(scene, geo);
}

fn links(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let net = view.sim.network();
    let n = geo.nodes.len();
    for a in 0..n {
        for b in a + 1..n {
            let (ia, ib) = (NodeId(a as u8), NodeId(b as u8));
            let (pa, pb) = (geo.nodes[a], geo.nodes[b]);
            let on =
                |hit| matches!(hit, Some(Hit::Link { a: ha, b: hb, .. }) if ha == ia && hb == ib);
            // The link the keyboard's ring is on is drawn as if pointed at.
            let hovered = on(view.hover) || on(view.focused);
            let (ab, ba) = (net.is_up(ia, ib), net.is_up(ib, ia));
            let width = if hovered { 3.5 * s } else { 2.0 * s };
            // A working link's colour, whole or as the open lane of a one-way cut.
            let up_color = if hovered {
                theme::LINK_HOVER
            } else {
                theme::LINK
            };
            match (ab, ba) {
                (true, true) => scene.push(line(pa, pb, Stroke::solid(up_color, width))),
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
        // A faint line to the server the user is waiting on, under the user's words.
        if let Some(c) = clients.get(k).filter(|c| c.outstanding.is_some()) {
            let target = geo.node(c.target);
            scene.push(line(
                geo.user(k),
                target,
                Stroke {
                    color: theme::CLIENT,
                    width: 1.0 * s,
                    dash: Dash::Dotted,
                },
            ));
        }
        user(scene, geo, view, k);
    }
}

/// On the overlay, after the messages: each user that client traffic is reaching or
/// leaving (on the wire or fading out) is drawn again over it, so that a reply arriving
/// ("done") never covers the user's name and words.
fn users_over_traffic(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let shown = view.sim.clients().len().min(MAX_DRAWN_USERS);
    for k in 0..shown {
        let me = Endpoint::Client(k as u32);
        let wired = view
            .sim
            .in_flight()
            .take(MAX_DRAWN_MESSAGES)
            .any(|m| m.from == me || m.to == me);
        if wired || view.ghosts.iter().any(|g| g.from == me || g.to == me) {
            user(scene, geo, view, k);
        }
    }
}

/// User `k`: a person, its name and what it is doing, its words on a plate of the
/// background's colour so that a line passing under them (the dotted line to the server it
/// waits on, a link) does not run through the letters.
fn user(scene: &mut Scene, geo: &Geometry, view: &View<'_>, k: usize) {
    let s = geo.scale;
    let (x, y) = geo.user(k);
    let client = view.sim.clients().get(k);
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
    // On the right, the words end short of the person and run leftwards.
    let right = geo.user_on_right(k);
    let label_x = if right { x - 18.0 * s } else { x + 18.0 * s };
    let align = if right { Align::Right } else { Align::Left };
    let name = user_name(k as u32);
    let status = match client {
        None => String::from("click a node to send a change or read"),
        Some(c) => match (&c.outstanding, view.heard.get(k)) {
            (Some(out), _) => format!("waiting: {}", fit(&op_text(&out.op), 14)),
            (None, Some(Some(heard))) => format!("heard: {heard}"),
            (None, _) => String::from("idle"),
        },
    };
    // The words stop short of the top server's letter, above the ring's centre. They
    // take two lines rather than be cut (the next user stands 62 px lower, room for
    // both); still too long, they go down to the least size their scale allows (the
    // canvas's least size, larger in the projector view: they stayed 11 px there), and
    // the hint says less, rather than cut it.
    // (Mirrored on the right.)
    let ahead = |x: f64| if right { label_x - x } else { x - label_x };
    // Room for words at `size`, level with the name and the two lines under it.
    let room_at = |size: f64| {
        let name_px = (13.0 * s).max(size);
        let first = y - 4.0 * s + (15.0 * s).max((name_px + size) / 2.0 * 1.15);
        let (band_top, band_foot) = (y - 4.0 * s - name_px * 0.6, first + 1.85 * size);
        let mut room = ahead(geo.centre.0) - 16.0 * s;
        // Nor do they reach another server's letter level with them: with 7 or 9 servers
        // the top-left one's stands there ("click a node" lay on I); nor its circle, timer
        // and halo (on a short ring area the words ran over the top server's).
        for id in view.sim.ids() {
            let (cx, cy) = geo.node(id);
            let (ox, oy) = geo.outward(id);
            let d = geo.node_radius + 32.0 * s;
            let (lx, ly, half) = (cx + ox * d, cy + oy * d, 11.0 * s);
            if ly + half > band_top && ly - half < band_foot && ahead(lx) - half > 0.0 {
                room = room.min(ahead(lx) - half - 6.0 * s);
            }
            // Within the band, the circle is as wide as its chord nearest its centre.
            let around = geo.node_radius + 10.0 * s;
            let off = cy - cy.clamp(band_top, band_foot);
            if off.abs() < around {
                let half = maths::sqrt(around * around - off * off);
                if ahead(cx) - half > 0.0 {
                    room = room.min(ahead(cx) - half - 6.0 * s);
                }
            }
        }
        room
    };
    let lay = |words: &str, size: f64| {
        let chars = maths::floor(room_at(size) / (size * SANS_ADVANCE)).max(0.0) as usize;
        wrap(words, chars, 2)
    };
    let cut = |lines: &[String]| lines.iter().any(|l| l.ends_with('…'));
    let mut size = readable(geo, 11.0 * s);
    let mut lines = lay(&status, size);
    if cut(&lines) {
        size = if geo.text_px < MIN_TEXT_PX {
            geo.text_px
        } else {
            geo.beside_px
        };
        lines = lay(&status, size);
    }
    if cut(&lines) && client.is_none() {
        lines = lay("click a node", size);
    }
    // No room even for that (a letter level with them): the name alone.
    if cut(&lines) && client.is_none() {
        lines.clear();
    }
    // A user waiting says so in fewer letters ("waitin…" at 320×240).
    let mut status = status;
    if let Some(out) = client
        .and_then(|c| c.outstanding.as_ref())
        .filter(|_| cut(&lines))
    {
        status = format!("sent: {}", fit(&op_text(&out.op), 14));
        lines = lay(&status, size);
    }
    // A user's state says the words that fit, whole: "heard: y=2" rather than
    // "y=2 co…" (a 320×240 embed).
    let words: alloc::vec::Vec<&str> = status.split(' ').collect();
    for kept in (1..words.len()).rev() {
        if !cut(&lines) || client.is_none() {
            break;
        }
        let fewer = lay(&joined(&words[..kept], " "), size);
        if !cut(&fewer) {
            lines = fewer;
        }
    }
    // Still no whole word fits (a server close by): the name alone, rather than "…".
    if cut(&lines) {
        lines.clear();
    }
    // The name is never smaller than the words under it: words that grew to the projector
    // view's least size (15.4 px on a 640×400 canvas) stood under an 11 px name.
    let name_px = (13.0 * s).max(size);
    // The first line's middle, far enough under the name's for both sizes (15 px apart at
    // a 13 px name over 11 px words, which two 15.5 px lines would touch).
    let first = y - 4.0 * s + (15.0 * s).max((name_px + size) / 2.0 * 1.15);
    // The plate: from the name's top to the last line's foot, as wide as the longest
    // (bold runs about a tenth wider).
    let wide = lines
        .iter()
        .map(|l| text_width(l, size, SANS_ADVANCE))
        .fold(text_width(&name, name_px, SANS_ADVANCE) * 1.1, f64::max);
    let pad = 2.0 * s;
    let top = y - 4.0 * s - name_px * 0.6;
    let foot = first + (lines.len() as f64 - 0.4) * size * 1.25;
    let left = if right { label_x - wide } else { label_x };
    scene.push(Shape::Rect {
        x: left - pad,
        y: top - pad,
        w: wide + 2.0 * pad,
        h: foot - top + 2.0 * pad,
        radius: pad,
        fill: Some(theme::BACKGROUND),
        stroke: None,
    });
    scene.push(text(
        label_x,
        y - 4.0 * s,
        name,
        font(name_px, true),
        theme::CLIENT,
        align,
    ));
    for (i, line) in lines.into_iter().enumerate() {
        scene.push(text(
            label_x,
            first + i as f64 * size * 1.25,
            line,
            font(size, false),
            theme::MUTED,
            align,
        ));
    }
}

fn clock(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let ms = view.clock_ms.max(0.0) as u64;
    let time = format!("t = {}.{:03} s", ms / 1000, ms % 1000);
    // Built with either separator rather than by `str::replace`, whose substring search
    // cost the page about 1 KB gzipped.
    let with = |sep: &str| {
        let mut label = format!("{time}{sep}{}", speed_label(view.speed));
        if view.paused {
            label.push_str(sep);
            label.push_str("paused");
        }
        label
    };
    let mut label = with("  ·  ");
    // The overlay is the ring's area: on a narrow one (a 320×240 embed) the clock keeps
    // its time and drops the spaces, then the rest, rather than run off its edge.
    let size = readable(geo, 12.0 * s);
    let room = chars_in(geo.ring.w - 24.0 * s, size);
    if char_count(&label) > room {
        label = with(" · ");
    }
    if char_count(&label) > room {
        label = time;
    }
    scene.push(text(
        geo.ring.x + 16.0 * s,
        geo.ring.bottom() - 16.0 * s,
        label,
        mono(size, false),
        theme::MUTED,
        Align::Left,
    ));
}
