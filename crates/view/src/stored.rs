//! What a server's log holds as the page shows it (thesis ch. 5): a snapshot standing for a
//! compacted prefix, then the entries after it, each at its real index — from the running
//! node, or from the disk of a crashed one. The log panel, `state()` and the node menu all
//! read it from here, so no one numbers entries from 1 once a log is compacted.

use alloc::format;
use alloc::string::String;
use river_core::{Entry, Snapshot};
use river_sim::kv::{Command, KvStore};
use river_sim::Simulation;

/// One server's log: its snapshot, and the entries after it.
#[derive(Clone, Copy, Debug)]
pub struct Stored<'a> {
    /// The latest snapshot, if the log was ever compacted.
    pub snapshot: Option<&'a Snapshot>,
    /// The index of `entries[0]`: one past the snapshot's last included index.
    pub first_index: u64,
    /// The entries still held.
    pub entries: &'a [Entry<Command>],
    /// The commit index the server knows (0 while it is down).
    pub commit_index: u64,
}

impl<'a> Stored<'a> {
    /// The log of server `id`: the running node's, or its disk's while it is down.
    pub fn of(sim: &'a Simulation, id: river_core::NodeId) -> Stored<'a> {
        let server = sim.server(id);
        match &server.node {
            Some(node) => Stored {
                snapshot: node.snapshot(),
                first_index: node.log().first_index().0,
                entries: node.log().entries(),
                commit_index: node.commit_index().0,
            },
            None => Stored {
                snapshot: server.disk.snapshot.as_ref(),
                first_index: server.disk.snapshot_index().0 + 1,
                entries: server.disk.log.as_slice(),
                commit_index: 0,
            },
        }
    }

    /// The last included index of the snapshot, 0 without one.
    pub fn snapshot_index(&self) -> u64 {
        self.first_index - 1
    }

    /// The index of the last entry (or of the snapshot's last), 0 for an empty log.
    pub fn last_index(&self) -> u64 {
        self.snapshot_index() + self.entries.len() as u64
    }

    /// The entry at `index`, if held (not compacted, not past the end).
    pub fn entry(&self, index: u64) -> Option<&'a Entry<Command>> {
        let k = usize::try_from(index.checked_sub(self.first_index)?).ok()?;
        self.entries.get(k)
    }

    /// Each held entry with its index.
    pub fn indexed(&self) -> impl Iterator<Item = (u64, &'a Entry<Command>)> {
        (self.first_index..).zip(self.entries.iter())
    }
}

/// The store a snapshot holds, in a few words: "x=3, y=1", "(empty)".
pub fn snapshot_store_text(snapshot: &Snapshot) -> String {
    match KvStore::decode(&snapshot.data) {
        Some(store) => store_text(&store, ", "),
        None => String::from("(not a store)"),
    }
}

/// A store's keys and values, `key=value` with `separator` between them (cut after about
/// 200 bytes: more never fits), or "(empty)".
pub fn store_text(store: &KvStore, separator: &str) -> String {
    let mut out = String::new();
    for (key, value) in store.entries() {
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
        if out.len() > 200 {
            break;
        }
    }
    if out.is_empty() {
        out.push_str("(empty)");
    }
    out
}

/// A snapshot as the log panel labels it: "snapshot ≤ 40: x=3, y=1".
pub fn snapshot_text(snapshot: &Snapshot) -> String {
    format!(
        "snapshot ≤ {}: {}",
        snapshot.index,
        snapshot_store_text(snapshot)
    )
}
