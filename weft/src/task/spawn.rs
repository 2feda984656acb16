//! `spawn`.

use crate::runtime::context;
use crate::runtime::diag::SpawnInfo;
use crate::task::JoinHandle;
use std::future::Future;

/// Spawns a task on the current runtime and returns a handle to await its output.
///
/// The task starts running in the background at once (on the multi-thread runtime, possibly
/// on another thread) and keeps running if the handle is dropped. A panic inside the task is
/// caught: the handle yields a [`JoinError`](crate::task::JoinError) and the runtime goes on.
///
/// # Panics
/// Outside a runtime, with a message that says how to enter one.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let handle = weft::spawn(async { "hello" });
/// assert_eq!(handle.await.unwrap(), "hello");
/// # });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let spawn = SpawnInfo::here();
    match context::with_current(|handle| handle.spawn(future, spawn)) {
        Ok(join) => join,
        Err(e) => panic!("`weft::spawn` failed: {e}"),
    }
}
