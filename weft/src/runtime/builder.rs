//! `Builder`: configures and builds a [`Runtime`].

use super::blocking::{BlockingPool, PoolConfig};
use super::scheduler::{self, current_thread::CurrentThread, multi_thread::MultiThread};
use super::{
    driver, Callback, Config, Handle, RngSeed, Runtime, Scheduler, ThreadNameFn, UnhandledPanic,
};
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Runtime`] with custom settings.
///
/// ```
/// use weft::runtime::Builder;
///
/// let rt = Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .enable_all()
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { weft::spawn(async { 1 }).await.unwrap() }), 1);
/// ```
pub struct Builder {
    kind: Kind,
    worker_threads: Option<usize>,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    keep_alive: Option<Duration>,
    event_interval: u32,
    global_queue_interval: Option<u32>,
    enable_io: bool,
    enable_time: bool,
    /// Files use io_uring where the kernel allows it (with I/O enabled); on by default.
    io_uring: bool,
    start_paused: bool,
    nevents: usize,
    /// `name`, `on_thread_park`, `on_thread_unpark`, `unhandled_panic` (see `extra`).
    extra: Extra,
    /// Histogram settings (methods in `runtime::metrics::builder`).
    pub(crate) metrics: crate::runtime::metrics::BuilderConfig,
    /// The long-poll detector's settings.
    long_poll: super::diag::LongPollConfig,
    /// `dump_on_signal` and `on_signal_dump`.
    dump_signal: Option<crate::signal::unix::SignalKind>,
    dump_hook: Option<super::diag::DumpHook>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    MultiThread,
}

const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

