//! A worker's LIFO slot: the task just woken by the running one, run next for its hot cache.
//!
//! Only the owner puts tasks in. It used to be a plain field of the worker's core, which no
//! other thread can reach: a task that blocks its worker then strands the task it woke just
//! before (tokio has the same trap). Here the slot is one atomic pointer, so the long-poll
//! monitor can take the stranded task out and hand it to another worker ([`Lifo::steal`]).
//! The owner pays one atomic swap to fill the slot and one to empty it (no swap when it is
//! empty); a steal is a swap too, so each task leaves the slot exactly once.

use crate::loom::sync::atomic::{AtomicPtr, Ordering::*};
use crate::runtime::task::{Header, Notified};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

pub(crate) struct Lifo<S: 'static> {
    /// A `Notified<S>` given up with `into_raw`, or null.
    task: AtomicPtr<Header>,
    _owns: PhantomData<Notified<S>>,
}

// SAFETY: the slot owns at most one `Notified`, which is `Send`; every access moves it in or
// out with one atomic swap, so no two threads ever hold it.
unsafe impl<S> Send for Lifo<S> {}
// SAFETY: as above.
unsafe impl<S> Sync for Lifo<S> {}

impl<S: 'static> Lifo<S> {
    pub(crate) fn new() -> Lifo<S> {
        Lifo {
            task: AtomicPtr::new(ptr::null_mut()),
            _owns: PhantomData,
        }
    }

    /// Puts `task` in the slot and returns the task it held, if any (owner only).
    pub(crate) fn replace(&self, task: Notified<S>) -> Option<Notified<S>> {
        let new = task.into_raw().as_ptr();
        // Release: a thief that takes the task sees it fully scheduled.
        let prev = self.task.swap(new, AcqRel);
        // SAFETY: a non-null value in the slot came from `into_raw` of a `Notified<S>` and the
        // swap made us its only holder.
        NonNull::new(prev).map(|p| unsafe { Notified::from_raw(p) })
    }

    /// Takes the slot's task (owner only).
    #[inline]
    pub(crate) fn take(&self) -> Option<Notified<S>> {
        // The owner is the only one that fills the slot, so an empty slot stays empty here.
        if self.task.load(Relaxed).is_null() {
            return None;
        }
        self.steal()
    }

    /// Takes the slot's task from any thread.
    pub(crate) fn steal(&self) -> Option<Notified<S>> {
        let prev = self.task.swap(ptr::null_mut(), AcqRel);
        // SAFETY: as in `replace`.
        NonNull::new(prev).map(|p| unsafe { Notified::from_raw(p) })
    }

    /// Whether the slot holds a task (exact for the owner).
    #[inline]
    pub(crate) fn is_some(&self) -> bool {
        !self.task.load(Relaxed).is_null()
    }
}

impl<S: 'static> Drop for Lifo<S> {
    fn drop(&mut self) {
        drop(self.steal());
    }
}
