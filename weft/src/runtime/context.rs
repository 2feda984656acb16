//! Per-thread runtime context: the current handle, whether the thread is driving a runtime,
//! the running scheduler's context and the id of the task being polled.

use super::scheduler;
use crate::task::Id;
use std::cell::{Cell, RefCell};
use std::fmt;

struct Context {
    /// The handle `Handle::current()` returns (set by `enter`, `block_on` and workers).
    handle: RefCell<Option<scheduler::Handle>>,
    /// Bumped by every `SetCurrentGuard`, so guards dropped out of order are caught.
    depth: Cell<usize>,
    /// The scheduler running on this thread, while it runs (a raw pointer to a stack value).
    scheduler: Cell<*const scheduler::Context>,
    /// The header of the task being polled (or cancelled), or null.
    task: Cell<*const crate::runtime::task::Header>,
    /// The long-poll detector's stamp of the scheduler loop running on this thread, or null.
    stamp: Cell<*const crate::runtime::diag::PollStamp>,
    /// Whether this thread is inside `block_on` or is a worker (blocking here is an error).
    runtime: Cell<EnterRuntime>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EnterRuntime {
    Entered { allow_block_in_place: bool },
    NotEntered,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            handle: RefCell::new(None),
            depth: Cell::new(0),
            scheduler: Cell::new(std::ptr::null()),
            task: Cell::new(std::ptr::null()),
            stamp: Cell::new(std::ptr::null()),
            runtime: Cell::new(EnterRuntime::NotEntered),
        }
    };
}

/// The error message for operations that need a runtime but found none. Its first sentence
/// is tokio's, verbatim, as in weft's other panics that tokio has: ported code and tests that
/// match on tokio's messages keep working.
pub(crate) const NO_RUNTIME: &str = "there is no reactor running, must be called from the \
context of a Tokio 1.x runtime. (weft: there is no weft runtime on this thread: call this from \
inside `Runtime::block_on` or a task spawned on a runtime, or enter one with `Runtime::enter` / \
`Handle::enter`; `#[weft::main]` and `#[weft::test]` do this for you)";

/// Why there is no current runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryCurrentError {
    NoContext,
    ThreadLocalDestroyed,
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryCurrentError::NoContext => f.write_str(NO_RUNTIME),
            TryCurrentError::ThreadLocalDestroyed => f.write_str(
                "the weft runtime context was already destroyed: this thread is exiting",
            ),
        }
    }
}

/// Runs `f` with the current handle.
pub(crate) fn with_current<R>(
    f: impl FnOnce(&scheduler::Handle) -> R,
) -> Result<R, TryCurrentError> {
    match CONTEXT.try_with(|c| c.handle.borrow().as_ref().map(f)) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(TryCurrentError::NoContext),
        Err(_) => Err(TryCurrentError::ThreadLocalDestroyed),
    }
}

/// Restores the previous current handle when dropped.
pub(crate) struct SetCurrentGuard {
    prev: Option<scheduler::Handle>,
    depth: usize,
    _not_send: std::marker::PhantomData<SyncNotSend>,
}

/// Makes the guard `!Send` (it must drop on the thread it was made on) but `Sync`, as tokio's
/// `EnterGuard` is: a shared reference to it can do nothing.
struct SyncNotSend(#[allow(dead_code)] *mut ());

// SAFETY: a marker that is never built; `&SetCurrentGuard` exposes no method or state.
unsafe impl Sync for SyncNotSend {}

/// Makes `handle` the current handle until the guard drops.
pub(crate) fn set_current(handle: &scheduler::Handle) -> SetCurrentGuard {
    CONTEXT
        .try_with(|c| {
            let prev = c.handle.borrow_mut().replace(handle.clone());
            let depth = c.depth.get() + 1;
            c.depth.set(depth);
            SetCurrentGuard {
                prev,
                depth,
                _not_send: std::marker::PhantomData,
            }
        })
        // The thread is exiting (a runtime kept in a thread-local is dropped): no context to
        // set, and the guard's drop finds none either.
        .unwrap_or_else(|_| SetCurrentGuard {
            prev: None,
            depth: 0,
            _not_send: std::marker::PhantomData,
        })
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| {
            if c.depth.get() != self.depth {
                if !std::thread::panicking() {
                    panic!(
                        "`EnterGuard` values dropped out of order: guards returned by \
                         `Runtime::enter` / `Handle::enter` must be dropped in reverse order \
                         of creation"
                    );
                }
                return;
            }
            *c.handle.borrow_mut() = self.prev.take();
            c.depth.set(self.depth - 1);
        });
    }
}

