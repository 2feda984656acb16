//! Per-worker counters: a cache-padded block of atomics that only the thread holding the
//! worker's core writes (a plain load and store, no read-modify-write, so no locked
//! instruction on the poll path), and that any thread reads with relaxed loads.
//!
//! The owner keeps its own copy of each counter in [`Recorder`] (part of the worker's core)
//! and publishes with a store, so the hot path never even loads the shared line.
//! Ownership moves with the core (`block_in_place`, another thread's `block_on`), always
//! through a lock hand-off, so two threads never write one block at the same time.

use super::cycles;
use super::histogram::{Histogram, Layout};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// How often (1 in N) a poll is timed and a local wake is stamped for the schedule-latency
/// histogram when the user has not asked for every poll to be timed.
pub(crate) const SAMPLE_INTERVAL: u64 = 16;

/// A wake stamped for the schedule-latency histogram is abandoned (its task was stolen or
/// cancelled) after this many local schedules without being polled here.
const STALE_AFTER_SCHEDULES: u64 = 4096;

/// EWMA weight of a new poll-time sample: 1/2^3.
const EWMA_SHIFT: u32 = 3;

/// What any thread may read of one worker.
#[repr(align(128))]
pub(crate) struct WorkerMetrics {
    pub(crate) park_count: AtomicU64,
    pub(crate) park_unpark_count: AtomicU64,
    pub(crate) noop_count: AtomicU64,
    pub(crate) steal_count: AtomicU64,
    pub(crate) steal_operations: AtomicU64,
    pub(crate) poll_count: AtomicU64,
    pub(crate) local_schedule_count: AtomicU64,
    pub(crate) overflow_count: AtomicU64,
    /// Busy time, encoded (see `busy_word`).
    busy: AtomicU64,
    pub(crate) mean_poll_time_ns: AtomicU64,
    /// Tasks in the local run queue (current-thread scheduler only; the multi-thread one reads
    /// its queue's indices).
    pub(crate) queue_depth: AtomicU64,
    pub(crate) poll_time: Histogram,
    pub(crate) schedule_latency: Histogram,
}

/// How the histograms are configured and sampled; chosen by the builder.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    pub(crate) poll_time: Layout,
    /// Time every poll (the user called `enable_metrics_poll_time_histogram`), not 1 in 16.
    pub(crate) time_every_poll: bool,
    pub(crate) schedule_latency: Layout,
}

impl WorkerMetrics {
    pub(crate) fn new(config: &Config) -> WorkerMetrics {
        WorkerMetrics {
            park_count: AtomicU64::new(0),
            park_unpark_count: AtomicU64::new(0),
            noop_count: AtomicU64::new(0),
            steal_count: AtomicU64::new(0),
            steal_operations: AtomicU64::new(0),
            poll_count: AtomicU64::new(0),
            local_schedule_count: AtomicU64::new(0),
            overflow_count: AtomicU64::new(0),
            busy: AtomicU64::new(0),
            mean_poll_time_ns: AtomicU64::new(0),
            queue_depth: AtomicU64::new(0),
            poll_time: Histogram::new(config.poll_time),
            schedule_latency: Histogram::new(config.schedule_latency),
        }
    }

    /// Total busy nanoseconds, including the stretch in progress if the worker is busy now.
    pub(crate) fn busy_ns(&self) -> u64 {
        decode_busy(self.busy.load(Relaxed), cycles::instant_ns())
    }
}

/// The busy time lives in one word so a reader needs one load and never sees a torn pair:
/// while idle the word is `total << 1`; while busy it is `(total - since) << 1 | 1` (as a
/// two's-complement number), so `total + (now - since)` is the decoded value plus `now`.
fn busy_word(total: u64, busy_since: Option<u64>) -> u64 {
    match busy_since {
        None => total << 1,
        Some(since) => (total.wrapping_sub(since) << 1) | 1,
    }
}

fn decode_busy(word: u64, now: u64) -> u64 {
    let x = (word as i64) >> 1;
    if word & 1 == 0 {
        x as u64
    } else {
        (x as u64).wrapping_add(now)
    }
}

/// The owner's side: private copies of the counters, sampling state, and the shared block it
/// publishes to.
pub(crate) struct Recorder {
    shared: Arc<WorkerMetrics>,
    time_every_poll: bool,
    polls: u64,
    polls_at_last_park: u64,
    parks: u64,
    park_unparks: u64,
    noops: u64,
    steals: u64,
    steal_ops: u64,
    local_schedules: u64,
    overflows: u64,
    busy_total: u64,
    busy_since: Option<u64>,
    mean_poll_ns: u64,
    /// A sampled wake waiting for its task's poll: the task's id (unique, unlike its address), the cheap clock at the
    /// wake, and `local_schedules` then.
    stamped: Option<(u64, u64, u64)>,
}

