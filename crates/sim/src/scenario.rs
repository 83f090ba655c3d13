//! Scenarios: scripted runs in a small line-based text language, used for tests, the CLI's
//! `--scenario`, and the page's guided tours. The language is documented in
//! `scenarios/README.md`; every error names its line (and column where one helps).

use crate::checker::Property;
use crate::elections::{MAX_ELECTION_TIMEOUT_MS, MAX_LATENCY_MS};
use crate::history::{OpFn, OpType};
use crate::kv::Op;
use crate::nearest::did_you_mean;
use crate::network::Endpoint;
use crate::sim::{RaftOptions, ReadPath, SimConfig, Simulation};
use crate::timeline::{Driver, Input};
use crate::view::names;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use river_core::{Bug, ConfigError, NodeId, Role, MAX_CLUSTER_SIZE};

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

impl Cmp {
    fn holds(self, a: u64, b: u64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
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

/// Refuses a scenario whose waits, added up to line `line`, could run longer than a
/// scenario may ([`MAX_SCENARIO_MS`]), or its `clients` longer than [`MAX_CLIENT_MS`].
fn within_budget(line: usize, waited_ms: u64, clients: usize) -> Parsed<()> {
    let message = if waited_ms > MAX_SCENARIO_MS {
        format!(
            "the waits add up to {waited_ms} ms here, and a scenario runs at most {MAX_SCENARIO_MS} ms (a simulated hour) in all"
        )
    } else if clients as u64 * waited_ms > MAX_CLIENT_MS {
        format!(
            "the waits add up to {waited_ms} ms here, and {clients} clients may run at most {} ms: a scenario's clients run at most 10 client-hours in all (clients × time: 10 clients for an hour, 100 for 6 minutes)",
            MAX_CLIENT_MS / clients as u64
        )
    } else {
        return Ok(());
    };
    Err(Box::new(ScenarioError {
        line,
        column: None,
        message,
    }))
}

/// Why a scenario must stop here, or `None`: `sim` has processed [`MAX_SCENARIO_EVENTS`]
/// events, keeps more than [`MAX_SCENARIO_TRACE_RECORDS`] trace records, or has more than
/// [`MAX_SCENARIO_IN_FLIGHT`] messages on the wire.
pub fn past_limits(sim: &Simulation) -> Option<String> {
    let (events, wire) = (sim.stats.events, sim.in_flight_count());
    let what = if events >= MAX_SCENARIO_EVENTS {
        format!(
            "the simulator has processed {events} events, the most a scenario may make it process"
        )
    } else if sim.trace.records.len() > MAX_SCENARIO_TRACE_RECORDS {
        format!(
            "{} trace records are kept, more than a scenario may keep ({MAX_SCENARIO_TRACE_RECORDS}, some 300 MB of JSON lines)",
            sim.trace.records.len()
        )
    } else if wire > MAX_SCENARIO_IN_FLIGHT {
        format!("{wire} messages are on the wire at once, more than a scenario may put there ({MAX_SCENARIO_IN_FLIGHT})")
    } else {
        return None;
    };
    Some(format!(
        "at {:.1} s {what}; shorter waits, fewer servers or clients, slower heartbeats, more latency or fewer duplicates make less",
        sim.now_ms() as f64 / 1000.0
    ))
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

/// Refuses settings that are each fine but impossible together, naming the latest line
/// among the settings the error is about (`set_on`: the last line of each setting written;
/// line 1 when none of them was: the defaults alone are never impossible).
fn check_settings(config: &SimConfig, set_on: &[(&str, usize)]) -> Parsed<()> {
    let Err(e) = config.validate() else {
        return Ok(());
    };
    let line = settings_behind(&e)
        .iter()
        .filter_map(|name| set_on.iter().find(|(v, _)| v == name))
        .map(|(_, line)| *line)
        .max()
        .unwrap_or(1);
    Err(Box::new(ScenarioError {
        line,
        column: None,
        message: format!("the settings are impossible: {e}"),
    }))
}

/// The scenario settings that can make the configuration `error` is about.
fn settings_behind(error: &ConfigError) -> &'static [&'static str] {
    match error {
        ConfigError::ClusterSize(_) | ConfigError::IdOutOfRange { .. } => &["nodes"],
        ConfigError::ElectionTimeoutRange { .. } => &["election-timeout"],
        ConfigError::HeartbeatTooSlow { .. } => &["heartbeat", "election-timeout"],
        ConfigError::MaxEntriesZero => &["entries-per-append"],
        ConfigError::SnapshotChunkZero => &["snapshot-chunk"],
        ConfigError::LeaseWithoutCheckQuorum => &["reads", "checkquorum"],
    }
}

/// A parser's result: the error is boxed, so passing it up with `?` moves one pointer.
type Parsed<T> = Result<T, Box<ScenarioError>>;

struct Words<'a> {
    line: usize,
    words: Vec<(usize, &'a str)>,
    pos: usize,
}

impl<'a> Words<'a> {
    fn new(line: usize, text: &'a str) -> Words<'a> {
        // Each word with its byte offset in `text`. (Slicing `text` by index would link the
        // standard library's message for a slice that splits a character, tables and all,
        // into the page's wasm.)
        let words = text
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        Words {
            line,
            words,
            pos: 0,
        }
    }

    fn err(&self, message: impl Into<String>) -> Box<ScenarioError> {
        let column = self
            .words
            .get(self.pos.saturating_sub(1))
            .map(|(c, _)| c + 1);
        Box::new(ScenarioError {
            line: self.line,
            column,
            message: message.into(),
        })
    }

    fn next(&mut self, what: &str) -> Parsed<&'a str> {
        match self.words.get(self.pos) {
            Some((_, w)) => {
                self.pos += 1;
                Ok(w)
            }
            None => Err(Box::new(ScenarioError {
                line: self.line,
                column: None,
                message: format!("expected {what} at the end of the line"),
            })),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(|(_, w)| *w)
    }

    fn done(&self) -> Parsed<()> {
        match self.words.get(self.pos) {
            None => Ok(()),
            Some((c, w)) => Err(Box::new(ScenarioError {
                line: self.line,
                column: Some(c + 1),
                message: format!("unexpected {}", quoted(w)),
            })),
        }
    }

    fn number(&mut self, what: &str) -> Parsed<u64> {
        let w = self.next(what)?;
        w.parse()
            .map_err(|_| self.err(format!("{what} must be a whole number, not {}", quoted(w))))
    }

    /// A time in ms of at most `max` (`name` says what it is, for the message): the
    /// simulator adds timeouts and delays to its clock, so one near 2^64 would overflow it.
    fn ms_at_most(&mut self, what: &str, max: u64, name: &str) -> Parsed<u64> {
        let ms = self.number(what)?;
        if ms > max {
            return Err(self.err(format!("{name} is at most {max} ms, not {ms}")));
        }
        Ok(ms)
    }

    fn probability(&mut self, what: &str) -> Parsed<f64> {
        let w = self.next(what)?;
        probability(w).ok_or_else(|| {
            self.err(format!(
                "{what} must be a number from 0 to 1, not {}",
                quoted(w)
            ))
        })
    }

    fn on_off(&mut self, what: &str) -> Parsed<bool> {
        match self.peek() {
            None => Ok(true),
            Some(_) => match self.next(what)? {
                "on" => Ok(true),
                "off" => Ok(false),
                w => Err(self.err(format!("{what} takes 'on' or 'off', not {}", quoted(w)))),
            },
        }
    }
}

/// `text` read as `str::parse::<f64>` reads it, if that is a number from 0 to 1: the same
/// value to the last bit (`-0`, and negative numbers too small to be anything else,
/// included), from integer arithmetic alone. The standard float parser would add about
/// 15 KB to the page's gzipped wasm, mostly its table of powers.
fn probability(text: &str) -> Option<f64> {
    let (negative, body) = split_sign(text.as_bytes());
    let value = magnitude(body)?;
    let value = if negative { -value } else { value };
    (0.0..=1.0).contains(&value).then_some(value)
}

/// An unsigned decimal (`digits[.digits][e[±]digits]`) as the nearest double, ties to even,
/// when it is at most 1; infinity for anything above 1; `None` if it is not a decimal.
///
/// The decimal is `digits × 10^-scale`; below 1 it is rounded by long division of big
/// integers, one bit at a time.
fn magnitude(body: &[u8]) -> Option<f64> {
    let (mantissa, exponent) = body.split_at(
        body.iter()
            .position(|&b| b | 0x20 == b'e')
            .unwrap_or(body.len()),
    );
    // How many digits follow the point, and how many from the first nonzero one on.
    let (mut places, mut significant, mut any_digit, mut point) = (0i64, 0i64, false, false);
    for &b in mantissa {
        match b {
            b'.' if !point => point = true,
            b'0'..=b'9' => {
                any_digit = true;
                significant += i64::from(b != b'0' || significant > 0);
                places += i64::from(point);
            }
            _ => return None,
        }
    }
    // The exponent, saturated: beyond it every nonzero value is 0 or above 1 alike.
    const MAX_EXPONENT: i64 = 1_000_000;
    let mut exponent_value: i64 = 0;
    if let Some((_, written)) = exponent.split_first() {
        let (minus, written) = split_sign(written);
        if written.is_empty() {
            return None;
        }
        for &b in written {
            if !b.is_ascii_digit() {
                return None;
            }
            exponent_value = (exponent_value * 10 + i64::from(b - b'0')).min(MAX_EXPONENT);
        }
        if minus {
            exponent_value = -exponent_value;
        }
    }
    if !any_digit {
        return None;
    }
    // value = 0.DIGITS × 10^(significant - scale), with 0.DIGITS in [0.1, 1).
    let mut scale = places - exponent_value;
    if significant == 0 || scale - significant > MIN_DECIMAL_EXPONENT {
        // Zero, or below 1e-400: nearer 0 than the smallest double.
        return Some(0.0);
    }
    if significant - scale > 1 {
        return Some(f64::INFINITY);
    }
    // The significant digits as one big number. Past MAX_DIGITS of them only whether the
    // rest is zero matters (a double is rounded exactly from at most 767 digits), so the
    // rest becomes one sticky digit.
    let mut remainder = [0u32; LIMBS];
    let (mut kept, mut sticky) = (0, false);
    for &b in mantissa {
        if b == b'.' || b == b'0' && kept == 0 {
            continue;
        }
        if kept < MAX_DIGITS {
            mul_add(&mut remainder, 10, u32::from(b - b'0'));
            kept += 1;
        } else {
            sticky |= b != b'0';
        }
    }
    scale -= significant - kept;
    if sticky {
        mul_add(&mut remainder, 10, 1);
        scale += 1;
    }
    let mut divisor = [0u32; LIMBS];
    divisor[0] = 1;
    for _ in 0..scale.max(0) {
        mul_add(&mut divisor, 10, 0);
    }
    // value = 2^-shift × remainder / divisor, with the quotient in [1, 2). No shift at all
    // means a value of at least 1: exactly 1, or above.
    let mut shift: i64 = 0;
    while !at_least(&remainder, &divisor) {
        mul_add(&mut remainder, 2, 0);
        shift += 1;
    }
    if shift == 0 {
        subtract(&mut remainder, &divisor);
        return Some(if remainder == [0; LIMBS] {
            1.0
        } else {
            f64::INFINITY
        });
    }
    // 53 bits for a normal double (from 2^-1022 up); fewer for a subnormal one; none
    // below 2^-1074, where only more than half of it rounds up to it.
    let bits = 53.min(1075 - shift);
    let mut significand: u64 = 0;
    for k in 0..bits.max(0) {
        if k > 0 {
            mul_add(&mut remainder, 2, 0);
        }
        significand <<= 1;
        if at_least(&remainder, &divisor) {
            subtract(&mut remainder, &divisor);
            significand |= 1;
        }
    }
    // Round to nearest, ties to even: compare what is left with half a unit.
    if bits > 0 {
        mul_add(&mut remainder, 2, 0);
    } else if bits < 0 {
        return Some(0.0);
    }
    if at_least(&remainder, &divisor) && (remainder != divisor || significand & 1 == 1) {
        significand += 1;
    }
    // A normal double's stored exponent is 1023 - shift; the significand's leading bit
    // (or a carry out of it) adds the last 1.
    let exponent_bits = (1022 - shift).max(0) as u64;
    Some(f64::from_bits((exponent_bits << 52) + significand))
}

/// The most significant digits [`magnitude`] divides exactly (more than any double needs).
const MAX_DIGITS: i64 = 800;
/// Below 10^-this, a decimal rounds to 0 (the smallest double is about 4.9e-324).
const MIN_DECIMAL_EXPONENT: i64 = 400;
/// 32-bit digits of [`magnitude`]'s big integers, least significant first: room for its
/// largest divisor, 10^(MAX_DIGITS + 1 + MIN_DECIMAL_EXPONENT) < 2^3990, and for a
/// remainder below twice that.
const LIMBS: usize = 126;

/// A word of the file in quotes for a message, shortened when long (a line can be megabytes:
/// the message should not be).
fn quoted(word: &str) -> String {
    const SHOWN_CHARS: usize = 32;
    match word.char_indices().nth(SHOWN_CHARS) {
        None => format!("'{word}'"),
        Some((end, _)) => format!(
            "'{}…' ({} bytes)",
            word.get(..end).unwrap_or(""),
            word.len()
        ),
    }
}

/// Names separated by commas (`join` would add its own code to the wasm).
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

fn split_sign(text: &[u8]) -> (bool, &[u8]) {
    match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// `x = x × m + a`.
fn mul_add(x: &mut [u32; LIMBS], m: u32, a: u32) {
    let mut carry = u64::from(a);
    for digit in x.iter_mut() {
        let v = u64::from(*digit) * u64::from(m) + carry;
        *digit = v as u32;
        carry = v >> 32;
    }
    assert!(carry == 0, "the decimal fits its digits");
}

/// `x >= y`.
fn at_least(x: &[u32; LIMBS], y: &[u32; LIMBS]) -> bool {
    x.iter().rev().cmp(y.iter().rev()).is_ge()
}

/// `x -= y`, for `x >= y`.
fn subtract(x: &mut [u32; LIMBS], y: &[u32; LIMBS]) {
    let mut borrow = false;
    for (digit, &d) in x.iter_mut().zip(y) {
        let (v, b1) = digit.overflowing_sub(d);
        let (v, b2) = v.overflowing_sub(u32::from(borrow));
        *digit = v;
        borrow = b1 || b2;
    }
}

/// `word` split at its first "->" (`A->B`: `A` and `B`; `->B`: empty and `B`), if it has one.
/// Found byte by byte: a `&str` pattern would link the two-way string search into the page
/// for this one word.
fn split_arrow(word: &str) -> Option<(&str, &str)> {
    let k = word.as_bytes().windows(2).position(|pair| pair == b"->")?;
    Some((word.get(..k)?, word.get(k + 2..)?))
}

/// A `say` line's caption: the text between its first and last double quote, after which
/// only a comment may follow. `None` if the line is another instruction (`sayx ...`).
fn caption(line: usize, raw: &str) -> Parsed<Option<String>> {
    let rest = raw.trim_start().strip_prefix("say").unwrap_or("");
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Ok(None);
    }
    let err = |message: &str| {
        Box::new(ScenarioError {
            line,
            column: None,
            message: String::from(message),
        })
    };
    let quoted = rest.trim_start();
    let (Some(body), Some(end)) = (quoted.strip_prefix('"'), quoted.rfind('"')) else {
        return Err(err("a caption is written in double quotes: say \"…\""));
    };
    if end == 0 {
        return Err(err("a caption needs its closing double quote"));
    }
    let after = quoted.get(end + 1..).unwrap_or("").trim_start();
    if !(after.is_empty() || after.starts_with('#')) {
        return Err(err("only a comment may follow a caption's closing quote"));
    }
    let text = body.get(..end - 1).unwrap_or("").trim();
    if text.is_empty() {
        return Err(err("a caption says something: it is empty"));
    }
    Ok(Some(String::from(text)))
}

struct Parser {
    nodes: usize,
    acted: bool,
}

impl Parser {
    fn node(&self, w: &mut Words<'_>) -> Parsed<NodeId> {
        let word = w.next("a node letter")?;
        self.node_word(w, word)
    }

    fn node_word(&self, w: &Words<'_>, word: &str) -> Parsed<NodeId> {
        let mut chars = word.chars();
        match (chars.next().and_then(NodeId::from_letter), chars.next()) {
            (Some(id), None) if id.index() < self.nodes => Ok(id),
            _ => Err(w.err(format!(
                "{} is not a node of this {}-node cluster (use A to {})",
                quoted(word),
                self.nodes,
                NodeId(self.nodes as u8 - 1)
            ))),
        }
    }

    /// A link's two ends: `A B`, or one way, `A -> B` with or without spaces around the
    /// arrow (as `show` reads it). The bool says one way.
    fn link_ends(&self, w: &mut Words<'_>) -> Parsed<(NodeId, NodeId, bool)> {
        let word = w.next("a node letter")?;
        if let Some((a, b)) = split_arrow(word) {
            return Ok((self.node_word(w, a)?, self.arrow_end(w, b)?, true));
        }
        let a = self.node_word(w, word)?;
        match w.peek().map(split_arrow) {
            Some(Some(("", b))) => {
                w.next("->")?;
                Ok((a, self.arrow_end(w, b)?, true))
            }
            _ => Ok((a, self.node(w)?, false)),
        }
    }

    /// The node an arrow points at: `rest`, what followed the arrow in its word, or the
    /// next word when the arrow ended it (`A-> B`).
    fn arrow_end(&self, w: &mut Words<'_>, rest: &str) -> Parsed<NodeId> {
        if rest.is_empty() {
            self.node(w)
        } else {
            self.node_word(w, rest)
        }
    }

    /// Node letters written together or apart: `CDE`, `C D E`, `C,D,E`.
    fn node_set(&self, w: &Words<'_>, text: &str) -> Parsed<Vec<NodeId>> {
        let mut ids = Vec::new();
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != ',') {
            let id = self.node_word(w, c.encode_utf8(&mut [0; 4]))?;
            if ids.contains(&id) {
                return Err(w.err(format!("node {id} is named twice")));
            }
            ids.push(id);
        }
        Ok(ids)
    }

    fn cmp(w: &mut Words<'_>) -> Parsed<Cmp> {
        Ok(match w.next("a comparison (=, !=, <, <=, >, >=)")? {
            "=" | "==" => Cmp::Eq,
            "!=" => Cmp::Ne,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            other => return Err(w.err(format!("{} is not a comparison", quoted(other)))),
        })
    }

    fn within(w: &mut Words<'_>) -> Parsed<u64> {
        if w.peek() == Some("within") {
            w.next("within")?;
            Self::wait_ms(w)
        } else {
            Ok(DEFAULT_WAIT_MS)
        }
    }

    /// A time to wait, at most [`MAX_WAIT_MS`].
    fn wait_ms(w: &mut Words<'_>) -> Parsed<u64> {
        let ms = w.number("a time in ms")?;
        if ms > MAX_WAIT_MS {
            return Err(w.err(format!(
                "a wait is at most {MAX_WAIT_MS} ms (a simulated hour), not {ms}"
            )));
        }
        Ok(ms)
    }
}

impl Scenario {
    /// Parses scenario text. Settings (`nodes`, `seed`, `latency`, …) come before the first
    /// action; the cluster defaults to 5 nodes and seed 1.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Self::parse_lines(text).map_err(|e| *e)
    }

    fn parse_lines(text: &str) -> Parsed<Scenario> {
        let mut config = SimConfig::new(5, 1);
        let mut clients = 0;
        let mut steps = Vec::new();
        let mut p = Parser {
            nodes: config.nodes,
            acted: false,
        };
        // The last line that set each setting, to name the line an impossible combination
        // comes from.
        let mut set_on: Vec<(&str, usize)> = Vec::new();
        // The Raft options servers start or restart with once the run has begun: each
        // mid-run `prevote`, `checkquorum` or `bug` line changes them from there on.
        let mut running: Option<RaftOptions> = None;
        // The waits' limits so far: the most simulated time the lines so far can run.
        let mut waited_ms = 0;
        for (k, raw) in without_byte_order_mark(text).lines().enumerate() {
            let line = k + 1;
            if raw.trim_start().starts_with("say") {
                if let Some(caption) = caption(line, raw)? {
                    if !p.acted {
                        check_settings(&config, &set_on)?;
                    }
                    p.acted = true;
                    steps.push((line, Step::Say(caption)));
                    continue;
                }
            }
            let content = raw.split('#').next().unwrap_or("");
            let mut w = Words::new(line, content);
            let Some(verb) = w.peek() else { continue };
            w.next("a word")?;
            let setting = SETTINGS.contains(&verb);
            let mid_run = matches!(verb, "prevote" | "checkquorum" | "bug");
            if setting && p.acted && !mid_run {
                // Named, since a tour's first action may be a caption, not an instruction.
                let first = steps.first().map_or(line, |(l, _)| *l);
                return Err(w.err(format!(
                    "{} is a setting and must come before the first action (line {first})",
                    quoted(verb)
                )));
            }
            let before = config.raft;
            if p.acted && mid_run {
                // A change during the run builds on the changes before it.
                config.raft = running.unwrap_or(config.raft);
            }
            match verb {
                "nodes" => {
                    let n = w.number("a node count")?;
                    if n == 0 || n as usize > MAX_CLUSTER_SIZE {
                        return Err(w.err(format!(
                            "a cluster has 1 to {MAX_CLUSTER_SIZE} nodes, not {n}"
                        )));
                    }
                    config.nodes = n as usize;
                    p.nodes = config.nodes;
                }
                "seed" => config.seed = w.number("a seed")?,
                "election-timeout" => {
                    config.raft.election_timeout_min_ms = w.number("the minimum in ms")?;
                    config.raft.election_timeout_max_ms = w.ms_at_most(
                        "the maximum in ms",
                        MAX_ELECTION_TIMEOUT_MS,
                        "an election timeout",
                    )?;
                }
                "heartbeat" => config.raft.heartbeat_interval_ms = w.number("an interval in ms")?,
                "latency" => {
                    config.link.latency_min_ms = w.number("the minimum in ms")?;
                    config.link.latency_max_ms =
                        w.ms_at_most("the maximum in ms", MAX_LATENCY_MS, "a latency")?;
                    if config.link.latency_min_ms > config.link.latency_max_ms {
                        return Err(w.err("the minimum latency is above the maximum"));
                    }
                }
                "loss" => config.link.loss = w.probability("a loss probability")?,
                "duplicate" => config.link.duplicate = w.probability("a probability")?,
                "reorder" => config.link.reorder = w.probability("a probability")?,
                "prevote" => config.raft.pre_vote = w.on_off("prevote")?,
                "checkquorum" => config.raft.check_quorum = w.on_off("checkquorum")?,
                "bug" => {
                    let name = w.next("a bug name")?;
                    let bug = Bug::from_name(name).ok_or_else(|| {
                        let names = || Bug::ALL.iter().map(|b| b.name());
                        w.err(format!(
                            "no bug named {}{} (known: {})",
                            quoted(name),
                            did_you_mean(name, names()),
                            listed(names())
                        ))
                    })?;
                    let on = w.on_off("bug")?;
                    config.raft.bugs.set(bug, on);
                }
                "clients" => {
                    let n = w.number("a client count")?;
                    if n > MAX_SCENARIO_CLIENTS as u64 {
                        return Err(w.err(format!(
                            "a scenario has at most {MAX_SCENARIO_CLIENTS} clients, not {n}"
                        )));
                    }
                    clients = n as usize;
                }
                "reads" => {
                    let name = w.next("'read-index', 'log' or 'lease'")?;
                    config.raft.reads = ReadPath::from_name(name).ok_or_else(|| {
                        w.err(format!(
                            "reads are 'read-index', 'log' or 'lease', not {}{}",
                            quoted(name),
                            did_you_mean(name, ["read-index", "log", "lease"])
                        ))
                    })?;
                }
                "clock" => {
                    // The letter is checked against the size set so far: say where a later
                    // `nodes` line belongs.
                    let id = p.node(&mut w).map_err(|mut e| {
                        if !set_on.iter().any(|(v, _)| *v == "nodes") {
                            e.message.push_str("; a `nodes N` line must come before it");
                        }
                        e
                    })?;
                    let percent = w.number("a rate in percent of real time")?;
                    if !(MIN_CLOCK_PERCENT..=MAX_CLOCK_PERCENT).contains(&percent) {
                        return Err(w.err(format!(
                            "a clock runs at {MIN_CLOCK_PERCENT} to {MAX_CLOCK_PERCENT} percent of real time, not {percent}"
                        )));
                    }
                    if config.clock_percent.len() <= id.index() {
                        config.clock_percent.resize(id.index() + 1, 100);
                    }
                    config.clock_percent[id.index()] = percent;
                }
                "clock-drift-bound" => {
                    config.raft.max_clock_drift_percent = w.number("a bound in percent")?
                }
                "entries-per-append" => {
                    config.raft.max_entries_per_append = w.number("a count")? as usize
                }
                "snapshot-threshold" => {
                    config.raft.snapshot_threshold = w.number("a count of entries")?
                }
                "snapshot-chunk" => {
                    config.raft.snapshot_chunk_bytes = w.number("a size in bytes")? as usize
                }
                _ => {
                    // The settings end here: an impossible one is theirs to name, not a
                    // later line's that changes the options from there on.
                    if !p.acted {
                        check_settings(&config, &set_on)?;
                    }
                    p.acted = true;
                    let step = Self::parse_step(&mut p, verb, &mut w, content)?;
                    if let Step::Wait(wait) = &step {
                        waited_ms += wait.limit_ms();
                        within_budget(line, waited_ms, clients)?;
                    }
                    if steps.len() >= MAX_SCENARIO_STEPS {
                        return Err(Box::new(ScenarioError {
                            line,
                            column: None,
                            message: format!(
                                "a scenario has at most {MAX_SCENARIO_STEPS} instructions, and this is one more"
                            ),
                        }));
                    }
                    steps.push((line, step));
                    continue;
                }
            }
            w.done()?;
            if p.acted && mid_run {
                // The start's settings stay as they were: the change is a step.
                if let Err(e) = config.validate() {
                    return Err(Box::new(ScenarioError {
                        line,
                        column: None,
                        message: format!("servers that start from here would be impossible: {e}"),
                    }));
                }
                running = Some(config.raft);
                steps.push((line, Step::Raft(config.raft)));
                config.raft = before;
            } else {
                set_on.retain(|(v, _)| *v != verb);
                set_on.push((verb, line));
            }
        }
        check_settings(&config, &set_on)?;
        Ok(Scenario {
            config,
            clients,
            steps,
        })
    }

    fn parse_step(p: &mut Parser, verb: &str, w: &mut Words<'_>, content: &str) -> Parsed<Step> {
        let step = match verb {
            "add" => {
                let word = w.next("the new server's letter")?;
                let next = NodeId(p.nodes as u8);
                let mut chars = word.chars();
                match (chars.next().and_then(NodeId::from_letter), chars.next()) {
                    (Some(id), None) if id == next && p.nodes < MAX_CLUSTER_SIZE => {}
                    _ if p.nodes >= MAX_CLUSTER_SIZE => {
                        return Err(w.err(format!(
                            "a cluster has at most {MAX_CLUSTER_SIZE} servers, so none can be added"
                        )))
                    }
                    _ => {
                        return Err(w.err(format!(
                            "the server to add is the next letter, {next}, not {}",
                            quoted(word)
                        )))
                    }
                }
                p.nodes += 1;
                Step::Add(next)
            }
            "remove" => Step::Remove(p.node(w)?),
            "transfer" => {
                let from = p.node(w)?;
                let to = p.node(w)?;
                if from == to {
                    return Err(w.err(format!("{from} cannot hand leadership to itself")));
                }
                Step::Transfer(from, to)
            }
            "read" => {
                let to = p.node(w)?;
                let key = w.next("a key")?;
                Step::Propose(to, Op::Get { key: key.into() })
            }
            "snapshot" => Step::Snapshot(p.node(w)?),
            "timeout" => Step::Timeout(p.node(w)?),
            "crash" => Step::Crash(p.node(w)?),
            "restart" => Step::Restart(p.node(w)?),
            "freeze" => Step::Freeze(p.node(w)?),
            "thaw" => Step::Thaw(p.node(w)?),
            "cut" | "heal" if verb == "heal" && w.peek().is_none() => Step::HealAll,
            "cut" | "heal" => {
                let (a, b, one_way) = p.link_ends(w)?;
                if a == b {
                    return Err(w.err("a link joins two different nodes"));
                }
                if verb == "cut" {
                    Step::Cut(a, b, one_way)
                } else {
                    Step::Heal(a, b, one_way)
                }
            }
            "partition" => {
                let after = content
                    .trim_start()
                    .strip_prefix("partition")
                    .unwrap_or("")
                    .trim();
                let mut groups = Vec::new();
                for part in after.split('|') {
                    let ids = p.node_set(w, part)?;
                    if ids.is_empty() {
                        return Err(
                            w.err("a partition group is empty (write e.g. 'partition AB | CDE')")
                        );
                    }
                    if let Some(dup) = ids
                        .iter()
                        .find(|id| groups.iter().any(|g: &Vec<NodeId>| g.contains(id)))
                    {
                        return Err(w.err(format!("node {dup} is in two groups")));
                    }
                    groups.push(ids);
                }
                if groups.len() < 2 {
                    return Err(w.err("a partition needs at least two groups separated by '|'"));
                }
                w.pos = w.words.len();
                Step::Partition(groups)
            }
            "hold" | "release" => {
                let (a, b, one_way) = p.link_ends(w)?;
                if !one_way {
                    return Err(w.err(format!("write '{verb} A -> B'")));
                }
                if a == b {
                    return Err(w.err("a server sends no messages to itself"));
                }
                Step::Hold(a, b, verb == "hold")
            }
            "propose" => {
                let to = p.node(w)?;
                let start = w.words.get(w.pos).map(|(c, _)| *c);
                let text = start.and_then(|c| content.get(c..)).unwrap_or("");
                w.pos = w.words.len();
                let op = Op::parse(text).map_err(|e| w.err(e.to_string()))?;
                Step::Propose(to, op)
            }
            "wait" => match w.peek() {
                Some("leader") => {
                    w.next("leader")?;
                    let set = match w.peek() {
                        Some("in") => {
                            w.next("in")?;
                            let set = w.next("node letters")?;
                            p.node_set(w, set)?
                        }
                        Some(word) if word != "within" => {
                            w.next("a node")?;
                            alloc::vec![p.node_word(w, word)?]
                        }
                        _ => Vec::new(),
                    };
                    Step::Wait(WaitFor::Leader(set, Parser::within(w)?))
                }
                Some("converged") => {
                    w.next("converged")?;
                    Step::Wait(WaitFor::Converged(Parser::within(w)?))
                }
                _ => Step::Wait(WaitFor::Time(Parser::wait_ms(w)?)),
            },
            "expect" => Step::Expect(Self::parse_expect(p, w)?),
            "show" => Step::Show(Self::parse_show(p, w)?),
            "pause" => Step::Pause,
            other => {
                return Err(w.err(format!(
                    "unknown instruction {}{} (see scenarios/README.md for the language)",
                    quoted(other),
                    did_you_mean(other, SETTINGS.iter().chain(&INSTRUCTIONS).copied())
                )))
            }
        };
        w.done()?;
        Ok(step)
    }

    /// `show C D` (servers), `show A->B` or `show A -> B` (a link), `show A 3` (an entry),
    /// mixed freely on one line.
    fn parse_show(p: &Parser, w: &mut Words<'_>) -> Parsed<Vec<Highlight>> {
        let mut shown = Vec::new();
        while let Some(word) = w.peek() {
            w.next("a node")?;
            let highlight = if let Some((a, b)) = split_arrow(word) {
                let (a, b) = (p.node_word(w, a)?, p.arrow_end(w, b)?);
                Self::link(w, a, b)?
            } else {
                let a = p.node_word(w, word)?;
                match w.peek() {
                    Some("->") => {
                        w.next("->")?;
                        let b = p.node(w)?;
                        Self::link(w, a, b)?
                    }
                    Some(n) if n.starts_with(|c: char| c.is_ascii_digit()) => {
                        let index = w.number("a log index")?;
                        if index == 0 {
                            return Err(w.err("log indexes start at 1"));
                        }
                        Highlight::Entry(a, index)
                    }
                    _ => Highlight::Node(a),
                }
            };
            shown.push(highlight);
        }
        if shown.is_empty() {
            return Err(w.err("show what? Write e.g. 'show C D', 'show A->B' or 'show A 3'"));
        }
        Ok(shown)
    }

    fn link(w: &Words<'_>, a: NodeId, b: NodeId) -> Parsed<Highlight> {
        if a == b {
            return Err(w.err("a link joins two different nodes"));
        }
        Ok(Highlight::Link(a, b))
    }

    fn parse_expect(p: &Parser, w: &mut Words<'_>) -> Parsed<Expect> {
        let first = w.next("what to expect")?;
        Ok(match first {
            "converged" => Expect::Converged,
            "safe" => Expect::Safe,
            "read" => {
                let key = w.next("a key")?.to_string();
                match w.next("'=' or 'absent'")? {
                    "absent" => Expect::Read(key, None),
                    "=" => Expect::Read(key, Some(w.next("a value")?.to_string())),
                    other => {
                        return Err(
                            w.err(format!("expected '=' or 'absent', not {}", quoted(other)))
                        )
                    }
                }
            }
            "stale" => {
                match w.next("'read'")? {
                    "read" => {}
                    other => {
                        return Err(w.err(format!("expected 'stale read KEY', not 'stale {other}'")))
                    }
                }
                Expect::StaleRead(w.next("a key")?.to_string())
            }
            "violation" => match w.peek() {
                None => Expect::Violation(None),
                Some(_) => {
                    let name = w.next("a property")?;
                    let property = PROPERTIES
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, p)| *p)
                        .ok_or_else(|| {
                            let names = || PROPERTIES.iter().map(|(n, _)| *n);
                            w.err(format!(
                                "no property {}{} (known: {})",
                                quoted(name),
                                did_you_mean(name, names()),
                                listed(names())
                            ))
                        })?;
                    Expect::Violation(Some(property))
                }
            },
            "leader" => {
                let set = match w.peek() {
                    Some("in") => {
                        w.next("in")?;
                        let set = w.next("node letters")?;
                        p.node_set(w, set)?
                    }
                    _ => alloc::vec![p.node(w)?],
                };
                Expect::LeaderIn(set)
            }
            "no" => {
                match w.next("'leader'")? {
                    "leader" => {}
                    other => return Err(w.err(format!("expected 'no leader', not 'no {other}'"))),
                }
                Expect::LeaderIn(Vec::new())
            }
            node => {
                let id = p.node_word(w, node)?;
                match w.next(
                    "a role, 'term', 'commit', 'log', 'uncommitted', 'vote', 'kv' or 'voters'",
                )? {
                    "voters" => {
                        let set = w.next("node letters")?;
                        Expect::Voters(id, p.node_set(w, set)?)
                    }
                    "vote" => match w.next("a node letter or 'none'")? {
                        "none" => Expect::Vote(id, None),
                        other => Expect::Vote(id, Some(p.node_word(w, other)?)),
                    },
                    "leader" => Expect::Role(id, Some(Role::Leader)),
                    "follower" => Expect::Role(id, Some(Role::Follower)),
                    "candidate" => Expect::Role(id, Some(Role::Candidate)),
                    "pre-candidate" => Expect::Role(id, Some(Role::PreCandidate)),
                    "down" => Expect::Role(id, None),
                    "frozen" => Expect::Frozen(id),
                    q @ ("term" | "commit" | "log" | "uncommitted" | "snapshot") => {
                        let quantity = match q {
                            "term" => Quantity::Term,
                            "commit" => Quantity::Commit,
                            "log" => Quantity::Log,
                            "snapshot" => Quantity::Snapshot,
                            _ => Quantity::Uncommitted,
                        };
                        let cmp = Parser::cmp(w)?;
                        Expect::Number(id, quantity, cmp, w.number("a number")?)
                    }
                    "kv" => {
                        let key = w.next("a key")?.to_string();
                        match w.next("'=' or 'absent'")? {
                            "absent" => Expect::Kv(id, key, None),
                            "=" => Expect::Kv(id, key, Some(w.next("a value")?.to_string())),
                            other => {
                                return Err(w.err(format!(
                                    "expected '=' or 'absent', not {}",
                                    quoted(other)
                                )))
                            }
                        }
                    }
                    other => {
                        return Err(w.err(format!(
                            "cannot expect {} of a node{}",
                            quoted(other),
                            did_you_mean(other, NODE_EXPECTATIONS)
                        )))
                    }
                }
            }
        })
    }
}

