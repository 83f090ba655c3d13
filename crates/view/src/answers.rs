//! What the page asks and the answers it gets, as Rust structs with `serde::Serialize`: the
//! shapes of `window.riverRaft.state()`, `timeline()`, `safety()`, `bugs()`, `scenario()`
//! and the rest live here, in one typed place (the README documents them). The bindings
//! hand them to JavaScript with serde-wasm-bindgen; native tests read them as JSON.
//! Field names are camelCase, as JavaScript spells them; `None` is `null`.

use crate::layout::Geometry;
use crate::maths;
use crate::members;
use crate::narrate::Thrown;
use crate::stored::{snapshot_text, Stored};
use crate::words::{membership_entry_text, op_text, user_name};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_core::{Body, Payload};
use river_sim::checker::Property;
use river_sim::kv::OpResult;
use river_sim::network::{Endpoint, InFlight, Packet, Reply};
use river_sim::Simulation;
use serde::Serialize;

mod message;
pub use message::{endpoint, kind, message, message_words, Fields, Message};

/// The whole picture: `state()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The simulation's time, ms.
    pub time_ms: Number,
    /// The master seed.
    pub seed: Number,
    /// Whether the clock is stopped.
    pub paused: bool,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// Every server, A first.
    pub nodes: Vec<NodeState>,
    /// Every directed link.
    pub links: Vec<Link>,
    /// Every message on the wire.
    pub messages: Vec<Message>,
    /// The trace's fingerprint (every event so far, in order), as 16 hex digits: two runs
    /// with the same digest went the same way (a share link's promise).
    pub digest: String,
    /// The voters of the configuration in use (the leader's, in effect once appended).
    pub configuration: Vec<&'static str>,
    /// The learners of that configuration: they receive the log but do not vote yet.
    pub learners: Vec<&'static str>,
    /// That configuration in words: "members A–E; F is a learner".
    pub configuration_text: String,
}

/// One server in [`State`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeState {
    /// Its letter.
    pub id: &'static str,
    /// `follower`, `learner` (a follower that does not vote yet), `pre-candidate`,
    /// `candidate`, `leader` or `down`.
    pub role: &'static str,
    /// Its current term (from its disk when down).
    pub term: Number,
    /// Whom it voted for in that term.
    pub voted_for: Option<&'static str>,
    /// Its commit index (0 when down).
    pub commit_index: Number,
    /// Whether it runs.
    pub alive: bool,
    /// Its log after its snapshot, each entry at its real index (from its disk when down).
    pub log: Vec<LogEntry>,
    /// The snapshot its log was compacted into, or `null` if it never was.
    pub snapshot: Option<SnapshotBounds>,
    /// Entries it threw away in a rollback, still drawn struck through in its log row.
    pub thrown_away: Vec<LogEntry>,
    /// Its key-value store (empty when down).
    pub kv: Pairs<String>,
    /// `voter`, `learner` or `none` (removed, or started and not yet added) in the
    /// configuration in use.
    pub membership: &'static str,
    /// Its centre on the canvas, CSS pixels.
    pub x: f64,
    /// Its centre on the canvas, CSS pixels.
    pub y: f64,
    /// The top and bottom of its row in the Logs panel, CSS pixels.
    pub log_row: [f64; 2],
}

/// The bounds of a server's snapshot (thesis ch. 5): the entries it stands for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotBounds {
    /// The last index it covers.
    pub last_included_index: Number,
    /// The term of that entry.
    pub last_included_term: Number,
    /// As the log panel labels it: "snapshot ≤ 40: x=3, y=1".
    pub text: String,
}

/// One log entry.
#[derive(Serialize)]
pub struct LogEntry {
    /// Its index, from 1.
    pub index: Number,
    /// The term it was created in.
    pub term: Number,
    /// The change, or `null` for a leader's no-op.
    pub command: Option<String>,
    /// Whether the server knows it committed (always false in an entry on the wire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed: Option<bool>,
}

