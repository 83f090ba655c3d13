//! The client history, in the shape Jepsen's checkers read: every operation's invocation and
//! completion, in real-time order, with unknown outcomes recorded as unknown.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};

/// How an operation ended, or that it began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpType {
    /// The client sent it.
    Invoke,
    /// It took effect (and, for a read, saw `value`).
    Ok,
    /// It certainly did not take effect.
    Fail,
    /// The client cannot know whether it took effect (a timeout).
    Info,
}

/// Which function an operation calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpFn {
    /// Write a value.
    Put,
    /// Read a value.
    Get,
}

/// One line of the history.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistoryOp {
    /// Jepsen process: one client's sequential identity; a client whose op ended in `Info`
    /// continues as a new process.
    pub process: u32,
    /// Invocation or completion.
    pub kind: OpType,
    /// Put or get.
    pub f: OpFn,
    /// The key.
    pub key: String,
    /// Written value; for a get's `Ok`, the value read (`None`: absent).
    pub value: Option<String>,
    /// Simulated time, milliseconds.
    pub time_ms: u64,
}

/// Every operation of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Lines in real-time order.
    pub ops: Vec<HistoryOp>,
}

impl History {
    /// Writes one op per line as EDN, e.g.
    /// `{:process 3, :type :invoke, :f :put, :key "x", :value "7"}`.
    pub fn write_edn(&self, out: &mut impl Write) -> fmt::Result {
        for op in &self.ops {
            writeln!(out, "{op}")?;
        }
        Ok(())
    }

    /// Number of completed operations (ok, fail or info).
    pub fn completed(&self) -> usize {
        self.ops.iter().filter(|o| o.kind != OpType::Invoke).count()
    }

    /// Where the operation invoked at line `invoke` ended: the next line of its process
    /// (a process runs one operation at a time), if it has ended.
    fn completion(&self, invoke: usize) -> Option<usize> {
        let process = self.ops[invoke].process;
        (invoke + 1..self.ops.len()).find(|&k| self.ops[k].process == process)
    }

    /// If the last answered read of `key` saw a value that was already overwritten when the
    /// read began, the completion of the write that overwrote it: that write finished
    /// before the read was invoked, and every write of the value read had finished before
    /// that write began, so in any order that respects real time the read comes after it
    /// and cannot see the old value. A stale read, and proof without a search that the
    /// history is not linearizable. `None` when no read of `key` was answered or this
    /// one cannot be shown stale this way (river-lincheck decides the rest).
    pub fn last_read_overwritten(&self, key: &str) -> Option<&HistoryOp> {
        let answer = self
            .ops
            .iter()
            .rposition(|o| o.kind == OpType::Ok && o.f == OpFn::Get && o.key == key)?;
        let process = self.ops[answer].process;
        let read = self.ops[..answer]
            .iter()
            .rposition(|o| o.kind == OpType::Invoke && o.process == process)?;
        let seen = &self.ops[answer].value;
        // Every write of `key` that may have taken effect: (invoked, its Ok line if any).
        let writes: Vec<(usize, Option<usize>)> = (0..self.ops.len())
            .filter(|&k| {
                let o = &self.ops[k];
                o.kind == OpType::Invoke && o.f == OpFn::Put && o.key == key
            })
            .map(|k| (k, self.completion(k)))
            .filter(|&(_, end)| end.is_none_or(|e| self.ops[e].kind != OpType::Fail))
            .map(|(k, end)| (k, end.filter(|&e| self.ops[e].kind == OpType::Ok)))
            .collect();
        writes
            .iter()
            .filter(|&&(k, end)| self.ops[k].value != *seen && end.is_some_and(|e| e < read))
            .find(|&&(newer, _)| {
                writes
                    .iter()
                    .filter(|&&(k, _)| self.ops[k].value == *seen)
                    .all(|&(_, end)| end.is_some_and(|e| e < newer))
            })
            .and_then(|&(_, end)| end.map(|e| &self.ops[e]))
    }
}

