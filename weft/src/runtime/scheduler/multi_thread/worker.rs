//! Workers: the run loop, task placement, stealing, parking and shutdown.

use super::idle::Idle;
use super::lifo::Lifo;
use super::park::{self, Parker, Unparker};
use super::queue::{self, Local, Steal};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::diag::{PollStamp, SpawnInfo, TaskList};
use crate::runtime::driver::{self, Driver};
use crate::runtime::metrics::{Recorder, SchedulerMetrics};
use crate::runtime::scheduler::defer::Defer;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::list::OwnedTasks;
use crate::runtime::task::{Header, JoinHandle, Notified, Schedule, Task};
use crate::runtime::{blocking, context, coop, Config};
use crate::util::rand::{FastRand, RngSeed};
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// Polls of LIFO-slot tasks in a row before the slot's task goes to the back of the queue, so
/// two tasks that wake each other cannot starve the rest.
const MAX_LIFO_POLLS_PER_TICK: usize = 3;

/// The runtime-side value: what `Runtime` keeps to shut the workers down.
pub(crate) struct MultiThread;

/// Shared by all workers, tasks and handles.
pub(crate) struct Handle {
    remotes: Box<[Remote]>,
    pub(in crate::runtime::scheduler) inject: Inject<Arc<Handle>>,
    idle: Idle,
    pub(in crate::runtime::scheduler) owned: OwnedTasks<Arc<Handle>>,
    pub(crate) metrics: SchedulerMetrics,
    /// Cores of workers that finished; the last one to arrive finalises shutdown.
    #[allow(clippy::vec_box)] // cores move in as boxes and stay boxed
    shutdown_cores: Mutex<Vec<Box<Core>>>,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(in crate::runtime::scheduler) config: Config,
}

/// What other workers may touch of a worker.
struct Remote {
    steal: Steal<Arc<Handle>>,
    /// The worker's LIFO slot, reachable so a stalled worker's task can be rescued.
    lifo: Arc<Lifo<Arc<Handle>>>,
    unpark: Unparker,
}

/// A worker: its index and, while no thread runs it, its core.
struct Worker {
    handle: Arc<Handle>,
    index: usize,
    /// Parked here by `block_in_place` for the thread that takes the worker over.
    core: Mutex<Option<Box<Core>>>,
    /// Seeds the `select!` generator of the thread running this worker (drawn at build
    /// time, in worker order, so it does not depend on which thread starts first).
    rng_seed: RngSeed,
}

/// What the thread running a worker owns.
struct Core {
    tick: u32,
    lifo: Arc<Lifo<Arc<Handle>>>,
    run_queue: Local<Arc<Handle>>,
    is_searching: bool,
    is_shutdown: bool,
    park: Option<Parker>,
    rand: FastRand,
    metrics: Recorder,
}

/// This scheduler's part of the thread-local context.
pub(crate) struct Context {
    worker: Arc<Worker>,
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

/// The run loop ends (the core was handed away, or the runtime shut down).
type RunResult = Result<Box<Core>, ()>;

impl MultiThread {
    /// Creates the workers and starts them on the blocking pool.
    pub(crate) fn new(
        size: usize,
        driver: Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
        config: Config,
    ) -> (MultiThread, Arc<Handle>) {
        let shared_park = park::Shared::new(driver);
        let metrics = SchedulerMetrics::new(size, config.metrics);
        let mut cores = Vec::with_capacity(size);
        let mut remotes = Vec::with_capacity(size);
        let mut rng_seeds = Vec::with_capacity(size);
        for index in 0..size {
            let (steal, run_queue) = queue::local();
            let parker = Parker::new(shared_park.clone());
            let unpark = parker.unpark();
            let lifo = Arc::new(Lifo::new());
            cores.push(Box::new(Core {
                tick: 0,
                lifo: lifo.clone(),
                run_queue,
                is_searching: false,
                is_shutdown: false,
                park: Some(parker),
                rand: config.seed_generator.next_generator(),
                metrics: metrics.recorder(index),
            }));
            remotes.push(Remote {
                steal,
                lifo,
                unpark,
            });
            rng_seeds.push(config.seed_generator.next_seed());
        }
        let handle = Arc::new(Handle {
            remotes: remotes.into_boxed_slice(),
            inject: Inject::new(),
            idle: Idle::new(size),
            owned: OwnedTasks::new(size * 4),
            metrics,
            shutdown_cores: Mutex::new(Vec::with_capacity(size)),
            driver: driver_handle,
            blocking_spawner,
            config,
        });
        // The monitor holds the scheduler weakly (the scheduler's config holds the monitor's
        // state). loom's `Arc` has no weak side; loom models run no monitor.
        #[cfg(not(weft_loom))]
        {
            let weak = Arc::downgrade(&handle);
            handle.config.diag.set_rescue(Box::new(move |worker| {
                weak.upgrade().map_or(0, |h| h.rescue(worker))
            }));
        }
        for (index, (core, rng_seed)) in cores.into_iter().zip(rng_seeds).enumerate() {
            let worker = Arc::new(Worker {
                handle: handle.clone(),
                index,
                core: Mutex::new(Some(core)),
                rng_seed,
            });
            handle
                .blocking_spawner
                .spawn_thread_task(move || run(worker))
                .expect("failed to spawn a weft worker thread");
        }
        (MultiThread, handle)
    }

