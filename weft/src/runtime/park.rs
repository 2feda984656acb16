//! Parking a thread on a condition variable: what a worker sleeps on when it does not own the
//! I/O driver (or when I/O is disabled), and what `block_on` waits on outside a runtime.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::runtime::scheduler::defer::Defer;
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// The parking side; `unpark` handles may be cloned freely.
#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
}

/// Wakes a [`ParkThread`]. An unpark that arrives before the park is remembered (one token).
#[derive(Clone, Debug)]
pub(crate) struct UnparkThread {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }

    pub(crate) fn unpark(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (returns at once if a token is stored, consuming it).
    pub(crate) fn park(&self) {
        self.inner.park(None);
    }

    /// Blocks until unparked or `dur` has passed.
    pub(crate) fn park_timeout(&self, dur: Duration) {
        self.inner.park(Some(dur));
    }
}

impl UnparkThread {
    pub(crate) fn unpark(&self) {
        self.inner.unpark();
    }
}

impl Inner {
    fn park(&self, timeout: Option<Duration>) {
        // Fast path: a stored token.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = self.mutex.lock();
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // The token arrived between the fast path and the lock.
                self.state.store(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        match timeout {
            None => loop {
                guard = self.condvar.wait(guard);
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
                // Spurious wake-up: keep waiting.
            },
            Some(dur) => {
                guard = self.condvar.wait_timeout(guard, dur);
                // Whether woken or timed out, leave the state EMPTY (consuming any token).
                self.state.swap(EMPTY, SeqCst);
                drop(guard);
            }
        }
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Take the lock so the parker is either before its state check (and will see
                // NOTIFIED) or inside `wait` (and gets the notification).
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            actual => panic!("inconsistent park state: {actual}"),
        }
    }
}

thread_local! {
    static CURRENT_PARKER: ParkThread = ParkThread::new();
}

struct UnparkWaker(UnparkThread);

impl std::task::Wake for UnparkWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread, sleeping whenever it is pending.
///
/// The future is polled under a scheduler context of its own, so a wake deferred during the
/// poll (a resource out of coop budget, `yield_now`) is delivered only after the poll returned:
/// woken inside the poll, it would let a poll loop (a `JoinSet`, `select!`) pick the same entry
/// again at once and spin without ever returning to this loop.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let unpark = CURRENT_PARKER.with(|p| p.unpark());
    let waker = std::task::Waker::from(std::sync::Arc::new(UnparkWaker(unpark)));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let scheduler = crate::runtime::scheduler::Context::BlockOn(Defer::new());
    let crate::runtime::scheduler::Context::BlockOn(defer) = &scheduler else {
        unreachable!()
    };
    loop {
        let poll = crate::runtime::context::set_scheduler(&scheduler, || {
            crate::runtime::coop::budget(|| future.as_mut().poll(&mut cx))
        });
        if let std::task::Poll::Ready(out) = poll {
            return out;
        }
        // Deferred wakers usually wake this thread's parker, so the park below returns at once.
        defer.wake();
        CURRENT_PARKER.with(|p| p.park());
    }
}
