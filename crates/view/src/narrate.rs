//! Narration: the simulator's trace turned into plain sentences for the event feed ("C became
//! leader for term 3"), and the status line that says where the cluster stands. Routine
//! traffic (heartbeats, deliveries, timer ticks) is drawn, not narrated.

use crate::words::{fit, membership_entry_text, op_text, plural, user_name};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use river_core::{
    Bug, ChangeRefusal, Event, LogIndex, Membership, MembershipChange, MessageKind, NodeId,
    Payload, RefusalReason, Role, StepDownReason, VoteDenial,
};
use river_sim::kv::{Op, OpResult};
use river_sim::network::{Endpoint, Reply};
use river_sim::sim::ReadPath;
use river_sim::trace::{ChangeOutcome, DropReason, TraceEvent, TraceRecord};
use river_sim::view::{membership_text, names};
use river_sim::Simulation;

mod rollback;
mod stale;
mod status;
pub use crate::feed::{Feed, FeedKind, MAX_PENDING_LINES};
pub use rollback::{Thrown, MAX_THROWN, ROLLBACK_GATHER_MS};
pub use stale::STALE_GATHER_MS;
pub use status::status;

/// The most lost messages animated at once.
pub const MAX_GHOSTS: usize = 64;
/// The most messages the narrator remembers (to animate their loss on arrival).
const MAX_TRACKED_MESSAGES: usize = 1_024;
/// The most client requests remembered (to name the op in replies).
const MAX_TRACKED_REQUESTS: usize = 256;
/// The most messages whose end (arrived or lost) is remembered, for their inspector.
const MAX_FATES: usize = 256;
/// How many characters of a command a sentence repeats.
const COMMAND_CHARS: usize = 40;
/// The most users whose last answer is remembered (the page draws fewer).
const MAX_USERS_HEARD: usize = 16;
/// The most heartbeat rounds remembered as confirming reads (a leader starts at most one
/// at a time; old leaders' are forgotten when they step down).
const MAX_READ_ROUNDS: usize = 64;

/// A message that never arrived, drawn fading out where it was lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ghost {
    /// Sender.
    pub from: Endpoint,
    /// Intended receiver.
    pub to: Endpoint,
    /// Raft kind, `None` for client traffic.
    pub kind: Option<MessageKind>,
    /// When it was lost (simulated ms, fractional).
    pub start_ms: f64,
    /// When the ghost is gone.
    pub end_ms: f64,
    /// Lost at the receiving end (link cut on arrival, receiver down) rather than on the way.
    pub at_end: bool,
}

/// What became of a message once it left the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fate {
    /// When it arrived or was lost (simulated ms).
    pub time_ms: u64,
    /// Its receiver.
    pub to: Endpoint,
    /// Why it was lost; `None` when it arrived.
    pub lost: Option<DropReason>,
}

/// A message on the wire, remembered until it arrives or is lost.
#[derive(Clone, Copy, Debug)]
struct Wire {
    id: u64,
    from: Endpoint,
    to: Endpoint,
    kind: Option<MessageKind>,
    sent_ms: u64,
}

/// A user's read on its way (thesis §6.4): where it was taken, for the sentence that ends it.
#[derive(Clone, Debug)]
struct UserRead {
    client: u32,
    seq: u64,
    key: String,
    /// The leader that took it, its read index and the heartbeat round that must confirm it.
    taken: Option<(NodeId, LogIndex, u64)>,
    /// A majority answered that round (or the broken variant skipped it).
    confirmed: bool,
}

