//! Clients and what servers do with their requests: sessions, reads, retries, the history.

use super::{Action, ReadPath, Simulation, WORKLOAD_KEYS};
use crate::client::{Client, Outstanding};
use crate::history::{HistoryOp, OpFn, OpType};
use crate::kv::{Command, Op, OpResult, SessionState};
use crate::network::{Endpoint, Packet, Reply};
use crate::trace::TraceEvent;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use river_core::{Bug, NodeId, Proposal, Read, ReadId, ReadResult};

impl Simulation {
    pub(super) fn server_request(&mut self, i: usize, client: u32, seq: u64, op: Op) {
        self.catch_up(i);
        let from = Endpoint::Node(NodeId(i as u8));
        let to = Endpoint::Client(client);
        let server = &mut self.servers[i];
        if let (Op::Get { key }, true) = (&op, self.config.raft.bugs.has(Bug::StaleRead)) {
            // Broken on purpose: answer from local state, skipping the log.
            let value = server.kv.read(key).cloned();
            let reply = Reply::Ok(OpResult::Value(value));
            return self.send(from, to, Packet::Reply { seq, reply });
        }
        // A request this server's state machine has already applied is answered with its
        // first result, whoever appended it (thesis §6.3); one the client has moved past
        // is not waited on by anyone, and must not take effect now.
        match server.kv.session(client, seq) {
            SessionState::Answered(result) => {
                let reply = Reply::Ok(result.clone());
                return self.send(from, to, Packet::Reply { seq, reply });
            }
            SessionState::Superseded => return,
            SessionState::New => {}
        }
        if let (Op::Get { key }, ReadPath::ReadIndex | ReadPath::Lease) =
            (&op, self.config.raft.reads)
        {
            return self.read_index(i, client, seq, key.clone());
        }
        let node = server.node.as_mut().expect("running");
        match node.propose(Command {
            client,
            seq,
            op: Rc::new(op),
        }) {
            Proposal::Appended { .. } => {
                server.waiting.insert(client, seq);
                self.after_input(i);
            }
            Proposal::NotLeader { leader } => {
                let reply = Reply::NotLeader(leader);
                self.send(from, to, Packet::Reply { seq, reply });
            }
            // A leader handing over points the client at the next leader.
            Proposal::Transferring { target } => {
                let reply = Reply::NotLeader(Some(target));
                self.send(from, to, Packet::Reply { seq, reply });
            }
        }
    }

    /// Serves a `get` without a log entry (thesis §6.4): the node registers the read and
    /// says, in a later `Ready`, when the store may answer it.
    fn read_index(&mut self, i: usize, client: u32, seq: u64, key: String) {
        let from = Endpoint::Node(NodeId(i as u8));
        let to = Endpoint::Client(client);
        let id = ReadId(self.next_read_id);
        self.next_read_id += 1;
        let server = &mut self.servers[i];
        let node = server.node.as_mut().expect("running");
        let reply = match node.read(id) {
            Read::Pending => {
                server.reads.insert(id, (client, seq, key));
                let node = NodeId(i as u8);
                let taken = TraceEvent::ReadTaken {
                    node,
                    id,
                    client,
                    seq,
                };
                self.trace.record(self.now_ms, taken);
                return self.after_input(i);
            }
            Read::NotLeader { leader } => Reply::NotLeader(leader),
            // Too many reads wait here: not served; the client retries at the leader.
            Read::Busy => Reply::NotLeader(node.leader()),
        };
        self.send(from, to, Packet::Reply { seq, reply });
    }

    /// Answers a read the node decided: from the store if it may be served, else with the
    /// leader it knows of, so the client retries there.
    pub(super) fn answer_read(&mut self, i: usize, id: ReadId, result: ReadResult) {
        let server = &mut self.servers[i];
        let Some((client, seq, key)) = server.reads.remove(&id) else {
            return;
        };
        let reply = match result {
            ReadResult::Serve { .. } => {
                self.stats.read_index_reads += 1;
                Reply::Ok(OpResult::Value(server.kv.read(&key).cloned()))
            }
            ReadResult::Failed => Reply::NotLeader(server.node.as_ref().and_then(|n| n.leader())),
        };
        self.send(
            Endpoint::Node(NodeId(i as u8)),
            Endpoint::Client(client),
            Packet::Reply { seq, reply },
        );
    }

