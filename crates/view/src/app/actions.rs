//! What people do to the run: one [`Action`] at a time through [`App::apply`], which takes
//! it and writes it into the journal with the moment it was taken.

use super::*;
use crate::action::{Action, Groups, Node};

impl App {
    /// Does `action`: the only way a person changes the run or what is shown of it. Says
    /// why not when refused (nothing changes then); some actions answer in words (one event
    /// forward says which event it was).
    pub fn apply(&mut self, action: Action) -> Result<Option<String>, String> {
        let sim = self.tl.sim();
        let moment = (sim.now_ms(), sim.stats.events);
        let run = self.runs;
        // Play at a tour's pause goes on to the next step, and is written down as that.
        let action = match action {
            Action::Play if self.tour_waiting() => Action::TourContinue,
            action => action,
        };
        let said = self.take(&action)?;
        // Actions that start a fresh run begin a new journal instead of joining this one.
        if action.journaled() && self.runs == run {
            self.journal.push(moment.0, moment.1, action);
        }
        Ok(said)
    }

    fn take(&mut self, action: &Action) -> Result<Option<String>, String> {
        match *action {
            Action::Propose { node, ref command } => self.propose(node, command)?,
            Action::Cut { a, b, one_way } => {
                let (a, b) = self.pair(a, b)?;
                self.cut_ids(a, b, one_way);
            }
            Action::Heal { a, b } => {
                let (a, b) = self.pair(a, b)?;
                self.heal_ids(a, b);
            }
            Action::Partition(ref groups) => self.partition(groups)?,
            Action::HealAll => self.act(Input::HealAll),
            Action::Crash(node) => self.act_checked(Input::Crash(self.member(node)?))?,
            Action::Restart(node) => self.act_checked(Input::Restart(self.member(node)?))?,
            // A freeze (a stalled process: a long garbage-collection pause, a swapped-out
            // VM) loses nothing, unlike a crash, and is not told that time passed; a thaw
            // resumes its clock where it stopped, then its inbox arrives.
            Action::Freeze(node) => self.act_checked(Input::Freeze(self.member(node)?))?,
            Action::Thaw(node) => self.act_checked(Input::Thaw(self.member(node)?))?,
            Action::Timeout(node) => self.act_checked(Input::Timeout(self.member(node)?))?,
            Action::Pause => self.stop_clock(),
            Action::Play => self.start_clock(),
            Action::Speed(x) => self.change_speed(x),
            Action::Advance(ms) => self.run_for(ms)?,
            Action::Step => self.step_to_next(),
            Action::StepEvent => return Ok(Some(self.run_one_event())),
            Action::StepBack => self.back_one_event(),
            Action::Seek(ms) => self.seek_to(ms)?,
            Action::Branch(k) => self.return_to_branch(k)?,
            Action::SeekBefore(ms) => self.seek_before(ms)?,
            Action::OpenTrial { range, trial } => return self.open_trial(range, trial).map(Some),
            Action::Message { id, what } => self.act_on_message(id, what)?,
            Action::Set { name, ref value } => self.change_setting(name, value)?,
            Action::Bug { ref name, on } => self.switch_bug(name, on)?,
            Action::Load { ref text, ref name } => self.load_scenario(text, name)?,
            Action::PlayBuiltIn(ref name) => self.load_built_in(name)?,
            Action::StopStory => self.end_story(),
            Action::Tour { ref name, step } => self.open_tour(name, step)?,
            Action::TourContinue => self.continue_tour()?,
            Action::TourBack => self.back_tour()?,
            Action::RestartRun => self.start_again(),
            Action::Select(node) => self.select(node),
            Action::AddServer => self.add_server()?,
            Action::RemoveServer(node) => self.remove_server(node)?,
            Action::MakeLeader(node) => self.make_leader(node)?,
            Action::Snapshot(node) => self.snapshot(node)?,
            Action::Read { node, ref key } => self.read(node, key)?,
        }
        Ok(None)
    }

    /// A node of this cluster.
    pub(super) fn member(&self, node: Node) -> Result<NodeId, String> {
        let size = self.tl.sim().size();
        if node.0.index() < size {
            Ok(node.0)
        } else {
            Err(format!(
                "{} is not a node of this cluster (use A to {})",
                node.0,
                NodeId(size as u8 - 1)
            ))
        }
    }