/// Turns trace records into sentences and lost-message ghosts. Keeps a little memory
/// (which request carried which op, where each message was going) so later records can be
/// told in words.
///
/// Its memories are short vectors searched from the end (what is looked up is usually
/// recent): a map type would add more code to the wasm than it saves time.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    requests: Vec<((u32, u64), String)>,
    wires: Vec<Wire>,
    /// Lost messages still fading, oldest first.
    pub ghosts: Vec<Ghost>,
    /// The committed configuration last narrated (`None` until one is seen).
    committed: Option<Membership>,
    /// Rollbacks being gathered into one line, and thrown-away entries still drawn.
    rollbacks: rollback::Rollbacks,
    /// Rejections of stale messages being gathered into one line per sender.
    stale: stale::StaleMessages,
    /// Heartbeat rounds leaders started to confirm reads (ReadIndex, thesis §6.4) and have
    /// not yet seen a majority answer: (leader, round). The messages of these rounds are
    /// drawn and inspected as the reads' confirmation.
    pub read_rounds: Vec<(NodeId, u64)>,
    /// Users' reads in progress.
    reads: Vec<UserRead>,
    /// What each user heard last ("x = 3", "done"), by client id; `None` while waiting.
    pub heard: Vec<Option<String>>,
    /// The latest messages to leave the wire, by id, oldest first.
    fates: Vec<(u64, Fate)>,
}

impl Narrator {
    /// Forgets everything (a new run, or a jump in time) and starts again from `sim` as it
    /// stands.
    pub fn reset(&mut self, sim: &Simulation) {
        *self = Narrator::default();
        self.rollbacks.remember(sim);
    }