/// The settings, which come before the first action (`prevote`, `checkquorum` and `bug` may
/// also change the run later).
pub const SETTINGS: [&str; 18] = [
    "nodes",
    "seed",
    "election-timeout",
    "heartbeat",
    "latency",
    "loss",
    "duplicate",
    "reorder",
    "prevote",
    "checkquorum",
    "bug",
    "clients",
    "entries-per-append",
    "reads",
    "clock",
    "clock-drift-bound",
    "snapshot-threshold",
    "snapshot-chunk",
];

/// The instructions (the words a step begins with), for "did you mean".
pub const INSTRUCTIONS: [&str; 21] = [
    "timeout",
    "crash",
    "restart",
    "freeze",
    "thaw",
    "cut",
    "heal",
    "partition",
    "propose",
    "read",
    "add",
    "remove",
    "transfer",
    "hold",
    "release",
    "snapshot",
    "wait",
    "expect",
    "say",
    "show",
    "pause",
];

/// What `expect A …` may check of a server, for "did you mean".
const NODE_EXPECTATIONS: [&str; 14] = [
    "voters",
    "leader",
    "follower",
    "candidate",
    "pre-candidate",
    "down",
    "frozen",
    "term",
    "commit",
    "log",
    "uncommitted",
    "snapshot",
    "vote",
    "kv",
];

