//! `task::Builder`: spawn a task with a name (shown by the long-poll detector and the dump).

use crate::runtime::diag::SpawnInfo;
use crate::runtime::Handle;
use crate::task::{JoinHandle, LocalSet};
use std::future::Future;
use std::io;

/// Spawns tasks with a name, which long-poll reports and task dumps show next to the id and
/// the spawn location. (tokio has this type behind `--cfg tokio_unstable`; here it is stable.)
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let task = weft::task::Builder::new()
///     .name("fetch-config")
///     .spawn(async { 5 })
///     .unwrap();
/// assert_eq!(task.await.unwrap(), 5);
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with no name set.
    ///
    /// ```
    /// let b = weft::task::Builder::new();
    /// # let _ = b;
    /// ```
    pub fn new() -> Builder<'a> {
        Builder { name: None }
    }

    /// Names the task.
    ///
    /// ```
    /// let b = weft::task::Builder::new().name("worker");
    /// # let _ = b;
    /// ```
    pub fn name(&self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    #[track_caller]
    fn info(&self) -> SpawnInfo {
        SpawnInfo::here().named(self.name)
    }

    /// Spawns the task on the current runtime.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// # Panics
    /// Outside a runtime.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let t = weft::task::Builder::new().name("a").spawn(async { 1 }).unwrap();
    /// assert_eq!(t.await.unwrap(), 1);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let info = self.info();
        match crate::runtime::context::with_current(|h| h.spawn(future, info)) {
            Ok(join) => Ok(join),
            Err(e) => panic!("`task::Builder::spawn` failed: {e}"),
        }
    }

    /// Spawns the task on `handle`'s runtime.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let t = weft::task::Builder::new().name("b").spawn_on(async { 2 }, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(t).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(handle.inner.spawn(future, self.info()))
    }

    /// Spawns a `!Send` task on the current `LocalSet`.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// # Panics
    /// Outside a `LocalSet`.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// weft::task::LocalSet::new().block_on(&rt, async {
    ///     let v = std::rc::Rc::new(3);
    ///     let t = weft::task::Builder::new().name("c").spawn_local(async move { *v }).unwrap();
    ///     assert_eq!(t.await.unwrap(), 3);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Ok(super::local::spawn_local_with(future, self.info()))
    }

    /// Spawns a `!Send` task on `local_set`.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// let t = weft::task::Builder::new().name("d").spawn_local_on(async { 4 }, &local).unwrap();
    /// assert_eq!(local.block_on(&rt, t).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(
        self,
        future: F,
        local_set: &LocalSet,
    ) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Ok(local_set.spawn_local_with(future, self.info()))
    }

    /// Runs a blocking closure on the current runtime's blocking pool.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// # Panics
    /// Outside a runtime.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let t = weft::task::Builder::new().name("e").spawn_blocking(|| 5).unwrap();
    /// assert_eq!(t.await.unwrap(), 5);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(self, function: F) -> io::Result<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let info = self.info();
        match crate::runtime::context::with_current(|h| h.spawn_blocking_at(function, info)) {
            Ok(join) => Ok(join),
            Err(e) => panic!("`task::Builder::spawn_blocking` failed: {e}"),
        }
    }

    /// Runs a blocking closure on `handle`'s blocking pool.
    ///
    /// # Errors
    /// None today; the `Result` matches tokio's signature.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let t = weft::task::Builder::new().spawn_blocking_on(|| 6, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(t).unwrap(), 6);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F, R>(self, function: F, handle: &Handle) -> io::Result<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        Ok(handle.inner.spawn_blocking_at(function, self.info()))
    }
}
