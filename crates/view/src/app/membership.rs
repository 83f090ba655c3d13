//! Adding and removing servers (thesis §4.1–4.2): the page asks the leader, through the
//! timeline so time travel and replay rebuild the change exactly. A change the leader would
//! refuse is refused here first, with its reason, and nothing is recorded: adding starts a
//! server, which must not happen for a change no one takes.

use super::*;
use crate::action::Node;
use crate::narrate::membership_request_text;
use crate::settings::MAX_NODES;
use river_core::{ChangeRefusal, MembershipChange, Proposal};
use river_sim::trace::ChangeOutcome;

impl App {
    /// Starts the next server (up to [`MAX_NODES`], the most the page draws: the core
    /// takes more) and asks the leader to take it in as a learner.
    pub(super) fn add_server(&mut self) -> Result<(), String> {
        let sim = self.tl.sim();
        let size = sim.size();
        if size >= MAX_NODES {
            let removed = sim.ids().any(|id| sim.server(id).retired);
            let note = if removed {
                " (a removed server keeps its place and letter)"
            } else {
                ""
            };
            return Err(format!(
                "{MAX_NODES} servers have been started{note}, the most the page can draw"
            ));
        }
        self.ask_leader(MembershipChange::AddLearner(NodeId(size as u8)))?;
        self.act(Input::AddServer);
        Ok(())
    }

    /// Asks the leader to remove `node` from the configuration.
    pub(super) fn remove_server(&mut self, node: Node) -> Result<(), String> {
        let id = self.member(node)?;
        self.removal(id)?;
        self.act(Input::RemoveServer(id));
        Ok(())
    }

    /// Whether the leader would take `id` out of the configuration now; `Err` says why
    /// not. The action and the menu's button ask the same.
    pub(super) fn removal(&self, id: NodeId) -> Result<(), String> {
        if self.tl.sim().server(id).retired {
            return Err(format!("{id} was removed already"));
        }
        self.ask_leader(MembershipChange::Remove(id))
    }

    /// Asks the leader to hand its leadership to `node` (thesis §3.10).
    pub(super) fn make_leader(&mut self, node: Node) -> Result<(), String> {
        let id = self.member(node)?;
        let leader = self.handing_to(id)?;
        self.act(Input::Transfer(leader, id));
        Ok(())
    }

    /// The leader that would hand its leadership to `id` now; `Err` says why none would:
    /// no server leads, `id` leads already, is down or removed or does not vote, or a
    /// transfer runs. The action and the menu's button ask the same.
    pub(super) fn handing_to(&self, id: NodeId) -> Result<NodeId, String> {
        let sim = self.tl.sim();
        let Some(leader) = sim.leader() else {
            return Err(format!(
                "no server leads, so no one can hand leadership to {id}"
            ));
        };
        if sim.server(id).retired {
            return Err(format!("{id} was removed from the cluster and stays down"));
        }
        if sim.node(id).is_none() {
            return Err(format!("{id} is down; restart it first"));
        }
        let mut trial = sim.node(leader).expect("the leader runs").clone();
        let outcome = trial.transfer_leadership(id);
        match river_sim::reasons::transfer_refusal_text(leader, id, outcome) {
            Some(why) => Err(why),
            None => Ok(leader),
        }
    }

