//! The live checker's verdict, `safety()`: each property the checker holds the run to and
//! the violations found.

use super::*;

/// The live checker's verdict: `safety()`.
#[derive(Serialize)]
pub struct Safety {
    /// No violation so far.
    pub ok: bool,
    /// How many violations were found.
    pub count: Number,
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

/// The live checker's verdict on `sim`.
pub fn safety(sim: &Simulation) -> Safety {
    let checker = &sim.checker;
    let mut violations = Vec::new();
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
    Safety {
        ok: checker.violation_count() == 0,
        count: checker.violation_count() as f64,
        violations,
        properties,
    }
}

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
