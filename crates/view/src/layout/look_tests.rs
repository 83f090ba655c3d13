//! The look's tests: the projector view is larger, thicker and darker; reduced motion makes
//! messages jump; every text on the canvas meets WCAG AA contrast on what it is drawn on; a
//! server's role is told apart with the colours taken away.

use super::geometry::distance;
use super::tests::view;
use super::*;
use crate::look::{Look, PROJECTOR_LINE_WEIGHT};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use river_sim::kv::Op;
use river_sim::SimConfig;

/// A projected page's canvas at 1920×1080 (the page around it takes the rest).
const PROJECTED: Viewport = Viewport {
    width: 1400.0,
    height: 760.0,
};

/// Servers at once in every role a page shows: a leader with a snapshot, committed and
/// uncommitted entries, a crashed server, a cut-off candidate, followers, a learner;
/// messages in flight (votes refused among them) and a user waiting.
pub(super) fn busy_cluster() -> Simulation {
    let mut sim = Simulation::new(SimConfig::new(5, 1)).unwrap();
    sim.advance(1_000);
    let leader = sim.leader().expect("a leader after a second");
    let others: Vec<NodeId> = sim.ids().filter(|&id| id != leader).collect();
    sim.submit(leader, Op::parse("x=1").unwrap());
    sim.advance(300);
    // A snapshot block at the head of the leader's log, and a learner catching up.
    assert!(sim.snapshot(leader));
    sim.add_server().expect("a sixth server");
    sim.advance(50);
    sim.crash(others[0]);
    for &id in &others[2..] {
        sim.cut(others[1], id, false);
    }
    sim.cut(others[1], leader, false);
    sim.force_timeout(others[1]);
    sim.submit(leader, Op::parse("y=2").unwrap());
    while sim.in_flight().count() < 3 {
        assert!(sim.step());
    }
    sim
}

fn scenes(sim: &Simulation, look: Look) -> (Geometry, Scene, Scene) {
    let geo = Geometry::with_look(PROJECTED, sim.size(), look);
    let (mut base, mut overlay) = (Scene::default(), Scene::default());
    build(&mut base, &geo, &view(sim));
    build_overlay(&mut overlay, &geo, &view(sim));
    (geo, base, overlay)
}

fn font_of<'a>(scene: &'a Scene, wanted: &str) -> Option<&'a Font> {
    scene.shapes.iter().find_map(|s| match s {
        Shape::Text { text, font, .. } if text == wanted => Some(font),
        _ => None,
    })
}

fn link_width(scene: &Scene, color: Color) -> f64 {
    scene
        .shapes
        .iter()
        .find_map(|s| match s {
            Shape::Line { stroke, .. } if stroke.color == color => Some(stroke.width),
            _ => None,
        })
        .expect("a link")
}