impl Recorder {
    pub(crate) fn new(shared: Arc<WorkerMetrics>, config: &Config) -> Recorder {
        Recorder {
            shared,
            time_every_poll: config.time_every_poll,
            polls: 0,
            polls_at_last_park: 0,
            parks: 0,
            park_unparks: 0,
            noops: 0,
            steals: 0,
            steal_ops: 0,
            local_schedules: 0,
            overflows: 0,
            busy_total: 0,
            busy_since: None,
            mean_poll_ns: 0,
            stamped: None,
        }
    }

    /// A task is about to be polled. Returns the cheap clock's reading if this poll is timed.
    #[inline]
    pub(crate) fn start_poll(&mut self, task: u64) -> Option<u64> {
        self.polls += 1;
        self.shared.poll_count.store(self.polls, Relaxed);
        let mut start = None;
        if let Some((addr, at, _)) = self.stamped {
            if addr == task {
                let now = cycles::now();
                self.shared
                    .schedule_latency
                    .record(cycles::elapsed_ns(at, now));
                self.stamped = None;
                start = Some(now);
            }
        }
        // The first poll is timed, so even a handful of polls gives a mean.
        if self.time_every_poll || self.polls % SAMPLE_INTERVAL == 1 {
            return Some(start.unwrap_or_else(cycles::now));
        }
        None
    }

    /// The poll that `start_poll` timed has returned.
    #[inline]
    pub(crate) fn end_poll(&mut self, start: u64) {
        let ns = cycles::elapsed_ns(start, cycles::now());
        self.shared.poll_time.record(ns);
        self.mean_poll_ns = if self.mean_poll_ns == 0 {
            ns
        } else {
            let diff = ns as i64 - self.mean_poll_ns as i64;
            (self.mean_poll_ns as i64 + (diff >> EWMA_SHIFT)).max(1) as u64
        };
        self.shared
            .mean_poll_time_ns
            .store(self.mean_poll_ns, Relaxed);
    }

    /// A task was queued on this worker by code running on it.
    #[inline]
    pub(crate) fn local_schedule(&mut self, task: u64) {
        self.local_schedules += 1;
        self.shared
            .local_schedule_count
            .store(self.local_schedules, Relaxed);
        if self.local_schedules % SAMPLE_INTERVAL == 0 {
            self.stamp(task);
        }
    }

    fn stamp(&mut self, task: u64) {
        let free = match self.stamped {
            None => true,
            Some((_, _, at)) => self.local_schedules - at > STALE_AFTER_SCHEDULES,
        };
        if free {
            self.stamped = Some((task, cycles::now(), self.local_schedules));
        }
    }

    pub(crate) fn overflow(&mut self) {
        self.overflows += 1;
        self.shared.overflow_count.store(self.overflows, Relaxed);
    }

    /// One steal operation that moved `tasks` tasks.
    pub(crate) fn stole(&mut self, tasks: u64) {
        self.steal_ops += 1;
        self.steals += tasks;
        self.shared.steal_operations.store(self.steal_ops, Relaxed);
        self.shared.steal_count.store(self.steals, Relaxed);
    }

    pub(crate) fn set_queue_depth(&self, depth: usize) {
        self.shared.queue_depth.store(depth as u64, Relaxed);
    }

    /// The worker starts (or resumes) running tasks.
    pub(crate) fn start_busy(&mut self) {
        if self.busy_since.is_none() {
            let now = cycles::instant_ns();
            self.busy_since = Some(now);
            self.publish_busy();
        }
    }

    /// The worker stops running tasks (parks, or leaves the scheduler).
    pub(crate) fn end_busy(&mut self) {
        if let Some(since) = self.busy_since.take() {
            self.busy_total += cycles::instant_ns().saturating_sub(since);
            self.publish_busy();
        }
    }

    fn publish_busy(&self) {
        self.shared
            .busy
            .store(busy_word(self.busy_total, self.busy_since), Relaxed);
    }

    /// The worker is about to block waiting for work.
    pub(crate) fn about_to_park(&mut self) {
        self.parks += 1;
        self.park_unparks += 1;
        if self.polls == self.polls_at_last_park {
            self.noops += 1;
            self.shared.noop_count.store(self.noops, Relaxed);
        }
        self.polls_at_last_park = self.polls;
        self.shared.park_count.store(self.parks, Relaxed);
        self.shared
            .park_unpark_count
            .store(self.park_unparks, Relaxed);
        self.end_busy();
    }

    /// The worker woke from `about_to_park`'s wait.
    pub(crate) fn unparked(&mut self) {
        self.park_unparks += 1;
        self.shared
            .park_unpark_count
            .store(self.park_unparks, Relaxed);
        self.start_busy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_word_round_trips() {
        assert_eq!(decode_busy(busy_word(500, None), 10_000), 500);
        // Busy since t=9000 with 500 before: at t=10000 that is 1500.
        assert_eq!(decode_busy(busy_word(500, Some(9_000)), 10_000), 1_500);
        assert_eq!(decode_busy(busy_word(0, Some(1 << 60)), (1 << 60) + 7), 7);
    }
}
