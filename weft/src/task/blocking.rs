//! `spawn_blocking` and `block_in_place`.

use crate::runtime::context;
use crate::task::JoinHandle;

/// Runs a blocking closure on the runtime's blocking thread pool and returns a handle to its
/// result.
///
/// Use it for CPU-heavy work or blocking calls that would otherwise stall a worker. Threads
/// start on demand up to `Builder::max_blocking_threads` (512 by default); beyond that,
/// closures wait in a queue. A started closure cannot be aborted; one still queued when the
/// runtime shuts down is cancelled.
///
/// # Panics
/// Outside a runtime.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let len = weft::task::spawn_blocking(|| std::fs::read_dir(".").unwrap().count()).await.unwrap();
/// assert!(len > 0);
/// # });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(func: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let spawn = crate::runtime::diag::SpawnInfo::here();
    match context::with_current(|handle| handle.spawn_blocking_at(func, spawn)) {
        Ok(join) => join,
        Err(e) => panic!("`weft::task::spawn_blocking` failed: {e}"),
    }
}

/// Runs a blocking closure on this worker thread, first handing the worker's other tasks to
/// a new thread so they keep running.
///
/// Outside a runtime it simply calls `f`.
///
/// # Panics
/// On the current-thread runtime (there is no other worker to hand tasks to): use
/// [`spawn_blocking`] there.
///
/// ```
/// let rt = weft::runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     weft::spawn(async {
///         let v = weft::task::block_in_place(|| 1 + 1);
///         assert_eq!(v, 2);
///     })
///     .await
///     .unwrap();
/// });
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    crate::runtime::scheduler::multi_thread::block_in_place(f)
}
