//! The long-poll detector's per-thread poll stamp.
//!
//! Each thread that runs a scheduler loop (a multi-thread worker, a current-thread `block_on`)
//! owns one [`PollStamp`]. Its word holds the header address of the task being polled (or
//! [`BLOCK_ON`] while a current-thread `block_on` polls its own future), 0 between polls.
//! Together with the worker's poll counter (which the metrics already store at every poll
//! start) it names one poll: while `(word, poll_count)` stays the same and the word is not 0,
//! the same poll is still running. So a poll costs one load and two owner-only relaxed stores
//! here, and no clock read; the monitor thread does the timing.

use crate::runtime::metrics::WorkerMetrics;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

/// The word while a current-thread `block_on` polls its own future (not a task).
pub(crate) const BLOCK_ON: usize = 1;

/// One scheduler loop's stamp; the monitor reads it from its own thread.
pub(crate) struct PollStamp {
    word: AtomicUsize,
    /// The worker index (0 on the current-thread scheduler).
    pub(crate) worker: usize,
    /// The OS thread id of the owner.
    pub(crate) tid: i32,
    /// Whose `poll_count` separates one poll of a task from the next.
    pub(crate) metrics: Arc<WorkerMetrics>,
}

impl PollStamp {
    /// A stamp for the calling thread.
    pub(crate) fn new(worker: usize, metrics: Arc<WorkerMetrics>) -> PollStamp {
        PollStamp {
            word: AtomicUsize::new(0),
            worker,
            tid: super::sys::gettid(),
            metrics,
        }
    }

    /// A poll of `word` starts; returns the previous word for `leave` (nested polls: a
    /// `LocalSet` inside a task).
    #[inline]
    pub(crate) fn enter(&self, word: usize) -> usize {
        if cfg!(feature = "__diag_off") {
            return 0;
        }
        let prev = self.word.load(Relaxed);
        self.word.store(word, Relaxed);
        prev
    }

    #[inline]
    pub(crate) fn leave(&self, prev: usize) {
        if cfg!(feature = "__diag_off") {
            return;
        }
        self.word.store(prev, Relaxed);
    }

    /// What the monitor compares between its ticks.
    pub(crate) fn read(&self) -> (usize, u64) {
        (
            self.word.load(Relaxed),
            self.metrics.poll_count.load(Relaxed),
        )
    }
}
