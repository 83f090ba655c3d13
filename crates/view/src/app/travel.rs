//! Time travel: any past moment shown again exactly (seek, one event back and forth), acting
//! in the past starting a branch while the old future is kept, and the timeline's answer.

use super::*;
use crate::theme;
use river_sim::trace::TraceEvent;

impl App {
    /// An input given in the past (after a rewind) starts a new branch: the old future is
    /// kept in the timeline, and its marks give way.
    pub(super) fn branch_if_in_past(&mut self) {
        let now = self.tl.sim.now_ms();
        if now < self.tl.end_ms() || self.tl.applied() < self.tl.inputs().len() {
            self.marks.branch(&self.tl.sim);
            self.feed.push(
                now,
                FeedKind::Story,
                String::from("You acted in the past: a new future starts here (the old one is kept as a branch)"),
            );
        }
    }

    /// Shows moment `time_ms` of the run (clamped to what it has reached): the whole
    /// picture, messages in flight included, rebuilt exactly from the nearest checkpoint.
    /// A scenario that was playing stops; its steps stay in the timeline.
    pub(super) fn seek_to(&mut self, time_ms: f64) -> Result<(), String> {
        self.jump(time_ms, false)
    }

    /// Shows moment `time_ms` just before what was done at it ([`Action::SeekBefore`]):
    /// the election lab opens a trial there, just before its leader crashes.
    pub(super) fn seek_before(&mut self, time_ms: f64) -> Result<(), String> {
        self.jump(time_ms, true)
    }

    /// Seeks to `time_ms` (clamped to the run's end), at or just before what was done
    /// then, and tells the feed.
    fn jump(&mut self, time_ms: f64, before: bool) -> Result<(), String> {
        if time_ms.is_nan() || time_ms < 0.0 {
            return Err(format!(
                "seek takes a time in ms from 0, not {}",
                words::decimal(time_ms)
            ));
        }
        let t = (maths::floor(time_ms) as u64).min(self.tl.end_ms());
        let left = self.leave_story(true);
        let seconds = words::decimal(t as f64 / 1000.0);
        if before {
            self.tl.seek_before(t);
            self.rewound(format!(
                "Jumped to just before what happened at t = {seconds} s"
            ));
        } else {
            self.tl.seek(t);
            self.rewound(format!("Jumped to t = {seconds} s"));
        }
        self.tell_left(left);
        Ok(())
    }

    /// Returns to kept branch `k` (0 is the oldest) at the same moment, or its end if that
    /// is earlier; the future being left is kept in its place. Its marks are rebuilt up to
    /// that moment and grow again as it plays on.
    pub(super) fn return_to_branch(&mut self, k: f64) -> Result<(), String> {
        let count = self.tl.branches.len();
        if !(k >= 0.0 && k == maths::floor(k) && (k as usize) < count) {
            return Err(format!(
                "there is no kept branch {} (there are {count})",
                words::decimal(k)
            ));
        }
        let left = self.leave_story(true);
        self.tl.switch_branch(k as usize);
        self.marks.clear();
        let records = core::mem::take(&mut self.tl.sim.trace.records);
        self.marks.record(&records, &self.tl.sim);
        self.rewound(format!(
            "Returned to a kept future, at t = {} s",
            words::decimal(self.tl.sim.now_ms() as f64 / 1000.0)
        ));
        self.tell_left(left);
        Ok(())
    }

    /// Runs exactly one event (a message delivered, a timer fired) and says what it was.
    pub(super) fn run_one_event(&mut self) -> String {
        self.stop_clock();
        let wires: Vec<(u64, String)> = self
            .tl
            .sim
            .in_flight()
            .map(|m| (m.id, answers::message_words(m)))
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
    pub(super) fn back_one_event(&mut self) {
        self.stop_clock();
        let left = self.leave_story(true);
        let events = self.tl.sim.stats.events;
        if events > 0 {
            self.tl.seek_events(events - 1);
            self.rewound(String::from("Stepped back one event"));
        }
        self.tell_left(left);
    }

    /// Tells that the scenario or tour was left ([`App::leave_story`]), at the moment now
    /// shown.
    pub(super) fn tell_left(&mut self, left: Option<String>) {
        if let Some(words) = left {
            self.feed.push(self.tl.sim.now_ms(), FeedKind::Story, words);
        }
    }

    /// After the present was rebuilt from the past: the picture and narration restart
    /// from it, and the feed tells again what had happened up to it (the lines of the
    /// future left behind go; playing on tells it again).
    pub(super) fn rewound(&mut self, line: String) {
        self.tl.sim.trace.records.clear();
        self.narrator.reset(&self.tl.sim, &mut self.feed);
        self.feed
            .rewind(self.tl.sim.now_ms(), self.tl.sim.stats.events);
        self.check_reads(false);
        self.clock_ms = self.tl.sim.now_ms() as f64;
        self.feed.push(self.tl.sim.now_ms(), FeedKind::Story, line);
        self.status = narrate::status(&self.tl.sim);
        self.changed |= changed::FEED | changed::STATUS;
        self.overlay_wall_ms = f64::NEG_INFINITY;
        self.fit_ring();
        self.repaint();
    }

    /// The timeline: where the run is, how far it reached, the futures kept, the marks.
    pub fn timeline(&self) -> answers::Timeline {
        let mut branch_ends = Vec::with_capacity(self.tl.branches.len());
        for b in &self.tl.branches {
            branch_ends.push(b.end_ms as f64);
        }
        let mut marks = Vec::with_capacity(self.marks.list().len());
        for m in self.marks.list() {
            marks.push(answers::MarkAnswer {
                time_ms: m.time_ms as f64,
                kind: m.kind,
                term: m.term as f64,
                color: if m.kind == "violation" {
                    theme::NO
                } else {
                    theme::TERM_EDGES[theme::term_slot(river_core::Term(m.term))]
                },
                text: m.text.clone(),
            });
        }
        answers::Timeline {
            start_ms: 0.0,
            end_ms: self.tl.end_ms() as f64,
            now_ms: self.tl.sim.now_ms() as f64,
            branches: self.tl.branches.len() as f64,
            checkpoints: self.tl.checkpoint_count() as f64,
            branch_ends,
            marks,
        }
    }
}
