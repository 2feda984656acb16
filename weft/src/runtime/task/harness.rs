//! The typed task operations behind the vtable: poll, complete, cancel, join, dealloc.

use super::cell::{Cell, Header, Stage};
use super::error::{Repr, SyncPayload};
use super::raw::RawTask;
use super::state::{TransitionToIdle, TransitionToRunning};
use super::waker::waker_ref;
use super::{JoinError, Notified, Schedule, Task};
use crate::runtime::{context, coop};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// # Safety
/// `ptr` is the header of a `Cell<T, S>`.
unsafe fn cell<'a, T: Future, S>(ptr: NonNull<Header>) -> &'a Cell<T, S> {
    // SAFETY: the caller guarantees the type; the header is at offset 0 of the repr(C) cell.
    unsafe { ptr.cast::<Cell<T, S>>().as_ref() }
}

fn raw(ptr: NonNull<Header>) -> RawTask {
    // SAFETY: `ptr` is a live header (the vtable is only called through live tasks).
    unsafe { RawTask::from_raw(ptr) }
}

pub(super) unsafe fn poll<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable for `<T, S>` only calls this with a `Cell<T, S>`.
    let cell = unsafe { cell::<T, S>(ptr) };
    match cell.header.state.transition_to_running() {
        TransitionToRunning::Success => {
            cell.header.info.on_poll();
            let waker = waker_ref(&cell.header);
            let mut cx = Context::from_waker(&waker);
            // SAFETY: we hold RUNNING.
            if unsafe { poll_future(cell, &mut cx) }.is_ready() {
                complete::<T, S>(ptr, 1);
                return;
            }
            match cell.header.state.transition_to_idle() {
                TransitionToIdle::Ok => {}
                TransitionToIdle::OkNotified => {
                    // The run's reference becomes the new `Notified`'s.
                    // SAFETY: the reference is transferred, and `S` is the task's scheduler.
                    let task = Notified(unsafe { Task::from_raw(raw(ptr)) });
                    cell.scheduler.yield_now(task);
                }
                TransitionToIdle::OkDealloc => raw(ptr).dealloc(),
                TransitionToIdle::Cancelled => {
                    // SAFETY: we still hold RUNNING.
                    unsafe { cancel(cell) };
                    complete::<T, S>(ptr, 1);
                }
            }
        }
        TransitionToRunning::Cancelled => {
            // SAFETY: we hold RUNNING.
            unsafe { cancel(cell) };
            complete::<T, S>(ptr, 1);
        }
        TransitionToRunning::Failed => {}
        TransitionToRunning::Dealloc => raw(ptr).dealloc(),
    }
}

/// Polls the future inside the task's context (id, budget), catching a panic. On `Ready` the
/// future has been dropped and the output (or the panic) stored.
///
/// # Safety
/// The caller holds RUNNING.
unsafe fn poll_future<T: Future, S: Schedule>(cell: &Cell<T, S>, cx: &mut Context<'_>) -> Poll<()> {
    let res = catch_unwind(AssertUnwindSafe(|| {
        context::with_task(&cell.header, || {
            let guard = DropOnUnwind(cell);
            // SAFETY: we hold RUNNING.
            let poll = coop::budget(|| unsafe { guard.0.poll_future(cx) });
            std::mem::forget(guard);
            poll
        })
    }));
    let output = match res {
        Ok(Poll::Pending) => return Poll::Pending,
        Ok(Poll::Ready(out)) => Ok(out),
        Err(payload) => Err(Repr::Panic(SyncPayload::new(payload))),
    };
    // Drop the future before publishing the output, so its destructor has run by the time
    // the `JoinHandle` sees completion (after a panic it is already gone: `Consumed` drops
    // nothing). A panicking destructor after `Ready` becomes the task's panic.
    // SAFETY: we hold RUNNING.
    let output = match catch_unwind(AssertUnwindSafe(|| unsafe {
        cell.set_stage(Stage::Consumed)
    })) {
        Ok(()) => output,
        Err(payload) => {
            // The output is lost with the future's panic. Its own destructor may panic as
            // well, and must not unwind into the scheduler.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(output)));
            Err(Repr::Panic(SyncPayload::new(payload)))
        }
    };
    let panicked = output.is_err();
    // SAFETY: we hold RUNNING.
    unsafe { store_output(cell, output) };
    if panicked {
        cell.scheduler.unhandled_panic();
    }
    Poll::Ready(())
}

