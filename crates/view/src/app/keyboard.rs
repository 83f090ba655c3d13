//! The keyboard on the canvas: a focus ring that the arrow keys move between servers and
//! links (the order is `layout::focus`'s), M and Shift+M through the messages on the wire
//! (oldest first; the run pauses so that the message stays there), and Enter, which takes
//! what the ring is on as a click would. The ring is drawn only while the canvas has the
//! keyboard; where it was is kept, so coming back (after a menu closes) finds it where it
//! was left, or on the server last clicked, and an arrow key from a message goes on from the
//! server or link it left.

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
    /// the ring, M (Shift+M: backwards) takes it to the next message on the wire, Enter
    /// (Shift+Enter: a link one way) takes what it is on. Two names that are no keys say the
    /// canvas gained (`focus`) or lost (`blur`) the keyboard.
    pub fn key(&mut self, key: &str, shift: bool) -> Keyed {
        let size = self.tl.sim().size();
        let at = self.focus.filter(|h| focus::fits(*h, size));
        // A message that has left the wire gives the ring back to where it was.
        self.focus_message = self.focus_message.filter(|&id| self.on_wire(id));
        let keyed = match (key, self.focus_message) {
            ("focus", Some(id)) => {
                self.keyboard = true;
                Keyed::Moved(self.message_hint(id, false))
            }
            ("focus", None) => {
                let hit = at.unwrap_or(Hit::Node(NodeId(0)));
                self.focus = Some(hit);
                self.keyboard = true;
                Keyed::Moved(self.hint(hit, PRESS))
            }
            ("blur", _) => {
                self.keyboard = false;
                Keyed::Moved(String::new())
            }
            ("m" | "M", _) => self.next_message(shift),
            ("Enter", Some(id)) => Keyed::Took(Click::Message(id)),
            ("Enter", None) => match at {
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
                    self.focus_message = None;
                    self.keyboard = true;
                    Keyed::Moved(self.hint(hit, PRESS))
                }
                None => Keyed::Ignored,
            },
        };
        self.base_dirty = true;
        // The ring on a message is drawn with the messages, on the overlay.
        self.overlay_wall_ms = f64::NEG_INFINITY;
        keyed
    }

    /// What the ring is on, in words, as the run stands now (what `focus` and the arrows
    /// said may have changed since: a new term, a server removed, a fresh run); empty while
    /// the canvas does not have the keyboard, or the ring is on nothing drawn.
    pub fn focus_words(&self) -> String {
        match (self.focused_message(), self.focus_ring()) {
            (Some(id), _) => self.message_hint(id, false),
            (None, Some(hit)) => self.hint(hit, PRESS),
            (None, None) => String::new(),
        }
    }

    /// Whether message `id` is on the wire (and drawn: the first
    /// [`layout::MAX_DRAWN_MESSAGES`] are).
    fn on_wire(&self, id: u64) -> bool {
        self.tl
            .sim()
            .in_flight()
            .take(layout::MAX_DRAWN_MESSAGES)
            .any(|m| m.id == id)
    }

    /// Moves the ring to the message sent after the one it is on (`back`: before), oldest
    /// first and round again, pausing the run so the message stays on the wire to be acted
    /// on; with none on the wire, the ring stays and the words say how to get some.
    fn next_message(&mut self, back: bool) -> Keyed {
        let ids: Vec<u64> = self
            .tl
            .sim()
            .in_flight()
            .take(layout::MAX_DRAWN_MESSAGES)
            .map(|m| m.id)
            .collect();
        let (Some(&first), Some(&last)) = (ids.iter().min(), ids.iter().max()) else {
            return Keyed::Moved(String::from(
                "No message is on the wire now. Play (Space) or go one event on (E) until a server sends one, then press M.",
            ));
        };
        let id = match (self.focus_message, back) {
            (None, false) => first,
            (None, true) => last,
            (Some(at), false) => ids
                .iter()
                .copied()
                .filter(|&i| i > at)
                .min()
                .unwrap_or(first),
            (Some(at), true) => ids
                .iter()
                .copied()
                .filter(|&i| i < at)
                .max()
                .unwrap_or(last),
        };
        let paused = !self.paused;
        // Pausing cannot be refused.
        let _ = self.apply(crate::action::Action::Pause);
        self.focus_message = Some(id);
        self.keyboard = true;
        Keyed::Moved(self.message_hint(id, paused))
    }

    /// What the ring on message `id` says: which message, its place among those on the
    /// wire, and what the keys do (`paused`: the key just paused the run).
    fn message_hint(&self, id: u64, paused: bool) -> String {
        let wire = self.tl.sim().in_flight().take(layout::MAX_DRAWN_MESSAGES);
        let (mut place, mut count, mut words) = (0, 0, String::new());
        for m in wire {
            count += 1;
            if m.id <= id {
                place += 1;
            }
            if m.id == id {
                words = answers::message_words(m);
            }
        }
        let paused = if paused { "Paused. " } else { "" };
        let held = if self.tl.sim().in_flight().any(|m| m.id == id && m.held) {
            " (held)"
        } else {
            ""
        };
        let said = format!("{paused}{words}{held}, message {place} of {count} on the wire.");
        self.fitted(
            format!("{said} Press Enter to inspect it: drop, duplicate or hold it; M for the next, Shift+M the one before."),
            || format!("{said} Press Enter to inspect it; M: the next."),
        )
    }

    /// Where the ring is drawn: on what it is on, while the canvas has the keyboard (on a
    /// server or link only while it is not on a message).
    pub(super) fn focus_ring(&self) -> Option<Hit> {
        let size = self.tl.sim().size();
        self.focus
            .filter(|h| self.keyboard && focus::fits(*h, size) && self.focused_message().is_none())
    }

    /// The message the ring is drawn on, while the canvas has the keyboard and the message
    /// is on the wire.
    pub(super) fn focused_message(&self) -> Option<u64> {
        self.focus_message
            .filter(|&id| self.keyboard && self.on_wire(id))
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

    /// The words take their short form where the long one needs more than two lines of the
    /// hint box: at 320×240 the long one took five and covered the whole Logs panel.
    #[test]
    fn a_narrow_logs_panel_has_short_words_for_the_ring() {
        let mut a = app("?seed=1");
        let said = |a: &mut App| match a.key("focus", false) {
            Keyed::Moved(words) => words,
            other => panic!("focus shows the ring: {other:?}"),
        };
        let long = said(&mut a);
        assert!(
            long.ends_with("to send it a change, crash or restart it, or time it out."),
            "{long}"
        );
        for (w, h) in [(312.0, 187.0), (632.0, 347.0)] {
            a.resize(w, h);
            let short = said(&mut a);
            assert_eq!(
                short, "A: follower in term 0. Press Enter for its menu.",
                "{w}×{h}"
            );
        }
        a.resize(1000.0, 560.0);
        assert_eq!(said(&mut a), long, "the long words again in a wide frame");
    }

    /// A server clicked is where the keyboard comes back once its menu closes, not where
    /// the keys last left the ring.
    #[test]
    fn a_server_clicked_is_where_the_ring_comes_back() {
        let mut a = app("?seed=1");
        a.key("focus", false);
        a.key("blur", false);
        let (x, y) = a.geometry().node(NodeId(2));
        assert_eq!(a.click(x, y, false), Click::Node(NodeId(2)));
        let Keyed::Moved(said) = a.key("focus", false) else {
            panic!("focus says where the ring is")
        };
        assert!(said.starts_with("C: "), "{said}");
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

    /// The focus ring's shapes on the overlay (around a message).
    fn overlay_ring(a: &mut App) -> Vec<(f64, f64)> {
        a.repaint();
        let (_, overlay) = a.scenes();
        overlay
            .expect("a repaint paints the overlay")
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Circle {
                    x,
                    y,
                    stroke: Some(stroke),
                    ..
                } if stroke.color == theme::FOCUS => Some((*x, *y)),
                _ => None,
            })
            .collect()
    }

    /// Runs event by event until at least `n` messages are on the wire.
    fn until_on_wire(a: &mut App, n: usize) -> Vec<u64> {
        for _ in 0..2_000 {
            let ids: Vec<u64> = a.sim().in_flight().map(|m| m.id).collect();
            if ids.len() >= n {
                return ids;
            }
            a.step_event();
        }
        panic!("never {n} messages on the wire");
    }

    #[test]
    fn m_goes_through_the_messages_on_the_wire_and_enter_inspects_the_one_ringed() {
        let mut a = app("?seed=1");
        a.advance(1_000.0).unwrap();
        let mut ids = until_on_wire(&mut a, 2);
        ids.sort_unstable();
        a.key("focus", false);
        let Keyed::Moved(said) = a.key("m", false) else {
            panic!("M moves the ring")
        };
        assert!(
            said.contains(&alloc::format!("message 1 of {} on the wire", ids.len()))
                && said.contains(" from ")
                && said.contains("Press Enter to inspect it"),
            "{said}"
        );
        assert_eq!(ring_shapes(&mut a), 0, "the ring left the servers");
        let m = a.sim().in_flight().find(|m| m.id == ids[0]).unwrap();
        let at = layout::message_position(a.geometry(), m, a.sim().now_ms() as f64);
        let rings = overlay_ring(&mut a);
        assert!(
            rings
                .iter()
                .any(|&(x, y)| (x - at.0).abs() < 1e-6 && (y - at.1).abs() < 1e-6),
            "a ring around the oldest message at {at:?}: {rings:?}"
        );
        // M goes on to the next, Shift+M back, and round past either end.
        a.key("m", false);
        assert_eq!(a.key("Enter", false), Keyed::Took(Click::Message(ids[1])));
        a.key("M", true);
        a.key("M", true);
        assert_eq!(
            a.key("Enter", false),
            Keyed::Took(Click::Message(*ids.last().unwrap()))
        );
        // An arrow goes back to the servers, where the ring was.
        let Keyed::Moved(said) = a.key("ArrowRight", false) else {
            panic!("an arrow moves the ring")
        };
        assert!(said.starts_with("B: "), "{said}");
        assert!(overlay_ring(&mut a).is_empty());
        assert_eq!(ring_shapes(&mut a), 1);
    }

    #[test]
    fn m_pauses_a_playing_run_so_the_message_stays_to_be_held_and_the_ring_leaves_with_it() {
        let mut a = app("?seed=1");
        a.advance(1_000.0).unwrap();
        until_on_wire(&mut a, 1);
        a.play();
        a.key("focus", false);
        let Keyed::Moved(said) = a.key("m", false) else {
            panic!("M moves the ring")
        };
        assert!(said.starts_with("Paused. "), "{said}");
        assert!(a.controls().paused);
        let Keyed::Took(Click::Message(id)) = a.key("Enter", false) else {
            panic!("Enter inspects the message")
        };
        a.done(crate::action::Action::Message {
            id: id as f64,
            what: crate::action::MessageAction::Hold,
        })
        .unwrap();
        let Keyed::Moved(said) = a.key("focus", false) else {
            panic!("focus says where the ring is")
        };
        assert!(said.contains("(held), message"), "{said}");
        // Dropped, it leaves the wire and takes the ring with it: the ring is back on A.
        a.done(crate::action::Action::Message {
            id: id as f64,
            what: crate::action::MessageAction::Drop,
        })
        .unwrap();
        assert!(overlay_ring(&mut a).is_empty());
        assert_eq!(ring_shapes(&mut a), 1);
        assert!(matches!(a.key("Enter", false), Keyed::Took(Click::Node(_))));
    }

    /// The words the page shows for the ring follow the run under it: a new term, a
    /// server removed (they said "E: follower in term 1" of a removed E, and of a fresh
    /// run's E in term 0).
    #[test]
    fn the_rings_words_follow_the_run_under_it() {
        let mut a = app("?seed=4&nodes=5");
        assert_eq!(a.controls().focus, "", "no words without the keyboard");
        a.key("focus", false);
        let Keyed::Moved(said) = a.key("ArrowLeft", false) else {
            panic!("an arrow moves the ring")
        };
        assert!(said.starts_with("E: follower in term 0. "), "{said}");
        assert_eq!(a.controls().focus, said);
        a.advance(3_000.0).unwrap();
        let now = a.controls().focus;
        assert!(now.starts_with("E: follower in term 1. "), "{now}");
        a.done(crate::action::Action::RemoveServer(crate::action::Node(
            NodeId(4),
        )))
        .unwrap();
        a.advance(3_000.0).unwrap();
        let now = a.controls().focus;
        assert_eq!(
            now,
            "E: removed from the cluster, shut down for good. Press Enter to see its state."
        );
        a.done(crate::action::Action::RestartRun).unwrap();
        let now = a.controls().focus;
        assert!(now.starts_with("E: follower in term 0. "), "{now}");
        a.key("blur", false);
        assert_eq!(a.controls().focus, "");
    }

    /// A fresh run numbers its messages from the start again: the ring left on a message
    /// of the old run does not land on the new one that took its number.
    #[test]
    fn a_fresh_run_does_not_ring_a_message_of_the_old_one() {
        let mut a = app("?seed=1");
        a.advance(1_000.0).unwrap();
        until_on_wire(&mut a, 1);
        a.key("focus", false);
        a.key("m", false);
        let old = a.focused_message().expect("the ring is on a message");
        a.done(crate::action::Action::RestartRun).unwrap();
        for _ in 0..2_000 {
            if a.sim().in_flight().any(|m| m.id == old) {
                break;
            }
            a.step_event();
        }
        assert!(
            a.sim().in_flight().any(|m| m.id == old),
            "the number is used again"
        );
        assert_eq!(a.focused_message(), None);
        assert!(
            a.controls().focus.starts_with("A: "),
            "{}",
            a.controls().focus
        );
    }

    #[test]
    fn m_with_nothing_on_the_wire_says_how_to_get_a_message() {
        let mut a = app("?seed=1");
        assert_eq!(a.sim().in_flight().count(), 0);
        a.key("focus", false);
        let Keyed::Moved(said) = a.key("m", false) else {
            panic!("M answers")
        };
        assert!(said.starts_with("No message is on the wire"), "{said}");
        assert_eq!(ring_shapes(&mut a), 1, "the ring stays on A");
    }
}
