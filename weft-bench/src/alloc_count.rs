//! A global allocator that can count the bytes allocated while a measurement is on.
//!
//! Counting is off by default: then every allocation pays one relaxed load of a flag that is
//! never written, so the timed workloads are not slowed by a shared counter bouncing between
//! cores. Only the "bytes per empty task" measurement turns it on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

static COUNTING: AtomicBool = AtomicBool::new(false);
static BYTES: AtomicU64 = AtomicU64::new(0);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

/// The system allocator plus optional counting.
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the only
// addition is bookkeeping on atomics, which never touches the memory handed out.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as our caller's: `layout` has non-zero size.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (all our allocations forward to it) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A growing realloc is counted as the bytes it adds.
        note(new_size.saturating_sub(layout.size()));
        // SAFETY: `ptr` came from `System` with `layout`; `new_size` is the caller's, valid by contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[inline]
fn note(bytes: usize) {
    if COUNTING.load(Relaxed) {
        BYTES.fetch_add(bytes as u64, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
    }
}

/// Bytes and allocation count seen while counting was on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counted {
    /// Bytes requested from the allocator.
    pub bytes: u64,
    /// Number of allocations (a growing realloc counts as one).
    pub allocs: u64,
}

/// Runs `f` with counting on (process-wide: allocations on every thread count).
pub fn count<T>(f: impl FnOnce() -> T) -> (T, Counted) {
    BYTES.store(0, Relaxed);
    ALLOCS.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    let out = f();
    COUNTING.store(false, Relaxed);
    let counted = Counted {
        bytes: BYTES.load(Relaxed),
        allocs: ALLOCS.load(Relaxed),
    };
    (out, counted)
}