    /// Adds `count` automatic clients that issue random puts and gets on [`WORKLOAD_KEYS`].
    pub fn add_workload_clients(&mut self, count: usize) {
        let n = self.servers.len() as u64;
        for _ in 0..count {
            let id = self.clients.len() as u32;
            let target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
            self.clients
                .push(Client::new(id, self.next_process, target, true));
            self.next_process += 1;
            let at = self.now_ms + self.client_rng.range_inclusive(0, 50);
            self.schedule(at, Action::ClientInvoke(id));
        }
        self.workload_on = true;
    }

    /// A person's client ("User X"): sends `op` to `to` and reports what happens.
    /// Returns the client id used.
    pub fn submit(&mut self, to: NodeId, op: Op) -> u32 {
        let id = match self
            .clients
            .iter()
            .position(|c| !c.automatic && c.outstanding.is_none())
        {
            Some(k) => k as u32,
            None => {
                let id = self.clients.len() as u32;
                self.clients
                    .push(Client::new(id, self.next_process, to, false));
                self.next_process += 1;
                id
            }
        };
        self.clients[id as usize].target = to;
        self.start_op(id, op);
        id
    }

    pub(super) fn client_invoke(&mut self, c: u32) -> bool {
        if !self.workload_on || self.clients[c as usize].outstanding.is_some() {
            return false;
        }
        let key = WORKLOAD_KEYS[self
            .client_rng
            .range_inclusive(0, WORKLOAD_KEYS.len() as u64 - 1)
            as usize];
        let op = if self.client_rng.chance(0.5) {
            Op::Get { key: key.into() }
        } else {
            let value = self.next_value;
            self.next_value += 1;
            Op::Put {
                key: key.into(),
                value: format!("{value}"),
            }
        };
        self.start_op(c, op);
        true
    }

    fn start_op(&mut self, c: u32, op: Op) {
        let now = self.now_ms;
        let timeout = self.config.client_timeout_ms;
        let client = &mut self.clients[c as usize];
        let seq = client.next_seq;
        client.next_seq += 1;
        client.outstanding = Some(Outstanding {
            seq,
            op: op.clone(),
            invoked_ms: now,
            attempts: 0,
        });
        let (process, target) = (client.process, client.target);
        self.record_history(process, OpType::Invoke, &op, None);
        self.trace.record(
            now,
            TraceEvent::Invoke {
                client: c,
                seq,
                node: target,
                op,
            },
        );
        self.schedule(now + timeout, Action::ClientTimeout(c, seq));
        self.send_attempt(c);
    }

    /// Sends client `c`'s outstanding request to its target, as one more attempt; an
    /// automatic client sends it again if this attempt goes unanswered for
    /// `client_retry_ms`.
    fn send_attempt(&mut self, c: u32) {
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.as_mut() else {
            return;
        };
        out.attempts += 1;
        let (seq, attempt, op) = (out.seq, out.attempts, out.op.clone());
        let (target, automatic) = (client.target, client.automatic);
        self.send(
            Endpoint::Client(c),
            Endpoint::Node(target),
            Packet::Request { seq, op },
        );
        if automatic {
            let at = self.now_ms + self.config.client_retry_ms;
            self.schedule(at, Action::ClientRetry(c, seq, attempt));
        }
    }

    /// Attempt `attempt` of request `seq` went unanswered: the client sends the same
    /// request, same number, to a server drawn at random (it cannot know who leads; a
    /// follower will redirect it).
    pub(super) fn client_retry(&mut self, c: u32, seq: u64, attempt: u32) -> bool {
        let client = &self.clients[c as usize];
        if !client
            .outstanding
            .as_ref()
            .is_some_and(|o| o.seq == seq && o.attempts == attempt)
        {
            return false;
        }
        let n = self.servers.len() as u64;
        let target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
        self.clients[c as usize].target = target;
        self.trace.record(
            self.now_ms,
            TraceEvent::Retry {
                client: c,
                seq,
                node: target,
            },
        );
        self.send_attempt(c);
        true
    }

