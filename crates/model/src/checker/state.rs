//! What a state is for deduplication (its fingerprint, symmetry included) and how the
//! messages in flight are kept canonical.

use super::{MAX_MODEL_CLUSTER_SIZE, MAX_MODEL_SERVERS};
use crate::cluster::{describe_message, Cluster, Server};
use crate::history::{self, Command};
use river_core::{Body, Message, NodeId};
use river_core::{Ready, Role};
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A state of the model: a [`Cluster`] whose network is kept as a canonical set. Equality and
/// hashing look only at what decides the future (see the module docs). The flag says whether
/// symmetry reduction applies ([`Bounds::symmetric`](super::Bounds::symmetric)).
#[derive(Clone)]
pub struct ModelState(pub Cluster, pub(super) bool);

impl fmt::Debug for ModelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for server in &self.0.servers {
            let node = &server.node;
            let log: Vec<String> = node
                .log()
                .entries()
                .iter()
                .map(history::describe_entry)
                .collect();
            let voted = node
                .voted_for()
                .map_or("nobody".to_string(), |v| v.to_string());
            let snapshot = node.snapshot().map_or(String::new(), |s| {
                format!(" snapshot to {}@t{} +", s.index, s.term)
            });
            writeln!(
                f,
                "{} {} t{} voted for {voted}, commit {},{snapshot} log [{}]",
                node.id(),
                node.role().name(),
                node.term(),
                node.commit_index(),
                log.join(", ")
            )?;
        }
        for message in &self.0.network {
            writeln!(f, "  in flight: {}", describe_message(message))?;
        }
        Ok(())
    }
}

/// A 64-bit fingerprint of what decides the future. With `symmetric`, the same for any two
/// states that differ only by a renaming of the servers (symmetry reduction: the servers
/// start alike and Raft never breaks ties by id, so a renamed state has renamed futures): the
/// least of the fingerprints under every renaming.
fn fingerprint(cluster: &Cluster, symmetric: bool) -> u64 {
    let size = cluster.servers.len();
    if !symmetric {
        let identity: Vec<usize> = (0..size).collect();
        return fingerprint_renamed(cluster, &identity);
    }
    assert!(size <= MAX_MODEL_CLUSTER_SIZE, "too many renamings to try");
    let mut best = u64::MAX;
    let mut order: Vec<usize> = (0..size).collect();
    for_each_permutation(&mut order, 0, &mut |order| {
        best = best.min(fingerprint_renamed(cluster, order));
    });
    best
}

/// Calls `visit` with every permutation of `items[k..]` (after `items[..k]`).
fn for_each_permutation(items: &mut [usize], k: usize, visit: &mut impl FnMut(&[usize])) {
    if k == items.len() {
        return visit(items);
    }
    for i in k..items.len() {
        items.swap(k, i);
        for_each_permutation(items, k + 1, visit);
        items.swap(k, i);
    }
}

/// The fingerprint with server `order[new]` renamed to `new`.
fn fingerprint_renamed(cluster: &Cluster, order: &[usize]) -> u64 {
    let mut new_id = [0u8; MAX_MODEL_SERVERS];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u8;
    }
    let rename = |id: NodeId| NodeId(new_id[id.index()]);
    let rename_set = |set: river_core::Voters| {
        let mut renamed = river_core::Voters::default();
        for &old in order {
            if set.contains(old) {
                renamed.insert(new_id[old].into());
            }
        }
        renamed
    };
    let mut h = DefaultHasher::new();
    for &old in order {
        let Server { node, disk, .. } = &cluster.servers[old];
        node.term().hash(&mut h);
        node.voted_for().map(rename).hash(&mut h);
        node.log().entries().hash(&mut h);
        node.log().snapshot_index().hash(&mut h);
        node.snapshot().hash(&mut h);
        node.commit_index().hash(&mut h);
        node.role().hash(&mut h);
        node.leader().map(rename).hash(&mut h);
        rename_set(node.granted_votes()).hash(&mut h);
        for &peer in order {
            let progress = node.progress(NodeId(peer as u8));
            progress.map(|p| (p.next_index, p.match_index)).hash(&mut h);
        }
        // Reads name no server but by the message that carries them, renamed above.
        node.hash_reads(&mut h);
        disk.hard_state.term.hash(&mut h);
        disk.hard_state.voted_for.map(rename).hash(&mut h);
        disk.log.hash(&mut h);
        disk.snapshot.hash(&mut h);
    }
    let mut messages: Vec<u64> = cluster
        .network
        .iter()
        .map(|m| {
            let mut mh = DefaultHasher::new();
            (rename(m.from), rename(m.to), m.term, &m.body).hash(&mut mh);
            mh.finish()
        })
        .collect();
    messages.sort_unstable();
    messages.hash(&mut h);
    cluster.proposals.hash(&mut h);
    cluster.reads.hash(&mut h);
    cluster.compactions.hash(&mut h);
    cluster.snapshots_installed.hash(&mut h);
    cluster.restarts.hash(&mut h);
    cluster.changes.hash(&mut h);
    let history = &cluster.history;
    for (term, leader) in &history.leaders {
        (term, rename(*leader)).hash(&mut h);
    }
    history.committed.hash(&mut h);
    for (id, (asked, committed)) in &history.reads {
        (id, rename(*asked), committed).hash(&mut h);
    }
    history.reads_served.hash(&mut h);
    history.prefixes.hash(&mut h);
    for invariant in history.violations.keys() {
        invariant.hash(&mut h);
    }
    h.finish()
}

