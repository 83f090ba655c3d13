//! The wire: sending, delivering and losing messages between servers and clients.

use super::{Action, Simulation};
use crate::network::{Endpoint, Fate, InFlight, Packet};
use crate::trace::{DropReason, TraceEvent};
use river_core::NodeId;

impl Simulation {
    pub(super) fn send(&mut self, from: Endpoint, to: Endpoint, packet: Packet) {
        match self.network.fate(from, to) {
            Fate::Deliver {
                delay_ms,
                duplicate_ms,
            } => {
                if let Some(extra) = duplicate_ms {
                    self.put_on_wire(from, to, packet.clone(), extra);
                }
                self.put_on_wire(from, to, packet, delay_ms);
            }
            fate => {
                let reason = if fate == Fate::Cut {
                    DropReason::LinkCut
                } else {
                    DropReason::Lost
                };
                let id = self.record_send(from, to, &packet, 0);
                self.drop_message(id, reason);
            }
        }
    }

    /// Gives a message the next id and traces its sending; returns the id.
    fn record_send(&mut self, from: Endpoint, to: Endpoint, packet: &Packet, delay_ms: u64) -> u64 {
        self.stats.messages += 1;
        let id = self.next_message_id;
        self.next_message_id += 1;
        let kind = match packet {
            Packet::Raft(m) => Some(m.kind()),
            _ => None,
        };
        let deliver_ms = self.now_ms + delay_ms;
        let event = TraceEvent::Send {
            id,
            from,
            to,
            kind,
            deliver_ms,
        };
        self.trace.record(self.now_ms, event);
        id
    }

    pub(super) fn put_on_wire(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        packet: Packet,
        delay_ms: u64,
    ) {
        let id = self.record_send(from, to, &packet, delay_ms);
        let deliver_ms = self.now_ms + delay_ms;
        self.in_flight.insert(InFlight {
            id,
            from,
            to,
            packet,
            sent_ms: self.now_ms,
            deliver_ms,
            held: false,
        });
        self.schedule(deliver_ms, Action::Deliver(id));
    }

    pub(super) fn drop_message(&mut self, id: u64, reason: DropReason) {
        self.stats.dropped += 1;
        self.trace
            .record(self.now_ms, TraceEvent::Drop { id, reason });
    }

    pub(super) fn deliver(&mut self, id: u64) -> bool {
        match self.in_flight.get(id) {
            None => return false,
            Some(m) if m.held || m.deliver_ms != self.now_ms => return false,
            Some(_) => {}
        }
        let m = self.in_flight.remove(id).expect("present");
        // A frozen server's inbox keeps what reaches it; nothing happens until it thaws.
        if let Endpoint::Node(to) = m.to {
            let server = &self.servers[to.index()];
            if server.node.is_some() && server.frozen_since_ms.is_some() && self.link_carries(&m) {
                self.servers[to.index()].inbox.push(m);
                return false;
            }
        }
        self.arrive(m, false)
    }

    /// Whether the link `m` travels on is up.
    fn link_carries(&self, m: &InFlight) -> bool {
        match (m.from, m.to) {
            (Endpoint::Node(from), Endpoint::Node(to)) => self.network.is_up(from, to),
            (Endpoint::Client(client), Endpoint::Node(node))
            | (Endpoint::Node(node), Endpoint::Client(client)) => {
                self.network.client_link_up(client, node)
            }
            (Endpoint::Client(_), Endpoint::Client(_)) => false,
        }
    }

    /// The next message in a thawed server's inbox arrives.
    pub(super) fn deliver_from_inbox(&mut self, id: NodeId) -> bool {
        let inbox = &mut self.servers[id.index()].inbox;
        if inbox.is_empty() {
            return false;
        }
        let m = inbox.remove(0);
        self.arrive(m, true)
    }

    /// Message `m` reaches its receiver, unless its link is cut (not asked when it
    /// `crossed` already: it waited in a frozen server's inbox) or its receiver is down.
    fn arrive(&mut self, m: InFlight, crossed: bool) -> bool {
        let id = m.id;
        if !(crossed || self.link_carries(&m)) {
            self.drop_message(id, DropReason::LinkCut);
            return true;
        }
        if matches!(m.to, Endpoint::Node(to) if self.servers[to.index()].node.is_none()) {
            self.drop_message(id, DropReason::NodeDown);
            return true;
        }
        self.trace.record(self.now_ms, TraceEvent::Deliver { id });
        match (m.from, m.to, m.packet) {
            (Endpoint::Node(_), Endpoint::Node(to), Packet::Raft(message)) => {
                self.catch_up(to.index());
                self.servers[to.index()]
                    .node
                    .as_mut()
                    .expect("running")
                    .step(message);
                self.after_input(to.index());
            }
            (Endpoint::Client(client), Endpoint::Node(to), Packet::Request { seq, op }) => {
                self.server_request(to.index(), client, seq, op)
            }
            (Endpoint::Node(from), Endpoint::Client(client), Packet::Reply { seq, reply }) => {
                self.client_reply(client, from, seq, reply)
            }
            _ => unreachable!("clients only talk to servers, in the packet kinds above"),
        }
        true
    }
}
