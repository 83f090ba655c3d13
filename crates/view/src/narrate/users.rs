//! A person's requests and what they hear back: the sentences for each request, answer and
//! timeout, the few words drawn under each user, and each read followed through the
//! leader's ReadIndex events (thesis §6.4) so its answer says how it was made safe.

use super::*;

/// The most client requests remembered (to name the op in replies).
const MAX_TRACKED_REQUESTS: usize = 256;
/// The most users whose last answer is remembered (the page draws fewer).
const MAX_USERS_HEARD: usize = 16;
/// The most heartbeat rounds remembered as confirming reads (a leader starts at most one
/// at a time; old leaders' are forgotten when they step down).
const MAX_READ_ROUNDS: usize = 64;
/// The most read ids remembered for one user's read (each copy of a duplicated request
/// that reaches a server is a read of its own).
const MAX_IDS_PER_READ: usize = 4;

/// A user's read on its way (thesis §6.4): where it was taken, for the sentence that ends it.
#[derive(Clone, Debug)]
pub(super) struct UserRead {
    client: u32,
    seq: u64,
    key: String,
    /// The ids the servers gave it (a duplicated request may be taken twice), newest last.
    ids: Vec<ReadId>,
    /// The leader that took it, its read index and the heartbeat round that must confirm it.
    taken: Option<(NodeId, LogIndex, u64)>,
    /// A majority answered that round (or the broken variant skipped it).
    confirmed: bool,
}

