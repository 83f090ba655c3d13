//! Layout tests: geometry, hit-testing, messages on the wire, the scene and the log grid.

use super::geometry::distance;
use super::messages::message_point;
use super::*;
use alloc::vec::Vec;
use river_sim::kv::Op;
use river_sim::SimConfig;

fn sim(nodes: usize, seed: u64) -> Simulation {
    Simulation::new(SimConfig::new(nodes, seed)).unwrap()
}

pub(super) fn view(sim: &Simulation) -> View<'_> {
    View {
        sim,
        clock_ms: sim.now_ms() as f64,
        paused: false,
        speed: 0.05,
        hover: None,
        focused: None,
        focused_message: None,
        selected: None,
        ghosts: &[],
        thrown: &[],
        shown: &[],
        read_rounds: &[],
        heard: &[],
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
        .filter(|s| matches!(s, Shape::Triangle { fill, .. } if *fill == theme::LINK_CUT))
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
    let grid = LogGrid::new(&geo, 5, false);
    assert!(grid.columns >= 4, "{grid:?}");
    assert_eq!(grid.first_index(0), 1);
    assert_eq!(grid.first_index(grid.columns as u64), 1);
    assert_eq!(grid.first_index(grid.columns as u64 + 3), 4);
    assert!(grid.kv_x + grid.kv_w <= geo.logs.right());
    assert!(grid.rows_y + grid.row_h * 5.0 <= geo.logs.bottom() + 1e-6);
}

/// An embed at 320×240 leaves the canvas about 312×186: the log panel is narrow.
#[test]
fn a_narrow_log_panel_gives_up_role_words_then_the_store_before_entries_overlap() {
    for width in [312.0, 400.0, 480.0, 640.0, 1000.0] {
        let geo = Geometry::new(Viewport::new(width, 186.0), 5);
        let grid = LogGrid::new(&geo, 5, false);
        let cells_end = grid.cells_x + grid.pitch * grid.columns as f64;
        assert!(grid.columns >= 2, "{width}: room for two entries: {grid:?}");
        if grid.kv_w > 0.0 {
            assert!(
                cells_end <= grid.kv_x,
                "{width}: entries end before the store: {grid:?}"
            );
        }
        assert!(
            cells_end <= geo.logs.right() + 1e-9,
            "{width}: entries stay in the panel: {grid:?}"
        );
    }
    // How wide the badge and role word column is, from the panel's left edge.
    let label = |geo: &Geometry| LogGrid::new(geo, 5, false).head_x - geo.logs.x;
    let small = Geometry::new(Viewport::new(312.0, 186.0), 5);
    assert_eq!(
        LogGrid::new(&small, 5, false).kv_w,
        0.0,
        "no store column at 312 px"
    );
    assert!(label(&small) < 50.0, "no role words at 312 px");
    let wide = Geometry::new(WIDE, 5);
    assert!(LogGrid::new(&wide, 5, false).kv_w > 0.0 && label(&wide) > 90.0);

    // The panel's words all start inside it, and the key beside the title is left out
    // rather than cut.
    let s = sim(5, 1);
    let geo = Geometry::new(Viewport::new(312.0, 186.0), 5);
    let mut scene = Scene::default();
    build(&mut scene, &geo, &view(&s));
    let texts: Vec<&str> = scene.texts().collect();
    assert!(texts.contains(&"Logs"));
    assert!(!texts.iter().any(|t| t.starts_with("solid: committed")));
    assert!(!texts.contains(&"key-value store") && !texts.contains(&"(empty)"));
}

/// The user's words beside it stop short of the top server's letter, on any canvas.
#[test]
fn the_users_words_stop_short_of_the_top_servers_letter() {
    let s = sim(5, 1);
    for (width, height) in [(312.0, 186.0), (902.0, 496.0), (1400.0, 700.0)] {
        let geo = Geometry::new(Viewport::new(width, height), 5);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&s));
        let words = scene.shapes.iter().find_map(|shape| match shape {
            Shape::Text { x, text, font, .. } if text.starts_with("click") => {
                Some(x + font.width(text))
            }
            _ => None,
        });
        let end = words.expect("the idle user says what to do");
        assert!(
            end < geo.centre.0 - 10.0 * geo.scale,
            "{width}×{height}: ends at {end}, the letter at {}",
            geo.centre.0
        );
    }
}