impl fmt::Debug for SetCurrentGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCurrentGuard").finish()
    }
}

/// Whether this thread is driving a runtime (inside `block_on`, or a worker).
pub(crate) fn in_runtime() -> bool {
    CONTEXT
        .try_with(|c| c.runtime.get() != EnterRuntime::NotEntered)
        .unwrap_or(false)
}

pub(crate) fn runtime_state() -> EnterRuntime {
    CONTEXT
        .try_with(|c| c.runtime.get())
        .unwrap_or(EnterRuntime::NotEntered)
}

/// Marks this thread as driving `handle`'s runtime while `f` runs.
///
/// # Panics
/// If the thread already drives a runtime: blocking a thread that runs tasks would stall them.
#[track_caller]
pub(crate) fn enter_runtime<R>(
    handle: &scheduler::Handle,
    allow_block_in_place: bool,
    f: impl FnOnce() -> R,
) -> R {
    let seed = handle.config().seed_generator.next_seed();
    enter_runtime_seeded(handle, allow_block_in_place, seed, f)
}

/// [`enter_runtime`], with this thread's random generator (`select!`'s) started from `seed`
/// rather than from the runtime's next seed (a worker's seed is drawn when the runtime is
/// built, so it does not depend on the order the worker threads start in).
#[track_caller]
pub(crate) fn enter_runtime_seeded<R>(
    handle: &scheduler::Handle,
    allow_block_in_place: bool,
    seed: crate::util::rand::RngSeed,
    f: impl FnOnce() -> R,
) -> R {
    let prev = CONTEXT.with(|c| c.runtime.get());
    if prev != EnterRuntime::NotEntered {
        panic!(
            "Cannot start a runtime from within a runtime. This happens because a function (like \
             `block_on`) attempted to block the current thread while the thread is being used to \
             drive asynchronous tasks. If you are in an async function, use `.await` on the \
             future instead of blocking on it. (weft: or move the blocking call to \
             `weft::task::spawn_blocking`)"
        );
    }
    use crate::util::rand::{replace_thread_rng, FastRand};
    struct Reset(Option<FastRand>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.runtime.set(EnterRuntime::NotEntered));
            replace_thread_rng(self.0.take());
        }
    }
    CONTEXT.with(|c| {
        c.runtime.set(EnterRuntime::Entered {
            allow_block_in_place,
        })
    });
    let _reset = Reset(replace_thread_rng(Some(FastRand::from_rng_seed(seed))));
    let _current = set_current(handle);
    f()
}

/// Forbids `block_in_place` on this thread until the guard drops (while a `LocalSet` runs its
/// tasks: blocking in place would stall them all).
pub(crate) fn disallow_block_in_place() -> DisallowBlockInPlace {
    let reset = CONTEXT
        .try_with(|c| {
            let was = c.runtime.get()
                == EnterRuntime::Entered {
                    allow_block_in_place: true,
                };
            if was {
                c.runtime.set(EnterRuntime::Entered {
                    allow_block_in_place: false,
                });
            }
            was
        })
        .unwrap_or(false);
    DisallowBlockInPlace(reset)
}

/// See [`disallow_block_in_place`].
pub(crate) struct DisallowBlockInPlace(bool);

impl Drop for DisallowBlockInPlace {
    fn drop(&mut self) {
        if self.0 {
            let _ = CONTEXT.try_with(|c| {
                c.runtime.set(EnterRuntime::Entered {
                    allow_block_in_place: true,
                })
            });
        }
    }
}

/// Runs `f` as if this thread were not driving a runtime (for `block_in_place`).
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(EnterRuntime);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.runtime.set(self.0));
        }
    }
    let prev = CONTEXT.with(|c| c.runtime.replace(EnterRuntime::NotEntered));
    let _reset = Reset(prev);
    f()
}

/// Runs `f` with `cx` as this thread's scheduler context.
pub(crate) fn set_scheduler<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    struct Reset(*const scheduler::Context);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.scheduler.set(self.0));
        }
    }
    // During thread-local destruction (a runtime dropped from a thread-local) `f` runs with
    // no scheduler context: its wakes go through the injection queue.
    let prev = CONTEXT
        .try_with(|c| c.scheduler.replace(cx as *const _))
        .unwrap_or(std::ptr::null());
    let _reset = Reset(prev);
    f()
}

