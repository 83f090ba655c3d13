//! What a person or the fault injector does to a run: crashes, freezes, clocks, restarts,
//! membership changes, snapshots, transfers, cut links and the messages on the wire.

use super::{real_ms, stream, Action, Disk, RaftOptions, Server, Simulation};
use crate::checker::Change;
use crate::kv::KvStore;
use crate::network::LinkParams;
use crate::trace::{ChangeOutcome, DropReason, TraceEvent};
use crate::vecmap::VecMap;
use alloc::vec::Vec;
use river_core::{MembershipChange, Node, NodeId, Proposal, Rng, Transfer, MAX_CLUSTER_SIZE};

impl Simulation {
    /// Asks server `from`, if it leads, to hand leadership to `to` (thesis §3.10). `None`
    /// when `from` is down or frozen.
    pub fn transfer_leadership(&mut self, from: NodeId, to: NodeId) -> Option<Transfer> {
        if !self.servers.get(from.index())?.acts() {
            return None;
        }
        self.catch_up(from.index());
        let node = self.servers.get_mut(from.index())?.node.as_mut()?;
        let outcome = node.transfer_leadership(to);
        self.after_input(from.index());
        Some(outcome)
    }

    // ----- a person's hand on the wire -----

    /// Removes a message from the wire, as if lost. Returns whether it was there.
    pub fn drop_in_flight(&mut self, id: u64) -> bool {
        if self.in_flight.remove(id).is_none() {
            return false;
        }
        self.drop_message(id, DropReason::Dropped);
        true
    }

    /// Puts a second copy of a message on the wire, arriving after the same delay as the
    /// first. Returns the copy's id.
    pub fn duplicate_in_flight(&mut self, id: u64) -> Option<u64> {
        let m = self.in_flight.get(id)?.clone();
        let delay = m.deliver_ms.saturating_sub(m.sent_ms);
        let copy = self.next_message_id;
        self.put_on_wire(m.from, m.to, m.packet, delay);
        Some(copy)
    }

    /// Holds a message on the wire: it does not arrive until released.
    pub fn hold_in_flight(&mut self, id: u64) -> bool {
        match self.in_flight.get_mut(id) {
            Some(m) => {
                m.held = true;
                true
            }
            None => false,
        }
    }

    /// Releases a held message; it arrives at its due time, or now if that has passed.
    pub fn release_in_flight(&mut self, id: u64) -> bool {
        let now = self.now_ms;
        let Some(m) = self.in_flight.get_mut(id).filter(|m| m.held) else {
            return false;
        };
        m.held = false;
        m.deliver_ms = m.deliver_ms.max(now);
        let at = m.deliver_ms;
        self.schedule(at, Action::Deliver(id));
        true
    }

    // ----- faults -----

    /// Crashes server `id`: it loses everything but its stable storage.
    pub fn crash(&mut self, id: NodeId) {
        let server = &mut self.servers[id.index()];
        if server.node.take().is_none() {
            return;
        }
        // A frozen process that is killed loses what waited in its inbox.
        server.frozen_since_ms = None;
        let lost: Vec<u64> = server.inbox.drain(..).map(|m| m.id).collect();
        server.waiting.clear();
        server.reads.clear();
        server.kv = KvStore::new(self.config.client_sessions);
        self.checker.crashed(self.now_ms, id);
        self.trace
            .record(self.now_ms, TraceEvent::Crash { node: id });
        for id in lost {
            self.drop_message(id, DropReason::NodeDown);
        }
    }

    /// Freezes server `id` (a stalled process, not a crash): until [`Simulation::thaw`] it
    /// does nothing; its timers wait and what reaches it waits in its inbox.
    pub fn freeze(&mut self, id: NodeId) {
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        if server.node.is_none() || server.frozen_since_ms.is_some() {
            return;
        }
        server.frozen_since_ms = Some(now);
        self.trace.record(now, TraceEvent::Freeze { node: id });
    }