    /// Narrates `records` (just drained from `sim`'s trace) into `feed`. `ghost_ms` is how
    /// long a lost message stays visible, `thrown_ms` a thrown-away entry, in simulated ms.
    pub fn narrate(
        &mut self,
        records: &[TraceRecord],
        sim: &Simulation,
        feed: &mut Feed,
        ghost_ms: f64,
        thrown_ms: f64,
    ) {
        let mut links: Vec<(u64, NodeId, NodeId, bool)> = Vec::new();
        for record in records {
            let t = record.time_ms;
            if !matches!(record.event, TraceEvent::Link { .. }) && !links.is_empty() {
                Self::links(&mut links, sim, feed);
            }
            match &record.event {
                TraceEvent::Send {
                    id, from, to, kind, ..
                } => {
                    if self.wires.len() >= MAX_TRACKED_MESSAGES {
                        self.wires.remove(0);
                    }
                    self.wires.push(Wire {
                        id: *id,
                        from: *from,
                        to: *to,
                        kind: *kind,
                        sent_ms: t,
                    });
                }
                TraceEvent::Deliver { id } => {
                    if let Some(wire) = self.take_wire(*id) {
                        self.ended(*id, t, wire.to, None);
                    }
                }
                TraceEvent::Drop { id, reason } => {
                    if let Some(Wire {
                        from,
                        to,
                        kind,
                        sent_ms,
                        ..
                    }) = self.take_wire(*id)
                    {
                        self.ended(*id, t, to, Some(*reason));
                        if self.ghosts.len() >= MAX_GHOSTS {
                            self.ghosts.remove(0);
                        }
                        // Lost as it was sent, or after travelling (cut on arrival, or the
                        // receiver went down on the way).
                        let at_end = !matches!(reason, DropReason::Lost) && sent_ms < t;
                        self.ghosts.push(Ghost {
                            from,
                            to,
                            kind,
                            start_ms: t as f64,
                            end_ms: t as f64 + ghost_ms,
                            at_end,
                        });
                    }
                }
                TraceEvent::Timer { .. } => {}
                TraceEvent::Node {
                    node,
                    event: Event::Truncated { from, removed },
                } => self
                    .rollbacks
                    .truncated(t, *node, *from, *removed, thrown_ms),
                TraceEvent::Node {
                    node,
                    event: Event::StaleMessage { from, kind, term },
                } => self.stale.rejected(t, *node, *from, *kind, *term),
                TraceEvent::Node { node, event } => {
                    self.follow_reads(*node, event);
                    self.node_event(t, *node, event, sim, feed)
                }
                TraceEvent::Crash { node } => {
                    self.read_rounds.retain(|&(l, _)| l != *node);
                    feed.push(
                    t,
                    FeedKind::Fault,
                    format!("{node} crashed: only its term, vote and log survive, on disk"),
                )
                }
                TraceEvent::Restart { node } => {
                    let disk = &sim.server(*node).disk;
                    feed.push(
                        t,
                        FeedKind::Fault,
                        format!(
                            "{node} restarted from its disk: term {}, {}",
                            disk.hard_state.term,
                            plural(disk.log.len() as u64, "entry", "entries")
                        ),
                    );
                }
                TraceEvent::Freeze { node } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!("{node} froze: it does nothing, its timers and the messages that reach it wait"),
                ),
                TraceEvent::Thaw { node } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!("{node} thawed: it carries on as if no time had passed, then reads what waited"),
                ),
                TraceEvent::Link { from, to, up } => links.push((t, *from, *to, *up)),
                TraceEvent::Started { node } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!("{node} started with an empty disk; it waits to be added to the cluster"),
                ),
                TraceEvent::Retired { node } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!("the change that removes {node} committed; {node} is no longer a member and shuts down"),
                ),
                TraceEvent::Membership { change, outcome } => {
                    feed.push(t, FeedKind::Election, membership_request_text(*change, *outcome))
                }
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
                    self.requests.push(((*client, *seq), text.clone()));
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
                    let op = self.take_request(*client, *seq);
                    let read = self
                        .reads
                        .iter()
                        .rposition(|r| (r.client, r.seq) == (*client, *seq))
                        .map(|k| self.reads.remove(k));
                    if human(sim, *client) {
                        let user = user_name(*client);
                        self.hear(*client, Some(heard_text(reply, read.as_ref())));
                        let text = match (reply, read) {
                            (Reply::Ok(OpResult::Value(value)), Some(read)) => {
                                read_answer_text(&user, value.as_deref(), &read, sim)
                            }
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
                            Reply::NotLeader(Some(l)) => {
                                format!("{user} is told: not the leader, {l} is")
                            }
                            Reply::NotLeader(None) => {
                                format!("{user} is told: not the leader, and no leader is known")
                            }
                            },
                        };
                        feed.push(t, FeedKind::Client, text);
                    }
                }
                TraceEvent::Timeout { client, seq } => {
                    let op = self.take_request(*client, *seq);
                    self.reads.retain(|r| (r.client, r.seq) != (*client, *seq));
                    if human(sim, *client) {
                        self.hear(*client, Some(String::from("no answer")));
                        feed.push(
                            t,
                            FeedKind::Warn,
                            format!(
                                "{} stops waiting for {op}: no answer, so it may or may not apply",
                                user_name(*client)
                            ),
                        );
                    }
                }
                TraceEvent::Violation { text } => {
                    feed.push(t, FeedKind::Violation, format!("Safety violated: {text}"))
                }
                // Only automatic clients retry, and only the swarm cuts client links: the
                // feed narrates a person's requests.
                TraceEvent::Retry { .. } | TraceEvent::ClientLink { .. } => {}
            }
        }
        if !links.is_empty() {
            Self::links(&mut links, sim, feed);
        }
        self.configuration_commits(records, sim, feed);
        self.rollbacks.tell(sim, feed);
        let link = sim.config().link;
        let spread = link.latency_max_ms.saturating_sub(link.latency_min_ms);
        self.stale.tell(sim.now_ms(), spread, feed);
        self.rollbacks.remember(sim);
    }

    /// Entries thrown away in a rollback, still drawn struck through.
    pub fn thrown(&self) -> &[Thrown] {
        &self.rollbacks.thrown
    }

    /// Stops drawing thrown-away entries whose moment is over by `clock_ms`; says whether
    /// any went (the logs need drawing again).
    pub fn prune_thrown(&mut self, clock_ms: f64) -> bool {
        self.rollbacks.prune(clock_ms)
    }

    /// Says when the leader's configuration commits and what that means ("the change to
    /// A–E commits; B is no longer a member"). The first one seen after a reset is only
    /// remembered.
    fn configuration_commits(
        &mut self,
        records: &[TraceRecord],
        sim: &Simulation,
        feed: &mut Feed,
    ) {
        let Some(now) = crate::members::committed_configuration(sim) else {
            return;
        };
        match self.committed.replace(now) {
            Some(before) if before != now => {
                let t = records.last().map_or(sim.now_ms(), |r| r.time_ms);
                feed.push(
                    t,
                    FeedKind::Election,
                    crate::members::commit_text(before, now),
                );
            }
            _ => {}
        }
    }

    /// Follows the reads through a leader's events: the read index and round it takes,
    /// and the round's confirmation.
    fn follow_reads(&mut self, n: NodeId, event: &Event) {
        match *event {
            Event::ReadIndexRecorded { index, round } => {
                if !self.read_rounds.contains(&(n, round)) {
                    if self.read_rounds.len() >= MAX_READ_ROUNDS {
                        self.read_rounds.remove(0);
                    }
                    self.read_rounds.push((n, round));
                }
                for read in self.reads.iter_mut().filter(|r| r.taken.is_none()) {
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

    /// Message `id` left the wire at `t`: it reached `to`, or was `lost`.
    fn ended(&mut self, id: u64, t: u64, to: Endpoint, lost: Option<DropReason>) {
        if self.fates.len() >= MAX_FATES {
            self.fates.remove(0);
        }
        let fate = Fate {
            time_ms: t,
            to,
            lost,
        };
        self.fates.push((id, fate));
    }

    /// What became of message `id`, if it left the wire lately.
    pub fn fate(&self, id: u64) -> Option<Fate> {
        self.fates
            .iter()
            .rev()
            .find(|(m, _)| *m == id)
            .map(|(_, f)| *f)
    }

    fn take_wire(&mut self, id: u64) -> Option<Wire> {
        let k = self.wires.iter().rposition(|w| w.id == id)?;
        Some(self.wires.remove(k))
    }

    fn take_request(&mut self, client: u32, seq: u64) -> String {
        match self
            .requests
            .iter()
            .rposition(|(key, _)| *key == (client, seq))
        {
            Some(k) => self.requests.remove(k).1,
            None => String::new(),
        }
    }

    /// Drops ghosts that have faded by `clock_ms`.
    pub fn prune_ghosts(&mut self, clock_ms: f64) {
        self.ghosts.retain(|g| g.end_ms > clock_ms);
    }

    /// One sentence for a run of link changes: "Cut: A–C, B → D".
    fn links(changes: &mut Vec<(u64, NodeId, NodeId, bool)>, sim: &Simulation, feed: &mut Feed) {
        let t = changes.first().map_or(0, |c| c.0);
        for up in [false, true] {
            // The links, written as one list ("A–C, B → D").
            let (mut list, mut count) = (String::new(), 0);
            let mut done: Vec<(NodeId, NodeId)> = Vec::new();
            for &(_, a, b, _) in changes.iter().filter(|c| c.3 == up) {
                if done.contains(&(a, b)) {
                    continue;
                }
                let both = changes
                    .iter()
                    .any(|&(_, x, y, v)| x == b && y == a && v == up);
                let comma = if count > 0 { ", " } else { "" };
                count += 1;
                if both {
                    done.push((b, a));
                    let _ = write!(list, "{comma}{}–{}", a.min(b), a.max(b));
                } else {
                    let _ = write!(list, "{comma}{a} → {b}");
                }
                done.push((a, b));
            }
            if count == 0 {
                continue;
            }
            let all_up = sim
                .ids()
                .all(|a| sim.ids().all(|b| a == b || sim.network().is_up(a, b)));
            let links = if count == 1 { "link" } else { "links" };
            let text = if up && all_up && count > 1 {
                String::from("Every link is restored")
            } else if up {
                format!("Restored {links}: {list}")
            } else {
                format!("Cut {links}: {list}")
            };
            feed.push(t, FeedKind::Fault, text);
        }
        changes.clear();
    }

    fn node_event(&self, t: u64, n: NodeId, event: &Event, sim: &Simulation, feed: &mut Feed) {
        let size = sim.size();
        let (kind, text) = match *event {
            Event::ElectionStarted { term } => (
                FeedKind::Election,
                format!("{n} timed out and started an election for term {term}"),
            ),
            Event::PreVoteStarted { term } => (
                FeedKind::Election,
                format!("{n} timed out and asks whether it could win term {term} (PreVote)"),
            ),
            Event::BecameLeader { term, votes } => (
                FeedKind::Election,
                format!("{n} became leader for term {term} with {votes} of {size} votes"),
            ),
            Event::SteppedDown { term, reason } => (
                FeedKind::Election,
                match reason {
                    StepDownReason::HigherTerm => {
                        format!("{n} stepped down: it saw the newer term {term}")
                    }
                    StepDownReason::LeaderExists => {
                        format!("{n} stopped campaigning: another server leads term {term}")
                    }
                    StepDownReason::LostQuorum => format!(
                        "{n} stepped down: it lost touch with a majority (CheckQuorum)"
                    ),
                    StepDownReason::Removed => format!(
                        "{n} stepped down: the change that removes it from the cluster committed"
                    ),
                },
            ),
            Event::VoteGranted {
                candidate,
                term,
                pre_vote,
            } => (
                FeedKind::Vote,
                if pre_vote {
                    format!("{n} would vote for {candidate} in term {term} (PreVote)")
                } else {
                    format!("{n} voted for {candidate} in term {term}")
                },
            ),
            Event::VoteDenied {
                candidate,
                term,
                pre_vote,
                reason,
            } => {
                let why = match reason {
                    VoteDenial::AlreadyVoted(other) => format!("it already voted for {other}"),
                    VoteDenial::LogBehind => format!("{candidate}'s log is behind its own"),
                    VoteDenial::LeaderAlive => String::from("it heard from a leader recently"),
                    VoteDenial::TermNotNewer => format!("term {term} is not newer"),
                };
                let what = if pre_vote { "a PreVote" } else { "a vote" };
                (
                    FeedKind::Vote,
                    format!("{n} refused {candidate} {what} for term {term}: {why}"),
                )
            }
            Event::VoteIgnoredInLease { candidate, term } => (
                FeedKind::Vote,
                format!(
                    "{n} ignored {candidate}'s request for term {term}: its leader is alive (CheckQuorum)"
                ),
            ),
            Event::Committed { index, term } => {
                // Followers learn commits from the leader; only the leader's is news.
                let Some(node) = sim.node(n).filter(|x| x.role() == Role::Leader) else {
                    return;
                };
                let what = match node.log().entry(index) {
                    Some(e) if e.term == term => match &e.payload {
                        Payload::Command(c) => fit(&op_text(&c.op), COMMAND_CHARS),
                        Payload::Noop => String::from("its no-op"),
                        Payload::Membership(m) => membership_entry_text(*m),
                    },
                    // Compacted into a snapshot since (the narrator reads the log after
                    // the event): the entry's words are gone with it.
                    None if index <= node.log().snapshot_index() => {
                        String::from("now in its snapshot")
                    }
                    _ => String::from("?"),
                };
                (
                    FeedKind::Commit,
                    format!("{n} committed entry {index} ({what}): a majority stores it"),
                )
            }
            Event::RefusedToOverwriteCommitted { index } => (
                FeedKind::Violation,
                format!("{n} was told to overwrite committed entry {index} and refused"),
            ),
            Event::RivalLeader { other, term } => (
                FeedKind::Violation,
                format!("{n} and {other} both lead term {term}"),
            ),
            Event::MessageRefused { from, kind, reason } => (
                FeedKind::Warn,
                format!(
                    "{n} refused {from}'s {}: {}",
                    kind.name(),
                    refusal_text(n, reason)
                ),
            ),
            Event::CannotCampaign { term } => (
                FeedKind::Warn,
                format!("{n}'s election timer fired, but no term after {term} is left to campaign in"),
            ),
            Event::SnapshotTaken { index, .. } => (
                FeedKind::Commit,
                format!("{n} compacted its log: a snapshot of its store now stands for entries 1 to {index}"),
            ),
            Event::SnapshotInstalled { index, kept_log, .. } => (
                FeedKind::Commit,
                if kept_log {
                    format!("{n} installed its leader's snapshot of entries 1 to {index} and kept the entries after it")
                } else {
                    format!("{n} installed its leader's snapshot of entries 1 to {index}; its old log is gone")
                },
            ),
            Event::MembershipChanged { index, membership } => (
                FeedKind::Election,
                if index.0 == 0 {
                    format!(
                        "{n} went back to the initial configuration {}: the entry that changed it was removed",
                        membership_text(membership)
                    )
                } else {
                    format!(
                        "{n} now uses the configuration {} from entry {index}, before it commits",
                        membership_text(membership)
                    )
                },
            ),
            Event::TransferStarted { target } => (
                FeedKind::Election,
                format!("{n} starts handing leadership to {target}: it takes no new commands and brings {target}'s log up to date"),
            ),
            Event::TimeoutNowSent { target } => (
                FeedKind::Election,
                format!("{n} sends {target} TimeoutNow: {target} holds the whole log and should campaign now"),
            ),
            Event::TransferAbandoned { target } => (
                FeedKind::Warn,
                format!("{n} gave up handing leadership to {target}: no new leader within an election timeout; it takes commands again"),
            ),
            Event::ReadIndexRecorded { index, round }
                if sim.config().raft.bugs.has(Bug::ReadWithoutHeartbeat) =>
            {
                (
                    FeedKind::Warn,
                    format!("{n} takes a read at index {index} and, broken on purpose, will not wait for heartbeat round {round} to confirm it still leads"),
                )
            }
            Event::ReadIndexRecorded { index, round } => (
                FeedKind::Commit,
                format!("{n} takes a read at index {index} and checks it still leads with heartbeat round {round}"),
            ),
            Event::LeadershipConfirmed { round }
                if sim.config().raft.bugs.has(Bug::ReadWithoutHeartbeat) =>
            {
                (
                    FeedKind::Violation,
                    format!("{n} serves the reads of round {round} without waiting for a majority to answer its heartbeats (read-without-heartbeat): if it no longer leads, they may return stale values"),
                )
            }
            Event::LeadershipConfirmed { round } => (
                FeedKind::Commit,
                format!("A majority answered {n}'s heartbeat round {round}: it still leads, so the reads waiting on it can be served"),
            ),
            Event::LeaseRead { index } => (
                FeedKind::Commit,
                format!("{n} serves a read at index {index} from its lease: a majority answered its heartbeats less than an election timeout (shortened by the clock-drift bound) ago, so no other leader can exist yet"),
            ),
            Event::ReadForwarded { leader } => (
                FeedKind::Commit,
                format!("{n} asks leader {leader} for a read index to serve a client's read"),
            ),
            Event::ReadFailed => (
                FeedKind::Warn,
                format!("{n} gave up a read: leadership was lost or not confirmed in time (the client may retry)"),
            ),
            Event::TimeoutNowReceived { from, term } => (
                FeedKind::Election,
                format!("{n} got TimeoutNow from {from} and campaigns for term {term} at once, without waiting for its timer"),
            ),
            // A rejected AppendEntries is drawn (a red answer), not told: the leader tries
            // an earlier index until the logs match, and what a follower throws away on
            // the way is told once for all of them (`rollback.rs`).
            Event::ElectionTimeout { .. }
            | Event::BecameFollower { .. }
            | Event::VoteReceived { .. }
            | Event::AppendRejected { .. }
            | Event::Truncated { .. }
            | Event::StaleMessage { .. } => return,
        };
        feed.push(t, kind, text);
    }
}

/// What a user heard, in the few words drawn under its name: "x = 3", "done", "try B".
fn heard_text(reply: &Reply, read: Option<&UserRead>) -> String {
    match (reply, read) {
        (Reply::Ok(OpResult::Value(Some(v))), Some(r)) => {
            format!("{} = {}", r.key, fit(v, 12))
        }
        (Reply::Ok(OpResult::Value(None)), Some(r)) => format!("{} unset", r.key),
        (Reply::Ok(OpResult::Value(Some(v))), None) => format!("= {}", fit(v, 12)),
        (Reply::Ok(OpResult::Value(None)), None) => String::from("unset"),
        (Reply::Ok(OpResult::Done), _) => String::from("done"),
        (Reply::NotLeader(Some(l)), _) => format!("try {l}"),
        (Reply::NotLeader(None), _) => String::from("no leader known"),
    }
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

/// An operator's membership request and what became of it, in words.
pub(crate) fn membership_request_text(change: MembershipChange, outcome: ChangeOutcome) -> String {
    let what = match change {
        MembershipChange::AddLearner(id) => format!("add {id} (as a learner until it catches up)"),
        MembershipChange::Promote(id) => format!("let learner {id} vote"),
        MembershipChange::Remove(id) => format!("remove {id}"),
    };
    match outcome {
        ChangeOutcome::Appended { leader, index } => format!(
            "{leader} appends the change to {what} at index {index}; it takes effect on each server as soon as that server stores it"
        ),
        ChangeOutcome::NoLeader => format!("asked to {what}, but no server leads"),
        ChangeOutcome::Transferring { leader, target } => format!(
            "{leader} refuses to {what}: it is handing its leadership to {target}"
        ),
        ChangeOutcome::Refused { leader, reason } => {
            let why = match reason {
                ChangeRefusal::ChangeInFlight => {
                    String::from("another change is not committed yet (one at a time)")
                }
                ChangeRefusal::NoCommitInTerm => String::from(
                    "it has not yet committed an entry of its own term",
                ),
                ChangeRefusal::AlreadyMember(id) => format!("{id} is already a member"),
                ChangeRefusal::NotMember(id) => format!("{id} is not a member"),
                ChangeRefusal::IdOutOfRange(id) => format!("{id} cannot be in a cluster"),
                ChangeRefusal::LastVoter => String::from("it would leave no voter"),
            };
            format!("{leader} refuses to {what}: {why}")
        }
    }
}

/// Why node `n` refused a message, in words.
fn refusal_text(n: NodeId, reason: RefusalReason) -> String {
    match reason {
        RefusalReason::UnknownSender => String::from("the sender is not in the cluster"),
        RefusalReason::FromItself => format!("it claims to come from {n} itself"),
        RefusalReason::AddressedElsewhere { to } => format!("it is addressed to {to}"),
        RefusalReason::TermAtMaximum => {
            String::from("its term is the largest there is, leaving no term to campaign in")
        }
        RefusalReason::EntryTermAboveMessage { index, term } => {
            format!("entry {index} has term {term}, above the term the message speaks for")
        }
        RefusalReason::EntryTermsDecrease { index } => {
            format!("its entry terms go down at index {index}")
        }
        RefusalReason::MalformedSnapshot => {
            String::from("it describes a snapshot no server could send")
        }
        RefusalReason::MalformedMembership { index } => {
            format!("entry {index} is a configuration no server could create")
        }
        RefusalReason::IndexOverflow => {
            String::from("its entries run past the last possible index")
        }
        RefusalReason::MatchPastLog {
            match_index,
            last_index,
        } => format!("it claims entry {match_index} matches, but {n}'s log ends at {last_index}"),
    }
}

fn human(sim: &Simulation, client: u32) -> bool {
    sim.clients()
        .get(client as usize)
        .is_some_and(|c| !c.automatic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_sim::SimConfig;

    fn run(sim: &mut Simulation, narrator: &mut Narrator, feed: &mut Feed, ms: u64) {
        sim.advance(ms);
        let records = core::mem::take(&mut sim.trace.records);
        narrator.narrate(&records, sim, feed, 20.0, 100.0);
    }

    fn texts(feed: &Feed) -> Vec<String> {
        feed.lines().iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn an_election_is_told_in_words() {
        let mut sim = Simulation::new(SimConfig::new(5, 3)).unwrap();
        sim.trace.keep = true;
        let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
        run(&mut sim, &mut narrator, &mut feed, 1_000);
        let leader = sim.leader().unwrap();
        let term = sim.node(leader).unwrap().term();
        let lines = texts(&feed);
        let wanted = format!("{leader} became leader for term {term} with ");
        assert!(lines.iter().any(|l| l.starts_with(&wanted)), "{lines:#?}");
        assert!(lines.iter().any(|l| l.contains("started an election")));
        assert!(lines.iter().any(|l| l.contains("voted for")));
        assert!(status(&sim).starts_with(&format!("{leader} leads term {term}")));
    }

    /// A refused message is told with what was wrong with it, in plain words.
    #[test]
    fn a_refused_message_is_told_with_its_reason() {
        let sim = Simulation::new(SimConfig::new(3, 1)).unwrap();
        let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
        let refused = |reason| TraceRecord {
            time_ms: 0,
            event: TraceEvent::Node {
                node: NodeId(1),
                event: Event::MessageRefused {
                    from: NodeId(200),
                    kind: MessageKind::AppendEntries,
                    reason,
                },
            },
        };
        let records = [
            refused(RefusalReason::UnknownSender),
            refused(RefusalReason::EntryTermsDecrease {
                index: river_core::LogIndex(4),
            }),
        ];
        narrator.narrate(&records, &sim, &mut feed, 20.0, 100.0);
        assert_eq!(
            texts(&feed),
            [
                "B refused #200's AppendEntries: the sender is not in the cluster",
                "B refused #200's AppendEntries: its entry terms go down at index 4",
            ]
        );
    }

    #[test]
    fn a_users_change_and_a_partition_are_told() {
        let mut sim = Simulation::new(SimConfig::new(3, 5)).unwrap();
        sim.trace.keep = true;
        let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
        run(&mut sim, &mut narrator, &mut feed, 1_000);
        let leader = sim.leader().unwrap();
        let follower = sim.ids().find(|&i| i != leader).unwrap();
        sim.submit(follower, Op::parse("x=1").unwrap());
        run(&mut sim, &mut narrator, &mut feed, 200);
        sim.submit(leader, Op::parse("<b>x</b>").unwrap());
        run(&mut sim, &mut narrator, &mut feed, 300);
        sim.partition(&[alloc::vec![NodeId(0)], alloc::vec![NodeId(1), NodeId(2)]]);
        run(&mut sim, &mut narrator, &mut feed, 1);
        sim.heal_all();
        run(&mut sim, &mut narrator, &mut feed, 1);
        let lines = texts(&feed);
        let has = |s: &str| lines.iter().any(|l| l.contains(s));
        assert!(
            has(&format!("User X asks {follower} to apply x=1")),
            "{lines:#?}"
        );
        assert!(has(&format!("not the leader, {leader} is")), "{lines:#?}");
        assert!(has("<b>x</b> is committed and applied"), "{lines:#?}");
        assert!(
            has(&format!(
                "User X asks {leader} to log “<b>x</b>”: not key=value, so it is logged but changes no key"
            )),
            "{lines:#?}"
        );
        assert!(has("Cut links: A–B, A–C"), "{lines:#?}");
        assert!(has("Every link is restored"), "{lines:#?}");
    }

    #[test]
    fn lost_messages_leave_ghosts_that_fade() {
        let mut config = SimConfig::new(3, 9);
        config.link.loss = 0.5;
        let mut sim = Simulation::new(config).unwrap();
        sim.trace.keep = true;
        let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
        run(&mut sim, &mut narrator, &mut feed, 300);
        assert!(!narrator.ghosts.is_empty());
        assert!(narrator.ghosts.len() <= MAX_GHOSTS);
        narrator.prune_ghosts(sim.now_ms() as f64 + 100.0);
        assert!(narrator.ghosts.is_empty());
    }

    #[test]
    fn the_feed_is_bounded_and_counts_what_it_left_out() {
        let mut feed = Feed::default();
        for i in 0..MAX_PENDING_LINES + 5 {
            feed.push(i as u64, FeedKind::Story, format!("line\t{i}\n"));
        }
        let lines = feed.take();
        assert_eq!(lines.len(), MAX_PENDING_LINES + 1);
        assert!(lines[0].text.contains("5 earlier events left out"));
        assert_eq!(lines[0].kind, "story");
        assert_eq!(
            lines[1].text, "line 5 ",
            "tabs and newlines in text become spaces"
        );
        assert!(feed.is_empty());
    }
}
