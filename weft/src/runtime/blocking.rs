//! The blocking thread pool: `spawn_blocking`, the multi-thread workers' threads, and the
//! fallback for operations the kernel offers only as blocking calls.
//!
//! Threads start on demand up to a cap (`max_blocking_threads` plus the worker count), wait
//! `thread_keep_alive` for more work, then exit. Jobs beyond the cap wait in a FIFO queue.
//! At shutdown, jobs that have not started are cancelled (their `JoinHandle` reports
//! cancellation) except mandatory ones (worker loops), which still run.
//!
//! A round trip (spawn, run, wake the awaiting task) is what `fs` calls cost, so it is kept
//! short. Each idle thread parks on its own (`std::thread::park`), not on a shared condvar: a
//! spawner queues the job, takes the most recently idle thread off the idle list and unparks
//! just that one, after releasing the pool lock (no herd, no woken thread waiting for the lock;
//! a thread not asleep yet costs no system call to wake). Whichever thread looks at the queue
//! first runs the job: often one that has just finished another, sooner than the woken one. A
//! thread offers itself for work as soon as its closure returns, before the awaiting task is
//! woken, so that task's next job goes to it rather than to a new thread. Measured and
//! rejected: spinning (or `sched_yield`-ing) briefly before parking; on two shared cores the
//! spinner takes the CPU that the worker and the other pool threads need, and round trips got
//! 10-70% slower. Handing each job to one thread's private slot instead of the queue was
//! about 3% slower on `fs_small_files`.

use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::runtime::driver::clock::system_now;
use crate::runtime::task::{self, JoinHandle, Notified, Schedule, Task, UnownedTask};
use crate::runtime::{coop, Callback, ThreadNameFn};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Owned by the `Runtime`; shuts the pool down when dropped.
pub(crate) struct BlockingPool {
    spawner: Spawner,
}

/// Cloned into every scheduler handle.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

pub(crate) struct PoolConfig {
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
    pub(crate) thread_cap: usize,
    pub(crate) keep_alive: Duration,
}

struct Inner {
    shared: Mutex<Shared>,
    /// `Shared::shutdown`, readable without the lock by a thread about to start a job.
    is_shutdown: AtomicBool,
    /// `shutdown` waits here for the last thread to leave.
    shutdown_cv: Condvar,
    config: PoolConfig,
}

struct Shared {
    /// Jobs waiting for a thread. Whichever thread looks first takes the next one: often one
    /// that has just finished a job, sooner than the idle thread woken for it.
    queue: VecDeque<Job>,
    num_th: usize,
    /// Threads waiting for a job, the most recently idle last. Each new job wakes the last
    /// one: its cache is warm, it may not even be asleep yet, and the threads at the bottom
    /// are left to reach their keep-alive and exit.
    idle: Vec<Arc<Waiter>>,
    shutdown: bool,
    worker_threads: HashMap<usize, std::thread::JoinHandle<()>>,
    next_thread_id: usize,
    /// A thread that left on keep-alive expiry; the next one to leave joins it, so exiting
    /// threads are always joined by someone.
    last_exiting_thread: Option<std::thread::JoinHandle<()>>,
}

/// How a spawner wakes one idle pool thread.
struct Waiter {
    /// Whether the thread is on `Shared::idle`; changed only under `Shared`'s lock. A spawner
    /// that takes it off the list has queued a job and then unparks it.
    listed: AtomicBool,
    /// The owning thread, parked while it waits (`std::thread::park`: an unpark of a thread
    /// that is not parked yet costs no system call).
    thread: std::thread::Thread,
}

/// What a pool thread knows about itself, for [`BlockingTask`] to reach.
struct PoolThread {
    inner: Arc<Inner>,
    waiter: Arc<Waiter>,
    /// Set while the thread runs a job of its own (not one nested inside it, such as another
    /// runtime's job run inline by that runtime's shutdown).
    armed: Cell<bool>,
}

thread_local! {
    static POOL_THREAD: RefCell<Option<PoolThread>> = const { RefCell::new(None) };
}

struct Job {
    task: UnownedTask<BlockingSchedule>,
    mandatory: bool,
}

