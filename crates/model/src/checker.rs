//! Exhaustive model checking of the real river-core with stateright: a state holds real
//! [`river_core::Node`]s, their disks and the messages in flight, and every action is one
//! thing the network, a clock, a client or a crash can do to them.
//!
//! # What is explored
//!
//! From a fresh cluster (or from [`Start::Elected`] or [`Start::LearnerCaughtUp`]): deliver
//! any in-flight message, deliver it and keep a copy (duplication), lose it (or every message
//! to and from one server), fire any non-leader's election timer,
//! let a leader's heartbeat interval pass, propose a command to a leader, ask a leader for a
//! membership change from [`Bounds::changes`], ask a leader or a follower that knows one for
//! a read (ReadIndex, thesis §6.4), let a server compact what it applied into a snapshot
//! (its data the entries it stands for, `crate::stored`; a leader then sends followers
//! behind it InstallSnapshot, in one chunk), and crash-restart any server from its disk.
//! [`Bounds`] keeps this finite: terms, proposals, changes, restarts, messages in flight and
//! log lengths are capped, and a state past a cap is not explored further.
//!
//! # Membership changes
//!
//! [`Bounds::erratum`] is the smallest space we know in which single-server changes lose a
//! committed entry when a new leader changes the membership before committing an entry of
//! its own term (Ongaro's 2015 raft-dev erratum, the `config-change-before-noop` bug). It
//! needs two changes from leaders of different terms whose majorities do not overlap: four
//! voters A–D, A in term 1 adds E (its majority: 3 of A–E), B in term 2 removes D (its
//! majority: 2 of A–C). From three voters a change to four and back cannot do it — adding D
//! to A–C and removing a server from A–D give majorities (3 of 4, 2 of 3) that always share
//! a server — so [`Bounds::three_four_three`] is a check that correct Raft keeps every
//! property along 3 → 4 → 3, not a bug hunt.
//!
//! # What a state is, for deduplication
//!
//! Two states are the same when everything that can change what happens next is the same:
//! each node's term, vote, log (and with it the configuration in effect), commit index,
//! role, believed leader, snapshot, the votes a candidate holds and (for a leader) each
//! follower's `next_index` and `match_index`; the reads it is working on (their read
//! indexes, rounds and ages, and a leader's round counter and acknowledgements, through
//! `Node::hash_reads`); each disk; the set of messages in flight; the budgets and changes
//! used; and the [`History`](crate::history::History), reads waiting for an answer and
//! (with compaction) the prefixes seen included. Left out, on purpose:
//! election timers and the generator behind them (elections happen only through the
//! explicit timeout action, and PreVote and CheckQuorum — the only readers of elapsed time
//! besides the timers — are off, as [`RaftModel::new`] asserts), and CheckQuorum's
//! `recent_active` marks.
//!
//! Three reductions keep the space small without losing behaviour:
//!
//! - The network is a set, not a multiset: since any message may be delivered and kept, a
//!   second copy of a message in flight adds no behaviour, only states.
//! - Symmetry: servers start alike and Raft never breaks a tie by id, so states that differ
//!   by a renaming of the servers share one fingerprint. Only without changes or a list of
//!   campaigners, which name servers, and not from [`Start::LearnerCaughtUp`], which gives
//!   each server a part (from [`Start::Elected`] the leader is part of the state, renamed
//!   with it).
//! - Dead messages — responses the receiver must and always will ignore — leave flight at
//!   once (see `is_dead`; each removal is checked against the real node).
//!
//! Within its bounds a run is exhaustive when no depth is given: every reachable state is
//! checked.

use crate::cluster::{describe_message, Cluster, Server};
use crate::history::{self, Command, Invariant};
use crate::safety;
use river_core::{Body, BugSet, Config, Membership, MembershipChange, Message, NodeId, Payload};
use river_core::{Proposal, Ready, Role};
use stateright::{Model, Property};
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The largest cluster checked with symmetry reduction: the fingerprint tries every renaming,
/// 3! = 6 of them.
pub const MAX_MODEL_CLUSTER_SIZE: usize = 3;
/// The most servers, spares included, of a model without symmetry reduction.
pub const MAX_MODEL_SERVERS: usize = 5;
/// A prelude that has not settled after this many deliveries is a bug in the prelude.
const MAX_PRELUDE_DELIVERIES: usize = 100;

/// Where exploration starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Every server empty, in term 0.
    Fresh,
    /// A leads term 1 and every server holds its no-op and knows it committed: where a
    /// read's, a snapshot's or a replication bug's story begins, without spending the search on the first
    /// election. Played on the real nodes by [`elected_start`].
    Elected,
    /// A leads term 1 of the initial voters, and the first spare server is a learner that
    /// holds the whole log: A added it, it caught up before the change committed, then the
    /// change committed (so A has not promoted it yet). Where a membership change's story
    /// begins; played on the real nodes by [`learner_start`].
    LearnerCaughtUp,
}

