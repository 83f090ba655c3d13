//! A cluster of real [`river_core::Node`]s wired together by hand: every input is one thing a
//! network, a clock or a client can do, and after it the touched node's [`Ready`] is drained
//! exactly as its contract says — persist to the node's [`Disk`], then send, then apply.
//!
//! The model checker, the property tests and the fuzzer all drive this one type, so the three
//! exercise the same code and check the same [`crate::safety`] invariants.

use crate::history::{describe_entry, Command, History, Invariant};
use crate::stored;
use river_core::{Body, BugSet, Config, Entry, Event, HardState, LogIndex, Message, Node};
use river_core::{ChangeRefusal, MembershipChange, NodeId, Role, Transfer};
use river_core::{Proposal, Read, ReadId, ReadResult, Ready, Snapshot, Term, MAX_CLUSTER_SIZE};

/// What stable storage holds for one server: exactly what its `Ready`s said to write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Disk {
    /// Term and vote.
    pub hard_state: HardState,
    /// The latest snapshot, the server's own ([`Cluster::compact`]) or one it installed.
    pub snapshot: Option<Snapshot>,
    /// The log after the snapshot (index 1 first without one).
    pub log: Vec<Entry<Command>>,
}

impl Disk {
    /// The last index the stored snapshot covers, 0 without one.
    fn snapshot_index(&self) -> u64 {
        self.snapshot.as_ref().map_or(0, |s| s.index.0)
    }
}

/// One server: the running node and its disk.
#[derive(Clone, Debug)]
pub struct Server {
    /// The real state machine.
    pub node: Node<Command>,
    /// What survives a crash.
    pub disk: Disk,
    /// The highest commit index this incarnation has shown; it restarts from zero with the
    /// node, since the commit index is volatile (Figure 2).
    pub commit_seen: LogIndex,
    /// The highest term this server has shown, across incarnations: terms are persistent.
    pub term_seen: Term,
    /// How many times this server has restarted; only varies the restarted node's seed.
    pub incarnation: u32,
}

/// Real nodes, their disks, the messages in flight and the run's [`History`].
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Indexed by [`NodeId`].
    pub servers: Vec<Server>,
    /// Messages sent and neither delivered nor lost, oldest first.
    pub network: Vec<Message<Command>>,
    /// What the safety properties need to remember.
    pub history: History,
    /// Commands proposed so far, accepted or not; the next command is `proposals + 1`.
    pub proposals: u32,
    /// Reads asked so far, registered or not; the next read's id is `reads + 1`.
    pub reads: u32,
    /// Snapshots servers took of their own state so far ([`Cluster::compact`]).
    pub compactions: u32,
    /// Crash-restarts so far, across all servers.
    pub restarts: u32,
    /// Forged messages handed to nodes so far; until the first, no message may be refused.
    pub forged: u32,
    /// Messages refused so far (`Event::MessageRefused`).
    pub refused: u32,
    /// Snapshots nodes installed from a leader (or, in the driver, forged ones).
    pub snapshots_installed: u32,
    /// Membership changes leaders appended at a client's request, in order (the leader's own
    /// promotions of caught-up learners are not counted here).
    pub changes: Vec<MembershipChange>,
}

impl Cluster {
    /// A fresh cluster of `template.cluster_size` servers with empty logs in term 0; each
    /// server gets `template` with its own id.
    pub fn new(template: &Config) -> Cluster {
        Cluster::with_spares(template, 0)
    }

    /// A fresh cluster as [`Cluster::new`] makes it, plus `spares` servers with the next ids,
    /// outside the configuration: they wait, empty, until a leader adds them (thesis §4.2.1).
    pub fn with_spares(template: &Config, spares: usize) -> Cluster {
        let size = template.cluster_size + spares;
        assert!(
            (1..=MAX_CLUSTER_SIZE).contains(&size),
            "cluster size {size} out of range"
        );
        let servers = (0..size)
            .map(|i| {
                let id = NodeId(i as u8);
                let mut config = template.clone();
                config.id = id;
                let node = Node::new(config, seed(id, 0)).expect("model configs are valid");
                Server {
                    node,
                    disk: Disk::default(),
                    commit_seen: LogIndex::ZERO,
                    term_seen: Term(0),
                    incarnation: 0,
                }
            })
            .collect();
        Cluster {
            servers,
            network: Vec::new(),
            history: History::default(),
            proposals: 0,
            reads: 0,
            compactions: 0,
            restarts: 0,
            forged: 0,
            refused: 0,
            snapshots_installed: 0,
            changes: Vec::new(),
        }
    }

