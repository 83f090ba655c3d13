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
