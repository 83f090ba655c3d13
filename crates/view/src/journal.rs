//! The journal: how the present run began and what people did to it, each [`Action`] with
//! the moment it was taken — the record a share link carries. The simulation is
//! deterministic, so the same start and the same actions at the same moments give the same
//! run, and replaying a journal ([`crate::app::App::replay`]) stands exactly where its page
//! stood, or is refused.
//!
//! As text, the journal is a list of fields, each written as its length in bytes, a colon
//! and the field itself (`5:fresh`), so no field needs escaping: the format and its version
//! ([`FORMAT`]; a reader refuses any other), the display clock (the bits of its `f64`), the
//! count of changes sent, then `fresh`, the settings' values in [`Setting::ALL`] order and
//! the bugs switched on (names joined by commas), or `scenario`, its name and its text, or
//! `tour`, its name and the step it was opened at;
//! then per action its time in ms, the events processed before it, and the action itself:
//! its name and its arguments ([`Action::name`]).

use crate::action::{Action, Source, Value};
use crate::settings::{Setting, Settings};
use crate::words::echo;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_core::Bug;

/// The first field of a journal's text: the format and its version.
pub const FORMAT: &str = "river-journal-3";
/// The version before: the same fields, with only the first [`SETTINGS_IN_2`] settings
/// (the snapshot threshold and the read mode came in version 3), so its links still open.
const FORMAT_2: &str = "river-journal-2";
/// How many settings a version-2 journal holds.
const SETTINGS_IN_2: usize = 10;

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
    /// A guided tour opened at a step (1 is the first): opening that step again is the
    /// same run, to the event. The tour's Continues and Backs, and whatever the reader
    /// did, follow as entries.
    Tour {
        /// The tour's name.
        name: String,
        /// The step.
        step: u64,
    },
}

/// One action, at its moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The simulated time it was taken.
    pub time_ms: u64,
    /// How many events the simulation had processed then.
    pub events: u64,
    /// What was done.
    pub action: Action,
}

/// A run's beginning and its actions.
#[derive(Clone, Debug, PartialEq)]
pub struct Journal {
    /// How the run began.
    pub head: Head,
    /// What people did since, oldest first.
    pub entries: Vec<Entry>,
}

/// A journal as read, with where its page stood.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    /// The run.
    pub journal: Journal,
    /// The page's display clock, in simulated ms.
    pub clock_ms: f64,
    /// How many changes people had sent.
    pub proposals: u64,
}

impl Journal {
    /// A journal for a run that began with `head`, nothing done yet.
    pub fn new(head: Head) -> Journal {
        Journal {
            head,
            entries: Vec::new(),
        }
    }

    /// Writes down `action`, taken at `time_ms` after `events` events.
    pub fn push(&mut self, time_ms: u64, events: u64, action: Action) {
        self.entries.push(Entry {
            time_ms,
            events,
            action,
        });
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
                for setting in Setting::ALL {
                    field(&settings.get(setting));
                }
                let mut bugs = String::new();
                for bug in settings.raft.bugs.iter() {
                    if !bugs.is_empty() {
                        bugs.push(',');
                    }
                    bugs.push_str(bug.name());
                }
                field(&bugs);
            }
            Head::Scenario { name, text } => {
                field("scenario");
                field(name);
                field(text);
            }
            Head::Tour { name, step } => {
                field("tour");
                field(name);
                field(&step.to_string());
            }
        }
        for e in &self.entries {
            field(&e.time_ms.to_string());
            field(&e.events.to_string());
            write_action(&e.action, &mut field);
        }
        out
    }
}

/// Writes one field: its length in bytes, a colon, the field.
fn field(out: &mut String, s: &str) {
    out.push_str(&s.len().to_string());
    out.push(':');
    out.push_str(s);
}

/// An action's fields: its name, then its arguments in order (numbers as the bits of
/// their `f64`, exact; yes-or-no as 1 or 0).
fn write_action(action: &Action, field: &mut impl FnMut(&str)) {
    field(action.name());
    action.write(&mut |_, value| match value {
        Value::Text(t) => field(t),
        Value::Number(x) => field(&x.to_bits().to_string()),
        Value::Flag(b) => field(if b { "1" } else { "0" }),
    });
}

