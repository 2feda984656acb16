//! The random source: a small, fast, seedable generator, and the runtime's seed generator.
//!
//! Everything in weft that makes a random choice (the steal start in the scheduler, the branch
//! order in `select!`) draws from here. A runtime owns one [`RngSeedGenerator`], started from
//! [`Builder::rng_seed`](crate::runtime::Builder::rng_seed) or from fresh randomness; every
//! worker's generator and the `select!` generator of a thread driving the runtime derive from
//! it, so a runtime built with a given seed makes the same choices in the same order (as far as
//! the order of events is itself deterministic: on one thread, or under the simulation).
//! Outside a runtime, `select!` uses a per-thread generator seeded from fresh randomness.
//! Nothing here is cryptographic.

use std::cell::Cell;
use std::sync::Mutex;

/// A seed for a runtime's random choices (`select!` branch order, work-stealing victims).
///
/// Two runtimes built with the same seed (and the same configuration) draw the same random
/// numbers in the same order. Unlike tokio's `RngSeed` (behind `tokio_unstable`), this is
/// stable API in weft. The sequence a seed yields may change between weft versions.
///
/// ```
/// use weft::runtime::{Builder, RngSeed};
///
/// let rt = Builder::new_current_thread()
///     .rng_seed(RngSeed::from_bytes(b"make select! repeatable"))
///     .build()
///     .unwrap();
/// rt.block_on(async {
///     weft::select! {
///         _ = async {} => {}
///         _ = async {} => {}
///     }
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RngSeed {
    s: u32,
    r: u32,
}

impl RngSeed {
    /// A seed derived from `bytes` (any length; the same bytes always give the same seed, on
    /// every platform and build).
    ///
    /// ```
    /// use weft::runtime::RngSeed;
    ///
    /// assert_eq!(RngSeed::from_bytes(b"abc"), RngSeed::from_bytes(b"abc"));
    /// assert_ne!(RngSeed::from_bytes(b"abc"), RngSeed::from_bytes(b"abd"));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> RngSeed {
        // FNV-1a, then a splitmix64 finaliser: fixed arithmetic, so a seed written in a test
        // means the same thing on every Rust release (std's hashers promise no such thing).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        RngSeed::from_u64(splitmix64(h))
    }

    /// A seed from fresh randomness (std's per-process hasher keys and a counter).
    pub(crate) fn new() -> RngSeed {
        RngSeed::from_u64(seed())
    }

    fn from_u64(seed: u64) -> RngSeed {
        let s = (seed >> 32) as u32;
        let mut r = seed as u32;
        if r == 0 {
            // Zero state would only ever yield zeros.
            r = 1;
        }
        RngSeed { s, r }
    }
}

impl std::fmt::Debug for RngSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RngSeed").finish_non_exhaustive()
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A runtime's source of seeds: one generator, drawn from in a fixed order (worker generators
/// at build time, then one seed each time a thread enters the runtime).
#[derive(Debug)]
pub(crate) struct RngSeedGenerator {
    state: Mutex<FastRand>,
}

impl RngSeedGenerator {
    pub(crate) fn new(seed: RngSeed) -> RngSeedGenerator {
        RngSeedGenerator {
            state: Mutex::new(FastRand::from_rng_seed(seed)),
        }
    }

    /// The next seed of the sequence.
    pub(crate) fn next_seed(&self) -> RngSeed {
        let rng = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let s = rng.fastrand();
        let r = rng.fastrand();
        RngSeed::from_u64(u64::from(s) << 32 | u64::from(r))
    }

    /// A generator started from the next seed.
    pub(crate) fn next_generator(&self) -> FastRand {
        FastRand::from_rng_seed(self.next_seed())
    }
}

/// A xorshift-style generator (one 64-bit word of state split in two halves).
#[derive(Debug, Clone)]
pub(crate) struct FastRand {
    one: Cell<u32>,
    two: Cell<u32>,
}

impl FastRand {
    /// A generator started from `seed`.
    pub(crate) fn from_seed(seed: u64) -> FastRand {
        FastRand::from_rng_seed(RngSeed::from_u64(seed))
    }

    /// A generator started from `seed`.
    pub(crate) fn from_rng_seed(seed: RngSeed) -> FastRand {
        FastRand {
            one: Cell::new(seed.s),
            two: Cell::new(seed.r),
        }
    }

    /// A generator seeded from fresh randomness.
    pub(crate) fn new() -> FastRand {
        FastRand::from_rng_seed(RngSeed::new())
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
fn seed() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

thread_local! {
    /// This thread's generator: while the thread drives a runtime, one derived from the
    /// runtime's seed generator (see [`replace_thread_rng`]); otherwise seeded lazily from
    /// fresh randomness.
    static THREAD_RNG: Cell<Option<FastRand>> = const { Cell::new(None) };
}

/// A number in `0..n` from this thread's generator.
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    THREAD_RNG
        .try_with(|cell| {
            let rng = cell.take().unwrap_or_else(FastRand::new);
            let v = rng.fastrand_n(n);
            cell.set(Some(rng));
            v
        })
        // During thread-local destruction: a fresh generator for this one draw.
        .unwrap_or_else(|_| FastRand::new().fastrand_n(n))
}

/// Makes `rng` this thread's generator and returns the one it replaces (`None`: not yet
/// seeded). A thread entering a runtime installs a generator from the runtime's seeds and
/// puts the old one back when it leaves.
pub(crate) fn replace_thread_rng(rng: Option<FastRand>) -> Option<FastRand> {
    THREAD_RNG.try_with(|cell| cell.replace(rng)).ok().flatten()
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

    #[test]
    fn seed_generators_repeat_and_differ() {
        let draw = |bytes: &[u8]| {
            let g = RngSeedGenerator::new(RngSeed::from_bytes(bytes));
            (0..8)
                .map(|_| g.next_generator().fastrand_n(1 << 20))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(b"one"), draw(b"one"));
        assert_ne!(draw(b"one"), draw(b"two"));
    }

    #[test]
    fn thread_rng_is_replaced_and_restored() {
        let prev = replace_thread_rng(Some(FastRand::from_seed(9)));
        let a: Vec<u32> = (0..10).map(|_| thread_rng_n(1000)).collect();
        replace_thread_rng(Some(FastRand::from_seed(9)));
        let b: Vec<u32> = (0..10).map(|_| thread_rng_n(1000)).collect();
        assert_eq!(a, b);
        replace_thread_rng(prev);
    }
}
