//! The current-thread scheduler: every task runs on the thread that calls `block_on`.
//!
//! One local run queue, plus the injection queue for wakes from other threads. The driver is
//! polled without blocking every `event_interval` tasks, and parked on when there is nothing
//! to run.

use super::defer::Defer;
use super::inject::Inject;
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::diag::{PollStamp, SpawnInfo, TaskList, BLOCK_ON};
use crate::runtime::driver::park::{ParkThread, UnparkThread};
use crate::runtime::driver::{self, Driver};
use crate::runtime::metrics::{Recorder, SchedulerMetrics};
use crate::runtime::task::list::OwnedTasks;
use crate::runtime::task::{Header, JoinHandle, Notified, Schedule, Task};
use crate::runtime::{blocking, context, Config};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc as StdArc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::Duration;

/// The runtime-side value: owns the core while no thread runs it.
pub(crate) struct CurrentThread {
    core: Mutex<Option<Box<Core>>>,
    /// Threads waiting in `block_on` for another thread to give the core back.
    waiters: Mutex<Vec<UnparkThread>>,
}

/// Shared with every task and `Handle`.
pub(crate) struct Handle {
    pub(super) inject: Inject<Arc<Handle>>,
    pub(super) owned: OwnedTasks<Arc<Handle>>,
    pub(crate) metrics: SchedulerMetrics,
    /// The `block_on` future was woken.
    woken: AtomicBool,
    /// A task panicked under `UnhandledPanic::ShutdownRuntime`: the runtime shuts down, and
    /// every `block_on` from then on panics.
    panicked: AtomicBool,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(super) config: Config,
    /// The `LocalSet` of a `LocalRuntime` (set once, when it is built).
    pub(crate) local: std::sync::OnceLock<crate::loom::sync::Arc<crate::task::LocalShared>>,
}

/// What the running thread owns.
struct Core {
    tasks: VecDeque<Notified<Arc<Handle>>>,
    tick: u32,
    driver: Option<Driver>,
    metrics: Recorder,
    /// `weft::sim`: picks which ready task runs next (FIFO without it).
    #[cfg(feature = "sim")]
    pick: Option<crate::util::rand::FastRand>,
}

/// This scheduler's part of the thread-local context.
pub(crate) struct Context {
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

impl CurrentThread {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
        config: Config,
    ) -> (CurrentThread, Arc<Handle>) {
        let metrics = SchedulerMetrics::new(1, config.metrics);
        let recorder = metrics.recorder(0);
        let handle = Arc::new(Handle {
            inject: Inject::new(),
            owned: OwnedTasks::new(1),
            metrics,
            woken: AtomicBool::new(false),
            panicked: AtomicBool::new(false),
            driver: driver_handle,
            blocking_spawner,
            config,
            local: std::sync::OnceLock::new(),
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(64),
            tick: 0,
            driver: Some(driver),
            metrics: recorder,
            #[cfg(feature = "sim")]
            pick: handle
                .config
                .sim_seed
                .map(crate::util::rand::FastRand::from_seed),
        });
        (
            CurrentThread {
                core: Mutex::new(Some(core)),
                waiters: Mutex::new(Vec::new()),
            },
            handle,
        )
    }

    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &super::Handle, future: F) -> F::Output {
        let mut future = pin!(future);
        context::enter_runtime(handle, false, || {
            let me = handle.as_current_thread();
            let mut park: Option<ParkThread> = None;
            loop {
                let core = self.core.lock().take();
                if let Some(core) = core {
                    return self.run_core(me, core, future.as_mut());
                }
                // Another thread drives the scheduler: poll our future on our own, and wait
                // for either its wake-up or the core coming back.
                let park = park.get_or_insert_with(ParkThread::new);
                let unpark = park.unpark();
                self.waiters.lock().push(unpark.clone());
                let waker = Waker::from(StdArc::new(ThreadWaker(unpark)));
                let mut cx = TaskContext::from_waker(&waker);
                if let Poll::Ready(out) =
                    crate::runtime::coop::budget(|| future.as_mut().poll(&mut cx))
                {
                    return out;
                }
                let core_is_back = self.core.lock().is_some();
                if core_is_back {
                    continue;
                }
                park.park();
            }
        })
    }

    fn run_core<F: Future>(
        &self,
        handle: &Arc<Handle>,
        core: Box<Core>,
        future: std::pin::Pin<&mut F>,
    ) -> F::Output {
        let cx = Context {
            handle: handle.clone(),
            core: RefCell::new(None),
            defer: Defer::new(),
        };
        let scheduler_cx = super::Context::CurrentThread(cx);
        let super::Context::CurrentThread(cx) = &scheduler_cx else {
            unreachable!()
        };
        // Give the core back even if a task panics through us.
        let guard = CoreGuard {
            scheduler: self,
            cx,
            core: Some(core),
        };
        let stamp = handle
            .config
            .diag
            .register(std::sync::Arc::new(PollStamp::new(
                0,
                handle.metrics.workers[0].clone(),
            )));
        context::with_stamp(&stamp.stamp, || {
            context::set_scheduler(&scheduler_cx, || guard.block_on(future, &stamp.stamp))
        })
    }

    /// Cancels every task and shuts the driver down; called when the `Runtime` drops.
    pub(crate) fn shutdown(&self, handle: &super::Handle) {
        let me = handle.as_current_thread();
        let Some(mut core) = self.core.lock().take() else {
            // The core is out with a thread that panicked mid-`block_on`; nothing to drive.
            if std::thread::panicking() {
                return;
            }
            panic!("the current-thread scheduler's core was not returned: a `block_on` is still running");
        };
        let cx = Context {
            handle: me.clone(),
            core: RefCell::new(None),
            defer: Defer::new(),
        };
        let scheduler_cx = super::Context::CurrentThread(cx);
        let super::Context::CurrentThread(cx) = &scheduler_cx else {
            unreachable!()
        };
        let _current = context::set_current(handle);
        let core = context::set_scheduler(&scheduler_cx, move || {
            let mut driver = core.driver.take();
            let (c, ()) = cx.enter(core, || {
                me.owned.close_and_shutdown_all();
            });
            core = c;
            // Queued `Notified`s only hold references now; dropping them may run destructors
            // that wake or spawn, which land in the queues again, so drain until quiet.
            loop {
                let mut drained = false;
                while let Some(task) = core.tasks.pop_front() {
                    drop(task);
                    drained = true;
                }
                me.inject.close();
                while let Some(task) = me.inject.pop() {
                    drop(task);
                    drained = true;
                }
                if !drained {
                    break;
                }
            }
            core.metrics.set_queue_depth(0);
            debug_assert!(me.owned.is_empty());
            if let Some(driver) = driver.as_mut() {
                driver.shutdown(&me.driver);
            }
            core.driver = driver;
            core
        });
        *self.core.lock() = Some(core);
    }
}

