//! Asynchronous tasks: spawning, joining, yielding, task-local values.

mod task_local;
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};

/// Task-related futures.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}
