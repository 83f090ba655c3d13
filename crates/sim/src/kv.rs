//! The replicated state machine: a key-value store whose commands travel through the log.

use crate::vecmap::VecMap;
use alloc::string::String;
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

/// Who issued a command: a client process and its request number, unique per run.
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

/// One server's copy of the store: the result of applying its committed entries in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KvStore {
    map: VecMap<String, String>,
    /// Per client, the last request number applied and its result, so a command that
    /// reaches the log twice takes effect once (§8).
    sessions: VecMap<u32, (u64, OpResult)>,
}

impl KvStore {
    /// Applies a client's command once: a repeat of an already applied request returns the
    /// first result without applying again.
    pub fn apply_command(&mut self, command: &Command) -> OpResult {
        if let Some((seq, result)) = self.sessions.get(&command.client) {
            if command.seq <= *seq {
                return result.clone();
            }
        }
        let result = self.apply(&command.op);
        self.sessions
            .insert(command.client, (command.seq, result.clone()));
        result
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
