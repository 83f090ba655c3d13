//! The keyboard's place on the canvas: which server or link the focus ring is on, and where
//! each arrow key takes it. Left and right go around the ring from server to server (the
//! order of the letters, clockwise on the picture); down and up go through the links of the
//! server the ring is on or came from, clockwise from the next server, and back to the
//! server after the last one. A link reached from a server keeps that server as its near
//! end, so Shift+Enter cuts the direction leaving it, as Shift+click does from the nearer
//! end.

use super::Hit;
use river_core::NodeId;

/// An arrow key on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrow {
    /// The next server clockwise (→).
    Right,
    /// The previous server (←).
    Left,
    /// The next link of this server, or back to the server after its last link (↓).
    Down,
    /// The previous link of this server, or back to the server before its first (↑).
    Up,
}

impl Arrow {
    /// The arrow a key's name (`KeyboardEvent.key`) names, if any.
    pub fn from_key(key: &str) -> Option<Arrow> {
        Some(match key {
            "ArrowRight" => Arrow::Right,
            "ArrowLeft" => Arrow::Left,
            "ArrowDown" => Arrow::Down,
            "ArrowUp" => Arrow::Up,
            _ => return None,
        })
    }
}

/// The link between `near` and `far` as the focus ring holds it (`near` is where the ring
/// came from).
pub fn link(near: NodeId, far: NodeId) -> Hit {
    Hit::Link {
        a: near.min(far),
        b: near.max(far),
        near,
    }
}

/// Whether `hit` names servers of a cluster of `size` (after a restart with fewer servers
/// the ring may point past the last one).
pub fn fits(hit: Hit, size: usize) -> bool {
    match hit {
        Hit::Node(id) => id.index() < size,
        Hit::Link { a, b, near } => {
            a != b && a.index() < size && b.index() < size && (near == a || near == b)
        }
    }
}

/// Where `arrow` takes the focus ring from `from` in a cluster of `size` servers (at least
/// one). With no ring yet, or one that no longer fits, any arrow starts at server A.
pub fn moved(from: Option<Hit>, arrow: Arrow, size: usize) -> Hit {
    assert!(size >= 1, "a cluster has at least one server");
    let first = Hit::Node(NodeId(0));
    let Some(from) = from.filter(|h| fits(*h, size)) else {
        return first;
    };
    let n = size as u8;
    let step = |id: NodeId, by: u8| NodeId((id.0 + by) % n);
    match (from, arrow) {
        (Hit::Node(id), Arrow::Right) | (Hit::Link { near: id, .. }, Arrow::Right) => {
            Hit::Node(step(id, 1))
        }
        (Hit::Node(id), Arrow::Left) | (Hit::Link { near: id, .. }, Arrow::Left) => {
            Hit::Node(step(id, n - 1))
        }
        // A lone server has no links.
        (Hit::Node(_), _) if size == 1 => from,
        (Hit::Node(id), Arrow::Down) => link(id, step(id, 1)),
        (Hit::Node(id), Arrow::Up) => link(id, step(id, n - 1)),
        (Hit::Link { a, b, near }, arrow) => {
            let far = if near == a { b } else { a };
            // How far clockwise the far end is from the near one: 1 ..= n - 1.
            let k = (far.0 + n - near.0) % n;
            match arrow {
                Arrow::Down if k + 1 < n => link(near, step(near, k + 1)),
                Arrow::Up if k > 1 => link(near, step(near, k - 1)),
                _ => Hit::Node(near),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);
    const C: NodeId = NodeId(2);
    const E: NodeId = NodeId(4);

    fn walk(from: Hit, arrow: Arrow, times: usize, size: usize) -> Vec<Hit> {
        let mut at = from;
        (0..times)
            .map(|_| {
                at = moved(Some(at), arrow, size);
                at
            })
            .collect()
    }

    #[test]
    fn any_arrow_starts_at_the_first_server() {
        for arrow in [Arrow::Right, Arrow::Left, Arrow::Down, Arrow::Up] {
            assert_eq!(moved(None, arrow, 5), Hit::Node(A));
        }
        // A ring left on a server the cluster no longer has starts over too.
        assert_eq!(moved(Some(Hit::Node(E)), Arrow::Right, 3), Hit::Node(A));
        assert_eq!(moved(Some(link(A, E)), Arrow::Down, 3), Hit::Node(A));
    }

    #[test]
    fn left_and_right_go_around_the_ring_and_wrap() {
        assert_eq!(
            walk(Hit::Node(A), Arrow::Right, 5, 5),
            [1, 2, 3, 4, 0].map(|i| Hit::Node(NodeId(i)))
        );
        assert_eq!(moved(Some(Hit::Node(A)), Arrow::Left, 5), Hit::Node(E));
        // From a link, the ring goes on from the server it came from.
        assert_eq!(moved(Some(link(B, E)), Arrow::Right, 5), Hit::Node(C));
        assert_eq!(moved(Some(link(B, E)), Arrow::Left, 5), Hit::Node(A));
    }

    #[test]
    fn down_visits_every_link_of_the_server_then_returns_to_it() {
        let links: Vec<Hit> = walk(Hit::Node(C), Arrow::Down, 5, 5);
        assert_eq!(
            links,
            [
                link(C, NodeId(3)),
                link(C, E),
                link(C, A),
                link(C, B),
                Hit::Node(C)
            ]
        );
        // Up goes the same way back.
        let back: Vec<Hit> = walk(Hit::Node(C), Arrow::Up, 5, 5);
        assert_eq!(
            back,
            [
                link(C, B),
                link(C, A),
                link(C, E),
                link(C, NodeId(3)),
                Hit::Node(C)
            ]
        );
    }

    #[test]
    fn a_link_keeps_the_server_it_was_reached_from_as_its_near_end() {
        assert_eq!(
            moved(Some(Hit::Node(C)), Arrow::Up, 5),
            Hit::Link {
                a: B,
                b: C,
                near: C
            }
        );
        assert_eq!(
            moved(Some(Hit::Node(B)), Arrow::Down, 5),
            Hit::Link {
                a: B,
                b: C,
                near: B
            }
        );
    }

    #[test]
    fn two_servers_have_one_link_and_one_server_none() {
        assert_eq!(
            walk(Hit::Node(A), Arrow::Down, 2, 2),
            [link(A, B), Hit::Node(A)]
        );
        assert_eq!(
            walk(Hit::Node(A), Arrow::Up, 2, 2),
            [link(A, B), Hit::Node(A)]
        );
        for arrow in [Arrow::Down, Arrow::Up, Arrow::Left, Arrow::Right] {
            assert_eq!(moved(Some(Hit::Node(A)), arrow, 1), Hit::Node(A));
        }
    }

    #[test]
    fn only_arrow_keys_are_arrows() {
        assert_eq!(Arrow::from_key("ArrowUp"), Some(Arrow::Up));
        assert_eq!(Arrow::from_key("Enter"), None);
        assert_eq!(Arrow::from_key("arrowup"), None);
    }
}