/// Property names as scenarios write them.
pub const PROPERTIES: [(&str, Property); 10] = [
    ("election-safety", Property::ElectionSafety),
    ("leader-append-only", Property::LeaderAppendOnly),
    ("log-matching", Property::LogMatching),
    ("leader-completeness", Property::LeaderCompleteness),
    ("state-machine-safety", Property::StateMachineSafety),
    ("monotonic-term", Property::MonotonicTerm),
    ("monotonic-commit", Property::MonotonicCommit),
    ("committed-entry-kept", Property::CommittedEntryKept),
    ("simulator-consistency", Property::SimulatorConsistency),
    ("one-change-at-a-time", Property::OneChangeAtATime),
];

/// Where a scenario run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// More steps remain.
    Running,
    /// Every step ran and every expectation held.
    Finished,
}

/// Plays a scenario against a simulation, a little at a time (the page animates it) or all
/// at once (tests and the CLI).
#[derive(Clone, Debug)]
pub struct Player {
    steps: Vec<(usize, Step)>,
    next: usize,
    /// The step being waited on, and when its wait ends.
    waiting: Option<(usize, u64)>,
    /// Whether `pause` stops the player (a tour on the page) or is passed over.
    stops_at_pauses: bool,
    /// Stopped at a `pause` until [`Player::resume`].
    paused: bool,
    /// Also stop right after this tour step's `say` (0-based), to open a step directly.
    stop_after_say: Option<usize>,
    /// The tour step running (0-based: how many `say`s ran, less one).
    tour_step: Option<usize>,
    /// What the running tour step shows so far.
    shown: Vec<Highlight>,
}