    /// Releases a frozen server. Its clock resumes where it stopped, as a paused process's
    /// timers do: the node is never told that the frozen time passed, so a leader frozen in
    /// office still believes it leads for the rest of its term's lease. Then its inbox
    /// arrives, oldest first.
    pub fn thaw(&mut self, id: NodeId) {
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        let Some(since) = server.frozen_since_ms.take() else {
            return;
        };
        let paused = now - since;
        server.ticked_ms += paused;
        server.timer_at_ms += paused;
        let waiting = server.inbox.len();
        self.trace.record(now, TraceEvent::Thaw { node: id });
        for _ in 0..waiting {
            self.schedule(now, Action::Inbox(id));
        }
    }

    /// Sets how fast server `id`'s clock runs from now on, in percent of simulated time: what
    /// it counted so far stays counted at the old rate, and its next timer is rescheduled at
    /// the new one. A clock whose rate wanders this way stays within a drift bound as long
    /// as every rate it takes does (thesis §6.4.1 bounds rates, not readings). A frozen
    /// server's clock stands still and keeps its rate.
    pub fn set_clock_percent(&mut self, id: NodeId, percent: u64) {
        assert!(percent > 0, "a clock rate is positive");
        let i = id.index();
        if self.servers[i].frozen_since_ms.is_some() || self.servers[i].clock_percent == percent {
            return;
        }
        self.catch_up(i);
        self.servers[i].clock_percent = percent;
        self.trace
            .record(self.now_ms, TraceEvent::Clock { node: id, percent });
        if self.servers[i].node.is_some() {
            // Whatever the catch-up ticked out, then the timer at the new rate.
            self.after_input(i);
        }
    }

    /// Whether server `id` is frozen.
    pub fn frozen(&self, id: NodeId) -> bool {
        self.servers[id.index()].frozen_since_ms.is_some()
    }

    /// Changes the Raft options (PreVote, CheckQuorum, bugs) for servers that start or
    /// restart from now on; running servers keep theirs. (The simulator's own broken rule,
    /// `stale-read`, is read at each request and so takes effect at once.)
    pub fn set_raft_options(&mut self, options: RaftOptions) {
        self.config.raft = options;
    }

    /// Restarts server `id` from its stable storage (not one retired from the cluster).
    pub fn restart(&mut self, id: NodeId) {
        let config = self.config.node_config(id);
        let sessions = self.config.client_sessions;
        let now = self.now_ms;
        let server = &mut self.servers[id.index()];
        if server.node.is_some() || server.retired {
            return;
        }
        let restarted = Node::restart_from_snapshot(
            config,
            server.rng.next_u64(),
            server.disk.hard_state,
            server.disk.snapshot.clone(),
            server.disk.log.clone(),
        );
        let Ok(node) = restarted else {
            panic!("validated at start")
        };
        // The state machine starts from the snapshot; the log after it is applied again.
        server.kv = server
            .disk
            .snapshot
            .as_ref()
            .and_then(|s| KvStore::decode(&s.data))
            .unwrap_or_else(|| KvStore::new(sessions));
        server.timer_at_ms = now + server.real_ms(node.ms_until_next_timer());
        server.ticked_ms = now;
        server.node = Some(node);
        let disk = &self.servers[id.index()].disk;
        self.checker
            .restarted(now, id, disk.snapshot_index(), &disk.log);
        let restart = TraceEvent::Restart {
            node: id,
            term: disk.hard_state.term,
            voted_for: disk.hard_state.voted_for,
            entries: disk.log.len() as u64,
            snapshot: disk.snapshot_index(),
        };
        self.trace.record(now, restart);
        let node = self.servers[id.index()].node.as_ref().expect("just set");
        self.checker.observe(now, node, Change::default());
    }

    // ----- membership (thesis §4.2) -----

