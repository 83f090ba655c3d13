//! The servers on the ring: each one's circle, role, term, vote and commit, its election
//! timer running round it, and the leader's crown.

use super::*;

pub(super) fn timers(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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

pub(super) fn nodes(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
                let least = geo.text_px;
                let caption = (10.5 * s).max(geo.inside_px).min(r * CAPTION_SHARE);
                // The number stays well above its caption where the circle allows.
                let number = font((21.0 * s).max(caption * 1.5).min(r * 0.72).max(least), true);
                let candidate = matches!(role, Some(Role::Candidate | Role::PreCandidate));
                let dy = if candidate { -0.12 * r } else { 0.0 };
                // A circle too small for a legible caption shows its number alone.
                let captioned = font(caption, false).size >= least;
                if captioned {
                    scene.push(text(
                        x,
                        y - r * 0.42 + dy,
                        "term",
                        font(caption, false),
                        ink,
                        Align::Center,
                    ));
                }
                let number_y = if captioned { r * 0.12 } else { 0.0 };
                scene.push(text(
                    x,
                    y + number_y + dy,
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
                let f = font((13.0 * s).min(r * 0.45).max(geo.text_px), true);
                scene.push(text(x, y, "down", f, theme::DOWN_INK, Align::Center));
            }
        }
        // The letter outside the ring, beyond the circle's timer and halo (its role tag,
        // unless it is the common case, is on the overlay: `tags`).
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
    }
}

/// The role tags ("leader", "candidate", "crashed", …) on the circles' lower rims. They
/// are on the overlay, after the messages: a heartbeat leaves its leader right where the
/// tag sits, and was drawn over it.
pub(super) fn tags(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let s = geo.scale;
    let r = geo.node_radius;
    let config = crate::members::configuration(view.sim);
    for id in view.sim.ids() {
        let standing = crate::members::standing(config, id);
        let (x, y) = geo.node(id);
        let role = view.sim.node(id).map(|n| n.role());
        let frozen = view.sim.frozen(id);
        let word = match (role, standing) {
            (None, "none") if view.sim.server(id).retired => Some("removed"),
            (None, _) => Some("crashed"),
            (Some(Role::Leader), _) if frozen => Some("frozen leader"),
            (Some(_), _) if frozen => Some("frozen"),
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
                // A learner (or a server not in the configuration) is no candidate: its
                // tag was drawn in the candidate's orange.
                Some(Role::Follower) if !frozen => (theme::FOLLOWER_EDGE, theme::WHITE),
                Some(_) => (theme::CANDIDATE, theme::INK),
                None => (theme::DOWN_EDGE, theme::WHITE),
            };
            let size = (11.0 * s).max(geo.text_px);
            let wide = |word: &str| word.len() as f64 * size * 0.6 + 12.0 * s;
            // On a small circle (a 320×240 embed) a long word shortens, as in the Logs panel,
            // rather than lie over its neighbours.
            let word = match word {
                "candidate" if wide(word) > 2.4 * r => "cand.",
                "pre-candidate" if wide(word) > 2.4 * r => "pre",
                _ => word,
            };
            let w = wide(word);
            let h = (16.0 * s).max(size * 1.4);
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
fn crown(scene: &mut Scene, (x, y): Point, w: f64, fill: Color) {
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