impl Narrator {
    /// Tells a person's request, its answer or its timeout (automatic clients' are not told,
    /// only remembered).
    pub(super) fn user_event(
        &mut self,
        t: u64,
        event: &TraceEvent,
        sim: &Simulation,
        feed: &mut Feed,
    ) {
        match event {
            TraceEvent::Invoke {
                client,
                seq,
                node,
                op,
            } => {
                let text = fit(&op_text(op), COMMAND_CHARS);
                if self.requests.len() >= MAX_TRACKED_REQUESTS {
                    self.requests.remove(0);
                }
                self.requests.push(((*client, *seq), *node, text.clone()));
                if human(sim, *client) {
                    self.hear(*client, None);
                    if let Op::Get { key } = op {
                        if self.reads.len() >= MAX_TRACKED_REQUESTS {
                            self.reads.remove(0);
                        }
                        self.reads.push(UserRead {
                            client: *client,
                            seq: *seq,
                            key: fit(key, COMMAND_CHARS),
                            ids: Vec::new(),
                            taken: None,
                            confirmed: false,
                        });
                    }
                    let what = match op {
                        Op::Get { key } => format!("to read {}", fit(key, COMMAND_CHARS)),
                        Op::Text(_) => format!(
                            "to log “{text}”: not key=value, so it is logged but changes no key"
                        ),
                        _ => format!("to apply {text}"),
                    };
                    feed.push(
                        t,
                        FeedKind::Client,
                        format!("{} asks {node} {what}", user_name(*client)),
                    );
                }
            }
            TraceEvent::Complete { client, seq, reply } => {
                let (asked, op) = self.take_request(*client, *seq);
                let read = self
                    .reads
                    .iter()
                    .rposition(|r| (r.client, r.seq) == (*client, *seq))
                    .map(|k| self.reads.remove(k));
                if human(sim, *client) {
                    let user = user_name(*client);
                    self.hear(*client, Some(heard_text(reply, read.as_ref(), &op)));
                    let text = match (reply, read) {
                        (Reply::Ok(OpResult::Value(value)), Some(read)) => {
                            read_answer_text(&user, value.as_deref(), &read, sim)
                        }
                        // The leader that took the read gave it up and names itself as the
                        // leader: the read failed there, it was not sent elsewhere.
                        (Reply::NotLeader(Some(l)), Some(read)) if took_it(&read, *l) => format!(
                            "{user} is told the read failed: {l} took it but could not confirm it still leads (no majority answered its heartbeat round in time)"
                        ),
                        (reply, _) => match reply {
                            Reply::Ok(OpResult::Done) => {
                                format!("{user} hears back: {op} is committed and applied")
                            }
                            Reply::Ok(OpResult::Value(Some(v))) => {
                                format!("{user} hears back: {op} reads '{}'", fit(v, COMMAND_CHARS))
                            }
                            Reply::Ok(OpResult::Value(None)) => {
                                format!("{user} hears back: {op} finds no value")
                            }
                            Reply::NotLeader(Some(l)) => match asked.filter(|a| self.handing.iter().any(|h| (h.leader, h.target) == (*a, *l))) {
                                Some(a) => format!("{user} is told: {a} is handing its leadership to {l} and takes no new commands; try {l}"),
                                None => format!("{user} is told: not the leader, {l} is"),
                            },
                            Reply::NotLeader(None) => {
                                format!("{user} is told: not the leader, and no leader is known")
                            }
                        },
                    };
                    feed.push(t, FeedKind::Client, text);
                }
            }
            TraceEvent::ReadTaken {
                id, client, seq, ..
            } => {
                let read = self
                    .reads
                    .iter_mut()
                    .rev()
                    .find(|r| (r.client, r.seq) == (*client, *seq));
                if let Some(read) = read {
                    if read.ids.len() >= MAX_IDS_PER_READ {
                        read.ids.remove(0);
                    }
                    read.ids.push(*id);
                }
            }
            TraceEvent::Timeout { client, seq } => {
                let (_, op) = self.take_request(*client, *seq);
                self.reads.retain(|r| (r.client, r.seq) != (*client, *seq));
                if human(sim, *client) {
                    // One word: where the canvas has room for fewer words, "no answer"
                    // was cut to "heard: no", which reads as a refusal.
                    self.hear(*client, Some(String::from("nothing")));
                    // A read changes nothing: "may or may not apply" is a change's doubt.
                    let doubt = if op.starts_with("get ") {
                        "; a read changes nothing, so it can simply ask again"
                    } else {
                        ", so it may or may not apply"
                    };
                    feed.push(
                        t,
                        FeedKind::Warn,
                        format!(
                            "{} stops waiting for {op}: no answer{doubt}",
                            user_name(*client)
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    /// Follows the reads through a leader's events: the read index and round it takes,
    /// and the round's confirmation.
    pub(super) fn follow_reads(&mut self, n: NodeId, event: &Event) {
        match *event {
            Event::ReadIndexRecorded { id, index, round } => {
                if !self.read_rounds.contains(&(n, round)) {
                    if self.read_rounds.len() >= MAX_READ_ROUNDS {
                        self.read_rounds.remove(0);
                    }
                    self.read_rounds.push((n, round));
                }
                // By id: reads are taken in the order they reach the leader, which is not the
                // order users asked (a read at a follower travels one more hop).
                let read = self.reads.iter_mut().find(|r| r.ids.contains(&id));
                if let Some(read) = read.filter(|r| r.taken.is_none()) {
                    read.taken = Some((n, index, round));
                }
            }
            Event::LeadershipConfirmed { round } => {
                self.read_rounds.retain(|&(l, r)| l != n || r > round);
                for read in self.reads.iter_mut() {
                    if matches!(read.taken, Some((l, _, r)) if l == n && r <= round) {
                        read.confirmed = true;
                    }
                }
            }
            // A leader that gives up its reads or stops leading confirms no round.
            Event::ReadFailed | Event::BecameFollower { .. } | Event::SteppedDown { .. } => {
                self.read_rounds.retain(|&(l, _)| l != n);
            }
            _ => {}
        }
    }

    /// Remembers what user `client` heard last (`None`: it waits).
    fn hear(&mut self, client: u32, what: Option<String>) {
        let k = client as usize;
        if k < MAX_USERS_HEARD {
            if self.heard.len() <= k {
                self.heard.resize(k + 1, None);
            }
            self.heard[k] = what;
        }
    }

    /// Forgets the request (client, seq): the server asked (if known) and its op in words.
    fn take_request(&mut self, client: u32, seq: u64) -> (Option<NodeId>, String) {
        match self
            .requests
            .iter()
            .rposition(|(key, _, _)| *key == (client, seq))
        {
            Some(k) => {
                let (_, asked, op) = self.requests.remove(k);
                (Some(asked), op)
            }
            None => (None, String::new()),
        }
    }
}

/// What a user heard, in the few words drawn under its name: "x = 3", "x=1 committed",
/// "try B".
fn heard_text(reply: &Reply, read: Option<&UserRead>, op: &str) -> String {
    match (reply, read) {
        (Reply::Ok(OpResult::Value(Some(v))), Some(r)) => {
            format!("{} = {}", r.key, fit(v, 12))
        }
        (Reply::Ok(OpResult::Value(None)), Some(r)) => format!("{} unset", r.key),
        (Reply::Ok(OpResult::Value(Some(v))), None) => format!("= {}", fit(v, 12)),
        (Reply::Ok(OpResult::Value(None)), None) => String::from("unset"),
        (Reply::Ok(OpResult::Done), _) => format!("{} committed", fit(op, 12)),
        (Reply::NotLeader(Some(l)), Some(r)) if took_it(r, *l) => String::from("read failed"),
        (Reply::NotLeader(Some(l)), _) => format!("try {l}"),
        (Reply::NotLeader(None), _) => String::from("no leader known"),
    }
}

/// Whether `leader` is the server that took `read` (and so gave it up, when it answers
/// "not the leader" naming itself).
fn took_it(read: &UserRead, leader: NodeId) -> bool {
    read.taken.is_some_and(|(taker, _, _)| taker == leader)
}

/// The answer to a user's read, with how it was made linearizable (thesis §6.4) or why it
/// was not: "User X hears back: x = 3, read at index 12 after B's heartbeat round 4 …".
fn read_answer_text(user: &str, value: Option<&str>, read: &UserRead, sim: &Simulation) -> String {
    let key = &read.key;
    let what = match value {
        Some(v) => format!("{key} = {}", fit(v, COMMAND_CHARS)),
        None => format!("{key} has no value"),
    };
    let raft = &sim.config().raft;
    if raft.bugs.has(Bug::StaleRead) {
        return format!("{user} hears back: {what}, read straight from the server's own store without asking the leader (stale-read: it may be out of date)");
    }
    match read.taken {
        Some((leader, index, _)) if raft.bugs.has(Bug::ReadWithoutHeartbeat) => format!(
            "{user} hears back: {what}, read at index {index} without a heartbeat round (read-without-heartbeat: {leader} never checked it still leads)"
        ),
        Some((leader, index, round)) if read.confirmed => format!(
            "{user} hears back: {what}, read at index {index} after {leader}'s heartbeat round {round} confirmed it still leads (no log entry)"
        ),
        _ if raft.reads == ReadPath::Log => format!(
            "{user} hears back: {what}, read through the log: its entry committed like a change"
        ),
        _ if raft.reads == ReadPath::Lease => format!(
            "{user} hears back: {what}, answered at once within the leader's lease (no heartbeat round, no log entry)"
        ),
        _ => format!("{user} hears back: {what}"),
    }
}

fn human(sim: &Simulation, client: u32) -> bool {
    sim.clients()
        .get(client as usize)
        .is_some_and(|c| !c.automatic)
}
