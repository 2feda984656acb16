//! The random source: a small, fast, seedable generator.
//!
//! Everything in weft that makes a random choice (the steal start in the scheduler, the branch
//! order in `select!`) draws from here, so that a future deterministic-simulation mode can seed
//! it. It is not cryptographic.

use std::cell::Cell;

/// A xorshift-style generator (one 64-bit word of state split in two halves).
#[derive(Debug, Clone)]
pub(crate) struct FastRand {
    one: Cell<u32>,
    two: Cell<u32>,
}

impl FastRand {
    /// A generator started from `seed`.
    pub(crate) fn from_seed(seed: u64) -> FastRand {
        let one = (seed >> 32) as u32;
        let mut two = seed as u32;
        if two == 0 {
            // Zero state would only ever yield zeros.
            two = 1;
        }
        FastRand {
            one: Cell::new(one),
            two: Cell::new(two),
        }
    }

    /// A generator seeded from the process's hashing randomness and a counter.
    pub(crate) fn new() -> FastRand {
        FastRand::from_seed(seed())
    }

    /// A number in `0..n` (`n` > 0), without modulo bias worth noticing for small `n`.
    pub(crate) fn fastrand_n(&self, n: u32) -> u32 {
        let mul = (self.fastrand() as u64).wrapping_mul(n as u64);
        (mul >> 32) as u32
    }

    fn fastrand(&self) -> u32 {
        let mut s1 = self.one.get();
        let s0 = self.two.get();
        s1 ^= s1 << 17;
        s1 = s1 ^ s0 ^ (s1 >> 7) ^ (s0 >> 16);
        self.one.set(s0);
        self.two.set(s1);
        s0.wrapping_add(s1)
    }
}

/// A fresh seed: std's per-process random hasher keys mixed with a counter.
pub(crate) fn seed() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

thread_local! {
    static THREAD_RNG: FastRand = FastRand::new();
}

/// A number in `0..n` from this thread's generator.
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    THREAD_RNG.with(|r| r.fastrand_n(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_in_range_and_covers_it() {
        let r = FastRand::from_seed(7);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.fastrand_n(5);
            assert!(v < 5);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn same_seed_same_sequence() {
        let (a, b) = (FastRand::from_seed(42), FastRand::from_seed(42));
        for _ in 0..100 {
            assert_eq!(a.fastrand_n(1000), b.fastrand_n(1000));
        }
    }
}
