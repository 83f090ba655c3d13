//! The trace: every event of a run, in order. It always keeps a running digest (so two runs
//! can be compared bit for bit without storing anything) and, when asked, the events
//! themselves, which print as JSON lines.

use crate::hash::Mix64;
use crate::kv::Op;
use crate::network::{Endpoint, Reply};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};
use core::hash::{Hash, Hasher};
use river_core::{
    ChangeRefusal, Event, LogIndex, MembershipChange, MessageKind, NodeId, ReadId, Term,
};

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// The link was cut when it was sent or when it was due.
    LinkCut,
    /// Lost to the link's loss rate.
    Lost,
    /// The receiver was down.
    NodeDown,
    /// A person dropped it.
    Dropped,
}

/// What became of an operator's request to change the membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeOutcome {
    /// The leader appended it at `index`; it is in effect on the leader now.
    Appended {
        /// The leader asked.
        leader: NodeId,
        /// Where the configuration entry sits.
        index: LogIndex,
    },
    /// The leader refused it, for this reason.
    Refused {
        /// The leader asked.
        leader: NodeId,
        /// Why.
        reason: ChangeRefusal,
    },
    /// No server leads, so no one could take it.
    NoLeader,
    /// The leader is handing over its leadership and takes nothing new until that ends.
    Transferring {
        /// The leader asked.
        leader: NodeId,
        /// The server it hands over to.
        target: NodeId,
    },
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TraceEvent {
    /// A message was put on the wire.
    Send {
        /// Message id.
        id: u64,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Raft kind, or `None` for client traffic.
        kind: Option<MessageKind>,
        /// When it will arrive.
        deliver_ms: u64,
    },
    /// A message arrived.
    Deliver {
        /// Message id.
        id: u64,
    },
    /// A message was lost.
    Drop {
        /// Message id.
        id: u64,
        /// Why.
        reason: DropReason,
    },
    /// A server's timer fired.
    Timer {
        /// The server.
        node: NodeId,
    },
    /// A server reported a protocol event.
    Node {
        /// The server.
        node: NodeId,
        /// What it did.
        event: Event,
    },
    /// A server crashed.
    Crash {
        /// The server.
        node: NodeId,
    },
    /// A server restarted from stable storage, with what its disk held then: whoever tells
    /// the restart later (the page narrates a frame's events after they ran) reads this, not
    /// the disk as it stands by then.
    Restart {
        /// The server.
        node: NodeId,
        /// The term on its disk.
        term: Term,
        /// Its vote in that term, if any.
        voted_for: Option<NodeId>,
        /// The log entries on its disk after its snapshot.
        entries: u64,
        /// The last index its snapshot covers, 0 without one.
        snapshot: LogIndex,
    },
    /// A server froze (a stalled process): its timers and inbox wait.
    Freeze {
        /// The server.
        node: NodeId,
    },
    /// A frozen server was released; its clock resumes where it stopped.
    Thaw {
        /// The server.
        node: NodeId,
    },
    /// A server's clock changed its rate.
    Clock {
        /// The server.
        node: NodeId,
        /// Its new rate, in percent of simulated time.
        percent: u64,
    },
    /// A directed link changed.
    Link {
        /// From.
        from: NodeId,
        /// To.
        to: NodeId,
        /// Whether it is now up.
        up: bool,
    },
    /// The link between a client and a server changed (both directions).
    ClientLink {
        /// The client.
        client: u32,
        /// The server.
        node: NodeId,
        /// Whether it is now up.
        up: bool,
    },
    /// A client sent an op.
    Invoke {
        /// Client.
        client: u32,
        /// Request number.
        seq: u64,
        /// Server addressed.
        node: NodeId,
        /// The op.
        op: Op,
    },
    /// A client heard back.
    Complete {
        /// Client.
        client: u32,
        /// Request number.
        seq: u64,
        /// The answer.
        reply: Reply,
    },
    /// A client heard nothing in time and sends its request again, same number, to `node`.
    Retry {
        /// Client.
        client: u32,
        /// Request number.
        seq: u64,
        /// Server addressed this time.
        node: NodeId,
    },
    /// Server `node` took client `client`'s `get` number `seq` as read `id` (thesis §6.4):
    /// the servers' read events name it by this id, wherever it is forwarded, so a reader of
    /// the trace can tell reads apart however their answers interleave.
    ReadTaken {
        /// The server.
        node: NodeId,
        /// The read, as the servers' events name it.
        id: ReadId,
        /// Client.
        client: u32,
        /// Request number.
        seq: u64,
    },
    /// A client gave up waiting for good: the outcome stays unknown.
    Timeout {
        /// Client.
        client: u32,
        /// Request number.
        seq: u64,
    },
    /// The operator asked the leader to change the membership (thesis §4.2).
    Membership {
        /// The change asked for.
        change: MembershipChange,
        /// What became of it.
        outcome: ChangeOutcome,
    },
    /// A new server started with an empty disk, outside the cluster until it is added.
    Started {
        /// The server.
        node: NodeId,
    },
    /// A server removed from the cluster was shut down for good once its removal committed.
    Retired {
        /// The server.
        node: NodeId,
    },
    /// A safety violation was detected.
    Violation {
        /// The checker's description.
        text: String,
    },
}