    /// Blocks this (non-worker) thread on `future`, while the workers run tasks.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(
        &self,
        handle: &super::super::Handle,
        future: F,
    ) -> F::Output {
        context::enter_runtime(handle, true, || crate::runtime::park::block_on(future))
    }

    /// Tells the workers to stop; they cancel every task on their way out.
    pub(crate) fn shutdown(&self, handle: &super::super::Handle) {
        handle.as_multi_thread().shutdown();
    }
}

/// The body of a worker thread (also of a thread that takes over after `block_in_place`).
fn run(worker: Arc<Worker>) {
    let Some(core) = worker.core.lock().take() else {
        // The `block_in_place` caller took its core back before we started.
        return;
    };
    let handle = super::super::Handle::MultiThread(worker.handle.clone());
    let stamp = worker
        .handle
        .config
        .diag
        .register(std::sync::Arc::new(PollStamp::new(
            worker.index,
            worker.handle.metrics.workers[worker.index].clone(),
        )));
    context::with_stamp(&stamp.stamp, || {
        context::enter_runtime_seeded(&handle, true, worker.rng_seed, || {
            let cx = super::super::Context::MultiThread(Context {
                worker,
                core: RefCell::new(None),
                defer: Defer::new(),
            });
            context::set_scheduler(&cx, || {
                let super::super::Context::MultiThread(cx) = &cx else {
                    unreachable!()
                };
                // Err means the loop ended: shutdown, or the core went to another thread.
                assert!(cx.run(core).is_err());
                cx.defer.wake();
            });
        })
    });
}

impl Context {
    fn run(&self, mut core: Box<Core>) -> RunResult {
        let handle = &self.worker.handle;
        core.metrics.start_busy();
        while !core.is_shutdown {
            core.tick = core.tick.wrapping_add(1);
            if core.tick % handle.config.event_interval == 0 {
                core = self.maintenance(core);
                if core.is_shutdown {
                    break;
                }
            }
            if let Some(task) = core.next_task(&self.worker) {
                core = self.run_task(task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(&self.worker) {
                core = self.run_task(task, core)?;
            } else if !self.defer.is_empty() {
                core = self.park_timeout(core, Some(Duration::ZERO));
            } else {
                core = self.park(core);
            }
        }
        core.metrics.end_busy();
        handle.owned.close_and_shutdown_all();
        handle.shutdown_core(core);
        Err(())
    }

    fn run_task(&self, task: Notified<Arc<Handle>>, mut core: Box<Core>) -> RunResult {
        core.transition_from_searching(&self.worker);
        let mut sample = core.metrics.start_poll(task.id().as_u64());
        *self.core.borrow_mut() = Some(core);
        task.run();
        let mut lifo_polls = 0;
        loop {
            // `block_in_place` may have handed the core to another thread (which owns the
            // worker's metrics from then on).
            let Some(mut core) = self.core.borrow_mut().take() else {
                return Err(());
            };
            if let Some(start) = sample {
                core.metrics.end_poll(start);
            }
            let Some(task) = core.lifo.take() else {
                return Ok(core);
            };
            if lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                if core
                    .run_queue
                    .push_back_or_overflow(task, &self.worker.handle.inject)
                {
                    core.metrics.overflow();
                }
                return Ok(core);
            }
            lifo_polls += 1;
            sample = core.metrics.start_poll(task.id().as_u64());
            *self.core.borrow_mut() = Some(core);
            task.run();
        }
    }

    /// Polls the driver without blocking and picks up shutdown.
    fn maintenance(&self, core: Box<Core>) -> Box<Core> {
        self.park_timeout(core, Some(Duration::ZERO))
    }

    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let config = &self.worker.handle.config;
        if let Some(f) = &config.before_park {
            core = self.with_core(core, &**f);
        }
        // `before_park` may have spawned (into our LIFO slot) or yielded (deferred a wake):
        // then there is work, and no park.
        if self.defer.is_empty() && core.transition_to_parked(&self.worker) {
            core.metrics.about_to_park();
            while !core.is_shutdown {
                core = self.park_timeout(core, None);
                if core.transition_from_parked(&self.worker) {
                    break;
                }
            }
            core.metrics.unparked();
        }
        if let Some(f) = &config.after_unpark {
            core = self.with_core(core, &**f);
        }
        core
    }

