//! The whole picture, `state()`: every server with its log, store and place on the canvas,
//! every link, and the messages in flight.

use super::*;

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
    /// Whether it is frozen: running, but stalled (its timers and inbox wait).
    pub frozen: bool,
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
            frozen: server.frozen_since_ms.is_some(),
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
}