/// Reads a journal's text; a damaged one is refused, saying where.
pub fn read(text: &str) -> Result<Read, String> {
    let mut fields = Fields { rest: text, at: 0 };
    let settings_held = match fields.next().ok().flatten() {
        Some(FORMAT) => Setting::ALL.len(),
        Some(FORMAT_2) => SETTINGS_IN_2,
        _ => {
            return Err(format!(
                "this is not a River Raft journal of this version ({FORMAT})"
            ))
        }
    };
    let clock_ms = f64::from_bits(fields.number()?);
    if !clock_ms.is_finite() || clock_ms < 0.0 {
        return Err(String::from("the journal's clock is not a time"));
    }
    let proposals = fields.number()?;
    let head = match fields.need()? {
        "fresh" => {
            let mut settings = Settings::new(0);
            let mut values = Vec::new();
            for setting in Setting::ALL.into_iter().take(settings_held) {
                values.push((setting, fields.need()?));
            }
            settings.set_all(&values)?;
            for name in fields.need()?.split(',').filter(|n| !n.is_empty()) {
                let bug = Bug::from_name(name)
                    .ok_or_else(|| format!("the journal names no bug '{}'", echo(name)))?;
                settings.raft.bugs.set(bug, true);
            }
            Head::Fresh(settings)
        }
        "scenario" => Head::Scenario {
            name: fields.need()?.to_string(),
            text: fields.need()?.to_string(),
        },
        "tour" => Head::Tour {
            name: fields.need()?.to_string(),
            step: fields.number()?,
        },
        other => {
            return Err(format!(
                "a journal begins 'fresh', 'scenario' or 'tour', not '{}'",
                echo(other)
            ))
        }
    };
    let mut journal = Journal::new(head);
    while !fields.rest.is_empty() {
        let time_ms = fields.number()?;
        let events = fields.number()?;
        let action = fields.action()?;
        journal.push(time_ms, events, action);
    }
    Ok(Read {
        journal,
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

    fn action(&mut self) -> Result<Action, String> {
        let at = self.at;
        let kind = self.need()?;
        Action::read(kind, self).map_err(|e| format!("{e} (the journal, at byte {at})"))
    }
}

impl Source for Fields<'_> {
    fn text(&mut self, _: &'static str) -> Result<String, String> {
        Ok(self.need()?.to_string())
    }

    fn number(&mut self, _: &'static str) -> Result<f64, String> {
        Ok(f64::from_bits(Fields::number(self)?))
    }

    fn flag(&mut self, _: &'static str) -> Result<bool, String> {
        Ok(Fields::number(self)? != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Groups, MessageAction};

    const CLOCK_MS: f64 = 1_234.567_891;

    fn sample() -> Journal {
        let mut settings = Settings::new(42);
        settings.set(Setting::LatencyMax, "40").unwrap();
        settings.set(Setting::LossPercent, "12.5").unwrap();
        settings.set(Setting::ElectionTimeoutMax, "700").unwrap();
        settings.set(Setting::ElectionTimeoutMin, "400").unwrap();
        settings.raft.bugs.set(Bug::ForgetVote, true);
        let mut j = Journal::new(Head::Fresh(settings));
        let a = crate::action::node("A").unwrap();
        let c = crate::action::node("c").unwrap();
        for (t, e, action) in [
            (
                900,
                41,
                Action::Propose {
                    node: a,
                    command: "x=1:2:weird 5:text".into(),
                },
            ),
            (
                950,
                43,
                Action::Cut {
                    a,
                    b: c,
                    one_way: true,
                },
            ),
            (
                1000,
                50,
                Action::Partition(Groups::parse("AB|CDE").unwrap()),
            ),
            (
                1100,
                60,
                Action::Message {
                    id: 17.0,
                    what: MessageAction::Hold,
                },
            ),
            (1150, 61, Action::Seek(333.5)),
            (1160, 62, Action::StepBack),
            (
                1170,
                63,
                Action::Set {
                    name: Setting::LossPercent,
                    value: "3".into(),
                },
            ),
            (1200, 77, Action::HealAll),
        ] {
            j.push(t, e, action);
        }
        j
    }

    #[test]
    fn a_journal_reads_back_as_it_was_written() {
        let mut j = sample();
        for head in [
            j.head.clone(),
            Head::Scenario {
                name: "partition".into(),
                text: "nodes 5\n# é ünïcode\ntimeout A\n".into(),
            },
        ] {
            j.head = head.clone();
            let read = read(&j.encode(CLOCK_MS, 3)).unwrap();
            let expected = Read {
                journal: j.clone(),
                clock_ms: CLOCK_MS,
                proposals: 3,
            };
            assert_eq!(read, expected);
        }
    }

    /// Links made before the snapshot threshold and the read mode were settings still open,
    /// with both at their defaults.
    #[test]
    fn a_version_2_journal_still_reads() {
        let text = sample().encode(CLOCK_MS, 3);
        let old = text
            .replacen("15:river-journal-3", "15:river-journal-2", 1)
            .replacen("1:010:read-index", "", 1);
        assert_ne!(old, text);
        assert_eq!(read(&old).unwrap(), read(&text).unwrap());
    }

    #[test]
    fn a_damaged_journal_is_refused_with_where() {
        let text = sample().encode(CLOCK_MS, 3);
        assert!(read("").unwrap_err().contains("not a River Raft journal"));
        let old = text.replace("river-journal-3", "river-journal-1");
        assert!(read(&old).unwrap_err().contains("river-journal-3"));
        assert!(read(&text[..text.len() - 3])
            .unwrap_err()
            .contains("damaged"));
        let cut = &text[..text.rfind("8:heal-all").unwrap()];
        assert!(read(cut).unwrap_err().contains("ends early"));
        let bad_verb = text.replace("8:heal-all", "8:free-all");
        let e = read(&bad_verb).unwrap_err();
        assert!(e.contains("free-all") && e.contains("byte"), "{e}");
        let bad_number = text.replace("3:900", "3:9x0");
        let e = read(&bad_number).unwrap_err();
        assert!(e.contains("'9x0'") && e.contains("byte"), "{e}");
        let bad_setting = text.replace("3:400", "3:0.5");
        assert!(read(&bad_setting).is_err());
        let bad_bug = text.replace("11:forget-vote", "11:forget-mee");
        assert!(read(&bad_bug).unwrap_err().contains("forget-mee"));
    }
}
