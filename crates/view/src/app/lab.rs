//! The election lab on the page: trials run a slice at a time between frames (the bindings
//! call [`App::lab_work`] each frame while it runs), the chart is rebuilt when they did,
//! and any trial opens as an ordinary run of the page, paused just before its leader
//! crashes.

use super::*;
use crate::action::{Action, Node};
use crate::lab::{self, chart, LabAnswer, LabRun, LabSetup, LabState};
use crate::theme;

/// How long an opened trial's run goes on after the new leader is followed, so the
/// timeline shows the cluster settled again.
pub const OPENED_TAIL_MS: u64 = 500;

/// The lab and its chart.
#[derive(Debug, Default)]
pub(super) struct LabPanel {
    run: Option<LabRun>,
    scene: Scene,
    /// The chart canvas's CSS size.
    size: (f64, f64),
    /// The page's type size (its root font size, CSS pixels): the chart's grows with it.
    text_px: f64,
    /// The trial under the pointer: (range, trial).
    hover: Option<(usize, u32)>,
    /// The chart needs drawing again.
    dirty: bool,
    /// When (wall-clock ms) the panel was last told trials had run, so it is told a few
    /// times a second, not every slice.
    told_ms: f64,
}

impl App {
    /// Sets the lab up afresh and starts running its trials (the loop runs them between
    /// frames). Refused, saying why, when a range cannot run; the old results stay then.
    pub fn lab_start(&mut self, setup: LabSetup) -> Result<(), String> {
        self.lab.run = Some(LabRun::new(setup)?);
        self.lab.hover = None;
        self.lab.dirty = true;
        self.changed |= changed::LAB;
        Ok(())
    }

    /// Stops the lab where it is; its trials so far stay on the chart.
    pub fn lab_stop(&mut self) {
        if let Some(run) = &mut self.lab.run {
            run.stop();
            self.lab.dirty = true;
            self.changed |= changed::LAB;
        }
    }

    /// Whether trials are left to run.
    pub fn lab_running(&self) -> bool {
        self.lab
            .run
            .as_ref()
            .is_some_and(|r| r.state == LabState::Running)
    }

    /// Runs the lab's next slice of trials: [`lab::SLICE_MS`] of `now` (wall-clock ms, read
    /// by the bindings), ending mid-trial if need be.
    pub fn lab_work(&mut self, now: &mut dyn FnMut() -> f64) {
        if let Some(run) = self
            .lab
            .run
            .as_mut()
            .filter(|r| r.state == LabState::Running)
        {
            run.work(now, lab::SLICE_MS);
            self.lab.dirty = true;
            let at = now();
            if run.state != LabState::Running || at - self.lab.told_ms >= lab::TELL_EVERY_MS {
                self.lab.told_ms = at;
                self.changed |= changed::LAB;
            }
        }
    }

    /// The lab's setup, progress, results per range and the sentence under the chart.
    pub fn lab_answer(&self) -> LabAnswer {
        let mut answer = self
            .lab
            .run
            .as_ref()
            .map_or_else(LabAnswer::idle, LabRun::answer);
        answer.chart_scale = self.lab_size().scale;
        answer
    }

    /// The lab, for tests.
    #[cfg(test)]
    pub(crate) fn lab_run(&self) -> Option<&LabRun> {
        self.lab.run.as_ref()
    }

    /// The chart canvas changed size (CSS pixels), or the page's type size did (`text_px`,
    /// its root font size).
    pub fn lab_resize(&mut self, width: f64, height: f64, text_px: f64) {
        self.lab.size = (width, height);
        self.lab.text_px = text_px;
        self.lab.dirty = true;
    }

    /// The look changed: the chart is drawn again in it.
    pub(super) fn lab_restyled(&mut self) {
        self.lab.dirty = true;
    }

    /// The chart's size and type scale, in the page's look.
    fn lab_size(&self) -> chart::Size {
        let (w, h) = self.lab.size;
        chart::Size::new(w, h, self.lab.text_px, self.geometry.look)
    }

