//! The task cell and the handles to it.
//!
//! A task is one allocation ([`cell`]): a header (state word, vtable, owned-list links, id),
//! the scheduler handle, the future (replaced by its output when done) and the join waker.
//! Handles hold references counted in the state word:
//! - [`Task`]: the owned-tasks list's reference (so shutdown reaches every task);
//! - [`Notified`]: a reference that is queued to run once;
//! - [`JoinHandle`] / [`AbortHandle`] and every `Waker`.

mod abort;
mod cell;
mod error;
mod harness;
mod id;
mod join;
pub(crate) mod list;
mod raw;
mod state;
mod waker;

pub use abort::AbortHandle;
pub use error::JoinError;
pub use id::Id;
pub use join::JoinHandle;

pub(crate) use cell::Header;
pub(crate) use raw::RawTask;

pub(crate) use crate::runtime::diag::SpawnInfo;
use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A task's lifecycle as the dump reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lifecycle {
    /// Waiting to be woken.
    Idle,
    /// Woken, in a run queue.
    Scheduled,
    /// Being polled (or cancelled) right now.
    Running,
    /// Done; the output waits for its `JoinHandle`.
    Finished,
}

/// What a task needs from the scheduler that owns it.
pub(crate) trait Schedule: Sync + Sized + 'static {
    /// The task completed: remove it from the owned-tasks list, returning the list's
    /// reference (or `None` if it was not in the list, e.g. already popped by shutdown).
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Queue the task to be polled.
    fn schedule(&self, task: Notified<Self>);

    /// Queue a task that was woken during its own poll (a yield); schedulers put these
    /// behind other work.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// A task's poll (or its future's destructor) panicked; the panic is already stored for
    /// its `JoinHandle`. For `UnhandledPanic::ShutdownRuntime`.
    fn unhandled_panic(&self) {}
}

/// The owned-tasks list's reference to a task.
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _p: PhantomData<S>,
}

/// A task that is queued to be polled; running it consumes it.
pub(crate) struct Notified<S: 'static>(Task<S>);

/// A task that no list owns (blocking-pool tasks): holds both the run reference and the
/// ownership reference, and is run exactly once or shut down.
pub(crate) struct UnownedTask<S: 'static> {
    raw: RawTask,
    _p: PhantomData<S>,
}

// SAFETY: a task handle only reaches the cell through atomics and the RUNNING/JOIN protocols;
// the future and output are `Send` (required at spawn), and `S` is `Sync` (required by
// `Schedule`). `!Send` futures are only spawned through `LocalSet`, whose scheduler keeps their
// handles on one thread.
unsafe impl<S> Send for Task<S> {}
// SAFETY: as above; `&Task` exposes only atomic operations.
unsafe impl<S> Sync for Task<S> {}
// SAFETY: as for `Task`.
unsafe impl<S> Send for UnownedTask<S> {}

impl<S: 'static> Task<S> {
    /// # Safety
    /// The caller passes one reference of `raw`'s task, created with scheduler type `S`.
    pub(super) unsafe fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _p: PhantomData,
        }
    }

    pub(crate) fn header_ptr(&self) -> NonNull<Header> {
        self.raw.header_ptr()
    }

    pub(crate) fn id(&self) -> Id {
        self.raw.id()
    }

    /// Cancels the task for runtime shutdown (consumes this reference).
    pub(crate) fn shutdown(self) {
        let raw = self.raw;
        std::mem::forget(self);
        raw.shutdown();
    }

    fn into_raw(self) -> RawTask {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }
}

impl<S: 'static> Notified<S> {
    /// Polls the task once.
    pub(crate) fn run(self) {
        self.0.into_raw().poll();
    }

    pub(crate) fn id(&self) -> Id {
        self.0.id()
    }

    /// Gives up this reference as a header pointer, for a slot that holds tasks as atomic
    /// pointers (the multi-thread LIFO slot).
    pub(crate) fn into_raw(self) -> NonNull<Header> {
        self.0.into_raw().header_ptr()
    }

    /// # Safety
    /// `ptr` came from [`Notified::into_raw`] of a task with scheduler type `S`, and this is
    /// the only `from_raw` for that `into_raw`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Notified<S> {
        // SAFETY: by the caller's contract we take back the one reference `into_raw` gave up.
        Notified(unsafe { Task::from_raw(RawTask::from_raw(ptr)) })
    }
}

impl<S: 'static> UnownedTask<S> {
    /// Polls the task once (blocking tasks finish in one poll), then drops both references.
    pub(crate) fn run(self) {
        let raw = self.raw;
        std::mem::forget(self);
        raw.poll();
        raw.drop_reference();
    }

    /// Cancels the task without running it.
    pub(crate) fn shutdown(self) {
        let raw = self.raw;
        std::mem::forget(self);
        raw.shutdown();
        raw.drop_reference();
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: 'static> Drop for UnownedTask<S> {
    fn drop(&mut self) {
        // Dropped unrun (e.g. a pool that could not start a thread): cancel it so its
        // `JoinHandle` completes.
        let raw = self.raw;
        raw.shutdown();
        raw.drop_reference();
    }
}

impl<S> std::fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Task({})", self.id())
    }
}

impl<S> std::fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Notified({})", self.id())
    }
}

/// Allocates a task: returns the owned-list reference, the first `Notified` and the
/// `JoinHandle`. The caller binds the `Task` to its list and schedules the `Notified`.
pub(crate) fn new_task<T, S>(
    future: T,
    scheduler: S,
    spawn: SpawnInfo,
) -> (Task<S>, Notified<S>, JoinHandle<T::Output>)
where
    T: Future + 'static,
    S: Schedule,
{
    let raw = RawTask::new::<T, S>(future, scheduler, spawn);
    // SAFETY: the cell starts with three references, one for each handle made here.
    unsafe {
        (
            Task::from_raw(raw),
            Notified(Task::from_raw(raw)),
            JoinHandle::new(raw),
        )
    }
}

/// Allocates a task that no list owns (for the blocking pool).
pub(crate) fn unowned<T, S>(
    future: T,
    scheduler: S,
    spawn: SpawnInfo,
) -> (UnownedTask<S>, JoinHandle<T::Output>)
where
    T: Future + Send + 'static,
    S: Schedule,
{
    let (task, notified, join) = new_task(future, scheduler, spawn);
    let raw = notified.0.into_raw();
    // The list reference and the `Notified` reference both go to the `UnownedTask`.
    std::mem::forget(task);
    (
        UnownedTask {
            raw,
            _p: PhantomData,
        },
        join,
    )
}

#[cfg(test)]
mod tests {
    /// Prints the cell size of an empty task (the number DESIGN.md tracks; goal ≤ 64 bytes).
    #[test]
    fn empty_task_cell_size() {
        use crate::runtime::scheduler::multi_thread::Handle;
        let fut = async {};
        fn size_of_cell<T: std::future::Future, S>(_: &T) -> usize {
            std::mem::size_of::<super::cell::Cell<T, S>>()
        }
        let size = size_of_cell::<_, crate::loom::sync::Arc<Handle>>(&fut);
        println!("empty task cell: {size} bytes");
        assert!(size >= std::mem::size_of::<super::Header>());
    }
}
