//! The event feed: sentences waiting for the page to show, each with its moment and kind,
//! bounded so a page that stops reading never grows without limit.
//!
//! The feed is in time order. A line that gathers several happenings into one ("A and B
//! threw away x=2 …") takes its place at the first of them ([`Feed::reserve`]) and is
//! written once the gathering ends ([`Feed::fill`]); until then the page is given only the
//! lines before that place, so nothing told later overtakes it.

use crate::answers::FeedAnswer;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The most feed lines waiting for the page; older ones are summarised as a count.
pub const MAX_PENDING_LINES: usize = 200;
/// The most lines of the run on screen kept to tell again after a step back in time,
/// besides the run's new-cluster line (about 150 kB). Past it the oldest quarter goes, and
/// a feed told again says that earlier lines were left out.
pub const MAX_TOLD_LINES: usize = 1_000;

/// The kind of a feed line, which the page turns into a CSS class (from this fixed set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedKind {
    /// Elections and leadership.
    Election,
    /// Votes.
    Vote,
    /// Commits.
    Commit,
    /// Users and their requests.
    Client,
    /// Crashes, restarts and links.
    Fault,
    /// Something to notice: a rollback, a refusal.
    Warn,
    /// A broken safety property.
    Violation,
    /// Scenario progress.
    Story,
    /// A new cluster starts: the page's feed begins again at this line, so it tells only
    /// the run on screen.
    Run,
}

impl FeedKind {
    /// The CSS class name.
    pub fn name(self) -> &'static str {
        match self {
            FeedKind::Election => "election",
            FeedKind::Vote => "vote",
            FeedKind::Commit => "commit",
            FeedKind::Client => "client",
            FeedKind::Fault => "fault",
            FeedKind::Warn => "warn",
            FeedKind::Violation => "violation",
            FeedKind::Story => "story",
            FeedKind::Run => "run",
        }
    }
}

/// One sentence of the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedLine {
    /// Simulated time.
    pub time_ms: u64,
    /// Its kind.
    pub kind: FeedKind,
    /// The sentence; never contains a tab or newline.
    pub text: String,
}

/// A line of the run on screen, kept to tell again after a step back in time.
#[derive(Clone, Debug)]
struct Told {
    /// Its place among the sentences ever pushed (what [`Feed::drop_since`] compares).
    seq: u64,
    /// It tells what happened once this many of the run's events had run (the first
    /// event it may tell of), so a moment with fewer events, at its very millisecond, is
    /// before it.
    events: u64,
    line: FeedLine,
}

/// Sentences waiting for the page, bounded, and the last lines of the run on screen, so
/// the page's feed can be told again as it stood at an earlier moment ([`Feed::rewind`]).
#[derive(Clone, Debug, Default)]
pub struct Feed {
    lines: Vec<(u64, FeedLine)>,
    skipped: u64,
    /// Sentences pushed so far, ever: a [`Feed::mark`].
    pushed: u64,
    /// The run's new-cluster line, then its last [`MAX_TOLD_LINES`] lines.
    told: Vec<Told>,
    /// The stamp of lines pushed now ([`Feed::at_events`]).
    events: u64,
    /// Lines of the run on screen no longer in `told`.
    forgotten: u64,
    /// Places kept for lines still being gathered: (the place, the stamp of its moment).
    /// The page is given no line after the first of them.
    reserved: Vec<(u64, u64)>,
}

impl Feed {
    /// Adds a sentence (control characters become spaces).
    pub fn push(&mut self, time_ms: u64, kind: FeedKind, text: String) {
        let text = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let line = FeedLine {
            time_ms,
            kind,
            text,
        };
        if kind == FeedKind::Run {
            self.told.clear();
            self.forgotten = 0;
            self.reserved.clear();
        }
        self.keep(self.pushed, self.events, line);
        self.pushed += 1;
    }

    /// Keeps `line` at place `seq` among the waiting lines and the lines told, both in the
    /// order of their places.
    fn keep(&mut self, seq: u64, events: u64, line: FeedLine) {
        if self.lines.len() >= MAX_PENDING_LINES {
            self.lines.remove(0);
            self.skipped += 1;
        }
        if line.kind != FeedKind::Run && self.told.len() > MAX_TOLD_LINES {
            // The new-cluster line stays first: it tells the page to start again.
            let first = usize::from(self.told[0].line.kind == FeedKind::Run);
            let gone = MAX_TOLD_LINES / 4;
            self.told.drain(first..first + gone);
            self.forgotten += gone as u64;
        }
        let at = self.told.partition_point(|t| t.seq < seq);
        self.told.insert(
            at,
            Told {
                seq,
                events,
                line: line.clone(),
            },
        );
        let at = self.lines.partition_point(|(s, _)| *s < seq);
        self.lines.insert(at, (seq, line));
    }