    /// What the leader would answer to `change` now, tried on a copy of it: `Err` says why
    /// it would refuse (no leader, a change in flight, no entry of its term committed yet,
    /// a leadership transfer running).
    fn ask_leader(&self, change: MembershipChange) -> Result<(), String> {
        let sim = self.tl.sim();
        let Some(leader) = sim.leader() else {
            return Err(
                membership_request_text(change, ChangeOutcome::NoLeader) + "; wait for an election"
            );
        };
        let mut trial = sim.node(leader).expect("the leader runs").clone();
        let outcome = match trial.propose_membership(change) {
            Ok(Proposal::Appended { .. }) => return Ok(()),
            Ok(Proposal::Transferring { target }) => ChangeOutcome::Transferring { leader, target },
            Ok(Proposal::NotLeader { .. }) => ChangeOutcome::NoLeader,
            Err(reason) => ChangeOutcome::Refused { leader, reason },
        };
        let mut why = membership_request_text(change, outcome);
        // Right after an election the change will be taken in a moment: the page says so
        // rather than queue it until then, so that Add server does what the scenario line
        // `add E` and `river run` do, and the refusal shows the rule it teaches.
        if let ChangeOutcome::Refused {
            reason: ChangeRefusal::NoCommitInTerm,
            ..
        } = outcome
        {
            why.push_str(". Try again in a moment.");
        }
        Err(why)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, carried, json, Acts};
    use crate::action::{self, Action};
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    fn add(a: &mut super::App) -> Result<(), String> {
        a.apply(Action::AddServer).map(drop)
    }

    fn remove(a: &mut super::App, letter: &str) -> Result<(), String> {
        a.apply(Action::RemoveServer(action::node(letter).unwrap()))
            .map(drop)
    }

    fn feed(a: &mut super::App) -> String {
        let lines: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
        lines.join("\n")
    }

    /// Thesis §4.2.1: a new server joins as a learner, is promoted once caught up, and
    /// the ring grows; removing one takes it out and the feed says so in words.
    #[test]
    fn a_server_joins_as_a_learner_then_votes_and_one_is_removed() {
        let mut a = app("?seed=4&nodes=5");
        a.advance(3_000.0).unwrap();
        feed(&mut a);
        add(&mut a).unwrap();
        let s = json(&a.state());
        assert_eq!(s["nodes"].as_array().unwrap().len(), 6);
        assert_eq!(s["nodes"][5]["membership"], "learner");
        assert_eq!(s["nodes"][5]["role"], "learner");
        assert_eq!(s["learners"], serde_json::json!(["F"]));
        assert_eq!(s["configurationText"], "members A–E; F is a learner");
        assert_eq!(a.geometry().nodes.len(), 6, "the ring re-lays itself");
        // The toolbar's Nodes says six; a fresh run would still have five.
        assert_eq!(a.controls().servers, 6.0);
        assert_eq!(json(&a.settings_answer())["nodes"], "5");
        assert!(a.status().contains("F is a learner"), "{}", a.status());
        a.advance(3_000.0).unwrap();
        let s = json(&a.state());
        assert_eq!(
            s["configuration"],
            serde_json::json!(["A", "B", "C", "D", "E", "F"])
        );
        assert_eq!(s["learners"], serde_json::json!([]));
        assert_eq!(s["nodes"][5]["membership"], "voter");
        let said = feed(&mut a);
        // The commit is told once, when it happens, with what it means; the new
        // configuration once, at the leader, not once for every server that stores it
        // (twice: F joins as a learner, then is promoted).
        assert!(
            said.contains("(config A, B, C, D, E, F): a majority stores it; F now votes"),
            "{said}"
        );
        assert!(!said.contains("the change to A–F commits"), "{said}");
        assert_eq!(
            said.matches("now uses the configuration").count(),
            2,
            "{said}"
        );

        remove(&mut a, "B").unwrap();
        a.advance(3_000.0).unwrap();
        let s = json(&a.state());
        assert_eq!(
            s["configuration"],
            serde_json::json!(["A", "C", "D", "E", "F"])
        );
        assert_eq!(s["nodes"][1]["membership"], "none");
        let said = feed(&mut a);
        // The leader removed itself: it says so as it steps down, and the next leader
        // holding the same configuration is not told as a second commit.
        assert!(
            said.contains("B stepped down: the change that removes it from the cluster committed"),
            "{said}"
        );
        // Shut down, not crashed; one line for the commit, one for the shutdown.
        assert!(!said.contains("B crashed"), "{said}");
        assert!(said.contains("B shuts down for good"), "{said}");
        assert!(
            !said.lines().any(|l| l.starts_with("the change to")),
            "{said}"
        );
        assert!(
            !a.status().contains("down"),
            "removed is not down: {}",
            a.status()
        );
        assert_eq!(remove(&mut a, "B").unwrap_err(), "B was removed already");
    }

