//! The event feed: sentences waiting for the page to show, each with its moment and kind,
//! bounded so a page that stops reading never grows without limit.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

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

    /// Takes the waiting sentences, oldest first: one per line as `time_ms \t kind \t text`.
    /// When more arrived than the page was given, a first line says how many were left out.
    pub fn take(&mut self) -> String {
        let mut out = String::new();
        if self.skipped > 0 {
            let time = self.lines.first().map_or(0, |l| l.time_ms);
            let skipped = self.skipped;
            let _ = writeln!(out, "{time}\tstory\t… {skipped} earlier events left out");
        }
        for line in self.lines.drain(..) {
            let _ = writeln!(out, "{}\t{}\t{}", line.time_ms, line.kind.name(), line.text);
        }
        self.skipped = 0;
        out
    }

    /// The waiting lines (for tests).
    pub fn lines(&self) -> &[FeedLine] {
        &self.lines
    }
}
