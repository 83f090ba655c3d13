//! Proptest strategies both property-test files draw from: a cluster shape and the honest
//! environment's inputs.

use proptest::prelude::*;
use river_model::driver::{Input, Setup};

pub fn setup() -> impl Strategy<Value = Setup> {
    // Mostly three servers (raw 2 maps to 3), sometimes any size from 1 to 5.
    let size = prop_oneof![3 => Just(2u8), 1 => 0u8..5];
    // Half the runs have one or two spare servers for a leader to add.
    let spares = prop_oneof![1 => Just(0u8), 1 => 1u8..3];
    (size, any::<bool>(), any::<bool>(), 0u8..4, spares).prop_map(
        |(cluster_size, pre_vote, check_quorum, max_entries_per_append, spares)| Setup {
            cluster_size,
            pre_vote,
            check_quorum,
            max_entries_per_append,
            spares,
        },
    )
}

/// Honest environment inputs: what a network, clocks and clients do, reads, compactions,
/// membership changes and leadership transfers included.
pub fn input() -> impl Strategy<Value = Input> {
    let node = 0u8..7;
    prop_oneof![
        6 => any::<u16>().prop_map(|pick| Input::Deliver { pick }),
        1 => any::<u16>().prop_map(|pick| Input::Duplicate { pick }),
        2 => any::<u16>().prop_map(|pick| Input::Drop { pick }),
        2 => Just(Input::DeliverAll),
        3 => (node.clone(), 0u16..400).prop_map(|(node, ms)| Input::Tick { node, ms }),
        2 => (0u16..400).prop_map(|ms| Input::TickAll { ms }),
        2 => node.clone().prop_map(|node| Input::Propose { node }),
        1 => node.clone().prop_map(|node| Input::Restart { node }),
        2 => node.clone().prop_map(|node| Input::Timeout { node }),
        1 => node.clone().prop_map(|node| Input::Read { node }),
        2 => node.clone().prop_map(|node| Input::Compact { node }),
        2 => (node.clone(), node.clone(), 0u8..3)
            .prop_map(|(node, member, kind)| Input::Change { node, member, kind }),
        1 => (node.clone(), node).prop_map(|(node, target)| Input::Transfer { node, target }),
    ]
}
