//! Looking inside the run: messages on the wire (inspected, dropped, duplicated, held,
//! released), a node's persistent and volatile state, the live checker's verdict, and the
//! deliberately broken variants.

use super::*;
use crate::action::MessageAction;
use river_core::Bug;
use river_sim::trace::DropReason;

impl App {
    // ----- safety and bugs -----

    /// The live checkers' verdict: the servers' logs (the first
    /// [`river_sim::checker::MAX_VIOLATIONS_KEPT`] violations are listed) and what the users
    /// saw (a stale read).
    pub fn safety(&self) -> answers::Safety {
        answers::safety(&self.tl.sim, self.read_check.found())
    }

    /// Judges the users' history again if it changed: a newly found violation is told in
    /// the feed (when `tell`; a jump in time tells nothing) and marked on the timeline.
    pub(super) fn check_reads(&mut self, tell: bool) {
        let sim = &self.tl.sim;
        let Some(found) = self.read_check.judge(&sim.history) else {
            return;
        };
        if tell {
            let text = format!("Linearizability violated: {}", found.text);
            self.feed.push(found.time_ms, FeedKind::Violation, text);
        }
        let index = sim.trace.len();
        self.marks.violation(found.time_ms, index, &found.text);
    }

    /// The core's deliberately broken variants, each with whether it is on (in the
    /// settings, or switched on by the scenario or tour that runs).
    pub fn bugs(&self) -> Vec<answers::BugAnswer> {
        let mut bugs = Vec::with_capacity(Bug::ALL.len());
        for bug in Bug::ALL {
            bugs.push(answers::BugAnswer {
                name: bug.name(),
                on: self.bug_on(bug),
                about: bug.description(),
            });
        }
        bugs
    }

    /// Whether the settings or the running servers use `bug`.
    fn bug_on(&self, bug: Bug) -> bool {
        self.settings.raft.bugs.has(bug) || self.tl.sim.config().raft.bugs.has(bug)
    }

    /// Switches a broken variant on or off; the cluster starts afresh with it (a scenario
    /// loaded afterwards runs with it too). Switching off a bug that a tour or scenario
    /// switched on ends it: its remaining steps need the bug, so the fresh cluster runs
    /// correct Raft without them.
    pub(super) fn switch_bug(&mut self, name: &str, on: bool) -> Result<(), String> {
        let bug = Bug::from_name(name).ok_or_else(|| {
            let mut known = String::new();
            for b in Bug::ALL {
                if !known.is_empty() {
                    known.push_str(", ");
                }
                known.push_str(b.name());
            }
            format!(
                "there is no bug named '{}'; the bugs are {known}",
                echo(name)
            )
        })?;
        if self.bug_on(bug) == on && self.settings.raft.bugs.has(bug) == on {
            return Ok(());
        }
        self.settings.raft.bugs.set(bug, on);
        let left = self.story.as_ref().map(|s| {
            let what = if s.guide.is_some() {
                "tour"
            } else {
                "scenario"
            };
            format!("The {what} '{}' ended: ", s.name)
        });
        self.start_again();
        self.tell_bug(&left.unwrap_or_default(), bug, on);
        Ok(())
    }

    /// Tells the feed that `bug` was switched on or off for the fresh cluster, after
    /// `left` (what the switch ended, if anything).
    pub(crate) fn tell_bug(&mut self, left: &str, bug: Bug, on: bool) {
        let now = if on { "is on" } else { "is off" };
        let runs = if self.tl.sim.config().raft.bugs.iter().next().is_some() {
            "Raft broken on purpose"
        } else {
            "correct Raft"
        };
        self.feed.push(
            0,
            FeedKind::Story,
            format!("{left}{} {now}; this fresh cluster runs {runs}", bug.name()),
        );
    }

    // ----- messages on the wire -----

