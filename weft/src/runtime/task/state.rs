//! The task state word and its typed transitions.
//!
//! One `usize` holds the lifecycle flags in its low bits and the reference count above them.
//! Every change goes through a method here that documents what the caller may do afterwards,
//! so the harness never reasons about raw bits.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use std::fmt;

/// The future is being polled (or cancelled) by whoever set this bit; only they touch it.
const RUNNING: usize = 0b00_0001;
/// The future is gone and the output (or the error) is in the cell.
const COMPLETE: usize = 0b00_0010;
/// A `Notified` for this task exists (in a queue, or about to be).
const NOTIFIED: usize = 0b00_0100;
/// The `JoinHandle` is alive and will read the output.
const JOIN_INTEREST: usize = 0b00_1000;
/// A join waker is stored; while set, the runtime may read it and the `JoinHandle` may not
/// write it.
const JOIN_WAKER: usize = 0b01_0000;
/// The task was aborted or the runtime is shutting down: drop the future at the next chance.
const CANCELLED: usize = 0b10_0000;

const FLAG_BITS: u32 = 6;
const REF_ONE: usize = 1 << FLAG_BITS;

/// A new task has three references — the owned-tasks list, the first `Notified`, and the
/// `JoinHandle` — and is notified (it is about to be scheduled for its first poll).
const INITIAL: usize = (REF_ONE * 3) | JOIN_INTEREST | NOTIFIED;

pub(super) struct State {
    val: AtomicUsize,
}

/// A copy of the state word.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) struct Snapshot(usize);

#[must_use]
pub(super) enum TransitionToRunning {
    /// Poll the future.
    Success,
    /// Cancel it instead (drop the future, store `JoinError::Cancelled`).
    Cancelled,
    /// Someone else runs it or it is done; the caller's reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference: deallocate.
    Dealloc,
}

#[must_use]
pub(super) enum TransitionToIdle {
    /// Done with this poll; the caller's reference was dropped.
    Ok,
    /// Woken while running: the caller's reference now belongs to a new `Notified` that the
    /// caller must schedule.
    OkNotified,
    /// As `Ok`, and that was the last reference.
    OkDealloc,
    /// Aborted while running: the caller still runs it and must cancel it now.
    Cancelled,
}

#[must_use]
pub(super) enum TransitionToNotifiedByVal {
    /// Nothing to schedule; the waker's reference was dropped.
    DoNothing,
    /// Schedule: the waker's reference becomes the `Notified`.
    Submit,
    /// Nothing to schedule, and the waker held the last reference.
    Dealloc,
}

#[must_use]
pub(super) enum TransitionToNotifiedByRef {
    DoNothing,
    /// Schedule a `Notified` that owns a newly added reference.
    Submit,
}

impl State {
    pub(super) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    pub(super) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Applies `f` atomically; `f` returns the action and the new value (or `None` to leave
    /// the word unchanged).
    fn update<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (out, next) = f(curr);
            let Some(next) = next else { return out };
            match self.val.compare_exchange(curr.0, next.0, AcqRel, Acquire) {
                Ok(_) => return out,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// A `Notified` is about to be run. The `Notified`'s reference becomes the run's.
    pub(super) fn transition_to_running(&self) -> TransitionToRunning {
        self.update(|curr| {
            debug_assert!(curr.is_notified(), "running a task that was not notified");
            let mut next = curr;
            if !curr.is_idle() {
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(next));
            }
            next.0 |= RUNNING;
            next.0 &= !NOTIFIED;
            let action = if curr.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(next))
        })
    }

    /// A poll returned `Pending`.
    pub(super) fn transition_to_idle(&self) -> TransitionToIdle {
        self.update(|curr| {
            debug_assert!(curr.is_running());
            if curr.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            let mut next = curr;
            next.0 &= !RUNNING;
            if next.is_notified() {
                (TransitionToIdle::OkNotified, Some(next))
            } else {
                next.ref_dec();
                if next.ref_count() == 0 {
                    (TransitionToIdle::OkDealloc, Some(next))
                } else {
                    (TransitionToIdle::Ok, Some(next))
                }
            }
        })
    }