    /// The configuration every model run starts from: the paper's Raft (no PreVote, no
    /// CheckQuorum), `bugs` switched on, and at most `max_entries_per_append` entries per
    /// AppendEntries — small batches make more interleavings reachable in few steps.
    pub fn config(cluster_size: usize, bugs: BugSet, max_entries_per_append: usize) -> Config {
        let mut config = Config::new(NodeId(0), cluster_size);
        config.bugs = bugs;
        config.max_entries_per_append = max_entries_per_append;
        config
    }

    /// The server with id `id`.
    pub fn server(&self, id: NodeId) -> &Server {
        &self.servers[id.index()]
    }

    /// Delivers the in-flight message at `index`; with `keep` a copy stays in flight, which
    /// is how the network duplicates.
    pub fn deliver(&mut self, index: usize, keep: bool) {
        let message = if keep {
            self.network[index].clone()
        } else {
            self.network.remove(index)
        };
        let to = message.to.index();
        // A forged configuration can name servers the run does not have: such messages go
        // nowhere, as on a network with no host at that address.
        if to >= self.servers.len() {
            return;
        }
        self.servers[to].node.step(message);
        self.flush(to);
    }

    /// Hands a forged `message` straight to `to`, bypassing the network (whatever receiver
    /// the message names).
    pub fn forge(&mut self, to: NodeId, message: Message<Command>) {
        self.forged += 1;
        self.servers[to.index()].node.step(message);
        self.flush(to.index());
    }

    /// Loses the in-flight message at `index`.
    pub fn drop_message(&mut self, index: usize) {
        self.network.remove(index);
    }

    /// Lets `ms` of `node`'s clock pass.
    pub fn tick(&mut self, node: NodeId, ms: u64) {
        self.servers[node.index()].node.tick(ms);
        self.flush(node.index());
    }

    /// Fires `node`'s election timer now.
    pub fn force_timeout(&mut self, node: NodeId) {
        self.servers[node.index()].node.force_election_timeout();
        self.flush(node.index());
    }

    /// A leader's heartbeat: exactly one heartbeat interval of its clock passes.
    pub fn heartbeat(&mut self, node: NodeId) {
        let ms = self.servers[node.index()]
            .node
            .config()
            .heartbeat_interval_ms;
        self.tick(node, ms);
    }

    /// A client offers the next command to `node`.
    pub fn propose(&mut self, node: NodeId) -> Proposal {
        self.proposals += 1;
        let command: Command = self.proposals;
        let outcome = self.servers[node.index()].node.propose(command);
        self.flush(node.index());
        outcome
    }

    /// A client asks `node` for a linearizable read (ReadIndex, thesis §6.4); one the node
    /// registers is remembered with what was committed anywhere at this moment, and checked
    /// when the node answers it ([`Invariant::FreshReads`]).
    pub fn read(&mut self, node: NodeId) -> Read {
        self.reads += 1;
        let id = ReadId(u64::from(self.reads));
        let outcome = self.servers[node.index()].node.read(id);
        if outcome == Read::Pending {
            self.history.record_read_asked(node, id);
        }
        self.flush(node.index());
        outcome
    }

    /// `node` compacts everything it has applied into a snapshot (thesis §5.1) whose data is
    /// the entries it stands for ([`stored::encode`]); false if there is nothing new to
    /// compact (the node then refuses, and nothing happens).
    pub fn compact(&mut self, node: NodeId) -> bool {
        let server = &mut self.servers[node.index()];
        let applied = server.node.applied_index();
        let Ok(log) = stored::full_log(&server.node) else {
            return false;
        };
        let Some(covered) = usize::try_from(applied.0).ok().and_then(|n| log.get(..n)) else {
            return false;
        };
        let data = stored::encode(covered);
        if !server.node.compact(applied, data) {
            return false;
        }
        self.compactions += 1;
        self.flush(node.index());
        true
    }

    /// A client asks `node` to change the membership (thesis §4.2); an appended change is
    /// recorded in [`Cluster::changes`].
    pub fn propose_membership(
        &mut self,
        node: NodeId,
        change: MembershipChange,
    ) -> Result<Proposal, ChangeRefusal> {
        let outcome = self.servers[node.index()].node.propose_membership(change);
        if let Ok(Proposal::Appended { .. }) = outcome {
            self.changes.push(change);
        }
        self.flush(node.index());
        outcome
    }

