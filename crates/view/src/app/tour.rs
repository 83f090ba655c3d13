//! Guided tours on the page: a tour (`scenarios/tours/NAME.scenario`) is played step by step.
//! A step shows its caption and what it points at, runs, and stops at its `pause` until the
//! reader continues. Any step can be opened directly; Back returns exactly to where the
//! previous step began, by rewinding the timeline (time travel) and handing the player back
//! its state there.

use super::story::StoryState;
use super::*;
use river_sim::scenario::{Highlight, TourStep, TOURS};

/// Where a step began: the moment just after its `say` and the inputs given by then. (The
/// player is not kept: one put at the step's start is the same, and copying a player's
/// steps would cost the page's wasm a copy routine for every kind of step.)
#[derive(Clone, Copy, Debug)]
struct Start {
    time_ms: u64,
    events: u64,
    applied: usize,
}

/// What a tour adds to the scenario being played.
#[derive(Clone, Debug)]
pub(in crate::app) struct Guide {
    title: &'static str,
    text: &'static str,
    steps: Vec<TourStep>,
    /// Where each step reached so far began, in order (step 0 first).
    starts: Vec<Start>,
}

impl App {
    /// Opens the tour the page's address asks for (`?tour=NAME&step=K`, step 1 if none);
    /// a bad name or step becomes a notice, and the page runs on as it was.
    pub(super) fn open_addressed_tour(&mut self, tour: Option<&str>, step: Option<&str>) {
        let Some(name) = tour else {
            if let Some(step) = step {
                self.notices.push(format!(
                    "The address asks for step '{}' but names no tour (add ?tour=NAME). The page starts without a tour.",
                    echo(step)
                ));
            }
            return;
        };
        let k = match step {
            None => 1.0,
            Some(text) => match text.parse::<u32>() {
                Ok(k) => f64::from(k),
                Err(_) => {
                    self.notices.push(format!(
                        "The address asks for step '{}' of the tour, but a step is a whole number from 1. The tour starts at step 1.",
                        echo(text)
                    ));
                    1.0
                }
            },
        };
        if let Err(why) = self.open_tour(name, k) {
            self.notices.push(format!(
                "The address asks for a tour, but {why}. The page runs without it."
            ));
        }
    }

    /// Opens step `step` (1 is the first) of the tour `name`: the tour starts on its fresh
    /// cluster if it is not the one playing. Refused with the tours' or the steps' range.
    pub(super) fn open_tour(&mut self, name: &str, step: f64) -> Result<(), String> {
        let (title, text) = scenario::tour(name).ok_or_else(|| {
            let names: Vec<&str> = TOURS.iter().map(|(n, _, _)| *n).collect();
            format!(
                "there is no tour named '{}' (the tours: {})",
                echo(name),
                crate::words::joined(&names, ", ")
            )
        })?;
        let Ok(parsed) = Scenario::parse(text) else {
            panic!("every tour parses (crates/sim/tests/tours.rs)")
        };
        let steps = parsed.tour();
        if !(step >= 1.0 && step == maths::floor(step) && step <= steps.len() as f64) {
            return Err(format!(
                "the tour '{name}' has steps 1 to {}, not {}",
                steps.len(),
                words::decimal(step)
            ));
        }
        let playing = self
            .story
            .as_ref()
            .is_some_and(|s| s.guide.is_some() && s.name == name);
        if !playing {
            let page = self.settings.clone();
            self.begin_scenario(text, name)?;
            let story = self.story.as_mut().expect("just begun");
            story.player =
                core::mem::replace(&mut story.player, Player::new(parsed)).stopping_at_pauses();
            story.guide = Some(Guide {
                title,
                text,
                steps,
                starts: Vec::new(),
            });
            // Its journal begins with the tour, not its script: replayed as a plain
            // scenario, the steps would not wait at their pauses, and what the reader did
            // there would land at other moments (refused, or a different run).
            // A tour taken with Raft broken in the page (the bugs apply to it too) begins
            // as that page did: a fresh cluster with those bugs, then the tour opened.
            let opened = Head::Tour {
                name: String::from(name),
                step: step as u64,
            };
            self.journal = if page.raft.bugs.iter().next().is_none() {
                Journal::new(opened)
            } else {
                let mut journal = Journal::new(Head::Fresh(page));
                let action = crate::action::Action::Tour {
                    name: String::from(name),
                    step,
                };
                journal.push(0, 0, action);
                journal
            };
        }
        self.go_to_step(step as usize - 1)
    }

    /// Goes on to the next step (from a pause, or skipping the rest of a step still
    /// running); at the last step, says the tour is over.
    pub(super) fn continue_tour(&mut self) -> Result<(), String> {
        let (at, count) = self.tour_position()?;
        if at + 1 < count {
            return self.go_to_step(at + 1);
        }
        Err(String::from(
            "this is the tour's last step: choose another tour, or explore on your own",
        ))
    }

    /// Returns exactly to where the previous step began (or this one, at the first step),
    /// and plays it again.
    pub(super) fn back_tour(&mut self) -> Result<(), String> {
        let (at, _) = self.tour_position()?;
        self.go_to_step(at.saturating_sub(1))
    }

