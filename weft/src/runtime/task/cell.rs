//! The task cell: one allocation holding the header, the scheduler handle, the future (then its
//! output) and the join waker.

use super::error::Repr;
use super::raw::Vtable;
use super::state::State;
use super::{Id, Schedule};
use crate::loom::cell::UnsafeCell;
use crate::runtime::diag::SpawnInfo;
use crate::util::linked_list::Pointers;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// The untyped front of every task; a `NonNull<Header>` is what queues, lists and wakers hold.
#[repr(C)]
pub(crate) struct Header {
    pub(super) state: State,
    pub(super) vtable: &'static Vtable,
    /// Links in the runtime's owned-tasks list (so shutdown can reach every task).
    pub(super) owned: Pointers<Header>,
    pub(super) id: Id,
    /// Spawn location, name, poll and wait records for the detector and the dump.
    pub(crate) info: crate::runtime::diag::TaskInfo,
}

impl Header {
    pub(crate) fn id(&self) -> Id {
        self.id
    }

    /// What the dump says about the task's lifecycle flags.
    pub(crate) fn lifecycle(&self) -> super::Lifecycle {
        let s = self.state.load();
        if s.is_complete() {
            super::Lifecycle::Finished
        } else if s.is_running() {
            super::Lifecycle::Running
        } else if s.is_notified() {
            super::Lifecycle::Scheduled
        } else {
            super::Lifecycle::Idle
        }
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.state.load().is_cancelled()
    }
}

/// Where the future lives while it runs, and its output afterwards.
pub(super) enum Stage<T: Future> {
    Running(T),
    /// Split from `Failed` (rather than one `Result`) so the failure's word can share the
    /// output's space: an empty task's stage is two words.
    Finished(T::Output),
    Failed(Repr),
    Consumed,
}

/// The typed cell. `repr(C)` keeps the header at offset zero, so a `NonNull<Header>` is also a
/// pointer to the cell.
#[repr(C)]
pub(super) struct Cell<T: Future, S> {
    pub(super) header: Header,
    pub(super) scheduler: S,
    /// Accessed only by whoever holds the RUNNING bit, or by the `JoinHandle` after COMPLETE.
    pub(super) stage: UnsafeCell<Stage<T>>,
    /// The join waker; access governed by the JOIN_WAKER protocol in `state.rs`.
    pub(super) join_waker: UnsafeCell<Option<Waker>>,
}

impl<T: Future, S: Schedule> Cell<T, S> {
    pub(super) fn allocate(future: T, scheduler: S, spawn: SpawnInfo) -> NonNull<Header> {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable: super::raw::vtable::<T, S>(),
                owned: Pointers::new(),
                id: spawn.id,
                info: crate::runtime::diag::TaskInfo::new(spawn.location, spawn.name),
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
            join_waker: UnsafeCell::new(None),
        });
        NonNull::from(Box::leak(cell)).cast()
    }
}

impl<T: Future, S> Cell<T, S> {
    /// Polls the future. The caller holds the RUNNING bit.
    ///
    /// # Safety
    /// Exclusive access to the stage (the RUNNING bit), and the cell is pinned in its
    /// allocation.
    pub(super) unsafe fn poll_future(&self, cx: &mut Context<'_>) -> Poll<T::Output> {
        self.stage.with_mut(|ptr| {
            // SAFETY: the caller holds RUNNING, so nobody else touches the stage.
            let stage = unsafe { &mut *ptr };
            let Stage::Running(future) = stage else {
                unreachable!("polled a task whose future is gone")
            };
            // SAFETY: the cell never moves (it is a leaked Box until dealloc), so the future is
            // pinned.
            let future = unsafe { Pin::new_unchecked(future) };
            future.poll(cx)
        })
    }

    /// Replaces the stage (dropping the future or an unread output).
    ///
    /// # Safety
    /// As in `poll_future`, or the `JoinHandle` after COMPLETE.
    pub(super) unsafe fn set_stage(&self, stage: Stage<T>) {
        // Destructors of the future and of the output see their task's id (`task::id()`), as
        // in tokio, wherever they run: on completion, cancellation, or a `JoinHandle` drop.
        // SAFETY: the caller has exclusive access to the stage.
        let set = || self.stage.with_mut(|ptr| unsafe { *ptr = stage });
        if crate::runtime::context::current_task_id() == Some(self.header.id) {
            set();
        } else {
            crate::runtime::context::with_task(&self.header, set);
        }
    }

    /// Takes the output out, leaving `Consumed`.
    ///
    /// # Safety
    /// The `JoinHandle` after observing COMPLETE.
    pub(super) unsafe fn take_output(&self) -> Result<T::Output, Repr> {
        // SAFETY: the caller has exclusive access to the stage.
        self.stage.with_mut(
            |ptr| match std::mem::replace(unsafe { &mut *ptr }, Stage::Consumed) {
                Stage::Finished(out) => Ok(out),
                Stage::Failed(repr) => Err(repr),
                _ => panic!("JoinHandle polled after completion"),
            },
        )
    }

    /// # Safety
    /// The caller owns the join waker slot per the JOIN_WAKER protocol.
    pub(super) unsafe fn set_join_waker(&self, waker: Option<Waker>) {
        // SAFETY: the caller owns the slot.
        self.join_waker.with_mut(|ptr| unsafe { *ptr = waker });
    }

    /// # Safety
    /// The caller may read the join waker slot per the JOIN_WAKER protocol.
    pub(super) unsafe fn join_waker_will_wake(&self, waker: &Waker) -> bool {
        // SAFETY: the caller may read the slot.
        self.join_waker.with(|ptr| match unsafe { &*ptr } {
            Some(w) => w.will_wake(waker),
            None => false,
        })
    }

    /// # Safety
    /// As `join_waker_will_wake`.
    pub(super) unsafe fn wake_join(&self) {
        self.join_waker.with(|ptr| {
            // SAFETY: the caller may read the slot.
            if let Some(w) = unsafe { &*ptr } {
                w.wake_by_ref();
            }
        });
    }
}
