//! The schedulers, and the handle enum the rest of the runtime uses to reach either.

pub(crate) mod current_thread;
pub(crate) mod defer;
pub(crate) mod inject;
pub(crate) mod multi_thread;

use crate::loom::sync::Arc;
use crate::runtime::diag::SpawnInfo;
use crate::runtime::{blocking, context, driver};
use crate::task::JoinHandle;
use std::future::Future;
use std::task::Waker;

/// A handle to whichever scheduler a runtime uses.
#[derive(Clone, Debug)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

/// The scheduler running on this thread (stored in the thread-local context).
pub(crate) enum Context {
    CurrentThread(current_thread::Context),
    MultiThread(multi_thread::Context),
    /// A `block_on` that polls its future on a thread that runs no scheduler (the
    /// multi-thread runtime's `block_on`, `Handle::block_on`): deferred wakes wait until the
    /// poll has returned, so a future that ran out of budget cannot be re-polled from inside
    /// its own poll.
    BlockOn(defer::Defer),
}

impl Handle {
    /// The current handle.
    ///
    /// # Panics
    /// Outside a runtime, with a message saying how to get one.
    #[track_caller]
    pub(crate) fn current() -> Handle {
        match context::with_current(Handle::clone) {
            Ok(handle) => handle,
            Err(e) => panic!("{e}"),
        }
    }

    #[allow(dead_code)] // used by the reactor and the time driver
    pub(crate) fn driver(&self) -> &driver::Handle {
        match self {
            Handle::CurrentThread(h) => &h.driver,
            Handle::MultiThread(h) => &h.driver,
        }
    }

    pub(crate) fn config(&self) -> &crate::runtime::Config {
        match self {
            Handle::CurrentThread(h) => &h.config,
            Handle::MultiThread(h) => &h.config,
        }
    }

    pub(crate) fn diag(&self) -> &std::sync::Arc<crate::runtime::diag::RuntimeDiag> {
        match self {
            Handle::CurrentThread(h) => &h.config.diag,
            Handle::MultiThread(h) => &h.config.diag,
        }
    }

    /// The task list, for the detector and the dump.
    pub(crate) fn task_list(&self) -> std::sync::Weak<dyn crate::runtime::diag::TaskList> {
        // loom's `Arc` has no weak references; the loom models need no dump.
        #[cfg(weft_loom)]
        return std::sync::Weak::<current_thread::Handle>::new();
        #[cfg(not(weft_loom))]
        match self {
            Handle::CurrentThread(h) => {
                let w: std::sync::Weak<current_thread::Handle> = Arc::downgrade(h);
                w
            }
            Handle::MultiThread(h) => {
                let w: std::sync::Weak<multi_thread::Handle> = Arc::downgrade(h);
                w
            }
        }
    }

    pub(crate) fn blocking_spawner(&self) -> &blocking::Spawner {
        match self {
            Handle::CurrentThread(h) => &h.blocking_spawner,
            Handle::MultiThread(h) => &h.blocking_spawner,
        }
    }

    pub(crate) fn spawn<F>(&self, future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // A task spawned by a simulated host's task belongs to that host.
        #[cfg(feature = "sim")]
        if let Some(host) = crate::sim::current_host() {
            return crate::sim::spawn_in_host(host, future, |f| self.spawn_plain(f, spawn));
        }
        self.spawn_plain(future, spawn)
    }

    fn spawn_plain<F>(&self, future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::CurrentThread(h) => current_thread::Handle::spawn(h, future, spawn),
            Handle::MultiThread(h) => multi_thread::Handle::spawn(h, future, spawn),
        }
    }

    /// Runs `func` on the blocking pool. With paused time, the clock does not auto-advance
    /// while it runs (the runtime is not idle: it waits for the closure).
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn_blocking_at(func, SpawnInfo::here())
    }

    pub(crate) fn spawn_blocking_at<F, R>(&self, func: F, spawn: SpawnInfo) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // The closure runs in the runtime's context, as in tokio: `weft::spawn`,
        // `Handle::current()` and new I/O resources work inside it.
        let handle = self.clone();
        let func = move || {
            let _current = context::set_current(&handle);
            drop(handle);
            func()
        };
        let Some(time) = &self.driver().time else {
            return self.blocking_spawner().spawn_blocking_at(func, spawn);
        };
        // A multi-thread runtime's clock can be paused only by `start_paused`, never later
        // (`pause` panics there): if it was not, skip two clock-lock round trips per job.
        if matches!(self, Handle::MultiThread(_)) && !time.clock().ever_paused() {
            return self.blocking_spawner().spawn_blocking_at(func, spawn);
        }
        /// Lets the clock auto-advance again once the task has completed and its `JoinHandle`
        /// was notified (or it was dropped unrun), and wakes the runtime: parked with nothing
        /// to run, it would not notice (nobody may await the blocking task yet), as tokio's does.
        struct AllowAutoAdvance(crate::runtime::driver::time::Handle, Handle);
        impl Drop for AllowAutoAdvance {
            fn drop(&mut self) {
                self.0.clock().allow_auto_advance();
                self.1.driver().unpark();
            }
        }
        time.clock().inhibit_auto_advance();
        let guard = AllowAutoAdvance(time.clone(), self.clone());
        self.blocking_spawner()
            .spawn_blocking_then(func, spawn, Some(Box::new(guard)))
    }

    pub(crate) fn as_current_thread(&self) -> &Arc<current_thread::Handle> {
        match self {
            Handle::CurrentThread(h) => h,
            Handle::MultiThread(_) => unreachable!("not a current-thread runtime"),
        }
    }

    pub(crate) fn as_multi_thread(&self) -> &Arc<multi_thread::Handle> {
        match self {
            Handle::MultiThread(h) => h,
            Handle::CurrentThread(_) => unreachable!("not a multi-thread runtime"),
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.num_alive_tasks(),
            Handle::MultiThread(h) => h.num_alive_tasks(),
        }
    }

    pub(crate) fn metrics(&self) -> &crate::runtime::metrics::SchedulerMetrics {
        match self {
            Handle::CurrentThread(h) => &h.metrics,
            Handle::MultiThread(h) => &h.metrics,
        }
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.owned.spawned(),
            Handle::MultiThread(h) => h.owned.spawned(),
        }
    }

    pub(crate) fn injection_queue_depth(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.inject.len(),
            Handle::MultiThread(h) => h.inject.len(),
        }
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.inject.remote_pushes(),
            Handle::MultiThread(h) => h.inject.remote_pushes(),
        }
    }

    /// # Panics
    /// If `worker` is not below the number of workers.
    #[track_caller]
    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        match self {
            Handle::CurrentThread(h) => {
                h.metrics
                    .worker(worker)
                    .queue_depth
                    .load(std::sync::atomic::Ordering::Relaxed) as usize
            }
            Handle::MultiThread(h) => h.worker_local_queue_depth(worker),
        }
    }
}

impl Context {
    /// See `runtime::worker_index`.
    pub(crate) fn worker_index(&self) -> Option<usize> {
        match self {
            Context::CurrentThread(_) => Some(0),
            Context::MultiThread(cx) => Some(cx.worker_index()),
            Context::BlockOn(_) => None,
        }
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        match self {
            Context::CurrentThread(cx) => cx.defer(waker),
            Context::MultiThread(cx) => cx.defer(waker),
            Context::BlockOn(defer) => defer.defer(waker),
        }
    }
}
