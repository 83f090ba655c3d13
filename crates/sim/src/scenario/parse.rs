//! Reading a scenario file: line by line, the settings before the first action (and the
//! Raft options that may change mid-run), captions, and the limits on waits and clients; one
//! instruction is read in `instruction`, an expectation in `expect`.

use super::words::{listed, quoted, split_arrow, Words};
use super::{
    without_byte_order_mark, Cmp, Parsed, Scenario, ScenarioError, Step, DEFAULT_WAIT_MS,
    MAX_CLIENT_MS, MAX_CLOCK_PERCENT, MAX_SCENARIO_CLIENTS, MAX_SCENARIO_MS, MAX_SCENARIO_STEPS,
    MAX_WAIT_MS, MIN_CLOCK_PERCENT,
};
use crate::elections::{MAX_ELECTION_TIMEOUT_MS, MAX_LATENCY_MS};
use crate::nearest::did_you_mean;
use crate::sim::{RaftOptions, ReadPath, SimConfig};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{Bug, ConfigError, NodeId, MAX_CLUSTER_SIZE};

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

pub(super) struct Parser {
    pub(super) nodes: usize,
    acted: bool,
}

impl Parser {
    pub(super) fn node(&self, w: &mut Words<'_>) -> Parsed<NodeId> {
        let word = w.next("a node letter")?;
        self.node_word(w, word)
    }

    pub(super) fn node_word(&self, w: &Words<'_>, word: &str) -> Parsed<NodeId> {
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
    pub(super) fn link_ends(&self, w: &mut Words<'_>) -> Parsed<(NodeId, NodeId, bool)> {
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
    pub(super) fn arrow_end(&self, w: &mut Words<'_>, rest: &str) -> Parsed<NodeId> {
        if rest.is_empty() {
            self.node(w)
        } else {
            self.node_word(w, rest)
        }
    }

    /// Node letters written together or apart: `CDE`, `C D E`, `C,D,E`.
    pub(super) fn node_set(&self, w: &Words<'_>, text: &str) -> Parsed<Vec<NodeId>> {
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

    pub(super) fn cmp(w: &mut Words<'_>) -> Parsed<Cmp> {
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

    pub(super) fn within(w: &mut Words<'_>) -> Parsed<u64> {
        if w.peek() == Some("within") {
            w.next("within")?;
            Self::wait_ms(w)
        } else {
            Ok(DEFAULT_WAIT_MS)
        }
    }

    /// A time to wait, at most [`MAX_WAIT_MS`].
    pub(super) fn wait_ms(w: &mut Words<'_>) -> Parsed<u64> {
        let ms = w.number("a time in ms")?;
        if ms > MAX_WAIT_MS {
            return Err(w.err(format!(
                "a wait is at most {MAX_WAIT_MS} ms (a simulated hour), not {ms}"
            )));
        }
        Ok(ms)
    }
}
