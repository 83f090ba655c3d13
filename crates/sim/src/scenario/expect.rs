//! Expectations: reading an `expect` line into an [`Expect`], and checking one against a
//! simulation.

use super::parse::Parser;
use super::play::{Acted, Request};
use super::words::{listed, quoted, Words};
use super::{Cmp, Expect, Parsed, Quantity, Scenario};
use crate::checker::Property;
use crate::history::{OpFn, OpType};
use crate::nearest::did_you_mean;
use crate::network::Reply;
use crate::reasons::request_refusal_text;
use crate::sim::Simulation;
use crate::view::names;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_core::{NodeId, Role};

impl Scenario {
    pub(super) fn parse_expect(p: &Parser, w: &mut Words<'_>) -> Parsed<Expect> {
        let first = w.next("what to expect")?;
        Ok(match first {
            "converged" => Expect::Converged,
            "refused" => Expect::Refused(w.rest()),
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
                // A misspelt expectation reads as a node letter: name the one it is near.
                let id = p.node_word(w, node).map_err(|mut e| {
                    let hint = did_you_mean(node, EXPECTATIONS);
                    if !hint.is_empty() {
                        e.message = format!("cannot expect {}{hint}", quoted(node));
                    }
                    e
                })?;
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

/// What `expect …` may check besides a server, for "did you mean".
const EXPECTATIONS: [&str; 8] = [
    "converged",
    "safe",
    "read",
    "stale",
    "violation",
    "leader",
    "no",
    "refused",
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

/// Checks one expectation, `acted` the last line that acted (for `expect refused`); the
/// error says what was expected and what was found.
pub(super) fn check(
    sim: &Simulation,
    acted: Option<&Acted>,
    expect: &Expect,
) -> Result<(), String> {
    let named = match expect {
        Expect::Role(id, _)
        | Expect::Frozen(id)
        | Expect::Number(id, ..)
        | Expect::Vote(id, _)
        | Expect::Kv(id, ..)
        | Expect::Voters(id, _) => Some(*id),
        _ => None,
    };
    if let Some(id) = named.filter(|id| id.index() >= sim.size()) {
        return Err(crate::timeline::never_started_text(id));
    }
    match expect {
        Expect::Refused(phrase) => refused(sim, acted, phrase),
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

/// `expect refused [PHRASE]`: the last line that acted was refused, for a reason that says
/// `phrase` if one is given. A `propose` or `read` the simulation took may still be refused
/// by the server it reached: then its answer is the reason, once it has come back.
fn refused(sim: &Simulation, acted: Option<&Acted>, phrase: &str) -> Result<(), String> {
    let Some(acted) = acted else {
        return Err(String::from(
            "expected a refusal, but no line before it acts",
        ));
    };
    let line = acted.line;
    let why = match (&acted.refusal, acted.request) {
        (Some(why), _) => why.clone(),
        (None, None) => {
            return Err(format!(
                "expected line {line} to be refused, but it was carried out"
            ))
        }
        (None, Some(request)) => request_refused(sim, line, request)?,
    };
    if why.contains(phrase) {
        Ok(())
    } else {
        Err(format!(
            "line {line} was refused ({why}), but not for a reason that says \"{phrase}\""
        ))
    }
}

/// Why the server refused the request `line` sent, from the answer the user heard; an
/// error if it was carried out or no answer has come back.
fn request_refused(sim: &Simulation, line: usize, request: Request) -> Result<String, String> {
    let client = &sim.clients()[request.client as usize];
    match &client.answered {
        Some((seq, Reply::NotLeader(hint))) if *seq == request.seq => {
            Ok(request_refusal_text(request.to, *hint))
        }
        Some((seq, Reply::Ok(_))) if *seq == request.seq => Err(format!(
            "expected line {line} to be refused, but {} carried it out",
            request.to
        )),
        _ if client.outstanding.as_ref().is_some_and(|o| o.seq == request.seq) => Err(format!(
            "expected line {line} to be refused, but its request has no answer yet (a wait lets the answer come back)"
        )),
        _ => Err(format!(
            "expected line {line} to be refused, but its request was never answered"
        )),
    }
}