    /// A change no leader would take is refused with the reason, and nothing is recorded
    /// (no server starts).
    #[test]
    fn a_refused_change_says_why_and_changes_nothing() {
        let mut a = app("?seed=4&nodes=3");
        let e = add(&mut a).unwrap_err();
        assert!(e.contains("no server leads"), "{e}");
        assert_eq!(a.sim().size(), 3, "no server started");
        a.advance(3_000.0).unwrap();
        add(&mut a).unwrap();
        let e = remove(&mut a, "B").unwrap_err();
        assert!(e.contains("another change is not committed yet"), "{e}");
        let e = remove(&mut a, "Z").unwrap_err();
        assert!(
            e.contains("not a node letter") || e.contains("not a node of this cluster"),
            "{e}"
        );
        let journal = a.journal();
        assert_eq!(journal.matches("add-server").count(), 1, "{journal}");
        assert!(!journal.contains("remove-server"), "{journal}");
    }

    /// A leader that has not committed an entry of its term yet refuses (Ongaro's erratum),
    /// and the page says so in plain words, and that it will work in a moment.
    #[test]
    fn a_new_leader_refuses_until_it_commits_in_its_term() {
        let mut a = app("?seed=4&nodes=3");
        for _ in 0..20_000 {
            if a.sim().leader().is_some() {
                break;
            }
            a.step_event();
        }
        let e = add(&mut a).unwrap_err();
        assert!(
            e.contains("has not yet committed an entry of its own term"),
            "{e}"
        );
        // In plain words, with when it will work: the page's notice said only the rule.
        assert!(e.contains("elected a moment ago"), "{e}");
        assert!(e.ends_with("Try again in a moment."), "{e}");
        assert_eq!(a.sim().size(), 3);
    }

    /// Makes `target` leader through the page's action, checks that it leads a second
    /// later, and returns what the feed said meanwhile.
    fn make_leader(a: &mut super::App, target: &str) -> String {
        a.apply(Action::MakeLeader(action::node(target).unwrap()))
            .unwrap();
        a.advance(1_000.0).unwrap();
        assert_eq!(
            a.sim().leader().map(|l| l.letter().to_string()).as_deref(),
            Some(target)
        );
        feed(a)
    }

    /// Thesis §3.10: "Make leader" hands leadership over; the feed explains TimeoutNow.
    #[test]
    fn make_leader_hands_leadership_over() {
        let mut a = app("?seed=4&nodes=5");
        a.advance(3_000.0).unwrap();
        let leader = a.sim().leader().unwrap();
        let target = if leader.0 == 2 { "D" } else { "C" };
        let e = a.apply(Action::MakeLeader(
            action::node(&leader.letter().to_string()).unwrap(),
        ));
        assert!(e.unwrap_err().contains("leads already"));
        feed(&mut a);
        let said = make_leader(&mut a, target);
        assert!(said.contains("TimeoutNow"), "{said}");
        // Told to campaign, it did not time out: one line for it, not two.
        assert!(said.contains(&format!("{target} got TimeoutNow")), "{said}");
        assert!(
            !said.contains(&format!("{target} timed out and started")),
            "{said}"
        );
        assert_eq!(a.journal().matches("make-leader").count(), 1);
    }

