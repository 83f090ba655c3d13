//! The drawing in a documentation embed's frame: the Embed dialog's 640×400 and the smallest
//! supported 320×240, with and without a tour's caption under the drawing. Every word is
//! at least the canvas's least size, whole (not cut with "…") and inside the canvas, and
//! every server with its letter inside the ring's area.

use super::geometry::distance;
use super::tests::view;
use super::*;
use crate::look::Look;
use alloc::vec::Vec;
use river_sim::SimConfig;

/// The canvas's CSS size in the frames (measured in Chromium with `?embed`, the tour's
/// caption panel under it).
const FRAMES: [(&str, Viewport, f64); 4] = [
    (
        "640×400",
        Viewport {
            width: 632.0,
            height: 347.0,
        },
        MIN_TEXT_PX,
    ),
    (
        "640×400 tour",
        Viewport {
            width: 632.0,
            height: 282.0,
        },
        MIN_TEXT_PX,
    ),
    (
        "320×240",
        Viewport {
            width: 312.0,
            height: 187.0,
        },
        9.0,
    ),
    (
        "320×240 tour",
        Viewport {
            width: 312.0,
            height: 146.0,
        },
        9.0,
    ),
];

/// A cluster with a leader, an entry in every log, and one server crashed (its circle says
/// "down", its tag "crashed").
fn cluster(n: usize) -> Simulation {
    let mut sim = Simulation::new(SimConfig::new(n, 2)).unwrap();
    sim.run_until(1_500);
    sim.crash(NodeId(1));
    sim
}

/// How far a text reaches either side of its anchor, from its characters.
fn extent(text: &str, font: &Font, align: Align) -> (f64, f64) {
    let bold = if font.bold { 1.08 } else { 1.0 };
    let w = font.width(text) * bold;
    match align {
        Align::Left => (0.0, w),
        Align::Center => (w / 2.0, w / 2.0),
        Align::Right => (w, 0.0),
    }
}

/// What is wrong with the drawing of `n` servers on `v`: words under `least` px or outside
/// the canvas, servers or letters outside the ring's area.
fn faults(v: Viewport, n: usize, least: f64) -> Vec<String> {
    faults_in(&cluster(n), v, Look::default(), least)
}

/// What is wrong with the drawing of `sim` on `v` in `look` (see [`faults`]), and words
/// that lie on each other.
fn faults_in(sim: &Simulation, v: Viewport, look: Look, least: f64) -> Vec<String> {
    let n = sim.size();
    let geo = Geometry::with_look(v, n, look);
    let (mut base, mut overlay) = (Scene::default(), Scene::default());
    // Paused, as an embed from the Embed dialog opens: the clock's longest words.
    let paused = View {
        paused: true,
        ..view(sim)
    };
    build(&mut base, &geo, &paused);
    build_overlay(&mut overlay, &geo, &paused);
    let mut out = Vec::new();
    // The overlay is a canvas the size of the ring's area: its words end inside it (the
    // clock ran off a 320×240 embed's).
    for shape in &overlay.shapes {
        if let Shape::Text {
            x,
            text,
            font,
            align,
            ..
        } = shape
        {
            let (left, right) = extent(text, font, *align);
            if x - left < geo.ring.x || x + right > geo.ring.right() {
                out.push(format!("{text:?} runs off the overlay"));
            }
        }
    }
    for shape in base.shapes.iter().chain(&overlay.shapes) {
        let Shape::Text {
            x,
            y,
            text,
            font,
            align,
            ..
        } = shape
        else {
            continue;
        };
        if font.size < least {
            out.push(format!("{text:?} at {} px", font.size));
        }
        // Shortened or left out where it does not fit, never cut mid-word ("no-…").
        if text.ends_with('…') && text != "…" {
            out.push(format!("{text:?} is cut"));
        }
        let (left, right) = extent(text, font, *align);
        let (top, bottom) = (y - font.size / 2.0, y + font.size / 2.0);
        if x - left < 0.0
            || x + right > geo.viewport.width
            || top < 0.0
            || bottom > geo.viewport.height
        {
            out.push(format!(
                "{text:?} outside: {:.0}..{:.0} × {top:.0}..{bottom:.0}",
                x - left,
                x + right
            ));
        }
    }
    // Words apart on the base layer (on the overlay messages pass under and over words), in
    // the projector view from 400 px across. (At 320×240, by these estimates of a word's
    // width, "User X" reaches A's letter, and with a tour and 7 servers "a node" G's.)
    let apart = look.projector && least >= MIN_TEXT_PX;
    for scene in [&base].into_iter().filter(|_| apart) {
        let boxes: Vec<(&str, Rect)> = scene
            .shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Text {
                    x,
                    y,
                    text,
                    font,
                    align,
                    ..
                } => {
                    let (left, right) = extent(text, font, *align);
                    let (w, h) = (left + right, font.size * 0.9);
                    Some((
                        text.as_str(),
                        Rect {
                            x: x - left,
                            y: y - h / 2.0,
                            w,
                            h,
                        },
                    ))
                }
                _ => None,
            })
            .collect();
        for (i, (a, ra)) in boxes.iter().enumerate() {
            for (b, rb) in &boxes[i + 1..] {
                let across = ra.right().min(rb.right()) - ra.x.max(rb.x);
                let down = ra.bottom().min(rb.bottom()) - ra.y.max(rb.y);
                if across > 1.0 && down > 1.0 {
                    out.push(format!("{a:?} lies on {b:?}"));
                }
            }
        }
    }
    let ring = geo.ring;
    // Circles apart: 7 servers at 320×240 overlapped when each circle took the room a
    // legible caption wants from the ring.
    for (i, &a) in geo.nodes.iter().enumerate() {
        for (j, &b) in geo.nodes.iter().enumerate().skip(i + 1) {
            if distance(a, b) <= 2.0 * geo.node_radius {
                out.push(format!("servers {i} and {j} overlap"));
            }
        }
    }
    for (i, &(x, y)) in geo.nodes.iter().enumerate() {
        let r = geo.node_radius;
        if x - r < ring.x || x + r > ring.right() || y - r < ring.y || y + r > ring.bottom() {
            out.push(format!("server {i} outside the ring's area"));
        }
    }
    out
}

