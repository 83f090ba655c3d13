//! What a person can do to the page, as one type: [`Action`]. At the boundary an action is
//! a plain JavaScript object, `{ do: "propose", node: "A", command: "x=1" }`, read once into
//! an `Action` ([`Action::read`]); [`crate::app::App::apply`] is the only way actions change
//! the run; the journal writes ([`Action::write`]) and reads them with the same two
//! functions, so each action's fields are listed in one place.
//!
//! Reading is written by hand rather than derived with serde: a derived `Deserialize` with
//! serde-wasm-bindgen cost the page 23 KB gzipped (its error messages alone bring float
//! formatting), more than the whole budget left.

use crate::settings::Setting;
use crate::words::echo;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::NodeId;

mod fields;
#[cfg(test)]
mod tests;
pub use fields::{Source, Value};

/// A server, named by its letter ("A" to "I") at the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node(pub NodeId);

/// Reads a node letter, either case, nothing around it but spaces.
pub fn node(text: &str) -> Option<Node> {
    let mut chars = text.trim().chars();
    match (chars.next().and_then(NodeId::from_letter), chars.next()) {
        (Some(id), None) => Some(Node(id)),
        _ => None,
    }
}

/// Groups of servers that hear only each other: `"AB|CDE"`, `["AB", "CDE"]` or
/// `[["A","B"], ["C","D","E"]]` at the boundary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Groups(pub Vec<Vec<NodeId>>);

impl Groups {
    /// Reads "AB|CDE" (letters, `|` between groups; spaces and commas ignored).
    pub fn parse(text: &str) -> Result<Groups, String> {
        let mut groups = Vec::new();
        for part in text.split('|') {
            groups.push(letters(part)?);
        }
        Ok(Groups(groups))
    }

    /// Writes "AB|CDE".
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (k, g) in self.0.iter().enumerate() {
            if k > 0 {
                out.push('|');
            }
            out.extend(g.iter().map(|id| id.letter()));
        }
        out
    }
}

fn letters(part: &str) -> Result<Vec<NodeId>, String> {
    let mut group = Vec::new();
    for c in part.chars().filter(|c| !c.is_whitespace() && *c != ',') {
        match NodeId::from_letter(c) {
            Some(id) => group.push(id),
            None => {
                return Err(format!(
                    "'{}' is not a node letter (use A to I)",
                    echo(c.encode_utf8(&mut [0; 4]))
                ))
            }
        }
    }
    Ok(group)
}

/// What a person can do to a message on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageAction {
    /// Take it off the wire: it is lost.
    Drop,
    /// Put a copy on the wire, arriving after the same delay.
    Duplicate,
    /// Keep it on the wire until released.
    Hold,
    /// Let a held message go: it arrives after its link's delay from now.
    Release,
}