    /// Runs a park hook with the core in the context, so what it spawns lands in our queue.
    fn with_core(&self, core: Box<Core>, f: &(dyn Fn() + Send + Sync)) -> Box<Core> {
        *self.core.borrow_mut() = Some(core);
        f();
        self.core
            .borrow_mut()
            .take()
            .expect("worker core missing after a park hook")
    }

    fn park_timeout(&self, mut core: Box<Core>, timeout: Option<Duration>) -> Box<Core> {
        let handle = &self.worker.handle;
        let mut park = core.park.take().expect("worker parker missing");
        // Tasks woken by the driver while we park go straight to our queue.
        *self.core.borrow_mut() = Some(core);
        match timeout {
            Some(dur) => park.park_timeout(&handle.driver, dur),
            None => park.park(&handle.driver),
        }
        self.defer.wake();
        let mut core = self
            .core
            .borrow_mut()
            .take()
            .expect("worker core missing after park");
        core.park = Some(park);
        // The park may have consumed the shutdown notification.
        core.is_shutdown = handle.inject.is_closed();
        // The driver may have queued several tasks here; if there is more than we will run
        // next, let a sleeper help (waking one for a single task only costs a cross-core
        // wake-up).
        if core.should_notify_others() {
            handle.notify_parked_local();
        }
        core
    }

    pub(crate) fn worker_index(&self) -> usize {
        self.worker.index
    }

    pub(crate) fn defer(&self, waker: &std::task::Waker) {
        // Outside a task (e.g. in the driver) there is nothing to defer past.
        if self.core.borrow().is_none() {
            waker.wake_by_ref();
        } else {
            self.defer.defer(waker);
        }
    }
}