impl Builder {
    /// A builder for the current-thread runtime: all tasks run on the thread that calls
    /// `block_on`.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { 2 }), 2);
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread, 31)
    }

    /// A builder for the multi-thread, work-stealing runtime.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { 2 }), 2);
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread, 61)
    }

    fn new(kind: Kind, event_interval: u32) -> Builder {
        Builder {
            kind,
            worker_threads: None,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            thread_name: Arc::new(|| "weft-runtime-worker".into()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            keep_alive: None,
            event_interval,
            global_queue_interval: None,
            enable_io: false,
            enable_time: false,
            io_uring: true,
            start_paused: false,
            nevents: 1024,
            extra: Extra::default(),
            metrics: Default::default(),
            long_poll: Default::default(),
            dump_signal: None,
            dump_hook: None,
        }
    }

    /// Enables both the I/O and the time drivers.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io();
        self.enable_time();
        self
    }

    /// Enables the I/O driver (sockets, pipes, `AsyncFd`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// Enables the I/O driver and lets files use io_uring (Linux), which is already the default
    /// once I/O is enabled; the name is tokio's (where io_uring is unstable and off by default).
    ///
    /// On the first file operation the runtime sets up one io_uring and probes it. Where the
    /// kernel lacks io_uring or an opcode weft needs, or forbids it (`ENOSYS`, `EPERM`, e.g.
    /// seccomp or `kernel.io_uring_disabled`), files quietly use the blocking pool instead.
    /// On other systems this only enables I/O.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().enable_io_uring().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_io_uring(&mut self) -> &mut Self {
        self.enable_io = true;
        self.io_uring = true;
        self
    }

    /// Keeps files off io_uring: every file operation runs on the blocking pool, as in tokio.
    /// **A weft extension.** Useful where io_uring is allowed but unwanted (auditing, a kernel
    /// with known io_uring bugs), and to test the fallback.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .disable_io_uring()
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn disable_io_uring(&mut self) -> &mut Self {
        self.io_uring = false;
        self
    }

    /// Enables the time driver (sleeps, timeouts, intervals).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// Starts the runtime's clock paused (for tests); implies nothing else. See
    /// `weft::time::pause`.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .start_paused(true)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// How many worker threads the multi-thread runtime starts (default: the number of CPU
    /// cores). Ignored by the current-thread runtime.
    ///
    /// # Panics
    /// If `val` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(4).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "worker_threads must be greater than 0");
        self.worker_threads = Some(val);
        self
    }

    /// The most threads the blocking pool starts for `spawn_blocking` (default 512); further
    /// jobs wait in a queue.
    ///
    /// # Panics
    /// If `val` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().max_blocking_threads(16).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "max_blocking_threads must be greater than 0");
        self.max_blocking_threads = val;
        self
    }

    /// The name of the runtime's threads (default `"weft-runtime-worker"`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().thread_name("app").build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = Arc::new(move || val.clone());
        self
    }

    /// A function that names each new runtime thread.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .thread_name_fn(|| {
    ///         static ID: AtomicUsize = AtomicUsize::new(0);
    ///         format!("app-{}", ID.fetch_add(1, Ordering::SeqCst))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// The stack size of the runtime's threads, in bytes.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().thread_stack_size(4 << 20).build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on each runtime thread when it starts.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .on_thread_start(|| println!("thread started"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each runtime thread just before it stops.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .on_thread_stop(|| println!("thread stopping"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(Arc::new(f));
        self
    }

    /// How long an idle blocking-pool thread waits for work before it exits (default 10 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .thread_keep_alive(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// How many tasks a worker polls between checks of the I/O and time drivers (default 61
    /// multi-thread, 31 current-thread).
    ///
    /// # Panics
    /// If `val` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().event_interval(16).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// How many tasks a worker polls between checks of the global (injection) queue
    /// (default 31 current-thread, 61 multi-thread).
    ///
    /// # Panics
    /// If `val` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().global_queue_interval(31).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Builds the runtime.
    ///
    /// # Errors
    /// If the OS refuses a resource the runtime needs (the event queue, a thread), or with
    /// [`ErrorKind::InvalidInput`](io::ErrorKind::InvalidInput) if `start_paused(true)` was
    /// asked of a multi-thread runtime (paused time needs the current-thread scheduler).
    ///
    /// ```
    /// let err = weft::runtime::Builder::new_multi_thread()
    ///     .enable_all()
    ///     .start_paused(true)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    /// rt.block_on(async {});
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        crate::runtime::coop::install_exhausted_hook(crate::runtime::context::budget_exhausted);
        if self.start_paused && matches!(self.kind, Kind::MultiThread) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                crate::time::clock::PAUSE_NEEDS_CURRENT_THREAD,
            ));
        }
        let (driver, driver_handle) = driver::Driver::new(driver::Cfg {
            enable_io: self.enable_io,
            enable_time: self.enable_time,
            enable_io_uring: self.enable_io && self.io_uring,
            start_paused: self.start_paused,
            nevents: self.nevents,
            spawn: crate::runtime::current::spawn_background,
        })?;
        let workers = match self.kind {
            Kind::CurrentThread => 0,
            Kind::MultiThread => self.worker_threads.unwrap_or_else(default_worker_threads),
        };
        let blocking_pool = BlockingPool::new(PoolConfig {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            thread_cap: self.max_blocking_threads + workers,
            keep_alive: self.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE),
        });
        let spawner = blocking_pool.spawner().clone();
        let config = Config {
            event_interval: self.event_interval,
            global_queue_interval: self.global_queue_interval.unwrap_or(match self.kind {
                Kind::CurrentThread => 31,
                Kind::MultiThread => 61,
            }),
            id: next_runtime_id(),
            metrics: self.metrics.build(),
            name: self.extra.name.clone(),
            before_park: self.extra.before_park.clone(),
            after_unpark: self.extra.after_unpark.clone(),
            unhandled_panic: self.extra.unhandled_panic,
            #[cfg(feature = "sim")]
            sim_seed: self.extra.sim_seed,
            seed_generator: Arc::new(crate::util::rand::RngSeedGenerator::new(
                self.extra.rng_seed.unwrap_or_else(RngSeed::new),
            )),
            diag: super::diag::RuntimeDiag::new(
                self.long_poll.clone(),
                self.dump_signal.map(|signal| super::diag::DumpSignal {
                    signal,
                    hook: self.dump_hook.clone(),
                }),
            ),
        };
        let diag = config.diag.clone();
        let (scheduler, handle) = match self.kind {
            Kind::CurrentThread => {
                let (ct, h) = CurrentThread::new(driver, driver_handle, spawner, config);
                (
                    Scheduler::CurrentThread(ct),
                    scheduler::Handle::CurrentThread(h),
                )
            }
            Kind::MultiThread => {
                let (mt, h) = MultiThread::new(workers, driver, driver_handle, spawner, config);
                (
                    Scheduler::MultiThread(mt),
                    scheduler::Handle::MultiThread(h),
                )
            }
        };
        let runtime = Runtime::from_parts(scheduler, Handle { inner: handle }, blocking_pool);
        // A failure drops `runtime`, which shuts what was started down again.
        diag.start(runtime.handle().inner.task_list())?;
        Ok(runtime)
    }
}

