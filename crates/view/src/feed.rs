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
    /// A new cluster starts: the line that separates one run from the one before.
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
