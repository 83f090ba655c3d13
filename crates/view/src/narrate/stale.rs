//! Stale messages told once per sender and term. After a partition heals, every server
//! rejects the old leader's heartbeats still on the wire, one after another; the feed says
//! it in one line ("B, C, D and E each rejected a stale heartbeat from A: …") rather than a
//! line per message.

use crate::feed::{Feed, FeedKind};
use crate::words::letters_and;
use alloc::format;
use alloc::vec::Vec;
use river_core::{MessageKind, NodeId, Term};

/// The least time the line waits for the other rejections of the same sender's stale
/// messages (simulated ms). It waits as long as one broadcast's copies can arrive apart:
/// the links' latency range.
pub const STALE_GATHER_MS: u64 = 5;

/// One sender's stale messages of one kind and term, and who rejected them.
#[derive(Clone, Debug)]
struct Stale {
    /// Its place in the feed, kept at the first rejection ([`Feed::reserve`]).
    slot: u64,
    from: NodeId,
    kind: MessageKind,
    term: Term,
    by: Vec<NodeId>,
    first_ms: u64,
}

/// Rejections of stale messages being gathered into one line.
#[derive(Clone, Debug, Default)]
pub struct StaleMessages {
    gathering: Vec<Stale>,
}

impl StaleMessages {
    /// Server `by` rejected a message of `kind` from `from` that speaks for the older `term`
    /// at time `t`; the line's place in `feed` is the first rejection's moment.
    pub fn rejected(
        &mut self,
        feed: &mut Feed,
        (t, by): (u64, NodeId),
        from: NodeId,
        kind: MessageKind,
        term: Term,
    ) {
        let same = |s: &&mut Stale| s.from == from && s.kind == kind && s.term == term;
        match self.gathering.iter_mut().find(same) {
            Some(s) => {
                // Kept in order by inserting in place: a sort would link the slice sort
                // (about 4 KB of wasm) for this one list.
                if let Err(at) = s.by.binary_search(&by) {
                    s.by.insert(at, by);
                }
            }
            None => self.gathering.push(Stale {
                slot: feed.reserve(),
                from,
                kind,
                term,
                by: alloc::vec![by],
                first_ms: t,
            }),
        }
    }

    /// Tells every gathering whose time is up at `now_ms`, when one broadcast's copies
    /// arrive up to `spread_ms` apart.
    pub fn tell(&mut self, now_ms: u64, spread_ms: u64, feed: &mut Feed) {
        let wait = spread_ms.max(STALE_GATHER_MS);
        let mut k = 0;
        while k < self.gathering.len() {
            if now_ms < self.gathering[k].first_ms + wait {
                k += 1;
                continue;
            }
            let s = self.gathering.remove(k);
            let (from, kind, term) = (s.from, s.kind.name(), s.term);
            let text = match s.by.as_slice() {
                [n] => format!(
                    "{n} rejected a stale {kind} from {from}: it speaks for term {term}, older than {n}'s"
                ),
                by => format!(
                    "{} each rejected a stale {kind} from {from}: it speaks for term {term}, older than theirs",
                    letters_and(by)
                ),
            };
            feed.fill(s.slot, s.first_ms, FeedKind::Warn, text);
        }
    }
}