/// One trace line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TraceRecord {
    /// Simulated time.
    pub time_ms: u64,
    /// What happened.
    pub event: TraceEvent,
}

/// The trace of one run.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// One hasher runs over every record in order; it is finished only when asked.
    hasher: Mix64,
    count: u64,
    /// Kept records, when `keep` is set.
    pub records: Vec<TraceRecord>,
    /// Whether to keep records (otherwise only the digest and count are kept).
    pub keep: bool,
    /// With `keep`, the most records kept, if bounded: past it a record still counts in the
    /// digest and in `dropped`, but is not kept. A long run with the trace kept grows
    /// without end otherwise (`river run --seed` of an hour with 15 servers heartbeating
    /// every millisecond passed 23 GB).
    pub keep_at_most: Option<usize>,
    /// Records not kept because `keep_at_most` was reached.
    pub dropped: u64,
}

impl Trace {
    /// Adds one event.
    pub fn record(&mut self, time_ms: u64, event: TraceEvent) {
        let record = TraceRecord { time_ms, event };
        record.hash(&mut self.hasher);
        self.count += 1;
        if self.keep {
            if self
                .keep_at_most
                .is_some_and(|most| self.records.len() >= most)
            {
                self.dropped += 1;
            } else {
                self.records.push(record);
            }
        }
    }

    /// A fingerprint of every event so far, in order.
    pub fn digest(&self) -> u64 {
        self.hasher.finish()
    }