/// One directed link.
#[derive(Serialize)]
pub struct Link {
    /// Sender.
    pub from: &'static str,
    /// Receiver.
    pub to: &'static str,
    /// Whether messages get through.
    pub up: bool,
}

/// Names and values, in the order given, as one object (`{ "x": "1" }`). A map type would
/// sort them again, and its sorting code costs the page more than this.
pub struct Pairs<K>(pub Vec<(K, String)>);

impl<K: Serialize> Serialize for Pairs<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A server's letter as text (answers hold no `char`: one kind of string is less code).
pub fn letter(id: river_core::NodeId) -> &'static str {
    const LETTERS: [&str; 26] = [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
        "S", "T", "U", "V", "W", "X", "Y", "Z",
    ];
    LETTERS.get(id.index()).copied().unwrap_or("?")
}

/// A number as JavaScript holds one: every integer the page shows (times, terms, indexes,
/// ids, seeds up to 2^53 − 1) is exact in it, and answers then carry no 64-bit integers,
/// whose conversion (and its error path) costs the page more code.
pub type Number = f64;

/// Two decimals are plenty for pixels and keep the answer the same across builds.
fn pixels(v: f64) -> f64 {
    maths::round(v * 100.0) / 100.0
}

/// The state of `sim` drawn in `geo`, with the entries `thrown` away still drawn;
/// `read_rounds` are the heartbeat rounds waiting reads depend on, (leader, round).
pub fn state(
    sim: &Simulation,
    geo: &Geometry,
    thrown: &[Thrown],
    paused: bool,
    speed: f64,
    read_rounds: &[(river_core::NodeId, u64)],
) -> State {
    // Loops rather than iterator chains here and below: each chain is code of its own.
    let mut nodes = Vec::with_capacity(sim.size());
    // Rows do not depend on whether a snapshot column is drawn.
    let grid = crate::layout::LogGrid::new(geo, sim.size(), false);
    let config = members::configuration(sim);
    for id in sim.ids() {
        let server = sim.server(id);
        let (role, term, voted_for) = match &server.node {
            Some(n) => (n.role().name(), n.term(), n.voted_for()),
            None => (
                "down",
                server.disk.hard_state.term,
                server.disk.hard_state.voted_for,
            ),
        };
        let stored = Stored::of(sim, id);
        let commit = stored.commit_index;
        let mut log = Vec::with_capacity(stored.entries.len());
        for (index, e) in stored.indexed() {
            log.push(LogEntry {
                index: index as f64,
                term: e.term.0 as f64,
                command: command(&e.payload),
                committed: Some(index <= commit),
            });
        }
        let mut thrown_away = Vec::new();
        for t in thrown {
            if t.node == id {
                thrown_away.push(LogEntry {
                    index: t.index as f64,
                    term: t.term.0 as f64,
                    command: Some(t.label.clone()),
                    committed: None,
                });
            }
        }
        let mut kv = Vec::new();
        if server.node.is_some() {
            for (k, v) in server.kv.entries() {
                kv.push((k.clone(), v.clone()));
            }
        }
        let (x, y) = geo.node(id);
        nodes.push(NodeState {
            id: letter(id),
            role: match (role, members::standing(config, id)) {
                ("follower", "learner") => "learner",
                _ => role,
            },
            term: term.0 as f64,
            voted_for: voted_for.map(letter),
            commit_index: commit as f64,
            alive: server.node.is_some(),
            log,
            snapshot: stored.snapshot.map(|snap| SnapshotBounds {
                last_included_index: snap.index.0 as f64,
                last_included_term: snap.term.0 as f64,
                text: snapshot_text(snap),
            }),
            thrown_away,
            kv: Pairs(kv),
            membership: members::standing(config, id),
            x: pixels(x),
            y: pixels(y),
            log_row: {
                let top = grid.rows_y + grid.row_h * id.index() as f64;
                [pixels(top), pixels(top + grid.row_h)]
            },
        });
    }
    let mut links = Vec::new();
    for a in sim.ids() {
        for b in sim.ids().filter(|&b| b != a) {
            links.push(Link {
                from: letter(a),
                to: letter(b),
                up: sim.network().is_up(a, b),
            });
        }
    }
    State {
        time_ms: sim.now_ms() as f64,
        seed: sim.config().seed as f64,
        paused,
        speed,
        nodes,
        links,
        messages: {
            let mut messages = Vec::new();
            for m in sim.in_flight() {
                messages.push(message(m, read_rounds));
            }
            messages
        },
        digest: format!("{:016x}", sim.trace.digest()),
        configuration: config.map_or(Vec::new(), |m| m.voters().map(letter).collect()),
        learners: config.map_or(Vec::new(), |m| m.learners().map(letter).collect()),
        configuration_text: config.map_or(String::new(), members::configuration_text),
    }
}

