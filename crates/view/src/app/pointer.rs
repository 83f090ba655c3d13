//! The pointer over the canvas (hints, clicks on nodes, links and messages) and what the
//! page shows besides the canvas: a node's menu, the state, the feed, the status line.

use super::*;

impl App {
    /// The pointer moved to (x, y) in CSS pixels; returns a hint for what a click would do
    /// (empty over nothing).
    pub fn hover(&mut self, x: f64, y: f64) -> String {
        if let Some(m) = self
            .message_at(x, y)
            .and_then(|id| self.tl.sim().in_flight().find(|m| m.id == id))
        {
            let hint = format!(
                "{}. Click to inspect it: drop, duplicate or hold it.",
                json::message_words(m)
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
            Some(Hit::Node(id)) => format!(
                "{id}: {}. Click to send it a change, crash or restart it, or time it out.",
                self.describe(id)
            ),
            Some(Hit::Link { a, b, near }) => {
                let far = if near == a { b } else { a };
                let net = self.tl.sim().network();
                match (net.is_up(a, b), net.is_up(b, a)) {
                    (true, true) => format!(
                        "Link {a}–{b}. Click to cut it both ways; Shift+click to cut only {near} → {far}."
                    ),
                    (false, false) => format!("Link {a}–{b} is cut. Click to restore it."),
                    (up_ab, _) => {
                        let (x, y) = if up_ab { (b, a) } else { (a, b) };
                        format!("Link {x} → {y} is cut (the other way works). Click to restore it.")
                    }
                }
            }
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
        match hit_test(&self.geometry, (x, y)) {
            None => {
                self.selected = None;
                Click::Nothing
            }
            Some(Hit::Node(id)) => {
                self.selected = Some(id);
                Click::Node(id)
            }
            Some(Hit::Link { a, b, near }) => {
                let net = self.tl.sim().network();
                if net.is_up(a, b) && net.is_up(b, a) {
                    let far = if near == a { b } else { a };
                    self.cut_ids(near, far, shift);
                } else {
                    self.heal_ids(a, b);
                }
                Click::Link
            }
        }
    }

    /// Selects a node (its menu is open) or nothing.
    pub fn select(&mut self, node: &str) {
        self.selected = self.node_id(node).ok();
        self.base_dirty = true;
    }

    pub(super) fn describe(&self, id: NodeId) -> String {
        match self.tl.sim().node(id) {
            None => String::from("crashed"),
            Some(n) => format!("{} in term {}", n.role().name(), n.term()),
        }
    }

    /// What a node's menu shows, as JSON: `{"id", "alive", "title", "hint"}`.
    pub fn node_json(&self, node: &str) -> Result<String, String> {
        let id = self.node_id(node)?;
        let node = self.tl.sim().node(id);
        let hint = match node.map(|n| (n.role(), n.leader())) {
            None => String::from("Crashed: it keeps only its disk. Restart it to rejoin."),
            Some((Role::Leader, _)) => {
                String::from("The leader: it appends your change and replicates it.")
            }
            Some((_, Some(l))) => format!("A follower: it will answer that {l} leads."),
            Some((_, None)) => String::from("It knows no leader: it will say so."),
        };
        let mut out = String::from("{\"id\":");
        json::string(&mut out, id.letter().encode_utf8(&mut [0; 4]));
        out.push_str(&format!(",\"alive\":{},\"title\":", node.is_some()));
        json::string(&mut out, &format!("{id} · {}", self.describe(id)));
        out.push_str(",\"hint\":");
        json::string(&mut out, &hint);
        self.node_state_json(id, &mut out);
        out.push('}');
        Ok(out)
    }

    // ----- what the page shows -----

    /// The state for `window.riverRaft.state()`.
    pub fn state_json(&self) -> String {
        json::state(self.tl.sim(), &self.geometry, self.paused, self.speed)
    }

    /// Feed lines waiting, one per line as `time_ms \t kind \t text`.
    pub fn take_feed(&mut self) -> String {
        self.feed.take()
    }

    /// The status line.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The notices about the address, one per line (empty when the address was fine).
    pub fn notices(&self) -> String {
        let mut text = String::new();
        for notice in &self.notices {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(notice);
        }
        text
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
