//! The blocking thread pool: `spawn_blocking`, the multi-thread workers' threads, and the
//! fallback for operations the kernel offers only as blocking calls.
//!
//! Threads start on demand up to a cap (`max_blocking_threads` plus the worker count), wait
//! `thread_keep_alive` for more work, then exit. Jobs beyond the cap wait in a FIFO queue.
//! At shutdown, jobs that have not started are cancelled (their `JoinHandle` reports
//! cancellation) except mandatory ones (worker loops), which still run.

use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::runtime::task::{self, Id, JoinHandle, Notified, Schedule, Task, UnownedTask};
use crate::runtime::{coop, Callback, ThreadNameFn};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
    /// Idle threads wait here for work.
    condvar: Condvar,
    /// `shutdown` waits here for the last thread to leave.
    shutdown_cv: Condvar,
    config: PoolConfig,
}

struct Shared {
    queue: VecDeque<Job>,
    num_th: usize,
    num_idle: usize,
    /// Wake-ups handed to idle threads and not yet taken.
    num_notify: usize,
    shutdown: bool,
    worker_threads: HashMap<usize, std::thread::JoinHandle<()>>,
    next_thread_id: usize,
    /// A thread that left on keep-alive expiry; the next one to leave joins it, so exiting
    /// threads are always joined by someone.
    last_exiting_thread: Option<std::thread::JoinHandle<()>>,
}

struct Job {
    task: UnownedTask<BlockingSchedule>,
    mandatory: bool,
}

/// Blocking tasks run once and are never rescheduled.
pub(crate) struct BlockingSchedule;

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
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
        Poll::Ready(coop::with_unconstrained(func))
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
                        num_idle: 0,
                        num_notify: 0,
                        shutdown: false,
                        worker_threads: HashMap::new(),
                        next_thread_id: 0,
                        last_exiting_thread: None,
                    }),
                    condvar: Condvar::new(),
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
        inner.condvar.notify_all();
        let deadline = timeout.map(|t| Instant::now().checked_add(t));
        while shared.num_th > 0 {
            shared = match deadline {
                None | Some(None) => inner.shutdown_cv.wait(shared),
                Some(Some(deadline)) => {
                    let now = Instant::now();
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
    fn run(self) {
        self.task.run();
    }

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
    pub(crate) fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, join) = task::unowned(
            BlockingTask { func: Some(func) },
            BlockingSchedule,
            Id::next(),
        );
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
            BlockingSchedule,
            Id::next(),
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
        if shared.num_idle == 0 {
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
        } else {
            shared.num_idle -= 1;
            shared.num_notify += 1;
            inner.condvar.notify_one();
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
        builder.spawn(move || inner.run(id))
    }

    /// Jobs waiting for a thread.
    #[allow(dead_code)] // read by the runtime metrics
    pub(crate) fn queue_depth(&self) -> usize {
        self.inner.shared.lock().queue.len()
    }

    /// Threads alive in the pool.
    #[allow(dead_code)] // read by the runtime metrics
    pub(crate) fn num_threads(&self) -> usize {
        self.inner.shared.lock().num_th
    }

    /// Idle threads in the pool.
    #[allow(dead_code)] // read by the runtime metrics
    pub(crate) fn num_idle_threads(&self) -> usize {
        self.inner.shared.lock().num_idle
    }
}

impl Inner {
    fn run(&self, id: usize) {
        if let Some(f) = &self.config.after_start {
            f();
        }
        let mut shared = self.shared.lock();
        let mut join_on_exit = None;
        'main: loop {
            while let Some(job) = shared.queue.pop_front() {
                drop(shared);
                job.run();
                shared = self.shared.lock();
            }
            shared.num_idle += 1;
            while !shared.shutdown {
                let start = Instant::now();
                shared = self.condvar.wait_timeout(shared, self.config.keep_alive);
                if shared.num_notify != 0 {
                    // The spawner already took us off the idle count.
                    shared.num_notify -= 1;
                    continue 'main;
                }
                if !shared.shutdown && start.elapsed() >= self.config.keep_alive {
                    shared.num_idle -= 1;
                    // Leave on keep-alive expiry; hand our handle to the next leaver.
                    if let Some(me) = shared.worker_threads.remove(&id) {
                        join_on_exit = shared.last_exiting_thread.replace(me);
                    }
                    break 'main;
                }
            }
            shared.num_idle -= 1;
            while let Some(job) = shared.queue.pop_front() {
                drop(shared);
                job.shutdown_or_run_if_mandatory();
                shared = self.shared.lock();
            }
            break;
        }
        shared.num_th -= 1;
        if shared.shutdown && shared.num_th == 0 {
            self.shutdown_cv.notify_all();
        }
        drop(shared);
        if let Some(f) = &self.config.before_stop {
            f();
        }
        if let Some(handle) = join_on_exit {
            let _ = handle.join();
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
