//! What a server's menu shows, `node(id)`: its persistent and volatile state as Figure 2
//! names them, and a leader's progress for each follower.

use super::*;

/// What a node's menu shows: `node(id)`.
#[derive(Serialize)]
pub struct NodeInfo {
    /// Its letter.
    pub id: &'static str,
    /// Whether it runs.
    pub alive: bool,
    /// Whether it is frozen (running, but stalled until thawed): the menu offers Thaw.
    pub frozen: bool,
    /// Whether it is in the configuration in use (voter or learner): it can be removed.
    pub member: bool,
    /// Whether it was removed from the cluster and shut down for good: it cannot restart.
    pub removed: bool,
    /// Whether it votes in the configuration in use: only a voter can be made leader.
    pub voter: bool,
    /// "A · leader in term 3".
    pub title: String,
    /// What a change sent to it would do.
    pub hint: String,
    /// What survives a crash.
    pub persistent: Persistent,
    /// What a crash loses; `null` when down.
    pub volatile: Option<Volatile>,
    /// A leader's view of each follower.
    pub progress: Vec<Progress>,
    /// Why each of the menu's buttons would be refused now: the page disables it and
    /// gives this as its reason.
    pub refused: Refusals,
}

/// Why each button of a node's menu would be refused now, in the words the action is
/// refused with (`null`: it would be taken). Asked of the same rules that refuse the
/// action ([`river_sim::timeline::Input::refusal`], the leader's answers), so a button is
/// disabled exactly when pressing it would be refused.
#[derive(Serialize)]
pub struct Refusals {
    /// Send and Read: a user's request to it.
    pub send: Option<String>,
    /// Crash, or Restart when it is down.
    pub crash: Option<String>,
    /// Freeze, or Thaw when it is frozen.
    pub freeze: Option<String>,
    /// Time out: fire its election timer.
    pub timeout: Option<String>,
    /// Make leader: the leader hands its leadership to it.
    pub lead: Option<String>,
    /// Snapshot: compact its log.
    pub snapshot: Option<String>,
    /// Remove from cluster.
    pub remove: Option<String>,
}

/// A node's persistent state (Figure 2).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Persistent {
    /// currentTerm.
    pub term: Number,
    /// votedFor.
    pub voted_for: Option<&'static str>,
    /// How many entries its log holds.
    pub log_length: Number,
    /// The term of its last entry (or of its snapshot's last).
    pub last_log_term: Number,
    /// Its snapshot, "snapshot ≤ 40: x=3, y=1", or `null` if it has none.
    pub snapshot: Option<String>,
}

/// A running node's volatile state.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Volatile {
    /// Its role.
    pub role: &'static str,
    /// commitIndex.
    pub commit_index: Number,
    /// The leader it knows.
    pub leader: Option<&'static str>,
    /// How long its election timer has run, ms.
    pub timer_elapsed_ms: Number,
    /// When it fires, ms.
    pub timer_timeout_ms: Number,
}

/// A leader's nextIndex and matchIndex for one follower.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The follower.
    pub peer: &'static str,
    /// nextIndex.
    pub next_index: Number,
    /// matchIndex.
    pub match_index: Number,
}
