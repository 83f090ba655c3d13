//! Looking inside the run: messages on the wire (inspected, dropped, duplicated, held,
//! released), a node's persistent and volatile state, the live checker's verdict, and the
//! deliberately broken variants.

use super::*;
use river_core::Bug;

impl App {
    // ----- safety and bugs -----

    /// The live checker's verdict as JSON: `{ ok, count, violations: [{ property, timeMs,
    /// text }] }` (the first [`river_sim::checker::MAX_VIOLATIONS_KEPT`] are listed).
    pub fn safety_json(&self) -> String {
        let checker = &self.tl.sim.checker;
        let mut out = format!(
            "{{\"ok\":{},\"count\":{},\"violations\":[",
            checker.violation_count() == 0,
            checker.violation_count()
        );
        for (k, v) in checker.violations().iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"property\":");
            json::string(&mut out, v.property.name());
            out.push_str(&format!(",\"timeMs\":{},\"text\":", v.time_ms));
            json::string(&mut out, &v.text);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// The core's deliberately broken variants as JSON: `[{ name, on, about }]`.
    pub fn bugs_json(&self) -> String {
        let mut out = String::from("[");
        for (k, bug) in Bug::ALL.into_iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str("{\"name\":");
            json::string(&mut out, bug.name());
            out.push_str(&format!(
                ",\"on\":{},\"about\":",
                self.settings.raft.bugs.has(bug)
            ));
            json::string(&mut out, bug.description());
            out.push('}');
        }
        out.push(']');
        out
    }

    /// Switches a broken variant on or off; the cluster starts afresh with it (a scenario
    /// loaded afterwards runs with it too).
    pub fn set_bug(&mut self, name: &str, on: bool) -> Result<(), String> {
        let bug = Bug::from_name(name).ok_or_else(|| {
            format!(
                "there is no bug named '{}'; the bugs are {}",
                echo(name),
                Bug::ALL.map(|b| b.name()).join(", ")
            )
        })?;
        if self.settings.raft.bugs.has(bug) != on {
            self.settings.raft.bugs.set(bug, on);
            self.restart_run();
            self.journal = None;
        }
        Ok(())
    }

    // ----- messages on the wire -----

    fn message_input(
        &mut self,
        id: f64,
        make: fn(u64) -> Input,
        held: Option<bool>,
    ) -> Result<(), String> {
        let found = (id >= 0.0 && id == maths::floor(id))
            .then(|| self.tl.sim.in_flight().find(|m| m.id as f64 == id))
            .flatten();
        let Some(m) = found else {
            return Err(format!("no message {} is in flight", words::decimal(id)));
        };
        if held.is_some_and(|h| h != m.held) {
            return Err(format!(
                "message {} is {}",
                m.id,
                if m.held { "already held" } else { "not held" }
            ));
        }
        let id = m.id;
        // A journal has no words for actions on single messages.
        self.journal = None;
        self.act(make(id));
        self.overlay_wall_ms = f64::NEG_INFINITY;
        Ok(())
    }

    /// Takes a message off the wire: it is lost.
    pub fn drop_message(&mut self, id: f64) -> Result<(), String> {
        self.message_input(id, Input::Drop, None)
    }

    /// Puts a copy of a message on the wire, arriving after the same delay.
    pub fn duplicate_message(&mut self, id: f64) -> Result<(), String> {
        self.message_input(id, Input::Duplicate, None)
    }

    /// Holds a message on the wire until released.
    pub fn hold_message(&mut self, id: f64) -> Result<(), String> {
        self.message_input(id, Input::Hold, Some(false))
    }

    /// Releases a held message: it arrives after its link's delay from now.
    pub fn release_message(&mut self, id: f64) -> Result<(), String> {
        self.message_input(id, Input::Release, Some(true))
    }

    /// The message drawn nearest (x, y), if one is close enough to click: messages ride on
    /// links, so they are tested first.
    pub(super) fn message_at(&self, x: f64, y: f64) -> Option<u64> {
        let reach = 10.0 * self.geometry.scale;
        self.tl
            .sim
            .in_flight()
            .take(layout::MAX_DRAWN_MESSAGES)
            .map(|m| {
                let (mx, my) = layout::message_position(&self.geometry, m, self.clock_ms);
                (m.id, (mx - x) * (mx - x) + (my - y) * (my - y))
            })
            .filter(|&(_, d)| d <= reach * reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }

    /// A node's persistent state (what survives a crash) apart from its volatile state,
    /// and a leader's next and match index for each follower, appended to its JSON.
    pub(super) fn node_state_json(&self, id: NodeId, out: &mut String) {
        let node = self.tl.sim.node(id);
        let server = self.tl.sim.server(id);
        let disk = &server.disk;
        let last_term = disk.log.last().map_or(0, |e| e.term.0);
        out.push_str(&format!(
            ",\"persistent\":{{\"term\":{},\"votedFor\":",
            disk.hard_state.term.0
        ));
        match disk.hard_state.voted_for {
            Some(v) => json::string(out, v.letter().encode_utf8(&mut [0; 4])),
            None => out.push_str("null"),
        }
        out.push_str(&format!(
            ",\"logLength\":{},\"lastLogTerm\":{last_term}}}",
            disk.log.len()
        ));
        match node {
            None => out.push_str(",\"volatile\":null,\"progress\":[]"),
            Some(n) => {
                let (elapsed, timeout) = n.election_timer();
                out.push_str(",\"volatile\":{\"role\":");
                json::string(out, n.role().name());
                out.push_str(&format!(
                    ",\"commitIndex\":{},\"leader\":",
                    n.commit_index().0
                ));
                match n.leader() {
                    Some(l) => json::string(out, l.letter().encode_utf8(&mut [0; 4])),
                    None => out.push_str("null"),
                }
                out.push_str(&format!(
                    ",\"timerElapsedMs\":{elapsed},\"timerTimeoutMs\":{timeout}}},\"progress\":["
                ));
                let mut first = true;
                for peer in self.tl.sim.ids() {
                    if let Some(p) = n.progress(peer) {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        out.push_str(&format!(
                            "{{\"peer\":\"{peer}\",\"nextIndex\":{},\"matchIndex\":{}}}",
                            p.next_index.0, p.match_index.0
                        ));
                    }
                }
                out.push(']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicking_a_message_in_flight_opens_it_instead_of_cutting_its_link() {
        let mut a = App::new("?seed=2", Viewport::new(1000.0, 560.0), || 1);
        a.pause();
        a.advance(2_000.0).unwrap();
        let m = a
            .sim()
            .in_flight()
            .next()
            .expect("a heartbeat or reply is on the wire");
        let (x, y) = layout::message_position(a.geometry(), m, a.clock_ms);
        let id = m.id;
        let links = a.state_json();
        assert_eq!(a.click(x, y, false), Click::Message(id));
        assert_eq!(a.state_json(), links, "no link was cut");
        assert!(a.hover(x, y).contains("Click to inspect it"));
        let node = a.node_json("A").unwrap();
        assert!(node.contains("\"persistent\":{\"term\":"), "{node}");
        assert!(node.contains("\"volatile\":{\"role\":"), "{node}");
    }
}
