//! `LocalRuntime`: a current-thread runtime on which `spawn_local` works everywhere, without
//! a `LocalSet` of the user's own.

use super::{EnterGuard, Handle, Runtime};
use crate::task::{JoinHandle, LocalSet};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

/// Options of [`Builder::build_local`](super::Builder::build_local); none yet (tokio's type,
/// kept for its signature).
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread()
///     .build_local(weft::runtime::LocalOptions::default())
///     .unwrap();
/// # drop(rt);
/// ```
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    _not_send: PhantomData<*mut u8>,
}

/// A current-thread runtime that stays on the thread that built it (`!Send`), so it can run
/// `!Send` tasks: [`spawn_local`](LocalRuntime::spawn_local) and
/// [`weft::task::spawn_local`](crate::task::spawn_local) work inside
/// [`block_on`](LocalRuntime::block_on) with no `LocalSet`.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = weft::runtime::LocalRuntime::new().unwrap();
/// let shared = Rc::new(5);
/// let task = rt.spawn_local({
///     let shared = shared.clone();
///     async move { *shared + 1 }
/// });
/// assert_eq!(rt.block_on(task).unwrap(), 6);
/// ```
pub struct LocalRuntime {
    // Field order: the local tasks are dropped before the runtime that drives their I/O.
    local: LocalSet,
    rt: Runtime,
    _not_send: PhantomData<*mut ()>,
}

impl LocalRuntime {
    /// A local runtime with I/O and time enabled.
    ///
    /// # Errors
    /// If the OS refuses a resource the runtime needs.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn new() -> std::io::Result<LocalRuntime> {
        super::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    pub(crate) fn from_runtime(rt: Runtime) -> LocalRuntime {
        let local = LocalSet::new();
        // `spawn_local` finds the set through the handle: from `Send` tasks of this runtime
        // and under `enter()` too, not only inside the set's own poll.
        let _ = rt
            .handle()
            .inner
            .as_current_thread()
            .local
            .set(local.shared().clone());
        LocalRuntime {
            local,
            rt,
            _not_send: PhantomData,
        }
    }

    /// The runtime's handle (it spawns `Send` tasks onto this runtime).
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.handle().spawn(async { 2 });
    /// assert_eq!(rt.block_on(task).unwrap(), 2);
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt.handle()
    }

    /// Spawns a `!Send` task; it runs while [`block_on`](Self::block_on) runs.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let v = std::rc::Rc::new(3);
    /// let task = rt.spawn_local(async move { *v });
    /// assert_eq!(rt.block_on(task).unwrap(), 3);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local.spawn_local(future)
    }

    /// Runs a blocking closure on the blocking pool.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.spawn_blocking(|| 4);
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt.spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, running the runtime's tasks (local and
    /// `Send` ones) meanwhile.
    ///
    /// # Panics
    /// If called from inside a runtime.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let out = rt.block_on(async {
    ///     let v = std::rc::Rc::new(1);
    ///     weft::task::spawn_local(async move { *v + 1 }).await.unwrap()
    /// });
    /// assert_eq!(out, 2);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.local.block_on(&self.rt, future)
    }

    /// Enters the runtime's context; see [`Handle::enter`].
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(weft::runtime::Handle::try_current().is_ok());
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.rt.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_timeout(std::time::Duration::from_millis(10));
    /// ```
    pub fn shutdown_timeout(self, duration: Duration) {
        let LocalRuntime { local, rt, .. } = self;
        drop(local);
        rt.shutdown_timeout(duration);
    }

    /// Shuts the runtime down without waiting for blocking tasks.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime").finish_non_exhaustive()
    }
}