struct CoreGuard<'a> {
    scheduler: &'a CurrentThread,
    cx: &'a Context,
    core: Option<Box<Core>>,
}

impl CoreGuard<'_> {
    fn block_on<F: Future>(
        mut self,
        mut future: std::pin::Pin<&mut F>,
        stamp: &PollStamp,
    ) -> F::Output {
        let cx = self.cx;
        let handle = &cx.handle;
        let waker = Waker::from(StdArc::new(BlockOnWaker(handle.clone())));
        let mut task_cx = TaskContext::from_waker(&waker);
        let mut core = self.core.take().expect("core present");
        core.metrics.start_busy();
        handle.woken.store(true, Ordering::Release);
        'outer: loop {
            if handle.panicked.load(Ordering::Acquire) {
                let (c, ()) = cx.enter(core, || handle.owned.close_and_shutdown_all());
                self.core = Some(c);
                panic!(
                    "{}",
                    crate::runtime::unhandled_panic::RUNTIME_SHUT_DOWN_ON_PANIC
                );
            }
            if handle.woken.swap(false, Ordering::AcqRel) {
                let (c, res) = cx.enter(core, || {
                    let prev = stamp.enter(BLOCK_ON);
                    let res = crate::runtime::coop::budget(|| future.as_mut().poll(&mut task_cx));
                    stamp.leave(prev);
                    res
                });
                core = c;
                if let Poll::Ready(out) = res {
                    self.core = Some(core);
                    return out;
                }
            }
            for _ in 0..handle.config.event_interval {
                core.tick = core.tick.wrapping_add(1);
                let Some(task) = core.next_task(handle) else {
                    core = if cx.defer.is_empty() {
                        cx.park(core)
                    } else {
                        cx.park_yield(core)
                    };
                    continue 'outer;
                };
                let sample = core.metrics.start_poll(task.id().as_u64());
                let (c, ()) = cx.enter(core, || task.run());
                core = c;
                if let Some(start) = sample {
                    core.metrics.end_poll(start);
                }
                if handle.woken.load(Ordering::Acquire) || handle.panicked.load(Ordering::Relaxed) {
                    continue 'outer;
                }
            }
            core = cx.park_yield(core);
        }
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        let core = self
            .core
            .take()
            .or_else(|| self.cx.core.borrow_mut().take());
        if let Some(mut core) = core {
            core.metrics.end_busy();
            *self.scheduler.core.lock() = Some(core);
            for waiter in self.scheduler.waiters.lock().drain(..) {
                waiter.unpark();
            }
        }
    }
}

