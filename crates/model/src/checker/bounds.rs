//! The bounds that keep a model finite, and where its exploration starts.

use river_core::{Membership, MembershipChange, NodeId};

/// Where exploration starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Every server empty, in term 0.
    Fresh,
    /// A leads term 1 and every server holds its no-op and knows it committed: where a
    /// read's, a snapshot's or a replication bug's story begins, without spending the search
    /// on the first election. Played on the real nodes by
    /// [`elected_start`](super::elected_start).
    Elected,
    /// A leads term 1 of the initial voters, and the first spare server is a learner that
    /// holds the whole log: A added it, it caught up before the change committed, then the
    /// change committed (so A has not promoted it yet). Where a membership change's story
    /// begins; played on the real nodes by [`learner_start`](super::learner_start).
    LearnerCaughtUp,
}

/// Limits that keep the state space finite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Servers in the initial configuration, at most
    /// [`MAX_MODEL_CLUSTER_SIZE`](super::MAX_MODEL_CLUSTER_SIZE) with symmetry reduction (see
    /// [`Bounds::symmetric`]).
    pub cluster_size: usize,
    /// Servers outside the initial configuration, with the next ids, waiting to be added;
    /// at most [`MAX_MODEL_SERVERS`](super::MAX_MODEL_SERVERS) servers in all.
    pub spare_servers: usize,
    /// Where exploration starts.
    pub start: Start,
    /// Membership changes a client may ask any leader for, each appended at most once, in
    /// any order (a change the leader refuses is no step).
    pub changes: Vec<MembershipChange>,
    /// No server's election timer fires once its term reaches this.
    pub max_term: u64,
    /// Client commands proposed over the whole run.
    pub max_proposals: u32,
    /// Linearizable reads (ReadIndex, thesis §6.4) a client asks for over the whole run, of
    /// any leader or of any follower that knows one (which forwards it).
    pub max_reads: u32,
    /// Snapshots servers take of everything they applied (thesis §5.1), over the whole run;
    /// a leader then sends a follower behind its snapshot an InstallSnapshot (paper §7).
    pub max_compactions: u32,
    /// Crash-restarts over the whole run.
    pub max_restarts: u32,
    /// A state with more distinct messages in flight is not explored.
    pub max_in_flight: usize,
    /// A state with a longer log anywhere is not explored.
    pub max_log_len: usize,
    /// The nodes' `max_entries_per_append`: one entry per message lets a leader replicate a
    /// prefix of its log, which some counterexamples (Figure 8) need.
    pub max_entries_per_append: usize,
    /// Whether the network may lose messages.
    pub drops: bool,
    /// Whether the network may deliver a message and keep a copy in flight.
    pub duplicates: bool,
    /// Whether a leader's heartbeat interval may pass (it resends to every lagging follower).
    pub heartbeats: bool,
    /// The servers whose election timers may fire; `None` for every server.
    pub campaigners: Option<Vec<NodeId>>,
    /// A link holds at most one message: a newer one from the same sender to the same
    /// receiver replaces the older, which is lost (as the network may lose any message).
    pub newest_per_link: bool,
    /// Whether a server may be cut off for a moment: every message in flight to or from it
    /// is lost at once (coarser than `drops`, which loses one message at a time).
    pub cuts: bool,
    /// Answers (to votes, appends, snapshots, reads) arrive the moment they are sent: a
    /// request and its answer are one step, and an answer is never lost on its own.
    pub answers_at_once: bool,
}

impl Bounds {
    /// Replication and crashes: three servers, elections up to term 2, one client command,
    /// one crash-restart, every network fault, at most two messages in flight. CI explores
    /// this whole space (about 1.7 million distinct states).
    pub fn small() -> Bounds {
        Bounds {
            cluster_size: 3,
            max_term: 2,
            max_proposals: 1,
            max_reads: 0,
            max_compactions: 0,
            max_restarts: 1,
            max_in_flight: 2,
            max_log_len: 3,
            max_entries_per_append: 1,
            drops: true,
            duplicates: true,
            heartbeats: true,
            spare_servers: 0,
            start: Start::Fresh,
            changes: Vec::new(),
            campaigners: None,
            newest_per_link: false,
            cuts: false,
            answers_at_once: false,
        }
    }

    /// Elections over four terms, the fewest in which Figure 8's lost commit can happen:
    /// no client commands or crashes, logs of at most two entries. CI explores this whole
    /// space (about 0.9 million distinct states).
    pub fn four_terms() -> Bounds {
        Bounds {
            max_term: 4,
            max_proposals: 0,
            max_restarts: 0,
            max_log_len: 2,
            ..Bounds::small()
        }
    }

