//! A hand-driven network for paper-section tests: messages sit in a queue until the test
//! delivers, drops or inspects them. Persistence follows each node's `Ready` exactly.
#![allow(dead_code)]

use river_core::*;
use std::collections::VecDeque;

/// What stable storage holds for one node.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    pub hard_state: HardState,
    pub snapshot: Option<Snapshot>,
    /// Entries after the snapshot.
    pub log: Vec<Entry<u32>>,
}

pub struct Cluster {
    pub nodes: Vec<Node<u32>>,
    pub disks: Vec<Disk>,
    pub queue: VecDeque<Message<u32>>,
    pub events: Vec<(NodeId, Event)>,
    pub applied: Vec<Vec<(LogIndex, Payload<u32>)>>,
    /// Reads decided, with the node that decided them and how much it had applied then.
    pub reads: Vec<(NodeId, ReadState, usize)>,
    /// Snapshots each node installed from its leader, in order.
    pub installed: Vec<Vec<Snapshot>>,
    pub config: Config,
    ready: Ready<u32>,
}

pub fn id(c: char) -> NodeId {
    NodeId::from_letter(c).unwrap()
}

impl Cluster {
    pub fn new(size: usize) -> Cluster {
        Cluster::with(size, |_| {})
    }

    pub fn with(size: usize, tweak: impl Fn(&mut Config)) -> Cluster {
        Cluster::with_spares(size, 0, tweak)
    }

    /// `size` servers in the initial configuration plus `spares` more (the next letters)
    /// that run but wait to be added (thesis §4.2.1).
    pub fn with_spares(size: usize, spares: usize, tweak: impl Fn(&mut Config)) -> Cluster {
        let mut config = Config::new(NodeId(0), size);
        tweak(&mut config);
        let size = size + spares;
        let nodes = (0..size)
            .map(|i| {
                let mut c = config.clone();
                c.id = NodeId(i as u8);
                Node::new(c, 100 + i as u64).unwrap()
            })
            .collect();
        Cluster {
            nodes,
            disks: vec![Disk::default(); size],
            queue: VecDeque::new(),
            events: Vec::new(),
            applied: vec![Vec::new(); size],
            reads: Vec::new(),
            installed: vec![Vec::new(); size],
            config,
            ready: Ready::default(),
        }
    }

    pub fn node(&self, c: char) -> &Node<u32> {
        &self.nodes[id(c).index()]
    }

    /// Drains one node's Ready: persist, then queue its messages, then apply.
    pub fn flush(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        node.take_ready(&mut self.ready);
        let disk = &mut self.disks[i];
        if let Some(hs) = self.ready.hard_state {
            disk.hard_state = hs;
        }
        let stored_from = disk.snapshot.as_ref().map_or(0, |s| s.index.0);
        if let Some(snapshot) = &self.ready.snapshot {
            let drop = ((snapshot.index.0 - stored_from) as usize).min(disk.log.len());
            disk.log.drain(..drop);
            disk.snapshot = Some(snapshot.clone());
            if self.ready.install_snapshot {
                self.installed[i].push(snapshot.clone());
            }
        }
        let stored_from = disk.snapshot.as_ref().map_or(0, |s| s.index.0);
        if let Some(from) = self.ready.persist_log_from {
            disk.log.truncate((from.0 - stored_from - 1) as usize);
            disk.log
                .extend_from_slice(node.log().slice(from, node.log().last_index()));
        }
        self.queue.extend(self.ready.messages.drain(..));
        self.events
            .extend(self.ready.events.iter().map(|e| (node.id(), *e)));
        if let Some((from, to)) = self.ready.apply {
            for (k, e) in node.log().slice(from, to).iter().enumerate() {
                self.applied[i].push((LogIndex(from.0 + k as u64), e.payload.clone()));
            }
        }
        for read in &self.ready.reads {
            self.reads.push((node.id(), *read, self.applied[i].len()));
        }
    }

    pub fn flush_all(&mut self) {
        for i in 0..self.nodes.len() {
            self.flush(i);
        }
    }

    /// Fires `c`'s election timer.
    pub fn timeout(&mut self, c: char) {
        let i = id(c).index();
        self.nodes[i].force_election_timeout();
        self.flush(i);
    }

    pub fn tick(&mut self, c: char, ms: u64) {
        let i = id(c).index();
        self.nodes[i].tick(ms);
        self.flush(i);
    }