impl Hash for ModelState {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(fingerprint(&self.0, self.1));
    }
}

/// Equal up to a renaming of servers, as far as 64 bits tell — the same trust stateright
/// itself places in fingerprints when it deduplicates.
impl PartialEq for ModelState {
    fn eq(&self, other: &ModelState) -> bool {
        fingerprint(&self.0, self.1) == fingerprint(&other.0, other.1)
    }
}

impl Eq for ModelState {}

/// Delivers every answer in flight, oldest first, until none is left (answers beget requests
/// only, so this ends).
pub(super) fn deliver_answers(cluster: &mut Cluster) {
    while let Some(index) = cluster.network.iter().position(|m| is_answer(&m.body)) {
        cluster.deliver(index, false);
    }
}

/// Whether a message answers a request.
fn is_answer(body: &Body<Command>) -> bool {
    matches!(
        body,
        Body::RequestVoteResponse { .. }
            | Body::AppendEntriesResponse { .. }
            | Body::InstallSnapshotResponse { .. }
            | Body::ReadIndexResponse { .. }
    )
}

/// Keeps only the newest message of each link (the network is oldest first).
pub(super) fn keep_newest_per_link(network: &mut Vec<Message<Command>>) {
    let mut k = network.len();
    while k > 0 {
        k -= 1;
        let (from, to) = (network[k].from, network[k].to);
        if network[k + 1..]
            .iter()
            .any(|m| (m.from, m.to) == (from, to))
        {
            network.remove(k);
        }
    }
}

/// Sorts the network into a canonical order and removes copies, so the actions of equal
/// states come in the same order (stateright replays paths by action index).
pub(super) fn canonicalize(network: &mut Vec<Message<Command>>) {
    network.sort_by_cached_key(|m| {
        let mut hasher = DefaultHasher::new();
        m.hash(&mut hasher);
        hasher.finish()
    });
    network.dedup();
}

/// Whether delivering `m`, now or ever, can change nothing but the narration: a response
/// the receiver must ignore (Figure 2) and always will, because terms never decrease, a
/// server leaves candidacy or leadership of a term only for good, and a follower reaches
/// neither role without raising its term. Such messages are removed from flight, which keeps
/// states that differ only in dead messages from multiplying. The claim is not trusted:
/// [`assert_dead`] checks it against the real node each time.
pub(super) fn is_dead(cluster: &Cluster, m: &Message<Command>) -> bool {
    let receiver = &cluster.server(m.to).node;
    let (term, role) = (receiver.term(), receiver.role());
    match m.body {
        Body::RequestVoteResponse { granted, .. } => {
            m.term < term || (m.term == term && (!granted || role != Role::Candidate))
        }
        Body::AppendEntriesResponse { .. } | Body::InstallSnapshotResponse { .. } => {
            m.term < term || (m.term == term && role == Role::Follower)
        }
        // Only followers act on TimeoutNow, and a stale one is dropped unanswered.
        Body::TimeoutNow => m.term < term || (m.term == term && role != Role::Follower),
        Body::RequestVote { .. }
        | Body::AppendEntries { .. }
        | Body::ReadIndex { .. }
        | Body::ReadIndexResponse { .. }
        | Body::InstallSnapshot { .. } => false,
    }
}

/// Delivers `m` to a copy of its receiver and asserts that nothing but events came of it.
pub(super) fn assert_dead(cluster: &Cluster, m: &Message<Command>) {
    let server = cluster.server(m.to);
    let mut node = server.node.clone();
    node.step(m.clone());
    let mut ready = Ready::default();
    node.take_ready(&mut ready);
    let unchanged = ready.hard_state.is_none()
        && ready.persist_log_from.is_none()
        && ready.messages.is_empty()
        && ready.apply.is_none()
        && node.term() == server.node.term()
        && node.role() == server.node.role()
        && node.granted_votes() == server.node.granted_votes()
        && node.leader() == server.node.leader()
        && (0..cluster.servers.len()).all(|i| {
            let peer = NodeId(i as u8);
            node.progress(peer) == server.node.progress(peer)
        });
    assert!(unchanged, "a message judged dead had an effect");
}
