//! The status line: where the cluster stands, in one sentence.

use super::*;
use river_core::Term;

/// Where the cluster stands, in one sentence: who leads which term (and which old leader
/// still thinks it leads), what is committed, who is down or frozen, what is cut.
pub fn status(sim: &Simulation) -> String {
    let mut out = String::new();
    // A frozen server that thinks it leads is no leader ([`Simulation::leader`]): with no
    // other, the line says so (it was "No leader yet", as if nothing had been elected).
    let mut frozen_leader: Option<NodeId> = None;
    if let Some(v) = sim.checker.violations().first() {
        out.push_str("SAFETY VIOLATED: ");
        out.push_str(&v.text);
    }
    if let Some(m) = crate::members::configuration(sim) {
        if m.voter_count() != sim.size() {
            part(&mut out).push_str(&crate::members::configuration_text(m));
        }
    }
    // A leader is stale once a majority of its configuration's voters has a newer term:
    // they refuse its messages (§5.1), so its term commits nothing more, and it has heard
    // no message of a newer term or it would have stepped down. Cut off in a minority it
    // goes on leading, unaware it lost; the line names it beside the newer leader (or the
    // newer term's election), never as the leader.
    let latest = sim.ids().map(|i| term_of(sim, i)).max();
    let stale: Vec<NodeId> = sim
        .ids()
        .filter(|&i| {
            sim.node(i).is_some_and(|n| {
                let newer = n
                    .membership()
                    .voters()
                    .filter(|&v| term_of(sim, v) > n.term())
                    .count();
                n.role() == Role::Leader && newer > n.membership().voter_count() / 2
            })
        })
        .collect();
    let leader = sim.leader().filter(|l| !stale.contains(l));
    match leader {
        Some(l) => {
            let node = sim.node(l).expect("leaders run");
            let _ = write!(part(&mut out), "{l} leads term {}", node.term());
            if !stale.is_empty() {
                stale_text(part(&mut out), sim, &stale, None);
            }
            let commit = node.commit_index().0;
            let last = node.log().last_index().0;
            // Whose log is counted is said when an older leader was just named: A's
            // uncommitted entry is not among C's "all 4 committed".
            let whose = if stale.is_empty() {
                String::new()
            } else {
                format!("{l}'s ")
            };
            let out = part(&mut out);
            if commit == last && last == 1 {
                let whose = if stale.is_empty() { "its " } else { &whose };
                let _ = write!(out, "{whose}1 entry committed");
            } else if commit == last {
                let of = if stale.is_empty() { "" } else { "of " };
                let _ = write!(out, "all {last} {of}{whose}entries committed");
            } else {
                // Fewer committed than written: at least two written.
                let _ = write!(out, "{commit} of {whose}{last} entries committed");
            }
        }
        None => {
            // Candidates of the newest term, most votes first: "Election for term 2: B has
            // 2 votes, A has 1; 3 needed".
            let mut campaigning: Vec<(usize, NodeId, bool)> = Vec::new();
            let mut newest = None;
            // A majority of the voters the candidates count, not of the servers started:
            // a removed server or a learner is no voter.
            let mut voters = sim.size();
            for id in sim.ids() {
                let Some(node) = sim.node(id) else { continue };
                let (term, pre) = match node.role() {
                    Role::Candidate => (node.term(), false),
                    Role::PreCandidate => match node.term().next_campaign() {
                        Some(term) => (term, true),
                        None => continue,
                    },
                    _ => continue,
                };
                if newest.is_some_and(|t| t > term) {
                    continue;
                }
                if newest != Some(term) {
                    newest = Some(term);
                    campaigning.clear();
                }
                // Insert in order: most votes first, then by letter (at most nine: no sort).
                let votes = node.votes();
                let at = campaigning
                    .iter()
                    .position(|c| c.0 < votes)
                    .unwrap_or(campaigning.len());
                campaigning.insert(at, (votes, id, pre));
                voters = node.membership().voter_count();
            }
            let out = part(&mut out);
            if sim.ids().all(|i| sim.node(i).is_none()) {
                out.push_str("Every server is down");
            } else if let Some(term) = newest {
                let _ = write!(out, "Election for term {term}: ");
                for (k, &(votes, id, pre)) in campaigning.iter().enumerate() {
                    let (one, many) = if pre {
                        ("PreVote", "PreVotes")
                    } else {
                        ("vote", "votes")
                    };
                    let comma = if k > 0 { ", " } else { "" };
                    let _ = write!(out, "{comma}{id} has {}", plural(votes as u64, one, many));
                }
                let _ = write!(out, "; {} needed", voters / 2 + 1);
            } else if let Some((l, term)) =
                newest_frozen_leader(sim).filter(|(l, _)| !stale.contains(l))
            {
                frozen_leader = Some(l);
                // Whether anyone is left to time out: the others may all be down or frozen.
                let others = sim
                    .ids()
                    .any(|i| i != l && sim.node(i).is_some() && !sim.frozen(i));
                let _ = write!(
                    out,
                    "{l} is frozen, still sure it leads term {term}: it sends no heartbeats, so {}",
                    if others {
                        "the first election timer to run out starts an election"
                    } else {
                        "nothing happens until a server thaws or restarts"
                    }
                );
            } else if let (Some(term), false) = (latest, stale.is_empty()) {
                let _ = write!(
                    out,
                    "No leader of term {term} yet: the first election timer to run out starts an election"
                );
            } else {
                out.push_str(
                    "No leader yet: the first election timer to run out starts an election",
                );
            }
            if !stale.is_empty() {
                stale_text(part(out), sim, &stale, latest);
            }
        }
    }
    // A removed server is shut down for good: the configuration above leaves it out, and
    // it is not "down" (which says it could come back).
    let down: Vec<NodeId> = sim
        .ids()
        .filter(|&i| sim.node(i).is_none() && !sim.server(i).retired)
        .collect();
    if !down.is_empty() {
        let _ = write!(part(&mut out), "{} down", names(&down));
    }
    let frozen: Vec<NodeId> = sim
        .ids()
        .filter(|&i| sim.frozen(i) && Some(i) != frozen_leader)
        .collect();
    if !frozen.is_empty() {
        let _ = write!(part(&mut out), "{} frozen", names(&frozen));
    }
    let (mut both, mut one) = (0u64, 0u64);
    for a in sim.ids() {
        for b in sim.ids().filter(|&b| b > a) {
            match (sim.network().is_up(a, b), sim.network().is_up(b, a)) {
                (true, true) => {}
                (false, false) => both += 1,
                _ => one += 1,
            }
        }
    }
    if both > 0 {
        let _ = write!(part(&mut out), "{} cut", plural(both, "link", "links"));
    }
    if one > 0 {
        let _ = write!(
            part(&mut out),
            "{} cut one way",
            plural(one, "link", "links")
        );
    }
    out
}

