//! `JoinSet`: a collection of tasks, awaited in the order they complete.

use crate::runtime::Handle;
use crate::task::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// A collection of tasks spawned on a runtime, whose outputs are taken in completion order.
///
/// Dropping the set aborts every task in it (use [`detach_all`](JoinSet::detach_all) to let
/// them run on).
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let mut set = weft::task::JoinSet::new();
/// for i in 0..3u32 {
///     set.spawn(async move { i });
/// }
/// let mut seen = vec![];
/// while let Some(res) = set.join_next().await {
///     seen.push(res.unwrap());
/// }
/// seen.sort();
/// assert_eq!(seen, vec![0, 1, 2]);
/// # });
/// ```
pub struct JoinSet<T> {
    entries: Vec<Option<Entry<T>>>,
    free: Vec<usize>,
    len: usize,
    notify: Arc<NotifyList>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    waker: Arc<EntryWaker>,
}

/// Which entries were woken, and who waits for the set.
struct NotifyList {
    ready: Mutex<Vec<usize>>,
    parent: Mutex<Option<Waker>>,
}

struct EntryWaker {
    index: usize,
    /// Set while the index sits in the ready list, so repeated wakes queue it once.
    queued: AtomicBool,
    list: Arc<NotifyList>,
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.list
                .ready
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(self.index);
        }
        let parent = self
            .list
            .parent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = parent {
            w.wake();
        }
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// ```
    /// let set: weft::task::JoinSet<()> = weft::task::JoinSet::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
            notify: Arc::new(NotifyList {
                ready: Mutex::new(Vec::new()),
                parent: Mutex::new(None),
            }),
        }
    }

    /// Tasks in the set (finished ones count until their output is taken).
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async {});
    /// assert_eq!(set.len(), 1);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set has no tasks.
    ///
    /// ```
    /// let set = weft::task::JoinSet::<u8>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let index = self.free.pop().unwrap_or_else(|| {
            self.entries.push(None);
            self.entries.len() - 1
        });
        let waker = Arc::new(EntryWaker {
            index,
            queued: AtomicBool::new(true),
            list: self.notify.clone(),
        });
        // Poll it once so its waker is registered.
        self.notify
            .ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(index);
        self.entries[index] = Some(Entry { handle, waker });
        self.len += 1;
        abort
    }

    /// Aborts every task; their results (mostly cancellations) remain to be joined.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.abort_all();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&mut self) {
        for entry in self.entries.iter().flatten() {
            entry.handle.abort();
        }
    }

    /// Removes every task from the set without aborting it; they keep running.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async {});
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub fn detach_all(&mut self) {
        self.entries.clear();
        self.free.clear();
        self.len = 0;
        self.notify
            .ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Waits for any task to finish and returns its result; `None` if the set is empty.
    ///
    /// # Cancel safety
    /// Cancel safe: a result is removed from the set only when it is returned.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
    /// assert!(set.join_next().await.is_none());
    /// # });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// As [`join_next`](Self::join_next), with the finished task's id.
    ///
    /// # Cancel safety
    /// Cancel safe, like `join_next`.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// let (got, v) = set.join_next_with_id().await.unwrap().unwrap();
    /// assert_eq!((got, v), (id, 1));
    /// # });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Takes a finished task's result without waiting; `None` if none has finished.
    ///
    /// ```
    /// let mut set = weft::task::JoinSet::<()>::new();
    /// assert!(set.try_join_next().is_none());
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id().map(|r| r.map(|(_, v)| v))
    }

    /// As [`try_join_next`](Self::try_join_next), with the task's id.
    ///
    /// ```
    /// let mut set = weft::task::JoinSet::<()>::new();
    /// assert!(set.try_join_next_with_id().is_none());
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        // Only finished tasks are polled, with their own wakers, so no registration is lost.
        let index = self
            .entries
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.handle.is_finished()))?;
        self.poll_entry(index)
    }

    /// Polls one entry with its own waker; on completion removes it and returns the result.
    fn poll_entry(&mut self, index: usize) -> Option<Result<(Id, T), JoinError>> {
        let entry = self.entries.get_mut(index)?.as_mut()?;
        entry.waker.queued.store(false, Ordering::Release);
        let waker = Waker::from(entry.waker.clone());
        let mut entry_cx = Context::from_waker(&waker);
        match Pin::new(&mut entry.handle).poll(&mut entry_cx) {
            Poll::Ready(res) => {
                let id = entry.handle.id();
                self.entries[index] = None;
                self.free.push(index);
                self.len -= 1;
                Some(res.map(|v| (id, v)))
            }
            Poll::Pending => None,
        }
    }

    /// Polls for the next finished task; `Ready(None)` if the set is empty.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 2 });
    /// let v = std::future::poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(v.unwrap().unwrap(), 2);
    /// # });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|r| r.map(|r| r.map(|(_, v)| v)))
    }

    /// As [`poll_join_next`](Self::poll_join_next), with the task's id.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 2 });
    /// let v = std::future::poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    /// assert_eq!(v.unwrap().unwrap().1, 2);
    /// # });
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        let replaced = self
            .notify
            .parent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(cx.waker().clone());
        // Dropped outside the lock: a waker's destructor may drive a runtime that wakes us.
        drop(replaced);
        // Only the entries woken before this call: one that a poll below re-queues (its task
        // is still running, or its handle ran out of budget) waits for the next call, so this
        // loop cannot chase its own wakes forever.
        let mut batch =
            std::mem::take(&mut *self.notify.ready.lock().unwrap_or_else(|e| e.into_inner()));
        while let Some(index) = batch.pop() {
            if !crate::runtime::coop::has_budget_remaining() {
                batch.push(index);
                self.requeue(batch);
                crate::runtime::context::defer(cx.waker());
                return Poll::Pending;
            }
            // A stale wake of a removed entry polls nothing.
            if let Some(res) = self.poll_entry(index) {
                self.requeue(batch);
                return Poll::Ready(Some(res));
            }
        }
        Poll::Pending
    }

    /// Puts woken entries that were not polled back on the ready list (still marked queued).
    fn requeue(&self, batch: Vec<usize>) {
        if !batch.is_empty() {
            let mut ready = self.notify.ready.lock().unwrap_or_else(|e| e.into_inner());
            ready.extend(batch);
        }
    }

    /// Aborts every task and waits for all of them to finish.
    ///
    /// # Cancel safety
    /// Not cancel safe as a whole: dropping it part-way leaves some results unjoined in the set.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Waits for every task and returns their outputs in completion order.
    ///
    /// # Panics
    /// If a task panicked (the panic is resumed) or was cancelled.
    ///
    /// # Cancel safety
    /// Not cancel safe: it owns the set, so dropping it part-way aborts the remaining tasks
    /// and loses the outputs collected so far.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// set.spawn(async { 1 });
    /// assert_eq!(set.join_all().await.iter().sum::<i32>(), 2);
    /// # });
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        while let Some(res) = self.join_next().await {
            match res {
                Ok(v) => out.push(v),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("{e}"),
            }
        }
        out
    }
}

