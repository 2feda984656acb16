//! Which workers are parked and how many are searching for work.
//!
//! At most half the workers search at once (more would only fight over the same queues), and
//! a parked worker is woken only when nobody is searching: a searcher will find the new work
//! and, on finding it, wake the next sleeper itself.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;

pub(super) struct Idle {
    /// Low half: searching workers; high half: unparked workers.
    state: AtomicUsize,
    num_workers: usize,
    sleepers: Mutex<Vec<usize>>,
}

const UNPARK_SHIFT: usize = 16;
const UNPARK_MASK: usize = !SEARCH_MASK;
const SEARCH_MASK: usize = (1 << UNPARK_SHIFT) - 1;

fn num_searching(state: usize) -> usize {
    state & SEARCH_MASK
}

fn num_unparked(state: usize) -> usize {
    (state & UNPARK_MASK) >> UNPARK_SHIFT
}

impl Idle {
    pub(super) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many worker threads");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            num_workers,
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
        }
    }

    /// Picks a parked worker to wake for new work, marking it unparked and searching; `None`
    /// if a worker is already searching or none is parked.
    pub(super) fn worker_to_notify(&self) -> Option<usize> {
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        // Re-check under the lock: a worker may have started searching meanwhile.
        if !self.notify_should_wakeup() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.state.fetch_add((1 << UNPARK_SHIFT) | 1, SeqCst);
        Some(worker)
    }

    /// The worker parks. Returns true if it was the last searching worker (it must then check
    /// for work that arrived while it searched, so that work is not stranded).
    pub(super) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = (1 << UNPARK_SHIFT) | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(worker);
        is_searching && num_searching(prev) == 1
    }

    /// The worker wants to search; false if half the workers already do.
    pub(super) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(SeqCst);
        if 2 * num_searching(state) >= self.num_workers {
            return false;
        }
        // Racy by design: a few extra searchers are harmless, the limit only bounds waste.
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// The worker found work and stops searching. True if it was the last searcher (it must
    /// then wake another worker, since more work may be pending).
    pub(super) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        num_searching(prev) == 1
    }

    /// Wakes a specific worker (it found work in its own queue after an unpark, or shutdown).
    /// Returns true if it was parked (and is now counted unparked, not searching).
    pub(super) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        if let Some(pos) = sleepers.iter().position(|&w| w == worker) {
            sleepers.swap_remove(pos);
            self.state.fetch_add(1 << UNPARK_SHIFT, SeqCst);
            return true;
        }
        false
    }

    pub(super) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    fn notify_should_wakeup(&self) -> bool {
        // The caller has just published work (a queue push) and now reads the searching count;
        // the last searcher does the mirror image (decrements the count, then re-reads the
        // queues). A read-modify-write (not a load) makes that hand-off safe by acquire/release
        // alone: either this RMW comes first in the count's modification order, and the
        // searcher's decrement reads from it and so sees the push, or it comes second and sees
        // the searcher gone (then the sleeper list, under its lock, has the searcher in it).
        // A plain load relies on the SeqCst total order instead, which loom cannot check; the
        // model `loom_idle_last_searcher_never_strands_work` fails with one.
        let state = self.state.fetch_add(0, SeqCst);
        num_searching(state) == 0 && num_unparked(state) < self.num_workers
    }
}