    /// The chart to paint, when it changed since the last call.
    pub fn lab_scene(&mut self) -> Option<&Scene> {
        if !core::mem::take(&mut self.lab.dirty) {
            return None;
        }
        let size = self.lab_size();
        chart::build(
            &mut self.lab.scene,
            self.lab.run.as_ref(),
            size,
            self.lab.hover,
        );
        // The projector view's darker colours and thicker lines, as on the cluster.
        if self.geometry.look.projector {
            self.lab
                .scene
                .restyle(theme::high_contrast, crate::look::PROJECTOR_LINE_WEIGHT);
        }
        Some(&self.lab.scene)
    }

    /// The pointer moved over the chart to (x, y): marks the trial under it and says what it
    /// was ("" over nothing); `None` for (x, y) when it left.
    pub fn lab_hover(&mut self, at: Option<(f64, f64)>) -> String {
        let size = self.lab_size();
        let hit = at.and_then(|(x, y)| chart::hit(self.lab.run.as_ref(), size, x, y));
        if hit != self.lab.hover {
            self.lab.hover = hit;
            self.lab.dirty = true;
        }
        match (hit, &self.lab.run) {
            (Some((k, index)), Some(run)) => {
                run.trial(k, index).map_or_else(String::new, |(_, t)| {
                    lab::trial_words(run.setup.ranges[k], &t)
                })
            }
            _ => String::new(),
        }
    }

    /// The trial under (x, y) on the chart, to open: (range, trial).
    pub fn lab_pick(&self, x: f64, y: f64) -> Option<(usize, u32)> {
        chart::hit(self.lab.run.as_ref(), self.lab_size(), x, y)
    }

    /// Opens a trial of the lab as a fresh run of the page, with the trial's settings and
    /// seed: the first leader's timer fired at 0 (as the lab does), the run played through
    /// the crash until the cluster has a leader again, then shown just before the crash,
    /// paused. Everything is journaled as ordinary actions, so the run can be sought, shared
    /// and replayed like any other. Returns what the page says about it.
    pub(super) fn open_trial(&mut self, range: f64, trial: f64) -> Result<String, String> {
        let (k, index) = lab::trial_ref(self.lab.run.as_ref(), range, trial)?;
        let Some((lab, trial)) = self.lab.run.as_ref().and_then(|r| r.trial(k, index)) else {
            return Err(String::from("that trial has not run"));
        };
        let range = lab.experiment().config();
        let range = (range.election_timeout_min_ms, range.election_timeout_max_ms);
        let settings = Settings::from_config(&lab.experiment().sim_config(index))?;
        self.settings = settings;
        self.start_again();
        self.stop_clock();
        self.apply(Action::Timeout(Node(trial.first_candidate)))?;
        self.run_to(trial.crash_at_ms as f64);
        // The page's run is the lab's trial: the same leader stands at the same moment.
        if self.tl.sim().leader() != Some(trial.crashed) {
            return Err(format!(
                "the run went differently from the lab's trial: {} does not lead at {} ms",
                trial.crashed, trial.crash_at_ms
            ));
        }
        // The feed tells this run (its new-cluster line first, so the page lets the old
        // run's lines go) up to the moment shown; what follows is told as it plays again.
        let before_crash = self.feed.mark();
        self.apply(Action::Crash(Node(trial.crashed)))?;
        self.run_to((trial.crash_at_ms + trial.downtime_ms + OPENED_TAIL_MS) as f64);
        self.apply(Action::SeekBefore(trial.crash_at_ms as f64))?;
        self.feed.drop_since(before_crash);
        let said = lab::opened_words(range, &trial);
        self.feed
            .push(trial.crash_at_ms, FeedKind::Story, said.clone());
        self.changed |= changed::FEED | changed::TIMELINE;
        Ok(said)
    }
}