    /// Starts the next server (the next letter) with an empty disk, outside the cluster: it
    /// waits to be added. `None` when the cluster already has [`MAX_CLUSTER_SIZE`] servers.
    pub fn spawn_server(&mut self) -> Option<NodeId> {
        let i = self.servers.len();
        if i >= MAX_CLUSTER_SIZE {
            return None;
        }
        let id = NodeId(i as u8);
        let mut rng = Rng::fork(self.config.seed, stream::NODE + i as u64);
        let Ok(node) = Node::new(self.config.node_config(id), rng.next_u64()) else {
            panic!("validated at start")
        };
        self.servers.push(Server {
            timer_at_ms: self.now_ms
                + real_ms(self.config.clock_of(id), node.ms_until_next_timer()),
            node: Some(node),
            disk: Disk::default(),
            kv: KvStore::new(self.config.client_sessions),
            waiting: VecMap::new(),
            ticked_ms: self.now_ms,
            clock_percent: self.config.clock_of(id),
            rng,
            retired: false,
            reads: VecMap::new(),
            frozen_since_ms: None,
            inbox: Vec::new(),
        });
        self.network.add_server();
        self.checker.add_server();
        self.trace
            .record(self.now_ms, TraceEvent::Started { node: id });
        Some(id)
    }

    /// Whether the leader would refuse `change` now, asked on a copy of it once its clock
    /// is brought up to now (as it would be): the refusal, recorded in the trace as
    /// [`Simulation::change_membership`] records one, or `None` when it would be taken.
    fn membership_refusal(&mut self, change: MembershipChange) -> Option<ChangeOutcome> {
        let outcome = match self.leader() {
            None => ChangeOutcome::NoLeader,
            Some(leader) => {
                self.catch_up(leader.index());
                let node = self.servers[leader.index()].node.as_ref();
                match node
                    .expect("the leader runs")
                    .clone()
                    .propose_membership(change)
                {
                    Ok(Proposal::Appended { .. }) => return None,
                    Ok(Proposal::Transferring { target }) => {
                        ChangeOutcome::Transferring { leader, target }
                    }
                    Ok(Proposal::NotLeader { .. }) => ChangeOutcome::NoLeader,
                    Err(reason) => ChangeOutcome::Refused { leader, reason },
                }
            }
        };
        self.trace
            .record(self.now_ms, TraceEvent::Membership { change, outcome });
        Some(outcome)
    }

    /// The operator asks the leader (the highest-term one running) for `change`.
    pub fn change_membership(&mut self, change: MembershipChange) -> ChangeOutcome {
        let outcome = match self.leader() {
            None => ChangeOutcome::NoLeader,
            Some(leader) => {
                self.catch_up(leader.index());
                let node = self.servers[leader.index()]
                    .node
                    .as_mut()
                    .expect("the leader runs");
                let result = node.propose_membership(change);
                let term = node.term();
                match result {
                    Ok(Proposal::Appended { index, .. }) => {
                        if let MembershipChange::Remove(target) = change {
                            self.retiring.push((target, index, term));
                        }
                        ChangeOutcome::Appended { leader, index }
                    }
                    Ok(Proposal::Transferring { target }) => {
                        ChangeOutcome::Transferring { leader, target }
                    }
                    // Its clock, brought up to now, ran past CheckQuorum's deadline: it
                    // stepped down just before the operator's request reached it.
                    Ok(Proposal::NotLeader { .. }) => ChangeOutcome::NoLeader,
                    Err(reason) => ChangeOutcome::Refused { leader, reason },
                }
            }
        };
        self.trace
            .record(self.now_ms, TraceEvent::Membership { change, outcome });
        if let ChangeOutcome::Appended { leader, .. } = outcome {
            self.after_input(leader.index());
        }
        outcome
    }

    /// Adds a server: starts the next one and asks the leader to take it in as a learner;
    /// the leader promotes it once it has caught up (thesis §4.2.1). The leader is asked
    /// first: a change it refuses (no leader, another change in flight, nothing of its term
    /// committed yet, a transfer running) starts no server, and the answer names the server
    /// that was not started. `None` when the cluster already has [`MAX_CLUSTER_SIZE`].
    pub fn add_server(&mut self) -> Option<(NodeId, ChangeOutcome)> {
        if self.servers.len() >= MAX_CLUSTER_SIZE {
            return None;
        }
        let next = NodeId(self.servers.len() as u8);
        let change = MembershipChange::AddLearner(next);
        if let Some(refused) = self.membership_refusal(change) {
            return Some((next, refused));
        }
        let id = self.spawn_server()?;
        Some((id, self.change_membership(change)))
    }