    /// The future is gone and the output stored. Returns the state after the change.
    pub(super) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ (RUNNING | COMPLETE))
    }

    /// Drops `count` references; true if none are left (deallocate).
    pub(super) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(prev.ref_count() >= count, "task reference count underflow");
        prev.ref_count() == count
    }

    /// A waker is consumed by `wake`.
    pub(super) fn transition_to_notified_by_val(&self) -> TransitionToNotifiedByVal {
        self.update(|curr| {
            let mut next = curr;
            let action = if curr.is_running() {
                // The running poll will see NOTIFIED and reschedule; the run holds a reference,
                // so dropping ours cannot reach zero.
                next.0 |= NOTIFIED;
                next.ref_dec();
                debug_assert!(next.ref_count() > 0);
                TransitionToNotifiedByVal::DoNothing
            } else if curr.is_complete() || curr.is_notified() {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToNotifiedByVal::Dealloc
                } else {
                    TransitionToNotifiedByVal::DoNothing
                }
            } else {
                next.0 |= NOTIFIED;
                TransitionToNotifiedByVal::Submit
            };
            (action, Some(next))
        })
    }

    /// A waker is used by `wake_by_ref`.
    pub(super) fn transition_to_notified_by_ref(&self) -> TransitionToNotifiedByRef {
        self.update(|curr| {
            if curr.is_complete() || curr.is_notified() {
                (TransitionToNotifiedByRef::DoNothing, None)
            } else if curr.is_running() {
                let mut next = curr;
                next.0 |= NOTIFIED;
                (TransitionToNotifiedByRef::DoNothing, Some(next))
            } else {
                let mut next = curr;
                next.0 |= NOTIFIED;
                next.ref_inc();
                (TransitionToNotifiedByRef::Submit, Some(next))
            }
        })
    }

    /// `abort`: marks the task cancelled; true if the caller must schedule a new `Notified`
    /// (which owns a newly added reference) so a worker runs the cancellation.
    pub(super) fn transition_to_notified_and_cancel(&self) -> bool {
        self.update(|curr| {
            if curr.is_cancelled() || curr.is_complete() {
                return (false, None);
            }
            let mut next = curr;
            next.0 |= CANCELLED;
            if curr.is_running() || curr.is_notified() {
                // Whoever runs it now, or will run the pending `Notified`, sees CANCELLED.
                (false, Some(next))
            } else {
                next.0 |= NOTIFIED;
                next.ref_inc();
                (true, Some(next))
            }
        })
    }

    /// Runtime shutdown: marks the task cancelled and, if it is idle, takes the RUNNING bit so
    /// the caller may drop the future right now. True if the caller got the bit.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        self.update(|curr| {
            let mut next = curr;
            next.0 |= CANCELLED;
            let idle = curr.is_idle();
            if idle {
                next.0 |= RUNNING;
            }
            (idle, Some(next))
        })
    }

    /// The fast path of dropping a `JoinHandle` of a task that never ran.
    pub(super) fn drop_join_handle_fast(&self) -> Result<(), ()> {
        self.val
            .compare_exchange_weak(
                INITIAL,
                (INITIAL - REF_ONE) & !JOIN_INTEREST,
                AcqRel,
                Acquire,
            )
            .map(|_| ())
            .map_err(|_| ())
    }

    /// The `JoinHandle` is going away. Returns `(drop_output, drop_waker)`: whether the handle
    /// must drop the stored output (the task completed before it let go) and whether it now
    /// owns the join waker slot and must clear it.
    pub(super) fn transition_to_join_handle_dropped(&self) -> (bool, bool) {
        self.update(|curr| {
            debug_assert!(curr.is_join_interested());
            let mut next = curr;
            next.0 &= !JOIN_INTEREST;
            if !curr.is_complete() {
                // Before completion the runtime never reads the waker without JOIN_WAKER, so
                // clearing it hands the slot to the handle.
                next.0 &= !JOIN_WAKER;
            }
            let out = (curr.is_complete(), !next.is_join_waker_set());
            (out, Some(next))
        })
    }

    /// Publishes a join waker the `JoinHandle` just wrote. Fails if the task completed first
    /// (the handle then reads the output instead).
    pub(super) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.update(|curr| {
            debug_assert!(curr.is_join_interested() && !curr.is_join_waker_set());
            if curr.is_complete() {
                return (Err(curr), None);
            }
            let mut next = curr;
            next.0 |= JOIN_WAKER;
            (Ok(next), Some(next))
        })
    }

    /// Takes the join waker slot back to replace the waker. Fails if the task completed.
    pub(super) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.update(|curr| {
            debug_assert!(curr.is_join_interested() && curr.is_join_waker_set());
            if curr.is_complete() {
                return (Err(curr), None);
            }
            let mut next = curr;
            next.0 &= !JOIN_WAKER;
            (Ok(next), Some(next))
        })
    }

    /// After waking the join waker at completion: gives up the runtime's access to it and
    /// returns the previous state (if the `JoinHandle` is gone, the runtime drops the waker).
    pub(super) fn unset_waker_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, AcqRel));
        debug_assert!(prev.is_complete() && prev.is_join_waker_set());
        prev
    }

    pub(super) fn ref_inc(&self) {
        let prev = self
            .val
            .fetch_add(REF_ONE, std::sync::atomic::Ordering::Relaxed);
        // A count this large means a reference leak; stop before it wraps into the flags.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; true if it was the last.
    pub(super) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }
}

impl Snapshot {
    pub(super) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
    pub(super) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(super) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(super) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(super) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(super) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(super) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(super) fn ref_count(self) -> usize {
        self.0 >> FLAG_BITS
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}