impl Core {
    fn next_task(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        let handle = &worker.handle;
        if self.tick % handle.config.global_queue_interval == 0 {
            return handle.inject.pop().or_else(|| self.next_local_task());
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        if handle.inject.is_empty() {
            return None;
        }
        // Take a fair share of the injection queue into our own, to avoid coming back for
        // every task.
        let cap = self
            .run_queue
            .remaining_slots()
            .min(self.run_queue.max_capacity() / 2);
        let n = (handle.inject.len() / handle.remotes.len() + 1)
            .min(cap)
            .max(1);
        let mut first = None;
        let mut rest = Vec::new();
        handle.inject.pop_n(n, |task| {
            if first.is_none() {
                first = Some(task);
            } else {
                rest.push(task);
            }
        });
        self.run_queue.push_back(rest.into_iter());
        first
    }

    fn should_notify_others(&self) -> bool {
        // A searching worker will wake another when it finds work anyway.
        !self.is_searching && usize::from(self.lifo.is_some()) + self.run_queue.len() > 1
    }

    fn next_local_task(&mut self) -> Option<Notified<Arc<Handle>>> {
        self.lifo.take().or_else(|| self.run_queue.pop())
    }

    fn steal_work(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        if !self.transition_to_searching(worker) {
            return None;
        }
        let remotes = &worker.handle.remotes;
        let num = remotes.len();
        let start = self.rand.fastrand_n(num as u32) as usize;
        for i in 0..num {
            let i = (start + i) % num;
            if i == worker.index {
                continue;
            }
            let before = self.run_queue.len();
            if let Some(task) = remotes[i].steal.steal_into(&mut self.run_queue) {
                // The queue grew by all but the one returned to run now.
                let moved = self.run_queue.len().saturating_sub(before) + 1;
                self.metrics.stole(moved as u64);
                return Some(task);
            }
        }
        worker.handle.inject.pop()
    }

    fn transition_to_searching(&mut self, worker: &Worker) -> bool {
        if !self.is_searching {
            self.is_searching = worker.handle.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    fn transition_from_searching(&mut self, worker: &Worker) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if worker.handle.idle.transition_worker_from_searching() {
            // We were the last searcher and found work; there may be more.
            worker.handle.notify_parked_local();
        }
    }

    /// Returns false if the worker has work after all and should not park.
    fn transition_to_parked(&mut self, worker: &Worker) -> bool {
        if self.lifo.is_some() || self.run_queue.has_tasks() || self.is_shutdown {
            return false;
        }
        let is_last_searcher = worker
            .handle
            .idle
            .transition_worker_to_parked(worker.index, self.is_searching);
        self.is_searching = false;
        if is_last_searcher {
            worker.handle.notify_if_work_pending();
        }
        true
    }

    /// True if the worker should leave its park loop.
    fn transition_from_parked(&mut self, worker: &Worker) -> bool {
        if self.lifo.is_some() || self.run_queue.has_tasks() {
            // Work arrived in our own queue (from the driver): unpark ourselves.
            self.is_searching = !worker.handle.idle.unpark_worker_by_id(worker.index);
            return true;
        }
        if worker.handle.idle.is_parked(worker.index) {
            // A spurious or stale wake-up: nobody picked us.
            return false;
        }
        // `worker_to_notify` counted us as searching.
        self.is_searching = true;
        true
    }

    fn shutdown(&mut self, handle: &Handle) {
        while let Some(task) = self.next_local_task() {
            drop(task);
        }
        let mut park = self.park.take().expect("worker parker missing at shutdown");
        park.shutdown(&handle.driver);
    }
}

impl Handle {
    pub(crate) fn spawn<F>(me: &Arc<Handle>, future: F, spawn: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = me.owned.bind(future, me.clone(), spawn);
        if let Some(notified) = notified {
            me.schedule_task(notified, false);
        }
        join
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    /// # Panics
    /// If `worker` is out of range.
    #[track_caller]
    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        match self.remotes.get(worker) {
            Some(remote) => remote.steal.len(),
            None => panic!(
                "worker index {worker} is out of range: the runtime has {} worker(s)",
                self.remotes.len()
            ),
        }
    }

    fn schedule_task(&self, task: Notified<Arc<Handle>>, is_yield: bool) {
        context::with_scheduler(|cx| {
            if let Some(super::super::Context::MultiThread(cx)) = cx {
                if std::ptr::eq(self, &*cx.worker.handle) {
                    if let Some(core) = cx.core.borrow_mut().as_mut() {
                        self.schedule_local(core, task, is_yield);
                        return;
                    }
                }
            }
            self.inject.push(task);
            self.notify_parked_remote();
        });
    }

    fn schedule_local(&self, core: &mut Core, task: Notified<Arc<Handle>>, is_yield: bool) {
        core.metrics.local_schedule(task.id().as_u64());
        let should_notify = if is_yield {
            if core.run_queue.push_back_or_overflow(task, &self.inject) {
                core.metrics.overflow();
            }
            true
        } else {
            // The task just woken is the likeliest to have hot data: run it next.
            let prev = core.lifo.replace(task);
            match prev {
                Some(prev) => {
                    if core.run_queue.push_back_or_overflow(prev, &self.inject) {
                        core.metrics.overflow();
                    }
                    true
                }
                None => false,
            }
        };
        // While parked (driver dispatch), notifications are batched after the park.
        if should_notify && core.park.is_some() {
            self.notify_parked_local();
        }
    }

    /// Moves the task in a stalled worker's LIFO slot to the injection queue and wakes a
    /// sleeper, which also steals what waits in the stalled worker's run queue. Called by
    /// the long-poll monitor while a poll on `worker` runs past the threshold; returns how
    /// many tasks were waiting behind it (0: nothing to do, nobody woken).
    #[cfg_attr(weft_loom, allow(dead_code))]
    fn rescue(&self, worker: usize) -> usize {
        let Some(remote) = self.remotes.get(worker) else {
            return 0;
        };
        let mut waiting = remote.steal.len();
        if let Some(task) = remote.lifo.steal() {
            self.inject.push(task);
            waiting += 1;
        }
        if waiting > 0 {
            self.notify_parked_remote();
        }
        waiting
    }

    fn notify_parked_local(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].unpark.unpark(&self.driver);
        }
    }

    fn notify_parked_remote(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].unpark.unpark(&self.driver);
        }
    }

    fn notify_if_work_pending(&self) {
        for remote in self.remotes.iter() {
            if !remote.steal.is_empty() {
                self.notify_parked_local();
                return;
            }
        }
        if !self.inject.is_empty() {
            self.notify_parked_local();
        }
    }

    fn shutdown(&self) {
        if self.inject.close() {
            for remote in self.remotes.iter() {
                remote.unpark.unpark(&self.driver);
            }
        }
    }

    fn shutdown_core(&self, core: Box<Core>) {
        let mut cores = self.shutdown_cores.lock();
        cores.push(core);
        if cores.len() != self.remotes.len() {
            return;
        }
        // Every worker has stopped: drain what is left and stop the driver.
        for core in cores.iter_mut() {
            core.shutdown(self);
        }
        while let Some(task) = self.inject.pop() {
            drop(task);
        }
    }
}

