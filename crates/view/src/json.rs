//! A tiny JSON writer: the page's state is built by hand into one string, which keeps the
//! wasm small (no serde) and costs one call to cross into JavaScript.

use crate::layout::Geometry;
use crate::words::{membership_entry_text, number, op_text};
use alloc::string::String;
use core::fmt::Write;
use river_core::Payload;
use river_sim::Simulation;
use {
    crate::words::user_name,
    alloc::format,
    river_core::Body,
    river_sim::kv::OpResult,
    river_sim::network::{Endpoint, InFlight, Packet, Reply},
};

/// Appends `s` as a JSON string literal.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key(out: &mut String, k: &str) {
    string(out, k);
    out.push(':');
}

/// The page's state as `window.riverRaft.state()` returns it (see the README for the
/// shape): times, settings, every node with its log and store and where it is drawn, and
/// every directed link.
pub fn state(sim: &Simulation, geo: &Geometry, paused: bool, speed: f64) -> String {
    let mut out = String::with_capacity(1024);
    let _ = write!(
        out,
        "{{\"timeMs\":{},\"seed\":{},\"paused\":{paused},\"speed\":",
        sim.now_ms(),
        sim.config().seed
    );
    number(&mut out, speed);
    out.push_str(",\"nodes\":[");
    for id in sim.ids() {
        if id.index() > 0 {
            out.push(',');
        }
        let server = sim.server(id);
        out.push('{');
        key(&mut out, "id");
        string(&mut out, id.letter().encode_utf8(&mut [0; 4]));
        let (role, term, voted_for, commit, entries) = match &server.node {
            Some(n) => (
                n.role().name(),
                n.term(),
                n.voted_for(),
                n.commit_index().0,
                n.log().entries(),
            ),
            None => (
                "down",
                server.disk.hard_state.term,
                server.disk.hard_state.voted_for,
                0,
                server.disk.log.as_slice(),
            ),
        };
        out.push(',');
        key(&mut out, "role");
        string(&mut out, role);
        let _ = write!(out, ",\"term\":{},\"votedFor\":", term.0);
        match voted_for {
            Some(v) => string(&mut out, v.letter().encode_utf8(&mut [0; 4])),
            None => out.push_str("null"),
        }
        let _ = write!(
            out,
            ",\"commitIndex\":{commit},\"alive\":{},\"log\":[",
            server.node.is_some()
        );
        for (k, entry) in entries.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let index = k as u64 + 1;
            let _ = write!(
                out,
                "{{\"index\":{index},\"term\":{},\"command\":",
                entry.term.0
            );
            match &entry.payload {
                Payload::Command(c) => string(&mut out, &op_text(&c.op)),
                Payload::Membership(m) => string(&mut out, &membership_entry_text(*m)),
                Payload::Noop => out.push_str("null"),
            }
            let _ = write!(out, ",\"committed\":{}}}", index <= commit);
        }
        out.push_str("],\"kv\":{");
        if server.node.is_some() {
            for (k, (name, value)) in server.kv.entries().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                key(&mut out, name);
                string(&mut out, value);
            }
        }
        let (x, y) = geo.node(id);
        out.push_str("},\"x\":");
        number(&mut out, x);
        out.push_str(",\"y\":");
        number(&mut out, y);
        out.push('}');
    }
    out.push_str("],\"links\":[");
    let mut first = true;
    for a in sim.ids() {
        for b in sim.ids().filter(|&b| b != a) {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(
                out,
                "{{\"from\":\"{}\",\"to\":\"{}\",\"up\":{}}}",
                a.letter(),
                b.letter(),
                sim.network().is_up(a, b)
            );
        }
    }
    {
        out.push_str("],\"messages\":[");
        for (k, m) in sim.in_flight().enumerate() {
            if k > 0 {
                out.push(',');
            }
            message(&mut out, m);
        }
    }
    out.push_str("]}");
    out
}

/// Who an endpoint is, as the page names it: a server's letter or "User X".
pub fn endpoint(e: Endpoint) -> String {
    match e {
        Endpoint::Node(id) => format!("{id}"),
        Endpoint::Client(c) => user_name(c),
    }
}

/// A message's kind as people read it.
pub fn kind(m: &InFlight) -> &'static str {
    match &m.packet {
        Packet::Raft(raft) => raft.kind().name(),
        Packet::Request { .. } => "client request",
        Packet::Reply { .. } => "client reply",
    }
}

/// A message in a few words: "AppendEntries from C to A".
pub fn message_words(m: &InFlight) -> String {
    format!(
        "{} from {} to {}",
        kind(m),
        endpoint(m.from),
        endpoint(m.to)
    )
}

