//! The simulated network: one state per *directed* link, so one-way failures and
//! non-transitive partitions can be expressed, and every message in flight is an inspectable
//! value with an id.

use crate::kv::{Command, Op, OpResult};
use crate::vecmap::VecMap;
use alloc::vec::Vec;
use river_core::{Message, NodeId, Rng};

/// Delivery behaviour of one directed link. Probabilities are in `0.0..=1.0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkParams {
    /// Whether messages pass at all.
    pub up: bool,
    /// Shortest one-way delay.
    pub latency_min_ms: u64,
    /// Longest one-way delay.
    pub latency_max_ms: u64,
    /// Chance a message is lost.
    pub loss: f64,
    /// Chance a message is delivered twice.
    pub duplicate: f64,
    /// Chance a message is held back by up to one extra maximum latency, so it arrives after
    /// messages sent later.
    pub reorder: f64,
}

impl Default for LinkParams {
    fn default() -> Self {
        LinkParams {
            up: true,
            latency_min_ms: 10,
            latency_max_ms: 30,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
        }
    }
}

/// One end of a message: a server, or a client outside the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    /// A Raft server.
    Node(NodeId),
    /// A client process.
    Client(u32),
}

/// A server's answer to a client. There is no "failed": another copy of a request may
/// still be on the wire or in a log, so no server can promise that it never takes effect.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// The op was applied (or, for `stale-read`, read locally) with this result; for a
    /// repeated request, the result of its first application.
    Ok(OpResult),
    /// Not the leader (this copy was not appended); try `leader` if known.
    NotLeader(Option<NodeId>),
}

/// What travels between endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    /// Raft traffic between servers.
    Raft(Message<Command>),
    /// A client asks a server to carry out an op.
    Request {
        /// The client's request number.
        seq: u64,
        /// The op.
        op: Op,
    },
    /// A server answers a client.
    Reply {
        /// The request answered.
        seq: u64,
        /// The answer.
        reply: Reply,
    },
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// Unique per run, in order of sending.
    pub id: u64,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Contents.
    pub packet: Packet,
    /// When it was sent.
    pub sent_ms: u64,
    /// When it is due to arrive.
    pub deliver_ms: u64,
    /// Held on the wire by a person until released (never by the simulator itself).
    pub held: bool,
}

/// All links of a cluster of `size` servers, and the links between clients and servers.
#[derive(Clone, Debug)]
pub struct Network {
    size: usize,
    links: Vec<LinkParams>,
    /// Used for client links and for links reset by `heal_all`.
    pub defaults: LinkParams,
    /// Whether client traffic is lost, duplicated and reordered like server traffic (the
    /// swarm's faulty clients); when off, client links only delay (and may be cut).
    pub client_faults: bool,
    /// Cut client links, as (client, server): both directions. A sorted vector, not a
    /// `BTreeSet`: this was the page's only B-tree (about 2 KB of gzipped wasm).
    client_cuts: VecMap<(u32, NodeId), ()>,
    rng: Rng,
}

/// What the network decided about one message being sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Delivered after the delay, possibly twice.
    Deliver {
        /// Delay of the first copy.
        delay_ms: u64,
        /// Delay of the duplicate, if any.
        duplicate_ms: Option<u64>,
    },
    /// Lost to the link's loss rate.
    Lost,
    /// The link is cut.
    Cut,
}

impl Network {
    /// A fully connected network with every link set to `defaults`.
    pub fn new(size: usize, defaults: LinkParams, rng: Rng) -> Network {
        Network {
            size,
            links: alloc::vec![defaults; size * size],
            defaults,
            client_faults: false,
            client_cuts: VecMap::new(),
            rng,
        }
    }

    /// Makes room for one more server, linked to every other by up links with the defaults.
    pub fn add_server(&mut self) {
        let (old, size) = (self.size, self.size + 1);
        let mut links = alloc::vec![self.defaults; size * size];
        for from in 0..old {
            links[from * size..from * size + old]
                .copy_from_slice(&self.links[from * old..(from + 1) * old]);
        }
        self.links = links;
        self.size = size;
    }

