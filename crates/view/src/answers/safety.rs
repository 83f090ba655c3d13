//! The live checkers' verdict, `safety()`: each property the checker holds the run to, the
//! violations found, and whether what the users saw was linearizable.

use super::*;

/// The live checkers' verdict: `safety()`. The servers' logs are checked after every event
/// (river-sim's checker); what the users saw, for linearizability (`linearizable.rs`).
#[derive(Serialize)]
pub struct Safety {
    /// No violation so far, of either kind.
    pub ok: bool,
    /// How many violations were found (a history that is not linearizable counts once).
    pub count: Number,
    /// What the badge says: `✓ safe`, `✗ 2 violations`, `✗ stale read: not linearizable`.
    pub badge: String,
    /// The dialog's first sentence.
    pub summary: String,
    /// The first violations, each with its moment.
    pub violations: Vec<ViolationAnswer>,
    /// Every property checked after every event, by name.
    pub properties: Vec<&'static str>,
}

/// One violation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationAnswer {
    /// The property broken.
    pub property: &'static str,
    /// When, ms.
    pub time_ms: Number,
    /// What happened, in words.
    pub text: String,
}

/// Every property the checker checks, in the order people read them. The match below
/// makes a new property a compile error here until it is listed.
pub const PROPERTIES: [Property; 10] = [
    Property::ElectionSafety,
    Property::LeaderAppendOnly,
    Property::LogMatching,
    Property::LeaderCompleteness,
    Property::StateMachineSafety,
    Property::MonotonicTerm,
    Property::MonotonicCommit,
    Property::CommittedEntryKept,
    Property::SimulatorConsistency,
    Property::OneChangeAtATime,
];

const _: () = {
    const fn listed(p: Property) -> bool {
        match p {
            Property::ElectionSafety
            | Property::LeaderAppendOnly
            | Property::LogMatching
            | Property::LeaderCompleteness
            | Property::StateMachineSafety
            | Property::MonotonicTerm
            | Property::MonotonicCommit
            | Property::CommittedEntryKept
            | Property::SimulatorConsistency
            | Property::OneChangeAtATime => true,
        }
    }
    assert!(listed(Property::ElectionSafety));
};

/// The live checkers' verdict on `sim`, with `reads`, the judgement of its client history.
pub fn safety(sim: &Simulation, reads: Option<&NotLinearizable>) -> Safety {
    let checker = &sim.checker;
    let mut violations = Vec::new();
    if let Some(r) = reads {
        violations.push(ViolationAnswer {
            property: LINEARIZABILITY,
            time_ms: r.time_ms as f64,
            text: r.text.clone(),
        });
    }
    for v in checker.violations() {
        violations.push(ViolationAnswer {
            property: v.property.name(),
            time_ms: v.time_ms as f64,
            text: v.text.clone(),
        });
    }
    let mut properties = Vec::with_capacity(PROPERTIES.len());
    for p in PROPERTIES {
        properties.push(p.name());
    }
    properties.push(LINEARIZABILITY);
    let logs = checker.violation_count() as u64;
    let count = logs + u64::from(reads.is_some());
    let read_words = match reads {
        Some(r) if r.stale_read => "stale read: not linearizable",
        Some(_) => "not linearizable",
        None => "",
    };
    let badge = match (logs, reads) {
        (0, None) => String::from("✓ safe"),
        (0, Some(_)) => format!("✗ {read_words}"),
        (n, None) => format!("✗ {}", plural(n, "violation", "violations")),
        (n, Some(_)) => format!(
            "✗ {} and a {read_words}",
            plural(n, "violation", "violations")
        ),
    };
    let summary = if count == 0 {
        let mut names = String::new();
        for p in PROPERTIES {
            if !names.is_empty() {
                names.push_str(", ");
            }
            names.push_str(p.name());
        }
        format!("Every property held after every event so far: {names}. Every answer the users heard fits one order of their operations: {LINEARIZABILITY}.")
    } else {
        format!(
            "{} found. Jump to the moment each happened:",
            plural(count, "violation", "violations")
        )
    };
    Safety {
        ok: count == 0,
        count: count as f64,
        badge,
        summary,
        violations,
        properties,
    }
}

/// The name the safety dialog gives the users' side: their answers fit one order.
pub const LINEARIZABILITY: &str = "Linearizability";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_property_list_names_each_property_once() {
        let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name()).collect();
        for (k, n) in names.iter().enumerate() {
            assert!(!names[..k].contains(n), "{n} twice");
        }
        assert!(names.contains(&"Leader Completeness"));
    }
}