/// Limits that keep the state space finite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Servers in the initial configuration, at most [`MAX_MODEL_CLUSTER_SIZE`] with
    /// symmetry reduction (see [`Bounds::symmetric`]).
    pub cluster_size: usize,
    /// Servers outside the initial configuration, with the next ids, waiting to be added;
    /// at most [`MAX_MODEL_SERVERS`] servers in all.
    pub spare_servers: usize,
    /// Where exploration starts.
    pub start: Start,
    /// Membership changes a client may ask any leader for, each appended at most once, in
    /// any order (a change the leader refuses is no step).
    pub changes: Vec<MembershipChange>,
    /// No server's election timer fires once its term reaches this.
    pub max_term: u64,
    /// Client commands proposed over the whole run.
    pub max_proposals: u32,
    /// Linearizable reads (ReadIndex, thesis §6.4) a client asks for over the whole run, of
    /// any leader or of any follower that knows one (which forwards it).
    pub max_reads: u32,
    /// Snapshots servers take of everything they applied (thesis §5.1), over the whole run;
    /// a leader then sends a follower behind its snapshot an InstallSnapshot (paper §7).
    pub max_compactions: u32,
    /// Crash-restarts over the whole run.
    pub max_restarts: u32,
    /// A state with more distinct messages in flight is not explored.
    pub max_in_flight: usize,
    /// A state with a longer log anywhere is not explored.
    pub max_log_len: usize,
    /// The nodes' `max_entries_per_append`: one entry per message lets a leader replicate a
    /// prefix of its log, which some counterexamples (Figure 8) need.
    pub max_entries_per_append: usize,
    /// Whether the network may lose messages.
    pub drops: bool,
    /// Whether the network may deliver a message and keep a copy in flight.
    pub duplicates: bool,
    /// Whether a leader's heartbeat interval may pass (it resends to every lagging follower).
    pub heartbeats: bool,
    /// The servers whose election timers may fire; `None` for every server.
    pub campaigners: Option<Vec<NodeId>>,
    /// A link holds at most one message: a newer one from the same sender to the same
    /// receiver replaces the older, which is lost (as the network may lose any message).
    pub newest_per_link: bool,
    /// Whether a server may be cut off for a moment: every message in flight to or from it
    /// is lost at once (coarser than `drops`, which loses one message at a time).
    pub cuts: bool,
    /// Answers (to votes, appends, snapshots, reads) arrive the moment they are sent: a
    /// request and its answer are one step, and an answer is never lost on its own.
    pub answers_at_once: bool,
}

impl Bounds {
    /// Replication and crashes: three servers, elections up to term 2, one client command,
    /// one crash-restart, every network fault, at most two messages in flight. CI explores
    /// this whole space (about 1.7 million distinct states).
    pub fn small() -> Bounds {
        Bounds {
            cluster_size: 3,
            max_term: 2,
            max_proposals: 1,
            max_reads: 0,
            max_compactions: 0,
            max_restarts: 1,
            max_in_flight: 2,
            max_log_len: 3,
            max_entries_per_append: 1,
            drops: true,
            duplicates: true,
            heartbeats: true,
            spare_servers: 0,
            start: Start::Fresh,
            changes: Vec::new(),
            campaigners: None,
            newest_per_link: false,
            cuts: false,
            answers_at_once: false,
        }
    }

    /// Elections over four terms, the fewest in which Figure 8's lost commit can happen:
    /// no client commands or crashes, logs of at most two entries. CI explores this whole
    /// space (about 0.9 million distinct states).
    pub fn four_terms() -> Bounds {
        Bounds {
            max_term: 4,
            max_proposals: 0,
            max_restarts: 0,
            max_log_len: 2,
            ..Bounds::small()
        }
    }

    /// The 2015 erratum's space (see the module docs): four voters A–D, E a caught-up
    /// learner of A's in term 1; a client may ask any leader to promote E and to remove D.
    /// Only A and B campaign (elections up to term 3); logs of at most four entries; at most
    /// four messages in flight (a leader of four peers broadcasts four), the newest on each
    /// link, answered at once; a server may be cut off (its messages lost) but no single
    /// message is lost or duplicated; no heartbeats, commands or crashes. About 1.6 million
    /// distinct states; with every server campaigning it is several times larger than CI
    /// can afford.
    pub fn erratum() -> Bounds {
        Bounds {
            cluster_size: 4,
            spare_servers: 1,
            start: Start::LearnerCaughtUp,
            changes: vec![
                MembershipChange::Promote(NodeId(4)),
                MembershipChange::Remove(NodeId(3)),
            ],
            max_term: 3,
            max_proposals: 0,
            max_reads: 0,
            max_compactions: 0,
            max_restarts: 0,
            max_in_flight: 4,
            max_log_len: 4,
            max_entries_per_append: 1,
            drops: false,
            duplicates: false,
            heartbeats: false,
            campaigners: Some(vec![NodeId(0), NodeId(1)]),
            newest_per_link: true,
            cuts: true,
            answers_at_once: true,
        }
    }