/// Blocking tasks run once and are never rescheduled.
///
/// `after` is dropped once the task has completed *and* its `JoinHandle` was notified (the
/// harness calls `release` after the join wake), or with the task if it never runs. A paused
/// clock's auto-advance inhibit lives here: released from inside the closure instead, the
/// runtime could wake, find the handle not yet notified, and jump time past a timeout that is
/// awaiting the very result.
pub(crate) struct BlockingSchedule {
    after: std::sync::Mutex<Option<Box<dyn Send>>>,
}

impl BlockingSchedule {
    fn new(after: Option<Box<dyn Send>>) -> BlockingSchedule {
        BlockingSchedule {
            after: std::sync::Mutex::new(after),
        }
    }
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        let after = self.after.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(after);
        None
    }

    fn schedule(&self, task: Notified<Self>) {
        // A blocking task is notified only once, at creation; no waker can reach it later.
        debug_assert!(false, "a blocking task was rescheduled");
        drop(task);
    }
}

/// Runs a closure once, outside the cooperative budget.
struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self
            .func
            .take()
            .expect("a blocking task was polled after it completed");
        let armed = PoolThread::disarm();
        let out = coop::with_unconstrained(func);
        if armed {
            PoolThread::job_returned();
        }
        Poll::Ready(out)
    }
}

impl PoolThread {
    /// Marks whether this thread is about to run a job of its own.
    fn arm(armed: bool) {
        POOL_THREAD.with(|t| {
            if let Some(t) = &*t.borrow() {
                t.armed.set(armed);
            }
        });
    }

    /// True if this is a pool thread about to run the closure of the job it picked up.
    fn disarm() -> bool {
        POOL_THREAD
            .try_with(|t| t.borrow().as_ref().is_some_and(|t| t.armed.replace(false)))
            .unwrap_or(false)
    }

    /// The closure has returned; what is left of the job is storing its output and waking
    /// the `JoinHandle`. The awaiting task often spawns its next job right after that wake,
    /// so the thread offers itself for work now: that job then comes straight to this thread
    /// instead of starting a new one (no idle thread yet) or waking another one. The price: a
    /// job queued in that window waits for the rest of this one (normally a few hundred
    /// nanoseconds; longer only if dropping an output nobody awaits, or the awaiting task's
    /// waker, is slow) unless another thread gets to it first.
    fn job_returned() {
        let _ = POOL_THREAD.try_with(|t| {
            if let Some(t) = &*t.borrow() {
                let mut shared = t.inner.shared.lock();
                if shared.queue.is_empty() && !shared.shutdown {
                    shared.list(&t.waiter);
                }
            }
        });
    }
}

