//! The journal: how the present run began and what people did to it, each action with the
//! moment it was taken: the record a share link carries. The simulation is deterministic, so
//! the same start and the same actions at the same moments give the same run, and replaying
//! a journal ([`crate::app::App::replay`]) stands exactly where its page stood — or is
//! refused.
//!
//! As text, the journal is a list of fields, each written as its length in bytes, a colon
//! and the field itself (`5:fresh`), so no field needs escaping: the format name, the
//! display clock (the bits of its `f64`), the count of changes sent, then `fresh` and the
//! settings' values in [`NAMES`] order, or `scenario`, its name and its text; then five
//! fields per action: time in ms, events processed before it, and the action as the
//! page's verb and two arguments (see [`crate::app::App::command`]).
//!
//! The first field names the format and its version ([`FORMAT`]): a reader refuses any
//! other.

use crate::settings::{Settings, NAMES};
use alloc::string::{String, ToString};

pub use read::{read, Carried, Entry, VERBS};

/// The first field of a journal's text.
pub const FORMAT: &str = "river-journal-1";

/// How a run began.
#[derive(Clone, Debug, PartialEq)]
pub enum Head {
    /// A fresh cluster with these settings.
    Fresh(Settings),
    /// A scenario, loaded under this name.
    Scenario {
        /// The name it was loaded under.
        name: String,
        /// Its text.
        text: String,
    },
}

/// A run's beginning and its actions, as the page writes them down.
#[derive(Clone, Debug, PartialEq)]
pub struct Journal {
    /// How the run began.
    pub head: Head,
    /// What people did since, oldest first, already as text: the page only ever writes
    /// its journal out, so it keeps no structure it would not read.
    actions: String,
}

impl Journal {
    /// A journal for a run that began with `head`, nothing done yet.
    pub fn new(head: Head) -> Journal {
        let actions = String::new();
        Journal { head, actions }
    }

    /// Writes down an action taken at `time_ms` after `events` events.
    pub fn push(&mut self, time_ms: u64, events: u64, verb: &str, a: &str, b: &str) {
        let out = &mut self.actions;
        field(out, &time_ms.to_string());
        field(out, &events.to_string());
        for s in [verb, a, b] {
            field(out, s);
        }
    }

    /// The journal as text, with where the page stands now: its display clock (which runs
    /// ahead of the last event) and how many changes people have sent (the next suggestion
    /// follows from it).
    pub fn encode(&self, clock_ms: f64, proposals: u64) -> String {
        let mut out = String::new();
        let mut field = |s: &str| field(&mut out, s);
        field(FORMAT);
        field(&clock_ms.to_bits().to_string());
        field(&proposals.to_string());
        match &self.head {
            Head::Fresh(settings) => {
                field("fresh");
                for name in NAMES {
                    field(&settings.get(name).unwrap_or_default());
                }
            }
            Head::Scenario { name, text } => {
                field("scenario");
                field(name);
                field(text);
            }
        }
        out.push_str(&self.actions);
        out
    }
}

/// Writes one field: its length in bytes, a colon, the field.
fn field(out: &mut String, s: &str) {
    out.push_str(&s.len().to_string());
    out.push(':');
    out.push_str(s);
}

/// Reading journals.
mod read {
    use super::{Head, FORMAT};
    use crate::settings::{Settings, NAMES};
    use crate::words::echo;
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    /// The verbs a journal may hold: the actions that change a run while it plays (those
    /// that start a new run begin a new journal instead).
    pub const VERBS: [&str; 11] = [
        "propose",
        "cut",
        "cut-one-way",
        "heal",
        "partition",
        "heal-all",
        "crash",
        "restart",
        "timeout",
        "set",
        "stop-story",
    ];