    /// Number of events so far.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether nothing happened yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

fn json_str(out: &mut impl Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

fn endpoint(e: Endpoint) -> String {
    match e {
        Endpoint::Node(n) => alloc::format!("{n}"),
        Endpoint::Client(c) => alloc::format!("client{c}"),
    }
}

/// Writes `records` as JSON lines, one object and a newline each: the format of
/// `river run --trace` and of the page's "Download trace".
pub fn write_json_lines(records: &[TraceRecord], out: &mut impl Write) -> fmt::Result {
    for record in records {
        record.write_json(out)?;
        out.write_char('\n')?;
    }
    Ok(())
}

impl TraceRecord {
    /// Writes the record as one JSON object (no newline).
    pub fn write_json(&self, out: &mut impl Write) -> fmt::Result {
        write!(out, "{{\"t\":{},", self.time_ms)?;
        match &self.event {
            TraceEvent::Send {
                id,
                from,
                to,
                kind,
                deliver_ms,
            } => {
                write!(out, "\"ev\":\"send\",\"id\":{id},\"from\":")?;
                json_str(out, &endpoint(*from))?;
                out.write_str(",\"to\":")?;
                json_str(out, &endpoint(*to))?;
                out.write_str(",\"kind\":")?;
                json_str(out, kind.map_or("client", MessageKind::name))?;
                write!(out, ",\"deliver\":{deliver_ms}")?;
            }
            TraceEvent::Deliver { id } => write!(out, "\"ev\":\"deliver\",\"id\":{id}")?,
            TraceEvent::Drop { id, reason } => {
                write!(out, "\"ev\":\"drop\",\"id\":{id},\"reason\":")?;
                json_str(out, &alloc::format!("{reason:?}"))?;
            }
            TraceEvent::Timer { node } => write!(out, "\"ev\":\"timer\",\"node\":\"{node}\"")?,
            TraceEvent::Node { node, event } => {
                write!(out, "\"ev\":\"node\",\"node\":\"{node}\",\"what\":")?;
                json_str(out, &alloc::format!("{event:?}"))?;
            }
            TraceEvent::Crash { node } => write!(out, "\"ev\":\"crash\",\"node\":\"{node}\"")?,
            TraceEvent::Restart {
                node,
                term,
                voted_for,
                entries,
                snapshot,
            } => {
                write!(
                    out,
                    "\"ev\":\"restart\",\"node\":\"{node}\",\"term\":{},\"vote\":",
                    term.0
                )?;
                match voted_for {
                    Some(v) => write!(out, "\"{v}\"")?,
                    None => out.write_str("null")?,
                }
                write!(out, ",\"entries\":{entries},\"snapshot\":{}", snapshot.0)?;
            }
            TraceEvent::Freeze { node } => write!(out, "\"ev\":\"freeze\",\"node\":\"{node}\"")?,
            TraceEvent::Thaw { node } => write!(out, "\"ev\":\"thaw\",\"node\":\"{node}\"")?,
            TraceEvent::Clock { node, percent } => write!(
                out,
                "\"ev\":\"clock\",\"node\":\"{node}\",\"percent\":{percent}"
            )?,
            TraceEvent::Link { from, to, up } => write!(
                out,
                "\"ev\":\"link\",\"from\":\"{from}\",\"to\":\"{to}\",\"up\":{up}"
            )?,
            TraceEvent::ClientLink { client, node, up } => write!(
                out,
                "\"ev\":\"client-link\",\"client\":{client},\"node\":\"{node}\",\"up\":{up}"
            )?,
            TraceEvent::ReadTaken {
                node,
                id,
                client,
                seq,
            } => write!(
                out,
                "\"ev\":\"read\",\"node\":\"{node}\",\"id\":{},\"client\":{client},\"seq\":{seq}",
                id.0
            )?,
            TraceEvent::Retry { client, seq, node } => write!(
                out,
                "\"ev\":\"retry\",\"client\":{client},\"seq\":{seq},\"node\":\"{node}\""
            )?,
            TraceEvent::Invoke {
                client,
                seq,
                node,
                op,
            } => {
                write!(
                    out,
                    "\"ev\":\"invoke\",\"client\":{client},\"seq\":{seq},\"node\":\"{node}\",\"op\":"
                )?;
                json_str(out, &alloc::format!("{op}"))?;
            }
            TraceEvent::Complete { client, seq, reply } => {
                write!(
                    out,
                    "\"ev\":\"complete\",\"client\":{client},\"seq\":{seq},\"reply\":"
                )?;
                json_str(out, &alloc::format!("{reply:?}"))?;
            }
            TraceEvent::Timeout { client, seq } => {
                write!(out, "\"ev\":\"timeout\",\"client\":{client},\"seq\":{seq}")?
            }
            TraceEvent::Membership { change, outcome } => {
                out.write_str("\"ev\":\"membership\",\"change\":")?;
                json_str(out, &alloc::format!("{change:?}"))?;
                out.write_str(",\"outcome\":")?;
                json_str(out, &alloc::format!("{outcome:?}"))?;
            }
            TraceEvent::Started { node } => write!(out, "\"ev\":\"started\",\"node\":\"{node}\"")?,
            TraceEvent::Retired { node } => write!(out, "\"ev\":\"retired\",\"node\":\"{node}\"")?,
            TraceEvent::Violation { text } => {
                out.write_str("\"ev\":\"violation\",\"text\":")?;
                json_str(out, text)?;
            }
        }
        out.write_char('}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_core::{LogIndex, RefusalReason};

    /// A restart's line says what the disk held then, a missing vote as null.
    #[test]
    fn a_restart_writes_what_its_disk_held() {
        let line = |voted_for| {
            let event = TraceEvent::Restart {
                node: NodeId(0),
                term: Term(3),
                voted_for,
                entries: 2,
                snapshot: LogIndex(10),
            };
            let mut line = String::new();
            TraceRecord { time_ms: 5, event }
                .write_json(&mut line)
                .unwrap();
            line
        };
        assert_eq!(
            line(Some(NodeId(2))),
            "{\"t\":5,\"ev\":\"restart\",\"node\":\"A\",\"term\":3,\"vote\":\"C\",\"entries\":2,\"snapshot\":10}"
        );
        assert!(line(None).contains("\"vote\":null,"));
    }

    /// A refused message is one JSON line naming the sender, the kind and what was wrong,
    /// even when the sender is no letter.
    #[test]
    fn a_refusal_writes_as_one_json_line() {
        let record = TraceRecord {
            time_ms: 7,
            event: TraceEvent::Node {
                node: NodeId(1),
                event: Event::MessageRefused {
                    from: NodeId(200),
                    kind: MessageKind::AppendEntriesResponse,
                    reason: RefusalReason::MatchPastLog {
                        match_index: LogIndex(9),
                        last_index: LogIndex(2),
                    },
                },
            },
        };
        let mut line = String::new();
        record.write_json(&mut line).unwrap();
        assert_eq!(
            line,
            "{\"t\":7,\"ev\":\"node\",\"node\":\"B\",\"what\":\"MessageRefused { from: NodeId(200), \
             kind: AppendEntriesResponse, reason: MatchPastLog { match_index: LogIndex(9), \
             last_index: LogIndex(2) } }\"}"
        );
    }
}
