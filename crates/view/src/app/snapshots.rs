//! Log compaction on the page (thesis ch. 5, paper §7): a person has a server take a
//! snapshot now, through the timeline so time travel and replay rebuild it exactly. A
//! server with nothing new to compact says so and nothing is recorded.

use super::*;
use crate::action::Node;

impl App {
    /// Has `node` compact its log up to what it has applied.
    pub(super) fn snapshot(&mut self, node: Node) -> Result<(), String> {
        let id = self.member(node)?;
        self.act_checked(Input::Snapshot(id))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, carried, json, Acts};
    use crate::action::{self, Action};
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    fn snapshot(a: &mut super::App, letter: &str) -> Result<(), String> {
        a.apply(Action::Snapshot(action::node(letter).unwrap()))
            .map(drop)
    }

    /// Thesis §5.1: after a snapshot the log holds only the entries after it, each still
    /// at its real index, and `state()` reports the snapshot's bounds and store.
    #[test]
    fn a_snapshot_replaces_the_applied_prefix_and_entries_keep_their_indexes() {
        let mut a = app("?seed=4&nodes=3");
        let e = snapshot(&mut a, "A").unwrap_err();
        assert!(e.contains("nothing to compact"), "{e}");
        a.advance(2_000.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        for command in ["x=3", "y=1", "x=4"] {
            a.propose(&leader, command).unwrap();
            a.advance(400.0).unwrap();
        }
        let before = json(&a.state());
        let node = &before["nodes"][0];
        assert_eq!(node["snapshot"], serde_json::Value::Null);
        let last = node["log"].as_array().unwrap().last().unwrap()["index"].clone();
        snapshot(&mut a, "A").unwrap();
        let s = json(&a.state());
        let node = &s["nodes"][0];
        let bound = node["snapshot"]["lastIncludedIndex"].as_f64().unwrap();
        assert_eq!(Some(bound), last.as_f64(), "A had applied its whole log");
        assert_eq!(
            node["snapshot"]["text"],
            format!("snapshot ≤ {bound}: x=4, y=1")
        );
        assert!(node["snapshot"]["lastIncludedTerm"].as_f64().unwrap() >= 1.0);
        assert_eq!(node["log"].as_array().unwrap().len(), 0);
        // The others keep their logs; new entries on A are numbered after the snapshot.
        assert_eq!(s["nodes"][1]["snapshot"], serde_json::Value::Null);
        a.propose(&leader, "z=5").unwrap();
        a.advance(400.0).unwrap();
        let s = json(&a.state());
        let log = s["nodes"][0]["log"].as_array().unwrap();
        assert_eq!(log[0]["index"].as_f64(), Some(bound + 1.0));
        assert_eq!(log[0]["command"], "z=5");
        let e = snapshot(&mut a, "B");
        assert!(e.is_ok(), "{e:?}");
        a.advance(10.0).unwrap();
        snapshot(&mut a, "A").unwrap();
        let e = snapshot(&mut a, "A").unwrap_err();
        assert!(e.contains("nothing new to compact"), "{e}");
        a.crash("A").unwrap();
        let s = json(&a.state());
        assert_eq!(
            s["nodes"][0]["snapshot"]["lastIncludedIndex"].as_f64(),
            Some(bound + 1.0),
            "a crashed server's snapshot is read from its disk"
        );
        assert!(snapshot(&mut a, "A").unwrap_err().contains("is down"));
        assert_eq!(a.journal().matches("snapshot").count(), 3);
        let b = carried(&mut a);
        assert_eq!(json(&b.state()), json(&a.state()), "a journal carries it");
    }

    /// Three servers with a leader, set to compact after every applied entry, the user's
    /// x=1 just sent to the leader, and the feed read so far taken.
    fn compacting_after_each_entry() -> super::App {
        let mut a = app("?seed=4&nodes=3");
        a.advance(2_000.0).unwrap();
        a.apply(Action::Set {
            name: crate::settings::Setting::SnapshotThreshold,
            value: "1".into(),
        })
        .unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.take_feed();
        a.propose(&leader, "x=1").unwrap();
        a
    }

    /// The snapshot threshold setting compacts the running cluster's logs on their own, and
    /// a commit compacted away before it is told still reads in words.
    #[test]
    fn the_threshold_compacts_on_its_own_and_commits_are_still_told() {
        let mut a = compacting_after_each_entry();
        a.advance(400.0).unwrap();
        let said: Vec<String> = a.take_feed().into_iter().map(|l| l.text).collect();
        let said = said.join("\n");
        assert!(!said.contains("(?)"), "{said}");
        assert!(said.contains("(now in its snapshot)"), "{said}");
        let s = json(&a.state());
        for node in s["nodes"].as_array().unwrap() {
            assert_eq!(
                node["snapshot"]["lastIncludedIndex"].as_f64(),
                Some(2.0),
                "{node}"
            );
        }
    }

    /// The log panel draws the snapshot as one block at the head of the log, labelled with
    /// its last index and store, and numbers the columns by real index.
    #[test]
    fn the_log_panel_draws_a_snapshot_block() {
        let mut a = app("?seed=4&nodes=3");
        a.advance(2_000.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.propose(&leader, "x=3").unwrap();
        a.advance(400.0).unwrap();
        snapshot(&mut a, "B").unwrap();
        let bound = a
            .sim()
            .node(river_core::NodeId(1))
            .unwrap()
            .log()
            .snapshot_index();
        a.repaint();
        let (base, _) = a.scenes();
        let drawn: Vec<String> = base.expect("painted").texts().map(String::from).collect();
        let label = format!("snapshot ≤ {bound}: x=3");
        let two_lines = drawn.iter().any(|t| t == &format!("snapshot ≤ {bound}"))
            && drawn.iter().any(|t| t == "x=3");
        assert!(drawn.contains(&label) || two_lines, "{label} in {drawn:?}");
        assert!(drawn.iter().any(|t| t == "snapshot"), "the column's header");
    }

    /// In a 320×240 embed's frame a log with a snapshot keeps its entries inside the Logs
    /// panel (the two-column snapshot block pushed them past its right edge).
    #[test]
    fn a_snapshot_in_the_smallest_embed_keeps_the_entries_in_the_panel() {
        let mut a = app("?seed=4&nodes=5&embed");
        a.advance(2_000.0).unwrap();
        let leader = a.sim().leader().unwrap().letter().to_string();
        a.propose(&leader, "x=1").unwrap();
        a.advance(400.0).unwrap();
        snapshot(&mut a, &leader).unwrap();
        a.propose(&leader, "y=2").unwrap();
        a.advance(400.0).unwrap();
        a.resize(312.0, 186.0);
        a.repaint();
        let logs = a.geometry().logs;
        let (base, _) = a.scenes();
        let mut cells = 0;
        for shape in &base.unwrap().shapes {
            if let crate::scene::Shape::Rect { x, y, w, .. } = *shape {
                if y > logs.y && x > logs.x && w < logs.w / 2.0 {
                    cells += 1;
                    assert!(
                        x + w <= logs.right() + 0.5,
                        "{x} + {w} past {}",
                        logs.right()
                    );
                }
            }
        }
        assert!(cells > 0, "entries drawn");
    }

    /// Frame by frame at full speed (16 ms): the leader has compacted an entry by the end
    /// of the frame it committed it in, but the followers still hold it, and the feed names
    /// it from there ("(x=1)", not "(now in its snapshot)", which read as if it came first).
    #[test]
    fn a_commit_compacted_at_once_is_still_named() {
        let mut a = compacting_after_each_entry();
        let mut said = String::new();
        for _ in 0..200 {
            a.advance(16.0).unwrap();
            for line in a.take_feed() {
                said.push_str(&line.text);
                said.push('\n');
            }
            if said.contains("committed entry") {
                break;
            }
        }
        assert!(said.contains("committed entry 2 (x=1)"), "{said}");
    }
}