impl BlockingPool {
    pub(crate) fn new(config: PoolConfig) -> BlockingPool {
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(Inner {
                    shared: Mutex::new(Shared {
                        queue: VecDeque::new(),
                        num_th: 0,
                        idle: Vec::new(),
                        shutdown: false,
                        worker_threads: HashMap::new(),
                        next_thread_id: 0,
                        last_exiting_thread: None,
                    }),
                    is_shutdown: AtomicBool::new(false),
                    shutdown_cv: Condvar::new(),
                    config,
                }),
            },
        }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Stops accepting work, cancels queued jobs and waits (up to `timeout`) for running
    /// jobs to finish. Idempotent.
    pub(crate) fn shutdown(&mut self, timeout: Option<Duration>) {
        let inner = &self.spawner.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        inner.is_shutdown.store(true, Ordering::Release);
        // Idle threads wake, find no job and leave.
        for idle in shared.idle.drain(..) {
            idle.listed.store(false, Ordering::Release);
            idle.thread.unpark();
        }
        let deadline = timeout.map(|t| system_now().checked_add(t));
        while shared.num_th > 0 {
            shared = match deadline {
                None | Some(None) => inner.shutdown_cv.wait(shared),
                Some(Some(deadline)) => {
                    let now = system_now();
                    if now >= deadline {
                        break;
                    }
                    inner.shutdown_cv.wait_timeout(shared, deadline - now)
                }
            };
        }
        let all_done = shared.num_th == 0;
        let workers = std::mem::take(&mut shared.worker_threads);
        let last = shared.last_exiting_thread.take();
        // With no thread left, nobody else will cancel what is still queued.
        let queued: Vec<Job> = if all_done {
            shared.queue.drain(..).collect()
        } else {
            Vec::new()
        };
        drop(shared);
        for job in queued {
            job.shutdown_or_run_if_mandatory();
        }
        if all_done {
            for (_, handle) in workers {
                let _ = handle.join();
            }
            if let Some(handle) = last {
                let _ = handle.join();
            }
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl Job {
    fn shutdown_or_run_if_mandatory(self) {
        if self.mandatory {
            self.task.run();
        } else {
            self.task.shutdown();
        }
    }
}

impl Spawner {
    /// Runs `func` on the pool; the handle yields its result.
    ///
    /// # Panics
    /// If the OS refuses to start a thread and the pool has none.
    #[track_caller]
    #[allow(dead_code)]
    pub(crate) fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn_blocking_at(func, task::SpawnInfo::here())
    }

    /// As `spawn_blocking`, with the caller's spawn location and name.
    #[track_caller]
    pub(crate) fn spawn_blocking_at<F, R>(&self, func: F, spawn: task::SpawnInfo) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn_blocking_then(func, spawn, None)
    }

    /// As `spawn_blocking_at`; `after` is dropped once the task completed and its `JoinHandle`
    /// was notified (see [`BlockingSchedule`]).
    #[track_caller]
    pub(crate) fn spawn_blocking_then<F, R>(
        &self,
        func: F,
        spawn: task::SpawnInfo,
        after: Option<Box<dyn Send>>,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let schedule = BlockingSchedule::new(after);
        let (task, join) = task::unowned(BlockingTask { func: Some(func) }, schedule, spawn);
        if let Err(e) = self.spawn_job(Job {
            task,
            mandatory: false,
        }) {
            panic!("the OS refused to start a blocking-pool thread: {e}");
        }
        join
    }

    /// Runs `func` on a pool thread even if shutdown starts before it does (worker loops).
    pub(crate) fn spawn_thread_task<F>(&self, func: F) -> io::Result<()>
    where
        F: FnOnce() + Send + 'static,
    {
        let (task, join) = task::unowned(
            BlockingTask { func: Some(func) },
            BlockingSchedule::new(None),
            task::SpawnInfo::here(),
        );
        drop(join);
        self.spawn_job(Job {
            task,
            mandatory: true,
        })
    }

    fn spawn_job(&self, job: Job) -> io::Result<()> {
        let inner = &self.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown {
            drop(shared);
            // The runtime is going away: the job is cancelled, its handle says so.
            job.shutdown_or_run_if_mandatory();
            return Ok(());
        }
        shared.queue.push_back(job);
        if let Some(idle) = shared.idle.pop() {
            idle.listed.store(false, Ordering::Release);
            drop(shared);
            // After unlocking, so the woken thread does not wait for our lock.
            idle.thread.unpark();
            return Ok(());
        }
        if shared.num_th < inner.config.thread_cap {
            let id = shared.next_thread_id;
            match self.spawn_thread(id) {
                Ok(handle) => {
                    shared.next_thread_id += 1;
                    shared.num_th += 1;
                    shared.worker_threads.insert(id, handle);
                }
                Err(e) if shared.num_th == 0 => {
                    let job = shared.queue.pop_back();
                    drop(shared);
                    drop(job);
                    return Err(e);
                }
                // Other threads will get to the job.
                Err(_) => {}
            }
        }
        Ok(())
    }

    fn spawn_thread(&self, id: usize) -> io::Result<std::thread::JoinHandle<()>> {
        let config = &self.inner.config;
        let mut builder = std::thread::Builder::new().name((config.thread_name)());
        if let Some(size) = config.stack_size {
            builder = builder.stack_size(size);
        }
        let inner = self.inner.clone();
        builder.spawn(move || Inner::run(&inner, id))
    }

    /// Jobs waiting for a thread.
    pub(crate) fn queue_depth(&self) -> usize {
        self.inner.shared.lock().queue.len()
    }

    /// Threads alive in the pool.
    pub(crate) fn num_threads(&self) -> usize {
        self.inner.shared.lock().num_th
    }

    /// Idle threads in the pool.
    pub(crate) fn num_idle_threads(&self) -> usize {
        self.inner.shared.lock().idle.len()
    }
}