/// Everything a person (or the JavaScript API) can do to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A user sends `command` to `node`: a leader appends it, a follower says who leads.
    Propose {
        /// The server asked.
        node: Node,
        /// The change, `key=value` (at most `MAX_COMMAND_BYTES`).
        command: String,
    },
    /// Cuts the link between `a` and `b`: both ways, or only from `a` to `b`.
    Cut {
        /// One end (the sending end when `one_way`).
        a: Node,
        /// The other end.
        b: Node,
        /// Only the direction from `a` to `b`.
        one_way: bool,
    },
    /// Restores both directions between `a` and `b`.
    Heal {
        /// One end.
        a: Node,
        /// The other end.
        b: Node,
    },
    /// Splits the cluster into groups that hear only each other; servers in no group are
    /// cut off alone.
    Partition(Groups),
    /// Restores every link.
    HealAll,
    /// Crashes a server (it keeps only its disk).
    Crash(Node),
    /// Restarts a crashed server from its disk.
    Restart(Node),
    /// Freezes a running server: a stalled process, not a crash. Its timers and the
    /// messages that reach it wait until it thaws.
    Freeze(Node),
    /// Thaws a frozen server: it carries on as if no time had passed.
    Thaw(Node),
    /// Fires a server's election timer now.
    Timeout(Node),
    /// Stops the clock.
    Pause,
    /// Starts the clock.
    Play,
    /// Sets the speed (simulated ms per wall ms), clamped to 1/1000 to 1.
    Speed(f64),
    /// Runs this many ms of simulated time at once.
    Advance(f64),
    /// Pauses and runs to the next moment something is scheduled.
    Step,
    /// Pauses and runs exactly one event.
    StepEvent,
    /// Pauses and goes back one event.
    StepBack,
    /// Shows this moment of the run (simulated ms), rebuilt exactly.
    Seek(f64),
    /// Returns to kept future `k` (0 is the oldest).
    Branch(f64),
    /// Shows this moment of the run as it stood just before what was done at that very
    /// moment (the next thing to happen is the first action taken then).
    SeekBefore(f64),
    /// Opens trial `trial` of the election lab's range `range` as a fresh run, paused just
    /// before its leader crashes (the crash and the election after it are on the timeline).
    OpenTrial {
        /// The range, from 0, in the order the lab was set up.
        range: f64,
        /// The trial's index in that range.
        trial: f64,
    },
    /// Does something to message `id` on the wire.
    Message {
        /// The message (see the state's `messages`).
        id: f64,
        /// What to do with it.
        what: MessageAction,
    },
    /// Changes one setting, from the text a person typed.
    Set {
        /// Which.
        name: Setting,
        /// The new value as typed ("150", "on", "12.5").
        value: String,
    },
    /// Switches a deliberately broken variant on or off (a fresh cluster starts).
    Bug {
        /// Its name (`figure8-commit`, …).
        name: String,
        /// On or off.
        on: bool,
    },
    /// Plays scenario text on the cluster it describes.
    Load {
        /// The scenario.
        text: String,
        /// What to call it.
        name: String,
    },
    /// Plays a built-in scenario (`partition`, `figure8`).
    PlayBuiltIn(String),
    /// Stops the scenario; the cluster keeps running as it is.
    StopStory,
    /// Opens step `step` (from 1) of the guided tour `name`, starting it if it is not the
    /// one playing.
    Tour {
        /// The tour's name (`election`, `partition`, …).
        name: String,
        /// The step, from 1.
        step: f64,
    },
    /// Goes on to the tour's next step.
    TourContinue,
    /// Returns to where the tour's previous step began.
    TourBack,
    /// Starts this run again from its beginning.
    RestartRun,
    /// Opens a node's menu (it is drawn selected), or closes it.
    Select(Option<Node>),
    /// Starts the next server and asks the leader to take it in as a learner; the leader
    /// lets it vote once it has caught up (thesis §4.2.1).
    AddServer,
    /// Asks the leader to remove a server from the configuration (thesis §4.1).
    RemoveServer(Node),
    /// Asks the leader to hand its leadership to this server (thesis §3.10: it brings the
    /// server's log up to date, then sends TimeoutNow).
    MakeLeader(Node),
    /// A user reads `key` at `node`: by ReadIndex unless the settings say through the log
    /// (thesis §6.4); a follower forwards it to its leader.
    Read {
        /// The server asked.
        node: Node,
        /// The key.
        key: String,
    },
    /// Has a server compact its log now, up to what it has applied, into a snapshot of its
    /// store (thesis §5.1).
    Snapshot(Node),
}

impl MessageAction {
    /// Every message action.
    pub const ALL: [MessageAction; 4] = [
        MessageAction::Drop,
        MessageAction::Duplicate,
        MessageAction::Hold,
        MessageAction::Release,
    ];

