//! Synchronisation primitives for async code: channels and locks.
//!
//! They do not depend on a running weft runtime: they work from any executor, and from plain
//! threads through their `blocking_*` methods. When they run inside a weft task, every wait takes
//! part in the cooperative budget.
//!
//! - Channels: [`oneshot`] (one value), [`mpsc`] (many producers, one consumer, bounded or
//!   unbounded), [`broadcast`] (every receiver sees every value), [`watch`] (receivers see the
//!   latest value).
//! - Locks and signals: [`Mutex`] (FIFO-fair), [`RwLock`] (fair, write-preferring),
//!   [`Semaphore`], [`Notify`], [`Barrier`], [`OnceCell`], [`SetOnce`].
//!
//! Everything that waits queues in FIFO order behind one [batch semaphore] or [`Notify`]: the
//! waiter is a node inside the pinned future, so waiting allocates nothing.
//!
//! [batch semaphore]: Semaphore
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
mod lock;

pub mod broadcast;
pub mod mpsc;
#[allow(unsafe_code)]
pub mod oneshot;
pub mod watch;

#[allow(unsafe_code)]
pub(crate) mod batch_semaphore;
mod semaphore;
mod wake_list;
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
#[allow(unsafe_code)]
mod notify;
pub use notify::Notify;

/// Named future types of this module.
pub mod futures {
    pub use super::notify::{Notified, OwnedNotified};
}
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

/// Runs `fut` under the cooperative budget: each poll spends one unit (given back if the poll
/// is `Pending`), so a task looping on an always-ready primitive still yields to its neighbours.
pub(crate) async fn cooperative<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| {
        let mut coop = std::task::ready!(crate::runtime::coop::poll_proceed(cx));
        let out = fut.as_mut().poll(cx);
        if out.is_ready() {
            coop.made_progress();
        }
        out
    })
    .await
}
mod barrier;
pub use barrier::{Barrier, BarrierWaitResult};
#[allow(unsafe_code)]
mod once_cell;
pub use once_cell::{OnceCell, SetError};
#[allow(unsafe_code)]
mod set_once;
pub use set_once::{SetOnce, SetOnceError};
