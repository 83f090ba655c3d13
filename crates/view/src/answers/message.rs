//! A message in flight as the inspector shows it: every field of its kind, and why it was
//! sent, in words.

use super::*;

/// A message in flight.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Its id, for the message actions.
    pub id: Number,
    /// Who sent it: a letter or "User X".
    pub from: String,
    /// Whom it goes to.
    pub to: String,
    /// Its kind as people read it (`AppendEntries`, `heartbeat`, `client request`, …).
    pub kind: &'static str,
    /// Its term; `null` for client traffic.
    pub term: Option<Number>,
    /// When it was sent, simulated ms.
    pub sent_ms: Number,
    /// When it arrives, simulated ms.
    pub deliver_ms: Number,
    /// Whether it is held on the wire.
    pub held: bool,
    /// Every field of its kind.
    pub fields: Fields,
    /// Why it was sent, in words.
    pub why: String,
    /// The ReadIndex heartbeat round it carries or answers, when a read waits on that round
    /// (thesis §6.4); `null` otherwise.
    pub confirms_read: Option<Number>,
}

/// A message's fields, by kind.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Fields {
    /// RequestVote.
    #[serde(rename_all = "camelCase")]
    RequestVote {
        /// The candidate's term.
        term: Number,
        /// Who asks.
        candidate: String,
        /// A PreVote question (no term changes yet).
        pre_vote: bool,
        /// Asked for by the old leader handing leadership over (passes CheckQuorum's lease).
        leadership_transfer: bool,
        /// The candidate's last log index.
        last_log_index: Number,
        /// The term of that entry.
        last_log_term: Number,
    },
    /// TimeoutNow: a leader hands leadership to a server whose log is complete.
    TimeoutNow {
        /// The leader's term.
        term: Number,
    },
    /// The answer to a RequestVote.
    #[serde(rename_all = "camelCase")]
    Vote {
        /// The voter's term.
        term: Number,
        /// An answer to a PreVote question.
        pre_vote: bool,
        /// Whether the vote is given.
        granted: bool,
    },
    /// AppendEntries (a heartbeat when it carries no entries).
    #[serde(rename_all = "camelCase")]
    AppendEntries {
        /// The leader's term.
        term: Number,
        /// Who leads.
        leader: String,
        /// The index the entries follow.
        prev_log_index: Number,
        /// The term of that entry.
        prev_log_term: Number,
        /// The leader's commit index.
        leader_commit: Number,
        /// The heartbeat round it belongs to, which confirms waiting reads (ReadIndex).
        read_round: Number,
        /// The entries.
        entries: Vec<LogEntry>,
    },
    /// The answer to an AppendEntries.
    #[serde(rename_all = "camelCase")]
    Appended {
        /// The follower's term.
        term: Number,
        /// Whether its log matched.
        success: bool,
        /// How far its log matches the leader's.
        match_index: Number,
        /// The heartbeat round it answers.
        read_round: Number,
        /// A rejection's hint: the index rejected.
        #[serde(skip_serializing_if = "Option::is_none")]
        rejected_index: Option<Number>,
        /// Where to retry.
        #[serde(skip_serializing_if = "Option::is_none")]
        conflict_index: Option<Number>,
        /// The conflicting entry's term, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        conflict_term: Option<Option<Number>>,
    },
    /// InstallSnapshot: one chunk of the leader's snapshot (paper §7).
    #[serde(rename_all = "camelCase")]
    InstallSnapshot {
        /// The leader's term.
        term: Number,
        /// Who leads.
        leader: String,
        /// The snapshot's last included index.
        last_included_index: Number,
        /// The term of that entry.
        last_included_term: Number,
        /// Where the chunk starts in the snapshot's bytes.
        offset: Number,
        /// How many bytes the chunk carries.
        bytes: Number,
        /// Whether it is the last chunk.
        done: bool,
    },
    /// The answer to an InstallSnapshot.
    #[serde(rename_all = "camelCase")]
    SnapshotAnswer {
        /// The follower's term.
        term: Number,
        /// The snapshot answered about.
        last_included_index: Number,
        /// Bytes held so far.
        received: Number,
        /// Whether it is installed.
        installed: bool,
    },
    /// A follower forwards a client's read to the leader for a read index.
    ReadIndex {
        /// The read's number.
        read: Number,
    },
    /// The leader's answer: the index to wait for, or `null` when it cannot give one.
    #[serde(rename_all = "camelCase")]
    ReadIndexAnswer {
        /// The read's number.
        read: Number,
        /// The index the read waits for.
        read_index: Option<Number>,
    },
    /// A user's request.
    Request {
        /// Its sequence number.
        seq: Number,
        /// The change.
        command: String,
    },
    /// A server's answer to a user.
    Reply {
        /// The request's sequence number.
        seq: Number,
        /// The answer in words.
        answer: String,
    },
}

