//! The pointer over the canvas (hints, clicks on nodes, links and messages) and what the
//! page shows besides the canvas: a node's menu, the state, the feed, the status line.

use super::*;
use crate::action::{Action, Node};
use crate::words::wrap;

/// The lines the hint box has room for under the Logs panel's rows (`WORDS_BAND_PX`).
const HINT_LINES: usize = 2;
/// The width of a character of the page's hint box (14 px words), a little more than most
/// take, so that words said to fit do.
const HINT_CHAR_PX: f64 = 7.5;

impl App {
    /// The pointer moved to (x, y) in CSS pixels; returns a hint for what a click would do
    /// (empty over nothing).
    pub fn hover(&mut self, x: f64, y: f64) -> String {
        if let Some(m) = self
            .message_at(x, y)
            .and_then(|id| self.tl.sim().in_flight().find(|m| m.id == id))
        {
            let words = answers::message_words(m);
            let hint = self.fitted(
                format!("{words}. Click to inspect it: drop, duplicate or hold it."),
                || format!("{words}. Click to inspect it."),
            );
            // The message, not the link under it, is what a click would take.
            if self.hover.take().is_some() {
                self.base_dirty = true;
            }
            return hint;
        }
        let hover = hit_test(&self.geometry, (x, y));
        if hover != self.hover {
            self.hover = hover;
            self.base_dirty = true;
        }
        match self.hover {
            None => String::new(),
            Some(hit) => self.hint(hit, ("Click", "Shift+click")),
        }
    }

    /// What `hit` is and what taking it would do, with the words for taking it (`press`:
    /// "Click", and the one-way form, "Shift+click"; or the keyboard's).
    /// Words that need more lines than the hint box has room for take their short form.
    pub(super) fn hint(&self, hit: Hit, (press, one_way): (&str, &str)) -> String {
        match hit {
            // A removed server takes nothing (its menu's buttons are all refused).
            Hit::Node(id) if self.tl.sim().server(id).retired => self.fitted(
                format!(
                    "{id}: {}, shut down for good. {press} to see its state.",
                    self.describe(id)
                ),
                || format!("{id}: shut down for good. {press} to see its state."),
            ),
            Hit::Node(id) => self.fitted(
                format!(
                    "{id}: {}. {press} to send it a change, crash or restart it, or time it out.",
                    self.describe(id)
                ),
                || format!("{id}: {}. {press} for its menu.", self.describe(id)),
            ),
            Hit::Link { a, b, near } => {
                let far = if near == a { b } else { a };
                let net = self.tl.sim().network();
                match (net.is_up(a, b), net.is_up(b, a)) {
                    (true, true) => self.fitted(
                        format!(
                            "Link {a}–{b}. {press} to cut it both ways; {one_way} to cut only {near} → {far}."
                        ),
                        || format!("Link {a}–{b}. {press} to cut it; {one_way}: one way."),
                    ),
                    (false, false) => format!("Link {a}–{b} is cut. {press} to restore it."),
                    (up_ab, _) => {
                        let (x, y) = if up_ab { (b, a) } else { (a, b) };
                        self.fitted(
                            format!("Link {x} → {y} is cut (the other way works). {press} to restore it."),
                            || format!("Link {x} → {y} is cut. {press} to restore it."),
                        )
                    }
                }
            }
        }
    }

    /// `long` where the hint box ([`layout::Geometry::words`]) holds it in [`HINT_LINES`]
    /// lines, else `short()`: in a narrow Logs panel (a 640×400 embed, a phone) the long
    /// words took three lines or more and covered its last rows, at 320×240 all of them.
    pub(super) fn fitted(&self, long: String, short: impl FnOnce() -> String) -> String {
        // The page's box: 14 px words (12 px in a small frame, whose words are smaller;
        // 16 px in the projector view) and 12 px of padding each side.
        let char_px = HINT_CHAR_PX
            * if self.geometry.look.projector {
                16.0 / 14.0
            } else if self.geometry.text_px < layout::MIN_TEXT_PX {
                12.0 / 14.0
            } else {
                1.0
            };
        let per_line = ((self.geometry.words.w - 24.0) / char_px).max(1.0) as usize;
        if wrap(&long, per_line, HINT_LINES + 1).len() <= HINT_LINES {
            long
        } else {
            short()
        }
    }

    /// The pointer left the canvas.
    pub fn leave(&mut self) {
        self.hover = None;
        self.base_dirty = true;
    }

