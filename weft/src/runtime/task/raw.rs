//! The type-erased task: a pointer to the header plus a vtable of the typed operations.

use super::cell::{Cell, Header};
use super::harness;
use super::state::{TransitionToNotifiedByRef, TransitionToNotifiedByVal};
use super::Schedule;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The typed operations, one table per `(future, scheduler)` type pair.
pub(crate) struct Vtable {
    /// Runs the task once; consumes the `Notified` reference.
    pub(super) poll: unsafe fn(NonNull<Header>),
    /// Hands a `Notified` (owning one reference) to the task's scheduler.
    pub(super) schedule: unsafe fn(NonNull<Header>),
    /// Frees the cell; the reference count is zero.
    pub(super) dealloc: unsafe fn(NonNull<Header>),
    /// `JoinHandle::poll`: writes `Poll<Result<T, JoinError>>` into the `*mut ()` if complete,
    /// else registers the waker.
    pub(super) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// `JoinHandle::drop` when the fast path failed; consumes the handle's reference.
    pub(super) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Cancels the task for runtime shutdown; consumes one reference.
    pub(super) shutdown: unsafe fn(NonNull<Header>),
}

pub(super) fn vtable<T: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: harness::poll::<T, S>,
        schedule: harness::schedule::<T, S>,
        dealloc: harness::dealloc::<T, S>,
        try_read_output: harness::try_read_output::<T, S>,
        drop_join_handle_slow: harness::drop_join_handle_slow::<T, S>,
        shutdown: harness::shutdown::<T, S>,
    }
}

/// A raw task pointer. Copying it copies no reference: the owner of each copy decides.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    pub(super) fn new<T: Future, S: Schedule>(
        future: T,
        scheduler: S,
        spawn: crate::runtime::diag::SpawnInfo,
    ) -> RawTask {
        RawTask {
            ptr: Cell::allocate(future, scheduler, spawn),
        }
    }

    /// # Safety
    /// `ptr` points at a live task header.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(super) fn header(&self) -> &Header {
        // SAFETY: every `RawTask` in use is backed by a reference keeping the cell alive.
        unsafe { self.ptr.as_ref() }
    }

    pub(super) fn vtable(&self) -> &'static Vtable {
        self.header().vtable
    }

    /// Consumes one reference (the `Notified`'s).
    pub(super) fn poll(self) {
        // SAFETY: the vtable matches the cell's types; the caller passes its reference on.
        unsafe { (self.vtable().poll)(self.ptr) }
    }

    /// Schedules a `Notified` that owns one reference.
    pub(super) fn schedule(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.vtable().schedule)(self.ptr) }
    }

    pub(super) fn dealloc(self) {
        // SAFETY: called only once the reference count reached zero.
        unsafe { (self.vtable().dealloc)(self.ptr) }
    }

    /// # Safety
    /// `dst` points at a `Poll<Result<T::Output, JoinError>>` of this task's output type.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: the caller guarantees `dst`'s type; the vtable matches the cell.
        unsafe { (self.vtable().try_read_output)(self.ptr, dst, waker) }
    }

    pub(super) fn drop_join_handle_slow(self) {
        // SAFETY: the `JoinHandle` passes its reference on.
        unsafe { (self.vtable().drop_join_handle_slow)(self.ptr) }
    }

    pub(super) fn shutdown(self) {
        // SAFETY: the caller passes one reference on.
        unsafe { (self.vtable().shutdown)(self.ptr) }
    }

    pub(super) fn ref_inc(self) {
        self.header().state.ref_inc();
    }

    pub(super) fn drop_reference(self) {
        if self.header().state.ref_dec() {
            self.dealloc();
        }
    }

    /// `Waker::wake`: consumes the waker's reference.
    pub(super) fn wake_by_val(self) {
        match self.header().state.transition_to_notified_by_val() {
            TransitionToNotifiedByVal::Submit => self.schedule(),
            TransitionToNotifiedByVal::Dealloc => self.dealloc(),
            TransitionToNotifiedByVal::DoNothing => {}
        }
    }

    /// `Waker::wake_by_ref`.
    pub(super) fn wake_by_ref(self) {
        match self.header().state.transition_to_notified_by_ref() {
            TransitionToNotifiedByRef::Submit => self.schedule(),
            TransitionToNotifiedByRef::DoNothing => {}
        }
    }

    /// `abort`: cancels at the next poll (scheduling one if the task is idle).
    pub(super) fn remote_abort(self) {
        if self.header().state.transition_to_notified_and_cancel() {
            self.schedule();
        }
    }

    pub(super) fn id(&self) -> super::Id {
        self.header().id
    }
}