/// Drops the future if its `poll` unwinds, during the unwind, as tokio does: its destructor
/// sees `std::thread::panicking()` and can tell a crash from an ordinary completion.
struct DropOnUnwind<'a, T: Future, S>(&'a Cell<T, S>);

impl<T: Future, S> Drop for DropOnUnwind<'_, T, S> {
    fn drop(&mut self) {
        // A panic escaping a destructor during an unwind aborts the process, so a panicking
        // destructor is caught here; the task reports the poll's panic. If the destructor
        // panics, the assignment still leaves `Consumed` in the stage.
        // SAFETY: this guard only exists inside `poll_future`, whose caller holds RUNNING.
        let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
            self.0.set_stage(Stage::Consumed)
        }));
    }
}

/// # Safety
/// The caller holds RUNNING.
unsafe fn store_output<T: Future, S>(cell: &Cell<T, S>, output: Result<T::Output, Repr>) {
    // Dropping `Consumed` cannot panic; the output is moved in.
    // SAFETY: we hold RUNNING.
    unsafe {
        cell.set_stage(match output {
            Ok(out) => Stage::Finished(out),
            Err(repr) => Stage::Failed(repr),
        })
    };
}

/// Drops the future and stores `Cancelled` (or the destructor's panic).
///
/// # Safety
/// The caller holds RUNNING.
unsafe fn cancel<T: Future, S>(cell: &Cell<T, S>) {
    // SAFETY: we hold RUNNING (`set_stage` enters the task for the destructor).
    let res = catch_unwind(AssertUnwindSafe(|| unsafe {
        cell.set_stage(Stage::Consumed)
    }));
    let repr = match res {
        Ok(()) => Repr::Cancelled,
        Err(payload) => Repr::Panic(SyncPayload::new(payload)),
    };
    // SAFETY: we hold RUNNING.
    unsafe { store_output(cell, Err(repr)) };
}

/// Publishes completion, notifies or cleans up after the `JoinHandle`, releases the task from
/// its owner and drops `refs` references (the caller's) plus the owner's if it returned one.
fn complete<T: Future, S: Schedule>(ptr: NonNull<Header>, refs: usize) {
    // SAFETY: `ptr` is a `Cell<T, S>` (we were called through its vtable).
    let cell = unsafe { cell::<T, S>(ptr) };
    let snapshot = cell.header.state.transition_to_complete();
    // A panicking output destructor or join waker must not unwind through the scheduler.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if !snapshot.is_join_interested() {
            // Nobody will read the output: drop it now.
            // SAFETY: with COMPLETE set and no JoinHandle, the stage is ours.
            unsafe { cell.set_stage(Stage::Consumed) };
        } else if snapshot.is_join_waker_set() {
            // SAFETY: JOIN_WAKER is set, so the runtime may read the slot.
            unsafe { cell.wake_join() };
            let prev = cell.header.state.unset_waker_after_complete();
            if !prev.is_join_interested() {
                // The handle went away meanwhile and left the waker to us.
                // SAFETY: JOIN_WAKER was ours and the handle has given up the slot.
                unsafe { cell.set_join_waker(None) };
            }
        }
    }));
    // SAFETY: the task is live; `release` gets a borrowed view of it.
    let me = std::mem::ManuallyDrop::new(unsafe { Task::<S>::from_raw(raw(ptr)) });
    let released = cell.scheduler.release(&me);
    let count = refs
        + match released {
            Some(task) => {
                std::mem::forget(task);
                1
            }
            None => 0,
        };
    if cell.header.state.transition_to_terminal(count) {
        raw(ptr).dealloc();
    }
}