    /// The step showing (0-based) and how many there are; refused when no tour plays.
    fn tour_position(&self) -> Result<(usize, usize), String> {
        let story = self
            .story
            .as_ref()
            .filter(|s| s.guide.is_some())
            .ok_or_else(|| String::from("no tour is playing: choose one in the Tours menu"))?;
        let count = story.guide.as_ref().map_or(0, |g| g.steps.len());
        Ok((story.player.tour_step().unwrap_or(0), count))
    }

    /// Puts the run where step `k` begins and plays it: rewinds to a step reached before,
    /// or plays on at full speed to a later one, noting where each step begins.
    fn go_to_step(&mut self, k: usize) -> Result<(), String> {
        let Some(story) = self.story.as_mut() else {
            return Ok(());
        };
        let Some(guide) = story.guide.as_mut() else {
            return Ok(());
        };
        let (title, count) = (guide.title, guide.steps.len());
        if let Some(start) = guide.starts.get(k).copied() {
            guide.starts.truncate(k + 1);
            self.tl.rewind(start.time_ms, start.events, start.applied);
            let Ok(scenario) = Scenario::parse(guide.text) else {
                panic!("every tour parses (crates/sim/tests/tours.rs)")
            };
            let mut player = Player::new(scenario).stopping_at_pauses();
            if player.skip_to_step(k).is_err() {
                panic!("step {k} was reached before")
            }
            story.player = player;
            story.state = StoryState::Playing;
            self.marks.branch(&self.tl.sim);
            self.tl.sim.trace.records.clear();
            self.narrator.reset(&self.tl.sim, &mut self.feed);
        } else {
            while guide.starts.len() <= k {
                let j = guide.starts.len();
                if let Err(e) = story.player.run_to_step(&mut self.tl, j) {
                    // Not a refusal: the run has moved on to where the tour stopped (what
                    // a reader did may have made a step's claim untrue), and the journal
                    // must keep the action that got it there.
                    let said = format!("The tour '{}' stopped at {e}", story.name);
                    story.state = StoryState::Failed(e);
                    self.after_run();
                    self.feed
                        .push(self.tl.sim.now_ms(), FeedKind::Violation, said);
                    self.clock_ms = self.tl.sim.now_ms() as f64;
                    self.stop_clock();
                    self.changed |= changed::STORY | changed::FEED;
                    self.repaint();
                    return Ok(());
                }
                guide.starts.push(Start {
                    time_ms: self.tl.sim.now_ms(),
                    events: self.tl.sim.stats.events,
                    applied: self.tl.applied(),
                });
            }
            // What the steps passed over did is narrated and marked at once.
            self.after_run();
        }
        self.clock_ms = self.tl.sim.now_ms() as f64;
        self.feed.push(
            self.tl.sim.now_ms(),
            FeedKind::Story,
            format!("Tour “{title}”, step {} of {count}", k + 1),
        );
        self.status = narrate::status(&self.tl.sim);
        self.changed |= changed::STORY | changed::FEED | changed::STATUS;
        self.overlay_wall_ms = f64::NEG_INFINITY;
        self.repaint();
        self.start_clock();
        Ok(())
    }

    /// Whether a tour stands at a `pause`, waiting for the reader.
    pub(super) fn tour_waiting(&self) -> bool {
        self.story
            .as_ref()
            .is_some_and(|s| s.guide.is_some() && s.player.paused())
    }

    /// The tour's state, for the caption panel.
    pub fn tour(&self) -> answers::TourAnswer {
        let Some((story, guide)) = self
            .story
            .as_ref()
            .and_then(|s| s.guide.as_ref().map(|g| (s, g)))
        else {
            return answers::TourAnswer {
                state: "none",
                ..Default::default()
            };
        };
        let step = story.player.tour_step().unwrap_or(0);
        let state = match &story.state {
            StoryState::Failed(_) => "failed",
            StoryState::Finished => "finished",
            StoryState::Playing if story.player.paused() => "waiting",
            StoryState::Playing => "playing",
        };
        answers::TourAnswer {
            name: Some(story.name.clone()),
            title: Some(String::from(guide.title)),
            step: step as f64 + 1.0,
            steps: guide.steps.iter().map(|s| s.caption.clone()).collect(),
            caption: guide.steps.get(step).map(|s| s.caption.clone()),
            state,
            error: match &story.state {
                StoryState::Failed(e) => Some(e.to_string()),
                _ => None,
            },
            shown: story
                .player
                .shown()
                .iter()
                .map(|h| shown_words(*h))
                .collect(),
        }
    }
}

/// What a tour's step points at now (nothing when no tour plays).
pub(super) fn shown(story: &Option<Story>) -> &[Highlight] {
    match story {
        Some(story) if story.guide.is_some() => story.player.shown(),
        _ => &[],
    }
}

/// The tours the page offers, in order: `(name, title)`.
pub fn tours() -> Vec<answers::TourListed> {
    TOURS
        .iter()
        .map(|(name, title, _)| answers::TourListed { name, title })
        .collect()
}

/// A highlight as the scenario writes it: `A`, `A->B`, `A 3`.
fn shown_words(h: Highlight) -> String {
    match h {
        Highlight::Node(id) => format!("{id}"),
        Highlight::Link(a, b) => format!("{a}->{b}"),
        Highlight::Entry(id, index) => format!("{id} {index}"),
    }
}