/// Why a pool thread stops looking for work.
enum Leave {
    Shutdown,
    /// Keep-alive expired; the thread joins this one (an earlier leaver) on its way out.
    KeepAlive(Option<std::thread::JoinHandle<()>>),
}

impl Inner {
    fn run(this: &Arc<Inner>, id: usize) {
        if let Some(f) = &this.config.after_start {
            f();
        }
        let waiter = Arc::new(Waiter {
            listed: AtomicBool::new(false),
            thread: std::thread::current(),
        });
        POOL_THREAD.with(|t| {
            *t.borrow_mut() = Some(PoolThread {
                inner: this.clone(),
                waiter: waiter.clone(),
                armed: Cell::new(false),
            });
        });
        let leave = loop {
            match this.next_job(id, &waiter) {
                Ok(job) => this.run_job(job),
                Err(leave) => break leave,
            }
        };
        POOL_THREAD.with(|t| t.borrow_mut().take());
        let mut shared = this.shared.lock();
        shared.num_th -= 1;
        if shared.shutdown && shared.num_th == 0 {
            this.shutdown_cv.notify_all();
        }
        drop(shared);
        if let Some(f) = &this.config.before_stop {
            f();
        }
        if let Leave::KeepAlive(Some(handle)) = leave {
            let _ = handle.join();
        }
    }

    /// Runs (or, once shutdown has begun, cancels) a job.
    fn run_job(&self, job: Job) {
        if !job.mandatory && self.is_shutdown.load(Ordering::Acquire) {
            job.task.shutdown();
            return;
        }
        PoolThread::arm(true);
        job.task.run();
        PoolThread::arm(false);
    }

    /// The next job for this thread, waiting for one (up to the keep-alive) if need be.
    fn next_job(&self, id: usize, waiter: &Arc<Waiter>) -> Result<Job, Leave> {
        let mut deadline = None;
        loop {
            // Still listed: nobody queued a job for us since we looked (or offered ourselves
            // as our last closure returned), so there is nothing to take the lock for.
            if !waiter.listed.load(Ordering::Acquire) {
                let mut shared = self.shared.lock();
                if let Some(job) = shared.queue.pop_front() {
                    return Ok(job);
                }
                if shared.shutdown {
                    return Err(Leave::Shutdown);
                }
                shared.list(waiter);
            }
            let deadline = *deadline.get_or_insert_with(|| system_now() + self.config.keep_alive);
            let now = system_now();
            if now < deadline && !self.is_shutdown.load(Ordering::Acquire) {
                std::thread::park_timeout(deadline - now);
                continue;
            }
            let mut shared = self.shared.lock();
            shared.unlist(waiter);
            if let Some(job) = shared.queue.pop_front() {
                return Ok(job);
            }
            if shared.shutdown {
                return Err(Leave::Shutdown);
            }
            // Keep-alive expired: hand our handle to the next leaver.
            let join = match shared.worker_threads.remove(&id) {
                Some(me) => shared.last_exiting_thread.replace(me),
                None => None,
            };
            return Err(Leave::KeepAlive(join));
        }
    }
}

impl Shared {
    fn list(&mut self, waiter: &Arc<Waiter>) {
        if !waiter.listed.load(Ordering::Relaxed) {
            self.idle.push(waiter.clone());
            waiter.listed.store(true, Ordering::Relaxed);
        }
    }

    fn unlist(&mut self, waiter: &Arc<Waiter>) {
        if waiter.listed.load(Ordering::Relaxed) {
            if let Some(pos) = self.idle.iter().rposition(|w| Arc::ptr_eq(w, waiter)) {
                self.idle.remove(pos);
            }
            waiter.listed.store(false, Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool").finish()
    }
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Spawner").finish()
    }
}