/// Runs `f` with the scheduler context of this thread, if a scheduler is running here.
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    let ptr = CONTEXT
        .try_with(|c| c.scheduler.get())
        .unwrap_or(std::ptr::null());
    // SAFETY: the pointer is set only by `set_scheduler`, which resets it before the pointee
    // (a value on the stack of the enclosing call) goes away; it is thread-local, so no other
    // thread can see it.
    f(unsafe { ptr.as_ref() })
}

/// Runs `f` with `task` as the task being polled on this thread (its id for `task::id()`,
/// its header for wait-site records).
pub(crate) fn with_task<R>(task: &crate::runtime::task::Header, f: impl FnOnce() -> R) -> R {
    struct Reset {
        task: *const crate::runtime::task::Header,
        stamp: *const crate::runtime::diag::PollStamp,
        word: usize,
    }
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.task.set(self.task));
            // SAFETY: as at entry (the stamp outlives the scheduler loop that set it, and
            // this poll runs inside that loop).
            if let Some(stamp) = unsafe { self.stamp.as_ref() } {
                stamp.leave(self.word);
            }
        }
    }
    let ptr = task as *const crate::runtime::task::Header;
    let reset = CONTEXT
        .try_with(|c| {
            let stamp = c.stamp.get();
            // SAFETY: set by `with_stamp` for the duration of a scheduler loop on this thread,
            // which owns the `Arc` it points into; reset before the loop returns.
            let word = match unsafe { stamp.as_ref() } {
                Some(stamp) => stamp.enter(ptr as usize),
                None => 0,
            };
            Reset {
                task: c.task.replace(ptr),
                stamp,
                word,
            }
        })
        // Lazily: a `Reset` built and dropped unused would clear the slot.
        .unwrap_or_else(|_| Reset {
            task: std::ptr::null(),
            stamp: std::ptr::null(),
            word: 0,
        });
    let _reset = reset;
    f()
}

/// Runs `f` with `stamp` as this thread's long-poll stamp (a scheduler loop).
pub(crate) fn with_stamp<R>(stamp: &crate::runtime::diag::PollStamp, f: impl FnOnce() -> R) -> R {
    struct Reset(*const crate::runtime::diag::PollStamp);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.stamp.set(self.0));
        }
    }
    let prev = CONTEXT
        .try_with(|c| c.stamp.replace(stamp as *const _))
        .unwrap_or(std::ptr::null());
    let _reset = Reset(prev);
    f()
}

/// Runs `f` with this thread's long-poll stamp, if a scheduler loop runs here.
pub(crate) fn with_current_stamp<R>(
    f: impl FnOnce(&crate::runtime::diag::PollStamp) -> R,
) -> Option<R> {
    let ptr = CONTEXT.try_with(|c| c.stamp.get()).ok()?;
    // SAFETY: see `with_task`.
    unsafe { ptr.as_ref() }.map(f)
}

/// Runs `f` with the header of the task being polled on this thread, if any.
#[inline]
fn with_current_task<R>(f: impl FnOnce(&crate::runtime::task::Header) -> R) -> Option<R> {
    let ptr = CONTEXT.try_with(|c| c.task.get()).ok()?;
    // SAFETY: set by `with_task` for the duration of a poll or cancel, during which the
    // poller holds a reference and RUNNING, so the header is alive; reset before it returns.
    unsafe { ptr.as_ref() }.map(f)
}

/// The id of the task being polled on this thread.
pub(crate) fn current_task_id() -> Option<Id> {
    with_current_task(|h| h.id())
}

/// Runs `f` with the diagnostic record of the task being polled here (no-op outside a task).
#[inline]
pub(crate) fn with_current_task_info(f: impl FnOnce(&crate::runtime::diag::TaskInfo)) {
    with_current_task(|h| f(&h.info));
}

/// Defers a wake until the scheduler has polled the driver (what `yield_now` uses, so a
/// yielding task cannot starve I/O). Outside a scheduler it wakes at once.
pub(crate) fn defer(waker: &std::task::Waker) {
    with_scheduler(|cx| match cx {
        Some(cx) => cx.defer(waker),
        None => waker.wake_by_ref(),
    })
}

/// What a spent coop budget does (installed into `coop` by every runtime's build): counts the
/// forced yield once per poll, and defers the wake rather than waking at once, since on the
/// current-thread scheduler an immediate wake would re-poll the task before the driver turns,
/// and a timer racing a busy future would never fire.
pub(crate) fn budget_exhausted(waker: &std::task::Waker, first: bool) {
    if first {
        let _ = with_current(|h| h.metrics().inc_budget_forced_yield());
    }
    defer(waker);
}
