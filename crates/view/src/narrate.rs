//! Narration: the simulator's trace turned into plain sentences for the event feed ("C became
//! leader for term 3"), and the status line that says where the cluster stands. Routine
//! traffic (heartbeats, deliveries, timer ticks) is drawn, not narrated.

use crate::words::{fit, membership_entry_text, op_text, payload_text, plural, user_name};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use river_core::{
    Bug, Event, LogIndex, Membership, MembershipChange, MessageKind, NodeId, Payload, ReadId,
    RefusalReason, Role, StepDownReason,
};
use river_sim::kv::{Op, OpResult};
use river_sim::network::{Endpoint, Reply};
use river_sim::sim::ReadPath;
use river_sim::trace::{ChangeOutcome, DropReason, TraceEvent, TraceRecord};
use river_sim::view::{membership_text, names};
use river_sim::Simulation;

mod links;
mod membership;
mod node;
#[cfg(test)]
mod order_tests;
mod rollback;
mod stale;
mod status;
#[cfg(test)]
mod told_once_tests;
mod users;
pub use crate::feed::{Feed, FeedKind, MAX_PENDING_LINES};
pub(crate) use membership::membership_request_text;
use membership::restart_text;
pub use rollback::{Thrown, MAX_THROWN, ROLLBACK_GATHER_MS};
pub use stale::STALE_GATHER_MS;
pub use status::status;
use users::UserRead;

/// The most lost messages animated at once.
pub const MAX_GHOSTS: usize = 64;
/// The most messages the narrator remembers (to animate their loss on arrival).
const MAX_TRACKED_MESSAGES: usize = 1_024;
/// The most messages whose end (arrived or lost) is remembered, for their inspector.
const MAX_FATES: usize = 256;
/// How many characters of a command a sentence repeats.
const COMMAND_CHARS: usize = 40;

/// A scenario line to tell in the feed just before trace record `record` of the batch
/// narrated (the first it may have caused), or after the batch's last when it caused none.
#[derive(Clone, Debug)]
pub struct StoryLine {
    /// The index of the first record after the line began.
    pub record: usize,
    /// When it began (simulated ms).
    pub time_ms: u64,
    /// "Line 4: add E".
    pub text: String,
    /// How the feed shows it: [`FeedKind::Story`], or [`FeedKind::Warn`] for a line the
    /// simulation refused ("Line 5: remove A refused: …").
    pub kind: FeedKind,
}

/// A leader handing its leadership to `target` (thesis §3.10).
#[derive(Clone, Copy, Debug)]
struct Handover {
    leader: NodeId,
    target: NodeId,
    /// Whether its TimeoutNow was told: the leader sends it again on each answer its
    /// caught-up target gives until the target campaigns; the wire shows those, the feed
    /// tells one.
    timeout_now_told: bool,
}

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
/// Turns trace records into sentences and lost-message ghosts. Keeps a little memory
/// (which request carried which op, where each message was going) so later records can be
/// told in words.
///
/// Its memories are short vectors searched from the end (what is looked up is usually
/// recent): a map type would add more code to the wasm than it saves time.
#[derive(Clone, Debug, Default)]
pub struct Narrator {
    /// Each person's request in flight: (client, seq), the server asked, the op in words.
    requests: Vec<((u32, u64), NodeId, String)>,
    /// Leaders handing their leadership over (thesis §3.10), so a user they turn away is
    /// told why, not only where to go, and their TimeoutNow is told once.
    handing: Vec<Handover>,
    wires: Vec<Wire>,
    /// Lost messages still fading, oldest first.
    pub ghosts: Vec<Ghost>,
    /// The committed configuration last narrated (`None` until one is seen).
    committed: Option<Membership>,
    /// The configuration entry whose use was told last: (its index, the configuration).
    adopted: Option<(LogIndex, Membership)>,
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
    /// stands; the places `feed` kept for lines it was gathering are given up.
    pub fn reset(&mut self, sim: &Simulation, feed: &mut Feed) {
        feed.release();
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
        self.narrate_story(records, Vec::new(), sim, feed, ghost_ms, thrown_ms);
    }