    /// The link from `from` to `to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> &LinkParams {
        &self.links[from.index() * self.size + to.index()]
    }

    /// The link from `from` to `to`, to change.
    pub fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut LinkParams {
        &mut self.links[from.index() * self.size + to.index()]
    }

    /// Whether messages pass from `from` to `to`.
    pub fn is_up(&self, from: NodeId, to: NodeId) -> bool {
        self.link(from, to).up
    }

    /// Sets every link's parameters, keeping which links are cut.
    pub fn set_all_params(&mut self, params: LinkParams) {
        self.defaults = LinkParams { up: true, ..params };
        for link in &mut self.links {
            *link = LinkParams {
                up: link.up,
                ..params
            };
        }
    }

    /// Restores every link, client links included.
    pub fn heal_all(&mut self) {
        for link in &mut self.links {
            link.up = true;
        }
        self.client_cuts.clear();
    }

    /// Whether client `client` and server `node` hear each other.
    pub fn client_link_up(&self, client: u32, node: NodeId) -> bool {
        self.client_cuts.get(&(client, node)).is_none()
    }

    /// Cuts or restores the link between a client and a server (both directions).
    pub fn set_client_link(&mut self, client: u32, node: NodeId, up: bool) {
        if up {
            self.client_cuts.remove(&(client, node));
        } else {
            self.client_cuts.insert((client, node), ());
        }
    }

    /// Whether messages pass between `from` and `to`, whichever kind of endpoint each is.
    pub fn passes(&self, from: Endpoint, to: Endpoint) -> bool {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self.is_up(a, b),
            (Endpoint::Client(c), Endpoint::Node(n)) | (Endpoint::Node(n), Endpoint::Client(c)) => {
                self.client_link_up(c, n)
            }
            (Endpoint::Client(_), Endpoint::Client(_)) => false,
        }
    }

    /// Decides the fate of one message between `from` and `to`.
    pub fn fate(&mut self, from: Endpoint, to: Endpoint) -> Fate {
        let params = match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => *self.link(a, b),
            _ if self.client_faults => LinkParams {
                up: self.passes(from, to),
                ..self.defaults
            },
            _ => LinkParams {
                up: self.passes(from, to),
                loss: 0.0,
                duplicate: 0.0,
                ..self.defaults
            },
        };
        if !params.up {
            return Fate::Cut;
        }
        if self.rng.chance(params.loss) {
            return Fate::Lost;
        }
        let delay_ms = self.delay(&params);
        let duplicate_ms = if self.rng.chance(params.duplicate) {
            Some(self.delay(&params))
        } else {
            None
        };
        Fate::Deliver {
            delay_ms,
            duplicate_ms,
        }
    }

    fn delay(&mut self, params: &LinkParams) -> u64 {
        let mut delay = self.rng.range_inclusive(
            params.latency_min_ms,
            params.latency_max_ms.max(params.latency_min_ms),
        );
        if self.rng.chance(params.reorder) {
            delay += self.rng.range_inclusive(0, params.latency_max_ms);
        }
        delay.max(1)
    }
}

/// Messages on the wire, by id. Ids are handed out in sending order and most messages
/// arrive soon after they leave, so a window over the id range (a deque with an offset)
/// serves insertion, lookup and removal in constant time without a tree.
#[derive(Clone, Debug, Default)]
pub struct Wire {
    first_id: u64,
    slots: alloc::collections::VecDeque<Option<InFlight>>,
    count: usize,
}

impl Wire {
    /// Puts a message on the wire; ids must be fresh and increasing.
    pub fn insert(&mut self, message: InFlight) {
        if self.slots.is_empty() {
            self.first_id = message.id;
        }
        assert!(
            message.id >= self.first_id + self.slots.len() as u64,
            "ids increase"
        );
        while self.first_id + (self.slots.len() as u64) < message.id {
            self.slots.push_back(None);
        }
        self.slots.push_back(Some(message));
        self.count += 1;
    }

    /// The message with this id, if still on the wire.
    pub fn get(&self, id: u64) -> Option<&InFlight> {
        let k = id.checked_sub(self.first_id)? as usize;
        self.slots.get(k)?.as_ref()
    }

    /// The message with this id, to change.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut InFlight> {
        let k = id.checked_sub(self.first_id)? as usize;
        self.slots.get_mut(k)?.as_mut()
    }

    /// Takes the message off the wire.
    pub fn remove(&mut self, id: u64) -> Option<InFlight> {
        let k = id.checked_sub(self.first_id)? as usize;
        let taken = self.slots.get_mut(k)?.take();
        if taken.is_some() {
            self.count -= 1;
        }
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.first_id += 1;
        }
        taken
    }

    /// Messages on the wire, in sending order.
    pub fn iter(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().flatten()
    }

    /// How many messages are on the wire.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the wire is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}