impl Player {
    /// A player for `scenario`'s steps. (It takes them over: a clone of the steps would
    /// cost the page's wasm a copy routine for every kind of step.)
    pub fn new(scenario: Scenario) -> Player {
        Player {
            steps: scenario.steps,
            next: 0,
            waiting: None,
            stops_at_pauses: false,
            paused: false,
            stop_after_say: None,
            tour_step: None,
            shown: Vec::new(),
        }
    }

    /// A player that stops at each `pause` until [`Player::resume`] (the page's tours).
    pub fn stopping_at_pauses(mut self) -> Player {
        self.stops_at_pauses = true;
        self
    }

    /// Whether the player stands at a `pause`.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Goes on past the `pause` it stands at.
    pub fn resume(&mut self) {
        self.paused = false;
    }

    /// The tour step running (0-based), once the first `say` ran.
    pub fn tour_step(&self) -> Option<usize> {
        self.tour_step
    }

    /// What the running tour step has shown so far, in order.
    pub fn shown(&self) -> &[Highlight] {
        &self.shown
    }

    /// Puts a fresh player at the start of tour step `k` (just after its `say` and the
    /// `show`s right after it), running nothing before it: the caller rebuilds that moment
    /// of the simulation itself (the page rewinds its timeline there). A player at the
    /// start of a step holds nothing else: no wait is under way, and it shows what the step
    /// points at from its first moment (checked against the simulation when the step was
    /// first played). An error if the scenario has no step `k`.
    pub fn skip_to_step(&mut self, k: usize) -> Result<(), ScenarioError> {
        let say = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, (_, step))| matches!(step, Step::Say(_)))
            .nth(k)
            .map(|(index, _)| index);
        let Some(index) = say else {
            return Err(ScenarioError {
                line: self.steps.last().map_or(1, |(line, _)| *line),
                column: None,
                message: format!("there is no step {}", k + 1),
            });
        };
        self.next = index + 1;
        self.waiting = None;
        self.paused = false;
        self.tour_step = Some(k);
        self.shown.clear();
        while let Some((_, Step::Show(shown))) = self.steps.get(self.next) {
            self.shown.extend_from_slice(shown);
            self.next += 1;
        }
        Ok(())
    }

    /// Plays at full speed, pauses passed over, until tour step `k`'s `say` and the `show`s
    /// right after it have run: the moment step `k` begins, pointing at what it is about. An error if the scenario fails first or has no step `k`.
    pub fn run_to_step(&mut self, driver: &mut dyn Driver, k: usize) -> Result<(), ScenarioError> {
        let stops = core::mem::replace(&mut self.stops_at_pauses, false);
        self.paused = false;
        self.stop_after_say = Some(k);
        let result = loop {
            if self.tour_step.is_some_and(|s| s >= k) {
                break Ok(());
            }
            match self.advance(driver, u64::MAX) {
                Ok(Status::Running) => {}
                Ok(Status::Finished) => {
                    break Err(ScenarioError {
                        line: self.steps.last().map_or(1, |(line, _)| *line),
                        column: None,
                        message: format!("there is no step {}", k + 1),
                    })
                }
                Err(e) => break Err(e),
            }
        };
        self.stop_after_say = None;
        self.stops_at_pauses = stops;
        result
    }

    /// Builds the simulation a scenario describes.
    pub fn simulation(scenario: &Scenario) -> Simulation {
        // Not `expect`: that would carry the error's `Debug` formatting into the browser build.
        let Ok(mut sim) = Simulation::new(scenario.config.clone()) else {
            panic!("validated when parsed")
        };
        if scenario.clients > 0 {
            sim.add_workload_clients(scenario.clients);
        }
        sim
    }

    /// The line of the step running now, if any.
    pub fn current_line(&self) -> Option<usize> {
        self.steps.get(self.next).map(|(line, _)| *line)
    }

    /// Runs the whole scenario, pauses passed over.
    pub fn run_to_end(&mut self, sim: &mut dyn Driver) -> Result<(), ScenarioError> {
        // Pauses are for a reader; nobody reads here.
        self.stops_at_pauses = false;
        self.paused = false;
        while self.advance(sim, u64::MAX)? == Status::Running {}
        Ok(())
    }

    /// Runs steps, never moving the clock past `limit_ms`. Through a [`Driver`], so a
    /// timeline records each action the scenario takes; `dyn`, so the page (which drives
    /// a bare simulation and its narrating timeline) holds one player: 0.6 KB gzipped.
    pub fn advance(
        &mut self,
        driver: &mut dyn Driver,
        limit_ms: u64,
    ) -> Result<Status, ScenarioError> {
        // Borrowed, not cloned: the steps and the player's progress are separate fields.
        // Each step runs once, so its command and groups move into the input, uncopied.
        while let Some(&mut (line, ref mut step)) = self.steps.get_mut(self.next) {
            if self.paused {
                return Ok(Status::Running);
            }
            if self.waiting.is_none() {
                driver.step_begins(line);
            }
            let err = |message: String| ScenarioError {
                line,
                column: None,
                message,
            };
            match step {
                Step::Wait(wait) => {
                    let wait = &*wait;
                    let (_, end) = *self.waiting.get_or_insert_with(|| {
                        (line, driver.sim().now_ms().saturating_add(wait.limit_ms()))
                    });
                    let done = |sim: &Simulation| match wait {
                        WaitFor::Time(_) => false,
                        WaitFor::Leader(set, _) => sim
                            .leader()
                            .is_some_and(|l| set.is_empty() || set.contains(&l)),
                        WaitFor::Converged(_) => sim.converged(),
                    };
                    loop {
                        if done(driver.sim()) {
                            break;
                        }
                        if let Some(why) = past_limits(driver.sim()) {
                            self.waiting = None;
                            return Err(err(why));
                        }
                        let stop = end.min(limit_ms);
                        if !driver.step_until(stop) {
                            driver.run_until(stop);
                            if stop == limit_ms && limit_ms < end {
                                return Ok(Status::Running);
                            }
                            break;
                        }
                    }
                    if !done(driver.sim()) {
                        match wait {
                            WaitFor::Time(_) => {}
                            WaitFor::Leader(set, ms) => {
                                let whom = if set.is_empty() {
                                    String::from("a leader")
                                } else {
                                    format!("a leader among {}", names(set))
                                };
                                return Err(err(format!(
                                    "waited {ms} ms for {whom}, but none was elected"
                                )));
                            }
                            WaitFor::Converged(ms) => {
                                return Err(err(format!(
                                    "waited {ms} ms for every log to converge, but they did not"
                                )))
                            }
                        }
                    }
                    self.waiting = None;
                }
                Step::Timeout(id) => give(driver, line, Input::Timeout(*id)),
                Step::Transfer(from, to) => give(driver, line, Input::Transfer(*from, *to)),
                Step::Crash(id) => give(driver, line, Input::Crash(*id)),
                Step::Restart(id) => give(driver, line, Input::Restart(*id)),
                Step::Freeze(id) => give(driver, line, Input::Freeze(*id)),
                Step::Thaw(id) => give(driver, line, Input::Thaw(*id)),
                Step::Cut(a, b, one_way) => set_link(driver, line, *a, *b, *one_way, false),
                Step::Heal(a, b, one_way) => set_link(driver, line, *a, *b, *one_way, true),
                Step::HealAll => give(driver, line, Input::HealAll),
                Step::Partition(groups) => {
                    give(driver, line, Input::Partition(core::mem::take(groups)));
                }
                Step::Propose(to, op) => {
                    let op = core::mem::replace(op, Op::Text(String::new()));
                    give(driver, line, Input::Submit(*to, op));
                }
                Step::Add(_) => give(driver, line, Input::AddServer),
                Step::Remove(id) => give(driver, line, Input::RemoveServer(*id)),
                Step::Hold(a, b, hold) => {
                    let (from, to, hold) = (Endpoint::Node(*a), Endpoint::Node(*b), *hold);
                    let ids: Vec<u64> = driver
                        .sim()
                        .in_flight()
                        .filter(|m| m.from == from && m.to == to && m.held != hold)
                        .map(|m| m.id)
                        .collect();
                    for id in ids {
                        let input = if hold {
                            Input::Hold(id)
                        } else {
                            Input::Release(id)
                        };
                        give(driver, line, input);
                    }
                }
                Step::Snapshot(id) => give(driver, line, Input::Snapshot(*id)),
                Step::Expect(expect) => check(driver.sim(), expect).map_err(err)?,
                Step::Say(_) => {
                    let k = self.tour_step.map_or(0, |s| s + 1);
                    self.tour_step = Some(k);
                    self.shown.clear();
                    if self.stop_after_say == Some(k) {
                        // A step begins with what it points at: the `show`s that follow
                        // its caption take no time, so they are part of its first moment
                        // (a reader sent back to it sees them at once, the clock stopped).
                        self.next += 1;
                        while let Some((line, Step::Show(shown))) = self.steps.get(self.next) {
                            for highlight in shown.iter() {
                                visible(driver.sim(), highlight).map_err(|message| {
                                    ScenarioError {
                                        line: *line,
                                        column: None,
                                        message,
                                    }
                                })?;
                            }
                            self.shown.extend_from_slice(shown);
                            self.next += 1;
                        }
                        return Ok(Status::Running);
                    }
                }
                Step::Show(shown) => {
                    for highlight in shown.iter() {
                        visible(driver.sim(), highlight).map_err(err)?;
                    }
                    self.shown.extend_from_slice(shown);
                }
                Step::Pause => {
                    if self.stops_at_pauses {
                        self.paused = true;
                        self.next += 1;
                        return Ok(Status::Running);
                    }
                }
                Step::Raft(options) => give(driver, line, Input::Raft(*options)),
            }
            self.next += 1;
        }
        Ok(Status::Finished)
    }
}

