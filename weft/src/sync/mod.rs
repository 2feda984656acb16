//! Synchronisation primitives for async code: channels and locks.
//!
//! They do not depend on a running weft runtime: they work from any executor, and from plain
//! threads through their `blocking_*` methods. When they run inside a weft task, every wait takes
//! part in the cooperative budget.
//!
//! - Channels: [`oneshot`] (one value), [`mpsc`] (many producers, one consumer).
//!
//! ```
//! use weft::sync::oneshot;
//!
//! # futures::executor::block_on(async {
//! let (tx, rx) = oneshot::channel();
//! tx.send("hello").unwrap();
//! assert_eq!(rx.await.unwrap(), "hello");
//! # });
//! ```

mod blocking;

pub mod mpsc;
#[allow(unsafe_code)]
pub mod oneshot;

#[allow(unsafe_code)]
pub(crate) mod batch_semaphore;
mod semaphore;
mod wake_list;
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
#[allow(unsafe_code)]
mod notify;
pub use notify::{Notified, Notify, OwnedNotified};
#[allow(unsafe_code)]
mod mutex;
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
#[allow(unsafe_code)]
mod rwlock;
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