/// One message in flight: `{ id, from, to, kind, term, sentMs, deliverMs, held, fields,
/// why }`; `term` is null for client traffic; `fields` holds every field of its kind.
pub fn message(out: &mut String, m: &InFlight) {
    let (from, to) = (endpoint(m.from), endpoint(m.to));
    let _ = write!(out, "{{\"id\":{},\"from\":", m.id);
    string(out, &from);
    out.push_str(",\"to\":");
    string(out, &to);
    out.push_str(",\"kind\":");
    string(out, kind(m));
    let why = match &m.packet {
        Packet::Raft(raft) => {
            let t = raft.term;
            let _ = write!(out, ",\"term\":{},", t.0);
            match &raft.body {
                Body::RequestVote {
                    pre_vote,
                    last_log_index,
                    last_log_term,
                    leadership_transfer,
                } => {
                    let _ = write!(
                        out,
                        "\"fields\":{{\"term\":{},\"candidate\":\"{from}\",\"preVote\":{pre_vote},\"leadershipTransfer\":{leadership_transfer},\"lastLogIndex\":{},\"lastLogTerm\":{}}}",
                        t.0, last_log_index.0, last_log_term.0
                    );
                    if *leadership_transfer {
                        format!("{from} stands for election in term {t}, as its leader asked, and asks {to} for its vote (a leadership transfer passes CheckQuorum's lease)")
                    } else if *pre_vote {
                        format!("{from} asks whether {to} would vote for it in term {t} (PreVote: no term changes yet)")
                    } else {
                        format!("{from} stands for election in term {t} and asks {to} for its vote")
                    }
                }
                Body::RequestVoteResponse { pre_vote, granted } => {
                    let _ = write!(
                        out,
                        "\"fields\":{{\"term\":{},\"preVote\":{pre_vote},\"granted\":{granted}}}",
                        t.0
                    );
                    let answer = if *granted { "grants" } else { "refuses" };
                    format!("{from} {answer} {to}'s request for its vote in term {t}")
                }
                Body::AppendEntries {
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                    read_round,
                } => {
                    let _ = write!(
                        out,
                        "\"fields\":{{\"term\":{},\"leader\":\"{from}\",\"prevLogIndex\":{},\"prevLogTerm\":{},\"leaderCommit\":{},\"readRound\":{read_round},\"entries\":[",
                        t.0, prev_log_index.0, prev_log_term.0, leader_commit.0
                    );
                    for (k, e) in entries.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        let _ = write!(
                            out,
                            "{{\"index\":{},\"term\":{},\"command\":",
                            prev_log_index.0 + 1 + k as u64,
                            e.term.0
                        );
                        match &e.payload {
                            Payload::Command(c) => string(out, &op_text(&c.op)),
                            Payload::Membership(m) => string(out, &membership_entry_text(*m)),
                            Payload::Noop => out.push_str("null"),
                        }
                        out.push('}');
                    }
                    out.push_str("]}");
                    match entries.len() {
                        0 => format!("leader {from} tells {to} it still leads term {t} and that entries up to {} are committed (a heartbeat)", leader_commit.0),
                        1 => format!("leader {from} sends {to} entry {} to append after index {}", prev_log_index.0 + 1, prev_log_index.0),
                        n => format!("leader {from} sends {to} entries {} to {} to append after index {}", prev_log_index.0 + 1, prev_log_index.0 + n as u64, prev_log_index.0),
                    }
                }
                Body::TimeoutNow => {
                    let _ = write!(out, "\"fields\":{{\"term\":{}}}", t.0);
                    format!("leader {from} hands leadership to {to}: {to}'s log is complete, so it should start an election now (TimeoutNow)")
                }
                Body::ReadIndex { id } => {
                    let _ = write!(out, "\"fields\":{{\"term\":{},\"read\":{}}}", t.0, id.0);
                    format!("{from} asks leader {to} for a read index, to serve a client's read without a log entry")
                }
                Body::ReadIndexResponse { id, read_index } => {
                    let _ = write!(
                        out,
                        "\"fields\":{{\"term\":{},\"read\":{},\"readIndex\":",
                        t.0, id.0
                    );
                    match read_index {
                        Some(index) => {
                            let _ = write!(out, "{}}}", index.0);
                            format!("{from} confirmed it still leads: {to} may serve the read once it has applied index {}", index.0)
                        }
                        None => {
                            out.push_str("null}");
                            format!("{from} cannot give {to} a read index (it does not lead, or too many reads wait)")
                        }
                    }
                }
                Body::AppendEntriesResponse {
                    success,
                    match_index,
                    reject,
                    read_round,
                } => {
                    let _ = write!(
                        out,
                        "\"fields\":{{\"term\":{},\"success\":{success},\"matchIndex\":{},\"readRound\":{read_round}",
                        t.0, match_index.0
                    );
                    if let Some(hint) = reject {
                        let _ = write!(
                            out,
                            ",\"rejectedIndex\":{},\"conflictIndex\":{},\"conflictTerm\":",
                            hint.rejected_index.0, hint.conflict_index.0
                        );
                        match hint.conflict_term {
                            Some(ct) => {
                                let _ = write!(out, "{}", ct.0);
                            }
                            None => out.push_str("null"),
                        }
                    }
                    out.push('}');
                    if *success {
                        format!(
                            "{from} tells leader {to} its log matches up to index {}",
                            match_index.0
                        )
                    } else if reject.is_some() {
                        format!("{from} tells {to} its log does not match there, with a hint where to retry")
                    } else {
                        format!("{from} refuses {to}: {to}'s term {t} is out of date")
                    }
                }
            }
        }
        Packet::Request { seq, op } => {
            let text = op_text(op);
            let _ = write!(
                out,
                ",\"term\":null,\"fields\":{{\"seq\":{seq},\"command\":"
            );
            string(out, &text);
            out.push('}');
            format!("{from} asks {to} to apply {text}")
        }
        Packet::Reply { seq, reply } => {
            let _ = write!(out, ",\"term\":null,\"fields\":{{\"seq\":{seq},\"answer\":");
            let answer = match reply {
                Reply::Ok(OpResult::Done) => String::from("done"),
                Reply::Ok(OpResult::Value(Some(v))) => format!("value {v}"),
                Reply::Ok(OpResult::Value(None)) => String::from("no value"),
                Reply::NotLeader(Some(l)) => format!("not the leader; try {l}"),
                Reply::NotLeader(None) => String::from("not the leader; no leader known"),
            };
            string(out, &answer);
            out.push('}');
            format!("{from} answers {to}: {answer}")
        }
    };
    let _ = write!(
        out,
        ",\"sentMs\":{},\"deliverMs\":{},\"held\":{},\"why\":",
        m.sent_ms, m.deliver_ms, m.held
    );
    string(out, &why);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Viewport;
    use alloc::format;
    use river_core::NodeId;
    use river_sim::kv::Op;
    use river_sim::SimConfig;

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\n\u{1}<img>");
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001<img>\"");
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
        let geo = Geometry::new(Viewport::new(900.0, 500.0), 3);
        let json = state(&sim, &geo, true, 0.05);
        let head = format!(
            "{{\"timeMs\":{},\"seed\":2,\"paused\":true,\"speed\":0.05,\"nodes\":[{{\"id\":\"A\",",
            sim.now_ms()
        );
        assert!(json.starts_with(&head), "{json}");
        assert!(json.contains("\"command\":\"say \\\"hi\\\"\",\"committed\":"));
        assert!(json.contains("\"command\":null"), "the leader's no-op");
        assert!(json.contains("{\"id\":\"C\",\"role\":\"down\""));
        assert!(json.contains("{\"from\":\"A\",\"to\":\"B\",\"up\":false}"));
        assert!(json.contains("{\"from\":\"B\",\"to\":\"A\",\"up\":true}"));
        let end = json.find("\"messages\"").unwrap_or(json.len());
        let links = &json[json.find("\"links\"").unwrap()..end];
        assert_eq!(links.matches("\"from\"").count(), 6);
        assert!(json.contains("\"kv\":{\"x\":\"1\"}"));
        // Balanced brackets: a crude but useful check that it parses.
        assert_eq!(json.matches('{').count(), json.matches('}').count());
        assert_eq!(json.matches('[').count(), json.matches(']').count());
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
        let json = loop {
            sim.step();
            let json = state(
                &sim,
                &Geometry::new(Viewport::new(900.0, 500.0), 3),
                false,
                1.0,
            );
            if json.contains("\"kind\":\"AppendEntries\"") && json.contains("\"command\":\"x=1\"}]")
            {
                break json;
            }
        };
        let from = format!("\"from\":\"{leader}\"");
        assert!(json.contains(&from), "{json}");
        for field in [
            "\"prevLogIndex\":1",
            "\"prevLogTerm\":",
            "\"leaderCommit\":",
            "\"sentMs\":",
            "\"deliverMs\":",
            "\"held\":false",
            "\"why\":\"leader ",
        ] {
            assert!(json.contains(field), "{field} in {json}");
        }
        assert_eq!(json.matches('{').count(), json.matches('}').count());
    }
}