fn command(payload: &Payload<river_sim::kv::Command>) -> Option<String> {
    match payload {
        Payload::Command(c) => Some(op_text(&c.op)),
        Payload::Membership(m) => Some(membership_entry_text(*m)),
        Payload::Noop => None,
    }
}

/// The timeline: `timeline()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Always 0: the run's beginning.
    pub start_ms: Number,
    /// The furthest moment reached.
    pub end_ms: Number,
    /// The moment shown.
    pub now_ms: Number,
    /// How many other futures are kept.
    pub branches: Number,
    /// How many checkpoints the timeline holds.
    pub checkpoints: Number,
    /// Where each kept future ends, ms.
    pub branch_ends: Vec<Number>,
    /// The moments worth jumping to.
    pub marks: Vec<MarkAnswer>,
}

/// A mark on the timeline.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkAnswer {
    /// When, ms.
    pub time_ms: Number,
    /// `election`, `leader`, `commit`, `crash`, `restart`, `cut`, `heal` or `violation`.
    pub kind: &'static str,
    /// The term it belongs to.
    pub term: Number,
    /// Its colour (CSS).
    pub color: &'static str,
    /// What happened, in words.
    pub text: String,
}

/// The live checker's verdict: `safety()`.
#[derive(Serialize)]
pub struct Safety {
    /// No violation so far.
    pub ok: bool,
    /// How many violations were found.
    pub count: Number,
    /// The first violations, each with its moment.
    pub violations: Vec<ViolationAnswer>,
    /// Every property checked after every event, by name.
    pub properties: Vec<&'static str>,
}

/// One violation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationAnswer {
    /// The property broken.
    pub property: &'static str,
    /// When, ms.
    pub time_ms: Number,
    /// What happened, in words.
    pub text: String,
}

/// Every property the checker checks, in the order people read them. The match below
/// makes a new property a compile error here until it is listed.
pub const PROPERTIES: [Property; 10] = [
    Property::ElectionSafety,
    Property::LeaderAppendOnly,
    Property::LogMatching,
    Property::LeaderCompleteness,
    Property::StateMachineSafety,
    Property::MonotonicTerm,
    Property::MonotonicCommit,
    Property::CommittedEntryKept,
    Property::SimulatorConsistency,
    Property::OneChangeAtATime,
];

const _: () = {
    const fn listed(p: Property) -> bool {
        match p {
            Property::ElectionSafety
            | Property::LeaderAppendOnly
            | Property::LogMatching
            | Property::LeaderCompleteness
            | Property::StateMachineSafety
            | Property::MonotonicTerm
            | Property::MonotonicCommit
            | Property::CommittedEntryKept
            | Property::SimulatorConsistency
            | Property::OneChangeAtATime => true,
        }
    }
    assert!(listed(Property::ElectionSafety));
};