/// The words for the pointer and the keyboard sit at the Logs panel's foot, where the rows
/// leave a band for two lines of them: on the page at 1280×800 and 1920×1080 (its drawing
/// about 902×498 and 1542×770), with 1 to 9 servers, the band is
/// under the last row, so the words cover no row and not the title (at the panel's top they
/// covered the title and the indexes).
#[test]
fn the_words_have_a_band_at_the_log_panels_foot_under_every_row() {
    for v in [
        Viewport::new(902.0, 498.0),
        Viewport::new(1542.0, 770.0),
        Viewport::new(1180.0, 460.0),
    ] {
        for n in 1..=9 {
            let geo = Geometry::new(v, n);
            let grid = LogGrid::new(&geo, n, false);
            let end = grid.rows_y + grid.row_h * n as f64;
            let band = logs::WORDS_BAND_PX * LogGrid::scale(&geo);
            assert!(
                end + band <= geo.words.bottom() + 1e-9,
                "{v:?}, {n} servers: rows end at {end}, the words' foot at {}",
                geo.words.bottom()
            );
            assert!(!grid.compact && grid.row_h >= 22.0, "{v:?}, {n}: {grid:?}");
        }
    }
}

/// A tour in a 320×240 embed leaves the drawing about 310×150 (the smallest laid out): the
/// title moves onto the indexes' line so that every row of the cluster fits in the panel.
#[test]
fn a_short_log_panel_keeps_every_row_of_the_cluster() {
    let s = sim(5, 1);
    for (width, height, most) in [(240.0, 150.0, 7), (310.0, 150.0, 7), (312.0, 186.0, 9)] {
        for n in 1..=most {
            let geo = Geometry::new(Viewport::new(width, height), n);
            let grid = LogGrid::new(&geo, n, false);
            let end = grid.rows_y + grid.row_h * n as f64;
            assert!(
                end <= geo.logs.bottom() + 1e-9,
                "{width}×{height}, {n} rows: they end at {end}, the panel at {}: {grid:?}",
                geo.logs.bottom()
            );
            assert!(grid.row_h >= logs::MIN_ROW_H, "{grid:?}");
            assert!(grid.header_y < grid.rows_y && grid.header_y > geo.logs.y);
        }
    }
    let geo = Geometry::new(Viewport::new(310.0, 150.0), 5);
    assert!(LogGrid::new(&geo, 5, false).compact);
    assert!(!LogGrid::new(&Geometry::new(WIDE, 5), 5, false).compact);
    // The title stays, left of the indexes and clear of them; every row has its letter.
    let mut scene = Scene::default();
    build(&mut scene, &geo, &view(&s));
    let grid = LogGrid::new(&geo, 5, false);
    let title = scene.shapes.iter().find_map(|shape| match shape {
        Shape::Text {
            x, y, text, font, ..
        } if text == "Logs" => Some((*x, *y, font.size)),
        _ => None,
    });
    let (x, y, size) = title.expect("the panel keeps its title");
    assert_eq!(y, grid.header_y);
    assert!(
        x + text_width("Logs", size, SANS_ADVANCE) * 1.1 <= grid.cells_x,
        "{x} {size} {grid:?}"
    );
    assert!(size >= 10.0, "the title reads: {size} px");
    for letter in ["A", "B", "C", "D", "E"] {
        let at = scene.shapes.iter().find_map(|shape| match shape {
            Shape::Text { x, y, text, .. } if text == letter && *x > geo.logs.x => Some(*y),
            _ => None,
        });
        let y = at.unwrap_or_else(|| panic!("row {letter} has its badge"));
        assert!(y < geo.logs.bottom(), "row {letter} at {y}");
    }
}

/// The page's canvas at 1280×800 and 1366×768 (its CSS size there, measured in Chromium).
const LAPTOPS: [Viewport; 2] = [
    Viewport {
        width: 902.0,
        height: 498.0,
    },
    Viewport {
        width: 988.0,
        height: 466.0,
    },
];

/// On a laptop's screen nothing on the canvas is cut off: the hint beside User X before
/// anyone sent anything wraps instead, and so does a crashed server's store; the words
/// beside the drawing (muted: the hint, the clock, the Logs panel's key, indexes and
/// headings) are never smaller than [`MIN_TEXT_PX`], whatever the layout's scale, and a
/// circle's "term" and an entry's term never smaller than [`INSIDE_TEXT_PX`].
#[test]
fn on_a_laptop_no_canvas_text_is_cut_or_too_small() {
    let mut sim = sim(5, 3);
    sim.run_until(1_000);
    sim.crash(NodeId(1));
    for v in LAPTOPS {
        let geo = Geometry::new(v, 5);
        assert!(geo.scale < 1.0, "the case worth testing: {}", geo.scale);
        let mut scene = Scene::default();
        build(&mut scene, &geo, &view(&sim));
        let texts: Vec<&str> = scene.texts().collect();
        assert!(
            !texts.iter().any(|t| t.contains('…')),
            "{}×{}: {texts:?}",
            v.width,
            v.height
        );
        let hint: Vec<&str> = texts
            .iter()
            .copied()
            .skip_while(|t| *t != "User X")
            .skip(1)
            .take(2)
            .collect();
        assert_eq!(hint.join(" "), "click a node to send a change or read");
        assert!(
            texts
                .windows(2)
                .any(|w| w.join(" ") == "— lost in the crash"),
            "{texts:?}"
        );
        let mut overlay = Scene::default();
        build_overlay(&mut overlay, &geo, &view(&sim));
        for shape in scene.shapes.iter().chain(&overlay.shapes) {
            if let Shape::Text {
                font, color, text, ..
            } = shape
            {
                if *color == theme::MUTED {
                    assert!(font.size >= MIN_TEXT_PX, "{text:?} at {} px", font.size);
                }
                // The words inside shapes: a circle's "term", an entry's term and command.
                if text == "term" || text == "t1" {
                    assert!(font.size >= INSIDE_TEXT_PX, "{text:?} at {} px", font.size);
                }
            }
        }
    }
}

