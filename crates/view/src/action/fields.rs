//! An action written down and read back: [`Action::read`] takes its fields from a [`Source`]
//! (a JavaScript object at the boundary, the journal's fields in order) and
//! [`Action::write`] gives them out, so each action's fields are listed in one place.

use super::*;

/// Where an action's arguments come from, each asked for by its name: a JavaScript object
/// at the boundary, the journal's fields in order.
pub trait Source {
    /// A text argument.
    fn text(&mut self, name: &'static str) -> Result<String, String>;
    /// A number argument.
    fn number(&mut self, name: &'static str) -> Result<f64, String>;
    /// A yes-or-no argument (absent is no).
    fn flag(&mut self, name: &'static str) -> Result<bool, String>;
}

/// An argument as it is written down: text, a number or a yes-or-no.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Text.
    Text(&'a str),
    /// A number.
    Number(f64),
    /// Yes or no.
    Flag(bool),
}

fn letter_of(source: &mut dyn Source, name: &'static str) -> Result<Node, String> {
    let text = source.text(name)?;
    node(&text).ok_or_else(|| format!("'{}' is not a node letter (use A to I)", echo(&text)))
}

impl Action {
    /// Reads the action of kind `kind` (its [`Action::name`]), its arguments from `source`;
    /// an unknown kind or a bad argument is refused, saying which. `dyn`, not generic: the
    /// page reads from JavaScript and from the journal, and one copy saves 0.7 KB gzipped.
    pub fn read(kind: &str, source: &mut dyn Source) -> Result<Action, String> {
        let template =
            Action::named(kind).ok_or_else(|| format!("there is no action '{}'", echo(kind)))?;
        Ok(match template {
            Action::Propose { .. } => Action::Propose {
                node: letter_of(source, "node")?,
                command: source.text("command")?,
            },
            Action::Cut { .. } => Action::Cut {
                a: letter_of(source, "a")?,
                b: letter_of(source, "b")?,
                one_way: source.flag("oneWay")?,
            },
            Action::Heal { .. } => Action::Heal {
                a: letter_of(source, "a")?,
                b: letter_of(source, "b")?,
            },
            Action::Partition(_) => Action::Partition(Groups::parse(&source.text("groups")?)?),
            Action::Crash(_) => Action::Crash(letter_of(source, "node")?),
            Action::Restart(_) => Action::Restart(letter_of(source, "node")?),
            Action::Freeze(_) => Action::Freeze(letter_of(source, "node")?),
            Action::Thaw(_) => Action::Thaw(letter_of(source, "node")?),
            Action::Timeout(_) => Action::Timeout(letter_of(source, "node")?),
            Action::Speed(_) => Action::Speed(source.number("speed")?),
            Action::Advance(_) => Action::Advance(source.number("ms")?),
            Action::Seek(_) => Action::Seek(source.number("ms")?),
            Action::Branch(_) => Action::Branch(source.number("k")?),
            Action::SeekBefore(_) => Action::SeekBefore(source.number("ms")?),
            Action::OpenTrial { .. } => Action::OpenTrial {
                range: source.number("range")?,
                trial: source.number("trial")?,
            },
            Action::Message { .. } => {
                let id = source.number("id")?;
                let what = source.text("what")?;
                let what = MessageAction::named(&what).ok_or_else(|| {
                    format!(
                        "a message can be dropped, duplicated, held or released, not '{}'",
                        echo(&what)
                    )
                })?;
                Action::Message { id, what }
            }
            Action::Set { .. } => {
                let name = source.text("name")?;
                let name = Setting::from_name(&name)
                    .ok_or_else(|| format!("there is no setting named '{}'", echo(&name)))?;
                Action::Set {
                    name,
                    value: source.text("value")?,
                }
            }
            Action::Bug { .. } => Action::Bug {
                name: source.text("name")?,
                on: source.flag("on")?,
            },
            Action::Load { .. } => Action::Load {
                text: source.text("text")?,
                name: source.text("name")?,
            },
            Action::PlayBuiltIn(_) => Action::PlayBuiltIn(source.text("name")?),
            Action::Select(_) => Action::Select(node(&source.text("node")?)),
            Action::AddServer => Action::AddServer,
            Action::RemoveServer(_) => Action::RemoveServer(letter_of(source, "node")?),
            Action::MakeLeader(_) => Action::MakeLeader(letter_of(source, "node")?),
            Action::Snapshot(_) => Action::Snapshot(letter_of(source, "node")?),
            Action::Read { .. } => Action::Read {
                node: letter_of(source, "node")?,
                key: source.text("key")?,
            },
            Action::HealAll => Action::HealAll,
            Action::Pause => Action::Pause,
            Action::Play => Action::Play,
            Action::Step => Action::Step,
            Action::StepEvent => Action::StepEvent,
            Action::StepBack => Action::StepBack,
            Action::StopStory => Action::StopStory,
            Action::Tour { .. } => Action::Tour {
                name: source.text("name")?,
                step: source.number("step")?,
            },
            Action::TourContinue => Action::TourContinue,
            Action::TourBack => Action::TourBack,
            Action::RestartRun => Action::RestartRun,
        })
    }

    /// Writes the action's arguments, by name and in the order [`Action::read`] asks for
    /// them (its kind is [`Action::name`]).
    pub fn write(&self, out: &mut impl FnMut(&'static str, Value<'_>)) {
        let mut letter = |name, n: &Node| {
            let mut buf = [0; 4];
            out(name, Value::Text(n.0.letter().encode_utf8(&mut buf)));
        };
        match self {
            Action::Propose { node, command } => {
                letter("node", node);
                out("command", Value::Text(command));
            }
            Action::Read { node, key } => {
                letter("node", node);
                out("key", Value::Text(key));
            }
            Action::Cut { a, b, one_way } => {
                letter("a", a);
                letter("b", b);
                out("oneWay", Value::Flag(*one_way));
            }
            Action::Heal { a, b } => {
                letter("a", a);
                letter("b", b);
            }
            Action::Partition(groups) => out("groups", Value::Text(&groups.text())),
            Action::Crash(n)
            | Action::Restart(n)
            | Action::Freeze(n)
            | Action::Thaw(n)
            | Action::Timeout(n)
            | Action::RemoveServer(n)
            | Action::MakeLeader(n)
            | Action::Snapshot(n) => letter("node", n),
            Action::Speed(x) => out("speed", Value::Number(*x)),
            Action::Advance(x) | Action::Seek(x) | Action::SeekBefore(x) => {
                out("ms", Value::Number(*x))
            }
            Action::OpenTrial { range, trial } => {
                out("range", Value::Number(*range));
                out("trial", Value::Number(*trial));
            }
            Action::Branch(x) => out("k", Value::Number(*x)),
            Action::Message { id, what } => {
                out("id", Value::Number(*id));
                out("what", Value::Text(what.name()));
            }
            Action::Set { name, value } => {
                out("name", Value::Text(name.name()));
                out("value", Value::Text(value));
            }
            Action::Bug { name, on } => {
                out("name", Value::Text(name));
                out("on", Value::Flag(*on));
            }
            Action::Load { text, name } => {
                out("text", Value::Text(text));
                out("name", Value::Text(name));
            }
            Action::PlayBuiltIn(name) => out("name", Value::Text(name)),
            Action::Tour { name, step } => {
                out("name", Value::Text(name));
                out("step", Value::Number(*step));
            }
            Action::Select(node) => match node {
                Some(n) => letter("node", n),
                None => out("node", Value::Text("")),
            },
            Action::HealAll
            | Action::Pause
            | Action::Play
            | Action::Step
            | Action::StepEvent
            | Action::StepBack
            | Action::StopStory
            | Action::TourContinue
            | Action::TourBack
            | Action::RestartRun
            | Action::AddServer => {}
        }
    }
}