#[test]
fn the_projector_view_draws_larger_text_and_thicker_lines_in_darker_colours() {
    let sim = busy_cluster();
    let (_, plain, plain_overlay) = scenes(&sim, Look::default());
    let (geo, big, big_overlay) = scenes(
        &sim,
        Look {
            projector: true,
            ..Look::default()
        },
    );
    let logs = (
        font_of(&plain, "Logs").unwrap(),
        font_of(&big, "Logs").unwrap(),
    );
    assert!(logs.1.size > logs.0.size, "the logs grow too: {logs:?}");
    let entry = font_of(&big, "x=1").unwrap().size;
    assert!(entry >= 19.0, "an entry's text is {entry} px");
    let grid = LogGrid::new(&geo, sim.size(), false);
    assert!(
        grid.columns >= 4,
        "four entries fit beside a projected ring: {grid:?}"
    );
    // A server's letter, and its role tag (on the overlay).
    for (label, plain, big) in [
        ("A", &plain, &big),
        ("leader", &plain_overlay, &big_overlay),
    ] {
        let (a, b) = (font_of(plain, label).unwrap(), font_of(big, label).unwrap());
        assert!(
            // PROJECTOR_SCALE larger, less the share of the width the ring gives the logs.
            b.size >= a.size * 1.15,
            "{label}: {} px in the projector view, {} px otherwise",
            b.size,
            a.size
        );
    }
    let letter = font_of(&big, "A").unwrap().size;
    assert!(letter >= 36.0, "a server's letter is {letter} px");
    // Links are darker and thicker.
    let (thin, thick) = (
        link_width(&plain, theme::LINK),
        link_width(&big, theme::high_contrast(theme::LINK)),
    );
    assert!(
        thick >= thin * 1.2 * PROJECTOR_LINE_WEIGHT,
        "{thin} → {thick}"
    );
    assert!(thick >= 4.0, "links {thick} px wide");
    for scene in [&big, &big_overlay] {
        for shape in &scene.shapes {
            let colors: Vec<Color> = match shape {
                Shape::Line { stroke, .. } | Shape::Arc { stroke, .. } => alloc::vec![stroke.color],
                Shape::Text { color, .. } => alloc::vec![*color],
                Shape::Circle { fill, stroke, .. } | Shape::Rect { fill, stroke, .. } => fill
                    .iter()
                    .copied()
                    .chain(stroke.map(|s| s.color))
                    .collect(),
                _ => alloc::vec![],
            };
            for pale in [theme::LINK, theme::MUTED, theme::FAINT, theme::PANEL_EDGE] {
                assert!(
                    !colors.contains(&pale),
                    "{pale} in the projector view: {shape:?}"
                );
            }
        }
    }
    // And everything still fits on the canvas.
    for shape in &big.shapes {
        if let Shape::Text { x, y, .. } = shape {
            assert!(
                *x >= 0.0 && *x <= geo.viewport.width && *y >= 0.0 && *y <= geo.viewport.height
            );
        }
    }
}

#[test]
fn under_reduced_motion_a_message_jumps_between_three_places_instead_of_gliding() {
    let sim = busy_cluster();
    let m = sim.in_flight().next().unwrap().clone();
    let places = |look: Look| {
        let geo = Geometry::with_look(PROJECTED, 5, look);
        let mut seen: Vec<Point> = Vec::new();
        for k in 0..=100 {
            let t = m.sent_ms as f64 + (m.deliver_ms - m.sent_ms) as f64 * k as f64 / 100.0;
            let p = message_position(&geo, &m, t);
            if !seen.iter().any(|q| distance(*q, p) < 1e-9) {
                seen.push(p);
            }
        }
        seen
    };
    assert!(places(Look::default()).len() > 50, "it glides");
    let reduced = places(Look {
        reduced_motion: true,
        ..Look::default()
    });
    assert_eq!(reduced.len(), 3, "{reduced:?}");
}