    /// Keeps a place here for a line written later ([`Feed::fill`]): one that gathers what
    /// happens from now on into one sentence. Lines pushed meanwhile wait behind it.
    pub fn reserve(&mut self) -> u64 {
        let seq = self.pushed;
        self.pushed += 1;
        self.reserved.push((seq, self.events));
        seq
    }

    /// Writes the line of place `seq` ([`Feed::reserve`]) (control characters become
    /// spaces); the lines behind it are given to the page from now on. A place given up
    /// meanwhile (the run was left, or taken back in time) takes no line.
    pub fn fill(&mut self, seq: u64, time_ms: u64, kind: FeedKind, text: String) {
        let Some(k) = self.reserved.iter().position(|r| r.0 == seq) else {
            return;
        };
        let (_, events) = self.reserved.remove(k);
        let text = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let line = FeedLine {
            time_ms,
            kind,
            text,
        };
        self.keep(seq, events, line);
    }

    /// Gives up every kept place: what was being gathered will not be told (the narrator
    /// starts again).
    pub fn release(&mut self) {
        self.reserved.clear();
    }

    /// The first place kept for a line not yet written: the page is given the lines
    /// before it.
    fn held_from(&self) -> u64 {
        self.reserved.iter().map(|r| r.0).min().unwrap_or(u64::MAX)
    }

    /// Lines pushed from now on tell what happened once `events` events had run.
    pub fn at_events(&mut self, events: u64) {
        self.events = events;
    }

    /// The stamp lines pushed now get.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The run was taken back to moment `time_ms`, after `events` events: the lines told
    /// after it are forgotten, and the page is given the run's lines up to it again, from
    /// its new-cluster line (so the page starts its feed again). Lines at that very
    /// millisecond stay when they tell no later event than the moment's.
    pub fn rewind(&mut self, time_ms: u64, events: u64) {
        self.told.retain(|t| {
            t.line.time_ms < time_ms || (t.line.time_ms == time_ms && t.events <= events)
        });
        self.reserved.retain(|&(_, e)| e <= events);
        self.lines.clear();
        self.skipped = 0;
        for (k, t) in self.told.iter().enumerate() {
            self.lines.push((t.seq, t.line.clone()));
            if k == 0 && self.forgotten > 0 {
                let line = FeedLine {
                    time_ms: t.line.time_ms,
                    kind: FeedKind::Story,
                    text: format!("… {} earlier events left out", self.forgotten),
                };
                self.lines.push((t.seq, line));
            }
        }
        self.events = events;
    }

    /// Where the feed stands, to drop what is said after it ([`Feed::drop_since`]).
    pub fn mark(&self) -> u64 {
        self.pushed
    }

    /// Drops the waiting sentences pushed since `mark` (what a run told of a future the
    /// page then stepped back from).
    pub fn drop_since(&mut self, mark: u64) {
        self.lines.retain(|(seq, _)| *seq < mark);
        self.told.retain(|t| t.seq < mark);
        self.reserved.retain(|&(seq, _)| seq < mark);
        self.pushed = mark;
    }

    /// Whether sentences are waiting that the page may be given now.
    pub fn is_empty(&self) -> bool {
        let held = self.held_from();
        self.lines.first().is_none_or(|(seq, _)| *seq > held) && self.skipped == 0
    }

    /// Takes the waiting sentences, oldest first, up to the first place kept for a line
    /// still being gathered ([`Feed::reserve`]).
    /// When more arrived than the page was given, a first line says how many were left out.
    pub fn take(&mut self) -> Vec<FeedAnswer> {
        let held = self.held_from();
        let ready = self.lines.partition_point(|(seq, _)| *seq < held);
        let mut out = Vec::with_capacity(ready + 1);
        if self.skipped > 0 {
            out.push(FeedAnswer {
                time_ms: self.lines.first().map_or(0.0, |(_, l)| l.time_ms as f64),
                kind: FeedKind::Story.name(),
                text: format!("… {} earlier events left out", self.skipped),
            });
        }
        out.extend(self.lines.drain(..ready).map(|(_, line)| FeedAnswer {
            time_ms: line.time_ms as f64,
            kind: line.kind.name(),
            text: line.text,
        }));
        self.skipped = 0;
        out
    }

    /// The waiting lines (for tests).
    pub fn lines(&self) -> Vec<&FeedLine> {
        self.lines.iter().map(|(_, line)| line).collect()
    }
}