/// The live checker's verdict on `sim`.
pub fn safety(sim: &Simulation) -> Safety {
    let checker = &sim.checker;
    let mut violations = Vec::new();
    for v in checker.violations() {
        violations.push(ViolationAnswer {
            property: v.property.name(),
            time_ms: v.time_ms as f64,
            text: v.text.clone(),
        });
    }
    let mut properties = Vec::with_capacity(PROPERTIES.len());
    for p in PROPERTIES {
        properties.push(p.name());
    }
    Safety {
        ok: checker.violation_count() == 0,
        count: checker.violation_count() as f64,
        violations,
        properties,
    }
}

/// A deliberately broken variant: one row of `bugs()`.
#[derive(Serialize)]
pub struct BugAnswer {
    /// Its name.
    pub name: &'static str,
    /// Whether it is switched on.
    pub on: bool,
    /// What it breaks, in a sentence.
    pub about: &'static str,
}

/// A scenario's progress: `scenario()`.
#[derive(Serialize)]
pub struct ScenarioAnswer {
    /// What it was loaded as; `null` when none plays.
    pub name: Option<String>,
    /// `none`, `playing`, `finished` or `failed`.
    pub state: &'static str,
    /// The line playing (or where it failed).
    pub line: Option<Number>,
    /// That line's text as people read it.
    pub text: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A guided tour's state: `tourState()`.
#[derive(Serialize, Default)]
pub struct TourAnswer {
    /// The tour's name in the address; `null` when no tour plays.
    pub name: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The step showing, from 1.
    pub step: Number,
    /// Every step's caption, in order.
    pub steps: Vec<String>,
    /// The showing step's caption.
    pub caption: Option<String>,
    /// `none`, `playing` (the step runs), `waiting` (stopped until Continue), `finished`
    /// (the last step ran) or `failed`.
    pub state: &'static str,
    /// Why it failed.
    pub error: Option<String>,
    /// What the step points at so far, as the tour writes it: `A`, `A->B`, `A 3`.
    pub shown: Vec<String>,
}

/// A tour in the Tours menu: `RiverRaft.tours()`.
#[derive(Serialize)]
pub struct TourListed {
    /// Its name in the address (`?tour=NAME`).
    pub name: &'static str,
    /// Its title.
    pub title: &'static str,
}

/// One line of the event feed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedAnswer {
    /// Simulated time, ms.
    pub time_ms: Number,
    /// Its kind, from a fixed set (`election`, `commit`, `fault`, …): a CSS class.
    pub kind: &'static str,
    /// The sentence.
    pub text: String,
}

/// What a node's menu shows: `node(id)`.
#[derive(Serialize)]
pub struct NodeInfo {
    /// Its letter.
    pub id: &'static str,
    /// Whether it runs.
    pub alive: bool,
    /// Whether it is in the configuration in use (voter or learner): it can be removed.
    pub member: bool,
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

/// The small things the page's controls show: `controls()`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Controls {
    /// Whether the clock is stopped.
    pub paused: bool,
    /// Simulated ms per wall ms.
    pub speed: f64,
    /// The speed as people read it ("1/20×").
    pub speed_label: String,
    /// The split the Split button makes ("AB|CDE").
    pub partition: String,
    /// The change the node menu suggests next.
    pub suggestion: String,
    /// The longest change accepted, in bytes.
    pub max_command_bytes: Number,
    /// The status line.
    pub status: String,
    /// The overlay canvas's width (the ring area), CSS pixels.
    pub overlay_width: f64,
    /// The overlay canvas's height, CSS pixels.
    pub overlay_height: f64,
    /// The deliberately broken variants the run uses, by name (a tour may switch one on).
    pub broken: Vec<&'static str>,
    /// The banner that says so, empty when Raft is correct.
    pub broken_text: String,
    /// The canvas is drawn in the projector view (`river_view::look`).
    pub projector: bool,
    /// Messages jump instead of gliding.
    pub reduced_motion: bool,
    /// How large the ring is drawn: 1.0 on a ring area 520 px across, more in the projector
    /// view.
    pub scale: f64,
    /// What the banner's switch-off button says (it also ends a tour or scenario).
    pub broken_off: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Viewport;
    use river_core::NodeId;
    use river_sim::kv::Op;
    use river_sim::SimConfig;
    use serde_json::{json, Value};

