//! Scenarios: scripted runs in a small line-based text language, used for tests, the CLI's
//! `--scenario`, and the page's guided tours. The language is documented in
//! `scenarios/README.md`; every error names its line (and column where one helps).
//!
//! This file holds what a scenario is (its steps, expectations and limits), the shipped
//! scenarios and tours, and lookups; `words` reads a line's words and numbers, `parse` the
//! file and its settings, `instruction` one instruction, `expect` reads and checks an
//! `expect` line, and `play` runs the steps against a simulation.

use crate::checker::Property;
use crate::kv::Op;
use crate::sim::{RaftOptions, SimConfig};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use river_core::{NodeId, Role};

mod expect;
mod instruction;
mod parse;
mod play;
mod words;

pub use expect::PROPERTIES;
pub use instruction::INSTRUCTIONS;
pub use parse::SETTINGS;
pub use play::{past_limits, Player, Status};

/// How long `wait leader` and `wait converged` wait when no `within` is given.
pub const DEFAULT_WAIT_MS: u64 = 5_000;
/// The longest a `wait` (or its `within`) may run: one simulated hour. A longer one is
/// refused with its line rather than running for hours of wall time (`wait` with 2^64 − 1 ms
/// never came back).
pub const MAX_WAIT_MS: u64 = 3_600_000;
/// The most simulated time a scenario runs in all: its waits' limits (a `wait leader`'s
/// `within` counts whole) add up to at most one simulated hour, as `river check --fault-ms`
/// does. Quiet, an hour of 15 servers is 2 million events and half a second; without a
/// total, line after line of `wait 3600000` ran for as long as the file was.
pub const MAX_SCENARIO_MS: u64 = 3_600_000;
/// The most client time a scenario runs: its automatic clients times its waits' total, in
/// client-ms, at most 10 client-hours (10 clients for an hour, 100 for 6 minutes): a client
/// history of about 350,000 operations, some 300 MB to keep and check. 100 clients for an
/// hour reached 2.7 GB.
pub const MAX_CLIENT_MS: u64 = 36_000_000;
/// The most events a scenario may make the simulator process: four times the busiest
/// scenario measured (100 clients for 6 minutes, 5 million events, 7 s). What the limits on
/// time and clients leave open (15 servers that heartbeat every millisecond for an hour,
/// 1.5 billion events) stops at the `wait` running when it is reached.
pub const MAX_SCENARIO_EVENTS: u64 = 20_000_000;
/// The most trace records a scenario may keep at once (`river run --scenario --trace` keeps
/// them all to write at the end; the page tells and drops them as it goes): about 2 million
/// events' worth, a file of some 300 MB. 20 million events kept took more than 4 GB.
pub const MAX_SCENARIO_TRACE_RECORDS: usize = 4_000_000;
/// The most messages a scenario may have on the wire at once. A busy scenario has a few
/// thousand (100 clients and 15 servers); with no latency and many duplicates, leaders
/// answered each copy of a refusal with a new append, and the wire grew sevenfold every
/// 5 simulated ms, past 20 GB before the event limit was reached.
pub const MAX_SCENARIO_IN_FLIGHT: usize = 100_000;
/// The most instructions a scenario may have: the longest shipped has about 100. Each
/// `propose` at one moment starts a user of its own, found among the others, so 100,000 of
/// them took 7 s and a file of them at the 16 MiB `river` reads would take hours.
pub const MAX_SCENARIO_STEPS: usize = 10_000;
/// The most automatic clients a `clients` line may add (each is a process in the history
/// the linearizability checker searches; a count in the billions never came back).
pub const MAX_SCENARIO_CLIENTS: usize = 100;
/// The slowest clock a `clock` line may set, in percent of real time.
pub const MIN_CLOCK_PERCENT: u64 = 10;
/// The fastest clock a `clock` line may set, in percent of real time.
pub const MAX_CLOCK_PERCENT: u64 = 1_000;

/// The partition story: a stale leader cut off in the minority, a new one, convergence.
pub const PARTITION: &str = include_str!("../../../scenarios/partition.scenario");
/// The paper's Figure 8 (a)–(e): why a leader may not commit an old term's entry by counting.
pub const FIGURE8: &str = include_str!("../../../scenarios/figure8.scenario");

/// The scenarios shipped with River Raft, by name. (A program that offers only some of them
/// names those constants instead, so the others' text stays out of it.)
pub const BUILT_IN: [(&str, &str); 2] = [("partition", PARTITION), ("figure8", FIGURE8)];

