//! Messages on the wire: where each is along its link at the display clock, how it is drawn
//! (a Raft message by kind, client traffic as a labelled pill), and lost ones fading out.

use super::*;

/// Where a message is drawn: along the lane of its direction, edge to edge.
pub(super) fn message_point(geo: &Geometry, from: Endpoint, to: Endpoint, progress: f64) -> Point {
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
/// Under reduced motion it jumps between a few places instead of gliding.
pub fn message_position(geo: &Geometry, m: &InFlight, clock_ms: f64) -> Point {
    message_point(geo, m.from, m.to, geo.look.trip(progress(m, clock_ms)))
}

pub(super) fn messages(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    for m in view.sim.in_flight().take(MAX_DRAWN_MESSAGES) {
        let at = message_position(geo, m, view.clock_ms);
        if confirms_read(m, view.read_rounds).is_some() {
            // A heartbeat round a read waits on, and its answers: a purple halo, the
            // colour of the user's read.
            scene.push(Shape::Circle {
                x: at.0,
                y: at.1,
                r: 11.0 * geo.scale,
                fill: Some(theme::READ_ROUND),
                stroke: Some(Stroke::solid(theme::CLIENT, 2.0 * geo.scale)),
            });
        }
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
        if view.focused_message == Some(m.id) {
            // The keyboard's focus ring, as on a server: outside the held ring, on a pale
            // halo so that it reads over the links.
            for (color, width) in [(theme::BACKGROUND, 7.0), (theme::FOCUS, 3.5)] {
                scene.push(Shape::Circle {
                    x: at.0,
                    y: at.1,
                    r: 16.0 * geo.scale,
                    fill: None,
                    stroke: Some(Stroke::solid(color, width * geo.scale)),
                });
            }
        }
    }
}

/// The read round message `m` belongs to, if a read waits on that round: an AppendEntries
/// of the round from its leader, or a follower's answer to one (ReadIndex, thesis §6.4).
pub fn confirms_read(m: &InFlight, rounds: &[(NodeId, u64)]) -> Option<u64> {
    let Packet::Raft(raft) = &m.packet else {
        return None;
    };
    let (leader, round) = match (&raft.body, m.from, m.to) {
        (Body::AppendEntries { read_round, .. }, Endpoint::Node(l), _) => (l, *read_round),
        (Body::AppendEntriesResponse { read_round, .. }, _, Endpoint::Node(l)) => (l, *read_round),
        _ => return None,
    };
    (round > 0 && rounds.contains(&(leader, round))).then_some(round)
}

fn reply_text(reply: &Reply) -> String {
    match reply {
        Reply::Ok(river_sim::kv::OpResult::Done) => String::from("done"),
        Reply::Ok(river_sim::kv::OpResult::Value(Some(v))) => format!("= {}", fit(v, 8)),
        Reply::Ok(river_sim::kv::OpResult::Value(None)) => String::from("absent"),
        Reply::NotLeader(Some(l)) => format!("try {l}"),
        Reply::NotLeader(None) => String::from("no leader"),
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
                });
                if !granted {
                    refusal_cross(scene, s, (x, y), *pre_vote);
                }
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
                let s = worded(geo, 10.0);
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
            Body::ReadIndex { .. } | Body::ReadIndexResponse { .. } => scene.push(Shape::Circle {
                x,
                y,
                r: 5.5 * s,
                fill: Some(theme::WHITE),
                stroke: Some(Stroke::solid(theme::message_color(m.kind(), true), 2.5 * s)),
            }),
            Body::TimeoutNow => scene.push(Shape::Circle {
                x,
                y,
                r: 7.0 * s,
                fill: Some(theme::message_color(MessageKind::TimeoutNow, true)),
                stroke: Some(Stroke::solid(theme::VOTE_REQUEST, 2.5 * s)),
            }),
            // A snapshot chunk: a stone-grey block marked with the snapshot's last index.
            Body::InstallSnapshot {
                last_included_index,
                ..
            } => {
                let s = worded(geo, 9.0);
                scene.push(Shape::Rect {
                    x: x - 11.0 * s,
                    y: y - 8.0 * s,
                    w: 22.0 * s,
                    h: 16.0 * s,
                    radius: 1.0 * s,
                    fill: Some(theme::message_color(MessageKind::InstallSnapshot, true)),
                    stroke: Some(Stroke::solid(theme::WHITE, 1.5 * s)),
                });
                scene.push(text(
                    x,
                    y + 0.5 * s,
                    format!("≤{}", last_included_index.0),
                    font(9.0 * s, true),
                    theme::WHITE,
                    Align::Center,
                ));
            }
            // A reply is a small square, coloured by its kind and whether it says yes; a no
            // also carries a cross.
            Body::InstallSnapshotResponse { done: ok, .. }
            | Body::AppendEntriesResponse { success: ok, .. } => {
                scene.push(Shape::Rect {
                    x: x - 4.5 * s,
                    y: y - 4.5 * s,
                    w: 9.0 * s,
                    h: 9.0 * s,
                    radius: 1.5 * s,
                    fill: Some(theme::message_color(m.kind(), *ok)),
                    stroke: Some(Stroke::solid(theme::WHITE, 1.0 * s)),
                });
                if !ok {
                    refusal_cross(scene, s, (x, y), false);
                }
            }
        },
        Packet::Request { op, .. } => pill(
            scene,
            worded(geo, 11.0),
            (x, y),
            &fit(&op_text(op), 12),
            true,
        ),
        Packet::Reply { reply, .. } => {
            pill(scene, worded(geo, 11.0), (x, y), &reply_text(reply), false)
        }
    }
}

/// The scale of a message that carries words `size` px large at scale 1: the layout's, or in
/// the projector view larger where that leaves its words under the least size inside a
/// shape (a 1280×720 page drew an append's count at 9 px).
fn worded(geo: &Geometry, size: f64) -> f64 {
    if geo.look.projector {
        geo.scale.max(geo.text_px / size)
    } else {
        geo.scale
    }
}

/// The × on a refusal (a vote not granted, an append that failed), so a no is told by
/// shape as well as by colour: white on a filled reply, the refusal's colour on a hollow one.
fn refusal_cross(scene: &mut Scene, s: f64, (x, y): Point, hollow: bool) {
    let d = 2.6 * s;
    let color = if hollow { theme::NO } else { theme::WHITE };
    let stroke = Stroke::solid(color, 1.6 * s);
    scene.push(line((x - d, y - d), (x + d, y + d), stroke));
    scene.push(line((x - d, y + d), (x + d, y - d), stroke));
}

/// A rounded label travelling with client traffic: filled for requests, outlined for replies.
fn pill(scene: &mut Scene, s: f64, (x, y): Point, label: &str, filled: bool) {
    let size = 11.0 * s;
    let w = text_width(label, size, MONO_ADVANCE) + 12.0 * s;
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

pub(super) fn ghosts(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
        // It drifts a little as it fades, unless motion is reduced: then it only fades.
        let drift = if geo.look.reduced_motion { 0.0 } else { t };
        let where_lost = if g.at_end { 1.0 } else { 0.15 + 0.35 * drift };
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
