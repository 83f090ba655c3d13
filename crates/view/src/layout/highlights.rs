//! What is drawn around a server or a link to point at it: a guided tour step's glow, and
//! the keyboard's focus ring.

use super::*;

/// A tour step's links: a wide glow under the link, from the first server to the second,
/// with an arrowhead for the direction.
pub(super) fn shown_links(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
pub(super) fn shown_nodes(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
pub(super) fn focused_link(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
pub(super) fn focused_node(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
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