/// The guided tours, in the order a student takes them: (name in the address, title, text of
/// `scenarios/tours/NAME.scenario`). A test checks this list against the folder. A `static`,
/// not a `const`: a const's text is copied into every crate that names it, and the page held
/// each tour twice.
pub static TOURS: [(&str, &str, &str); 11] = [
    (
        "election",
        "Leader election and split votes",
        include_str!("../../../scenarios/tours/election.scenario"),
    ),
    (
        "replication",
        "Replicated is not committed",
        include_str!("../../../scenarios/tours/replication.scenario"),
    ),
    (
        "partition",
        "A partition: two leaders",
        include_str!("../../../scenarios/tours/partition.scenario"),
    ),
    (
        "figure8",
        "Figure 8: old terms' entries",
        include_str!("../../../scenarios/tours/figure8.scenario"),
    ),
    (
        "one-way",
        "A server that cannot hear (PreVote)",
        include_str!("../../../scenarios/tours/one-way.scenario"),
    ),
    (
        "restart",
        "Crash and restart: what survives",
        include_str!("../../../scenarios/tours/restart.scenario"),
    ),
    (
        "membership",
        "Adding and removing servers",
        include_str!("../../../scenarios/tours/membership.scenario"),
    ),
    (
        "snapshots",
        "Snapshots: compacting the log",
        include_str!("../../../scenarios/tours/snapshots.scenario"),
    ),
    (
        "transfer",
        "Handing leadership over",
        include_str!("../../../scenarios/tours/transfer.scenario"),
    ),
    (
        "reads",
        "Reads without a log entry (ReadIndex)",
        include_str!("../../../scenarios/tours/reads.scenario"),
    ),
    (
        "lease",
        "Lease reads and a paused leader",
        include_str!("../../../scenarios/tours/lease.scenario"),
    ),
];

/// Looks a tour up by name: its title and text.
pub fn tour(name: &str) -> Option<(&'static str, &'static str)> {
    TOURS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, title, text)| (*title, *text))
}

/// Looks a built-in scenario up by name.
pub fn built_in(name: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// An error in a scenario: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of the offending word, when known.
    pub column: Option<usize>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A comparison in an expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A number a server has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Current term.
    Term,
    /// Commit index.
    Commit,
    /// Last log index.
    Log,
    /// Entries not yet known committed.
    Uncommitted,
    /// The last index its snapshot covers (0 without one).
    Snapshot,
}

/// What `expect` checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A server's role, or `None` for "down".
    Role(NodeId, Option<Role>),
    /// A server is frozen.
    Frozen(NodeId),
    /// A server's number compared to a value.
    Number(NodeId, Quantity, Cmp, u64),
    /// Whom a server voted for in its current term (`None`: nobody).
    Vote(NodeId, Option<NodeId>),
    /// A key's value in a server's store (`None`: absent).
    Kv(NodeId, String, Option<String>),
    /// Some running server leads and it is one of these (empty: none leads).
    LeaderIn(Vec<NodeId>),
    /// Every server runs, agrees on the log, and has committed it all.
    Converged,
    /// The voters of a server's configuration, in effect on it (thesis §4.1).
    Voters(NodeId, Vec<NodeId>),
    /// The last read of a key that a client got an answer to saw this value (`None`:
    /// absent).
    Read(String, Option<String>),
    /// The last answered read of a key saw a value a completed write had overwritten before
    /// the read began: a stale read, so the clients' history is not linearizable.
    StaleRead(String),
    /// No safety violation so far.
    Safe,
    /// At least one violation, of this property if given.
    Violation(Option<Property>),
    /// The last line that acted was refused, for a reason that says this (empty: any).
    Refused(String),
}

/// What `wait` waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitFor {
    /// A fixed amount of time.
    Time(u64),
    /// A leader, one of these (any if empty), within the limit.
    Leader(Vec<NodeId>, u64),
    /// Convergence, within the limit.
    Converged(u64),
}