    /// The literal path, 3 → 4 → 3: voters A–C, D a caught-up learner of A's in
    /// term 1; a client may ask any leader to promote D and to remove A (a leader that
    /// removes itself steps down once the change commits); every server may campaign, and
    /// three messages may be in flight. Otherwise as [`Bounds::erratum`].
    pub fn three_four_three() -> Bounds {
        Bounds {
            cluster_size: 3,
            changes: vec![
                MembershipChange::Promote(NodeId(3)),
                MembershipChange::Remove(NodeId(0)),
            ],
            max_in_flight: 3,
            campaigners: None,
            ..Bounds::erratum()
        }
    }

    /// Reads (thesis §6.4): from [`Start::Elected`] (A leads term 1, its no-op committed
    /// everywhere), a client may ask any leader, or any follower that knows one, for two
    /// reads; any server may campaign up to term 2 and a client command may be proposed;
    /// the network loses, duplicates and reorders requests, and answers arrive at once (a
    /// late request is still answered with the old round it carries). No heartbeats (a read
    /// starts its own round) and no crashes. Every served read is checked against what was
    /// committed when it was asked ([`Invariant::FreshReads`]). The whole space is too large
    /// for CI (over 1.5 million states and still growing at depth 23), so CI explores it to
    /// a depth (`READS_DEPTH` in the tests).
    pub fn reads() -> Bounds {
        Bounds {
            start: Start::Elected,
            max_reads: 2,
            max_restarts: 0,
            heartbeats: false,
            answers_at_once: true,
            ..Bounds::small()
        }
    }

    /// Replication (paper §5.3): from [`Start::Elected`], a client may propose two commands
    /// and any server may campaign up to term 2; messages are lost a server at a time
    /// ([`Action::Cut`]) or duplicated, answers arrive at once, and a leader's heartbeat
    /// resends. Where the follower's and the leader's halves of AppendEntries go wrong
    /// (`truncate-on-stale-append`, `commit-from-next-index`) without spending the search on
    /// the first election. About 11,000 distinct states; every path here is a path of
    /// [`Bounds::snapshots`] (this space and one compaction) that never compacts, and CI
    /// checks that whole space.
    pub fn replication() -> Bounds {
        Bounds {
            start: Start::Elected,
            max_proposals: 2,
            max_compactions: 0,
            max_restarts: 0,
            max_in_flight: 2,
            max_log_len: 3,
            drops: false,
            cuts: true,
            answers_at_once: true,
            ..Bounds::small()
        }
    }

    /// Snapshots (thesis ch. 5, paper §7): [`Bounds::replication`], and one server may
    /// compact what it applied. Log Matching is also checked across time
    /// ([`History::prefixes`](crate::history::History::prefixes)).
    pub fn snapshots() -> Bounds {
        Bounds {
            max_compactions: 1,
            ..Bounds::replication()
        }
    }

    /// Whether states that differ by a renaming of the servers may share a fingerprint: only
    /// when every server has the same part to play (a start with a leader is itself a
    /// state, and its renamings behave alike) and no change or campaign list names one.
    pub fn symmetric(&self) -> bool {
        self.spare_servers == 0
            && self.start != Start::LearnerCaughtUp
            && self.changes.is_empty()
            && self.campaigners.is_none()
    }

    /// Servers in the model, spares included.
    pub fn servers(&self) -> usize {
        self.cluster_size + self.spare_servers
    }

    /// The configuration the client's changes lead to, applied in the order given, from the
    /// one the run starts with.
    pub fn final_membership(&self) -> Option<Membership> {
        let voters: Vec<NodeId> = (0..self.cluster_size as u8).map(NodeId).collect();
        let learners: Vec<NodeId> = match self.start {
            Start::Fresh | Start::Elected => Vec::new(),
            Start::LearnerCaughtUp => vec![NodeId(self.cluster_size as u8)],
        };
        let mut membership = Membership::of(&voters, &learners);
        for change in &self.changes {
            membership = membership.apply(*change).ok()?;
        }
        Some(membership)
    }
}

/// The model: a fresh cluster of real nodes with `bugs` switched on, explored within `bounds`.
#[derive(Clone, Debug)]
pub struct RaftModel {
    /// The limits of exploration.
    pub bounds: Bounds,
    /// Deliberately broken behaviours to switch on; empty for the paper's Raft.
    pub bugs: BugSet,
    /// When a run with a timeout must stop: from then on no state is expanded, and
    /// `timed_out` is set. (stateright's own timeout is only seen by a worker whose queue ran
    /// dry, so a one-thread search never stopped: `--timeout-secs 5` ran 187 s.)
    deadline: Option<(
        std::time::Instant,
        std::sync::Arc<std::sync::atomic::AtomicBool>,
    )>,
}