    /// Narrates `records` as [`Narrator::narrate`] does, telling each of a scenario's
    /// `lines` (in order) before the records it caused.
    pub fn narrate_story(
        &mut self,
        records: &[TraceRecord],
        lines: Vec<StoryLine>,
        sim: &Simulation,
        feed: &mut Feed,
        ghost_ms: f64,
        thrown_ms: f64,
    ) {
        let mut links: Vec<(u64, NodeId, NodeId, bool)> = Vec::new();
        let mut lines = lines.into_iter().peekable();
        for (k, record) in records.iter().enumerate() {
            let t = record.time_ms;
            let line_first = lines.peek().is_some_and(|l| l.record <= k);
            if (line_first || !matches!(record.event, TraceEvent::Link { .. })) && !links.is_empty()
            {
                Self::links(&mut links, sim, feed);
            }
            while let Some(line) = lines.next_if(|l| l.record <= k) {
                feed.push(line.time_ms, line.kind, line.text);
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
                    .truncated(feed, (t, *node), *from, *removed, thrown_ms),
                // A leader handing over sends TimeoutNow again on each answer its caught-up
                // target gives until the target campaigns; the copies that reach it after it
                // moved to the new term are that same request, told once (it was sent, and
                // the target got it), not stale messages rejected.
                TraceEvent::Node {
                    event:
                        Event::StaleMessage {
                            kind: MessageKind::TimeoutNow,
                            ..
                        },
                    ..
                } => {}
                TraceEvent::Node {
                    node,
                    event: Event::StaleMessage { from, kind, term },
                } => self.stale.rejected(feed, (t, *node), *from, *kind, *term),
                TraceEvent::Node { node, event } => {
                    self.follow_reads(*node, event);
                    let previous = k.checked_sub(1).map(|j| &records[j].event);
                    self.follow_transfers(*node, event);
                    self.node_event(t, (*node, event), previous, sim, feed)
                }
                TraceEvent::Crash { node } => {
                    self.read_rounds.retain(|&(l, _)| l != *node);
                    // A removed server is shut down, not crashed: the next record says so.
                    let retired = matches!(records.get(k + 1).map(|r| &r.event), Some(TraceEvent::Retired { node: r }) if r == node);
                    if !retired {
                        let kept = if sim.server(*node).disk.snapshot.is_some() {
                            "term, vote, snapshot and log"
                        } else {
                            "term, vote and log"
                        };
                        feed.push(
                            t,
                            FeedKind::Fault,
                            format!("{node} crashed: only its {kept} survive, on disk"),
                        )
                    }
                }
                TraceEvent::Restart {
                    node,
                    term,
                    voted_for,
                    entries,
                    snapshot,
                } => feed.push(
                    t,
                    FeedKind::Fault,
                    restart_text(*node, *term, *voted_for, *entries, *snapshot),
                ),
                TraceEvent::Freeze { node } => {
                    feed.push(t, FeedKind::Fault, freeze_text(sim, *node, true))
                }
                TraceEvent::Thaw { node } => {
                    feed.push(t, FeedKind::Fault, freeze_text(sim, *node, false))
                }
                TraceEvent::Clock { node, percent } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!("{node}'s clock now runs at {percent}% of real time"),
                ),
                TraceEvent::Link { from, to, up } => links.push((t, *from, *to, *up)),
                TraceEvent::Started { node } => feed.push(
                    t,
                    FeedKind::Fault,
                    format!(
                        "{node} started with an empty disk; it waits to be added to the cluster"
                    ),
                ),
                TraceEvent::Retired { node } => {
                    // A leader that removed itself said so as it stepped down: the change
                    // is told, and is not told again when the next leader holds it.
                    let gone = MembershipChange::Remove(*node);
                    if let Some(Ok(m)) = self.committed.map(|m| m.apply(gone)) {
                        self.committed = Some(m);
                    }
                    feed.push(
                        t,
                        FeedKind::Fault,
                        format!("{node} shuts down for good, as its operator would once it is out of the cluster"),
                    )
                }
                // A change not taken is told by whoever asked, from what the simulation
                // answered (`Input::apply`): the page's own action, or a scenario's line.
                TraceEvent::Membership { change, outcome } => {
                    if let ChangeOutcome::Appended { .. } = outcome {
                        feed.push(
                            t,
                            FeedKind::Election,
                            membership_request_text(*change, *outcome),
                        )
                    }
                }
                TraceEvent::Invoke { .. }
                | TraceEvent::Complete { .. }
                | TraceEvent::ReadTaken { .. }
                | TraceEvent::Timeout { .. } => self.user_event(t, &record.event, sim, feed),
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
        for line in lines {
            feed.push(line.time_ms, line.kind, line.text);
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

    /// Drops ghosts that have faded by `clock_ms`.
    pub fn prune_ghosts(&mut self, clock_ms: f64) {
        self.ghosts.retain(|g| g.end_ms > clock_ms);
    }
}

/// A server froze (`froze`) or thawed. A frozen leader is the case to tell: nothing tells a
/// stalled process that time passes, so it still thinks it leads, and thawed it carries on
/// in its old term until a message from a newer one reaches it.
fn freeze_text(sim: &Simulation, node: NodeId, froze: bool) -> String {
    let leading = sim
        .node(node)
        .filter(|n| n.role() == Role::Leader)
        .map(|n| n.term());
    match (froze, leading) {
        (true, Some(term)) => format!("{node} froze while leading term {term}: a stalled process, not a crash. It does nothing and its timers and inbox wait, but it still thinks it leads; the others stop hearing its heartbeats and will elect a new leader"),
        (true, None) => format!("{node} froze: a stalled process, not a crash. It does nothing; its timers and the messages that reach it wait"),
        (false, Some(term)) => format!("{node} thawed, still sure it leads term {term}: it carries on as if no time had passed and reads what waited. If the others elected a leader meanwhile, the first message of the newer term makes {node} step down"),
        (false, None) => format!("{node} thawed: it carries on as if no time had passed, then reads what waited"),
    }
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
        // One entry (the new leader's no-op) reads as one, not "all 1 entry".
        assert_eq!(sim.node(leader).unwrap().log().last_index().0, 1);
        assert!(
            status(&sim).ends_with(" · its 1 entry committed"),
            "{}",
            status(&sim)
        );
    }

    /// With two leaders the status line counts the newer leader's log by name: A's dashed
    /// x=2 is not among "all 4 committed", which read as if it were.
    #[test]
    fn status_names_whose_entries_it_counts_beside_a_stale_leader() {
        let script = "nodes 5\nseed 7\ntimeout A\nwait leader A within 1000\npropose A x=1\nwait converged within 1000\npartition AB | CDE\npropose A x=2\nwait 100\ntimeout C\nwait leader C within 1000\n";
        let scenario = river_sim::scenario::Scenario::parse(script).unwrap();
        let mut sim = river_sim::scenario::Player::simulation(&scenario);
        let mut player = river_sim::scenario::Player::new(scenario);
        player.run_to_end(&mut sim).unwrap();
        // C's no-op is not committed yet: 2 of its 3.
        assert_eq!(
            status(&sim),
            "C leads term 2 · A still thinks it leads term 1: it has not heard it lost · 2 of C's 3 entries committed · 6 links cut"
        );
        sim.advance(500);
        assert!(
            status(&sim).contains(" · all 3 of C's entries committed · "),
            "{}",
            status(&sim)
        );
    }

    /// A leader cut off in a minority is never told as the leader once a majority has moved
    /// to a newer term (they refuse its messages, §5.1): while they elect, the line tells
    /// their election and the old leader that does not know it lost (it said "A leads term
    /// 1", as if nothing happened). A server campaigning alone, with the majority still
    /// following its leader, takes no leadership away.
    #[test]
    fn status_tells_the_old_leader_beside_the_majoritys_election() {
        let split = "nodes 5\nseed 7\ntimeout A\nwait leader A within 1000\npartition AB | CDE\ntimeout C\n";
        let scenario = river_sim::scenario::Scenario::parse(split).unwrap();
        let mut sim = river_sim::scenario::Player::simulation(&scenario);
        river_sim::scenario::Player::new(scenario)
            .run_to_end(&mut sim)
            .unwrap();
        let mut said = Vec::new();
        while sim.leader() != Some(NodeId(2)) && sim.step() {
            let moved_on = sim
                .ids()
                .filter(|&i| sim.node(i).is_some_and(|n| n.term().0 >= 2))
                .count();
            let line = status(&sim);
            if moved_on >= 3 {
                assert!(!line.starts_with("A leads"), "{line}");
            }
            said.push(line);
        }
        assert!(
            said.iter().any(|l| l.starts_with("Election for term 2: C has ")
                && l.ends_with("; 3 needed · A still thinks it leads term 1: it has not heard of term 2 · 6 links cut")),
            "{said:#?}"
        );
        assert!(
            status(&sim).starts_with(
                "C leads term 2 · A still thinks it leads term 1: it has not heard it lost · "
            ),
            "{}",
            status(&sim)
        );
        // D alone times out (no PreVote): A, B, C and E still follow A in term 1.
        let alone = "nodes 5\nseed 7\ntimeout A\nwait leader A within 1000\npartition ABCE | D\ntimeout D\nwait 20\n";
        let scenario = river_sim::scenario::Scenario::parse(alone).unwrap();
        let mut sim = river_sim::scenario::Player::simulation(&scenario);
        river_sim::scenario::Player::new(scenario)
            .run_to_end(&mut sim)
            .unwrap();
        assert_eq!(sim.node(NodeId(3)).unwrap().term().0, 2);
        assert!(
            status(&sim).starts_with("A leads term 1 · "),
            "{}",
            status(&sim)
        );
    }

    /// The feed's lines for `script` played to its end on a bare simulation.
    fn played(script: &str) -> Vec<String> {
        let scenario = river_sim::scenario::Scenario::parse(script).unwrap();
        let mut sim = river_sim::scenario::Player::simulation(&scenario);
        sim.trace.keep = true;
        river_sim::scenario::Player::new(scenario)
            .run_to_end(&mut sim)
            .unwrap();
        let records = core::mem::take(&mut sim.trace.records);
        let (mut narrator, mut feed) = (Narrator::default(), Feed::default());
        narrator.narrate(&records, &sim, &mut feed, 20.0, 100.0);
        texts(&feed)
    }

    /// An election counts the voters of the configuration it was held in (thesis §4.1): not
    /// a server started in the same instant that is not yet a member, nor a learner.
    #[test]
    fn a_leader_is_told_with_the_votes_of_its_configuration() {
        // E's add comes as A campaigns: no server leads, so it is refused and E never starts.
        let lines = played("nodes 4\nseed 1\ntimeout A\nadd E\nwait 500\n");
        assert!(
            lines.contains(&String::from(
                "A became leader for term 1 with 3 of 4 votes"
            )),
            "{lines:#?}"
        );
        // E joins as a learner but hears nothing, so it is never promoted; B is elected
        // by three of the four voters, A, B, C and D.
        let lines = played(
            "nodes 4\nseed 1\nlatency 10 10\ntimeout A\nwait leader A within 1000\nwait 100\n\
             add E\ncut A E\nwait 100\ncrash A\ntimeout B\nwait leader B within 1000\n",
        );
        assert!(
            lines.contains(&String::from(
                "B became leader for term 2 with 3 of 4 votes"
            )),
            "{lines:#?}"
        );
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