    /// Asks the leader to remove server `id`; once the removal commits the server is shut
    /// down for good.
    pub fn remove_server(&mut self, id: NodeId) -> ChangeOutcome {
        self.change_membership(MembershipChange::Remove(id))
    }

    /// Server `id` compacts its log now, up to what it has applied (the scenario line
    /// `snapshot A`); returns whether there was anything to compact.
    pub fn snapshot(&mut self, id: NodeId) -> bool {
        let server = &mut self.servers[id.index()];
        if !server.acts() {
            return false;
        }
        let Some(node) = server.node.as_mut() else {
            return false;
        };
        let applied = node.applied_index();
        let done = node.compact(applied, server.kv.encode().into());
        if done {
            self.after_input(id.index());
        }
        done
    }

    /// Fires server `id`'s election timer now (it must be running, not frozen, and not
    /// leading).
    pub fn force_timeout(&mut self, id: NodeId) {
        if !self.servers[id.index()].acts() {
            return;
        }
        self.catch_up(id.index());
        if let Some(node) = self.servers[id.index()].node.as_mut() {
            node.force_election_timeout();
            self.after_input(id.index());
        }
    }

    /// Cuts the link from `a` to `b`, and from `b` to `a` unless `one_way`.
    pub fn cut(&mut self, a: NodeId, b: NodeId, one_way: bool) {
        self.set_link(a, b, false);
        if !one_way {
            self.set_link(b, a, false);
        }
    }

    /// Restores both directions between `a` and `b`.
    pub fn heal(&mut self, a: NodeId, b: NodeId) {
        self.set_link(a, b, true);
        self.set_link(b, a, true);
    }

    /// Sets one directed link up or down.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, up: bool) {
        if from == to || self.network.is_up(from, to) == up {
            return;
        }
        self.network.link_mut(from, to).up = up;
        self.trace
            .record(self.now_ms, TraceEvent::Link { from, to, up });
    }

    /// Splits the cluster into groups that hear only each other; servers in no group are
    /// isolated on their own.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let group_of = |id: NodeId| groups.iter().position(|g| g.contains(&id));
        let ids: Vec<NodeId> = self.ids().collect();
        for &a in &ids {
            for &b in &ids {
                if a != b {
                    let same = group_of(a).is_some() && group_of(a) == group_of(b);
                    self.set_link(a, b, same);
                }
            }
        }
    }

    /// Restores every link, client links included.
    pub fn heal_all(&mut self) {
        let ids: Vec<NodeId> = self.ids().collect();
        for &a in &ids {
            for &b in &ids {
                self.set_link(a, b, true);
            }
        }
        for client in 0..self.clients.len() as u32 {
            for &node in &ids {
                self.set_client_link(client, node, true);
            }
        }
    }

    /// Cuts or restores the link between a client and a server, both directions.
    pub fn set_client_link(&mut self, client: u32, node: NodeId, up: bool) {
        if self.network.client_link_up(client, node) == up {
            return;
        }
        self.network.set_client_link(client, node, up);
        self.trace
            .record(self.now_ms, TraceEvent::ClientLink { client, node, up });
    }

    /// Makes client traffic suffer the links' loss, duplication and reordering like server
    /// traffic (`true`), or only their delay.
    pub fn set_client_faults(&mut self, on: bool) {
        self.network.client_faults = on;
    }

    /// Sets every link's delay, loss, duplication and reordering (cut links stay cut).
    pub fn set_link_params(&mut self, params: LinkParams) {
        self.network.set_all_params(params);
    }

    // ----- clients -----
}