/// Checks that a `show` points at something there: an entry in the server's log (on its
/// disk while it is down), so a tour cannot point at what is not on the page.
fn visible(sim: &Simulation, highlight: &Highlight) -> Result<(), String> {
    let Highlight::Entry(id, index) = *highlight else {
        return Ok(());
    };
    let last = match sim.node(id) {
        Some(node) => node.log().last_index().0,
        None => sim.server(id).disk.log.len() as u64,
    };
    if index <= last {
        Ok(())
    } else {
        Err(format!(
            "shows {id}'s entry at index {index}, but {id}'s log ends at index {last}"
        ))
    }
}

/// Gives the input of the step at `line`, and tells the driver if it was refused.
fn give(driver: &mut dyn Driver, line: usize, input: Input) {
    if let Err(why) = driver.input(input) {
        driver.refused(line, why);
    }
}

/// Sets the link from `a` to `b` up or down, and the way back too unless `one_way`.
fn set_link(driver: &mut dyn Driver, line: usize, a: NodeId, b: NodeId, one_way: bool, up: bool) {
    give(driver, line, Input::SetLink(a, b, up));
    if !one_way {
        give(driver, line, Input::SetLink(b, a, up));
    }
}

/// Checks one expectation; the error says what was expected and what was found.
pub fn check(sim: &Simulation, expect: &Expect) -> Result<(), String> {
    match expect {
        Expect::Role(id, role) => {
            let actual = sim.node(*id).map(|n| n.role());
            if actual == *role {
                return Ok(());
            }
            let say = |r: Option<Role>| r.map_or("down", |r| r.name());
            Err(format!(
                "expected {id} to be {}, but it is {}",
                say(*role),
                say(actual)
            ))
        }
        Expect::Frozen(id) if sim.frozen(*id) => Ok(()),
        Expect::Frozen(id) => Err(format!("expected {id} to be frozen, but it is not")),
        Expect::Number(id, quantity, cmp, value) => {
            let node = sim.node(*id).ok_or_else(|| format!("{id} is down"))?;
            let (name, actual) = match quantity {
                Quantity::Term => ("term", node.term().0),
                Quantity::Commit => ("commit index", node.commit_index().0),
                Quantity::Log => ("last log index", node.log().last_index().0),
                Quantity::Snapshot => ("snapshot index", node.log().snapshot_index().0),
                Quantity::Uncommitted => (
                    "uncommitted entry count",
                    node.log().last_index().0 - node.commit_index().0,
                ),
            };
            if cmp.holds(actual, *value) {
                Ok(())
            } else {
                Err(format!(
                    "expected {id}'s {name} {} {value}, but it is {actual}",
                    cmp.symbol()
                ))
            }
        }
        Expect::Vote(id, vote) => {
            let node = sim.node(*id).ok_or_else(|| format!("{id} is down"))?;
            let actual = node.voted_for();
            if actual == *vote {
                return Ok(());
            }
            let say = |v: Option<NodeId>| v.map_or(String::from("nobody"), |v| format!("{v}"));
            Err(format!(
                "expected {id} to have voted for {} in term {}, but it voted for {}",
                say(*vote),
                node.term().0,
                say(actual)
            ))
        }
        Expect::Kv(id, key, value) => {
            let actual = sim.server(*id).kv.read(key);
            if actual == value.as_ref() {
                return Ok(());
            }
            let say = |v: Option<&String>| v.map_or(String::from("absent"), |v| format!("'{v}'"));
            Err(format!(
                "expected {key} on {id} to be {}, but it is {}",
                say(value.as_ref()),
                say(actual)
            ))
        }
        Expect::LeaderIn(set) => match (sim.leader(), set.is_empty()) {
            (None, true) => Ok(()),
            (Some(l), false) if set.contains(&l) => Ok(()),
            (Some(l), true) => Err(format!("expected no leader, but {l} leads")),
            (found, false) => Err(format!(
                "expected a leader among {}, but {}",
                names(set),
                found.map_or(String::from("there is none"), |l| format!("{l} leads"))
            )),
        },
        Expect::Voters(id, expected) => {
            let node = sim.node(*id).ok_or_else(|| format!("{id} is down"))?;
            let actual: Vec<NodeId> = node.membership().voters().collect();
            // In order by insertion, as a stable sort would leave it, without linking the
            // slice sort into the page.
            let mut sorted: Vec<NodeId> = Vec::with_capacity(expected.len());
            for &id in expected {
                let at = sorted.partition_point(|x| *x <= id);
                sorted.insert(at, id);
            }
            if actual == sorted {
                Ok(())
            } else {
                Err(format!(
                    "expected {id}'s voters to be {}, but they are {}",
                    names(&sorted),
                    names(&actual)
                ))
            }
        }
        Expect::Read(key, value) => {
            let last = sim
                .history
                .ops
                .iter()
                .rev()
                .find(|o| o.kind == OpType::Ok && o.f == OpFn::Get && o.key == *key);
            let say = |v: Option<&String>| v.map_or(String::from("absent"), |v| format!("'{v}'"));
            match last {
                None => Err(format!(
                    "expected a read of {key}, but no read of {key} was answered"
                )),
                Some(op) if op.value == *value => Ok(()),
                Some(op) => Err(format!(
                    "expected the last read of {key} to see {}, but it saw {}",
                    say(value.as_ref()),
                    say(op.value.as_ref())
                )),
            }
        }
        Expect::StaleRead(key) => match sim.history.last_read_overwritten(key) {
            Some(_) => Ok(()),
            None => Err(format!(
                "expected the last read of {key} to be stale (to miss a write that completed before it began), but it is not"
            )),
        },
        Expect::Converged => {
            if sim.converged() {
                Ok(())
            } else {
                Err(String::from(
                    "expected every log to have converged, but they differ",
                ))
            }
        }
        Expect::Safe => match sim.checker.violations().first() {
            None => Ok(()),
            Some(v) => Err(format!("expected no safety violation, but: {}", v.text)),
        },
        Expect::Violation(property) => {
            let found = sim
                .checker
                .violations()
                .iter()
                .any(|v| property.is_none_or(|p| v.property == p));
            if found {
                Ok(())
            } else {
                Err(format!(
                    "expected a {} violation, but the run is safe",
                    property.map_or("safety", |p| p.name())
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::probability;
    use alloc::format;
    use alloc::string::String;

    /// What the scenario language accepted before it had its own parser.
    fn standard(text: &str) -> Option<f64> {
        text.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p))
    }

    fn same(text: &str) {
        let (ours, theirs) = (probability(text), standard(text));
        assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "{text}");
    }

    #[test]
    fn probabilities_read_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "1",
            "0.1",
            "0.05",
            "0.2",
            "0.3",
            ".5",
            "1.",
            "0.",
            "+0.5",
            "-0",
            "-0.0",
            "-0.1",
            "00.25",
            "1.0",
            "1.000",
            "1.0001",
            "2",
            "10",
            "0.1e1",
            "1e-1",
            "5E-2",
            "1e+0",
            "0e999999999999999999999",
            "1e-400",
            "0.99999999999999999999",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.30000000000000004",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-323",
            "7e-324",
            "",
            ".",
            "e5",
            "1e",
            "1e+",
            "+",
            "-",
            "inf",
            "NaN",
            "1.2.3",
            "0x1",
            "1_0",
            " 1",
            "1 ",
            "+-1",
            "1e1.5",
        ] {
            same(text);
        }
    }

    /// `a + b` for two decimals written with the same number of places, "0.ddd".
    fn add(a: &str, b: &str) -> String {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let mut out = alloc::vec![b'0'; a.len()];
        let mut carry = 0;
        for k in (0..a.len()).rev() {
            if a[k] == b'.' {
                out[k] = b'.';
                continue;
            }
            let d = (a[k] - b'0') + (b[k] - b'0') + carry;
            out[k] = b'0' + d % 10;
            carry = d / 10;
        }
        String::from_utf8(out).unwrap()
    }

    /// Half of a decimal written "0.ddd" (with a place to spare for the last digit).
    fn half(a: &str) -> String {
        let mut out = String::from("0.");
        let mut carry = 0;
        for b in a.bytes().skip(2) {
            let d = carry * 10 + (b - b'0');
            out.push(char::from(b'0' + d / 2));
            carry = d % 2;
        }
        out
    }

    #[test]
    fn halfway_cases_and_long_inputs_round_exactly() {
        let doubles = [
            0.1,
            0.7,
            0.5,
            1e-5,
            3e-300,
            2.2250738585072014e-308,
            1e-310,
            5e-324,
        ];
        let more =
            (1..40).map(|k| f64::from_bits(k * 0x0123_4567_89ab_cdef % 0x3ff0_0000_0000_0000));
        for x in doubles.into_iter().chain(more) {
            // Exactly halfway from x to the next double up (the gap is a power of two, exact
            // in 1100 places), then a hair above and a hair below.
            let exact = |v: f64| format!("{v:.1100}");
            let gap = f64::from_bits(x.to_bits() + 1) - x;
            let halfway = add(&exact(x), &half(&exact(gap)));
            assert_ne!(
                halfway.trim_end_matches('0'),
                exact(x).trim_end_matches('0')
            );
            same(&halfway);
            same(&format!("{halfway}{}1", "0".repeat(900)));
            same(&format!("{}9", &halfway[..halfway.len() - 1]));
            same(&halfway[..halfway.trim_end_matches('0').len() - 1]);
        }
        same(&format!("0.{}", "1".repeat(5000)));
        same(&format!("0.{}", "9".repeat(5000)));
    }

    #[test]
    fn random_decimals_read_as_the_standard_parser_reads_them() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(3) {
                text.push('0');
            }
            text.push('.');
            let zeros = [0, 0, 0, 1, 5, 300, 320][next(7) as usize];
            for _ in 0..zeros {
                text.push('0');
            }
            for _ in 0..1 + next(30) {
                text.push(char::from(b'0' + next(10) as u8));
            }
            if next(4) == 0 {
                text = format!("{text}e{}", next(40) as i64 - 20);
            }
            same(&text);
            // And strings of the characters a number is made of, in any order.
            let garbage: String = (0..next(12))
                .map(|_| char::from(b"0123456789.eE+-"[next(15) as usize]))
                .collect();
            same(&garbage);
        }
    }
}