    /// Server `from` answered client `c`'s request `seq`.
    pub(super) fn client_reply(&mut self, c: u32, from: NodeId, seq: u64, reply: Reply) {
        let now = self.now_ms;
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.as_ref().filter(|o| o.seq == seq) else {
            return; // a second answer, or one after the client gave up
        };
        if client.automatic && matches!(reply, Reply::NotLeader(_)) && from != client.target {
            // A redirect from a server the client has already left (a duplicated request's
            // second answer, or an earlier attempt's): it was followed once already.
            // Following every copy multiplied the request: a leader handing over and its
            // target each pointed the client at the other, and with duplicating links the
            // copies bouncing between them grew without bound (seed 4195 with PreVote and
            // CheckQuorum: five million events in 11 simulated seconds).
            return;
        }
        let op = out.op.clone();
        let attempt = out.attempts;
        self.trace.record(
            now,
            TraceEvent::Complete {
                client: c,
                seq,
                reply: reply.clone(),
            },
        );
        if !client.automatic {
            client.answered = Some((seq, reply.clone()));
        }
        match reply {
            Reply::NotLeader(hint) if client.automatic => {
                // Follow the hint now; with none, wait a heartbeat for an election and try
                // a server at random (the same request, same number).
                match hint {
                    Some(leader) => {
                        client.target = leader;
                        self.send_attempt(c);
                    }
                    None => {
                        let at = now + self.config.raft.heartbeat_interval_ms;
                        self.schedule(at, Action::ClientRetry(c, seq, attempt));
                    }
                }
                return;
            }
            Reply::NotLeader(_) => {
                // A person's client reports the refusal and stops. This copy was not
                // appended, but another (a duplicate on the wire) might yet be: the
                // outcome is unknown, not failed.
                let process = client.process;
                client.outstanding = None;
                self.record_history(process, OpType::Info, &op, None);
                self.new_process(c);
            }
            Reply::Ok(result) => {
                let process = client.process;
                client.outstanding = None;
                let value = match result {
                    OpResult::Value(v) => Some(v),
                    OpResult::Done => None,
                };
                self.record_history(process, OpType::Ok, &op, value);
            }
        }
        self.next_op_later(c);
    }

    /// Client `c` gave up on its request without knowing its outcome. That request may
    /// still take effect while the client runs its next one, so in the history the client
    /// continues as a new process (Jepsen's rule: a process has one operation open).
    fn new_process(&mut self, c: u32) {
        self.clients[c as usize].process = self.next_process;
        self.next_process += 1;
    }

    /// The request's last chance passed: the client gives up for good and records an
    /// unknown outcome (it took effect once, or never).
    pub(super) fn client_timeout(&mut self, c: u32, seq: u64) -> bool {
        let client = &mut self.clients[c as usize];
        let Some(out) = client.outstanding.take_if(|o| o.seq == seq) else {
            return false;
        };
        let process = client.process;
        self.record_history(process, OpType::Info, &out.op, None);
        self.new_process(c);
        self.trace
            .record(self.now_ms, TraceEvent::Timeout { client: c, seq });
        // After silence, try another server.
        let n = self.servers.len() as u64;
        self.clients[c as usize].target = NodeId(self.client_rng.range_inclusive(0, n - 1) as u8);
        self.next_op_later(c);
        true
    }

    fn next_op_later(&mut self, c: u32) {
        if self.clients[c as usize].automatic && self.workload_on {
            let at = self.now_ms + self.client_rng.range_inclusive(1, 50);
            self.schedule(at, Action::ClientInvoke(c));
        }
    }

    /// Stops automatic clients from starting new operations.
    pub fn stop_workload(&mut self) {
        self.workload_on = false;
    }

    /// Lets automatic clients issue operations again.
    pub fn resume_workload(&mut self) {
        if self.workload_on {
            return;
        }
        self.workload_on = true;
        for c in 0..self.clients.len() as u32 {
            if self.clients[c as usize].automatic {
                self.next_op_later(c);
            }
        }
    }

    /// Whether any client still waits on an operation.
    pub fn clients_idle(&self) -> bool {
        self.clients.iter().all(|c| c.outstanding.is_none())
    }

    fn record_history(
        &mut self,
        process: u32,
        kind: OpType,
        op: &Op,
        read: Option<Option<String>>,
    ) {
        let (f, key, value) = match op {
            Op::Put { key, value } => (OpFn::Put, key, Some(value.clone())),
            Op::Get { key } => (OpFn::Get, key, read.flatten()),
            Op::Text(_) => return,
        };
        self.history.ops.push(HistoryOp {
            process,
            kind,
            f,
            key: key.clone(),
            value,
            time_ms: self.now_ms,
        });
    }

    // ----- whole-cluster conditions -----
}