#[test]
fn in_an_embeds_frame_every_word_is_legible_and_inside_the_canvas() {
    let mut all = Vec::new();
    for (name, v, least) in FRAMES {
        for n in [3, 5, 7] {
            for fault in faults(v, n, least) {
                all.push(format!("{name}, {n} servers: {fault}"));
            }
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

/// How far `p` is from the rectangle `r` (0 inside it).
fn away(r: Rect, (x, y): Point) -> f64 {
    let dx = (r.x - x).max(x - r.right()).max(0.0);
    let dy = (r.y - y).max(y - r.bottom()).max(0.0);
    maths::sqrt(dx * dx + dy * dy)
}

/// The hint box (the words for the pointer and the keyboard) covers no server, its focus
/// ring or letter, and no link (where messages, and the ring on a link or a message, are):
/// whatever the ring is on stays in view. It was at the canvas's foot, over the lowest
/// servers' letters and their focus rings.
#[test]
fn the_words_box_never_covers_a_server_a_link_or_the_focus_ring() {
    let mut sizes: Vec<Viewport> = FRAMES.iter().map(|f| f.1).collect();
    sizes.extend([
        Viewport::new(902.0, 498.0),
        Viewport::new(1600.0, 900.0),
        Viewport::new(400.0, 800.0),
        Viewport::new(360.0, 560.0),
    ]);
    for v in sizes {
        for n in [1, 3, 5, 7, 9] {
            let geo = Geometry::new(v, n);
            let words = geo.words;
            let at = format!("{}×{}, {n} servers: {words:?}", v.width, v.height);
            assert!(words.x >= 0.0 && words.y >= 0.0, "{at}");
            assert!(
                words.right() <= geo.viewport.width && words.bottom() <= geo.viewport.height,
                "{at}"
            );
            assert!(
                words.w >= 100.0 && words.h >= 30.0,
                "room for a line of words: {at}"
            );
            let s = geo.scale;
            for id in (0..n).map(|i| NodeId(i as u8)) {
                let (x, y) = geo.node(id);
                // The focus ring and the selection ring are drawn at most 13 px out.
                let ring = geo.node_radius + 16.0 * s;
                assert!(away(words, (x, y)) > ring, "{at}: over server {id:?}");
                let (ox, oy) = geo.outward(id);
                let d = geo.node_radius + 32.0 * s;
                let letter = (x + ox * d, y + oy * d);
                assert!(away(words, letter) > 11.0 * s, "{at}: over {id:?}'s letter");
                for other in (id.0 + 1..n as u8).map(NodeId) {
                    let (a, b) = (geo.node(id), geo.node(other));
                    for k in 0..=100 {
                        let t = k as f64 / 100.0;
                        let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                        assert!(
                            away(words, p) > 6.0 * s,
                            "{at}: over the link {id:?}–{other:?}"
                        );
                    }
                }
            }
        }
    }
}

/// A user's answer in the smallest embed says the words that fit, whole: it read
/// "heard:…", then "y=2 co…"; a user waiting read "waitin…".
#[test]
fn in_the_smallest_embed_a_users_answer_keeps_whole_words() {
    let mut sim = Simulation::new(SimConfig::new(5, 1)).unwrap();
    sim.run_until(1_000);
    let leader = sim.leader().expect("a leader after a second");
    sim.submit(leader, river_sim::kv::Op::parse("y=2").unwrap());
    sim.run_until(2_000);
    let heard = [Some(String::from("y=2 committed"))];
    let at = View {
        heard: &heard,
        ..view(&sim)
    };
    let geo = Geometry::new(FRAMES[2].1, 5);
    let mut scene = Scene::default();
    build(&mut scene, &geo, &at);
    let words: Vec<&str> = scene
        .texts()
        .skip_while(|t| *t != "User X")
        .skip(1)
        .take_while(|t| t.starts_with("heard") || t.starts_with("y=2") || *t == "committed")
        .collect();
    let said = words.join(" ");
    assert!(said.starts_with("heard: y=2"), "{said:?}");
    assert!(!said.contains('…'), "{said:?}");
    // Waiting for an answer: it read "waitin…".
    sim.submit(leader, river_sim::kv::Op::parse("x=1").unwrap());
    let mut scene = Scene::default();
    build(&mut scene, &geo, &view(&sim));
    let words: Vec<&str> = scene
        .texts()
        .skip_while(|t| *t != "User X")
        .skip(1)
        .take(2)
        .collect();
    let said = words.join(" ");
    assert!(said.contains("x=1"), "{said:?}");
    assert!(!said.contains('…'), "{said:?}");
}

/// A log longer than the window: the mark that earlier entries are left of it stays off the
/// panel's title, which a compact panel sets on the indexes' line ("Logs…" at 320×240).
#[test]
fn the_mark_for_earlier_entries_never_lies_on_the_logs_title() {
    let mut sim = Simulation::new(SimConfig::new(5, 2)).unwrap();
    sim.run_until(1_000);
    let leader = sim.leader().expect("a leader after a second");
    for k in 0..6 {
        sim.submit(leader, river_sim::kv::Op::parse(&format!("x={k}")).unwrap());
        sim.run_until(1_200 + 200 * k);
    }
    for (name, v, _) in FRAMES {
        let geo = Geometry::new(v, 5);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&sim));
        let place = |wanted: &str| {
            scene.shapes.iter().find_map(|s| match s {
                Shape::Text {
                    x,
                    y,
                    text,
                    font,
                    align,
                    ..
                } if text == wanted => {
                    let (left, right) = extent(text, font, *align);
                    Some((x - left, x + right, *y, font.size))
                }
                _ => None,
            })
        };
        let title = place("Logs").expect("the title");
        if let Some(mark) = place("…") {
            let same_line = (mark.2 - title.2).abs() < (mark.3 + title.3) / 2.0;
            assert!(
                !same_line || mark.0 >= title.1,
                "{name}: the mark at {mark:?} lies on the title at {title:?}"
            );
        }
    }
}

/// A projected page's canvas (measured in Chromium with `?projector`): 1280×720 with the
/// first-visit hint under the drawing and without it, 1280×800, 1920×1080.
const PROJECTED: [(&str, Viewport); 4] = [
    (
        "1280×720",
        Viewport {
            width: 930.0,
            height: 325.0,
        },
    ),
    (
        "1280×720, no hint",
        Viewport {
            width: 930.0,
            height: 374.0,
        },
    ),
    (
        "1280×800",
        Viewport {
            width: 930.0,
            height: 405.0,
        },
    ),
    (
        "1920×1080",
        Viewport {
            width: 1406.0,
            height: 621.0,
        },
    ),
];

/// In the projector view every word on the canvas is at least 14 px (a log entry's term and
/// command, a message's count, a server's caption) and words beside the drawing at least
/// 16 px (the Logs panel's indexes, role words and stores, the user's words, the clock), whole,
/// inside the canvas and apart. A 1280×720 projector drew the Logs panel's words at 11 px.
#[test]
fn in_a_projected_page_every_word_is_large_whole_and_apart() {
    let look = Look {
        projector: true,
        ..Look::default()
    };
    let beside = |text: &str| {
        matches!(text, "leader" | "store" | "key-value store" | "User X")
            || text.starts_with("t = ")
            || text.starts_with("x=")
            || text.starts_with("waiting")
    };
    let mut all = Vec::new();
    for (name, v) in PROJECTED {
        for n in [3, 5, 7, 9] {
            for fault in faults_in(&cluster(n), v, look, crate::look::PROJECTOR_TEXT_PX) {
                all.push(format!("{name}, {n} servers: {fault}"));
            }
        }
        // Busy: a configuration entry's label is longer than any box, and is cut.
        let sim = super::look_tests::busy_cluster();
        for fault in faults_in(&sim, v, look, crate::look::PROJECTOR_TEXT_PX) {
            if !fault.starts_with("\"confi") {
                all.push(format!("{name}, busy: {fault}"));
            }
        }
        let geo = Geometry::with_look(v, sim.size(), look);
        let mut base = Scene::default();
        build(&mut base, &geo, &view(&sim));
        for shape in &base.shapes {
            if let Shape::Text { text, font, .. } = shape {
                if beside(text) && font.size < crate::look::PROJECTOR_BESIDE_PX {
                    all.push(format!(
                        "{name}: {text:?} beside the drawing at {} px",
                        font.size
                    ));
                }
            }
        }
    }
    // A projected embed in the smallest frames: as legible as without the projector view.
    for (name, v, least) in FRAMES.into_iter().filter(|f| f.2 < MIN_TEXT_PX) {
        for n in [3, 5, 7] {
            for fault in faults_in(&cluster(n), v, look, least) {
                all.push(format!("{name} projected, {n} servers: {fault}"));
            }
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}