    /// A click at (x, y): a link is cut (or, if cut, restored); a node is selected so the
    /// page can open its menu. `shift` cuts a link one way only, from the nearer end.
    pub fn click(&mut self, x: f64, y: f64, shift: bool) -> Click {
        self.base_dirty = true;
        if let Some(id) = self.message_at(x, y) {
            return Click::Message(id);
        }
        self.take_hit(hit_test(&self.geometry, (x, y)), shift)
    }

    /// Takes what a click or the keyboard's Enter is on: cuts (or restores) a link, selects
    /// a node, or, on nothing, selects nothing.
    pub(super) fn take_hit(&mut self, hit: Option<Hit>, shift: bool) -> Click {
        self.base_dirty = true;
        match hit {
            None => {
                self.selected = None;
                Click::Nothing
            }
            // The keyboard's place follows: once the menu closes, the ring is on the
            // server it was about (it came back where the keys last left it, on A after
            // C's menu opened with a click).
            Some(Hit::Node(id)) => {
                self.selected = Some(id);
                self.focus = Some(Hit::Node(id));
                self.focus_message = None;
                Click::Node(id)
            }
            Some(Hit::Link { a, b, near }) => {
                let net = self.tl.sim().network();
                let action = if net.is_up(a, b) && net.is_up(b, a) {
                    let far = if near == a { b } else { a };
                    Action::Cut {
                        a: Node(near),
                        b: Node(far),
                        one_way: shift,
                    }
                } else {
                    Action::Heal {
                        a: Node(a),
                        b: Node(b),
                    }
                };
                // Two different nodes of this cluster: it cannot be refused.
                let _ = self.apply(action);
                Click::Link
            }
        }
    }

    /// Selects a node (its menu is open) or nothing.
    pub(super) fn select(&mut self, node: Option<Node>) {
        self.selected = node.and_then(|n| self.member(n).ok());
        self.base_dirty = true;
    }

    pub(super) fn describe(&self, id: NodeId) -> String {
        let said = match self.tl.sim().node(id) {
            None if self.tl.sim().server(id).retired => String::from("removed from the cluster"),
            None => String::from("crashed"),
            Some(n) => {
                let config = crate::members::configuration(self.tl.sim());
                match crate::members::standing(config, id) {
                    "learner" if n.role() == Role::Follower => {
                        format!("learner in term {}", n.term())
                    }
                    _ => format!("{} in term {}", n.role().name(), n.term()),
                }
            }
        };
        if self.tl.sim().frozen(id) {
            format!("{said}, frozen")
        } else {
            said
        }
    }

    /// What a node's menu shows.
    pub fn node_info(&self, node: Node) -> Result<answers::NodeInfo, String> {
        let id = self.member(node)?;
        let node = self.tl.sim().node(id);
        let hint = match node.map(|n| (n.role(), n.leader())) {
            None => String::from("Crashed: it keeps only its disk. Restart it to rejoin."),
            Some((Role::Leader, _)) => {
                String::from("The leader: it appends your change and replicates it.")
            }
            Some((_, Some(l))) => format!(
                "A follower: it answers a change with “{l} leads”, and forwards a read to {l}."
            ),
            Some((_, None)) => String::from("It knows no leader: it will say so."),
        };
        let standing = crate::members::standing(crate::members::configuration(self.tl.sim()), id);
        let hint = match (standing, node.is_some()) {
            ("learner", true) => format!(
                "A learner: it receives the log but does not vote until the leader promotes it. {hint}"
            ),
            ("none", _) if self.tl.sim().server(id).retired => {
                String::from("Removed from the cluster: it has shut down for good.")
            }
            ("none", true) => format!("Not a member of the configuration. {hint}"),
            _ => hint,
        };
        let frozen = self.tl.sim().frozen(id);
        let hint = match node.map(|n| n.role()) {
            Some(Role::Leader) if frozen => String::from(
                "Frozen while leading: a stalled process, not a crash. It does nothing and what reaches it waits, and it still thinks it leads: nothing tells it that time passes. Thaw it to see what it does with its old term.",
            ),
            Some(_) if frozen => format!(
                "Frozen: a stalled process, not a crash. It does nothing and what reaches it waits; thawed, it carries on as if no time had passed. {hint}"
            ),
            _ => hint,
        };
        let (persistent, volatile, progress) = self.node_state(id);
        Ok(answers::NodeInfo {
            id: answers::letter(id),
            alive: node.is_some(),
            frozen,
            member: standing != "none",
            removed: self.tl.sim().server(id).retired,
            voter: standing == "voter",
            title: format!("{id} · {}", self.describe(id)),
            hint,
            persistent,
            volatile,
            progress,
            refused: self.refusals(id),
        })
    }

