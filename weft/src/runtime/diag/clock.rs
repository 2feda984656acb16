//! A coarse clock for the task dump's ages and "since last poll" figures: milliseconds since
//! the process epoch (the metrics' `cycles` epoch), kept in one word that whoever reads the
//! real clock anyway publishes: the long-poll monitor on each of its ticks, workers when they
//! park and wake, a dump when it starts. A poll reads the word (a relaxed load), never the
//! clock; while no monitor runs and no worker parks the word may lag.

use crate::runtime::metrics::cycles;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

static NOW_MS: AtomicU32 = AtomicU32::new(0);

/// The latest published reading.
#[inline]
pub(crate) fn now_ms() -> u32 {
    NOW_MS.load(Relaxed)
}

/// Publishes a reading of `cycles::instant_ns` the caller already took.
#[inline]
pub(crate) fn publish_ns(ns: u64) {
    let ms = (ns / 1_000_000) as u32;
    // Monotonic enough: a stale writer never moves the clock back.
    if ms > NOW_MS.load(Relaxed) {
        NOW_MS.store(ms, Relaxed);
    }
}

/// Reads the real clock, publishes it and returns it.
pub(crate) fn tick() -> u32 {
    publish_ns(cycles::instant_ns());
    now_ms()
}
