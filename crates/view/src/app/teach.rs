//! Teaching power (the `teach` feature): time travel over the run's timeline, marks,
//! stepping one event back and forth, messages held, dropped and duplicated, node state
//! inspected, the live checker's verdict, and the deliberately broken variants.
//!
//! A child of `app`, so it reaches the page model's private state; compiled only with the
//! feature, because its code (simulation checkpoints, the message inspector) costs the page
//! more than the size budget leaves.

use super::*;
use crate::theme;
use river_core::{Bug, Event};
use river_sim::trace::{TraceEvent, TraceRecord};

/// A moment on the timeline worth jumping to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When (simulated ms).
    pub time_ms: u64,
    /// `election`, `leader`, `commit`, `crash`, `restart`, `cut`, `heal` or `violation`.
    pub kind: &'static str,
    /// The term it belongs to, for its colour.
    pub term: u64,
    /// What happened, in words.
    pub text: String,
    /// Its place in the run's trace (records before it).
    pub index: u64,
}

/// The most marks kept; older ones give way (a long run has thousands of commits).
pub const MAX_MARKS: usize = 2_000;

impl App {
    /// An input given in the past (after a rewind) starts a new branch: the old future is
    /// kept in the timeline, and its marks give way.
    pub(super) fn branch_if_in_past(&mut self) {
        let now = self.tl.sim.now_ms();
        if now < self.tl.end_ms() || self.tl.applied() < self.tl.inputs().len() {
            let seen = self.tl.sim.trace.len();
            self.marks.retain(|m| m.index < seen);
            self.marks_seen = seen;
            self.marks_committed = self.tl.sim.checker.committed_len();
            self.feed.push(
                now,
                FeedKind::Story,
                String::from("You acted in the past: a new future starts here (the old one is kept as a branch)"),
            );
        }
    }

    /// Turns newly seen trace records into timeline marks (each moment is marked once,
    /// the first time the run passes it).
    pub(super) fn mark(&mut self, records: &[TraceRecord]) {
        let top_term = self
            .tl
            .sim
            .ids()
            .filter_map(|id| self.tl.sim.node(id))
            .map(|n| n.term().0)
            .max()
            .unwrap_or(0);
        let mut committed = self.marks_committed;
        let first = self.tl.sim.trace.len() - records.len() as u64;
        for (index, record) in (first..).zip(records) {
            if index < self.marks_seen {
                continue;
            }
            let t = record.time_ms;
            let mark = match &record.event {
                TraceEvent::Node { node, event } => match *event {
                    Event::ElectionStarted { term } => Some((
                        "election",
                        term.0,
                        format!("{node} started an election for term {term}"),
                    )),
                    Event::BecameLeader { term, .. } => Some((
                        "leader",
                        term.0,
                        format!("{node} became leader for term {term}"),
                    )),
                    Event::Committed { index, term } if index.0 > committed => {
                        committed = index.0;
                        Some(("commit", term.0, format!("entry {index} committed")))
                    }
                    _ => None,
                },
                TraceEvent::Crash { node } => Some(("crash", top_term, format!("{node} crashed"))),
                TraceEvent::Restart { node } => {
                    Some(("restart", top_term, format!("{node} restarted")))
                }
                TraceEvent::Link { from, to, up } => {
                    let kind = if *up { "heal" } else { "cut" };
                    // One mark per moment for a cut made of several directed links.
                    if self
                        .marks
                        .last()
                        .is_some_and(|m| m.time_ms == t && m.kind == kind)
                    {
                        None
                    } else {
                        let verb = if *up { "restored" } else { "cut" };
                        Some((kind, top_term, format!("link {from}→{to} {verb}")))
                    }
                }
                TraceEvent::Violation { text } => Some(("violation", top_term, text.clone())),
                _ => None,
            };
            if let Some((kind, term, text)) = mark {
                if self.marks.len() >= MAX_MARKS {
                    self.marks.remove(0);
                }
                self.marks.push(Mark {
                    time_ms: t,
                    kind,
                    term,
                    text,
                    index,
                });
            }
        }
        self.marks_committed = committed;
        self.marks_seen = self.marks_seen.max(self.tl.sim.trace.len());
    }

    /// Shows moment `time_ms` of the run (clamped to what it has reached): the whole
    /// picture, messages in flight included, rebuilt exactly from the nearest checkpoint.
    /// A scenario that was playing stops; its steps stay in the timeline.
    pub fn seek(&mut self, time_ms: f64) -> Result<(), String> {
        if time_ms.is_nan() || time_ms < 0.0 {
            return Err(format!(
                "seek takes a time in ms from 0, not {}",
                words::decimal(time_ms)
            ));
        }
        let t = (maths::floor(time_ms) as u64).min(self.tl.end_ms());
        self.stop_story();
        self.tl.seek(t);
        self.rewound(format!(
            "Jumped to t = {} s",
            words::decimal(t as f64 / 1000.0)
        ));
        Ok(())
    }

