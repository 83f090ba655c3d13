//! The keyboard on the canvas: a focus ring that the arrow keys move between servers and
//! links (the order is `layout::focus`'s), and Enter, which takes what the ring is on as a
//! click would. The ring is drawn only while the canvas has the keyboard; where it was is
//! kept, so coming back (after a menu closes) finds it where it was left.

use super::*;
use crate::layout::focus::{self, Arrow};

/// The words for taking what the ring is on, as a hint says them.
const PRESS: (&str, &str) = ("Press Enter", "Shift+Enter");

/// What a key on the canvas did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keyed {
    /// The ring moved (or was shown): what it is on, in words.
    Moved(String),
    /// Enter took what the ring is on, as a click would.
    Took(Click),
    /// Not a key the canvas takes: the page's shortcuts may have it.
    Ignored,
}

impl App {
    /// A key pressed while the canvas has the keyboard (`KeyboardEvent.key`): an arrow moves
    /// the ring, Enter (Shift+Enter: a link one way) takes what it is on. Two names that are
    /// no keys say the canvas gained (`focus`) or lost (`blur`) the keyboard.
    pub fn key(&mut self, key: &str, shift: bool) -> Keyed {
        let size = self.tl.sim().size();
        let at = self.focus.filter(|h| focus::fits(*h, size));
        let keyed = match key {
            "focus" => {
                let hit = at.unwrap_or(Hit::Node(NodeId(0)));
                self.focus = Some(hit);
                self.keyboard = true;
                Keyed::Moved(self.hint(hit, PRESS))
            }
            "blur" => {
                self.keyboard = false;
                Keyed::Moved(String::new())
            }
            "Enter" => match at {
                Some(hit) => {
                    let took = self.take_hit(Some(hit), shift);
                    Keyed::Took(took)
                }
                None => Keyed::Ignored,
            },
            _ => match Arrow::from_key(key) {
                Some(arrow) => {
                    let hit = focus::moved(at, arrow, size);
                    self.focus = Some(hit);
                    self.keyboard = true;
                    Keyed::Moved(self.hint(hit, PRESS))
                }
                None => Keyed::Ignored,
            },
        };
        self.base_dirty = true;
        keyed
    }

    /// Where the ring is drawn: on what it is on, while the canvas has the keyboard.
    pub(super) fn focus_ring(&self) -> Option<Hit> {
        let size = self.tl.sim().size();
        self.focus
            .filter(|h| self.keyboard && focus::fits(*h, size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{app, Acts};
    use crate::scene::Shape;
    use crate::theme;

    /// How many shapes of the base layer are drawn in the focus ring's colour.
    fn ring_shapes(a: &mut App) -> usize {
        a.repaint();
        let base = a.scenes().0.expect("a repaint paints the base");
        base.shapes
            .iter()
            .filter(|s| match s {
                Shape::Circle {
                    stroke: Some(stroke),
                    ..
                }
                | Shape::Line { stroke, .. } => stroke.color == theme::FOCUS,
                _ => false,
            })
            .count()
    }

    fn up(a: &App, from: u8, to: u8) -> bool {
        a.sim().network().is_up(NodeId(from), NodeId(to))
    }

    #[test]
    fn the_ring_shows_while_the_canvas_has_the_keyboard_and_comes_back_where_it_was() {
        let mut a = app("?seed=1");
        assert_eq!(ring_shapes(&mut a), 0, "no ring before the keyboard comes");
        let Keyed::Moved(hint) = a.key("focus", false) else {
            panic!("focus shows the ring")
        };
        assert!(
            hint.starts_with("A: follower in term 0. Press Enter"),
            "{hint}"
        );
        assert_eq!(ring_shapes(&mut a), 1);
        a.key("ArrowRight", false);
        a.key("ArrowRight", false);
        a.key("blur", false);
        assert_eq!(ring_shapes(&mut a), 0, "no ring without the keyboard");
        let Keyed::Moved(hint) = a.key("focus", false) else {
            panic!("focus shows the ring")
        };
        assert!(hint.starts_with("C: "), "the ring came back on C: {hint}");
    }

    #[test]
    fn enter_on_a_server_selects_it_for_its_menu() {
        let mut a = app("?seed=1");
        a.key("focus", false);
        a.key("ArrowLeft", false);
        assert_eq!(a.key("Enter", false), Keyed::Took(Click::Node(NodeId(4))));
        assert_eq!(a.selected, Some(NodeId(4)));
    }

    #[test]
    fn enter_cuts_a_link_and_restores_it_and_shift_enter_cuts_one_way_from_where_it_came() {
        let mut a = app("?seed=1");
        a.key("focus", false);
        a.key("ArrowRight", false);
        let Keyed::Moved(hint) = a.key("ArrowDown", false) else {
            panic!("an arrow moves the ring")
        };
        assert_eq!(
            hint,
            "Link B–C. Press Enter to cut it both ways; Shift+Enter to cut only B → C."
        );
        assert!(ring_shapes(&mut a) >= 1, "the ring is on the link");
        assert_eq!(a.key("Enter", false), Keyed::Took(Click::Link));
        assert!(!up(&a, 1, 2) && !up(&a, 2, 1), "cut both ways");
        assert_eq!(a.key("Enter", false), Keyed::Took(Click::Link));
        assert!(up(&a, 1, 2) && up(&a, 2, 1), "restored");
        // From C, up reaches the same link with C as its near end.
        a.key("ArrowRight", false);
        a.key("ArrowUp", false);
        assert_eq!(a.key("Enter", true), Keyed::Took(Click::Link));
        assert!(!up(&a, 2, 1) && up(&a, 1, 2), "only C → B is cut");
    }

    #[test]
    fn other_keys_and_enter_without_a_ring_are_left_to_the_page() {
        let mut a = app("?seed=1");
        assert_eq!(a.key("Enter", false), Keyed::Ignored);
        assert_eq!(a.key("x", false), Keyed::Ignored);
        assert_eq!(a.key(" ", false), Keyed::Ignored);
    }

    #[test]
    fn a_ring_past_the_last_server_starts_over_after_the_cluster_shrinks() {
        let mut a = app("?seed=1&nodes=5");
        a.key("focus", false);
        a.key("ArrowLeft", false);
        a.set_setting("nodes", "3").unwrap();
        assert_eq!(ring_shapes(&mut a), 0, "E is gone: no ring is drawn");
        let Keyed::Moved(hint) = a.key("ArrowRight", false) else {
            panic!("an arrow moves the ring")
        };
        assert!(hint.starts_with("A: "), "{hint}");
    }
}