impl RaftModel {
    /// A model of `bounds.cluster_size` servers running Raft with `bugs`.
    pub fn new(bounds: Bounds, bugs: BugSet) -> RaftModel {
        let most = if bounds.symmetric() {
            MAX_MODEL_CLUSTER_SIZE
        } else {
            MAX_MODEL_SERVERS
        };
        assert!(
            bounds.cluster_size >= 1 && bounds.servers() <= most,
            "the model takes 1 to {most} servers here"
        );
        assert!(
            bounds.start != Start::LearnerCaughtUp || bounds.spare_servers >= 1,
            "a learner start needs a spare server"
        );
        assert!(
            bounds.max_entries_per_append >= 1,
            "a message carries an entry"
        );
        let model = RaftModel {
            bounds,
            bugs,
            deadline: None,
        };
        let config = model.config();
        assert!(
            !config.pre_vote && !config.check_quorum,
            "timers are not part of the fingerprint, so nothing may read elapsed time"
        );
        model
    }

    /// The nodes' configuration. A snapshot travels in one chunk, so no follower ever holds
    /// part of one (which no accessor shows, and so no fingerprint could).
    fn config(&self) -> Config {
        let mut config = Cluster::config(
            self.bounds.cluster_size,
            self.bugs,
            self.bounds.max_entries_per_append,
        );
        config.snapshot_chunk_bytes = river_core::MAX_SNAPSHOT_BYTES;
        config
    }
}

/// One step of the environment.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Deliver a message and remove it from flight.
    Deliver(Message<Command>),
    /// Deliver a message and keep a copy in flight.
    Duplicate(Message<Command>),
    /// Lose a message.
    Drop(Message<Command>),
    /// Fire a server's election timer.
    Timeout(NodeId),
    /// Let one heartbeat interval pass on a leader.
    Heartbeat(NodeId),
    /// A client proposes the next command to a leader.
    Propose(NodeId),
    /// Crash a server and restart it from its disk.
    Restart(NodeId),
    /// A client asks a server for a linearizable read.
    Read(NodeId),
    /// A server compacts everything it applied into a snapshot.
    Compact(NodeId),
    /// A client asks a leader for a membership change.
    Change(NodeId, MembershipChange),
    /// Every message in flight to or from a server is lost.
    Cut(NodeId),
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Deliver(m) => write!(f, "deliver {}", describe_message(m)),
            Action::Duplicate(m) => write!(f, "deliver and keep {}", describe_message(m)),
            Action::Drop(m) => write!(f, "lose {}", describe_message(m)),
            Action::Cut(n) => write!(f, "lose every message to and from {n}"),
            Action::Timeout(n) => write!(f, "election timeout on {n}"),
            Action::Heartbeat(n) => write!(f, "heartbeat interval on leader {n}"),
            Action::Propose(n) => write!(f, "client proposes to {n}"),
            Action::Restart(n) => write!(f, "crash and restart {n}"),
            Action::Read(n) => write!(f, "client asks {n} to read"),
            Action::Compact(n) => write!(f, "{n} compacts what it applied into a snapshot"),
            Action::Change(n, MembershipChange::AddLearner(id)) => {
                write!(f, "client asks {n} to add {id} as a learner")
            }
            Action::Change(n, MembershipChange::Promote(id)) => {
                write!(f, "client asks {n} to promote {id} to voter")
            }
            Action::Change(n, MembershipChange::Remove(id)) => {
                write!(f, "client asks {n} to remove {id}")
            }
        }
    }
}

