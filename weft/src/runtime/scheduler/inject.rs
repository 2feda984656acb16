//! The injection queue: tasks scheduled from outside a worker (remote spawns and wakes) and
//! overflow from full local queues. A mutex-protected deque with a lock-free emptiness hint.

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use crate::runtime::task::Notified;
use std::collections::VecDeque;

pub(crate) struct Inject<S: 'static> {
    inner: Mutex<Inner<S>>,
    /// Mirrors `queue.len()` so workers can skip the lock when it is empty.
    len: AtomicUsize,
    /// Mirrors `closed`, so workers can poll for shutdown without the lock.
    closed: AtomicBool,
    /// Tasks queued by `push` (remote schedules, for the metrics); written under the lock.
    pushes: std::sync::atomic::AtomicU64,
}

struct Inner<S: 'static> {
    queue: VecDeque<Notified<S>>,
    closed: bool,
}

impl<S: 'static> Inject<S> {
    pub(crate) fn new() -> Inject<S> {
        Inject {
            inner: Mutex::new(Inner {
                queue: VecDeque::new(),
                closed: false,
            }),
            len: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            pushes: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Queues a task scheduled from outside the runtime's threads (counted as a remote
    /// schedule). After `close` the task is dropped instead (the runtime is shutting down and
    /// cancels every task through its owned list).
    pub(crate) fn push(&self, task: Notified<S>) {
        let mut inner = self.inner.lock();
        if inner.closed {
            drop(inner);
            drop(task);
            return;
        }
        // Under the lock, so a load and a store suffice.
        let pushes = self.pushes.load(std::sync::atomic::Ordering::Relaxed);
        self.pushes
            .store(pushes + 1, std::sync::atomic::Ordering::Relaxed);
        inner.queue.push_back(task);
        self.len.store(inner.queue.len(), Ordering::Release);
    }

    /// Tasks queued by `push` since the start.
    pub(crate) fn remote_pushes(&self) -> u64 {
        self.pushes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Queues many tasks under one lock acquisition (overflow from a local queue).
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = Notified<S>>) {
        let mut inner = self.inner.lock();
        if inner.closed {
            drop(inner);
            tasks.for_each(drop);
            return;
        }
        inner.queue.extend(tasks);
        self.len.store(inner.queue.len(), Ordering::Release);
    }

    pub(crate) fn pop(&self) -> Option<Notified<S>> {
        if self.is_empty() {
            return None;
        }
        let mut inner = self.inner.lock();
        let task = inner.queue.pop_front();
        self.len.store(inner.queue.len(), Ordering::Release);
        task
    }

    /// Pops up to `max` tasks under one lock acquisition, handing each to `f`.
    pub(crate) fn pop_n(&self, max: usize, mut f: impl FnMut(Notified<S>)) -> usize {
        if self.is_empty() || max == 0 {
            return 0;
        }
        let mut inner = self.inner.lock();
        let n = max.min(inner.queue.len());
        for task in inner.queue.drain(..n) {
            f(task);
        }
        self.len.store(inner.queue.len(), Ordering::Release);
        n
    }

    /// Refuses further pushes; returns false if it was already closed.
    pub(crate) fn close(&self) -> bool {
        let mut inner = self.inner.lock();
        self.closed.store(true, Ordering::Release);
        !std::mem::replace(&mut inner.closed, true)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

impl<S> std::fmt::Debug for Inject<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inject")
            .field("len", &self.len.load(Ordering::Relaxed))
            .finish()
    }
}
