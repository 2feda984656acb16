//! The `Waker` of a task: its data pointer is the task header, and it owns one reference.

use super::cell::Header;
use super::raw::RawTask;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker borrowed for one poll: it owns no reference (the running poll holds one), so
/// creating it costs nothing; cloning it takes a real reference.
pub(super) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    _p: PhantomData<&'a Header>,
}

impl Deref for WakerRef<'_> {
    type Target = Waker;
    fn deref(&self) -> &Waker {
        &self.waker
    }
}

pub(super) fn waker_ref(header: &Header) -> WakerRef<'_> {
    let raw = RawWaker::new(header as *const Header as *const (), &VTABLE);
    WakerRef {
        // SAFETY: the vtable's functions uphold the RawWaker contract for a task header, and
        // the `ManuallyDrop` keeps this borrowed waker from dropping a reference it never took.
        waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw) }),
        _p: PhantomData,
    }
}

fn raw(ptr: *const ()) -> RawTask {
    // SAFETY: this vtable is only ever paired with a live task header pointer.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

unsafe fn clone(ptr: *const ()) -> RawWaker {
    raw(ptr).ref_inc();
    RawWaker::new(ptr, &VTABLE)
}

unsafe fn wake(ptr: *const ()) {
    raw(ptr).wake_by_val();
}

unsafe fn wake_by_ref(ptr: *const ()) {
    raw(ptr).wake_by_ref();
}

unsafe fn drop_waker(ptr: *const ()) {
    raw(ptr).drop_reference();
}