pub(super) unsafe fn schedule<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable for `<T, S>` only calls this with a `Cell<T, S>`.
    let cell = unsafe { cell::<T, S>(ptr) };
    // SAFETY: the caller passes one reference, which the `Notified` takes over.
    let task = Notified(unsafe { Task::from_raw(raw(ptr)) });
    cell.scheduler.schedule(task);
}

pub(super) unsafe fn dealloc<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the reference count is zero, so nobody else can reach the cell, and it was
    // allocated as a `Box<Cell<T, S>>`.
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<T, S>>().as_ptr()) });
}

pub(super) unsafe fn try_read_output<T: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: the vtable for `<T, S>` only calls this with a `Cell<T, S>`.
    let cell = unsafe { cell::<T, S>(ptr) };
    if can_read_output(cell, waker) {
        // SAFETY: COMPLETE is set and we are the JoinHandle, so the stage is ours.
        let out = unsafe { cell.take_output() };
        let out = out.map_err(|repr| JoinError::from_repr(repr, cell.header.id));
        // SAFETY: the caller guarantees `dst`'s type.
        unsafe { *(dst as *mut Poll<Result<T::Output, JoinError>>) = Poll::Ready(out) };
    }
}

/// True if the output can be read; otherwise the waker is registered for completion.
fn can_read_output<T: Future, S>(cell: &Cell<T, S>, waker: &Waker) -> bool {
    let state = &cell.header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let res = if !snapshot.is_join_waker_set() {
        // SAFETY: JOIN_WAKER is clear, so the handle owns the slot.
        unsafe { cell.set_join_waker(Some(waker.clone())) };
        state.set_join_waker()
    } else {
        // SAFETY: with JOIN_WAKER set the slot may be read by both sides.
        if unsafe { cell.join_waker_will_wake(waker) } {
            return false;
        }
        state.unset_join_waker().and_then(|_| {
            // SAFETY: we just took the slot back.
            unsafe { cell.set_join_waker(Some(waker.clone())) };
            state.set_join_waker()
        })
    };
    match res {
        Ok(_) => false,
        Err(s) => {
            debug_assert!(s.is_complete());
            // Completed before we published the waker: the slot is still ours; empty it.
            if !s.is_join_waker_set() {
                // SAFETY: JOIN_WAKER is clear and we are the handle.
                unsafe { cell.set_join_waker(None) };
            }
            true
        }
    }
}

pub(super) unsafe fn drop_join_handle_slow<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable for `<T, S>` only calls this with a `Cell<T, S>`.
    let cell = unsafe { cell::<T, S>(ptr) };
    let (drop_output, drop_waker) = cell.header.state.transition_to_join_handle_dropped();
    if drop_output {
        // The output may panic on drop; the handle's owner should not see it.
        // SAFETY: COMPLETE was set while we were the handle, so the stage is ours.
        let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
            cell.set_stage(Stage::Consumed)
        }));
    }
    if drop_waker {
        // SAFETY: the transition gave the slot to us.
        unsafe { cell.set_join_waker(None) };
    }
    raw(ptr).drop_reference();
}

pub(super) unsafe fn shutdown<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable for `<T, S>` only calls this with a `Cell<T, S>`.
    let cell = unsafe { cell::<T, S>(ptr) };
    if !cell.header.state.transition_to_shutdown() {
        // Running elsewhere (it will see CANCELLED) or already complete.
        raw(ptr).drop_reference();
        return;
    }
    // SAFETY: the transition gave us RUNNING.
    unsafe { cancel(cell) };
    complete::<T, S>(ptr, 1);
}
