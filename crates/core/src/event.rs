//! Narration: what a node did and why, for traces, the event feed and the checker. Events
//! are plain values the caller drains with every [`crate::Ready`]; the core never formats text.

use crate::membership::Membership;
use crate::message::MessageKind;
use crate::read::ReadId;
use crate::types::{LogIndex, NodeId, Term};

/// Why a vote was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoteDenial {
    /// Already voted for another candidate in this term (§5.2).
    AlreadyVoted(NodeId),
    /// The candidate's log is behind ours (§5.4.1).
    LogBehind,
    /// We heard from a leader within the minimum election timeout (thesis §9.6 for PreVote).
    LeaderAlive,
    /// A PreVote for a term that is not above ours.
    TermNotNewer,
}

/// Why a leader or candidate became a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepDownReason {
    /// A message carried a newer term (§5.1).
    HigherTerm,
    /// A leader for our term exists (§5.2: candidate receives AppendEntries).
    LeaderExists,
    /// CheckQuorum: no contact with a majority within an election timeout (thesis §6.2).
    LostQuorum,
    /// The leader's own removal from the cluster committed (thesis §4.2.2).
    Removed,
}

/// What was wrong with a message a node refused. A refused message changes nothing: not the
/// term, not the log, not the timers. Correct servers never send one; only a corrupt,
/// misrouted or hostile message is refused (and the simulator's checker would have to be
/// wrong for one to appear in a run).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// The sender's id is past [`crate::MAX_CLUSTER_SIZE`], so no cluster has it. (A sender
    /// outside this node's configuration is heard: it may be a leader that added this node,
    /// or a removed server.)
    UnknownSender,
    /// A configuration entry with no voter, a server both voting and learning, or more
    /// members than a cluster can have.
    MalformedMembership {
        /// The entry's index as the message places it.
        index: LogIndex,
    },
    /// The message claims to come from the node receiving it.
    FromItself,
    /// The message is addressed to another server.
    AddressedElsewhere {
        /// The server it names as receiver.
        to: NodeId,
    },
    /// The message speaks for the largest term there is. Adopting it would leave the node
    /// no term to campaign in, ever (§5.1: terms only grow), so it is refused as corrupt.
    TermAtMaximum,
    /// An entry (or the entry a message describes: `prev_log_term`, `last_log_term`) carries
    /// a term above the message's own term, which no leader can have created (§5.3).
    EntryTermAboveMessage {
        /// The entry's index as the message places it.
        index: LogIndex,
        /// Its term.
        term: Term,
    },
    /// Entry terms go down along the message, so they cannot be anyone's log (Figure 2:
    /// terms never decrease along a log).
    EntryTermsDecrease {
        /// The first index whose term is below the one before it.
        index: LogIndex,
    },
    /// The entries would run past the last representable log index.
    IndexOverflow,
    /// An InstallSnapshot no server could send (index or term 0, an index past
    /// [`crate::MAX_SNAPSHOT_INDEX`], bytes past [`crate::MAX_SNAPSHOT_BYTES`]), or
    /// a reply claiming more bytes than the leader's snapshot has.
    MalformedSnapshot,
    /// A success reply claims the follower matches entries the leader does not have.
    MatchPastLog {
        /// The claimed match index.
        match_index: LogIndex,
        /// The leader's last index.
        last_index: LogIndex,
    },
}