    /// A user sends `command` to `node`: a leader appends it, a follower says who leads.
    /// Refuses empty or too long text ([`MAX_COMMAND_BYTES`]), and refuses when every user
    /// is still waiting for an answer.
    fn propose(&mut self, node: Node, command: &str) -> Result<(), String> {
        let op = Op::parse(command).map_err(|e| e.to_string())?;
        self.submit(node, op)?;
        self.proposals += 1;
        Ok(())
    }

    /// A user reads `key` at `node` (ReadIndex by default, thesis §6.4). Refuses what is
    /// not one word a change could have set.
    fn read(&mut self, node: Node, key: &str) -> Result<(), String> {
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) || key.contains('=') {
            return Err(format!(
                "'{}' is not a key: a key is one word without '=', like x",
                echo(key)
            ));
        }
        if key.len() + "get ".len() > MAX_COMMAND_BYTES {
            return Err(format!(
                "the key is {} bytes long; at most {} are allowed",
                key.len(),
                MAX_COMMAND_BYTES - "get ".len()
            ));
        }
        self.submit(node, Op::Get { key: key.into() })
    }

    /// A user sends `op` to `node`, unless every user is still waiting for an answer.
    fn submit(&mut self, node: Node, op: Op) -> Result<(), String> {
        let id = self.member(node)?;
        let busy = self
            .tl
            .sim()
            .clients()
            .iter()
            .filter(|c| !c.automatic && c.outstanding.is_some())
            .count();
        let idle = self
            .tl
            .sim()
            .clients()
            .iter()
            .any(|c| !c.automatic && c.outstanding.is_none());
        if busy >= MAX_USERS && !idle {
            return Err(format!(
                "all {MAX_USERS} users are waiting for answers; wait until one hears back"
            ));
        }
        if self.tl.sim().clients().len() >= layout::MAX_DRAWN_USERS && !idle {
            return Err(String::from(
                "every user is busy; wait until one hears back",
            ));
        }
        self.act_checked(Input::Submit(id, op))
    }

    /// The command the page suggests next: x=1, y=2, z=3, x=4, …
    pub fn suggestion(&self) -> String {
        let keys = river_sim::sim::WORKLOAD_KEYS;
        let n = self.proposals + 1;
        format!(
            "{}={n}",
            keys[(self.proposals % keys.len() as u64) as usize]
        )
    }

    /// The longest command accepted, in bytes.
    pub fn max_command_bytes(&self) -> usize {
        MAX_COMMAND_BYTES
    }

    /// Cuts the link between `a` and `b`: both ways, or only from `a` to `b`. Both
    /// directions are one act, so the feed tells one cut ("Cut link: A–C"), not two.
    fn cut_ids(&mut self, a: NodeId, b: NodeId, one_way: bool) {
        let back = (!one_way).then_some(Input::SetLink(b, a, false));
        self.act_all(
            [Some(Input::SetLink(a, b, false)), back]
                .into_iter()
                .flatten(),
        );
    }

    /// Restores both directions between `a` and `b`, as one act (one feed line).
    fn heal_ids(&mut self, a: NodeId, b: NodeId) {
        self.act_all([Input::SetLink(a, b, true), Input::SetLink(b, a, true)]);
    }

    fn pair(&self, a: Node, b: Node) -> Result<(NodeId, NodeId), String> {
        let (a, b) = (self.member(a)?, self.member(b)?);
        if a == b {
            return Err(String::from("a link joins two different nodes"));
        }
        Ok((a, b))
    }

    /// Splits the cluster into groups that hear only each other; servers in no group are
    /// cut off alone. Refuses a server named twice, an empty group, or one not in the cluster.
    fn partition(&mut self, Groups(groups): &Groups) -> Result<(), String> {
        let mut seen: Vec<NodeId> = Vec::new();
        for group in groups {
            if group.is_empty() {
                return Err(String::from(
                    "a partition group is empty (write e.g. AB|CDE)",
                ));
            }
            for &id in group {
                self.member(Node(id))?;
                if seen.contains(&id) {
                    return Err(format!("node {id} is named twice in the partition"));
                }
                seen.push(id);
            }
        }
        self.act(Input::Partition(groups.clone()));
        Ok(())
    }

    /// The split the page's Partition button makes: the first half (rounded down) against
    /// the rest — A B | C D E for five servers, the story of the `partition` scenario.
    pub fn default_partition(&self) -> String {
        let n = self.tl.sim().size();
        let letters: Vec<char> = self.tl.sim().ids().map(|i| i.letter()).collect();
        let (minority, majority) = letters.split_at(n / 2);
        let a: String = minority.iter().collect();
        let b: String = majority.iter().collect();
        format!("{a}|{b}")
    }

    /// Gives `input` to the run unless the simulation would do nothing with it, which is
    /// refused with the reason ([`Input::refusal`], the words a scenario's line is told):
    /// freezing a down server, thawing a running one, timing out a leader, …
    pub(super) fn act_checked(&mut self, input: Input) -> Result<(), String> {
        if let Some(why) = input.refusal(self.tl.sim()) {
            return Err(why);
        }
        self.act(input);
        Ok(())
    }

    /// Gives an input to the run now, through the timeline.
    pub(super) fn act(&mut self, input: Input) {
        self.act_all([input]);
    }

    /// Gives several inputs to the run at the same moment, then tells what they did: the
    /// feed narrates them together.
    fn act_all(&mut self, inputs: impl IntoIterator<Item = Input>) {
        self.branch_if_in_past();
        let refused: Vec<String> = inputs
            .into_iter()
            .filter_map(|input| Driver::input(&mut self.tl, input).err())
            .collect();
        self.after_run();
        // The page checks an action before it acts, so this is rare (a leader that steps
        // down as its clock catches up, just as it is asked for a change), but it is said.
        let now = self.tl.sim().now_ms();
        for why in refused {
            self.feed
                .push(now, FeedKind::Warn, format!("Refused: {why}"));
            self.changed |= changed::FEED;
        }
    }

    /// The run's journal as text, for [`App::replay`]. A tour's journal begins with the
    /// tour and the step it was opened at, then its Continues and Backs and whatever the
    /// reader did, each at its moment. A tour only watched (moved through, nothing done to
    /// the run) is written as the tour opened at the step showing: the same moment, shorter.
    pub fn journal(&self) -> String {
        if let Some(story) = self.story.as_ref().filter(|s| s.guide.is_some()) {
            let tour_head = matches!(self.journal.head, Head::Tour { .. });
            if tour_head
                && self
                    .journal
                    .entries
                    .iter()
                    .all(|e| e.action.tour_navigation())
            {
                let head = Head::Tour {
                    name: story.name.clone(),
                    step: story.player.tour_step().unwrap_or(0) as u64 + 1,
                };
                return Journal::new(head).encode(self.clock_ms, self.proposals);
            }
        }
        self.journal.encode(self.clock_ms, self.proposals)
    }

    /// Replays the run a journal describes: starts it as it began and does every action
    /// again at its moment, so the simulation ends exactly where the journal's page stood.
    /// A journal this build cannot follow to the same events is refused ("exact or
    /// refused").
    pub fn replay(&mut self, text: &str) -> Result<(), String> {
        let read = crate::journal::read(text)?;
        let journal = read.journal;
        match journal.head {
            Head::Fresh(settings) => {
                self.settings = settings;
                self.start_again();
                // Whoever opens the run is told Raft is broken, as the page that ran it was.
                for bug in self.settings.raft.bugs.iter() {
                    self.tell_bug("", bug, true);
                }
            }
            Head::Scenario { name, text } => self.load_scenario(&text, &name)?,
            Head::Tour { name, step } => {
                // Afresh, even when this page plays the same tour: the journal's own
                // Continues and Backs follow.
                self.story = None;
                self.open_tour(&name, step as f64)?;
            }
        }
        let moment = |app: &App| (app.tl.sim().now_ms(), app.tl.sim().stats.events);
        for e in &journal.entries {
            // Several actions may share a moment, with nothing run between them.
            if moment(self) != (e.time_ms, e.events) {
                self.run_to(e.time_ms as f64);
            }
            if moment(self) != (e.time_ms, e.events) {
                let sim = self.tl.sim();
                return Err(format!(
                    "the run went differently: at {} ms it had {} events, not {}",
                    e.time_ms, sim.stats.events, e.events
                ));
            }
            self.apply(e.action.clone())?;
        }
        // Only forward: a page standing just before what was done at its moment (a seek
        // before it, one event back) stands there again, the action still to come.
        if read.clock_ms > self.clock_ms {
            self.run_to(read.clock_ms);
        }
        self.proposals = read.proposals;
        // The feed tells the run from its new-cluster line (so the page lets the run it
        // showed before go) to this moment, as the page that wrote the journal told it:
        // whoever opens a shared moment reads how the run got there.
        let sim = self.tl.sim();
        self.feed.rewind(sim.now_ms(), sim.stats.events);
        self.changed = changed::ALL;
        self.repaint();
        Ok(())
    }
}