impl WaitFor {
    /// The longest the wait runs, in simulated ms.
    pub fn limit_ms(&self) -> u64 {
        match self {
            WaitFor::Time(ms) | WaitFor::Leader(_, ms) | WaitFor::Converged(ms) => *ms,
        }
    }
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Fire a server's election timer.
    Timeout(NodeId),
    /// Crash a server.
    Crash(NodeId),
    /// Restart a server.
    Restart(NodeId),
    /// Freeze a server (a stalled process): its timers and inbox wait.
    Freeze(NodeId),
    /// Release a frozen server.
    Thaw(NodeId),
    /// Cut a link (one way or both).
    Cut(NodeId, NodeId, bool),
    /// Heal a link (one way or both).
    Heal(NodeId, NodeId, bool),
    /// Heal everything.
    HealAll,
    /// Split into groups.
    Partition(Vec<Vec<NodeId>>),
    /// The user sends a command to a server.
    Propose(NodeId, Op),
    /// Start the next server and ask the leader to add it (thesis §4.2.1).
    Add(NodeId),
    /// Ask the leader to remove a server (thesis §4.2.2).
    Remove(NodeId),
    /// Ask a server, if it leads, to hand leadership to another (thesis §3.10).
    Transfer(NodeId, NodeId),
    /// Hold every message now on the wire from the first server to the second (they wait
    /// until released), or release the held ones.
    Hold(NodeId, NodeId, bool),
    /// A server compacts its log now, up to what it has applied (thesis §5.1).
    Snapshot(NodeId),
    /// Run the simulation.
    Wait(WaitFor),
    /// Check a condition.
    Expect(Expect),
    /// A tour's caption: a new step of the tour begins here.
    Say(String),
    /// Point at things on the page until the next `say`.
    Show(Vec<Highlight>),
    /// Stop until the reader continues (a tour on the page; ignored elsewhere).
    Pause,
    /// Raft options changed mid-run (`prevote`, `checkquorum`, `bug` after the first
    /// action): servers that start or restart from now on run with them.
    Raft(RaftOptions),
}

/// Something a tour step points at on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// A server.
    Node(NodeId),
    /// The link from the first server to the second.
    Link(NodeId, NodeId),
    /// A server's log entry at this index.
    Entry(NodeId, u64),
}

/// One step of a tour: its caption and where it begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourStep {
    /// The line of its `say`.
    pub line: usize,
    /// What the step tells the reader.
    pub caption: String,
}

/// A parsed scenario: the cluster it needs and its steps, each with its line number.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The cluster the scenario sets up.
    pub config: SimConfig,
    /// Automatic clients to add.
    pub clients: usize,
    /// Instructions, with their 1-based line numbers.
    pub steps: Vec<(usize, Step)>,
}

impl Scenario {
    /// Whether some `expect violation` line says the run must break a property: such a
    /// scenario demonstrates a bug, so its violations are what it is for.
    pub fn expects_violation(&self) -> bool {
        self.steps
            .iter()
            .any(|(_, step)| matches!(step, Step::Expect(Expect::Violation(_))))
    }

    /// Whether the scenario expects a stale read (`expect stale read KEY`): its clients'
    /// history is then meant not to be linearizable.
    pub fn expects_stale_read(&self) -> bool {
        self.steps
            .iter()
            .any(|(_, step)| matches!(step, Step::Expect(Expect::StaleRead(_))))
    }

    /// The tour's steps, one per `say`, in order (none for a scenario that says nothing).
    pub fn tour(&self) -> Vec<TourStep> {
        self.steps
            .iter()
            .filter_map(|(line, step)| match step {
                Step::Say(caption) => Some(TourStep {
                    line: *line,
                    caption: caption.clone(),
                }),
                _ => None,
            })
            .collect()
    }
}

/// The line of the last `name` setting in scenario `text` (1-based), if it has one: where a
/// program that takes fewer settings than the language (the page: at most 9 servers) points
/// when it refuses one.
pub fn setting_line(text: &str, name: &str) -> Option<usize> {
    without_byte_order_mark(text)
        .lines()
        .enumerate()
        .filter(|(_, raw)| {
            raw.split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next()
                == Some(name)
        })
        .map(|(k, _)| k + 1)
        .last()
}

/// The instruction on line `line` (1-based) of scenario `text`, without its comment, as a
/// message quotes it ("remove A").
pub fn instruction(text: &str, line: usize) -> &str {
    without_byte_order_mark(text)
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|raw| raw.split('#').next())
        .unwrap_or("")
        .trim()
}

/// `text` without the byte order mark some editors put at the start of a file (it is no
/// whitespace, so it would stick to the first word).
fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A parser's result: the error is boxed, so passing it up with `?` moves one pointer.
type Parsed<T> = Result<T, Box<ScenarioError>>;