impl<T: Send + 'static> JoinSet<T> {
    /// Spawns a task on the current runtime into the set.
    ///
    /// # Panics
    /// Outside a runtime.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// let abort = set.spawn(std::future::pending::<()>());
    /// abort.abort();
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.insert(crate::spawn(task))
    }

    /// Spawns a task on the runtime of `handle` into the set.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_on(async { 1 }, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.insert(handle.spawn(task))
    }

    /// Runs a blocking closure on the blocking pool, into the set.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_blocking(|| 3);
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Runs a blocking closure on the blocking pool of `handle`'s runtime, into the set.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_blocking_on(|| 3, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 3);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
    {
        self.insert(handle.spawn_blocking(f))
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns a `!Send` task on the current [`LocalSet`] into the set.
    ///
    /// # Panics
    /// Outside a `LocalSet`.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// weft::task::LocalSet::new().block_on(&rt, async {
    ///     let mut set = weft::task::JoinSet::new();
    ///     let v = std::rc::Rc::new(4);
    ///     set.spawn_local(async move { *v });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 4);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(crate::task::spawn_local(task))
    }

    /// Spawns a `!Send` task on `local_set` into the set.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_local_on(async { 5 }, &local);
    /// let v = local.block_on(&rt, set.join_next());
    /// assert_eq!(v.unwrap().unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(task))
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}

impl<T, F> std::iter::FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = JoinSet::new();
        for f in iter {
            set.spawn(f);
        }
        set
    }
}

/// Spawns each future of the iterator onto the set, as [`JoinSet::spawn`] does.
///
/// # Panics
/// Outside a runtime.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let mut set = weft::task::JoinSet::new();
/// set.extend((0..3).map(|i| async move { i }));
/// let mut out = set.join_all().await;
/// out.sort();
/// assert_eq!(out, [0, 1, 2]);
/// # });
/// ```
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for f in iter {
            self.spawn(f);
        }
    }
}