/// Something a node did, in the order it did it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The election timer fired (or was forced) without word from a leader.
    ElectionTimeout {
        /// Term at the time.
        term: Term,
    },
    /// Started a PreVote round for `term` (the current term is unchanged).
    PreVoteStarted {
        /// The term it would campaign in.
        term: Term,
    },
    /// Became a candidate for `term`, voting for itself.
    ElectionStarted {
        /// The new term.
        term: Term,
    },
    /// Won the election for `term` with `votes` votes.
    BecameLeader {
        /// The term.
        term: Term,
        /// Votes held, its own included.
        votes: u8,
    },
    /// Became (or stayed) follower in `term`, possibly with a known leader.
    BecameFollower {
        /// The term.
        term: Term,
        /// The leader, if known.
        leader: Option<NodeId>,
    },
    /// A leader or candidate gave up its role.
    SteppedDown {
        /// Term in which it stepped down.
        term: Term,
        /// Why.
        reason: StepDownReason,
    },
    /// Granted a vote (or a PreVote).
    VoteGranted {
        /// Who asked.
        candidate: NodeId,
        /// For which term.
        term: Term,
        /// Whether it was a PreVote.
        pre_vote: bool,
    },
    /// Refused a vote (or a PreVote).
    VoteDenied {
        /// Who asked.
        candidate: NodeId,
        /// For which term.
        term: Term,
        /// Whether it was a PreVote.
        pre_vote: bool,
        /// Why.
        reason: VoteDenial,
    },
    /// Received a vote as a candidate.
    VoteReceived {
        /// Who voted.
        voter: NodeId,
        /// Votes held now, its own included.
        votes: u8,
    },
    /// A RequestVote with a newer term was dropped because a leader was heard from recently
    /// (CheckQuorum's lease, thesis §4.2.3).
    VoteIgnoredInLease {
        /// Who asked.
        candidate: NodeId,
        /// The term it asked for.
        term: Term,
    },
    /// The commit index advanced to `index`.
    Committed {
        /// New commit index.
        index: LogIndex,
        /// Term of the entry at that index.
        term: Term,
    },
    /// Conflicting entries from `from` on were removed (§5.3).
    Truncated {
        /// First removed index.
        from: LogIndex,
        /// How many entries were removed.
        removed: u64,
    },
    /// An AppendEntries failed the consistency check at `prev_log_index` (§5.3).
    AppendRejected {
        /// The leader that sent it.
        leader: NodeId,
        /// The index that did not match.
        prev_log_index: LogIndex,
    },
    /// A message from an older term was answered with our term or dropped (§5.1).
    StaleMessage {
        /// Sender.
        from: NodeId,
        /// Its kind.
        kind: MessageKind,
        /// Its term.
        term: Term,
    },
    /// A leader was told to overwrite a committed entry. Correct Raft never does this; only a
    /// deliberately broken variant can. The message is refused and the checker reports why.
    RefusedToOverwriteCommitted {
        /// The committed index in conflict.
        index: LogIndex,
    },
    /// The election timer fired, but no term after `term` may be campaigned in
    /// ([`Term::next_campaign`]): the node stays as it is and says so at every timeout.
    CannotCampaign {
        /// The current term.
        term: Term,
    },
    /// A malformed or misaddressed message was refused without any effect.
    MessageRefused {
        /// The sender the message names.
        from: NodeId,
        /// Its kind.
        kind: MessageKind,
        /// What was wrong with it.
        reason: RefusalReason,
    },
    /// This server compacted its log up to `index` into a snapshot its owner took (thesis
    /// §5.1).
    SnapshotTaken {
        /// The snapshot's last included index.
        index: LogIndex,
        /// Its term.
        term: Term,
    },
    /// This server installed a snapshot its leader sent (paper §7): its state machine starts
    /// over from it.
    SnapshotInstalled {
        /// The snapshot's last included index.
        index: LogIndex,
        /// Its term.
        term: Term,
        /// Whether log entries after it were kept (the log had the snapshot's last entry).
        kept_log: bool,
    },
    /// The configuration in effect changed: a configuration entry was appended (it takes
    /// effect before it commits, thesis §4.1), or one was truncated and the one before it
    /// is back.
    MembershipChanged {
        /// The entry it comes from; 0 for the initial configuration.
        index: LogIndex,
        /// The configuration now in effect.
        membership: Membership,
    },
    /// A leader began handing leadership to `target` (thesis §3.10): it refuses new
    /// proposals, brings the target's log up to date, then sends it TimeoutNow.
    TransferStarted {
        /// The server that is to lead next.
        target: NodeId,
    },
    /// The transfer's target holds the leader's whole log, so the leader told it to
    /// campaign now (sent again on each later acknowledgement until the transfer ends).
    TimeoutNowSent {
        /// The server that is to lead next.
        target: NodeId,
    },
    /// The transfer did not finish within an election timeout, so the leader gave it up
    /// and accepts proposals again (thesis §3.10).
    TransferAbandoned {
        /// The server that was to lead next.
        target: NodeId,
    },
    /// A follower was told by its leader to campaign now: it starts an election for `term`
    /// at once, without PreVote, and its vote requests pass CheckQuorum's lease.
    TimeoutNowReceived {
        /// The leader handing over.
        from: NodeId,
        /// The term it campaigns in.
        term: Term,
    },
    /// A leader recorded its commit index as a read's index and asks for heartbeat round
    /// `round` to confirm it still leads (thesis §6.4).
    ReadIndexRecorded {
        /// The read (a follower's keeps the id it was forwarded with).
        id: ReadId,
        /// The read index.
        index: LogIndex,
        /// The round a majority must acknowledge.
        round: u64,
    },
    /// A majority of the voters acknowledged heartbeat round `round`: the leader still led
    /// after the reads of that round arrived, so they may be served (thesis §6.4).
    LeadershipConfirmed {
        /// The round.
        round: u64,
    },
    /// A leader served a read at its commit index `index` within its lease, without a
    /// heartbeat round (thesis §6.4.1).
    LeaseRead {
        /// The read.
        id: ReadId,
        /// The read index.
        index: LogIndex,
    },
    /// A follower sent a client's read to its leader for a read index (thesis §6.4).
    ReadForwarded {
        /// The read.
        id: ReadId,
        /// The leader asked.
        leader: NodeId,
    },
    /// A read was given up: leadership was lost, the term moved on, the leader refused it,
    /// or it waited an election timeout. It had no effect.
    ReadFailed,
    /// A leader heard AppendEntries from another leader of its own term. Impossible in
    /// correct Raft (Election Safety); possible only with a broken variant.
    RivalLeader {
        /// The other leader.
        other: NodeId,
        /// The shared term.
        term: Term,
    },
}