    /// Its name, as at the boundary and in the journal.
    pub fn name(self) -> &'static str {
        match self {
            MessageAction::Drop => "drop",
            MessageAction::Duplicate => "duplicate",
            MessageAction::Hold => "hold",
            MessageAction::Release => "release",
        }
    }

    /// The message action with this name.
    pub fn named(name: &str) -> Option<MessageAction> {
        MessageAction::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// One action of each kind, with empty arguments: the journal finds a kind by its name here.
static KINDS: [Action; 37] = {
    const N: Node = Node(NodeId(0));
    [
        Action::Propose {
            node: N,
            command: String::new(),
        },
        Action::Cut {
            a: N,
            b: N,
            one_way: false,
        },
        Action::Heal { a: N, b: N },
        Action::Partition(Groups(Vec::new())),
        Action::HealAll,
        Action::Crash(N),
        Action::Restart(N),
        Action::Freeze(N),
        Action::Thaw(N),
        Action::Timeout(N),
        Action::Pause,
        Action::Play,
        Action::Speed(0.0),
        Action::Advance(0.0),
        Action::Step,
        Action::StepEvent,
        Action::StepBack,
        Action::Seek(0.0),
        Action::Branch(0.0),
        Action::SeekBefore(0.0),
        Action::OpenTrial {
            range: 0.0,
            trial: 0.0,
        },
        Action::Message {
            id: 0.0,
            what: MessageAction::Drop,
        },
        Action::Set {
            name: Setting::Nodes,
            value: String::new(),
        },
        Action::Bug {
            name: String::new(),
            on: false,
        },
        Action::Load {
            text: String::new(),
            name: String::new(),
        },
        Action::PlayBuiltIn(String::new()),
        Action::StopStory,
        Action::Tour {
            name: String::new(),
            step: 0.0,
        },
        Action::TourContinue,
        Action::TourBack,
        Action::RestartRun,
        Action::Select(None),
        Action::AddServer,
        Action::RemoveServer(N),
        Action::MakeLeader(N),
        Action::Snapshot(N),
        Action::Read {
            node: N,
            key: String::new(),
        },
    ]
};

impl Action {
    /// Its name, as at the boundary (`{ "heal-all": null }` or `"heal-all"`) and in the
    /// journal.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Propose { .. } => "propose",
            Action::Cut { .. } => "cut",
            Action::Heal { .. } => "heal",
            Action::Partition(_) => "partition",
            Action::HealAll => "heal-all",
            Action::Crash(_) => "crash",
            Action::Restart(_) => "restart",
            Action::Freeze(_) => "freeze",
            Action::Thaw(_) => "thaw",
            Action::Timeout(_) => "timeout",
            Action::Pause => "pause",
            Action::Play => "play",
            Action::Speed(_) => "speed",
            Action::Advance(_) => "advance",
            Action::Step => "step",
            Action::StepEvent => "step-event",
            Action::StepBack => "step-back",
            Action::Seek(_) => "seek",
            Action::Branch(_) => "branch",
            Action::SeekBefore(_) => "seek-before",
            Action::OpenTrial { .. } => "open-trial",
            Action::Message { .. } => "message",
            Action::Set { .. } => "set",
            Action::Bug { .. } => "bug",
            Action::Load { .. } => "load",
            Action::PlayBuiltIn(_) => "play-built-in",
            Action::StopStory => "stop-story",
            Action::Tour { .. } => "tour",
            Action::TourContinue => "tour-continue",
            Action::TourBack => "tour-back",
            Action::RestartRun => "restart-run",
            Action::Select(_) => "select",
            Action::AddServer => "add-server",
            Action::RemoveServer(_) => "remove-server",
            Action::MakeLeader(_) => "make-leader",
            Action::Snapshot(_) => "snapshot",
            Action::Read { .. } => "read",
        }
    }

    /// An action of the kind with this name, its arguments empty (for readers that fill
    /// them in, like the journal's).
    pub fn named(name: &str) -> Option<&'static Action> {
        KINDS.iter().find(|a| a.name() == name)
    }

    /// Whether the journal keeps it: what changes the run or which moment is shown. The
    /// clock's speed, pausing and the open menu change neither; advancing time is in the
    /// moments of the actions after it. A tour's Continue, Back and steps opened from its
    /// list are kept: they decide what the tour runs next (opening a tour afresh starts a
    /// new run, with a journal of its own).
    pub fn journaled(&self) -> bool {
        !matches!(
            self,
            Action::Pause
                | Action::Play
                | Action::Speed(_)
                | Action::Advance(_)
                | Action::Step
                | Action::Select(_)
        )
    }

    /// Whether it only moves through a tour (which step plays), changing nothing the
    /// tour would not do by itself.
    pub fn tour_navigation(&self) -> bool {
        matches!(
            self,
            Action::Tour { .. } | Action::TourContinue | Action::TourBack
        )
    }
}
