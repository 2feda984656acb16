//! The plain mutex under the waiter queues, with a `const` constructor.
//!
//! `crate::loom::sync::Mutex` has no `const fn new`, and tokio's `const_new` constructors
//! (`Mutex::const_new`, `Semaphore::const_new`, `Notify::const_new`, …) need one. Outside loom
//! this is std's mutex (whose `new` is `const`), ignoring poisoning like `crate::loom`'s; under
//! loom it is loom's mutex and the `const_new` constructors do not exist. Once `crate::loom`
//! gains a `const` constructor this module can go.

#[cfg(weft_loom)]
pub(crate) use crate::loom::sync::{Mutex as Lock, MutexGuard as LockGuard};

#[cfg(not(weft_loom))]
pub(crate) use std_lock::{Lock, LockGuard};

#[cfg(not(weft_loom))]
mod std_lock {
    pub(crate) type LockGuard<'a, T> = std::sync::MutexGuard<'a, T>;

    #[derive(Debug, Default)]
    pub(crate) struct Lock<T>(std::sync::Mutex<T>);

    impl<T> Lock<T> {
        pub(crate) const fn new(value: T) -> Lock<T> {
            Lock(std::sync::Mutex::new(value))
        }

        /// Locks, ignoring poisoning: the data under these locks is kept consistent by code
        /// that never panics while holding them (user closures run outside).
        pub(crate) fn lock(&self) -> LockGuard<'_, T> {
            self.0.lock().unwrap_or_else(|e| e.into_inner())
        }
    }
}