impl Core {
    fn next_task(&mut self, handle: &Handle) -> Option<Notified<Arc<Handle>>> {
        if self.tick % handle.config.global_queue_interval == 0 {
            handle.inject.pop().or_else(|| self.pop_local())
        } else {
            self.pop_local().or_else(|| handle.inject.pop())
        }
    }

    fn pop_local(&mut self) -> Option<Notified<Arc<Handle>>> {
        #[cfg(feature = "sim")]
        if let Some(pick) = &self.pick {
            let len = self.tasks.len();
            if len > 1 {
                let i = pick.fastrand_n(len as u32) as usize;
                let task = self.tasks.swap_remove_back(i)?;
                self.metrics.set_queue_depth(self.tasks.len());
                return Some(task);
            }
        }
        let task = self.tasks.pop_front()?;
        self.metrics.set_queue_depth(self.tasks.len());
        Some(task)
    }

    fn push_local(&mut self, task: Notified<Arc<Handle>>) {
        self.metrics.local_schedule(task.id().as_u64());
        self.tasks.push_back(task);
        self.metrics.set_queue_depth(self.tasks.len());
    }
}

impl Context {
    /// Puts the core in the context while `f` runs, so tasks woken on this thread go straight
    /// to the local queue.
    fn enter<R>(&self, core: Box<Core>, f: impl FnOnce() -> R) -> (Box<Core>, R) {
        *self.core.borrow_mut() = Some(core);
        let ret = f();
        let core = self
            .core
            .borrow_mut()
            .take()
            .expect("core missing from the scheduler context");
        (core, ret)
    }

    /// Blocks on the driver until woken, unless there is work.
    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &self.handle;
        let mut driver = core.driver.take().expect("driver missing");
        if let Some(f) = &handle.config.before_park {
            core = self.enter(core, &**f).0;
        }
        // The checks come after `before_park`: it may spawn, wake or yield.
        if core.tasks.is_empty()
            && handle.inject.is_empty()
            && !handle.woken.load(Ordering::Acquire)
            && self.defer.is_empty()
        {
            core.metrics.about_to_park();
            let (c, ()) = self.enter(core, || {
                driver.park(&handle.driver);
                self.defer.wake();
            });
            core = c;
            core.metrics.unparked();
        } else {
            // There is work after all, but the driver still gets its turn: a `block_on`
            // future that keeps waking itself must not starve timers and I/O.
            let (c, ()) = self.enter(core, || {
                driver.park_timeout(&handle.driver, Duration::ZERO);
                self.defer.wake();
            });
            core = c;
        }
        if let Some(f) = &handle.config.after_unpark {
            core = self.enter(core, &**f).0;
        }
        core.driver = Some(driver);
        core
    }

    /// Polls the driver for ready events without blocking.
    fn park_yield(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &self.handle;
        let mut driver = core.driver.take().expect("driver missing");
        let (c, ()) = self.enter(core, || {
            driver.park_timeout(&handle.driver, Duration::ZERO);
            self.defer.wake();
        });
        core = c;
        core.driver = Some(driver);
        core
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        self.defer.defer(waker);
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
            me.schedule(notified);
        }
        join
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned.len()
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

    fn unhandled_panic(&self) {
        if self.config.unhandled_panic == crate::runtime::UnhandledPanic::ShutdownRuntime {
            self.panicked.store(true, Ordering::Release);
        }
    }

    fn schedule(&self, task: Notified<Self>) {
        context::with_scheduler(|cx| {
            if let Some(super::Context::CurrentThread(cx)) = cx {
                if Arc::ptr_eq(self, &cx.handle) {
                    let mut core = cx.core.borrow_mut();
                    match core.as_mut() {
                        Some(core) => core.push_local(task),
                        // Only during shutdown, after the queues were drained: the owned list
                        // has cancelled the task already.
                        None => drop(task),
                    }
                    return;
                }
            }
            self.inject.push(task);
            self.driver.unpark();
        });
    }
}

/// Wakes the `block_on` future.
struct BlockOnWaker(Arc<Handle>);

impl Wake for BlockOnWaker {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &StdArc<Self>) {
        self.0.woken.store(true, Ordering::Release);
        self.0.driver.unpark();
    }
}

/// Wakes a thread parked in `block_on` while another thread holds the core.
struct ThreadWaker(UnparkThread);

impl Wake for ThreadWaker {
    fn wake(self: StdArc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &StdArc<Self>) {
        self.0.unpark();
    }
}

impl fmt::Debug for CurrentThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentThread").finish()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Handle")
            .field("tasks", &self.owned.len())
            .finish()
    }
}