    /// One action, at its moment.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Entry {
        /// The simulated time it was taken.
        pub time_ms: u64,
        /// How many events the simulation had processed then.
        pub events: u64,
        /// The action: a verb of [`VERBS`] and its arguments.
        pub verb: String,
        /// The first argument ("" when none).
        pub a: String,
        /// The second argument ("" when none).
        pub b: String,
    }

    /// A journal as read: everything needed to take the run over.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Carried {
        /// How the run began.
        pub head: Head,
        /// What people did since, oldest first.
        pub entries: Vec<Entry>,
        /// The page's display clock, in simulated ms.
        pub clock_ms: f64,
        /// How many changes people had sent.
        pub proposals: u64,
    }

    /// Reads a journal's text; a damaged one is refused, saying where.
    pub fn read(text: &str) -> Result<Carried, String> {
        let mut fields = Fields { rest: text, at: 0 };
        if fields.next().ok().flatten() != Some(FORMAT) {
            return Err(String::from("this is not a River Raft journal"));
        }
        let clock_ms = f64::from_bits(fields.number()?);
        if !clock_ms.is_finite() || clock_ms < 0.0 {
            return Err(String::from("the journal's clock is not a time"));
        }
        let proposals = fields.number()?;
        let head = match fields.need()? {
            "fresh" => {
                let mut settings = Settings::new(0);
                let mut values = Vec::new();
                for name in NAMES {
                    values.push((name, fields.need()?));
                }
                settings.set_all(&values)?;
                Head::Fresh(settings)
            }
            "scenario" => Head::Scenario {
                name: fields.need()?.to_string(),
                text: fields.need()?.to_string(),
            },
            other => {
                return Err(format!(
                    "a journal begins 'fresh' or 'scenario', not '{}'",
                    echo(other)
                ))
            }
        };
        let mut entries = Vec::new();
        while !fields.rest.is_empty() {
            let time_ms = fields.number()?;
            let events = fields.number()?;
            let verb = fields.need()?;
            if !VERBS.contains(&verb) {
                return Err(format!(
                    "a journal's actions do not include '{}'",
                    echo(verb)
                ));
            }
            entries.push(Entry {
                time_ms,
                events,
                verb: verb.to_string(),
                a: fields.need()?.to_string(),
                b: fields.need()?.to_string(),
            });
        }
        Ok(Carried {
            head,
            entries,
            clock_ms,
            proposals,
        })
    }

    /// Reads length-prefixed fields.
    struct Fields<'a> {
        rest: &'a str,
        /// Bytes read so far, for messages.
        at: usize,
    }

    impl<'a> Fields<'a> {
        fn next(&mut self) -> Result<Option<&'a str>, String> {
            if self.rest.is_empty() {
                return Ok(None);
            }
            let damaged = || format!("the journal is damaged at byte {}", self.at);
            let (len, tail) = self.rest.split_once(':').ok_or_else(damaged)?;
            let len: usize = len.parse().map_err(|_| damaged())?;
            // Checked slicing: a panicking one would bring the panic's formatting (and
            // Unicode tables) into the wasm.
            let (field, rest) = tail.split_at_checked(len).ok_or_else(damaged)?;
            self.at += self.rest.len() - rest.len();
            self.rest = rest;
            Ok(Some(field))
        }

        fn need(&mut self) -> Result<&'a str, String> {
            self.next()?
                .ok_or_else(|| format!("the journal ends early, at byte {}", self.at))
        }

        fn number(&mut self) -> Result<u64, String> {
            let at = self.at;
            let field = self.need()?;
            field.parse().map_err(|_| {
                format!(
                    "the journal has '{}' for a number at byte {at}",
                    echo(field)
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn entry(time_ms: u64, events: u64, verb: &str, a: &str, b: &str) -> Entry {
        let (verb, a, b) = (verb.into(), a.into(), b.into());
        Entry {
            time_ms,
            events,
            verb,
            a,
            b,
        }
    }

    const CLOCK_MS: f64 = 1_234.567_891;

    fn sample() -> (Journal, Vec<Entry>) {
        let mut settings = Settings::new(42);
        settings.set("latency-max", "40").unwrap();
        settings.set("loss-percent", "12.5").unwrap();
        settings.set("election-timeout-max", "700").unwrap();
        settings.set("election-timeout-min", "400").unwrap();
        let mut j = Journal::new(Head::Fresh(settings));
        let entries = alloc::vec![
            entry(900, 41, "propose", "A", "x=1:2:weird 5:text"),
            entry(1200, 77, "heal-all", "", ""),
        ];
        for e in &entries {
            j.push(e.time_ms, e.events, &e.verb, &e.a, &e.b);
        }
        (j, entries)
    }

    #[test]
    fn a_journal_reads_back_as_it_was_written() {
        let (mut j, entries) = sample();
        for head in [
            j.head.clone(),
            Head::Scenario {
                name: "partition".into(),
                text: "nodes 5\n# é ünïcode\ntimeout A\n".into(),
            },
        ] {
            j.head = head.clone();
            let carried = read(&j.encode(CLOCK_MS, 3)).unwrap();
            let entries = entries.clone();
            let expected = Carried {
                head,
                entries,
                clock_ms: CLOCK_MS,
                proposals: 3,
            };
            assert_eq!(carried, expected);
        }
    }

    #[test]
    fn a_damaged_journal_is_refused_with_where() {
        let text = sample().0.encode(CLOCK_MS, 3);
        assert!(read("").unwrap_err().contains("not a River Raft journal"));
        assert!(read(&text[..text.len() - 3])
            .unwrap_err()
            .contains("damaged"));
        let cut = &text[..text.rfind("8:heal-all").unwrap()];
        assert!(read(cut).unwrap_err().contains("ends early"));
        let bad_verb = text.replace("8:heal-all", "8:free-all");
        assert!(read(&bad_verb).unwrap_err().contains("free-all"));
        let bad_number = text.replace("3:900", "3:9x0");
        let e = read(&bad_number).unwrap_err();
        assert!(e.contains("'9x0'") && e.contains("byte"), "{e}");
        let bad_setting = text.replace("3:400", "3:0.5");
        assert!(read(&bad_setting).is_err());
    }
}
