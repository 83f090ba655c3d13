//! A small seeded pseudo-random generator, so the core never touches OS randomness.
//!
//! The algorithm is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014): one 64-bit word of state, good statistical quality for
//! simulation, and trivially reproducible on every target including wasm32.

/// A deterministic generator: the same seed always yields the same sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value drawn uniformly from `low..=high` (`low <= high`).
    pub fn range_inclusive(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "empty range {low}..={high}");
        let span = high - low;
        if span == u64::MAX {
            return self.next_u64();
        }
        // Multiply-shift maps 64 random bits onto the span with negligible bias for the small
        // spans used here (timeouts, latencies), and costs no division.
        low + ((u128::from(self.next_u64()) * u128::from(span + 1)) >> 64) as u64
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        ((self.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    /// An independent generator derived from this one and a stream label: one master seed is
    /// split into per-purpose streams so adding a consumer does not reshuffle the others.
    pub fn fork(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng::new(mixer.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn range_stays_inside_and_covers_both_ends() {
        let mut rng = Rng::new(1);
        let (mut saw_low, mut saw_high) = (false, false);
        for _ in 0..10_000 {
            let v = rng.range_inclusive(150, 155);
            assert!((150..=155).contains(&v));
            saw_low |= v == 150;
            saw_high |= v == 155;
        }
        assert!(saw_low && saw_high);
    }

    #[test]
    fn forked_streams_differ() {
        assert_ne!(Rng::fork(1, 0).next_u64(), Rng::fork(1, 1).next_u64());
    }
}
