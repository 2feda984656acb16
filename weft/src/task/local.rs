//! `LocalSet` and `spawn_local`: tasks that are not `Send`, run on the thread that drives the
//! set.

use crate::loom::sync::{Arc, Mutex};
use crate::runtime::diag::{SpawnInfo, TaskList};
use crate::runtime::task::list::OwnedTasks;
use crate::runtime::task::{Header, JoinHandle, Notified, Schedule, Task};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Tasks a `LocalSet` polls per turn before it yields back to the runtime.
const MAX_TASKS_PER_TICK: usize = 61;

/// A set of `!Send` tasks that all run on the thread that drives the set.
///
/// Drive it with [`LocalSet::run_until`], [`LocalSet::block_on`], or by awaiting the set
/// itself (which completes when every task in it has). Inside, [`spawn_local`] spawns onto
/// the set. Dropping the set cancels its remaining tasks.
///
/// ```
/// use std::rc::Rc;
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let local = weft::task::LocalSet::new();
/// let out = local.block_on(&rt, async {
///     let shared = Rc::new(5); // not Send
///     let s2 = shared.clone();
///     weft::task::spawn_local(async move { *s2 * 2 }).await.unwrap()
/// });
/// assert_eq!(out, 10);
/// ```
pub struct LocalSet {
    shared: Arc<Shared>,
    _not_send: PhantomData<Rc<()>>,
}

/// Shared between the set and its tasks' wakers (which may be on other threads); a
/// `LocalRuntime`'s scheduler handle keeps its set's, so `spawn_local` finds it anywhere on
/// the runtime's thread.
pub(crate) struct Shared {
    queue: Mutex<VecDeque<Notified<Arc<Shared>>>>,
    owned: OwnedTasks<Arc<Shared>>,
    waker: Mutex<Option<Waker>>,
    owner: std::thread::ThreadId,
    /// `LocalSet::id` (from the runtime id counter, as tokio's).
    id: u64,
}

thread_local! {
    /// The set being driven (or entered) on this thread.
    static CURRENT: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

/// Keeps a [`LocalSet`] entered; see [`LocalSet::enter`].
///
/// ```
/// let local = weft::task::LocalSet::new();
/// let _guard = local.enter();
/// ```
#[must_use = "the set is left when the guard drops"]
pub struct LocalEnterGuard {
    prev: Option<Arc<Shared>>,
    _not_send: PhantomData<Rc<()>>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish()
    }
}

/// Spawns a `!Send` future onto the current [`LocalSet`].
///
/// # Panics
/// Outside a `LocalSet` (one must be driven or entered on this thread).
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// weft::task::LocalSet::new().block_on(&rt, async {
///     let v = std::rc::Rc::new(1);
///     weft::task::spawn_local(async move { *v }).await.unwrap();
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_local_with(future, SpawnInfo::here())
}

