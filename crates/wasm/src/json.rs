//! A tiny JSON writer: the page's state is built by hand into one string, which keeps the
//! wasm small (no serde) and costs one call to cross into JavaScript.

use crate::layout::{op_text, Geometry};
use crate::maths;
use alloc::string::String;
use core::fmt::Write;
use river_core::Payload;
use river_sim::Simulation;

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

/// Appends a number with at most two decimals (plenty for pixels and speeds); non-finite
/// values, which JSON cannot hold, become 0. Written with integers: the wasm then carries
/// no floating-point formatting code.
pub fn number(out: &mut String, v: f64) {
    let hundredths = if v.is_finite() {
        maths::round(maths::clamp(v, -1e15, 1e15) * 100.0) as i64
    } else {
        0
    };
    if hundredths < 0 {
        out.push('-');
    }
    let h = hundredths.unsigned_abs();
    let _ = write!(out, "{}", h / 100);
    match h % 100 {
        0 => {}
        f if f % 10 == 0 => {
            let _ = write!(out, ".{}", f / 10);
        }
        f => {
            let _ = write!(out, ".{f:02}");
        }
    }
}

/// [`number`] as a new string.
pub fn decimal(v: f64) -> String {
    let mut out = String::new();
    number(&mut out, v);
    out
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
    out.push_str("]}");
    out
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
    fn numbers_have_at_most_two_decimals() {
        for (v, text) in [
            (0.05, "0.05"),
            (73.6, "73.6"),
            (234.0, "234"),
            (-1.239, "-1.24"),
            (f64::NAN, "0"),
            (0.001, "0"),
        ] {
            assert_eq!(decimal(v), text);
        }
    }

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
        assert_eq!(json.matches("\"from\"").count(), 6);
        assert!(json.contains("\"kv\":{\"x\":\"1\"}"));
        // Balanced brackets: a crude but useful check that it parses.
        assert_eq!(json.matches('{').count(), json.matches('}').count());
        assert_eq!(json.matches('[').count(), json.matches(']').count());
    }
}
