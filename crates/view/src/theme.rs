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
/// Secondary text.
pub const MUTED: Color = "#64748b";
/// Faint text and tracks.
pub const FAINT: Color = "#cbd5e1";
/// White.
pub const WHITE: Color = "#ffffff";

/// A healthy link.
pub const LINK: Color = "#cfd6e1";
/// A link under the pointer.
pub const LINK_HOVER: Color = "#64748b";
/// A cut link.
pub const LINK_CUT: Color = "#e11d48";

/// Follower fill.
pub const FOLLOWER: Color = "#ffffff";
/// Follower outline.
pub const FOLLOWER_EDGE: Color = "#475569";
/// Pre-candidate fill.
pub const PRE_CANDIDATE: Color = "#fef3c7";
/// Candidate fill.
pub const CANDIDATE: Color = "#f59e0b";
/// Candidate and pre-candidate outline.
pub const CANDIDATE_EDGE: Color = "#b45309";
/// Leader fill.
pub const LEADER: Color = "#0f766e";
/// Leader outline and halo.
pub const LEADER_EDGE: Color = "#115e59";
/// Leader halo.
pub const LEADER_HALO: Color = "#99f6e4";
/// A crashed server.
pub const DOWN: Color = "#e2e8f0";
/// A crashed server's outline and text.
pub const DOWN_EDGE: Color = "#94a3b8";
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
pub const TIMER_LATE: Color = "#ea580c";

/// RequestVote (and PreVote, hollow).
pub const VOTE_REQUEST: Color = "#f59e0b";
/// A granted vote or a successful append.
pub const YES: Color = "#16a34a";
/// A refused vote or a failed append.
pub const NO: Color = "#dc2626";
/// AppendEntries carrying entries.
pub const APPEND: Color = "#2563eb";
/// A heartbeat (AppendEntries with no entries).
pub const HEARTBEAT: Color = "#93c5fd";
/// A snapshot block at the head of a log.
pub const SNAPSHOT: Color = "#f5f5f4";
/// A snapshot block's outline, and InstallSnapshot on the wire: a colour no term uses.
pub const SNAPSHOT_EDGE: Color = "#78716c";
/// Client traffic and the user.
pub const CLIENT: Color = "#7c3aed";
/// A message lost on the way.
pub const LOST: Color = "#e11d48";

/// Fill colours of log entries by term (cycled), bright enough for dark text.
pub const TERM_FILLS: [Color; 8] = [
    "#93c5fd", "#86efac", "#fcd34d", "#f9a8d4", "#c4b5fd", "#5eead4", "#fdba74", "#bef264",
];
/// Outline colours matching [`TERM_FILLS`], for uncommitted (dashed) entries.
pub const TERM_EDGES: [Color; 8] = [
    "#2563eb", "#16a34a", "#ca8a04", "#db2777", "#7c3aed", "#0d9488", "#ea580c", "#65a30d",
];
/// Pale fills for uncommitted entries.
pub const TERM_TINTS: [Color; 8] = [
    "#eff6ff", "#f0fdf4", "#fefce8", "#fdf2f8", "#f5f3ff", "#f0fdfa", "#fff7ed", "#f7fee7",
];

/// Which palette slot a term uses.
pub fn term_slot(term: Term) -> usize {
    (term.0.max(1) as usize - 1) % TERM_FILLS.len()
}

/// Fill, outline and text colour of a node circle in `role` (`None`: crashed).
pub fn role_colors(role: Option<Role>) -> (Color, Color, Color) {
    match role {
        None => (DOWN, DOWN_EDGE, DOWN_EDGE),
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