    /// Returns to kept branch `k` (0 is the oldest) at the same moment, or its end if that
    /// is earlier; the future being left is kept in its place. Its marks are rebuilt up to
    /// that moment and grow again as it plays on.
    pub fn switch_branch(&mut self, k: f64) -> Result<(), String> {
        let count = self.tl.branches.len();
        if !(k >= 0.0 && k == maths::floor(k) && (k as usize) < count) {
            return Err(format!(
                "there is no kept branch {} (there are {count})",
                words::decimal(k)
            ));
        }
        self.stop_story();
        self.tl.switch_branch(k as usize);
        self.marks.clear();
        self.marks_seen = 0;
        self.marks_committed = 0;
        let records = core::mem::take(&mut self.tl.sim.trace.records);
        self.mark(&records);
        self.rewound(format!(
            "Returned to a kept future, at t = {} s",
            words::decimal(self.tl.sim.now_ms() as f64 / 1000.0)
        ));
        Ok(())
    }

    /// Runs exactly one event (a message delivered, a timer fired) and says what it was.
    pub fn step_event(&mut self) -> String {
        self.pause();
        // One event may leave others of the same moment waiting, which a journal's
        // moments cannot say.
        self.journal = None;
        let wires: Vec<(u64, String)> = self
            .tl
            .sim
            .in_flight()
            .map(|m| (m.id, json::message_words(m)))
            .collect();
        let before = self.tl.sim.stats.events;
        let mut words = String::new();
        if self.tl.step() {
            for record in &self.tl.sim.trace.records {
                let said = match &record.event {
                    TraceEvent::Deliver { id } => wires
                        .iter()
                        .find(|(w, _)| w == id)
                        .map(|(_, text)| format!("{text} arrived")),
                    TraceEvent::Timer { node } => {
                        Some(match self.tl.sim.node(*node).map(|n| n.role()) {
                            Some(Role::Leader) => format!("{node}'s heartbeat timer fired"),
                            _ => format!("{node}'s election timer fired"),
                        })
                    }
                    TraceEvent::Drop { id, .. } => wires
                        .iter()
                        .find(|(w, _)| w == id)
                        .map(|(_, text)| format!("{text} was lost")),
                    _ => None,
                };
                if let Some(said) = said {
                    if !words.is_empty() {
                        words.push_str("; ");
                    }
                    words.push_str(&said);
                }
            }
        }
        if words.is_empty() {
            words = if self.tl.sim.stats.events > before {
                String::from("a client timer ran out")
            } else {
                String::from("nothing is scheduled")
            };
        }
        self.clock_ms = self.tl.sim.now_ms() as f64;
        self.after_run();
        self.overlay_wall_ms = f64::NEG_INFINITY;
        words
    }

    /// Goes back one event: the moment just before the last one happened.
    pub fn step_back(&mut self) {
        self.pause();
        self.stop_story();
        let events = self.tl.sim.stats.events;
        if events == 0 {
            return;
        }
        self.tl.seek_events(events - 1);
        self.rewound(String::from("Stepped back one event"));
    }

    /// After the present was rebuilt from the past: the picture and narration restart
    /// from it.
    fn rewound(&mut self, line: String) {
        self.journal = None;
        self.tl.sim.trace.records.clear();
        self.narrator.reset();
        self.clock_ms = self.tl.sim.now_ms() as f64;
        self.feed.push(self.tl.sim.now_ms(), FeedKind::Story, line);
        self.status = narrate::status(&self.tl.sim);
        self.changed |= changed::FEED | changed::STATUS;
        self.overlay_wall_ms = f64::NEG_INFINITY;
        self.repaint();
    }

    /// The timeline as JSON: `{ startMs, endMs, nowMs, branches, checkpoints, marks: [{ timeMs,
    /// kind, term, color, text }] }`.
    pub fn timeline_json(&self) -> String {
        let mut out = format!(
            "{{\"startMs\":0,\"endMs\":{},\"nowMs\":{},\"branches\":{},\"checkpoints\":{},\"branchEnds\":[",
            self.tl.end_ms(),
            self.tl.sim.now_ms(),
            self.tl.branches.len(),
            self.tl.checkpoint_count()
        );
        for (k, b) in self.tl.branches.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(&b.end_ms.to_string());
        }
        out.push_str("],\"marks\":[");
        for (k, m) in self.marks.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let color = if m.kind == "violation" {
                theme::NO
            } else {
                theme::TERM_EDGES[theme::term_slot(river_core::Term(m.term))]
            };
            out.push_str(&format!(
                "{{\"timeMs\":{},\"kind\":\"{}\",\"term\":{},\"color\":\"{color}\",\"text\":",
                m.time_ms, m.kind, m.term
            ));
            json::string(&mut out, &m.text);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// The marks (for drawing the timeline).
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

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
        // A journal has no words for the teaching tools' own actions.
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