/// Where a filled shape lies, for what is drawn over what.
fn bounds(shape: &Shape) -> Option<Rect> {
    match *shape {
        Shape::Circle { x, y, r, .. } => Some(Rect {
            x: x - r,
            y: y - r,
            w: 2.0 * r,
            h: 2.0 * r,
        }),
        Shape::Rect { x, y, w, h, .. } => Some(Rect { x, y, w, h }),
        _ => None,
    }
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

/// The leader's tag stays readable: its heartbeats leave it from under the tag (a leader at
/// the top of the ring sends them down across its lower rim), and were painted over it.
/// The base layer is painted first, then the overlay: nothing painted after the tag's word
/// covers the tag.
#[test]
fn messages_leaving_the_leader_pass_under_its_tag() {
    let mut sim = sim(5, 1);
    sim.force_timeout(NodeId(0));
    while sim.leader() != Some(NodeId(0)) {
        assert!(sim.step(), "A wins the election it starts");
    }
    let heartbeat = |sim: &Simulation| {
        sim.in_flight()
            .find(|m| m.from == Endpoint::Node(NodeId(0)) && m.to == Endpoint::Node(NodeId(3)))
            .map(|m| m.sent_ms)
    };
    while heartbeat(&sim).is_none() {
        assert!(sim.step());
    }
    let geo = Geometry::new(LAPTOPS[0], 5);
    // The moment A→D's message leaves A's rim.
    let at = View {
        clock_ms: heartbeat(&sim).unwrap() as f64,
        ..view(&sim)
    };
    let (mut base, mut overlay) = (Scene::default(), Scene::default());
    build(&mut base, &geo, &at);
    build_overlay(&mut overlay, &geo, &at);
    let painted: Vec<&Shape> = base.shapes.iter().chain(&overlay.shapes).collect();
    let (x, y) = geo.node(NodeId(0));
    let word = painted
        .iter()
        .position(|s| matches!(s, Shape::Text { text, x: tx, .. } if text == "leader" && (tx - x).abs() < 1.0))
        .expect("A's tag");
    let r = geo.node_radius;
    let tag = Rect {
        x: x - 22.0,
        y: y + r - 7.0,
        w: 44.0,
        h: 14.0,
    };
    let message = message_point(
        &geo,
        Endpoint::Node(NodeId(0)),
        Endpoint::Node(NodeId(3)),
        0.0,
    );
    assert!(
        tag.contains(message),
        "the case worth testing: {message:?} in {tag:?}"
    );
    for shape in &painted[word + 1..] {
        if let Some(b) = bounds(shape) {
            assert!(!overlaps(b, tag), "{shape:?} painted over A's tag");
        }
    }
}

/// Where each of User X's words lies as painted last (its name, then its status lines).
fn user_x_words(painted: &[&Shape]) -> (usize, Vec<Rect>) {
    let name = painted
        .iter()
        .rposition(|s| matches!(s, Shape::Text { text, .. } if text == "User X"))
        .expect("User X is drawn");
    let words = painted[name..]
        .iter()
        .map_while(|s| match s {
            Shape::Text {
                x, y, text, font, ..
            } => Some(Rect {
                x: *x,
                y: y - font.size / 2.0,
                w: text_width(text, font.size, SANS_ADVANCE),
                h: font.size,
            }),
            _ => None,
        })
        .collect();
    (name, words)
}

/// A user's words stay readable: the dotted line to the server it waits on (here one at a
/// shallow angle, so the line runs right through "waiting: x=1") passes under a plate of
/// the background's colour on which the words are written.
#[test]
fn the_line_to_the_server_a_user_waits_on_passes_under_its_words() {
    let mut sim = sim(5, 1);
    sim.run_until(1_000);
    sim.submit(NodeId(1), Op::parse("x=1").unwrap());
    let geo = Geometry::new(LAPTOPS[0], 5);
    let mut base = Scene::default();
    build(&mut base, &geo, &view(&sim));
    let painted: Vec<&Shape> = base.shapes.iter().collect();
    let (name, words) = user_x_words(&painted);
    assert!(words.len() >= 2, "the name and the status");
    let dotted = painted
        .iter()
        .position(|s| matches!(s, Shape::Line { stroke, .. } if stroke.dash == Dash::Dotted))
        .expect("the line to B");
    let Shape::Line { x1, y1, x2, y2, .. } = *painted[dotted] else {
        unreachable!()
    };
    let crosses = (0..=200).any(|k| {
        let t = k as f64 / 200.0;
        let p = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        words.iter().any(|w| w.contains(p))
    });
    assert!(
        crosses,
        "the case worth testing: the line runs through the words"
    );
    let plated = painted[dotted + 1..name].iter().any(|s| match s {
        Shape::Rect {
            fill: Some(fill),
            x,
            y,
            w,
            h,
            ..
        } if *fill == theme::BACKGROUND => words
            .iter()
            .all(|r| *x <= r.x && *y <= r.y && x + w >= r.right() && y + h >= r.bottom()),
        _ => false,
    });
    assert!(plated, "a plate under the words, over the line");
}

/// A reply arriving at User X ("done") was painted over its name and words. The overlay,
/// painted over the base, draws the user again after the messages: nothing painted after
/// the words covers them, at any moment of the reply's trip.
#[test]
fn a_reply_arriving_at_a_user_passes_under_its_words() {
    let mut sim = sim(5, 1);
    sim.run_until(1_000);
    sim.submit(NodeId(1), Op::parse("x=1").unwrap());
    let to_user = |sim: &Simulation| {
        sim.in_flight()
            .find(|m| m.to == Endpoint::Client(0))
            .map(|m| (m.sent_ms, m.deliver_ms))
    };
    while to_user(&sim).is_none() {
        assert!(sim.step(), "an answer comes");
    }
    let (sent, delivered) = to_user(&sim).unwrap();
    let geo = Geometry::new(LAPTOPS[0], 5);
    let mut crossed = false;
    for k in 0..=20 {
        let at = View {
            clock_ms: sent as f64 + (delivered - sent) as f64 * k as f64 / 20.0,
            ..view(&sim)
        };
        let (mut base, mut overlay) = (Scene::default(), Scene::default());
        build(&mut base, &geo, &at);
        build_overlay(&mut overlay, &geo, &at);
        let painted: Vec<&Shape> = base.shapes.iter().chain(&overlay.shapes).collect();
        let (name, words) = user_x_words(&painted);
        let covers = |s: &&Shape| bounds(s).is_some_and(|b| words.iter().any(|w| overlaps(b, *w)));
        crossed |= overlay.shapes.iter().any(|s| {
            matches!(s, Shape::Rect { stroke: Some(stroke), .. } if stroke.color == theme::CLIENT)
                && covers(&s)
        });
        if let Some(over) = painted[name..].iter().find(|s| covers(s)) {
            panic!("at {}: {over:?} painted over User X's words", at.clock_ms);
        }
    }
    assert!(
        crossed,
        "the case worth testing: the reply's pill reaches the words"
    );
}

/// A server whose entries all lie left of the log window (behind, it holds only entry 1)
/// has the header's mark on its row: its row read as an empty log while the feed said
/// "restarted from its disk: … 1 entry".
#[test]
fn a_row_with_entries_left_of_the_window_is_marked() {
    let mut sim = sim(5, 1);
    sim.run_until(1_000);
    let leader = sim.leader().unwrap();
    let behind = sim.ids().find(|&id| id != leader).unwrap();
    sim.crash(behind);
    for k in 0..8 {
        sim.submit(leader, Op::parse(&alloc::format!("x{k}={k}")).unwrap());
        sim.run_until(sim.now_ms() + 200);
    }
    let geo = Geometry::new(LAPTOPS[0], 5);
    let mut base = Scene::default();
    build(&mut base, &geo, &view(&sim));
    let text_at = |t: &str| -> Vec<(f64, f64)> {
        base.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { x, y, text, .. } if text == t && geo.logs.contains((*x, *y)) => {
                    Some((*x, *y))
                }
                _ => None,
            })
            .collect()
    };
    let letter = behind.letter().to_string();
    let (_, row_y) = text_at(&letter)[0];
    let marks = text_at("…");
    assert!(
        marks.len() >= 2,
        "the header's mark and the rows': {marks:?}"
    );
    assert!(
        marks.iter().any(|&(_, y)| (y - row_y).abs() < 2.0),
        "{behind}'s row at {row_y}: marks {marks:?}"
    );
}