    /// A target that was behind answers several appends before it campaigns, and the
    /// leader sends TimeoutNow after each: the feed tells it once.
    #[test]
    fn a_lagging_target_is_sent_timeout_now_in_one_line() {
        let mut a = app("?seed=4&nodes=5");
        a.advance(3_000.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        let target = if leader == "D" { "C" } else { "D" };
        a.done(Action::Freeze(action::node(target).unwrap()))
            .unwrap();
        for command in ["x=1", "x=2", "x=3"] {
            a.propose(&leader, command).unwrap();
            a.advance(150.0).unwrap();
        }
        a.done(Action::Thaw(action::node(target).unwrap())).unwrap();
        feed(&mut a);
        let said = make_leader(&mut a, target);
        assert_eq!(said.matches("TimeoutNow: ").count(), 1, "{said}");
    }

    /// While an election runs after removals, the status line counts the majority of the
    /// voters, not of every server the page started.
    #[test]
    fn an_election_after_removals_needs_a_majority_of_the_voters() {
        let mut a = app("?seed=4&nodes=5");
        a.advance(3_000.0).unwrap();
        let leader = a.sim().leader().unwrap();
        let others: Vec<String> = a
            .sim()
            .ids()
            .filter(|&id| id != leader)
            .map(|id| id.letter().to_string())
            .collect();
        for gone in &others[..2] {
            remove(&mut a, gone).unwrap();
            a.advance(2_000.0).unwrap();
        }
        a.crash(&leader.letter().to_string()).unwrap();
        let mut seen = String::new();
        for _ in 0..5_000 {
            a.step_event();
            if a.status().starts_with("Election") || a.status().contains("· Election") {
                seen = a.status().to_string();
                break;
            }
        }
        assert!(seen.contains("; 2 needed"), "3 voters: {seen}");
        assert!(!seen.contains(&format!("{} down", others[0])), "{seen}");
    }

    /// The page draws at most nine servers (the core takes fifteen): a tenth is refused,
    /// saying why, and nothing starts.
    #[test]
    fn adding_stops_at_the_ninth_server() {
        let mut a = app("?seed=4&nodes=8");
        a.advance(3_000.0).unwrap();
        add(&mut a).unwrap();
        a.advance(3_000.0).unwrap();
        assert_eq!(a.sim().size(), 9);
        let e = add(&mut a).unwrap_err();
        assert_eq!(e, "9 servers have been started, the most the page can draw");
        assert_eq!(a.sim().size(), 9, "no tenth server starts");
        assert_eq!(a.journal().matches("add-server").count(), 1);
        // A removed server keeps its letter: the page says so. A follower's removal is
        // told with the leader's commit, when it happens.
        feed(&mut a);
        let gone = if a.sim().leader().unwrap().0 == 0 {
            "B"
        } else {
            "A"
        };
        remove(&mut a, gone).unwrap();
        a.advance(3_000.0).unwrap();
        let said = feed(&mut a);
        assert!(
            said.contains(&format!(
                "a majority stores it; {gone} is no longer a member"
            )),
            "{said}"
        );
        assert!(
            !said.lines().any(|l| l.starts_with("the change to")),
            "{said}"
        );
        let e = add(&mut a).unwrap_err();
        assert!(e.contains("a removed server keeps its place"), "{e}");
    }

    /// The Logs panel says in words which row is a learner's and which a removed
    /// server's (whose store is not "lost in the crash"); in a 320×240 embed with a
    /// snapshot column, no role word is drawn under the snapshot block.
    #[test]
    fn log_rows_name_learners_and_removed_servers() {
        let words = |a: &mut super::App| -> Vec<String> {
            a.repaint();
            let (base, _) = a.scenes();
            base.unwrap().texts().map(String::from).collect()
        };
        let mut a = app("?seed=4&nodes=5");
        a.advance(3_000.0).unwrap();
        add(&mut a).unwrap();
        assert!(words(&mut a).iter().any(|t| t == "learner"));
        let info = json(&a.node_info(action::node("F").unwrap()).unwrap());
        assert_eq!(info["voter"], false, "its menu offers no Make leader");
        // On the ring its tag is not in the candidate's colour.
        a.repaint();
        let (_, overlay) = a.scenes();
        let shapes = &overlay.unwrap().shapes;
        let tag = shapes
            .windows(2)
            .find_map(|w| match w {
                [crate::scene::Shape::Rect { fill, .. }, crate::scene::Shape::Text { text, .. }]
                    if text == "learner" =>
                {
                    Some(*fill)
                }
                _ => None,
            })
            .expect("a learner tag on the ring");
        assert_ne!(tag, Some(crate::theme::CANDIDATE));
        a.advance(3_000.0).unwrap();
        let gone = if a.sim().leader().unwrap().0 == 0 {
            "B"
        } else {
            "A"
        };
        remove(&mut a, gone).unwrap();
        a.advance(3_000.0).unwrap();
        let said = words(&mut a);
        assert!(said.iter().any(|t| t == "removed"), "{said:?}");
        // No log entry lies over the word (at 80 px of label the entries covered its end).
        a.repaint();
        let (base, _) = a.scenes();
        let shapes = &base.unwrap().shapes;
        use crate::scene::{text_width, Shape, SANS_ADVANCE};
        for shape in shapes {
            let Shape::Text {
                x, y, text, font, ..
            } = shape
            else {
                continue;
            };
            if text != "removed" && text != "leader" {
                continue;
            }
            let end = x + text_width(text, font.size, SANS_ADVANCE) * 1.1;
            let covered = shapes.iter().any(|r| {
                matches!(r, Shape::Rect { x: rx, y: ry, w, h, .. }
                    if *ry <= *y && *y <= ry + h && *rx < end && rx + w > *x && *w < 100.0)
            });
            assert!(!covered, "{text} at {x},{y} is covered");
        }
        // Its menu offers no Restart; a read sent to it, which would never be answered,
        // is refused.
        let info = json(&a.node_info(action::node(gone).unwrap()).unwrap());
        assert_eq!(info["removed"], true);
        assert!(info["refused"]["crash"].is_string(), "{info}");
        let e = a
            .apply(Action::Read {
                node: action::node(gone).unwrap(),
                key: "x".into(),
            })
            .unwrap_err();
        assert_eq!(
            e,
            format!("{gone} was removed from the cluster and stays down")
        );
        // The pointer's and the keyboard's words say so too (they said "crashed").
        let id = river_core::NodeId(gone.as_bytes()[0] - b'A');
        assert_eq!(a.describe(id), "removed from the cluster");
        assert!(
            !said.iter().any(|t| t.contains("lost in the crash")),
            "{said:?}"
        );

        let leader = a.sim().leader().unwrap().letter().to_string();
        a.apply(Action::Snapshot(action::node(&leader).unwrap()))
            .unwrap();
        a.resize(312.0, 186.0);
        let said = words(&mut a);
        assert!(said.iter().any(|t| t.starts_with("snapshot ≤")), "{said:?}");
        for word in ["leader", "removed", "learner"] {
            assert!(!said.iter().any(|t| t == word), "{word}: {said:?}");
        }
    }

    /// Time travel over an add rebuilds the same state exactly, and a journal carries it.
    #[test]
    fn seeking_back_over_an_add_rebuilds_the_same_state() {
        let mut a = app("?seed=8&nodes=3");
        a.advance(2_500.0).unwrap();
        let before = json(&a.state());
        add(&mut a).unwrap();
        a.advance(2_000.0).unwrap();
        remove(&mut a, "A").ok();
        a.advance(2_000.0).unwrap();
        let end = a.sim().now_ms() as f64;
        let after = json(&a.state());
        a.seek(2_499.0).unwrap();
        assert_eq!(json(&a.state())["nodes"].as_array().unwrap().len(), 3);
        assert_eq!(json(&a.state())["configuration"], before["configuration"]);
        assert_eq!(a.geometry().nodes.len(), 3, "the ring has three again");
        a.seek(end).unwrap();
        assert_eq!(json(&a.state()), after);
        assert_eq!(a.geometry().nodes.len(), 4);
        // Played forward from before the add, the recorded inputs (not a checkpoint taken
        // after it) bring the same state back.
        a.seek(2_499.0).unwrap();
        a.advance(end - 2_499.0).unwrap();
        assert_eq!(json(&a.state()), after);
        let b = carried(&mut a);
        assert_eq!(json(&b.state()), after);
    }
}