/// A state of the model: a [`Cluster`] whose network is kept as a canonical set. Equality
/// and hashing look only at what decides the future (see the module docs).
/// The flag says whether symmetry reduction applies ([`Bounds::symmetric`]).
#[derive(Clone)]
pub struct ModelState(pub Cluster, bool);

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
fn deliver_answers(cluster: &mut Cluster) {
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
fn keep_newest_per_link(network: &mut Vec<Message<Command>>) {
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
fn canonicalize(network: &mut Vec<Message<Command>>) {
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
fn is_dead(cluster: &Cluster, m: &Message<Command>) -> bool {
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
fn assert_dead(cluster: &Cluster, m: &Message<Command>) {
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

impl Model for RaftModel {
    type State = ModelState;
    type Action = Action;

    fn init_states(&self) -> Vec<ModelState> {
        let cluster = match self.bounds.start {
            Start::Fresh => Cluster::with_spares(&self.config(), self.bounds.spare_servers),
            Start::LearnerCaughtUp => learner_start(&self.config(), self.bounds.spare_servers),
            Start::Elected => elected_start(&self.config()),
        };
        let mut cluster = cluster;
        if self.bounds.max_compactions > 0 {
            cluster.history.prefixes = Some(Default::default());
            for server in &cluster.servers {
                let log = server.node.log().entries().to_vec();
                cluster.history.record_log(server.node.id(), &log);
            }
        }
        vec![ModelState(cluster, self.bounds.symmetric())]
    }

    fn actions(&self, state: &ModelState, actions: &mut Vec<Action>) {
        let cluster = &state.0;
        if cluster.history.violations.contains_key(&Invariant::NoPanic) {
            return;
        }
        for message in &cluster.network {
            actions.push(Action::Deliver(message.clone()));
            if self.bounds.duplicates {
                actions.push(Action::Duplicate(message.clone()));
            }
            if self.bounds.drops {
                actions.push(Action::Drop(message.clone()));
            }
        }
        for server in &cluster.servers {
            let node = &server.node;
            if node.role() == Role::Leader {
                if self.bounds.heartbeats {
                    actions.push(Action::Heartbeat(node.id()));
                }
                if cluster.proposals < self.bounds.max_proposals {
                    actions.push(Action::Propose(node.id()));
                }
                for change in &self.bounds.changes {
                    if !cluster.changes.contains(change) {
                        actions.push(Action::Change(node.id(), *change));
                    }
                }
            } else if node.term().0 < self.bounds.max_term
                && self
                    .bounds
                    .campaigners
                    .as_ref()
                    .is_none_or(|c| c.contains(&node.id()))
            {
                actions.push(Action::Timeout(node.id()));
            }
            if cluster.restarts < self.bounds.max_restarts {
                actions.push(Action::Restart(node.id()));
            }
            let id = node.id();
            let knows_leader = node.role() == Role::Leader
                || (node.role() == Role::Follower && node.leader().is_some());
            if cluster.reads < self.bounds.max_reads && knows_leader {
                actions.push(Action::Read(id));
            }
            if cluster.compactions < self.bounds.max_compactions
                && node.applied_index() > node.log().snapshot_index()
            {
                actions.push(Action::Compact(id));
            }
            if self.bounds.cuts && cluster.network.iter().any(|m| m.from == id || m.to == id) {
                actions.push(Action::Cut(id));
            }
        }
    }

    fn next_state(&self, state: &ModelState, action: Action) -> Option<ModelState> {
        let mut cluster = state.0.clone();
        let mut took_effect = true;
        let position = |m: &Message<Command>| {
            cluster
                .network
                .iter()
                .position(|x| x == m)
                .expect("actions name messages in flight")
        };
        let outcome = match action {
            Action::Drop(m) => {
                let index = position(&m);
                cluster.drop_message(index);
                Ok(())
            }
            Action::Cut(n) => {
                cluster.network.retain(|m| m.from != n && m.to != n);
                Ok(())
            }
            action => {
                let index = match &action {
                    Action::Deliver(m) | Action::Duplicate(m) => Some(position(m)),
                    _ => None,
                };
                let answers_at_once = self.bounds.answers_at_once;
                catch_unwind(AssertUnwindSafe(|| {
                    match action {
                        Action::Deliver(_) => cluster.deliver(index.unwrap_or_default(), false),
                        Action::Duplicate(_) => cluster.deliver(index.unwrap_or_default(), true),
                        Action::Timeout(n) => cluster.force_timeout(n),
                        Action::Heartbeat(n) => cluster.heartbeat(n),
                        Action::Propose(n) => {
                            cluster.propose(n);
                        }
                        Action::Restart(n) => cluster.restart(n),
                        Action::Compact(n) => took_effect = cluster.compact(n),
                        Action::Read(n) => {
                            took_effect = cluster.read(n) == river_core::Read::Pending;
                        }
                        Action::Change(n, change) => {
                            took_effect = matches!(
                                cluster.propose_membership(n, change),
                                Ok(Proposal::Appended { .. })
                            );
                        }
                        Action::Drop(_) | Action::Cut(_) => unreachable!("handled above"),
                    }
                    if answers_at_once {
                        deliver_answers(&mut cluster);
                    }
                }))
            }
        };
        if !took_effect {
            // The leader refused the change (one in flight, or none of its term committed
            // yet) or the read: nothing happened, so this is no step.
            return None;
        }
        if let Err(payload) = outcome {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".to_string());
            // The half-updated cluster is not to be trusted: keep the state before the action
            // and mark it, so the path to the panic is reported and exploration stops there.
            let mut panicked = state.0.clone();
            panicked
                .history
                .record_violation(Invariant::NoPanic, message);
            return Some(ModelState(panicked, state.1));
        }
        let dead: Vec<bool> = cluster
            .network
            .iter()
            .map(|m| is_dead(&cluster, m))
            .collect();
        if dead.contains(&true) {
            for (m, _) in cluster.network.iter().zip(&dead).filter(|(_, d)| **d) {
                assert_dead(&cluster, m);
            }
            let mut keep = dead.iter().map(|d| !d);
            cluster.network.retain(|_| keep.next().unwrap_or(true));
        }
        if self.bounds.newest_per_link {
            keep_newest_per_link(&mut cluster.network);
        }
        canonicalize(&mut cluster.network);
        Some(ModelState(cluster, state.1))
    }

    fn within_boundary(&self, state: &ModelState) -> bool {
        if let Some((at, timed_out)) = &self.deadline {
            if std::time::Instant::now() >= *at {
                timed_out.store(true, std::sync::atomic::Ordering::Relaxed);
                return false;
            }
        }
        let cluster = &state.0;
        cluster.network.len() <= self.bounds.max_in_flight
            && cluster.servers.iter().all(|s| {
                s.node.term().0 <= self.bounds.max_term
                    && s.node.log().last_index().0 <= self.bounds.max_log_len as u64
            })
    }

    fn properties(&self) -> Vec<Property<RaftModel>> {
        let mut properties = vec![
            Property::always(Invariant::ElectionSafety.name(), |_, s: &ModelState| {
                holds(s, Invariant::ElectionSafety)
            }),
            Property::always(Invariant::LogMatching.name(), |_, s: &ModelState| {
                holds(s, Invariant::LogMatching)
            }),
            Property::always(Invariant::LeaderCompleteness.name(), |_, s: &ModelState| {
                holds(s, Invariant::LeaderCompleteness)
            }),
            Property::always(Invariant::StateMachineSafety.name(), |_, s: &ModelState| {
                holds(s, Invariant::StateMachineSafety)
            }),
            Property::always(Invariant::NodeLocal.name(), |_, s: &ModelState| {
                holds(s, Invariant::NodeLocal)
            }),
            Property::always(Invariant::Durability.name(), |_, s: &ModelState| {
                holds(s, Invariant::Durability)
            }),
            Property::always(Invariant::NoPanic.name(), |_, s: &ModelState| {
                holds(s, Invariant::NoPanic)
            }),
            Property::always(
                Invariant::HonestMessagesAccepted.name(),
                |_, s: &ModelState| holds(s, Invariant::HonestMessagesAccepted),
            ),
            Property::always(Invariant::FreshReads.name(), |_, s: &ModelState| {
                holds(s, Invariant::FreshReads)
            }),
            Property::sometimes(SOMETHING_COMMITTED, |_, s: &ModelState| {
                !s.0.history.committed.is_empty()
            }),
        ];
        if self.bounds.max_reads > 0 {
            properties.push(Property::sometimes(READ_SERVED, |_, s: &ModelState| {
                s.0.history.reads_served > 0
            }));
        }
        if self.bounds.max_compactions > 0 {
            properties.push(Property::sometimes(
                SNAPSHOT_INSTALLED,
                |_, s: &ModelState| s.0.snapshots_installed > 0,
            ));
        }
        if !self.bounds.changes.is_empty() {
            properties.push(Property::sometimes(
                CHANGES_COMMITTED,
                |model: &RaftModel, s: &ModelState| {
                    let Some(last) = model.bounds.final_membership() else {
                        return false;
                    };
                    s.0.history
                        .committed
                        .values()
                        .any(|c| c.entry.payload == Payload::Membership(last))
                },
            ));
        }
        if self.bounds.max_proposals > 0 {
            properties.push(Property::sometimes(
                COMMAND_COMMITTED,
                |_, s: &ModelState| {
                    s.0.history
                        .committed
                        .values()
                        .any(|c| matches!(c.entry.payload, Payload::Command(_)))
                },
            ));
        }
        properties
    }
}

/// The `sometimes` property that keeps the check from being vacuous: some entry commits.
pub const SOMETHING_COMMITTED: &str = "an entry is committed";
/// The `sometimes` property that a follower installs a leader's snapshot (when servers may
/// compact).
pub const SNAPSHOT_INSTALLED: &str = "a snapshot is installed";
/// The `sometimes` property that a read is served (when reads are allowed).
pub const READ_SERVED: &str = "a read is served";
/// The `sometimes` property that a client's command commits (when proposals are allowed).
pub const COMMAND_COMMITTED: &str = "a client command is committed";
/// The `sometimes` property that the configuration the client's changes lead to commits
/// (when [`Bounds::changes`] are allowed).
pub const CHANGES_COMMITTED: &str = "the changed configuration is committed";

/// Plays [`Start::LearnerCaughtUp`] on real nodes: A campaigns and wins and its no-op
/// commits; A adds the first spare as a learner, which catches up before the change commits
/// (so A does not promote it: a change is in flight), then the change commits and a heartbeat
/// tells everyone so. Every message is delivered, oldest first (those to and from the learner
/// first), but the learner's answer to the heartbeat, which is lost; the result is checked,
/// not assumed.
pub fn learner_start(config: &Config, spares: usize) -> Cluster {
    let mut cluster = Cluster::with_spares(config, spares);
    let leader = NodeId(0);
    let learner = NodeId(config.cluster_size as u8);
    cluster.force_timeout(leader);
    deliver_all(&mut cluster, |_| true);
    let change = MembershipChange::AddLearner(learner);
    let outcome = cluster.propose_membership(leader, change);
    assert!(
        matches!(outcome, Ok(Proposal::Appended { .. })),
        "the leader adds the learner: {outcome:?}"
    );
    deliver_all(&mut cluster, |m| m.to == learner || m.from == learner);
    deliver_all(&mut cluster, |_| true);
    // A heartbeat tells every server that the change committed (so the next leader may
    // change the membership again); the learner's answer is lost, or A would promote it.
    cluster.heartbeat(leader);
    deliver_all(&mut cluster, |m| m.from == leader);
    cluster.network.retain(|m| m.from != learner);
    deliver_all(&mut cluster, |_| true);
    let a = &cluster.server(leader).node;
    assert_eq!((a.role(), a.term().0), (Role::Leader, 1), "A leads term 1");
    assert!(a.membership().is_learner(learner), "the spare is a learner");
    assert_eq!(
        a.commit_index().0,
        2,
        "the no-op and the learner's entry commit"
    );
    for server in &cluster.servers[..=learner.index()] {
        let node = &server.node;
        assert_eq!(
            (node.log().entries(), node.commit_index()),
            (a.log().entries(), a.commit_index()),
            "{} holds the leader's log and knows it committed",
            node.id()
        );
    }
    cluster.changes.clear();
    cluster
}

/// Plays [`Start::Elected`] on real nodes: A campaigns and wins, its no-op commits, and a
/// heartbeat tells every server so. Every message is delivered, oldest first; the result is
/// checked, not assumed.
pub fn elected_start(config: &Config) -> Cluster {
    let mut cluster = Cluster::new(config);
    let leader = NodeId(0);
    cluster.force_timeout(leader);
    deliver_all(&mut cluster, |_| true);
    cluster.heartbeat(leader);
    deliver_all(&mut cluster, |_| true);
    let a = &cluster.server(leader).node;
    assert_eq!((a.role(), a.term().0), (Role::Leader, 1), "A leads term 1");
    for server in &cluster.servers {
        let node = &server.node;
        assert_eq!(
            (node.log().entries(), node.commit_index().0),
            (a.log().entries(), 1),
            "{} holds the leader's no-op and knows it committed",
            node.id()
        );
    }
    cluster
}

/// Delivers the oldest message in flight that `which` selects until none is left.
fn deliver_all(cluster: &mut Cluster, which: impl Fn(&Message<Command>) -> bool) {
    for _ in 0..MAX_PRELUDE_DELIVERIES {
        match cluster.network.iter().position(&which) {
            Some(index) => cluster.deliver(index, false),
            None => return,
        }
    }
    panic!("the prelude did not settle within {MAX_PRELUDE_DELIVERIES} deliveries");
}

fn holds(state: &ModelState, invariant: Invariant) -> bool {
    safety::check(&state.0, invariant).is_ok()
}

/// Why the last state of a counterexample breaks `invariant`, for reports.
pub fn explain(state: &ModelState, invariant: Invariant) -> String {
    match safety::check(&state.0, invariant) {
        Ok(()) => "holds".to_string(),
        Err(detail) => detail,
    }
}

/// How to run a check.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Explore paths of at most this many actions; `None` for the whole bounded space.
    pub max_depth: Option<usize>,
    /// Worker threads.
    pub threads: usize,
    /// Stop after this long, whatever remains.
    pub timeout: Option<std::time::Duration>,
    /// Stop at the first broken property instead of exploring everything (bug hunts).
    pub stop_at_first_failure: bool,
    /// Print a progress line this often; `None` for silence.
    pub progress_every: Option<std::time::Duration>,
    /// Depth first: far less memory (no frontier of whole states), but counterexamples are
    /// not the shortest, and with `max_depth` a state first met deep is not revisited from
    /// a shallower path, so use it without `max_depth` to cover the whole bounded space.
    pub depth_first: bool,
}

/// A property's discovery: an example for `sometimes`, a counterexample for `always`.
#[derive(Clone, Debug)]
pub struct Discovery {
    /// The property's name.
    pub property: &'static str,
    /// The actions from the initial state, in order.
    pub actions: Vec<Action>,
    /// The state the actions lead to.
    pub last_state: ModelState,
    /// Why that state breaks the property (empty for examples).
    pub explanation: String,
}

/// What a finished check found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// States generated, duplicates included (with a depth limit, also those one step past
    /// it, generated but not checked).
    pub states: usize,
    /// Distinct states.
    pub unique_states: usize,
    /// The most actions on any path explored.
    pub max_depth: usize,
    /// Wall-clock time.
    pub elapsed: std::time::Duration,
    /// Discoveries, by property name.
    pub discoveries: std::collections::BTreeMap<&'static str, Discovery>,
    /// The timeout stopped the search with states left unexplored: what it found stands,
    /// but finding nothing proves nothing about the rest of the bounded space.
    pub timed_out: bool,
}

impl Outcome {
    /// The counterexample to `invariant`, if one was found.
    pub fn counterexample(&self, invariant: Invariant) -> Option<&Discovery> {
        self.discoveries.get(invariant.name())
    }

    /// The names of the `always` properties that were broken.
    pub fn broken(&self) -> Vec<&'static str> {
        Invariant::ALL
            .iter()
            .map(|i| i.name())
            .filter(|name| self.discoveries.contains_key(name))
            .collect()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "states explored: {} ({} unique), paths up to {} actions, {:.1?}",
            self.states, self.unique_states, self.max_depth, self.elapsed
        )?;
        for discovery in self.discoveries.values() {
            let is_example = discovery.explanation.is_empty();
            let kind = if is_example {
                "example"
            } else {
                "COUNTEREXAMPLE"
            };
            writeln!(
                f,
                "{kind} for \"{}\" ({} steps):",
                discovery.property,
                discovery.actions.len()
            )?;
            if is_example {
                continue;
            }
            for (step, action) in discovery.actions.iter().enumerate() {
                writeln!(f, "  {:>2}. {action:?}", step + 1)?;
            }
            writeln!(f, "  => {}", discovery.explanation)?;
            write!(f, "{:?}", discovery.last_state)?;
        }
        if self.timed_out {
            writeln!(
                f,
                "INCOMPLETE: the timeout stopped the search before the bounded space was explored"
            )?;
        }
        Ok(())
    }
}

/// Checks `model`, breadth first unless asked otherwise (single-threaded, breadth first
/// finds a shortest counterexample).
pub fn run(model: RaftModel, options: &RunOptions) -> Outcome {
    use stateright::HasDiscoveries;
    let start = std::time::Instant::now();
    let mut model = model;
    let timed_out = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    model.deadline = options.timeout.map(|t| (start + t, timed_out.clone()));
    let mut builder = model.checker().threads(options.threads.max(1));
    if let Some(depth) = options.max_depth {
        // stateright counts the initial state as depth 1 and neither checks nor expands a
        // state at the target depth: states `depth` actions deep are at depth `depth + 1`.
        builder = builder.target_max_depth(depth + 2);
    }
    if options.stop_at_first_failure {
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    if options.depth_first {
        finish(builder.spawn_dfs(), options, start, &timed_out)
    } else {
        finish(builder.spawn_bfs(), options, start, &timed_out)
    }
}

fn finish(
    checker: impl stateright::Checker<RaftModel>,
    options: &RunOptions,
    start: std::time::Instant,
    timed_out: &std::sync::atomic::AtomicBool,
) -> Outcome {
    if let Some(every) = options.progress_every {
        let mut last_report = std::time::Instant::now();
        while !checker.is_done() {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if last_report.elapsed() >= every {
                last_report = std::time::Instant::now();
                eprintln!(
                    "  … {} states ({} unique), depth {}, {:.0?}",
                    checker.state_count(),
                    checker.unique_state_count(),
                    checker.max_depth().saturating_sub(1),
                    start.elapsed()
                );
            }
        }
    }
    let checker = checker.join();
    let properties = checker.model().properties();
    let discoveries = checker
        .discoveries()
        .into_iter()
        .map(|(name, path)| {
            let invariant = Invariant::ALL.into_iter().find(|i| i.name() == name);
            let is_always = properties
                .iter()
                .any(|p| p.name == name && p.expectation == stateright::Expectation::Always);
            let last_state = path.last_state().clone();
            let explanation = match invariant {
                Some(invariant) if is_always => explain(&last_state, invariant),
                _ => String::new(),
            };
            let discovery = Discovery {
                property: name,
                actions: path.into_actions(),
                last_state,
                explanation,
            };
            (name, discovery)
        })
        .collect();
    // stateright's depth counts the initial state, and includes states generated one step
    // past the target depth but never checked.
    let reached = checker.max_depth().saturating_sub(1);
    Outcome {
        states: checker.state_count(),
        unique_states: checker.unique_state_count(),
        max_depth: options
            .max_depth
            .map_or(reached, |depth| reached.min(depth)),
        elapsed: start.elapsed(),
        discoveries,
        timed_out: timed_out.load(std::sync::atomic::Ordering::Relaxed),
    }
}
