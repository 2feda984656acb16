//! The one place that picks std or loom primitives.
//!
//! Under `cfg(weft_loom)` every atomic, lock, cell and thread comes from `loom`, so the lock-free
//! parts of weft can be model-checked; otherwise they are std's. Code elsewhere imports from
//! `crate::loom::…`, never from `std::sync` directly, when the type takes part in a lock-free
//! protocol.
#![allow(dead_code, unused_imports)]

#[cfg(weft_loom)]
pub(crate) use loom::{hint, thread};
#[cfg(not(weft_loom))]
pub(crate) use std::{hint, thread};

pub(crate) mod sync {
    #[cfg(weft_loom)]
    pub(crate) use loom::sync::{Arc, Condvar as RawCondvar, Mutex as RawMutex, MutexGuard};
    #[cfg(not(weft_loom))]
    pub(crate) use std::sync::{Arc, Condvar as RawCondvar, Mutex as RawMutex, MutexGuard};

    pub(crate) mod atomic {
        #[cfg(weft_loom)]
        pub(crate) use loom::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize,
            Ordering,
        };
        #[cfg(not(weft_loom))]
        pub(crate) use std::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize,
            Ordering,
        };
    }

    /// A mutex whose `lock` never reports poisoning: weft catches task panics itself, so a
    /// poisoned lock only means a panic happened while it was held, and the data is still
    /// consistent by the invariants of each user (they never panic mid-update).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T: ?Sized>(RawMutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Mutex(RawMutex::new(value))
        }

        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner().unwrap_or_else(|e| e.into_inner())
        }
    }

    impl<T: ?Sized> Mutex<T> {
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(|e| e.into_inner())
        }

        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(g) => Some(g),
                Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }

    /// A condition variable paired with [`Mutex`], ignoring poisoning the same way.
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(RawCondvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Condvar(RawCondvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).unwrap_or_else(|e| e.into_inner())
        }

        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            dur: std::time::Duration,
        ) -> MutexGuard<'a, T> {
            match self.0.wait_timeout(guard, dur) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            }
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one()
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all()
        }
    }
}

pub(crate) mod cell {
    #[cfg(weft_loom)]
    pub(crate) use loom::cell::UnsafeCell;

    /// std's `UnsafeCell` with loom's closure-based API, so the same code compiles both ways.
    #[cfg(not(weft_loom))]
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    #[cfg(not(weft_loom))]
    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(data: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(data))
        }

        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    #[cfg(not(weft_loom))]
    impl<T: ?Sized> UnsafeCell<T> {
        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}