impl Builder {
    /// Reports any task poll that runs longer than `threshold` while it still runs (on by
    /// default at 10 ms; `None` turns the detector off). The report names the task (id, name,
    /// spawn location), the worker and OS thread, the time in the poll, the thread's kernel
    /// state and a backtrace of the blocked thread taken during the stall; it goes to
    /// [`on_long_poll`](Builder::on_long_poll)'s hook, or to stderr. Follow-ups come at 2T,
    /// 4T, … and one when the poll ends; at most 5 first reports a minute
    /// ([`long_poll_rate_limit`](Builder::long_poll_rate_limit)).
    ///
    /// # Panics
    /// If `threshold` is below 1 ms.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .long_poll_threshold(Some(Duration::from_millis(25)))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn long_poll_threshold(&mut self, threshold: Option<Duration>) -> &mut Self {
        if let Some(t) = threshold {
            assert!(
                t >= Duration::from_millis(1),
                "long_poll_threshold must be at least 1 ms (got {t:?}); use None to turn the detector off"
            );
        }
        self.long_poll.threshold = threshold;
        self
    }

    /// Sends long-poll reports to `hook` instead of stderr. The hook runs on the monitor
    /// thread; a panic in it is caught.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .on_long_poll(|report| eprintln!("slow: {:?} at {:?}", report.task_id, report.spawned_at))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_long_poll<F>(&mut self, hook: F) -> &mut Self
    where
        F: Fn(&super::LongPollReport) + Send + Sync + 'static,
    {
        self.long_poll.hook = Some(Arc::new(hook));
        self
    }

    /// At most `per_minute` first reports of long polls a minute (default 5); follow-ups of a
    /// reported poll are not limited.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .long_poll_rate_limit(60)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn long_poll_rate_limit(&mut self, per_minute: u32) -> &mut Self {
        self.long_poll.per_minute = per_minute;
        self
    }

    /// Writes a task dump ([`Handle::dump`](super::Handle::dump)'s text) to stderr each time
    /// the process receives `signal`, as Go does on `SIGQUIT`; with
    /// [`on_signal_dump`](Builder::on_signal_dump) the dump goes to a hook instead.
    ///
    /// The dump is taken by a thread of its own (`weft-dump-signal`), so it arrives even while
    /// every worker is stuck in a poll. From `build` on, `signal` no longer has its default
    /// action (for `SIGQUIT`: no core dump), as with any listener of
    /// [`signal::unix::signal`](crate::signal::unix::signal); other listeners of the same
    /// signal still see it. The thread ends when the runtime shuts down.
    ///
    /// `build` fails with the `io::Error` of the handler's installation if the signal cannot be
    /// caught (`SIGKILL`, `SIGSTOP`, or a signal number out of range).
    ///
    /// ```no_run
    /// use weft::signal::unix::SignalKind;
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .enable_all()
    ///     .dump_on_signal(SignalKind::quit())
    ///     .build()
    ///     .unwrap();
    /// // `kill -QUIT <pid>` now prints every live task to stderr.
    /// # drop(rt);
    /// ```
    pub fn dump_on_signal(&mut self, signal: crate::signal::unix::SignalKind) -> &mut Self {
        self.dump_signal = Some(signal);
        self
    }

    /// Sends the dumps of [`dump_on_signal`](Builder::dump_on_signal) to `hook` instead of
    /// stderr (it has no effect without `dump_on_signal`). The hook runs on the listening
    /// thread; a panic in it is caught.
    ///
    /// ```
    /// use weft::signal::unix::SignalKind;
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .dump_on_signal(SignalKind::user_defined2())
    ///     .on_signal_dump(|dump| eprintln!("{} tasks", dump.tasks.len()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_signal_dump<F>(&mut self, hook: F) -> &mut Self
    where
        F: Fn(&super::Dump) + Send + Sync + 'static,
    {
        self.dump_hook = Some(Arc::new(hook));
        self
    }
}

/// Builder settings that only travel to the scheduler's `Config`.
#[derive(Default)]
struct Extra {
    name: Option<String>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    unhandled_panic: UnhandledPanic,
    rng_seed: Option<RngSeed>,
    #[cfg(feature = "sim")]
    sim_seed: Option<u64>,
}

impl Builder {
    /// `weft::sim`: a current-thread runtime whose scheduler picks the next ready task from a
    /// generator seeded with `seed` (see `Config::sim_seed`).
    #[cfg(feature = "sim")]
    pub(crate) fn sim_schedule_seed(&mut self, seed: u64) -> &mut Self {
        self.extra.sim_seed = Some(seed);
        self
    }

