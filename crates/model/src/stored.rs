//! What a snapshot holds in the model, and a node's whole log read through it.
//!
//! The model's state machine is the applied log itself, so a snapshot (thesis ch. 5) holds
//! the entries it stands for, encoded by [`encode`]. That lets every check see a compacted
//! prefix as the entries it replaced ([`full_log`]): Log Matching, Leader Completeness and
//! State Machine Safety compare whole logs, and a follower that installs a snapshot is
//! checked as having applied each entry in it.

use crate::history::Command;
use river_core::{Entry, Membership, Node, NodeId, Payload, Term, MAX_CLUSTER_SIZE};
use std::borrow::Cow;
use std::sync::Arc;

/// Bytes per encoded entry: its term (8), what it carries (1) and a value (4).
const ENTRY_BYTES: usize = 13;

/// The snapshot data standing for `entries` (index 1 first).
pub fn encode(entries: &[Entry<Command>]) -> Arc<[u8]> {
    let mut data = Vec::with_capacity(entries.len() * ENTRY_BYTES);
    for entry in entries {
        data.extend_from_slice(&entry.term.0.to_le_bytes());
        let (kind, value) = match entry.payload {
            Payload::Noop => (0u8, 0u32),
            Payload::Command(c) => (1, c),
            Payload::Membership(m) => (
                2,
                u32::from(bits(m.voters())) << 16 | u32::from(bits(m.learners())),
            ),
        };
        data.push(kind);
        data.extend_from_slice(&value.to_le_bytes());
    }
    data.into()
}

/// The entries `data` stands for, or `None` if the model did not write it (a forged
/// snapshot).
pub fn decode(data: &[u8]) -> Option<Vec<Entry<Command>>> {
    if !data.len().is_multiple_of(ENTRY_BYTES) {
        return None;
    }
    data.chunks(ENTRY_BYTES)
        .map(|chunk| {
            let term = Term(u64::from_le_bytes(chunk[..8].try_into().ok()?));
            let value = u32::from_le_bytes(chunk[9..].try_into().ok()?);
            let payload = match chunk[8] {
                0 => Payload::Noop,
                1 => Payload::Command(value),
                2 => {
                    let voters = ids((value >> 16) as u16);
                    let learners = ids(value as u16);
                    Payload::Membership(Membership::of(&voters, &learners))
                }
                _ => return None,
            };
            Some(Entry { term, payload })
        })
        .collect()
}

/// `node`'s log from index 1: the entries its snapshot stands for, then those it holds.
/// An error says why the snapshot cannot be read (only a forged one cannot).
pub fn full_log(node: &Node<Command>) -> Result<Cow<'_, [Entry<Command>]>, String> {
    let log = node.log();
    let Some(snapshot) = node.snapshot() else {
        return Ok(Cow::Borrowed(log.entries()));
    };
    let covered = decode(&snapshot.data).filter(|e| e.len() as u64 == snapshot.index.0);
    let Some(mut entries) = covered else {
        return Err(format!(
            "{}'s snapshot up to index {} is not one the model wrote",
            node.id(),
            snapshot.index
        ));
    };
    entries.extend_from_slice(log.entries());
    Ok(Cow::Owned(entries))
}

fn bits(ids: impl Iterator<Item = NodeId>) -> u16 {
    ids.fold(0, |bits, id| bits | 1 << id.0)
}

fn ids(bits: u16) -> Vec<NodeId> {
    (0..MAX_CLUSTER_SIZE as u8)
        .filter(|i| bits & (1 << i) != 0)
        .map(NodeId)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a snapshot stands for reads back as the same entries, configurations included,
    /// and bytes the model did not write read as nothing.
    #[test]
    fn snapshot_data_reads_back_as_its_entries() {
        let membership = Membership::of(&[NodeId(0), NodeId(1), NodeId(2)], &[NodeId(4)]);
        let entries = vec![
            Entry {
                term: Term(1),
                payload: Payload::Noop,
            },
            Entry {
                term: Term(2),
                payload: Payload::Command(7),
            },
            Entry {
                term: Term(3),
                payload: Payload::Membership(membership),
            },
        ];
        assert_eq!(decode(&encode(&entries)), Some(entries));
        assert_eq!(decode(&[1, 2, 3]), None);
    }
}
