//! The runtime: its builder, its handle, the schedulers and the driver they park on.
//!
//! A [`Runtime`] owns a scheduler (current-thread or multi-thread work stealing), a driver
//! (what idle workers park on: I/O readiness and timers) and a blocking thread pool.
//!
//! ```
//! use weft::runtime::Runtime;
//!
//! let rt = Runtime::new().unwrap();
//! let answer = rt.block_on(async {
//!     let task = weft::spawn(async { 21 * 2 });
//!     task.await.unwrap()
//! });
//! assert_eq!(answer, 42);
//! ```

pub(crate) mod blocking;
mod builder;
#[allow(unsafe_code)]
pub(crate) mod context;
#[allow(dead_code)]
pub(crate) mod coop;
pub(crate) mod current;
pub(crate) mod diag;
#[allow(dead_code)]
pub(crate) mod driver;
mod handle;
mod id;
mod local_runtime;
pub(crate) mod metrics;
#[allow(dead_code)]
pub(crate) mod park;
#[allow(unsafe_code)]
pub(crate) mod scheduler;
#[allow(unsafe_code)]
pub(crate) mod task;
mod unhandled_panic;

#[cfg(all(test, weft_loom))]
mod loom_tests;

pub use crate::util::rand::RngSeed;
pub(crate) use builder::next_runtime_id;
pub use builder::Builder;
pub use diag::{
    Backtrace, Dump, Frame, KernelState, LongPollKind, LongPollReport, TaskDump, TaskState,
    WaitPoint,
};
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use id::Id;
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::{
    HistogramConfiguration, HistogramScale, InvalidHistogramConfiguration, LogHistogram,
    LogHistogramBuilder, RuntimeMetrics,
};
pub use unhandled_panic::UnhandledPanic;

use blocking::BlockingPool;
use scheduler::current_thread::CurrentThread;
use scheduler::multi_thread::MultiThread;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub(crate) type Callback = Arc<dyn Fn() + Send + Sync>;
pub(crate) type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync + 'static>;

/// The `LocalSet` of the `LocalRuntime` entered on this thread: `Some(None)` in a runtime that
/// is not a `LocalRuntime`, `None` outside any runtime.
pub(crate) fn current_local_set() -> Option<Option<crate::loom::sync::Arc<crate::task::LocalShared>>>
{
    context::with_current(|h| match h {
        scheduler::Handle::CurrentThread(h) => h.local.get().cloned(),
        scheduler::Handle::MultiThread(_) => None,
    })
    .ok()
}

/// Scheduler settings from the builder.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) event_interval: u32,
    pub(crate) global_queue_interval: u32,
    pub(crate) metrics: metrics::Config,
    /// The long-poll detector and the dump's view of this runtime.
    pub(crate) diag: Arc<diag::RuntimeDiag>,
    pub(crate) id: u64,
    pub(crate) name: Option<String>,
    /// `Builder::on_thread_park` / `on_thread_unpark`.
    pub(crate) before_park: Option<Callback>,
    pub(crate) after_unpark: Option<Callback>,
    pub(crate) unhandled_panic: UnhandledPanic,
    /// Every random choice of this runtime derives from it (`Builder::rng_seed`).
    pub(crate) seed_generator: Arc<crate::util::rand::RngSeedGenerator>,
    /// `weft::sim`: the current-thread scheduler picks the next ready task with a generator
    /// seeded from this, not in FIFO order.
    #[cfg(feature = "sim")]
    pub(crate) sim_seed: Option<u64>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("id", &self.id)
            .field("name", &self.name)
            .field("unhandled_panic", &self.unhandled_panic)
            .finish_non_exhaustive()
    }
}

/// Whether `err` is the error weft's I/O resources return because their runtime has shut
/// down (rather than an error of the operating system or of the peer).
///
/// ```
/// use weft::net::TcpListener;
///
/// let rt1 = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let rt2 = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let listener = rt1.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
/// drop(rt1);
/// let err = rt2.block_on(listener.accept()).unwrap_err();
/// assert!(weft::runtime::is_rt_shutdown_err(&err));
/// assert!(!weft::runtime::is_rt_shutdown_err(&std::io::Error::other("other")));
/// ```
pub fn is_rt_shutdown_err(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::Other
        && err
            .get_ref()
            .is_some_and(|inner| inner.is::<driver::ShutdownError>())
}

