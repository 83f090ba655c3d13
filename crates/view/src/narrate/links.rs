//! Link changes in the feed: a run of cuts and repairs told as one sentence ("Cut links: A–C,
//! B → D", "Every link is restored").

use super::*;

impl Narrator {
    /// One sentence for a run of link changes: "Cut: A–C, B → D".
    pub(super) fn links(
        changes: &mut Vec<(u64, NodeId, NodeId, bool)>,
        sim: &Simulation,
        feed: &mut Feed,
    ) {
        let t = changes.first().map_or(0, |c| c.0);
        for up in [false, true] {
            // The links, written as one list ("A–C, B → D").
            let (mut list, mut count) = (String::new(), 0);
            let mut done: Vec<(NodeId, NodeId)> = Vec::new();
            for &(_, a, b, _) in changes.iter().filter(|c| c.3 == up) {
                if done.contains(&(a, b)) {
                    continue;
                }
                let both = changes
                    .iter()
                    .any(|&(_, x, y, v)| x == b && y == a && v == up);
                let comma = if count > 0 { ", " } else { "" };
                count += 1;
                if both {
                    done.push((b, a));
                    let _ = write!(list, "{comma}{}–{}", a.min(b), a.max(b));
                } else {
                    let _ = write!(list, "{comma}{a} → {b}");
                }
                done.push((a, b));
            }
            if count == 0 {
                continue;
            }
            let all_up = sim
                .ids()
                .all(|a| sim.ids().all(|b| a == b || sim.network().is_up(a, b)));
            let links = if count == 1 { "link" } else { "links" };
            let text = if up && all_up && count > 1 {
                String::from("Every link is restored")
            } else if up {
                format!("Restored {links}: {list}")
            } else {
                format!("Cut {links}: {list}")
            };
            feed.push(t, FeedKind::Fault, text);
        }
        changes.clear();
    }
}
