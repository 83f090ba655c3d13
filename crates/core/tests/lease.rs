//! Lease reads (Ongaro's thesis §6.4.1) on bare nodes with a hand-driven network: a leader
//! serves reads at once while a majority acknowledged a heartbeat round it sent less than an
//! election timeout ago, shortened by the clock-drift bound; otherwise it goes through
//! ReadIndex.

mod harness;

use harness::{id, Cluster};
use river_core::*;

fn lease_cluster(bugs: BugSet) -> Cluster {
    Cluster::with(3, |c| {
        c.check_quorum = true;
        c.lease_reads = true;
        c.bugs = bugs;
    })
}

fn read(c: &mut Cluster, at: char, n: u64) -> Read {
    let i = id(at).index();
    let outcome = c.nodes[i].read(ReadId(n));
    c.flush(i);
    outcome
}

fn served(c: &Cluster, at: char, n: u64) -> bool {
    c.reads.iter().any(|(node, r, _)| {
        *node == id(at) && r.id == ReadId(n) && matches!(r.result, ReadResult::Serve { .. })
    })
}

/// §6.4.1: within its lease the leader serves a read at its commit index at once — no
/// heartbeat round, no message.
#[test]
fn leader_in_its_lease_serves_a_read_without_a_round() {
    let mut c = lease_cluster(BugSet::NONE);
    c.elect('A');
    assert!(c.queue.is_empty());
    assert_eq!(read(&mut c, 'A', 1), Read::Pending);
    assert!(served(&c, 'A', 1), "served in the same Ready");
    assert!(c.saw('A', |e| matches!(e, Event::LeaseRead { .. })));
    assert!(c.queue.is_empty(), "no heartbeat round was needed");
}

/// §6.4.1: the lease lasts the shortest election timeout divided by the drift bound (150 ms
/// / 1.1 = 136 ms) from the acknowledged round's sending; after that a read goes through a
/// heartbeat round. `lease-without-drift-bound` keeps serving until the full 150 ms.
#[test]
fn lease_ends_an_election_timeout_shortened_by_the_drift_bound_after_the_round() {
    for (bugs, lease_ms) in [
        (BugSet::NONE, 136),
        (BugSet::NONE.with(Bug::LeaseWithoutDriftBound), 150),
    ] {
        let mut c = lease_cluster(bugs);
        c.elect('A');
        assert_eq!(c.node('A').config().lease_ms(), lease_ms);
        c.tick('A', lease_ms - 1);
        c.queue.clear(); // the heartbeats sent meanwhile are lost
        read(&mut c, 'A', 1);
        assert!(served(&c, 'A', 1), "{bugs:?}: still in the lease");
        c.tick('A', 1);
        c.queue.clear();
        read(&mut c, 'A', 2);
        assert!(!served(&c, 'A', 2), "{bugs:?}: the lease ran out");
        assert!(c.saw('A', |e| matches!(e, Event::ReadIndexRecorded { .. })));
    }
}

/// Acknowledged heartbeats extend the lease from the round's sending time.
#[test]
fn acknowledged_heartbeats_extend_the_lease() {
    let mut c = lease_cluster(BugSet::NONE);
    c.elect('A');
    for _ in 0..5 {
        c.heartbeat('A');
        c.run_all();
    }
    read(&mut c, 'A', 1);
    assert!(served(&c, 'A', 1), "250 ms in office, lease renewed");
}

/// §3.10 and §6.4.1: TimeoutNow lets the target's votes pass the followers' lease, so a
/// leader that starts a transfer stops serving reads from its lease.
#[test]
fn a_leadership_transfer_ends_the_lease() {
    let mut c = lease_cluster(BugSet::NONE);
    c.elect('A');
    assert_eq!(c.nodes[0].transfer_leadership(id('B')), Transfer::Started);
    c.flush(0);
    read(&mut c, 'A', 1);
    assert!(!served(&c, 'A', 1));
    assert!(!c.saw('A', |e| matches!(e, Event::LeaseRead { .. })));
}

/// A membership change counts other majorities: rounds sent before it grant no lease.
#[test]
fn a_membership_change_ends_the_lease() {
    let mut c = Cluster::with_spares(3, 1, |c| {
        c.check_quorum = true;
        c.lease_reads = true;
    });
    c.elect('A');
    assert!(c.change('A', MembershipChange::AddLearner(id('D'))).is_ok());
    c.queue.clear();
    read(&mut c, 'A', 1);
    assert!(!served(&c, 'A', 1));
}

/// §6.4.1: leases rely on CheckQuorum's refusal of votes; a configuration without it is
/// refused.
#[test]
fn lease_reads_need_checkquorum() {
    let mut config = Config::new(NodeId(0), 3);
    config.lease_reads = true;
    assert_eq!(config.validate(), Err(ConfigError::LeaseWithoutCheckQuorum));
    config.check_quorum = true;
    assert_eq!(config.validate(), Ok(()));
}

/// A server that restarts may have acknowledged a lease-granting round before it crashed,
/// so under lease reads it refuses votes for an election timeout, as if it had just heard
/// its leader.
#[test]
fn a_restarted_server_refuses_votes_for_an_election_timeout() {
    let mut c = lease_cluster(BugSet::NONE);
    c.elect('A');
    c.restart('B');
    c.tick('C', 150); // C no longer honours A's lease itself
    c.queue.clear();
    c.timeout('C');
    let ask_b = c.queue.iter().position(|m| m.to == id('B')).unwrap();
    let request = c.queue.remove(ask_b).unwrap();
    c.deliver(request);
    assert!(c.saw('B', |e| matches!(e, Event::VoteIgnoredInLease { .. })));
    c.tick('B', 150);
    c.queue.clear();
    c.timeout('C');
    let ask_b = c.queue.iter().position(|m| m.to == id('B')).unwrap();
    let request = c.queue.remove(ask_b).unwrap();
    c.deliver(request);
    assert!(c.saw('B', |e| matches!(e, Event::VoteGranted { .. })));
}