fn edn_string(out: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

impl fmt::Display for HistoryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            OpType::Invoke => "invoke",
            OpType::Ok => "ok",
            OpType::Fail => "fail",
            OpType::Info => "info",
        };
        let fname = match self.f {
            OpFn::Put => "put",
            OpFn::Get => "get",
        };
        write!(
            f,
            "{{:process {}, :type :{kind}, :f :{fname}, :key ",
            self.process
        )?;
        edn_string(f, &self.key)?;
        f.write_str(", :value ")?;
        match &self.value {
            Some(v) => edn_string(f, v)?,
            None => f.write_str("nil")?,
        }
        f.write_char('}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// A history from (process, kind, f, value, time) rows, all of key x.
    fn history(rows: &[(u32, OpType, OpFn, Option<&str>, u64)]) -> History {
        History {
            ops: rows
                .iter()
                .map(|&(process, kind, f, value, time_ms)| HistoryOp {
                    process,
                    kind,
                    f,
                    key: "x".into(),
                    value: value.map(String::from),
                    time_ms,
                })
                .collect(),
        }
    }

    use OpFn::{Get, Put};
    use OpType::{Fail, Info, Invoke, Ok};

    #[test]
    fn a_read_of_a_value_overwritten_before_it_began_is_stale() {
        let mut h = history(&[
            (0, Invoke, Put, Some("1"), 0),
            (0, Ok, Put, Some("1"), 10),
            (0, Invoke, Put, Some("2"), 20),
            (0, Ok, Put, Some("2"), 30),
            (1, Invoke, Get, None, 40),
            (1, Ok, Get, Some("1"), 50),
        ]);
        let by = h.last_read_overwritten("x").expect("stale");
        assert_eq!((by.value.as_deref(), by.time_ms), (Some("2"), 30));
        assert!(h.last_read_overwritten("y").is_none(), "no read of y");
        // The newer value is not stale; nor is the old one while x=2 is still running.
        h.ops[5].value = Some("2".into());
        assert!(h.last_read_overwritten("x").is_none());
        h.ops[5].value = Some("1".into());
        h.ops.swap(3, 4);
        assert!(
            h.last_read_overwritten("x").is_none(),
            "x=2 completes after the read began"
        );
    }

    #[test]
    fn a_read_is_not_shown_stale_when_the_old_value_may_still_be_written() {
        // x=1's outcome is unknown: it may take effect after x=2, so reading 1 may be fine.
        let h = history(&[
            (0, Invoke, Put, Some("1"), 0),
            (0, Info, Put, Some("1"), 10),
            (2, Invoke, Put, Some("2"), 20),
            (2, Ok, Put, Some("2"), 30),
            (1, Invoke, Get, None, 40),
            (1, Ok, Get, Some("1"), 50),
        ]);
        assert!(h.last_read_overwritten("x").is_none());
        // A write that certainly failed overwrote nothing; a read of nothing after a
        // completed write is stale.
        let h = history(&[
            (0, Invoke, Put, Some("2"), 0),
            (0, Fail, Put, Some("2"), 10),
            (1, Invoke, Get, None, 40),
            (1, Ok, Get, None, 50),
        ]);
        assert!(h.last_read_overwritten("x").is_none());
        let h = history(&[
            (0, Invoke, Put, Some("2"), 0),
            (0, Ok, Put, Some("2"), 10),
            (1, Invoke, Get, None, 40),
            (1, Ok, Get, None, 50),
        ]);
        assert!(h.last_read_overwritten("x").is_some());
    }

    #[test]
    fn edn_lines_match_jepsen_shape() {
        let op = HistoryOp {
            process: 3,
            kind: OpType::Invoke,
            f: OpFn::Put,
            key: "x".into(),
            value: Some("7".into()),
            time_ms: 0,
        };
        assert_eq!(
            op.to_string(),
            r#"{:process 3, :type :invoke, :f :put, :key "x", :value "7"}"#
        );
        let read = HistoryOp {
            kind: OpType::Ok,
            f: OpFn::Get,
            value: None,
            key: "a\"b".into(),
            ..op
        };
        assert_eq!(
            read.to_string(),
            r#"{:process 3, :type :ok, :f :get, :key "a\"b", :value nil}"#
        );
    }
}
