//! Asynchronous tasks: spawning, joining, yielding, task-local values.
//!
//! A task is a future the runtime polls on its own, like a green thread. [`spawn`] starts
//! one and returns a [`JoinHandle`] to await its output.
//!
//! ```
//! # weft::runtime::Runtime::new().unwrap().block_on(async {
//! let handles: Vec<_> = (0..4).map(|i| weft::spawn(async move { i * 10 })).collect();
//! let mut sum = 0;
//! for h in handles {
//!     sum += h.await.unwrap();
//! }
//! assert_eq!(sum, 60);
//! # });
//! ```

mod blocking;
mod builder;
pub mod coop;
mod join_set;
#[allow(unsafe_code)]
mod local;
mod spawn;
mod task_local;
mod yield_now;

pub use crate::runtime::task::{AbortHandle, Id, JoinError, JoinHandle};
pub use blocking::{block_in_place, spawn_blocking};
pub use builder::Builder;
pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use join_set::JoinSet;
pub(crate) use local::Shared as LocalShared;
pub use local::{spawn_local, LocalEnterGuard, LocalSet};
pub use spawn::spawn;
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};
pub use yield_now::yield_now;

/// The id of the task being polled.
///
/// # Panics
/// Outside a task (use [`try_id`] to check).
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let handle = weft::spawn(async { weft::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await.unwrap(), id);
/// # });
/// ```
#[track_caller]
pub fn id() -> Id {
    try_id().expect("`weft::task::id()` called outside a task")
}

/// The id of the task being polled, or `None` outside a task.
///
/// ```
/// assert!(weft::task::try_id().is_none());
/// ```
pub fn try_id() -> Option<Id> {
    crate::runtime::context::current_task_id()
}

/// Task-related futures.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}