    /// Why each of node `id`'s menu buttons would be refused now: the same checks its
    /// action makes before it acts.
    fn refusals(&self, id: NodeId) -> answers::Refusals {
        let sim = self.tl.sim();
        let why = |input: Input| input.refusal(sim);
        let read = Op::Get {
            key: String::from("x"),
        };
        answers::Refusals {
            send: why(Input::Submit(id, read)),
            crash: why(match sim.node(id) {
                Some(_) => Input::Crash(id),
                None => Input::Restart(id),
            }),
            freeze: why(if sim.frozen(id) {
                Input::Thaw(id)
            } else {
                Input::Freeze(id)
            }),
            timeout: why(Input::Timeout(id)),
            lead: self.handing_to(id).err(),
            snapshot: why(Input::Snapshot(id)),
            remove: self.removal(id).err(),
        }
    }

    // ----- what the page shows -----

    /// The whole picture, for `window.riverRaft.state()`.
    pub fn state(&self) -> answers::State {
        answers::state(
            self.tl.sim(),
            &self.geometry,
            self.narrator.thrown(),
            self.paused,
            self.speed,
            &self.narrator.read_rounds,
        )
    }

    /// The feed lines waiting, oldest first (and forgets them).
    pub fn take_feed(&mut self) -> Vec<answers::FeedAnswer> {
        self.feed.take()
    }

    /// The status line.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The notices about the address (none when the address was fine).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The small things the page's controls show.
    pub fn controls(&self) -> answers::Controls {
        let ring = self.geometry.ring;
        answers::Controls {
            paused: self.paused,
            speed: self.speed,
            speed_label: words::speed_label(self.speed),
            partition: self.default_partition(),
            servers: self.tl.sim().size() as f64,
            suggestion: self.suggestion(),
            max_command_bytes: MAX_COMMAND_BYTES as f64,
            status: self.status.clone(),
            overlay_width: ring.w,
            overlay_height: ring.h,
            words: {
                let w = self.geometry.words;
                [w.x, w.y, w.w, w.h]
            },
            broken: self.broken(),
            broken_text: self.broken_text(),
            projector: self.geometry.look.projector,
            reduced_motion: self.geometry.look.reduced_motion,
            scale: self.geometry.scale,
            broken_off: String::from(if self.broken().is_empty() {
                ""
            } else if self.story.is_some() {
                "Switch it off (ends the tour: fresh cluster)"
            } else {
                "Switch it off (fresh cluster)"
            }),
            focus: self.focus_words(),
        }
    }

    /// The broken-Raft banner: which variant runs, and once a read came back stale, what
    /// that means (the badge says it in three words; the banner says it for a student, or,
    /// in a tour, whose caption says why it matters, only what happened).
    fn broken_text(&self) -> String {
        let mut text = match self.broken().as_slice() {
            [] => String::new(),
            names => format!(
                "Raft is broken: {}. {}: watch the feed and the safety badge.",
                crate::words::joined(names, ", "),
                if self.story.is_some() && self.settings.raft.bugs.iter().next().is_none() {
                    "The tour switched it on to show what goes wrong"
                } else {
                    "This run breaks the algorithm on purpose"
                }
            ),
        };
        if let Some(found) = self.read_check.found() {
            if !text.is_empty() {
                text.push(' ');
            }
            // A tour's caption says why a stale read matters: the banner says what happened.
            let touring = self.story.as_ref().is_some_and(|s| s.guide.is_some());
            text.push_str(if touring {
                &found.happened
            } else {
                &found.explained
            });
        }
        text
    }

    /// The broken variants the running servers use (the settings', and a tour's).
    fn broken(&self) -> Vec<&'static str> {
        self.tl
            .sim()
            .config()
            .raft
            .bugs
            .iter()
            .map(|b| b.name())
            .collect()
    }

    /// The settings in use, by name, as the page's controls show them.
    pub fn settings_answer(&self) -> answers::Pairs<&'static str> {
        let mut pairs = Vec::with_capacity(Setting::ALL.len());
        for s in Setting::ALL {
            pairs.push((s.name(), self.settings.get(s)));
        }
        answers::Pairs(pairs)
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