impl TaskList for Handle {
    fn for_each_header(&self, f: &mut dyn FnMut(&Header)) {
        self.owned.for_each_header(f);
    }

    fn with_header(&self, ptr: *const Header, f: &mut dyn FnMut(&Header)) -> bool {
        self.owned.with_header(ptr, f).is_some()
    }

    fn kind(&self) -> &'static str {
        "runtime"
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        self.schedule_task(task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.schedule_task(task, true);
    }
}

/// Runs `f`, a blocking closure, on this worker thread after handing the worker's queue to a
/// new thread, so the other tasks keep running meanwhile.
#[track_caller]
pub(crate) fn block_in_place<F: FnOnce() -> R, R>(f: F) -> R {
    struct Reset {
        take_core: bool,
    }
    impl Drop for Reset {
        fn drop(&mut self) {
            if !self.take_core {
                return;
            }
            context::with_scheduler(|cx| {
                if let Some(super::super::Context::MultiThread(cx)) = cx {
                    // Take the core back if the new thread has not started on it yet;
                    // otherwise this task finishes its poll without a core and the thread
                    // leaves the worker loop.
                    let core = cx.worker.core.lock().take();
                    if let Some(core) = core {
                        *cx.core.borrow_mut() = Some(core);
                    }
                }
            });
        }
    }

    let state = context::runtime_state();
    let mut take_core = false;
    let on_worker = context::with_scheduler(
        |cx| matches!(cx, Some(super::super::Context::MultiThread(cx)) if cx.core.borrow().is_some()),
    );
    let entered = match state {
        // A multi-thread worker may block in place even inside a `LocalSet`, as in tokio: its
        // queue moves to a new thread, and the set's tasks wait here until `f` returns.
        context::EnterRuntime::Entered {
            allow_block_in_place: false,
        } if !on_worker => panic!(
            "can call blocking only when running on the multi-threaded runtime: \
             `block_in_place` was called on the current-thread runtime, inside `block_on` of \
             one, or in a `LocalSet`; use `spawn_blocking` instead"
        ),
        context::EnterRuntime::Entered { .. } => true,
        context::EnterRuntime::NotEntered => false,
    };
    if entered {
        context::with_scheduler(|cx| {
            let Some(super::super::Context::MultiThread(cx)) = cx else {
                return;
            };
            // Tasks that yielded wait for this worker's next turn, which is now far away:
            // wake them first (to this worker's queue, which moves on with the core).
            cx.defer.wake();
            let Some(mut core) = cx.core.borrow_mut().take() else {
                return;
            };
            // Other workers only steal from the run queue (the monitor alone takes from the
            // LIFO slot); move its task where the new thread or a thief can reach it.
            if let Some(task) = core.lifo.take() {
                core.run_queue
                    .push_back_or_overflow(task, &cx.worker.handle.inject);
            }
            take_core = true;
            *cx.worker.core.lock() = Some(core);
            let worker = cx.worker.clone();
            if cx
                .worker
                .handle
                .blocking_spawner
                .spawn_thread_task(move || run(worker))
                .is_err()
            {
                // No thread: keep the core and block this worker after all.
                let core = cx.worker.core.lock().take();
                if let Some(core) = core {
                    *cx.core.borrow_mut() = Some(core);
                }
                take_core = false;
            }
        });
    }
    if entered {
        let _reset = Reset { take_core };
        // Not a long poll: the worker's queue went to another thread. Stop the detector
        // watching this thread until `f` returns.
        struct Restamp(Option<usize>);
        impl Drop for Restamp {
            fn drop(&mut self) {
                if let Some(word) = self.0 {
                    context::with_current_stamp(|s| s.leave(word));
                }
            }
        }
        let _restamp = Restamp(if take_core {
            context::with_current_stamp(|s| s.enter(0))
        } else {
            None
        });
        coop::with_unconstrained(|| context::exit_runtime(f))
    } else {
        f()
    }
}

impl fmt::Debug for MultiThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiThread").finish()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Handle")
            .field("workers", &self.remotes.len())
            .field("tasks", &self.owned.len())
            .finish()
    }
}
