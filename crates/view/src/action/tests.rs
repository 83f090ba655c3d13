//! Actions read as they are written, at the boundary and in the journal.

use super::*;
use alloc::string::ToString;
use serde_json::{json, Value as Json};

/// A JSON object standing in for the JavaScript one the boundary reads.
struct Object(Json);

impl Source for Object {
    fn text(&mut self, name: &'static str) -> Result<String, String> {
        self.0[name]
            .as_str()
            .map(String::from)
            .ok_or_else(|| format!("{name}: not text"))
    }
    fn number(&mut self, name: &'static str) -> Result<f64, String> {
        self.0[name]
            .as_f64()
            .ok_or_else(|| format!("{name}: not a number"))
    }
    fn flag(&mut self, name: &'static str) -> Result<bool, String> {
        Ok(self.0[name].as_bool().unwrap_or(false))
    }
}

fn parse(object: Json) -> Result<Action, String> {
    let kind = object["do"].as_str().unwrap_or_default().to_string();
    Action::read(&kind, &mut Object(object))
}

/// The object `action` is at the boundary.
fn object(action: &Action) -> Json {
    let mut out = json!({ "do": action.name() });
    action.write(&mut |name, value| {
        out[name] = match value {
            Value::Text(t) => json!(t),
            Value::Number(x) => json!(x),
            Value::Flag(b) => json!(b),
        };
    });
    out
}

#[test]
fn every_kind_has_its_own_name_and_reads_back_as_written() {
    for (k, a) in KINDS.iter().enumerate() {
        assert_eq!(Action::named(a.name()), Some(a));
        assert!(KINDS[..k].iter().all(|b| b.name() != a.name()));
    }
    let a = node("A").unwrap();
    let samples = [
        Action::Propose {
            node: a,
            command: "x=1".into(),
        },
        Action::Cut {
            a,
            b: node("c").unwrap(),
            one_way: true,
        },
        Action::Partition(Groups::parse("AB|CDE").unwrap()),
        Action::Message {
            id: 7.0,
            what: MessageAction::Release,
        },
        Action::Set {
            name: Setting::LossPercent,
            value: "12.5".into(),
        },
        Action::Bug {
            name: "forget-vote".into(),
            on: true,
        },
        Action::Select(None),
        Action::Select(Some(a)),
        Action::Seek(1500.25),
        Action::HealAll,
        Action::AddServer,
        Action::RemoveServer(node("B").unwrap()),
        Action::MakeLeader(node("C").unwrap()),
        Action::Snapshot(node("D").unwrap()),
        Action::Freeze(node("B").unwrap()),
        Action::Thaw(node("B").unwrap()),
        Action::Read {
            node: a,
            key: "x".into(),
        },
    ];
    for action in samples {
        assert_eq!(
            parse(object(&action)),
            Ok(action.clone()),
            "{}",
            object(&action)
        );
    }
}

#[test]
fn actions_are_read_once_at_the_boundary() {
    assert_eq!(
        parse(json!({ "do": "propose", "node": "a", "command": "x=1" })),
        Ok(Action::Propose {
            node: node("A").unwrap(),
            command: "x=1".into()
        })
    );
    assert_eq!(
        parse(json!({ "do": "cut", "a": "A", "b": "C" })),
        Ok(Action::Cut {
            a: node("A").unwrap(),
            b: node("C").unwrap(),
            one_way: false
        }),
        "one way is optional"
    );
    assert_eq!(parse(json!({ "do": "step-back" })), Ok(Action::StepBack));
}

#[test]
fn bad_actions_are_refused_with_a_reason() {
    let e = parse(json!({ "do": "crash", "node": "Z9" })).unwrap_err();
    assert!(e.contains("'Z9' is not a node letter"), "{e}");
    let e = parse(json!({ "do": "partition", "groups": "AB|C?" })).unwrap_err();
    assert!(e.contains("'?' is not a node letter"), "{e}");
    let e = parse(json!({ "do": "fly" })).unwrap_err();
    assert!(e.contains("no action 'fly'"), "{e}");
    let e = parse(json!({ "do": "set", "name": "colour", "value": "red" })).unwrap_err();
    assert!(e.contains("no setting named 'colour'"), "{e}");
    let e = parse(json!({ "do": "message", "id": 3, "what": "eat" })).unwrap_err();
    assert!(e.contains("not 'eat'"), "{e}");
    assert!(
        parse(json!({ "do": "seek" })).is_err(),
        "a missing argument"
    );
}
