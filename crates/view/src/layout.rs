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
use crate::scene::{Align, Color, Dash, Font, Scene, Shape, Stroke, MONO_ADVANCE, SANS_ADVANCE};
use crate::theme;
use crate::words::{char_count, fit, op_text, payload_text, speed_label, user_name};
use alloc::format;
use alloc::string::{String, ToString};
use core::f64::consts::{FRAC_PI_2, TAU};
use river_core::{Body, MessageKind, NodeId, Role};
use river_sim::network::{Endpoint, InFlight, Packet, Reply};
use river_sim::Simulation;

pub mod focus;
mod geometry;
mod logs;
#[cfg(test)]
mod look_tests;
mod messages;
#[cfg(test)]
mod tests;

pub use geometry::*;
use logs::logs;
pub use logs::LogGrid;
pub use messages::{confirms_read, message_position, progress};
use messages::{ghosts, messages};
use river_sim::scenario::Highlight;

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

/// A tour step's links: a wide glow under the link, from the first server to the second,
/// with an arrowhead for the direction.
fn shown_links(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    for shown in view.shown {
        if let Highlight::Link(a, b) = *shown {
            if a.index() < geo.nodes.len() && b.index() < geo.nodes.len() {
                let (pa, pb) = (geo.node(a), geo.node(b));
                scene.push(line(pa, pb, Stroke::solid(theme::SHOWN_GLOW, 14.0 * s)));
                arrow_head(scene, pa, pb, 0.75, 16.0 * s, theme::SHOWN);
            }
        }
    }
}

/// A tour step's servers: a thick ring around each, drawn under it.
fn shown_nodes(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    for shown in view.shown {
        if let Highlight::Node(id) = *shown {
            if id.index() < geo.nodes.len() {
                let (x, y) = geo.node(id);
                scene.push(Shape::Circle {
                    x,
                    y,
                    r: geo.node_radius + 18.0 * s,
                    fill: Some(theme::SHOWN_GLOW),
                    stroke: Some(Stroke::solid(theme::SHOWN, 3.0 * s)),
                });
            }
        }
    }
}

/// The keyboard's focus ring on a link: an outline around it between the two circles,
/// drawn under the link.
fn focused_link(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let Some(Hit::Link { a, b, .. }) = view.focused else {
        return;
    };
    let s = geo.scale;
    let (pa, pb) = (geo.node(a), geo.node(b));
    let len = geometry::distance(pa, pb).max(1e-9);
    let gap = ((geo.node_radius + 8.0 * s) / len).min(0.45);
    let (from, to) = (midpoint(pa, pb, gap), midpoint(pa, pb, 1.0 - gap));
    scene.push(line(from, to, Stroke::solid(theme::FOCUS, 12.0 * s)));
    scene.push(line(from, to, Stroke::solid(theme::BACKGROUND, 7.0 * s)));
}

/// The keyboard's focus ring on a server: a ring outside its selection ring, drawn over it.
fn focused_node(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let Some(Hit::Node(id)) = view.focused else {
        return;
    };
    let s = geo.scale;
    let (x, y) = geo.node(id);
    scene.push(Shape::Circle {
        x,
        y,
        r: geo.node_radius + 18.0 * s,
        fill: None,
        stroke: Some(Stroke::solid(theme::FOCUS, 3.5 * s)),
    });
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
    projector(scene, geo);
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
            let on =
                |hit| matches!(hit, Some(Hit::Link { a: ha, b: hb, .. }) if ha == ia && hb == ib);
            // The link the keyboard's ring is on is drawn as if pointed at.
            let hovered = on(view.hover) || on(view.focused);
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
            None => String::from("click a node to send a change or read"),
            Some(c) => match (&c.outstanding, view.heard.get(k)) {
                (Some(out), _) => format!("waiting: {}", fit(&op_text(&out.op), 14)),
                (None, Some(Some(heard))) => format!("heard: {heard}"),
                (None, _) => String::from("idle"),
            },
        };
        // The words stop short of the top server's letter, above the ring's centre.
        let room = geo.centre.0 - 16.0 * s - label_x;
        let chars = maths::floor(room / (11.0 * s * SANS_ADVANCE)).max(0.0) as usize;
        scene.push(text(
            label_x,
            y + 11.0 * s,
            fit(&status, chars),
            font(11.0 * s, false),
            theme::MUTED,
            Align::Left,
        ));
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
    let config = crate::members::configuration(view.sim);
    let quorum = config.map_or(view.sim.size() / 2 + 1, |m| m.quorum());
    for id in view.sim.ids() {
        let standing = crate::members::standing(config, id);
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
        if role == Some(Role::Leader) {
            crown(scene, (x, y - r), r * 0.9, theme::LEADER_EDGE);
        }
        if standing == "learner" && node.is_some() {
            // A second, inner ring marks a learner (shape, not colour alone): it receives
            // the log but does not vote until it is promoted.
            scene.push(Shape::Circle {
                x,
                y,
                r: r - 5.0 * s,
                fill: None,
                stroke: Some(Stroke::dashed(edge, 1.5 * s)),
            });
        }
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
                scene.push(text(x, y, "down", f, theme::DOWN_INK, Align::Center));
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
        let word = match (role, standing) {
            (None, "none") if view.sim.server(id).retired => Some("removed"),
            (None, _) => Some("crashed"),
            (Some(Role::Follower), "learner") => Some("learner"),
            (Some(Role::Follower), "none") => Some("not a member"),
            (Some(Role::Follower), _) => None,
            (Some(r), _) => Some(r.name()),
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

/// A crown `w` wide standing on `base` (its bottom centre): the leader's mark, so the leader
/// is told by shape as well as by colour and its tag.
pub(crate) fn crown(scene: &mut Scene, (x, y): Point, w: f64, fill: Color) {
    let h = w * 0.5;
    let band = y - h * 0.3;
    scene.push(Shape::Rect {
        x: x - w / 2.0,
        y: band,
        w,
        h: h * 0.4,
        radius: h * 0.06,
        fill: Some(fill),
        stroke: None,
    });
    let tip = y - h;
    for (left, peak, right) in [(-0.5, -0.5, -0.12), (-0.24, 0.0, 0.24), (0.12, 0.5, 0.5)] {
        scene.push(Shape::Triangle {
            points: [
                (x + left * w, band + 0.5),
                (x + peak * w, tip),
                (x + right * w, band + 0.5),
            ],
            fill,
        });
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
