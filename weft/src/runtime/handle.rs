//! `Handle`: a cloneable reference to a runtime, usable from any thread.

use super::{context, scheduler, RuntimeFlavor};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;

/// A handle to a runtime: spawn onto it, enter its context, or block on it from threads that
/// do not own the [`Runtime`](super::Runtime).
///
/// ```
/// let rt = weft::runtime::Runtime::new().unwrap();
/// let handle = rt.handle().clone();
/// let t = std::thread::spawn(move || handle.block_on(async { weft::spawn(async { 5 }).await.unwrap() }));
/// assert_eq!(t.join().unwrap(), 5);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// Returned by [`Handle::try_current`] outside a runtime.
///
/// ```
/// let err = weft::runtime::Handle::try_current().unwrap_err();
/// assert!(err.is_missing_context());
/// ```
#[derive(Debug)]
pub struct TryCurrentError(context::TryCurrentError);

impl TryCurrentError {
    /// No runtime was entered on this thread.
    ///
    /// ```
    /// assert!(weft::runtime::Handle::try_current().unwrap_err().is_missing_context());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        self.0 == context::TryCurrentError::NoContext
    }

    /// The thread-local context was already destroyed (the thread is exiting).
    ///
    /// ```
    /// assert!(!weft::runtime::Handle::try_current().unwrap_err().is_thread_local_destroyed());
    /// ```
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.0 == context::TryCurrentError::ThreadLocalDestroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TryCurrentError {}

/// Keeps a runtime's context entered on this thread; see [`Handle::enter`].
///
/// ```
/// let rt = weft::runtime::Runtime::new().unwrap();
/// let _guard = rt.enter();
/// let handle = weft::spawn(async { 1 });
/// # drop(handle);
/// ```
#[must_use = "the runtime context is left when the guard drops"]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    _handle: std::marker::PhantomData<&'a Handle>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish()
    }
}

impl Handle {
    /// The handle of the runtime this thread is in.
    ///
    /// # Panics
    /// Outside a runtime, with a message that says how to enter one. See
    /// [`try_current`](Self::try_current) for a non-panicking variant.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::runtime::Handle::current();
    /// handle.spawn(async {}).await.unwrap();
    /// # });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        Handle {
            inner: scheduler::Handle::current(),
        }
    }

    /// The handle of the runtime this thread is in, or an error outside one.
    ///
    /// ```
    /// assert!(weft::runtime::Handle::try_current().is_err());
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(weft::runtime::Handle::try_current().is_ok());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(|inner| Handle {
            inner: inner.clone(),
        })
        .map_err(TryCurrentError)
    }

    /// Enters the runtime's context on this thread until the guard drops, so `weft::spawn`
    /// and the I/O and time types find it. Guards must be dropped in reverse order.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let _guard = handle.enter();
    /// let task = weft::spawn(async { 3 });
    /// assert_eq!(rt.block_on(task).unwrap(), 3);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(&self.inner),
            _handle: std::marker::PhantomData,
        }
    }

    /// Spawns a task onto this runtime; see [`weft::spawn`](crate::spawn).
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let task = rt.handle().spawn(async { 2 });
    /// assert_eq!(rt.block_on(task).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner
            .spawn(future, crate::runtime::diag::SpawnInfo::here())
    }

    /// Runs a blocking closure on this runtime's blocking pool; see
    /// [`weft::task::spawn_blocking`](crate::task::spawn_blocking).
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let task = rt.handle().spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(func)
    }

    /// Runs `future` to completion on the current thread, which must not be driving a
    /// runtime. On a current-thread runtime this does not drive the runtime's tasks or
    /// drivers unless no other thread is in `Runtime::block_on`.
    ///
    /// # Panics
    /// When called from inside a runtime (it would block a thread that runs tasks).
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// assert_eq!(handle.block_on(async { 8 }), 8);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        context::enter_runtime(
            &self.inner,
            matches!(self.inner, scheduler::Handle::MultiThread(_)),
            || super::park::block_on(future),
        )
    }

    /// Which scheduler the runtime uses.
    ///
    /// ```
    /// use weft::runtime::{Builder, RuntimeFlavor};
    /// let rt = Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner {
            scheduler::Handle::CurrentThread(_) => RuntimeFlavor::CurrentThread,
            scheduler::Handle::MultiThread(_) => RuntimeFlavor::MultiThread,
        }
    }

    /// The runtime's [`Id`](super::Id): equal for all handles of one runtime, unique among
    /// the runtimes of the process.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let id = rt.block_on(async { weft::runtime::Handle::current().id() });
    /// assert_eq!(id, rt.handle().id());
    /// ```
    pub fn id(&self) -> super::Id {
        super::Id::new(self.inner.config().id)
    }

    /// The runtime's name, if [`Builder::name`](super::Builder::name) gave it one.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().name("app").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("app"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.inner.config().name.as_deref()
    }

    /// The runtime's metrics (see [`RuntimeMetrics`](super::RuntimeMetrics)).
    ///
    /// ```
    /// # let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let metrics = weft::runtime::Handle::current().metrics();
    /// println!("{} tasks alive", metrics.num_alive_tasks());
    /// # });
    /// ```
    pub fn metrics(&self) -> super::RuntimeMetrics {
        super::RuntimeMetrics::new(self.clone())
    }

    /// The I/O and time driver handles (crate-internal).
    #[allow(dead_code)] // used by the reactor and the time driver
    pub(crate) fn driver(&self) -> &super::driver::Handle {
        self.inner.driver()
    }
}

// A handle only reaches the runtime through its synchronised shared state; a panic while
// one is borrowed cannot leave that state broken for the next user (as in tokio).
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.runtime_flavor())
            .finish()
    }
}
