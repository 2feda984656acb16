//! `JoinHandle`: the owned permission to await a task's output.

use super::raw::RawTask;
use super::{AbortHandle, Id, JoinError};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// An owned permission to join a task: awaiting it yields the task's output.
///
/// Dropping a `JoinHandle` detaches the task: it keeps running, and its output is dropped
/// when it completes. A task that panicked, or was aborted, yields a [`JoinError`].
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let handle: weft::task::JoinHandle<u32> = weft::spawn(async { 40 + 2 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
///
/// # Cancel safety
/// Awaiting a `JoinHandle` is cancel safe: dropping the `.await` (not the handle) loses nothing,
/// and the handle can be awaited again.
pub struct JoinHandle<T> {
    raw: RawTask,
    _p: PhantomData<T>,
}

// SAFETY: the handle only reads the output (which is `T: Send`) after completion, through the
// JOIN protocol; the rest is atomics.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` exposes no access to the output, only atomic state operations.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> std::panic::UnwindSafe for JoinHandle<T> {}
impl<T> std::panic::RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// # Safety
    /// The caller passes one reference, of a task whose output type is `T`.
    pub(super) unsafe fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _p: PhantomData,
        }
    }

    /// Aborts the task: its future is dropped at the next point where it yields (or right away
    /// if it is idle), and awaiting this handle then yields a cancelled [`JoinError`]. A task
    /// that already completed is not affected. Tasks from `spawn_blocking` cannot be aborted
    /// once they started running.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Whether the task has finished (completed, panicked or been cancelled).
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let handle = weft::task::spawn_blocking(move || rx.recv().unwrap());
    /// assert!(!handle.is_finished());
    /// tx.send(()).unwrap();
    /// handle.await.unwrap();
    /// # });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// An [`AbortHandle`] for this task, which can abort it without owning the output.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// let abort = handle.abort_handle();
    /// abort.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.ref_inc();
        // SAFETY: we just took a reference for the new handle.
        unsafe { AbortHandle::new(self.raw) }
    }

    /// The task's id.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let a = weft::spawn(async {});
    /// let b = weft::spawn(async {});
    /// assert_ne!(a.id(), b.id());
    /// # });
    /// ```
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        let mut ret = Poll::Pending;
        // SAFETY: `ret` has the type the task's `try_read_output` writes for output `T`.
        unsafe {
            self.raw.try_read_output(
                &mut ret as *mut Poll<Result<T, JoinError>> as *mut (),
                cx.waker(),
            )
        };
        if ret.is_ready() {
            coop.made_progress();
        } else {
            // For the task dump: the awaiting task waits for this one.
            crate::runtime::diag::record_wait(
                &crate::runtime::diag::sites::JOIN,
                self.raw.id().as_u64(),
            );
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.raw.header().state.drop_join_handle_fast().is_ok() {
            return;
        }
        self.raw.drop_join_handle_slow();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}