/// "A still thinks it leads term 1: it has not heard it lost", beside the newer leader; with
/// no leader of the `newest` term yet, "…: it has not heard of term 3".
fn stale_text(out: &mut String, sim: &Simulation, stale: &[NodeId], newest: Option<Term>) {
    let terms: Vec<Term> = stale
        .iter()
        .filter_map(|&i| sim.node(i).map(|n| n.term()))
        .collect();
    let mut list = String::new();
    for (k, term) in terms.iter().enumerate() {
        if k > 0 {
            list.push_str(if k + 1 == terms.len() { " and " } else { ", " });
        }
        let _ = write!(list, "{term}");
    }
    let who = crate::words::letters_and(stale);
    let _ = match (stale.len(), newest) {
        (1, None) => write!(
            out,
            "{who} still thinks it leads term {list}: it has not heard it lost"
        ),
        (1, Some(t)) => write!(
            out,
            "{who} still thinks it leads term {list}: it has not heard of term {t}"
        ),
        (_, None) => write!(
            out,
            "{who} still think they lead terms {list}: they have not heard they lost"
        ),
        (_, Some(t)) => write!(
            out,
            "{who} still think they lead terms {list}: they have not heard of term {t}"
        ),
    };
}

/// Server `id`'s current term: its disk's when it is down (it keeps it across a crash).
fn term_of(sim: &Simulation, id: NodeId) -> Term {
    sim.node(id)
        .map_or(sim.server(id).disk.hard_state.term, |n| n.term())
}

/// The frozen server that thinks it leads the newest term, and that term.
fn newest_frozen_leader(sim: &Simulation) -> Option<(NodeId, river_core::Term)> {
    let mut newest: Option<(NodeId, river_core::Term)> = None;
    for id in sim.ids().filter(|&i| sim.frozen(i)) {
        let Some(node) = sim.node(id).filter(|n| n.role() == Role::Leader) else {
            continue;
        };
        if newest.is_none_or(|(_, t)| node.term() > t) {
            newest = Some((id, node.term()));
        }
    }
    newest
}

/// `out`, after the separator that starts the next part of the status line.
fn part(out: &mut String) -> &mut String {
    if !out.is_empty() {
        out.push_str(" · ");
    }
    out
}
