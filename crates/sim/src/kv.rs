//! The replicated state machine: a key-value store whose commands travel through the log,
//! with a session per client so each request takes effect exactly once (Ongaro's thesis
//! §6.3): a client numbers its requests and retries one with the same number until it is
//! answered, so one request may reach the log several times (a retry to a new leader, a
//! duplicated message); the store applies the first copy and answers every later copy with
//! the first copy's result.

use crate::vecmap::VecMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The longest command text accepted, in bytes; longer input is refused before it reaches
/// the log, so one entry stays small enough to draw and to send.
pub const MAX_COMMAND_BYTES: usize = 64;

/// A client operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Set `key` to `value`.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Read `key`, through the log so the read is linearizable (§8).
    Get {
        /// The key.
        key: String,
    },
    /// Free text with no effect on the store: still replicated and shown in every log.
    Text(String),
}

/// Why command text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpError {
    /// Nothing but white space.
    Empty,
    /// Longer than [`MAX_COMMAND_BYTES`].
    TooLong(usize),
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpError::Empty => write!(f, "the command is empty"),
            OpError::TooLong(n) => write!(
                f,
                "the command is {n} bytes long; at most {MAX_COMMAND_BYTES} are allowed"
            ),
        }
    }
}

impl Op {
    /// Reads command text: `key=value` or `put key value` sets, `get key` reads, and
    /// anything else is kept as text.
    pub fn parse(text: &str) -> Result<Op, OpError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(OpError::Empty);
        }
        if text.len() > MAX_COMMAND_BYTES {
            return Err(OpError::TooLong(text.len()));
        }
        let words: alloc::vec::Vec<&str> = text.split_whitespace().collect();
        let op = match words.as_slice() {
            ["put", key, value] => Op::Put {
                key: (*key).into(),
                value: (*value).into(),
            },
            ["get", key] => Op::Get { key: (*key).into() },
            [single] => match single.split_once('=') {
                Some((key, value))
                    if !key.is_empty() && !value.is_empty() && !value.contains('=') =>
                {
                    Op::Put {
                        key: key.into(),
                        value: value.into(),
                    }
                }
                _ => Op::Text(text.into()),
            },
            _ => Op::Text(text.into()),
        };
        Ok(op)
    }

    /// Whether the op changes nothing (reads and text).
    pub fn is_read(&self) -> bool {
        matches!(self, Op::Get { .. })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put { key, value } => write!(f, "{key}={value}"),
            Op::Get { key } => write!(f, "get {key}"),
            Op::Text(text) => write!(f, "{text}"),
        }
    }
}

/// Who issued a command: a client and its request number. A client numbers its requests
/// 1, 2, 3, … and has at most one outstanding, so `(client, seq)` names one request, and a
/// retry of it carries the same pair.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Command {
    /// The client.
    pub client: u32,
    /// The client's request number.
    pub seq: u64,
    /// What to do (shared: entries are copied into every AppendEntries).
    pub op: alloc::rc::Rc<Op>,
}

/// The result of applying an op.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OpResult {
    /// A put or text was applied.
    Done,
    /// A read saw this value (`None` when absent).
    Value(Option<String>),
}

/// What a client's session knows about one of its requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState<'a> {
    /// Not applied yet.
    New,
    /// Applied, with this result: a repeat gets the same answer.
    Answered(&'a OpResult),
    /// Older than the client's latest applied request: the client has moved on, so it no
    /// longer waits for an answer, and the request must never take effect now.
    Superseded,
}

/// One server's copy of the store: the result of applying its committed entries in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KvStore {
    map: VecMap<String, String>,
    /// Per client, the last request number applied and its result. A client has at most
    /// one request outstanding, so the last one is all a session must remember (the
    /// thesis's sessions keep more because its clients pipeline). At most one entry per
    /// client of the run.
    sessions: VecMap<u32, (u64, OpResult)>,
    /// Whether sessions are kept at all. Off is a deliberately broken store (tests only):
    /// every copy of a request that reaches the log takes effect again.
    sessions_on: bool,
}

impl Default for KvStore {
    fn default() -> Self {
        KvStore::new(true)
    }
}