    /// Does `what` to message `id` on the wire: drop it (it is lost), duplicate it (a copy
    /// arrives after the same delay), hold it until released, or release it (it arrives
    /// after its link's delay from now).
    pub(super) fn act_on_message(&mut self, id: f64, what: MessageAction) -> Result<(), String> {
        let found = (id >= 0.0 && id == maths::floor(id))
            .then(|| self.tl.sim.in_flight().find(|m| m.id as f64 == id))
            .flatten();
        let Some(m) = found else {
            return Err(format!("no message {} is in flight", words::decimal(id)));
        };
        let held = match what {
            MessageAction::Hold => Some(false),
            MessageAction::Release => Some(true),
            MessageAction::Drop | MessageAction::Duplicate => None,
        };
        if held.is_some_and(|h| h != m.held) {
            return Err(format!(
                "message {} is {}",
                m.id,
                if m.held { "already held" } else { "not held" }
            ));
        }
        let id = m.id;
        self.act(match what {
            MessageAction::Drop => Input::Drop(id),
            MessageAction::Duplicate => Input::Duplicate(id),
            MessageAction::Hold => Input::Hold(id),
            MessageAction::Release => Input::Release(id),
        });
        self.overlay_wall_ms = f64::NEG_INFINITY;
        Ok(())
    }

    /// What became of message `id` once it left the wire, in words for its inspector:
    /// where and when it arrived, or when and why it was lost.
    pub fn message_gone(&self, id: f64) -> String {
        let fate = (id >= 0.0 && id == maths::floor(id))
            .then(|| self.narrator.fate(id as u64))
            .flatten();
        let Some(fate) = fate else {
            return String::from("It is no longer on the wire.");
        };
        let to = answers::endpoint(fate.to);
        let at = format!("{}.{:03} s", fate.time_ms / 1000, fate.time_ms % 1000);
        match fate.lost {
            None => format!("It arrived: {to} received it at {at}."),
            Some(DropReason::LinkCut) => {
                format!("It was lost at {at}: the link to {to} was cut, so {to} never received it.")
            }
            Some(DropReason::Lost) => format!(
                "It was lost on the way at {at} (the network's message loss): {to} never received it."
            ),
            Some(DropReason::NodeDown) => {
                format!("It was lost at {at}: {to} was down when it came.")
            }
            Some(DropReason::Dropped) => {
                format!("You dropped it at {at}: {to} never received it.")
            }
        }
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

    /// A node's persistent state (what survives a crash), its volatile state, and a
    /// leader's next and match index for each follower.
    pub(super) fn node_state(
        &self,
        id: NodeId,
    ) -> (
        answers::Persistent,
        Option<answers::Volatile>,
        Vec<answers::Progress>,
    ) {
        let disk = &self.tl.sim.server(id).disk;
        let snapshot = disk.snapshot.as_ref();
        let persistent = answers::Persistent {
            term: disk.hard_state.term.0 as f64,
            voted_for: disk.hard_state.voted_for.map(answers::letter),
            log_length: disk.log.len() as f64,
            last_log_term: disk
                .log
                .last()
                .map(|e| e.term)
                .or(snapshot.map(|s| s.term))
                .map_or(0.0, |t| t.0 as f64),
            snapshot: snapshot.map(crate::stored::snapshot_text),
        };
        let Some(n) = self.tl.sim.node(id) else {
            return (persistent, None, Vec::new());
        };
        let (elapsed, timeout) = n.election_timer();
        let volatile = answers::Volatile {
            role: n.role().name(),
            commit_index: n.commit_index().0 as f64,
            leader: n.leader().map(answers::letter),
            timer_elapsed_ms: elapsed as f64,
            timer_timeout_ms: timeout as f64,
        };
        let mut progress = Vec::new();
        for peer in self.tl.sim.ids() {
            if let Some(p) = n.progress(peer) {
                progress.push(answers::Progress {
                    peer: answers::letter(peer),
                    next_index: p.next_index.0 as f64,
                    match_index: p.match_index.0 as f64,
                });
            }
        }
        (persistent, Some(volatile), progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{json, Acts};

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
        let links = json(&a.state());
        assert_eq!(a.click(x, y, false), Click::Message(id));
        assert_eq!(json(&a.state()), links, "no link was cut");
        assert!(a.hover(x, y).contains("Click to inspect it"));
        let node = json(&a.node_info(crate::action::node("A").unwrap()).unwrap());
        assert!(node["persistent"]["term"].is_number(), "{node}");
        assert!(node["volatile"]["role"].is_string(), "{node}");
        assert!(node["progress"].is_array(), "{node}");
    }
}