/// Who an endpoint is, as the page names it: a server's letter or "User X".
pub fn endpoint(e: Endpoint) -> String {
    match e {
        Endpoint::Node(id) => format!("{id}"),
        Endpoint::Client(c) => user_name(c),
    }
}

/// A message's kind as people read it.
pub fn kind(m: &InFlight) -> &'static str {
    match &m.packet {
        Packet::Raft(raft) => raft.kind().name(),
        Packet::Request { .. } => "client request",
        Packet::Reply { .. } => "client reply",
    }
}

/// A message in a few words: "AppendEntries from C to A".
pub fn message_words(m: &InFlight) -> String {
    format!(
        "{} from {} to {}",
        kind(m),
        endpoint(m.from),
        endpoint(m.to)
    )
}

/// One message in flight, every field of its kind, and why it was sent; `read_rounds` are
/// the heartbeat rounds waiting reads depend on, (leader, round).
pub fn message(m: &InFlight, read_rounds: &[(river_core::NodeId, u64)]) -> Message {
    let confirms_read = crate::layout::confirms_read(m, read_rounds);
    let (from, to) = (endpoint(m.from), endpoint(m.to));
    let (term, fields, why) = match &m.packet {
        Packet::Raft(raft) => {
            let t = raft.term;
            let (fields, why) = match &raft.body {
                Body::RequestVote {
                    pre_vote,
                    last_log_index,
                    last_log_term,
                    leadership_transfer,
                } => (
                    Fields::RequestVote {
                        term: t.0 as f64,
                        candidate: from.clone(),
                        pre_vote: *pre_vote,
                        leadership_transfer: *leadership_transfer,
                        last_log_index: last_log_index.0 as f64,
                        last_log_term: last_log_term.0 as f64,
                    },
                    if *leadership_transfer {
                        format!("{from} stands for election in term {t}, as its leader asked, and asks {to} for its vote (a leadership transfer passes CheckQuorum's lease)")
                    } else if *pre_vote {
                        format!("{from} asks whether {to} would vote for it in term {t} (PreVote: no term changes yet)")
                    } else {
                        format!("{from} stands for election in term {t} and asks {to} for its vote")
                    },
                ),
                Body::RequestVoteResponse { pre_vote, granted } => {
                    let answer = if *granted { "grants" } else { "refuses" };
                    (
                        Fields::Vote {
                            term: t.0 as f64,
                            pre_vote: *pre_vote,
                            granted: *granted,
                        },
                        format!("{from} {answer} {to}'s request for its vote in term {t}"),
                    )
                }
                Body::AppendEntries {
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                    read_round,
                } => {
                    let first = prev_log_index.0 + 1;
                    let why = match entries.len() {
                        0 => format!("leader {from} tells {to} it still leads term {t} and that entries up to {} are committed (a heartbeat)", leader_commit.0),
                        1 => format!("leader {from} sends {to} entry {first} to append after index {}", prev_log_index.0),
                        n => format!("leader {from} sends {to} entries {first} to {} to append after index {}", prev_log_index.0 + n as u64, prev_log_index.0),
                    };
                    let mut sent = Vec::with_capacity(entries.len());
                    for (index, e) in (first..).zip(entries) {
                        sent.push(LogEntry {
                            index: index as f64,
                            term: e.term.0 as f64,
                            command: command(&e.payload),
                            committed: None,
                        });
                    }
                    let entries = sent;
                    (
                        Fields::AppendEntries {
                            term: t.0 as f64,
                            leader: from.clone(),
                            prev_log_index: prev_log_index.0 as f64,
                            prev_log_term: prev_log_term.0 as f64,
                            leader_commit: leader_commit.0 as f64,
                            read_round: *read_round as f64,
                            entries,
                        },
                        why,
                    )
                }
                Body::TimeoutNow => (
                    Fields::TimeoutNow { term: t.0 as f64 },
                    format!("leader {from} hands leadership to {to}: {to}'s log is complete, so it should start an election now (TimeoutNow)"),
                ),
                Body::ReadIndex { id } => (
                    Fields::ReadIndex { read: id.0 as f64 },
                    format!("{from} asks leader {to} for a read index, to serve a client's read without a log entry"),
                ),
                Body::InstallSnapshot {
                    last_included_index,
                    last_included_term,
                    offset,
                    data,
                    done,
                    ..
                } => (
                    Fields::InstallSnapshot {
                        term: t.0 as f64,
                        leader: from.clone(),
                        last_included_index: last_included_index.0 as f64,
                        last_included_term: last_included_term.0 as f64,
                        offset: *offset as f64,
                        bytes: data.len() as f64,
                        done: *done,
                    },
                    format!(
                        "leader {from} sends {to} bytes {offset} to {} of its snapshot of entries up to {}{}",
                        offset + data.len() as u64,
                        last_included_index.0,
                        if *done { " (the last chunk)" } else { "" }
                    ),
                ),
                Body::InstallSnapshotResponse {
                    last_included_index,
                    received,
                    done,
                } => (
                    Fields::SnapshotAnswer {
                        term: t.0 as f64,
                        last_included_index: last_included_index.0 as f64,
                        received: *received as f64,
                        installed: *done,
                    },
                    if *done {
                        format!("{from} tells {to} it holds everything up to index {}", last_included_index.0)
                    } else {
                        format!("{from} tells {to} it holds {received} bytes of the snapshot")
                    },
                ),
                Body::ReadIndexResponse { id, read_index } => (
                    Fields::ReadIndexAnswer {
                        read: id.0 as f64,
                        read_index: read_index.map(|i| i.0 as f64),
                    },
                    match read_index {
                        Some(index) => format!("{from} confirmed it still leads: {to} may serve the read once it has applied index {}", index.0),
                        None => format!("{from} cannot give {to} a read index (it does not lead, or too many reads wait)"),
                    },
                ),
                Body::AppendEntriesResponse {
                    success,
                    match_index,
                    reject,
                    read_round,
                } => {
                    let why = if *success {
                        format!(
                            "{from} tells leader {to} its log matches up to index {}",
                            match_index.0
                        )
                    } else if reject.is_some() {
                        format!("{from} tells {to} its log does not match there, with a hint where to retry")
                    } else {
                        format!("{from} refuses {to}: {to}'s term {t} is out of date")
                    };
                    (
                        Fields::Appended {
                            term: t.0 as f64,
                            success: *success,
                            match_index: match_index.0 as f64,
                            read_round: *read_round as f64,
                            rejected_index: reject.map(|h| h.rejected_index.0 as f64),
                            conflict_index: reject.map(|h| h.conflict_index.0 as f64),
                            conflict_term: reject.map(|h| h.conflict_term.map(|t| t.0 as f64)),
                        },
                        why,
                    )
                }
            };
            (Some(t.0), fields, why)
        }
        Packet::Request { seq, op } => {
            let text = op_text(op);
            let why = format!("{from} asks {to} to apply {text}");
            let fields = Fields::Request {
                seq: *seq as f64,
                command: text,
            };
            (None, fields, why)
        }
        Packet::Reply { seq, reply } => {
            let answer = match reply {
                Reply::Ok(OpResult::Done) => String::from("done"),
                Reply::Ok(OpResult::Value(Some(v))) => format!("value {v}"),
                Reply::Ok(OpResult::Value(None)) => String::from("no value"),
                Reply::NotLeader(Some(l)) => format!("not the leader; try {l}"),
                Reply::NotLeader(None) => String::from("not the leader; no leader known"),
            };
            let why = format!("{from} answers {to}: {answer}");
            (
                None,
                Fields::Reply {
                    seq: *seq as f64,
                    answer,
                },
                why,
            )
        }
    };
    let why = match (confirms_read, &m.packet) {
        (Some(round), Packet::Raft(raft)) if raft.kind() == river_core::MessageKind::AppendEntriesResponse => format!(
            "{why}. It answers heartbeat round {round}: once a majority has, the leader knows it still led when the read arrived (ReadIndex)"
        ),
        (Some(round), _) => format!(
            "{why}. It belongs to heartbeat round {round}, which a majority must answer before the leader may serve the read waiting on it (ReadIndex)"
        ),
        (None, _) => why,
    };
    Message {
        id: m.id as f64,
        from,
        to,
        kind: kind(m),
        term: term.map(|v| v as f64),
        sent_ms: m.sent_ms as f64,
        deliver_ms: m.deliver_ms as f64,
        held: m.held,
        fields,
        why,
        confirms_read: confirms_read.map(|r| r as f64),
    }
}