impl KvStore {
    /// An empty store; `sessions: false` is the broken variant that applies duplicates.
    pub fn new(sessions: bool) -> KvStore {
        KvStore {
            map: VecMap::new(),
            sessions: VecMap::new(),
            sessions_on: sessions,
        }
    }

    /// What the session of `client` knows about its request `seq`.
    pub fn session(&self, client: u32, seq: u64) -> SessionState<'_> {
        match self.sessions.get(&client) {
            Some((last, result)) if *last == seq => SessionState::Answered(result),
            Some((last, _)) if *last > seq => SessionState::Superseded,
            _ => SessionState::New,
        }
    }

    /// Applies a client's command once (thesis §6.3). Returns its result: the fresh one,
    /// or for a repeat of an applied request the first one, without applying again; `None`
    /// for a request the client has moved past, which is not applied at all.
    pub fn apply_command(&mut self, command: &Command) -> Option<OpResult> {
        if !self.sessions_on {
            return Some(self.apply(&command.op));
        }
        match self.session(command.client, command.seq) {
            SessionState::Answered(result) => return Some(result.clone()),
            SessionState::Superseded => return None,
            SessionState::New => {}
        }
        let result = self.apply(&command.op);
        self.sessions
            .insert(command.client, (command.seq, result.clone()));
        Some(result)
    }

    /// Applies one op.
    pub fn apply(&mut self, op: &Op) -> OpResult {
        match op {
            Op::Put { key, value } => {
                self.map.insert(key.clone(), value.clone());
                OpResult::Done
            }
            Op::Get { key } => OpResult::Value(self.map.get(key).cloned()),
            Op::Text(_) => OpResult::Done,
        }
    }

    /// Reads without the log (only the `stale-read` bug does this for clients).
    pub fn read(&self, key: &str) -> Option<&String> {
        self.map.get(key)
    }

    /// Every key and value, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &String)> {
        self.map.iter()
    }

    /// The store as bytes, for a snapshot (thesis §5.1): whether it keeps sessions, every key
    /// and value and every client session, each string as a 4-byte length and its UTF-8
    /// bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.push(u8::from(self.sessions_on));
        put_u64(&mut out, self.map.len() as u64);
        for (key, value) in self.map.iter() {
            put_str(&mut out, key);
            put_str(&mut out, value);
        }
        put_u64(&mut out, self.sessions.len() as u64);
        for (client, (seq, result)) in self.sessions.iter() {
            put_u64(&mut out, u64::from(*client));
            put_u64(&mut out, *seq);
            match result {
                OpResult::Done => out.push(0),
                OpResult::Value(None) => out.push(1),
                OpResult::Value(Some(v)) => {
                    out.push(2);
                    put_str(&mut out, v);
                }
            }
        }
        out
    }

    /// A store from [`KvStore::encode`]'s bytes; `None` if they are not such bytes.
    pub fn decode(bytes: &[u8]) -> Option<KvStore> {
        let mut r = Reader { bytes, at: 0 };
        let sessions_on = match r.byte()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let mut store = KvStore::new(sessions_on);
        for _ in 0..r.u64()? {
            let key = r.string()?;
            let value = r.string()?;
            store.map.insert(key, value);
        }
        for _ in 0..r.u64()? {
            let client = u32::try_from(r.u64()?).ok()?;
            let seq = r.u64()?;
            let result = match r.byte()? {
                0 => OpResult::Done,
                1 => OpResult::Value(None),
                2 => OpResult::Value(Some(r.string()?)),
                _ => return None,
            };
            store.sessions.insert(client, (seq, result));
        }
        (r.at == bytes.len()).then_some(store)
    }
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    fn string(&mut self) -> Option<String> {
        let len: [u8; 4] = self.take(4)?.try_into().ok()?;
        let len = usize::try_from(u32::from_le_bytes(len)).ok()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_puts_gets_and_text() {
        assert_eq!(
            Op::parse(" x=1 "),
            Ok(Op::Put {
                key: "x".into(),
                value: "1".into()
            })
        );
        assert_eq!(Op::parse("get x"), Ok(Op::Get { key: "x".into() }));
        assert_eq!(
            Op::parse("put y 2"),
            Ok(Op::Put {
                key: "y".into(),
                value: "2".into()
            })
        );
        assert_eq!(
            Op::parse("<img src=x onerror=alert(1)>"),
            Ok(Op::Text("<img src=x onerror=alert(1)>".into()))
        );
        assert_eq!(Op::parse("   "), Err(OpError::Empty));
        assert!(matches!(
            Op::parse(&"a".repeat(MAX_COMMAND_BYTES + 1)),
            Err(OpError::TooLong(_))
        ));
    }

    fn command(client: u32, seq: u64, text: &str) -> Command {
        Command {
            client,
            seq,
            op: alloc::rc::Rc::new(Op::parse(text).unwrap()),
        }
    }

    /// Thesis §6.3: a request that reaches the log twice takes effect once, and the second
    /// copy is answered with the first copy's result, even after other clients' writes.
    #[test]
    fn a_repeated_request_takes_effect_once_and_gets_the_first_answer() {
        let mut kv = KvStore::default();
        let done = Some(OpResult::Done);
        assert_eq!(kv.apply_command(&command(1, 1, "x=1")), done);
        assert_eq!(
            kv.apply_command(&command(2, 1, "get x")),
            Some(OpResult::Value(Some("1".into())))
        );
        assert_eq!(kv.apply_command(&command(2, 2, "x=2")), done);
        // Client 1's request 1 again: not applied, so x stays 2.
        assert_eq!(kv.apply_command(&command(1, 1, "x=1")), done);
        assert_eq!(kv.read("x").map(String::as_str), Some("2"));
        // Client 3 reads; its read repeated after another write gets the first answer.
        let one = Some(OpResult::Value(Some("2".into())));
        assert_eq!(kv.apply_command(&command(3, 1, "get x")), one);
        assert_eq!(kv.apply_command(&command(1, 2, "x=3")), done);
        assert_eq!(kv.apply_command(&command(3, 1, "get x")), one);
        assert_eq!(kv.read("x").map(String::as_str), Some("3"));
        // Client 2's read, repeated after it moved on: no answer, no effect.
        assert_eq!(kv.apply_command(&command(2, 1, "get x")), None);
        assert_eq!(kv.apply_command(&command(2, 2, "x=2")), done);
        assert_eq!(kv.session(2, 2), SessionState::Answered(&OpResult::Done));
        assert_eq!(kv.session(2, 3), SessionState::New);
        assert_eq!(kv.session(2, 1), SessionState::Superseded);
        // A request the client has moved past never takes effect.
        assert_eq!(kv.apply_command(&command(2, 1, "x=9")), None);
        assert_eq!(kv.read("x").map(String::as_str), Some("3"));
    }

    /// The broken store without sessions applies every copy: a late duplicate of client 1's
    /// write undoes client 2's.
    #[test]
    fn without_sessions_a_duplicate_takes_effect_again() {
        let mut kv = KvStore::new(false);
        kv.apply_command(&command(1, 1, "x=1"));
        kv.apply_command(&command(2, 1, "x=2"));
        kv.apply_command(&command(1, 1, "x=1"));
        assert_eq!(kv.read("x").map(String::as_str), Some("1"));
    }

    /// A snapshot's bytes bring back the same store, sessions included; other bytes do not.
    #[test]
    fn store_round_trips_through_its_snapshot_bytes() {
        let mut kv = KvStore::default();
        kv.apply(&Op::parse("x=1").unwrap());
        kv.apply(&Op::parse("y=ü").unwrap());
        let command = Command {
            client: 3,
            seq: 9,
            op: alloc::rc::Rc::new(Op::parse("get x").unwrap()),
        };
        kv.apply_command(&command);
        let bytes = kv.encode();
        assert_eq!(KvStore::decode(&bytes), Some(kv.clone()));
        assert_eq!(KvStore::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(KvStore::decode(&[0xff; 12]), None);
        assert_eq!(
            KvStore::decode(&KvStore::default().encode()),
            Some(KvStore::default())
        );
    }

    #[test]
    fn store_applies_in_order() {
        let mut kv = KvStore::default();
        kv.apply(&Op::parse("x=1").unwrap());
        kv.apply(&Op::parse("x=2").unwrap());
        assert_eq!(
            kv.apply(&Op::parse("get x").unwrap()),
            OpResult::Value(Some("2".into()))
        );
        assert_eq!(
            kv.apply(&Op::parse("get y").unwrap()),
            OpResult::Value(None)
        );
    }
}