/// WCAG 2 relative luminance of a `#rrggbb` colour.
fn luminance(color: Color) -> f64 {
    let channel = |k: usize| {
        let v = u8::from_str_radix(&color[1 + 2 * k..3 + 2 * k], 16).unwrap() as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            libm_pow((v + 0.055) / 1.055, 2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

fn libm_pow(x: f64, y: f64) -> f64 {
    std::primitive::f64::powf(x, y)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Every text in `layers` (painted in order) whose colour is below `ratio` against the
/// topmost filled shape under its anchor, or the canvas background.
fn low_contrast(layers: &[&Scene], ratio: f64) -> Vec<(String, Color, Color, f64)> {
    let mut found = Vec::new();
    let shapes: Vec<&Shape> = layers.iter().flat_map(|s| s.shapes.iter()).collect();
    for (k, shape) in shapes.iter().enumerate() {
        let Shape::Text {
            x, y, text, color, ..
        } = shape
        else {
            continue;
        };
        let under = shapes[..k]
            .iter()
            .rev()
            .find_map(|s| match **s {
                Shape::Circle {
                    x: cx,
                    y: cy,
                    r,
                    fill: Some(f),
                    ..
                } if distance((*x, *y), (cx, cy)) <= r => Some(f),
                Shape::Rect {
                    x: rx,
                    y: ry,
                    w,
                    h,
                    fill: Some(f),
                    ..
                } if (rx..=rx + w).contains(x) && (ry..=ry + h).contains(y) => Some(f),
                _ => None,
            })
            .unwrap_or(theme::BACKGROUND);
        let c = contrast(color, under);
        if c < ratio {
            found.push((text.clone(), *color, under, c));
        }
    }
    found
}

#[test]
fn every_text_on_the_canvas_meets_wcag_aa_on_what_it_is_drawn_on() {
    let sim = busy_cluster();
    for look in [
        Look::default(),
        Look {
            projector: true,
            ..Look::default()
        },
    ] {
        let (_, base, overlay) = scenes(&sim, look);
        assert!(base.texts().count() > 40, "a busy scene");
        // The role tags are on the overlay.
        for shown in ["learner", "candidate", "crashed", "leader"] {
            assert!(
                overlay.texts().any(|t| t == shown),
                "{shown} is in the scene"
            );
        }
        assert!(base
            .texts()
            .any(|t| t.starts_with("snapshot") || t.starts_with("≤")));
        let low = low_contrast(&[&base, &overlay], 4.5);
        assert!(low.is_empty(), "{look:?}: {low:?}");
    }
    // The projector view's secondary text is well above AA.
    assert!(contrast(theme::high_contrast(theme::MUTED), theme::PANEL) >= 7.0);
}

#[test]
fn the_contrast_check_catches_pale_text() {
    // The check is shown to fail: the old faint "(empty)" grey on a white card, and white
    // on the old amber tag.
    let mut scene = Scene::default();
    scene.push(Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: 100.0,
        h: 40.0,
        radius: 0.0,
        fill: Some(theme::PANEL),
        stroke: None,
    });
    scene.push(text(
        10.0,
        20.0,
        "(empty)",
        font(13.0, false),
        "#cbd5e1",
        Align::Left,
    ));
    scene.push(Shape::Circle {
        x: 200.0,
        y: 20.0,
        r: 15.0,
        fill: Some("#f59e0b"),
        stroke: None,
    });
    scene.push(text(
        200.0,
        20.0,
        "1",
        font(13.0, false),
        theme::WHITE,
        Align::Center,
    ));
    scene.push(text(
        300.0,
        20.0,
        "fine",
        font(13.0, false),
        theme::INK,
        Align::Left,
    ));
    let low: Vec<String> = low_contrast(&[&scene], 4.5)
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(low, ["(empty)", "1"]);
}

/// What is drawn within `reach` of `(x, y)`, with every colour and position taken away:
/// the kinds of shapes, their dash patterns and the words (a term number counts as "n").
fn colourless(scene: &Scene, (x, y): Point, reach: f64) -> Vec<String> {
    let near = |px: f64, py: f64| distance((px, py), (x, y)) <= reach;
    let mut out = Vec::new();
    for shape in &scene.shapes {
        let sign = match shape {
            Shape::Circle {
                x: cx,
                y: cy,
                stroke,
                fill,
                ..
            } if near(*cx, *cy) => {
                format!("circle {:?} {}", stroke.map(|s| s.dash), fill.is_some())
            }
            Shape::Rect {
                x: rx, y: ry, w, h, ..
            } if near(rx + w / 2.0, ry + h / 2.0) => String::from("rect"),
            Shape::Triangle { points, .. } if near(points[1].0, points[1].1) => {
                String::from("triangle")
            }
            Shape::Text {
                x: tx, y: ty, text, ..
            } if near(*tx, *ty) => {
                if text.chars().all(|c| c.is_ascii_digit()) {
                    String::from("n")
                } else {
                    text.clone()
                }
            }
            _ => continue,
        };
        out.push(sign);
    }
    out.sort();
    out
}

#[test]
fn with_the_colours_taken_away_every_role_still_looks_different() {
    let sim = busy_cluster();
    let mut pre = Simulation::new({
        let mut c = SimConfig::new(3, 5);
        c.raft.pre_vote = true;
        c
    })
    .unwrap();
    pre.advance(1_000);
    let lone = NodeId(2);
    pre.cut(lone, NodeId(0), false);
    pre.cut(lone, NodeId(1), false);
    pre.force_timeout(lone);
    let mut looks = BTreeSet::new();
    let mut roles = BTreeSet::new();
    for s in [&sim, &pre] {
        let (geo, base, _) = scenes(s, Look::default());
        let grid = LogGrid::new(&geo, s.size(), false);
        for id in s.ids() {
            let role = s.node(id).map(|n| n.role());
            if role == Some(Role::Follower) && roles.contains(&format!("{role:?}")) {
                continue;
            }
            let on_ring = colourless(&base, geo.node(id), geo.node_radius + 20.0 * geo.scale);
            let row_mid = grid.rows_y + grid.row_h * (id.index() as f64 + 0.5);
            let badge = (geo.logs.x + 60.0 * LogGrid::scale(&geo), row_mid);
            let in_logs = colourless(&base, badge, 50.0 * LogGrid::scale(&geo));
            roles.insert(format!("{role:?}"));
            looks.insert((format!("{role:?}"), on_ring, in_logs));
        }
    }
    assert_eq!(
        roles.len(),
        5,
        "leader, candidate, pre-candidate, follower, crashed: {roles:?}"
    );
    for (role, ring, logs) in &looks {
        for (other, ring2, logs2) in &looks {
            if role != other {
                assert_ne!(ring, ring2, "{role} and {other} look alike on the ring");
                assert_ne!(logs, logs2, "{role} and {other} look alike in the logs");
            }
        }
    }
    let leader = looks.iter().find(|l| l.0 == "Some(Leader)").unwrap();
    assert_eq!(
        leader.1.iter().filter(|s| *s == "triangle").count(),
        3,
        "the crown"
    );
}

#[test]
fn the_look_stays_through_a_resize_a_new_cluster_and_a_new_server() {
    use crate::action::Action;
    use crate::app::App;
    use crate::settings::Setting;
    let look = Look {
        projector: true,
        reduced_motion: true,
    };
    let mut app = App::new("?seed=1", PROJECTED, || 1);
    app.set_look(look);
    app.resize(1200.0, 700.0);
    assert_eq!(app.geometry().look, look);
    app.apply(Action::Set {
        name: Setting::Nodes,
        value: "3".into(),
    })
    .unwrap();
    assert_eq!((app.geometry().nodes.len(), app.geometry().look), (3, look));
    app.apply(Action::Advance(2_000.0)).unwrap();
    app.apply(Action::AddServer).unwrap();
    assert_eq!((app.geometry().nodes.len(), app.geometry().look), (4, look));
    app.apply(Action::RestartRun).unwrap();
    assert_eq!(app.geometry().look, look);
    // And it is taken back.
    app.set_look(Look::default());
    assert_eq!(app.geometry().look, Look::default());
}

/// The words beside User X grow with the rest in the projector view: a user's answer
/// ("heard: y=2 committed") too long for one line at its size takes two, where it fell back
/// to 11 px. And the name stays at least as large as its words, on a small projected canvas
/// too (a 640×400 embed's, a 1280×720 page's), where 15.4 px words stood under an 11 px name.
#[test]
fn the_users_words_grow_in_the_projector_view() {
    let mut sim = Simulation::new(SimConfig::new(5, 1)).unwrap();
    sim.advance(1_000);
    let leader = sim.leader().expect("a leader after a second");
    sim.submit(leader, Op::parse("y=2").unwrap());
    sim.advance(1_000);
    let heard = [Some(String::from("y=2 committed"))];
    let at = View {
        heard: &heard,
        ..view(&sim)
    };
    // A projected page's canvas at 1920×1080 with the first-visit hint under it, a 640×400
    // embed's and a 1280×720 page's.
    let canvases = [(1400.0, 620.0), (632.0, 347.0), (930.0, 330.0)];
    // Before anyone has sent anything too: "click a node to send a change or read".
    let idle = Simulation::new(SimConfig::new(5, 1)).unwrap();
    for (k, (w, h)) in canvases.into_iter().enumerate() {
        let geo = Geometry::with_look(
            Viewport::new(w, h),
            5,
            Look {
                projector: true,
                ..Look::default()
            },
        );
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&idle));
        let drawn = |wanted: &dyn Fn(&str) -> bool| {
            scene.shapes.iter().find_map(|s| match s {
                Shape::Text { text, font, y, .. } if wanted(text) => Some((font.size, *y)),
                _ => None,
            })
        };
        let (name, name_y) = drawn(&|t| t == "User X").expect("the user's name is drawn");
        let (click, click_y) = drawn(&|t| t.starts_with("click")).unwrap_or_else(|| {
            panic!(
                "{w}×{h}: the user's words: {:?}",
                scene.texts().collect::<Vec<_>>()
            )
        });
        assert!(
            name >= click,
            "{w}×{h}: the name at {name} px, its words at {click} px"
        );
        // Apart: 15.5 px words 13 px under a 15.5 px name touched it.
        assert!(
            click_y - click / 2.0 >= name_y + name / 2.0,
            "{w}×{h}: the words at {click_y} touch the name at {name_y}"
        );
        let mut scene = Scene::default();
        build(&mut scene, &geo, &at);
        let texts: Vec<(&str, f64)> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, font, .. } => Some((text.as_str(), font.size)),
                _ => None,
            })
            .skip_while(|w| w.0 != "User X")
            .take(3)
            .collect();
        let (name, words) = texts.split_first().expect("the user's name is drawn");
        assert!(!words.is_empty(), "{w}×{h}: the user's words are drawn");
        for &(text, size) in words {
            assert!(
                name.1 >= size,
                "{w}×{h}: the name at {} px, {text:?} under it at {size} px",
                name.1
            );
        }
        if k > 0 {
            continue;
        }
        let said: Vec<&str> = words.iter().map(|w| w.0).collect();
        assert_eq!(said.join(" "), "heard: y=2 committed");
        for &(text, size) in words {
            assert!(
                size >= MIN_TEXT_PX * crate::look::PROJECTOR_SCALE,
                "{text:?} at {size} px"
            );
        }
    }
}