    /// Delivers one message.
    pub fn deliver(&mut self, m: Message<u32>) {
        let i = m.to.index();
        self.nodes[i].step(m);
        self.flush(i);
    }

    /// Hands `m` to node `c` whatever it says its receiver is (as a misrouting network would).
    pub fn deliver_to(&mut self, c: char, m: Message<u32>) {
        let i = id(c).index();
        self.nodes[i].step(m);
        self.flush(i);
    }

    /// The refusals `c` narrated, oldest first.
    pub fn refusals(&self, c: char) -> Vec<(NodeId, MessageKind, RefusalReason)> {
        self.events
            .iter()
            .filter(|(n, _)| *n == id(c))
            .filter_map(|(_, e)| match *e {
                Event::MessageRefused { from, kind, reason } => Some((from, kind, reason)),
                _ => None,
            })
            .collect()
    }

    /// Delivers queued messages (and the replies they cause) until none are left, skipping
    /// any the filter refuses.
    pub fn run(&mut self, mut allow: impl FnMut(&Message<u32>) -> bool) {
        let mut budget = 100_000;
        while let Some(m) = self.queue.pop_front() {
            budget -= 1;
            assert!(budget > 0, "message storm");
            if allow(&m) {
                self.deliver(m);
            }
        }
    }

    pub fn run_all(&mut self) {
        self.run(|_| true);
    }

    /// Runs with only the given nodes able to talk to each other.
    pub fn run_among(&mut self, group: &str) {
        let ids: Vec<NodeId> = group.chars().map(id).collect();
        self.run(|m| ids.contains(&m.from) && ids.contains(&m.to));
    }

    /// Asks `c` to change the membership.
    pub fn change(&mut self, c: char, change: MembershipChange) -> Result<Proposal, ChangeRefusal> {
        let i = id(c).index();
        let p = self.nodes[i].propose_membership(change);
        self.flush(i);
        p
    }

    /// The voters in `c`'s configuration, as letters.
    pub fn voters(&self, c: char) -> String {
        self.node(c)
            .membership()
            .voters()
            .map(|v| v.letter())
            .collect()
    }

    /// The learners in `c`'s configuration, as letters.
    pub fn learners(&self, c: char) -> String {
        self.node(c)
            .membership()
            .learners()
            .map(|v| v.letter())
            .collect()
    }

    pub fn propose(&mut self, c: char, v: u32) -> Proposal {
        let i = id(c).index();
        let p = self.nodes[i].propose(v);
        self.flush(i);
        p
    }

    /// Heartbeat from a leader: enough ticks to fire it.
    pub fn heartbeat(&mut self, c: char) {
        let ms = self.config.heartbeat_interval_ms;
        self.tick(c, ms);
    }

    /// Crashes `c` and brings it back from its disk.
    pub fn restart(&mut self, c: char) {
        let i = id(c).index();
        let disk = self.disks[i].clone();
        let config = self.nodes[i].config().clone();
        self.nodes[i] =
            Node::restart_from_snapshot(config, 999, disk.hard_state, disk.snapshot, disk.log)
                .unwrap();
        self.applied[i].clear();
        self.queue
            .retain(|m| m.to.index() != i && m.from.index() != i);
    }

    pub fn elect(&mut self, c: char) {
        self.timeout(c);
        self.run_all();
        assert_eq!(self.node(c).role(), Role::Leader, "{c} should have won");
    }

    /// `c` compacts its log up to what it applied, into `bytes` bytes of made-up state.
    pub fn compact(&mut self, c: char, bytes: usize) -> bool {
        let i = id(c).index();
        let applied = self.nodes[i].applied_index();
        let data: Vec<u8> = (0..bytes).map(|b| b as u8).collect();
        let done = self.nodes[i].compact(applied, data.into());
        self.flush(i);
        done
    }

    pub fn log_terms(&self, c: char) -> Vec<u64> {
        self.node(c)
            .log()
            .entries()
            .iter()
            .map(|e| e.term.0)
            .collect()
    }

    pub fn commands(&self, c: char) -> Vec<Option<u32>> {
        self.node(c)
            .log()
            .entries()
            .iter()
            .map(|e| match e.payload {
                Payload::Command(v) => Some(v),
                Payload::Noop | Payload::Membership(_) => None,
            })
            .collect()
    }

    pub fn saw(&self, c: char, pred: impl Fn(&Event) -> bool) -> bool {
        self.events.iter().any(|(n, e)| *n == id(c) && pred(e))
    }
}
