//! Colours, chosen to stay distinct on a washed-out projector and for the common forms of
//! colour blindness (role is also told by the outline and by words in the status line;
//! message kind also by shape and size). The page's CSS legend uses the same values.

use crate::scene::Color;
use river_core::{MessageKind, Role, Term};

/// Canvas background.
pub const BACKGROUND: Color = "#f6f7fb";
/// Card behind the logs.
pub const PANEL: Color = "#ffffff";
/// Card outline.
pub const PANEL_EDGE: Color = "#dde3ec";
/// Main text.
pub const INK: Color = "#1e293b";
/// Secondary text (7:1 on the background; WCAG AA asks 4.5:1 for text).
pub const MUTED: Color = "#475569";
/// Tracks and rules (never text).
pub const FAINT: Color = "#cbd5e1";
/// White.
pub const WHITE: Color = "#ffffff";

/// A healthy link.
pub const LINK: Color = "#cfd6e1";
/// A link under the pointer.
pub const LINK_HOVER: Color = "#64748b";
/// A cut link (Okabe–Ito vermillion).
pub const LINK_CUT: Color = "#d55e00";

/// Follower fill.
pub const FOLLOWER: Color = "#ffffff";
/// Follower outline.
pub const FOLLOWER_EDGE: Color = "#475569";
/// Pre-candidate fill (a pale Okabe–Ito orange).
pub const PRE_CANDIDATE: Color = "#fbe3b0";
/// Candidate fill (Okabe–Ito orange).
pub const CANDIDATE: Color = "#e69f00";
/// Candidate and pre-candidate outline.
pub const CANDIDATE_EDGE: Color = "#a16f00";
/// Leader fill (Okabe–Ito blue: white text on it is 5.2:1).
pub const LEADER: Color = "#0072b2";
/// Leader outline, and its crown.
pub const LEADER_EDGE: Color = "#00507d";
/// Leader halo.
pub const LEADER_HALO: Color = "#a2d6f3";
/// A crashed server.
pub const DOWN: Color = "#e2e8f0";
/// A crashed server's outline.
pub const DOWN_EDGE: Color = "#64748b";
/// A crashed server's text.
pub const DOWN_INK: Color = "#475569";
/// Selection ring.
pub const SELECTED: Color = "#6366f1";
/// The keyboard's focus ring (over 6:1 against the background, as a focus indicator must
/// be at least 3:1).
pub const FOCUS: Color = "#1d4ed8";
/// What a guided tour's step points at: its outline, and the glow under it.
pub const SHOWN: Color = "#d946ef";
/// See [`SHOWN`].
pub const SHOWN_GLOW: Color = "#f5d0fe";

/// Election timer track.
pub const TIMER_TRACK: Color = "#e2e8f0";
/// Election timer progress.
pub const TIMER: Color = "#64748b";
/// Election timer about to fire.
pub const TIMER_LATE: Color = "#d55e00";

/// RequestVote (and PreVote, hollow): the candidate's orange.
pub const VOTE_REQUEST: Color = "#e69f00";
/// A granted vote or a successful append (Okabe–Ito bluish green).
pub const YES: Color = "#009e73";
/// A refused vote or a failed append (Okabe–Ito vermillion; it also carries a ×).
pub const NO: Color = "#d55e00";
/// AppendEntries carrying entries: the leader's blue.
pub const APPEND: Color = "#0072b2";
/// A heartbeat (AppendEntries with no entries): Okabe–Ito sky blue.
pub const HEARTBEAT: Color = "#56b4e9";
/// A snapshot block at the head of a log.
pub const SNAPSHOT: Color = "#f5f5f4";
/// A snapshot block's outline, and InstallSnapshot on the wire: a colour no term uses.
pub const SNAPSHOT_EDGE: Color = "#78716c";
/// The halo of a heartbeat round that confirms a waiting read.
pub const READ_ROUND: Color = "#ede9fe";
/// Client traffic and the user (text in it is 5.3:1 on the background).
pub const CLIENT: Color = "#7c3aed";
/// A message lost on the way.
pub const LOST: Color = "#d55e00";

/// Fill colours of log entries by term (cycled): the Okabe–Ito colours (sky blue, orange,
/// bluish green, reddish purple, yellow, blue, vermillion, grey) mixed with white, so dark
/// text on them is at least 6:1.
pub const TERM_FILLS: [Color; 8] = [
    "#a2d6f3", "#f1ca73", "#73cab2", "#e3b5cf", "#f7f097", "#73b1d5", "#e8a673", "#c7c7c7",
];
/// Outline colours matching [`TERM_FILLS`] (the same hues darkened to 3:1 or more on white),
/// for uncommitted (dashed) entries.
pub const TERM_EDGES: [Color; 8] = [
    "#3c7ea3", "#a16f00", "#006f51", "#8f5575", "#7a7420", "#00507d", "#954200", "#6b6b6b",
];
/// Pale fills for uncommitted entries.
pub const TERM_TINTS: [Color; 8] = [
    "#e6f4fc", "#fbf1d9", "#d9f0ea", "#f7ebf2", "#fdfbe3", "#d9eaf3", "#f9e7d9", "#f0f0f0",
];

/// A colour in the projector view: the pale ones (links, tracks, rules, secondary text) are
/// made darker so they survive a washed-out projector; the others are kept.
pub fn high_contrast(color: Color) -> Color {
    match color {
        LINK | PANEL_EDGE | FAINT => "#8492a6",
        MUTED => "#334155",
        _ => color,
    }
}

/// Which palette slot a term uses.
pub fn term_slot(term: Term) -> usize {
    (term.0.max(1) as usize - 1) % TERM_FILLS.len()
}

/// Fill, outline and text colour of a node circle in `role` (`None`: crashed).
pub fn role_colors(role: Option<Role>) -> (Color, Color, Color) {
    match role {
        None => (DOWN, DOWN_EDGE, DOWN_INK),
        Some(Role::Follower) => (FOLLOWER, FOLLOWER_EDGE, INK),
        Some(Role::PreCandidate) => (PRE_CANDIDATE, CANDIDATE_EDGE, INK),
        Some(Role::Candidate) => (CANDIDATE, CANDIDATE_EDGE, INK),
        Some(Role::Leader) => (LEADER, LEADER_EDGE, WHITE),
    }
}

/// The colour of a Raft message of `kind`; `ok` tells a granted or successful reply.
pub fn message_color(kind: MessageKind, ok: bool) -> Color {
    match kind {
        MessageKind::RequestVote => VOTE_REQUEST,
        // "Campaign now": a leader's message that starts an election.
        MessageKind::TimeoutNow => LEADER,
        // Reads travel like client traffic.
        MessageKind::ReadIndex | MessageKind::ReadIndexResponse => CLIENT,
        MessageKind::AppendEntries => APPEND,
        MessageKind::InstallSnapshot => SNAPSHOT_EDGE,
        MessageKind::Heartbeat => HEARTBEAT,
        MessageKind::RequestVoteResponse
        | MessageKind::AppendEntriesResponse
        | MessageKind::InstallSnapshotResponse => {
            if ok {
                YES
            } else {
                NO
            }
        }
    }
}

/// The election lab's lines, one per timeout range (cycled): the Okabe–Ito palette, made to
/// stay apart for every common colour blindness (yellow left out: too faint on white). Each
/// line also has its own dash pattern and its label in the legend.
pub const LAB_LINES: [Color; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
];
