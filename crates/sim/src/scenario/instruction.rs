//! Reading one instruction of a scenario (`crash A`, `cut A -> B`, `partition AB | CDE`,
//! `wait leader within 3000`, `show A 3`, …) into its [`Step`].

use super::parse::{Parser, SETTINGS};
use super::words::{quoted, split_arrow, Words};
use super::{Highlight, Parsed, Scenario, Step, WaitFor};
use crate::kv::Op;
use crate::nearest::did_you_mean;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;
use river_core::{NodeId, MAX_CLUSTER_SIZE};

impl Scenario {
    pub(super) fn parse_step(
        p: &mut Parser,
        verb: &str,
        w: &mut Words<'_>,
        content: &str,
    ) -> Parsed<Step> {
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
}

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