    /// Seeds the runtime's random choices (the branch `select!` polls first on the threads
    /// that drive the runtime, the worker a searching worker steals from first). Without it
    /// the seed is fresh randomness. A current-thread runtime built twice with one seed makes
    /// the same choices in the same order, given the same sequence of events; a multi-thread
    /// runtime draws the same numbers per worker, but which task meets which number depends
    /// on the threads' timing. Outside a runtime, `select!` keeps its own per-thread source.
    ///
    /// Tokio has this behind `tokio_unstable`; in weft it is stable.
    ///
    /// ```
    /// use weft::runtime::{Builder, RngSeed};
    ///
    /// // Which of two always-ready branches `select!` takes, 16 times in a row.
    /// fn branches(seed: &[u8]) -> Vec<u8> {
    ///     let rt = Builder::new_current_thread()
    ///         .rng_seed(RngSeed::from_bytes(seed))
    ///         .build()
    ///         .unwrap();
    ///     rt.block_on(async {
    ///         let mut picked = Vec::new();
    ///         for _ in 0..16 {
    ///             weft::select! {
    ///                 _ = async {} => picked.push(0),
    ///                 _ = async {} => picked.push(1),
    ///             }
    ///         }
    ///         picked
    ///     })
    /// }
    /// assert_eq!(branches(b"seed"), branches(b"seed"));
    /// ```
    pub fn rng_seed(&mut self, seed: RngSeed) -> &mut Self {
        self.extra.rng_seed = Some(seed);
        self
    }

    /// Names the runtime; [`Handle::name`](super::Handle::name) returns it. Thread names are
    /// set by [`thread_name`](Self::thread_name).
    ///
    /// # Panics
    /// If `val` is empty or only whitespace.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().name("app").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("app"));
    /// ```
    #[track_caller]
    pub fn name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        assert!(!val.trim().is_empty(), "runtime name shouldn't be empty");
        self.extra.name = Some(val);
        self
    }

    /// Runs `f` on a worker thread just before it parks (blocks waiting for work, I/O or a
    /// timer). A task `f` spawns onto this runtime runs before the worker parks.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let p = parks.clone();
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .on_thread_park(move || { p.fetch_add(1, Ordering::Relaxed); })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert!(parks.load(Ordering::Relaxed) > 0);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.extra.before_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a worker thread just after it wakes from a park.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .on_thread_unpark(|| println!("worker awake"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.extra.after_unpark = Some(Arc::new(f));
        self
    }

    /// The most I/O events the driver takes from the OS per poll (default 1024).
    ///
    /// # Panics
    /// If `capacity` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .enable_io()
    ///     .max_io_events_per_tick(256)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_tick must be non-zero");
        self.nevents = capacity;
        self
    }

    /// tokio's limit on I/O events per poll while the runtime has other work. weft's driver
    /// takes the same number of events busy or idle, so this only checks its argument.
    ///
    /// # Panics
    /// If `capacity` is zero.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .max_io_events_per_busy_tick(64)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_busy_tick must be non-zero");
        self
    }

    /// What the runtime does when a spawned task panics (default
    /// [`UnhandledPanic::Ignore`]: the panic goes to the task's `JoinHandle`). With
    /// [`UnhandledPanic::ShutdownRuntime`], the first such panic cancels every task and makes
    /// the `block_on` in progress panic.
    ///
    /// # Panics
    /// `ShutdownRuntime` on a multi-thread builder (only the current-thread runtime has it).
    ///
    /// ```should_panic
    /// use weft::runtime::{Builder, UnhandledPanic};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()
    ///     .unwrap();
    /// rt.spawn(async { panic!("boom") });
    /// rt.block_on(std::future::pending::<()>()); // panics: the runtime shut down
    /// ```
    #[track_caller]
    pub fn unhandled_panic(&mut self, behavior: UnhandledPanic) -> &mut Self {
        if self.kind != Kind::CurrentThread && behavior == UnhandledPanic::ShutdownRuntime {
            panic!("UnhandledPanic::ShutdownRuntime is only supported in current thread runtime");
        }
        self.extra.unhandled_panic = behavior;
        self
    }
}

impl Builder {
    /// Builds a [`LocalRuntime`](super::LocalRuntime): a current-thread runtime that stays on
    /// this thread and runs `!Send` tasks (`spawn_local`) without a `LocalSet`.
    ///
    /// # Panics
    /// On a builder made with [`new_multi_thread`](Builder::new_multi_thread).
    ///
    /// # Errors
    /// If the OS refuses a resource the runtime needs.
    ///
    /// ```
    /// use weft::runtime::{Builder, LocalOptions};
    ///
    /// let rt = Builder::new_current_thread().enable_all().build_local(LocalOptions::default()).unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn build_local(
        &mut self,
        _options: super::LocalOptions,
    ) -> io::Result<super::LocalRuntime> {
        assert!(
            self.kind == Kind::CurrentThread,
            "multi_thread is not supported for LocalRuntime"
        );
        self.build().map(super::LocalRuntime::from_runtime)
    }
}

fn default_worker_threads() -> usize {
    std::env::var("WEFT_WORKER_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

pub(crate) fn next_runtime_id() -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as u64
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("name", &self.extra.name)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("keep_alive", &self.keep_alive)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("enable_io", &self.enable_io)
            .field("enable_time", &self.enable_time)
            .field("io_uring", &self.io_uring)
            .field("start_paused", &self.start_paused)
            .finish()
    }
}