    /// A client asks `node` to hand its leadership to `target` (thesis §3.10).
    pub fn transfer(&mut self, node: NodeId, target: NodeId) -> Transfer {
        let outcome = self.servers[node.index()].node.transfer_leadership(target);
        self.flush(node.index());
        outcome
    }

    /// Crashes `node` and brings it back from its disk: term, vote and log survive, all else
    /// starts over. Messages already in flight stay in flight, to or from it.
    pub fn restart(&mut self, node: NodeId) {
        self.restarts += 1;
        let server = &mut self.servers[node.index()];
        server.incarnation += 1;
        let config = server.node.config().clone();
        let disk = server.disk.clone();
        server.node = Node::restart_from_snapshot(
            config,
            seed(node, server.incarnation),
            disk.hard_state,
            disk.snapshot,
            disk.log,
        )
        .expect("a config that built a node once is valid");
        server.commit_seen = LogIndex::ZERO;
        self.history.forget_reads_at(node);
        self.flush(node.index());
    }

    /// Drains `i`'s `Ready` in the order its contract demands, then updates the history.
    fn flush(&mut self, i: usize) {
        let mut ready = Ready::default();
        let server = &mut self.servers[i];
        server.node.take_ready(&mut ready);
        // 1. Persist.
        if let Some(hard_state) = ready.hard_state {
            server.disk.hard_state = hard_state;
        }
        if ready.install_snapshot {
            self.snapshots_installed += 1;
        }
        let installed = ready
            .snapshot
            .as_ref()
            .filter(|_| ready.install_snapshot)
            .and_then(|s| stored::decode(&s.data));
        if let Some(snapshot) = ready.snapshot.take() {
            // The snapshot stands for every stored entry up to its index.
            let covered = snapshot
                .index
                .0
                .saturating_sub(server.disk.snapshot_index());
            let log = &mut server.disk.log;
            let drop = usize::try_from(covered).map_or(log.len(), |c| c.min(log.len()));
            log.drain(..drop);
            server.disk.snapshot = Some(snapshot);
        }
        if let Some(from) = ready.persist_log_from {
            assert!(from.0 >= 1, "the log is stored from index 1");
            let keep = from.0.saturating_sub(server.disk.snapshot_index() + 1);
            let log = server.node.log();
            server
                .disk
                .log
                .truncate(usize::try_from(keep).unwrap_or(usize::MAX));
            server
                .disk
                .log
                .extend_from_slice(log.slice(from, log.last_index()));
        }
        // 2. Send.
        self.network.append(&mut ready.messages);
        for event in &ready.events {
            if let Event::MessageRefused { from, kind, reason } = event {
                self.refused += 1;
                if self.forged == 0 {
                    let id = NodeId(i as u8);
                    let detail = format!("{id} refused {from}'s {kind:?}: {reason:?}");
                    self.history
                        .record_violation(Invariant::HonestMessagesAccepted, detail);
                }
            }
        }
        // 3. Apply (an installed snapshot first: the state machine starts over from it),
        // then answer the reads this Ready decides.
        let node = &self.servers[i].node;
        for (k, entry) in installed.iter().flatten().enumerate() {
            let index = LogIndex(k as u64 + 1);
            self.history
                .record_applied(node.id(), node.term(), index, entry);
        }
        if let Some((from, to)) = ready.apply {
            for (k, entry) in node.log().slice(from, to).iter().enumerate() {
                let index = LogIndex(from.0 + k as u64);
                self.history
                    .record_applied(node.id(), node.term(), index, entry);
            }
        }
        for read in &ready.reads {
            let read_index = match read.result {
                ReadResult::Serve { index } => Some(index),
                ReadResult::Failed => None,
            };
            self.history
                .record_read_answered(node.id(), read.id, read_index);
        }
        self.observe(i);
    }