/// Two users on a short ring area keep clear of every server: in the projector view at
/// 1280×720 (the canvas 926×370, or 926×275 under a tour's banner) User Y stood on E's
/// letter and circle, and in a 320×240 embed User X's words ran into A's. Every word of
/// either user, and the plate under it, stays off each circle (its timer and halo too) and
/// each letter, there and on a laptop's and a large screen's canvas.
#[test]
fn two_users_keep_clear_of_the_servers_on_a_short_ring() {
    let mut sim = Simulation::new(SimConfig::new(5, 7)).unwrap();
    sim.advance(1_000);
    let leader = sim.leader().expect("a leader after a second");
    sim.submit(leader, Op::parse("x=1").unwrap());
    sim.advance(500);
    sim.crash(leader);
    sim.submit(leader, Op::parse("x=2").unwrap());
    sim.submit(NodeId(2), Op::parse("x=3").unwrap());
    assert_eq!(sim.clients().len(), 2, "two users");
    let heard = [None, Some(String::from("x=3 committed"))];
    let at = View {
        heard: &heard,
        ..view(&sim)
    };
    let projector = Look {
        projector: true,
        ..Look::default()
    };
    let cases = [
        (926.0, 370.0, projector),
        (926.0, 275.0, projector),
        (310.0, 150.0, Look::default()),
        (902.0, 498.0, Look::default()),
        (1542.0, 778.0, Look::default()),
    ];
    for (w, h, look) in cases {
        let geo = Geometry::with_look(Viewport::new(w, h), 5, look);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &at);
        let s = geo.scale;
        let mut keep_off: Vec<(Point, f64)> = Vec::new();
        for id in sim.ids() {
            let (cx, cy) = geo.node(id);
            let (ox, oy) = geo.outward(id);
            let d = geo.node_radius + 32.0 * s;
            keep_off.push(((cx, cy), geo.node_radius + 8.5 * s));
            keep_off.push(((cx + ox * d, cy + oy * d), 8.0 * s));
        }
        let shapes = &scene.shapes;
        for name in ["User X", "User Y"] {
            let at_name = shapes
                .iter()
                .rposition(|s| matches!(s, Shape::Text { text, .. } if text == name))
                .unwrap_or_else(|| panic!("{w}×{h}: {name} is drawn"));
            // The plate just before the name, then the name and its lines.
            let Shape::Rect {
                x, y, w: pw, h: ph, ..
            } = shapes[at_name - 1]
            else {
                panic!("{w}×{h}: a plate under {name}");
            };
            let plate = Rect { x, y, w: pw, h: ph };
            let near = |(cx, cy): Point, r: f64| {
                let px = cx.clamp(plate.x, plate.right());
                let py = cy.clamp(plate.y, plate.bottom());
                distance((px, py), (cx, cy)) < r
            };
            for &(centre, r) in &keep_off {
                assert!(
                    !near(centre, r),
                    "{w}×{h}: {name}'s words {plate:?} reach a server at {centre:?}"
                );
            }
        }
    }
}