    fn parsed(sim: &Simulation) -> Value {
        let geo = Geometry::new(Viewport::new(900.0, 500.0), sim.size());
        serde_json::to_value(state(sim, &geo, &[], true, 0.05, &[])).unwrap()
    }

    #[test]
    fn state_lists_nodes_logs_stores_and_links() {
        let mut sim = Simulation::new(SimConfig::new(3, 2)).unwrap();
        sim.advance(1_000);
        let leader = sim.leader().unwrap();
        sim.submit(leader, Op::parse("say \"hi\"").unwrap());
        sim.submit(leader, Op::parse("x=1").unwrap());
        sim.advance(1_000);
        sim.crash(NodeId(2));
        sim.cut(NodeId(0), NodeId(1), true);
        let s = parsed(&sim);
        assert_eq!(s["timeMs"], sim.now_ms() as f64);
        assert_eq!(
            (&s["seed"], &s["paused"], &s["speed"]),
            (&json!(2.0), &json!(true), &json!(0.05))
        );
        let ids: Vec<&str> = s["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["A", "B", "C"]);
        let a = &s["nodes"][0];
        let log = a["log"].as_array().unwrap();
        assert_eq!(log[0]["command"], Value::Null, "the leader's no-op");
        assert!(log
            .iter()
            .any(|e| e["command"] == "say \"hi\"" && e["committed"].is_boolean()));
        assert_eq!(a["kv"], json!({ "x": "1" }));
        assert!(a["x"].is_f64() || a["x"].is_number());
        assert_eq!(s["nodes"][2]["role"], "down");
        assert_eq!(s["nodes"][2]["alive"], false);
        let links = s["links"].as_array().unwrap();
        assert_eq!(links.len(), 6, "every directed pair");
        assert!(links.contains(&json!({ "from": "A", "to": "B", "up": false })));
        assert!(links.contains(&json!({ "from": "B", "to": "A", "up": true })));
    }

    #[test]
    fn messages_in_flight_show_every_field_and_why() {
        let mut sim = Simulation::new(SimConfig::new(3, 5)).unwrap();
        while sim.leader().is_none() {
            sim.step();
        }
        let leader = sim.leader().unwrap();
        sim.submit(leader, Op::parse("x=1").unwrap());
        // Run until an AppendEntries carrying x=1 is on the wire.
        let m = loop {
            sim.step();
            let s = parsed(&sim);
            let found = s["messages"].as_array().unwrap().iter().find(|m| {
                m["kind"] == "AppendEntries" && m["fields"]["entries"][0]["command"] == "x=1"
            });
            if let Some(m) = found {
                break m.clone();
            }
        };
        assert_eq!(m["from"], format!("{leader}"));
        let fields = &m["fields"];
        assert_eq!(fields["prevLogIndex"], 1.0, "after the leader's no-op");
        assert_eq!(fields["leader"], format!("{leader}"));
        for key in ["term", "prevLogTerm", "leaderCommit"] {
            assert!(fields[key].is_number(), "{key} in {m}");
        }
        assert_eq!(fields["entries"][0]["index"], 2.0);
        assert!(fields["entries"][0].get("committed").is_none(), "{m}");
        assert!(m["sentMs"].is_number() && m["deliverMs"].is_number());
        assert_eq!(m["held"], false);
        assert!(m["why"].as_str().unwrap().starts_with("leader "), "{m}");
    }

    #[test]
    fn the_property_list_names_each_property_once() {
        let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name()).collect();
        for (k, n) in names.iter().enumerate() {
            assert!(!names[..k].contains(n), "{n} twice");
        }
        assert!(names.contains(&"Leader Completeness"));
    }
}
