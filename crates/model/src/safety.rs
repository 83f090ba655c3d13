//! The safety properties of the paper's Figure 3, plus the node-local invariants the core
//! promises, checked against a [`Cluster`] of real nodes and the
//! [`crate::history::History`] behind it. The cluster-wide properties read each log whole,
//! a compacted prefix as the entries its snapshot stands for ([`full_log`]).

use crate::cluster::Cluster;
use crate::history::{describe_entry, Command, Invariant};
use crate::stored::full_log;
use river_core::{Entry, Role};
use std::borrow::Cow;

/// Checks one invariant against the cluster as it stands and the history behind it.
pub fn check(cluster: &Cluster, invariant: Invariant) -> Result<(), String> {
    if let Some(detail) = cluster.history.violations.get(&invariant) {
        return Err(detail.clone());
    }
    match invariant {
        Invariant::LogMatching => log_matching(cluster),
        Invariant::LeaderCompleteness => leader_completeness(cluster),
        Invariant::StateMachineSafety => committed_prefixes_agree(cluster),
        Invariant::NodeLocal => node_local(cluster),
        // Only transitions show these; the history above holds them.
        Invariant::ElectionSafety
        | Invariant::Durability
        | Invariant::NoPanic
        | Invariant::HonestMessagesAccepted
        | Invariant::FreshReads => Ok(()),
    }
}

/// Log Matching over every pair of current logs. Searching down from the top for the highest
/// index where the terms agree and comparing the prefixes there covers every lower index too.
fn log_matching(cluster: &Cluster) -> Result<(), String> {
    let logs = full_logs(cluster)?;
    for (i, a) in cluster.servers.iter().enumerate() {
        for (j, b) in cluster.servers.iter().enumerate().skip(i + 1) {
            let (a_log, b_log) = (&logs[i], &logs[j]);
            let shared = a_log.len().min(b_log.len());
            let Some(top) = (0..shared).rev().find(|&k| a_log[k].term == b_log[k].term) else {
                continue;
            };
            if a_log[..=top] != b_log[..=top] {
                let first = (0..=top).find(|&k| a_log[k] != b_log[k]).unwrap_or(top);
                return Err(format!(
                    "{} and {} both hold an entry of term {} at index {}, yet differ at index {}",
                    a.node.id(),
                    b.node.id(),
                    a_log[top].term,
                    top + 1,
                    first + 1
                ));
            }
        }
    }
    Ok(())
}

/// Leader Completeness: every current leader holds every entry committed in an earlier term.
fn leader_completeness(cluster: &Cluster) -> Result<(), String> {
    for server in &cluster.servers {
        let node = &server.node;
        if node.role() != Role::Leader {
            continue;
        }
        let log = full_log(node)?;
        for (index, committed) in &cluster.history.committed {
            if committed.term >= node.term() {
                continue;
            }
            let held = (index.0.checked_sub(1))
                .and_then(|k| usize::try_from(k).ok())
                .and_then(|k| log.get(k));
            if held != Some(&committed.entry) {
                return Err(format!(
                    "{} leads term {} without {} at index {index}, committed in term {}",
                    node.id(),
                    node.term(),
                    describe_entry(&committed.entry),
                    committed.term
                ));
            }
        }
    }
    Ok(())
}

/// The current half of State Machine Safety: the committed prefixes of any two servers agree
/// (what they applied in the past is checked as it happens, by [`History::record_applied`]).
fn committed_prefixes_agree(cluster: &Cluster) -> Result<(), String> {
    let logs = full_logs(cluster)?;
    for (i, a) in cluster.servers.iter().enumerate() {
        for (j, b) in cluster.servers.iter().enumerate().skip(i + 1) {
            let shared = a.node.commit_index().min(b.node.commit_index());
            let end = |log: &[Entry<Command>]| {
                usize::try_from(shared.0).map_or(log.len(), |n| n.min(log.len()))
            };
            if logs[i][..end(&logs[i])] != logs[j][..end(&logs[j])] {
                return Err(format!(
                    "{} and {} disagree within their committed prefixes (up to index {shared})",
                    a.node.id(),
                    b.node.id()
                ));
            }
        }
    }
    Ok(())
}

/// Every server's whole log, by id.
fn full_logs(cluster: &Cluster) -> Result<Vec<Cow<'_, [Entry<Command>]>>, String> {
    cluster.servers.iter().map(|s| full_log(&s.node)).collect()
}

/// The promises one node makes about its own state at every moment.
fn node_local(cluster: &Cluster) -> Result<(), String> {
    for server in &cluster.servers {
        let node = &server.node;
        let log = node.log();
        if node.commit_index() > log.last_index() {
            return Err(format!(
                "{} committed index {} past its last index {}",
                node.id(),
                node.commit_index(),
                log.last_index()
            ));
        }
        if let Some(k) = log.entries().windows(2).position(|w| w[0].term > w[1].term) {
            return Err(format!(
                "{}'s log terms decrease at index {}",
                node.id(),
                log.first_index().0 + k as u64 + 1
            ));
        }
        if log
            .entries()
            .first()
            .is_some_and(|e| e.term < log.snapshot_term())
        {
            return Err(format!(
                "{}'s log terms decrease after its snapshot, at index {}",
                node.id(),
                log.first_index()
            ));
        }
        if log.last_term() > node.term() {
            return Err(format!(
                "{} holds an entry of term {} in term {}",
                node.id(),
                log.last_term(),
                node.term()
            ));
        }
    }
    Ok(())
}