    /// The 2015 erratum's space (see the module docs): four voters A–D, E a caught-up
    /// learner of A's in term 1; a client may ask any leader to promote E and to remove D.
    /// Only A and B campaign (elections up to term 3); logs of at most four entries; at most
    /// four messages in flight (a leader of four peers broadcasts four), the newest on each
    /// link, answered at once; a server may be cut off (its messages lost) but no single
    /// message is lost or duplicated; no heartbeats, commands or crashes. About 1.6 million
    /// distinct states; with every server campaigning it is several times larger than CI
    /// can afford.
    pub fn erratum() -> Bounds {
        Bounds {
            cluster_size: 4,
            spare_servers: 1,
            start: Start::LearnerCaughtUp,
            changes: vec![
                MembershipChange::Promote(NodeId(4)),
                MembershipChange::Remove(NodeId(3)),
            ],
            max_term: 3,
            max_proposals: 0,
            max_reads: 0,
            max_compactions: 0,
            max_restarts: 0,
            max_in_flight: 4,
            max_log_len: 4,
            max_entries_per_append: 1,
            drops: false,
            duplicates: false,
            heartbeats: false,
            campaigners: Some(vec![NodeId(0), NodeId(1)]),
            newest_per_link: true,
            cuts: true,
            answers_at_once: true,
        }
    }

    /// The literal path, 3 → 4 → 3: voters A–C, D a caught-up learner of A's in
    /// term 1; a client may ask any leader to promote D and to remove A (a leader that
    /// removes itself steps down once the change commits); every server may campaign, and
    /// three messages may be in flight. Otherwise as [`Bounds::erratum`].
    pub fn three_four_three() -> Bounds {
        Bounds {
            cluster_size: 3,
            changes: vec![
                MembershipChange::Promote(NodeId(3)),
                MembershipChange::Remove(NodeId(0)),
            ],
            max_in_flight: 3,
            campaigners: None,
            ..Bounds::erratum()
        }
    }

    /// Reads (thesis §6.4): from [`Start::Elected`] (A leads term 1, its no-op committed
    /// everywhere), a client may ask any leader, or any follower that knows one, for two reads; any
    /// server may campaign up to term 2 and a client command may be proposed; the network loses,
    /// duplicates and reorders requests, and answers arrive at once (a late request is still
    /// answered with the old round it carries). No heartbeats (a read starts its own round) and no
    /// crashes. Every served read is checked against what was committed when it was asked
    /// ([`Invariant::FreshReads`](crate::history::Invariant::FreshReads)). The whole space is too
    /// large for CI (over 1.5 million states and still growing at depth 23), so CI explores it to a
    /// depth (`READS_DEPTH` in the tests).
    pub fn reads() -> Bounds {
        Bounds {
            start: Start::Elected,
            max_reads: 2,
            max_restarts: 0,
            heartbeats: false,
            answers_at_once: true,
            ..Bounds::small()
        }
    }

    /// Replication (paper §5.3): from [`Start::Elected`], a client may propose two commands and any
    /// server may campaign up to term 2; messages are lost a server at a time
    /// ([`Action::Cut`](super::Action::Cut)) or duplicated, answers arrive at once, and a leader's
    /// heartbeat resends. Where the follower's and the leader's halves of AppendEntries go wrong
    /// (`truncate-on-stale-append`, `commit-from-next-index`) without spending the search on the
    /// first election. About 11,000 distinct states; every path here is a path of
    /// [`Bounds::snapshots`] (this space and one compaction) that never compacts, and CI checks
    /// that whole space.
    pub fn replication() -> Bounds {
        Bounds {
            start: Start::Elected,
            max_proposals: 2,
            max_compactions: 0,
            max_restarts: 0,
            max_in_flight: 2,
            max_log_len: 3,
            drops: false,
            cuts: true,
            answers_at_once: true,
            ..Bounds::small()
        }
    }

    /// Snapshots (thesis ch. 5, paper §7): [`Bounds::replication`], and one server may
    /// compact what it applied. Log Matching is also checked across time
    /// ([`History::prefixes`](crate::history::History::prefixes)).
    pub fn snapshots() -> Bounds {
        Bounds {
            max_compactions: 1,
            ..Bounds::replication()
        }
    }

    /// Whether states that differ by a renaming of the servers may share a fingerprint: only
    /// when every server has the same part to play (a start with a leader is itself a
    /// state, and its renamings behave alike) and no change or campaign list names one.
    pub fn symmetric(&self) -> bool {
        self.spare_servers == 0
            && self.start != Start::LearnerCaughtUp
            && self.changes.is_empty()
            && self.campaigners.is_none()
    }

    /// Servers in the model, spares included.
    pub fn servers(&self) -> usize {
        self.cluster_size + self.spare_servers
    }

    /// The configuration the client's changes lead to, applied in the order given, from the
    /// one the run starts with.
    pub fn final_membership(&self) -> Option<Membership> {
        let voters: Vec<NodeId> = (0..self.cluster_size as u8).map(NodeId).collect();
        let learners: Vec<NodeId> = match self.start {
            Start::Fresh | Start::Elected => Vec::new(),
            Start::LearnerCaughtUp => vec![NodeId(self.cluster_size as u8)],
        };
        let mut membership = Membership::of(&voters, &learners);
        for change in &self.changes {
            membership = membership.apply(*change).ok()?;
        }
        Some(membership)
    }
}