/// The index of the worker this thread runs, if it is a runtime worker: `0..num_workers` on
/// the multi-thread runtime (the thread in `Runtime::block_on` there is no worker), `Some(0)`
/// on the thread that drives a current-thread runtime, `None` anywhere else (blocking-pool
/// threads, `Handle::block_on`, threads outside any runtime). The index matches the worker
/// indices of [`RuntimeMetrics`]. A task may move between workers at each `.await`.
///
/// ```
/// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let index = rt.block_on(async { weft::spawn(async { weft::runtime::worker_index() }).await.unwrap() });
/// assert!(matches!(index, Some(0 | 1)));
/// assert_eq!(weft::runtime::worker_index(), None);
/// ```
pub fn worker_index() -> Option<usize> {
    context::with_scheduler(|cx| cx.and_then(scheduler::Context::worker_index))
}

/// Which scheduler a runtime uses.
///
/// ```
/// use weft::runtime::{Runtime, RuntimeFlavor};
/// let rt = Runtime::new().unwrap();
/// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// All tasks run on the thread in `block_on`.
    CurrentThread,
    /// Tasks run on a pool of work-stealing worker threads.
    MultiThread,
}

pub(crate) enum Scheduler {
    CurrentThread(CurrentThread),
    MultiThread(MultiThread),
}

/// The runtime: a scheduler, the I/O and time driver, and the blocking pool.
///
/// Dropping it cancels every task (their futures are dropped where they last yielded), shuts
/// the drivers down (later I/O on their resources fails with an error saying so) and waits
/// for running blocking tasks to return. Queued blocking tasks that have not started are
/// cancelled.
///
/// ```
/// let rt = weft::runtime::Runtime::new().unwrap();
/// rt.spawn(async { println!("hello from a task") });
/// rt.block_on(async { weft::task::yield_now().await });
/// ```
pub struct Runtime {
    scheduler: Scheduler,
    handle: Handle,
    blocking_pool: BlockingPool,
}

impl Runtime {
    /// A multi-thread runtime with I/O and time enabled and one worker per core.
    ///
    /// # Errors
    /// If the OS refuses a resource the runtime needs.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().enable_all().build()
    }

    pub(crate) fn from_parts(
        scheduler: Scheduler,
        handle: Handle,
        blocking_pool: BlockingPool,
    ) -> Runtime {
        Runtime {
            scheduler,
            handle,
            blocking_pool,
        }
    }

    /// The runtime's handle.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// # drop(handle);
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The runtime's metrics (see [`RuntimeMetrics`]); stays readable after the runtime is
    /// dropped.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    /// Spawns a task; see [`weft::spawn`](crate::spawn).
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let task = rt.spawn(async { 7 });
    /// assert_eq!(rt.block_on(task).unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> crate::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let task = rt.spawn_blocking(|| std::thread::current().name().map(str::to_owned));
    /// assert_eq!(rt.block_on(task).unwrap().as_deref(), Some("weft-runtime-worker"));
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> crate::task::JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, driving the runtime (on the current-thread
    /// scheduler, this is where all tasks run).
    ///
    /// # Panics
    /// If called from a thread that already drives a runtime (inside `block_on` or a task):
    /// blocking it would stall the tasks it runs.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let out = rt.block_on(async { "done" });
    /// assert_eq!(out, "done");
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s.block_on(&self.handle.inner, future),
            Scheduler::MultiThread(s) => s.block_on(&self.handle.inner, future),
        }
    }

    /// Enters the runtime's context; see [`Handle::enter`].
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(weft::runtime::Handle::try_current().is_ok());
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks to finish.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)));
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.shutdown_scheduler();
        self.blocking_pool.shutdown(Some(duration));
    }

    /// Shuts the runtime down without waiting for blocking tasks (they finish in the
    /// background). Usable inside an async context, where dropping a runtime would block.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    fn shutdown_scheduler(&mut self) {
        self.handle.inner.diag().stop();
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s.shutdown(&self.handle.inner),
            Scheduler::MultiThread(s) => s.shutdown(&self.handle.inner),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown_scheduler();
        if context::in_runtime() {
            // Dropped from inside an async context: waiting would block a thread that runs
            // tasks (possibly one of ours). Let the blocking work finish in the background.
            self.blocking_pool.shutdown(Some(Duration::ZERO));
        } else {
            self.blocking_pool.shutdown(None);
        }
    }
}

// As for `Handle`: the runtime's state is synchronised, a caught panic leaves it usable.
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.runtime_flavor())
            .finish()
    }
}