/// `spawn_local` with the spawn details already made (for `task::Builder`).
#[track_caller]
pub(crate) fn spawn_local_with<F>(future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let shared = CURRENT
        .with(|c| c.borrow().clone())
        .or_else(|| crate::runtime::current_local_set().flatten());
    match shared {
        Some(shared) if shared.is_current_thread() => Shared::spawn(&shared, future, spawn),
        Some(_) => panic!(
            "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was \
             created on"
        ),
        // The first sentence is tokio's, so tests expecting its panic pass.
        None => panic!(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`: \
             drive a `weft::task::LocalSet` with `LocalSet::run_until` / `LocalSet::block_on` \
             (or enter it with `LocalSet::enter`), or use a `weft::runtime::LocalRuntime`"
        ),
    }
}

impl Shared {
    pub(crate) fn spawn<F>(me: &Arc<Self>, future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let this = &**me;
        // SAFETY: the set only polls, drops and completes its tasks on its owner thread: the
        // queue is drained in `tick` (owner only), and `Drop for LocalSet` (owner only,
        // since the set is `!Send`) cancels the rest.
        let (join, notified) = unsafe { this.owned.bind_local(future, me.clone(), spawn) };
        if let Some(n) = notified {
            me.schedule(n);
        }
        join
    }

    fn is_current_thread(&self) -> bool {
        std::thread::current().id() == self.owner
    }
}

impl TaskList for Shared {
    fn for_each_header(&self, f: &mut dyn FnMut(&Header)) {
        self.owned.for_each_header(f);
    }

    fn with_header(&self, ptr: *const Header, f: &mut dyn FnMut(&Header)) -> bool {
        self.owned.with_header(ptr, f).is_some()
    }

    fn kind(&self) -> &'static str {
        "LocalSet"
    }
}

impl Schedule for Arc<Shared> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        let mut queue = self.queue.lock();
        queue.push_back(task);
        drop(queue);
        let waker = self.waker.lock().take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl LocalSet {
    /// An empty set, owned by this thread.
    ///
    /// ```
    /// let local = weft::task::LocalSet::new();
    /// # drop(local);
    /// ```
    pub fn new() -> LocalSet {
        let shared = Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(1),
            waker: Mutex::new(None),
            owner: std::thread::current().id(),
            id: crate::runtime::next_runtime_id(),
        });
        #[cfg(not(weft_loom))]
        {
            let weak: std::sync::Weak<Shared> = Arc::downgrade(&shared);
            crate::runtime::diag::register_local_set(weak);
        }
        LocalSet {
            shared,
            _not_send: PhantomData,
        }
    }

    /// The set's [`Id`](crate::runtime::Id), drawn from the same counter as runtime ids.
    ///
    /// ```
    /// let a = weft::task::LocalSet::new();
    /// let b = weft::task::LocalSet::new();
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn id(&self) -> crate::runtime::Id {
        crate::runtime::Id::new(self.shared.id)
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Makes this set the target of [`spawn_local`] until the guard drops.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// let task = {
    ///     let _guard = local.enter();
    ///     weft::task::spawn_local(async { 3 })
    /// };
    /// assert_eq!(local.block_on(&rt, task).unwrap(), 3);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        let prev = CURRENT.with(|c| c.borrow_mut().replace(self.shared.clone()));
        LocalEnterGuard {
            prev,
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task onto this set; it runs when the set is driven.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// let task = local.spawn_local(async { "hi" });
    /// assert_eq!(local.block_on(&rt, task).unwrap(), "hi");
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Shared::spawn(&self.shared, future, SpawnInfo::here())
    }

    /// As `spawn_local`, with the spawn details from `task::Builder`.
    pub(crate) fn spawn_local_with<F>(&self, future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Shared::spawn(&self.shared, future, spawn)
    }

    /// Runs `future` on `rt`, driving this set's tasks meanwhile.
    ///
    /// # Panics
    /// Inside an async context (like [`Runtime::block_on`](crate::runtime::Runtime::block_on)).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// assert_eq!(local.block_on(&rt, async { 1 }), 1);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::runtime::Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Drives this set's tasks until `future` completes.
    ///
    /// # Cancel safety
    /// Dropping the returned future stops driving the set; its tasks stay in the set and run
    /// again the next time the set is driven.
    ///
    /// ```
    /// # weft::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let local = weft::task::LocalSet::new();
    /// let out = local
    ///     .run_until(async { weft::task::spawn_local(async { 4 }).await.unwrap() })
    ///     .await;
    /// assert_eq!(out, 4);
    /// # });
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        std::future::poll_fn(|cx| {
            let _guard = self.enter();
            let _no_blocking = crate::runtime::context::disallow_block_in_place();
            *self.shared.waker.lock() = Some(cx.waker().clone());
            if let Poll::Ready(out) = future.as_mut().poll(cx) {
                return Poll::Ready(out);
            }
            if self.tick() {
                // More work is queued: come back after other tasks had a turn.
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
        .await
    }

    /// Runs up to `MAX_TASKS_PER_TICK` queued tasks; true if more are waiting.
    fn tick(&self) -> bool {
        debug_assert!(self.shared.is_current_thread());
        for _ in 0..MAX_TASKS_PER_TICK {
            let task = self.shared.queue.lock().pop_front();
            match task {
                Some(task) => task.run(),
                None => return false,
            }
        }
        !self.shared.queue.lock().is_empty()
    }
}

/// Awaiting a `LocalSet` drives it until all its tasks have completed.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _guard = self.enter();
        let _no_blocking = crate::runtime::context::disallow_block_in_place();
        *self.shared.waker.lock() = Some(cx.waker().clone());
        if self.tick() {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else if self.shared.owned.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // A set kept in a thread-local is dropped while thread-locals are destroyed: then its
        // tasks are cancelled without entering it.
        let _guard = CURRENT
            .try_with(|c| c.borrow_mut().replace(self.shared.clone()))
            .map(|prev| LocalEnterGuard {
                prev,
                _not_send: PhantomData,
            })
            .ok();
        let _no_blocking = crate::runtime::context::disallow_block_in_place();
        self.shared.owned.close_and_shutdown_all();
        loop {
            let task = self.shared.queue.lock().pop_front();
            match task {
                Some(task) => drop(task),
                None => break,
            }
        }
        self.shared.waker.lock().take();
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet")
            .field("tasks", &self.shared.owned.len())
            .finish()
    }
}
