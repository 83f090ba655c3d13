//! Playing a scenario on the page: loading it on the cluster it describes, telling each
//! line in the feed as it starts, and its progress for the page's scenario panel.

use super::*;
use crate::narrate::StoryLine;

/// A scenario being played.
#[derive(Clone, Debug)]
pub(super) struct Story {
    pub(super) name: String,
    source: String,
    pub(super) player: Player,
    /// Lines begun and not yet told: each told in the feed just before the first trace
    /// record it may have caused (its index in the records not yet narrated).
    pub(super) begun: Vec<StoryLine>,
    pub(super) state: StoryState,
    /// Set when the scenario is a guided tour.
    pub(super) guide: Option<super::tour::Guide>,
}

/// The timeline as the player drives it, noting where each line begins in the trace, so
/// the feed tells "Line 4: add E" before what it caused rather than after. A tour speaks
/// through its captions, never its script lines, but a line the simulation refused is told
/// in both ("remove B refused: leader C says …"): a tour may refuse on purpose.
struct Telling<'a> {
    tl: &'a mut river_sim::timeline::Timeline,
    source: &'a str,
    begun: &'a mut Vec<StoryLine>,
    tour: bool,
}

impl Driver for Telling<'_> {
    fn sim(&self) -> &Simulation {
        self.tl.sim()
    }
    fn sim_mut(&mut self) -> &mut Simulation {
        self.tl.sim_mut()
    }
    fn input(&mut self, input: Input) -> Result<(), String> {
        Driver::input(self.tl, input)
    }
    fn step_until(&mut self, limit_ms: u64) -> bool {
        Driver::step_until(self.tl, limit_ms)
    }
    fn run_until(&mut self, time_ms: u64) {
        Driver::run_until(self.tl, time_ms);
    }
    fn step_begins(&mut self, line: usize) {
        if self.tour {
            return;
        }
        let Some(text) = self.source.lines().nth(line - 1) else {
            return;
        };
        let sim = self.tl.sim();
        self.begun.push(StoryLine {
            record: sim.trace.records.len(),
            time_ms: sim.now_ms(),
            text: format!("Line {line}: {}", script_line(text)),
            kind: FeedKind::Story,
        });
    }
    /// Told as `river run --scenario` prints it, after what the line's input caused.
    fn refused(&mut self, line: usize, why: String) {
        let sim = self.tl.sim();
        self.begun.push(StoryLine {
            record: sim.trace.records.len(),
            time_ms: sim.now_ms(),
            text: match self.tour {
                true => format!(
                    "{} refused: {why}",
                    scenario::instruction(self.source, line)
                ),
                false => format!(
                    "Line {line}: {} refused: {why}",
                    scenario::instruction(self.source, line)
                ),
            },
            kind: FeedKind::Warn,
        });
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum StoryState {
    Playing,
    Finished,
    Failed(ScenarioError),
}

impl App {
    pub(super) fn run_story(&mut self, target: u64) {
        let Some(story) = self
            .story
            .as_mut()
            .filter(|s| s.state == StoryState::Playing)
        else {
            return;
        };
        // Each line that begins is told, with its comment, as the feed's story, before what
        // it causes (the narration interleaves them).
        let mut telling = Telling {
            tl: &mut self.tl,
            source: &story.source,
            begun: &mut story.begun,
            tour: story.guide.is_some(),
        };
        let result = story.player.advance(&mut telling, target);
        let finished = !matches!(result, Ok(Status::Running));
        if finished {
            // What the last steps did is told before the line that says the story ended.
            self.after_run();
        }
        let Some(story) = self.story.as_mut() else {
            return;
        };
        let time = self.tl.sim().now_ms();
        // At a tour's `pause` the clock stops until the reader continues.
        let waiting = story.guide.is_some() && story.player.paused();
        match result {
            Ok(Status::Running) => {}
            Ok(Status::Finished) => {
                story.state = StoryState::Finished;
                let what = if story.guide.is_some() {
                    "The tour is over: everything its steps said happened"
                } else {
                    "The scenario finished: every expectation held"
                };
                self.feed
                    .push(time, FeedKind::Story, format!("{what} ('{}')", story.name));
            }
            Err(e) => {
                self.feed.push(
                    time,
                    FeedKind::Violation,
                    format!("The scenario '{}' stopped at {e}", story.name),
                );
                story.state = StoryState::Failed(e);
            }
        }
        if waiting {
            self.stop_clock();
        }
        self.changed |= changed::STORY;
    }

    /// Loads scenario text and starts playing it on a fresh cluster it describes. A
    /// scenario with an error is refused, naming its line; the current run continues.
    pub(super) fn load_scenario(&mut self, text: &str, name: &str) -> Result<(), String> {
        self.begin_scenario(text, name)?;
        // (A tour says its step instead: "scenario" is a word its reader need not know.)
        self.feed.push(
            0,
            FeedKind::Story,
            format!("Playing the scenario '{}'", echo(name)),
        );
        // Steps at time 0 (settings, first actions) happen at once.
        self.run_to(self.clock_ms);
        Ok(())
    }

    /// Sets a scenario up on the fresh cluster it describes, without running any step.
    pub(super) fn begin_scenario(&mut self, text: &str, name: &str) -> Result<(), String> {
        let mut scenario = Scenario::parse(text).map_err(|e| e.to_string())?;
        // The bugs switched on in the page apply to the scenario too (it may add its own).
        for bug in self.settings.raft.bugs.iter() {
            scenario.config.raft.bugs.set(bug, true);
        }
        let settings = Settings::from_config(&scenario.config).map_err(|e| {
            // The page takes fewer servers and seeds than the language: name the line.
            let name = if scenario.config.nodes > crate::settings::MAX_NODES {
                "nodes"
            } else {
                "seed"
            };
            let line = scenario::setting_line(text, name).unwrap_or(1);
            format!("line {line}: {e}")
        })?;
        self.settings = settings;
        let mut sim = Player::simulation(&scenario);
        sim.trace.keep = true;
        self.tl = start_run(sim);
        self.started();
        self.journal = Journal::new(Head::Scenario {
            name: name.to_string(),
            text: text.to_string(),
        });
        self.story = Some(Story {
            name: echo(name),
            source: text.to_string(),
            player: Player::new(scenario),
            begun: Vec::new(),
            state: StoryState::Playing,
            guide: None,
        });
        Ok(())
    }

    /// Plays a built-in scenario by name (`partition`).
    pub(super) fn load_built_in(&mut self, name: &str) -> Result<(), String> {
        let text = built_in(name)
            .ok_or_else(|| format!("there is no built-in scenario named '{}'", echo(name)))?;
        self.load_scenario(text, name)
    }

    /// Stops the scenario; the cluster keeps running as it is.
    pub(super) fn end_story(&mut self) {
        let left = self.leave_story(false);
        self.tell_left(left);
    }

    /// Stops the scenario and returns what the feed should say; `moved` when moving in
    /// time stops it, whose caller tells it after the move: a line pushed before a step
    /// back is after the moment shown and went with the future left behind, so a tour
    /// vanished with no word of why, or of how to take it again.
    pub(super) fn leave_story(&mut self, moved: bool) -> Option<String> {
        let story = self.story.take()?;
        self.changed |= changed::STORY | changed::FEED;
        Some(match story.guide {
            Some(_) => format!(
                "The tour '{}' ended{} (the Tours menu opens it again, at any step)",
                story.name,
                if moved {
                    ": moving in time leaves it"
                } else {
                    ""
                }
            ),
            None => String::from("Scenario stopped"),
        })
    }

    /// The scenario's progress.
    pub fn scenario(&self) -> answers::ScenarioAnswer {
        let Some(story) = &self.story else {
            return answers::ScenarioAnswer {
                name: None,
                state: "none",
                line: None,
                text: None,
                error: None,
            };
        };
        let (state, line, error) = match &story.state {
            StoryState::Playing => ("playing", story.player.current_line(), None),
            StoryState::Finished => ("finished", story.player.current_line(), None),
            StoryState::Failed(e) => ("failed", Some(e.line), Some(e.to_string())),
        };
        answers::ScenarioAnswer {
            name: Some(story.name.clone()),
            state,
            line: line.map(|l| l as f64),
            text: line
                .and_then(|l| story.source.lines().nth(l - 1))
                .map(script_line),
            error,
        }
    }
}

/// The built-in scenarios the page offers, by name: the partition story and the paper's
/// Figure 8 (safe unless the bugs panel switches `figure8-commit` on).
pub fn built_in(name: &str) -> Option<&'static str> {
    match name {
        "partition" => Some(scenario::PARTITION),
        "figure8" => Some(scenario::FIGURE8),
        _ => None,
    }
}

/// A scenario line as people read it: the instruction, then its comment after a dash.
fn script_line(line: &str) -> String {
    let (code, comment) = line.split_once('#').unwrap_or((line, ""));
    let (code, comment) = (code.trim(), comment.trim());
    match (code.is_empty(), comment.is_empty()) {
        (_, true) => code.to_string(),
        (true, false) => comment.to_string(),
        (false, false) => format!("{code} — {comment}"),
    }
}
