//! A small deterministic hasher (FNV-1a, 64-bit) for trace digests and the checker's log
//! fingerprints: the same on every platform, unlike std's randomly keyed hasher.

use core::hash::{Hash, Hasher};

/// FNV-1a over the bytes written; `usize`/`isize` are widened to 64 bits so 32-bit wasm and
/// 64-bit native builds agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_i64(i as i64);
    }
}

/// The FNV digest of `value`, chained onto `seed`.
pub fn digest<T: Hash + ?Sized>(seed: u64, value: &T) -> u64 {
    let mut h = Fnv(seed ^ 0xcbf2_9ce4_8422_2325);
    value.hash(&mut h);
    h.finish()
}
