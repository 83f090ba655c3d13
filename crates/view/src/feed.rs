//! The event feed: sentences waiting for the page to show, each with its moment and kind,
//! bounded so a page that stops reading never grows without limit.

use crate::answers::FeedAnswer;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The most feed lines waiting for the page; older ones are summarised as a count.
pub const MAX_PENDING_LINES: usize = 200;

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

/// Sentences waiting for the page, bounded.
#[derive(Clone, Debug, Default)]
pub struct Feed {
    lines: Vec<FeedLine>,
    skipped: u64,
    /// Sentences pushed so far, ever: a [`Feed::mark`].
    pushed: u64,
}

impl Feed {
    /// Adds a sentence (control characters become spaces).
    pub fn push(&mut self, time_ms: u64, kind: FeedKind, text: String) {
        let text = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if self.lines.len() >= MAX_PENDING_LINES {
            self.lines.remove(0);
            self.skipped += 1;
        }
        self.lines.push(FeedLine {
            time_ms,
            kind,
            text,
        });
        self.pushed += 1;
    }

    /// Where the feed stands, to drop what is said after it ([`Feed::drop_since`]).
    pub fn mark(&self) -> u64 {
        self.pushed
    }

    /// Drops the waiting sentences pushed since `mark` (what a run told of a future the
    /// page then stepped back from).
    pub fn drop_since(&mut self, mark: u64) {
        let since = usize::try_from(self.pushed.saturating_sub(mark)).unwrap_or(usize::MAX);
        let keep = self.lines.len().saturating_sub(since);
        self.lines.truncate(keep);
        self.pushed = mark;
    }

    /// Whether sentences are waiting.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.skipped == 0
    }

    /// Takes the waiting sentences, oldest first.
    /// When more arrived than the page was given, a first line says how many were left out.
    pub fn take(&mut self) -> Vec<FeedAnswer> {
        let mut out = Vec::with_capacity(self.lines.len() + 1);
        if self.skipped > 0 {
            out.push(FeedAnswer {
                time_ms: self.lines.first().map_or(0.0, |l| l.time_ms as f64),
                kind: FeedKind::Story.name(),
                text: format!("… {} earlier events left out", self.skipped),
            });
        }
        out.extend(self.lines.drain(..).map(|line| FeedAnswer {
            time_ms: line.time_ms as f64,
            kind: line.kind.name(),
            text: line.text,
        }));
        self.skipped = 0;
        out
    }

    /// The waiting lines (for tests).
    pub fn lines(&self) -> &[FeedLine] {
        &self.lines
    }
}