    /// Records what only a transition shows: a leader, a backwards step, a lost write.
    fn observe(&mut self, i: usize) {
        let server = &mut self.servers[i];
        let node = &server.node;
        let id = node.id();
        let history = &mut self.history;
        if node.role() == Role::Leader {
            history.record_leader(node.term(), id);
        }
        if node.commit_index() < server.commit_seen {
            let detail = format!(
                "{id}'s commit index fell from {} to {}",
                server.commit_seen,
                node.commit_index()
            );
            history.record_violation(Invariant::NodeLocal, detail);
        }
        if node.term() < server.term_seen {
            let detail = format!(
                "{id}'s term fell from {} to {}",
                server.term_seen,
                node.term()
            );
            history.record_violation(Invariant::NodeLocal, detail);
        }
        server.commit_seen = server.commit_seen.max(node.commit_index());
        server.term_seen = server.term_seen.max(node.term());
        if server.disk.log != node.log().entries() {
            let detail = format!("{id}'s stored log differs from its log after a Ready");
            history.record_violation(Invariant::Durability, detail);
        }
        if server.disk.snapshot.as_ref() != node.snapshot() {
            let detail = format!("{id}'s stored snapshot differs from its own after a Ready");
            history.record_violation(Invariant::Durability, detail);
        }
        if history.prefixes.is_some() {
            if let Ok(log) = stored::full_log(node) {
                history.record_log(id, &log);
            }
        }
        let forget_vote = node.config().bugs.has(river_core::Bug::ForgetVote);
        let stored = server.disk.hard_state;
        if stored.term != node.term() || (!forget_vote && stored.voted_for != node.voted_for()) {
            let detail = format!(
                "{id} stored term {} vote {:?} but is in term {} with vote {:?}",
                stored.term,
                stored.voted_for,
                node.term(),
                node.voted_for()
            );
            history.record_violation(Invariant::Durability, detail);
        }
    }
}

/// Each incarnation of each server draws its election timeouts from its own stream.
fn seed(id: NodeId, incarnation: u32) -> u64 {
    0x5EED_0000_0000_0000 ^ (u64::from(id.0) << 32) ^ u64::from(incarnation)
}

/// A message as a person reads it in a counterexample, e.g. `A→B AppendEntries t2 prev 1@t1
/// [t2 noop] commit 1`.
pub fn describe_message(m: &Message<Command>) -> String {
    let head = format!("{}→{} t{}", m.from, m.to, m.term);
    match &m.body {
        Body::RequestVote {
            pre_vote,
            last_log_index,
            last_log_term,
            leadership_transfer,
        } => {
            let kind = match (*pre_vote, *leadership_transfer) {
                (true, _) => "PreVote",
                (false, true) => "RequestVote (transfer)",
                (false, false) => "RequestVote",
            };
            format!("{head} {kind} last {last_log_index}@t{last_log_term}")
        }
        Body::RequestVoteResponse { pre_vote, granted } => {
            let kind = if *pre_vote { "PreVote" } else { "vote" };
            let answer = if *granted { "granted" } else { "denied" };
            format!("{head} {kind} {answer}")
        }
        Body::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        } => {
            let entries: Vec<String> = entries.iter().map(describe_entry).collect();
            format!(
                "{head} AppendEntries prev {prev_log_index}@t{prev_log_term} [{}] commit {leader_commit}",
                entries.join(", ")
            )
        }
        Body::AppendEntriesResponse {
            success: true,
            match_index,
            ..
        } => format!("{head} append ok, match {match_index}"),
        Body::TimeoutNow => format!("{head} TimeoutNow"),
        Body::ReadIndex { id } => format!("{head} ReadIndex #{}", id.0),
        Body::ReadIndexResponse { id, read_index } => match read_index {
            Some(index) => format!("{head} ReadIndex #{} at {index}", id.0),
            None => format!("{head} ReadIndex #{} refused", id.0),
        },
        Body::AppendEntriesResponse { reject, .. } => match reject {
            Some(hint) => format!("{head} append rejected at {}", hint.rejected_index),
            None => format!("{head} append rejected (stale term)"),
        },
        Body::InstallSnapshot {
            last_included_index,
            last_included_term,
            offset,
            data,
            done,
            ..
        } => format!(
            "{head} InstallSnapshot {last_included_index}@t{last_included_term} bytes {offset}+{}{}",
            data.len(),
            if *done { " done" } else { "" }
        ),
        Body::InstallSnapshotResponse {
            last_included_index,
            received,
            done,
        } => format!(
            "{head} snapshot {last_included_index} {}",
            if *done { "installed".to_string() } else { format!("has {received} bytes") }
        ),
    }
}
