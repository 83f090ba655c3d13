//! A small deterministic hasher for trace digests and the checker's log fingerprints: the
//! same on every platform, unlike std's randomly keyed hasher, and fast enough to run on
//! every event (it mixes a 64-bit word at a time, in the style of FxHash with a final
//! avalanche from SplitMix64).

use core::hash::{Hash, Hasher};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Word-at-a-time hasher; `usize`/`isize` are widened to 64 bits so 32-bit wasm and 64-bit
/// native builds agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mix64(u64);

impl Mix64 {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for Mix64 {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64);
    }
}

/// The digest of `value`, chained onto `seed`.
pub fn digest<T: Hash + ?Sized>(seed: u64, value: &T) -> u64 {
    let mut h = Mix64(seed ^ K);
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_differ_by_value_and_by_seed() {
        assert_ne!(digest(0, &1u64), digest(0, &2u64));
        assert_ne!(digest(0, &1u64), digest(1, &1u64));
        assert_ne!(digest(0, "ab"), digest(0, "ba"));
        assert_eq!(digest(7, &(1u8, "x")), digest(7, &(1u8, "x")));
    }
}
