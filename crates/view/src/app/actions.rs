//! What people do to the run: send changes, cut and heal links, partition, crash, restart
//! and time out servers — each written into the journal at its moment before it is taken.

use super::*;

impl App {
    /// Parses a node letter of this cluster ("A" to "I", either case).
    pub fn node_id(&self, text: &str) -> Result<NodeId, String> {
        let t = text.trim();
        let mut chars = t.chars();
        match (chars.next().and_then(NodeId::from_letter), chars.next()) {
            (Some(id), None) if id.index() < self.tl.sim().size() => Ok(id),
            _ => Err(format!(
                "'{}' is not a node of this cluster (use A to {})",
                echo(text),
                NodeId(self.tl.sim().size() as u8 - 1)
            )),
        }
    }

    /// A user sends `command` to `node`: a leader appends it, a follower says who leads.
    /// Refuses empty or too long text ([`MAX_COMMAND_BYTES`]), and refuses when every user
    /// is still waiting for an answer.
    pub fn propose(&mut self, node: &str, command: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        let op = Op::parse(command).map_err(|e| e.to_string())?;
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
        self.note("propose", id.letter().encode_utf8(&mut [0; 4]), command);
        self.act(Input::Submit(id, op));
        self.proposals += 1;
        Ok(())
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

    /// Cuts the link between `a` and `b`: both ways, or only from `a` to `b`.
    pub fn cut(&mut self, a: &str, b: &str, one_way: bool) -> Result<(), String> {
        let (a, b) = self.pair(a, b)?;
        self.cut_ids(a, b, one_way);
        Ok(())
    }

    /// Restores both directions between `a` and `b`.
    pub fn heal(&mut self, a: &str, b: &str) -> Result<(), String> {
        let (a, b) = self.pair(a, b)?;
        self.heal_ids(a, b);
        Ok(())
    }

    pub(super) fn cut_ids(&mut self, a: NodeId, b: NodeId, one_way: bool) {
        let verb = if one_way { "cut-one-way" } else { "cut" };
        self.note_pair(verb, a, b);
        self.act(Input::SetLink(a, b, false));
        if !one_way {
            self.act(Input::SetLink(b, a, false));
        }
    }

    pub(super) fn heal_ids(&mut self, a: NodeId, b: NodeId) {
        self.note_pair("heal", a, b);
        self.act(Input::SetLink(a, b, true));
        self.act(Input::SetLink(b, a, true));
    }

    pub(super) fn pair(&self, a: &str, b: &str) -> Result<(NodeId, NodeId), String> {
        let (a, b) = (self.node_id(a)?, self.node_id(b)?);
        if a == b {
            return Err(String::from("a link joins two different nodes"));
        }
        Ok((a, b))
    }

    /// Splits the cluster into groups that hear only each other, written as letters with
    /// `|` between groups ("AB|CDE"); servers in no group are cut off alone.
    pub fn partition(&mut self, groups: &str) -> Result<(), String> {
        let parsed = self.parse_groups(groups)?;
        self.note("partition", groups, "");
        self.act(Input::Partition(parsed));
        Ok(())
    }

    pub(super) fn parse_groups(&self, text: &str) -> Result<Vec<Vec<NodeId>>, String> {
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        for part in text.split('|') {
            let mut group = Vec::new();
            for c in part.chars().filter(|c| !c.is_whitespace() && *c != ',') {
                let id = self.node_id(c.encode_utf8(&mut [0; 4]))?;
                if group.contains(&id) || groups.iter().any(|g| g.contains(&id)) {
                    return Err(format!("node {id} is named twice in the partition"));
                }
                group.push(id);
            }
            if group.is_empty() {
                return Err(String::from(
                    "a partition group is empty (write e.g. AB|CDE)",
                ));
            }
            groups.push(group);
        }
        Ok(groups)
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

    /// Restores every link.
    pub fn heal_all(&mut self) {
        self.note("heal-all", "", "");
        self.act(Input::HealAll);
    }

    /// Crashes a server.
    pub fn crash(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        self.note("crash", node, "");
        self.act(Input::Crash(id));
        Ok(())
    }

    /// Restarts a crashed server from its disk.
    pub fn restart(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        self.note("restart", node, "");
        self.act(Input::Restart(id));
        Ok(())
    }

    /// Fires a server's election timer now.
    pub fn timeout(&mut self, node: &str) -> Result<(), String> {
        let id = self.node_id(node)?;
        match self.tl.sim().node(id).map(|n| n.role()) {
            None => return Err(format!("{id} is down; restart it first")),
            Some(Role::Leader) => {
                return Err(format!("{id} leads; a leader has no election timer"))
            }
            Some(_) => {}
        }
        self.note("timeout", node, "");
        self.act(Input::Timeout(id));
        Ok(())
    }

    /// Gives an input to the run now (through the timeline, when the page has one).
    pub(super) fn act(&mut self, input: Input) {
        self.branch_if_in_past();
        Driver::input(&mut self.tl, input);
        self.after_run();
    }

    /// Writes an action into the journal, at this moment, before it is taken.
    pub(super) fn note(&mut self, verb: &str, a: &str, b: &str) {
        let sim = self.tl.sim();
        let (time_ms, events) = (sim.now_ms(), sim.stats.events);
        if let Some(journal) = &mut self.journal {
            journal.push(time_ms, events, verb, a, b);
        }
    }

    pub(super) fn note_pair(&mut self, verb: &str, a: NodeId, b: NodeId) {
        let (a, b) = (a.letter(), b.letter());
        self.note(verb, a.encode_utf8(&mut [0; 4]), b.encode_utf8(&mut [0; 4]));
    }

    /// Does the action named `verb` with arguments `a` and `b` (see the wasm handle's
    /// `act`); says why not when refused.
    pub fn command(&mut self, verb: &str, a: &str, b: &str) -> Result<(), String> {
        match verb {
            "propose" => self.propose(a, b),
            "cut" => self.cut(a, b, false),
            "cut-one-way" => self.cut(a, b, true),
            "heal" => self.heal(a, b),
            "partition" => self.partition(a),
            "heal-all" => {
                self.heal_all();
                Ok(())
            }
            "crash" => self.crash(a),
            "restart" => self.restart(a),
            "timeout" => self.timeout(a),
            "pause" => {
                self.pause();
                Ok(())
            }
            "play" => {
                self.play();
                Ok(())
            }
            "step" => {
                self.step();
                Ok(())
            }
            "load" => self.load(a, b),
            "play-built-in" => self.play_built_in(a),
            "stop-story" => {
                self.stop_story();
                Ok(())
            }
            "set" => self.set_setting(a, b),
            "restart-run" => {
                self.restart_run();
                Ok(())
            }
            "select" => {
                self.select(a);
                Ok(())
            }
            "step-back" => {
                self.step_back();
                Ok(())
            }
            "bug" => self.set_bug(a, b == "on"),
            _ => Err(format!("unknown action '{}'", echo(verb))),
        }
    }

    /// The run's journal as text, for [`App::replay`]; "" once
    /// someone travelled in time (a journal holds one straight line of actions).
    pub fn journal(&self) -> String {
        self.journal
            .as_ref()
            .map_or_else(String::new, |j| j.encode(self.clock_ms, self.proposals))
    }

    /// Replays the run a journal describes: starts it as it began and does every action
    /// again at its moment, so the simulation ends exactly where the journal's page stood.
    /// A journal this build cannot follow to the same events is refused ("exact or
    /// refused").
    pub fn replay(&mut self, text: &str) -> Result<(), String> {
        let journal = crate::journal::read(text)?;
        match journal.head {
            Head::Fresh(settings) => {
                self.settings = settings;
                self.restart_run();
            }
            Head::Scenario { name, text } => self.load(&text, &name)?,
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
            self.command(&e.verb, &e.a, &e.b)?;
        }
        self.run_to(journal.clock_ms);
        self.proposals = journal.proposals;
        // The page has shown this run's story already.
        self.feed.take();
        self.changed = changed::ALL;
        self.repaint();
        Ok(())
    }
}
