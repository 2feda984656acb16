//! `RuntimeMetrics`: tokio's metric names and meanings, all stable.

use super::histogram::Histogram;
use crate::runtime::Handle;
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

/// A view of a runtime's metrics, readable from any thread at any time; nothing here waits
/// for a worker (the blocking-pool figures and timer counts take a lock for a moment).
///
/// The names, signatures and meanings are tokio's (1.54), and every one is available on
/// stable Rust without a cfg flag (tokio keeps all but six behind `--cfg tokio_unstable`).
/// Counters start at zero when the runtime is built and only grow; they stay readable after
/// the runtime is dropped. Per-worker methods take a worker index below
/// [`num_workers`](Self::num_workers) and panic with a clear message otherwise.
///
/// Beyond tokio: the schedule-latency histogram (wake to poll) is always on, as is the
/// poll-time histogram; both are sampled (1 in 16) unless
/// [`Builder::enable_metrics_poll_time_histogram`](crate::runtime::Builder::enable_metrics_poll_time_histogram)
/// asks for every poll to be timed. [`render`](Self::render) prints everything in the
/// Prometheus text format.
///
/// ```
/// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let metrics = rt.metrics();
/// rt.block_on(async {
///     for _ in 0..10 {
///         weft::spawn(async {}).await.unwrap();
///     }
/// });
/// assert_eq!(metrics.num_workers(), 2);
/// assert!(metrics.spawned_tasks_count() >= 10);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    fn sched(&self) -> &crate::runtime::metrics::SchedulerMetrics {
        self.handle.inner.metrics()
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &super::WorkerMetrics {
        self.sched().worker(worker)
    }

    /// Worker threads (1 on the current-thread runtime).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.sched().workers.len()
    }

    /// Tasks spawned and not yet finished (or cancelled).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// let n = rt.block_on(rt.spawn(async move { metrics.num_alive_tasks() })).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.num_alive_tasks()
    }

    /// Tasks waiting in the global (injection) queue: spawned or woken from outside the
    /// runtime's threads, or overflowed from a full local queue.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || drop(handle.spawn(async {}))).join().unwrap();
    /// assert_eq!(rt.metrics().global_queue_depth(), 1);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.handle.inner.injection_queue_depth()
    }

    /// Tasks spawned since the runtime started.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().spawned_tasks_count(), 1);
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.inner.spawned_tasks_count()
    }

    /// Tasks scheduled from outside the runtime's threads (into the global queue).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// let task = std::thread::spawn(move || handle.spawn(async {})).join().unwrap();
    /// rt.block_on(task).unwrap();
    /// assert_eq!(rt.metrics().remote_schedule_count(), 1);
    /// ```
    pub fn remote_schedule_count(&self) -> u64 {
        self.handle.inner.remote_schedule_count()
    }

    /// Polls that ended because the task spent its cooperative budget (128 operations).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     for _ in 0..200 {
    ///         weft::task::consume_budget().await;
    ///     }
    /// });
    /// assert!(rt.metrics().budget_forced_yield_count() >= 1);
    /// ```
    pub fn budget_forced_yield_count(&self) -> u64 {
        self.sched().budget_forced_yield_count()
    }

    /// Time worker `worker` has spent running tasks and the driver, rather than parked;
    /// includes the stretch in progress (a worker stuck in one poll keeps growing).
    ///
    /// # Panics
    /// If `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert!(rt.metrics().worker_total_busy_duration(0) > std::time::Duration::ZERO);
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).busy_ns())
    }

    /// Times worker `worker` parked (waited for work).
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert!(rt.metrics().worker_park_count(0) >= 1);
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count.load(Relaxed)
    }

    /// Parks plus unparks of worker `worker`: odd while it is parked, even while it runs.
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().worker_park_unpark_count(0) % 2, 0);
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_unpark_count.load(Relaxed)
    }

    /// Parks of worker `worker` with no task polled since the previous park (wake-ups that
    /// found nothing to do).
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert!(rt.metrics().worker_noop_count(0) >= 1);
    /// ```
    #[track_caller]
    pub fn worker_noop_count(&self, worker: usize) -> u64 {
        self.worker(worker).noop_count.load(Relaxed)
    }

    /// Tasks worker `worker` stole from other workers' queues.
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_count(0), 0); // nobody to steal from
    /// ```
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).steal_count.load(Relaxed)
    }

    /// Steal operations by worker `worker` that took at least one task.
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_operations(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.worker(worker).steal_operations.load(Relaxed)
    }

    /// Task polls by worker `worker` (the `block_on` future is not a task).
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().worker_poll_count(0), 1);
    /// ```
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).poll_count.load(Relaxed)
    }

    /// Tasks scheduled on worker `worker` by code running on it (spawns and wakes from its
    /// own tasks and from the driver it runs).
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().worker_local_schedule_count(0), 1);
    /// ```
    #[track_caller]
    pub fn worker_local_schedule_count(&self, worker: usize) -> u64 {
        self.worker(worker).local_schedule_count.load(Relaxed)
    }

    /// Times worker `worker`'s local queue was full and half of it moved to the global queue.
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_overflow_count(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        self.worker(worker).overflow_count.load(Relaxed)
    }

    /// Tasks in worker `worker`'s local queue now (not counting the LIFO slot).
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(async move {
    ///     for _ in 0..5 {
    ///         weft::spawn(async {});
    ///     }
    ///     assert_eq!(metrics.worker_local_queue_depth(0), 5);
    /// });
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.handle.inner.worker_local_queue_depth(worker)
    }

    /// An exponentially weighted moving average of worker `worker`'s sampled poll times
    /// (weight 1/8 per sample); zero before the first poll. Unlike tokio, also on the
    /// current-thread runtime.
    ///
    /// # Panics
    /// If `worker` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     weft::spawn(async { std::thread::sleep(std::time::Duration::from_micros(50)) })
    ///         .await
    ///         .unwrap()
    /// });
    /// assert!(rt.metrics().worker_mean_poll_time(0) > std::time::Duration::ZERO);
    /// ```
    #[track_caller]
    pub fn worker_mean_poll_time(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).mean_poll_time_ns.load(Relaxed))
    }

    /// Always true: weft keeps the poll-time histogram on (sampled 1 poll in 16 unless the
    /// builder asked for every poll). tokio returns false unless enabled.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.metrics().poll_time_histogram_enabled());
    /// ```
    pub fn poll_time_histogram_enabled(&self) -> bool {
        true
    }

    /// Buckets of the poll-time histogram.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.metrics().poll_time_histogram_num_buckets() > 1);
    /// ```
    pub fn poll_time_histogram_num_buckets(&self) -> usize {
        self.sched().config.poll_time.num_buckets()
    }

    /// The poll durations bucket `bucket` counts (the last one reaches `u64::MAX` ns).
    ///
    /// # Panics
    /// If `bucket` is not below [`poll_time_histogram_num_buckets`](Self::poll_time_histogram_num_buckets).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_bucket_range(0).start, std::time::Duration::ZERO);
    /// ```
    #[track_caller]
    pub fn poll_time_histogram_bucket_range(&self, bucket: usize) -> Range<Duration> {
        to_durations(self.sched().config.poll_time.bucket_range(bucket))
    }

    /// Polls by worker `worker` whose (sampled) duration fell in bucket `bucket`.
    ///
    /// # Panics
    /// If `worker` or `bucket` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram() // time every poll, as tokio does
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// let m = rt.metrics();
    /// let total: u64 = (0..m.poll_time_histogram_num_buckets())
    ///     .map(|b| m.poll_time_histogram_bucket_count(0, b))
    ///     .sum();
    /// assert_eq!(total, 1);
    /// ```
    #[track_caller]
    pub fn poll_time_histogram_bucket_count(&self, worker: usize, bucket: usize) -> u64 {
        self.worker(worker).poll_time.get(bucket)
    }

    /// 1 if every poll is timed, else 16 (one poll in this many is): multiply the poll-time
    /// bucket counts by it to estimate all polls. weft only.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_sample_interval(), 16);
    /// ```
    pub fn poll_time_histogram_sample_interval(&self) -> u64 {
        if self.sched().config.time_every_poll {
            1
        } else {
            super::worker::SAMPLE_INTERVAL
        }
    }

    /// Always true: the wake-to-poll latency histogram is always on in weft (sampled: one
    /// local wake in 16 is stamped, and its latency recorded when the task's poll starts on
    /// the same worker). tokio needs `--cfg tokio_unstable`, the `schedule-latency` feature
    /// and a builder call, and then reads the clock on every wake and poll.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.metrics().schedule_latency_histogram_enabled());
    /// ```
    pub fn schedule_latency_histogram_enabled(&self) -> bool {
        true
    }

    /// Buckets of the schedule-latency histogram.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.metrics().schedule_latency_histogram_num_buckets() > 1);
    /// ```
    pub fn schedule_latency_histogram_num_buckets(&self) -> usize {
        self.sched().config.schedule_latency.num_buckets()
    }

    /// The latencies bucket `bucket` counts.
    ///
    /// # Panics
    /// If `bucket` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let r = rt.metrics().schedule_latency_histogram_bucket_range(1);
    /// assert!(r.start < r.end);
    /// ```
    #[track_caller]
    pub fn schedule_latency_histogram_bucket_range(&self, bucket: usize) -> Range<Duration> {
        to_durations(self.sched().config.schedule_latency.bucket_range(bucket))
    }

    /// Sampled wakes whose task started its poll on worker `worker` within bucket `bucket`'s
    /// range of the wake.
    ///
    /// # Panics
    /// If `worker` or `bucket` is out of range.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     for _ in 0..64 {
    ///         weft::task::yield_now().await;
    ///         weft::spawn(async {}).await.unwrap();
    ///     }
    /// });
    /// let m = rt.metrics();
    /// let samples: u64 = (0..m.schedule_latency_histogram_num_buckets())
    ///     .map(|b| m.schedule_latency_histogram_bucket_count(0, b))
    ///     .sum();
    /// assert!(samples >= 1);
    /// ```
    #[track_caller]
    pub fn schedule_latency_histogram_bucket_count(&self, worker: usize, bucket: usize) -> u64 {
        self.worker(worker).schedule_latency.get(bucket)
    }

    /// Threads in the blocking pool (not counting the multi-thread runtime's workers, which
    /// run on it).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(rt.spawn_blocking(|| {})).unwrap();
    /// assert_eq!(rt.metrics().num_blocking_threads(), 1);
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        let all = self.handle.inner.blocking_spawner().num_threads();
        match self.handle.inner {
            crate::runtime::scheduler::Handle::CurrentThread(_) => all,
            crate::runtime::scheduler::Handle::MultiThread(_) => {
                all.saturating_sub(self.num_workers())
            }
        }
    }

    /// Blocking-pool threads waiting for a job.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_idle_blocking_threads(), 0);
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking_spawner().num_idle_threads()
    }

    /// Blocking jobs waiting for a thread.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 0);
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking_spawner().queue_depth()
    }

    /// File descriptors registered with the I/O driver since the start (0 without I/O).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// let m = rt.metrics();
    /// let listener = rt.block_on(async { weft::net::TcpListener::bind("127.0.0.1:0").await }).unwrap();
    /// assert_eq!(m.io_driver_fd_registered_count(), 1);
    /// drop(listener);
    /// assert_eq!(m.io_driver_fd_deregistered_count(), 1);
    /// ```
    pub fn io_driver_fd_registered_count(&self) -> u64 {
        self.io(|m| m.registered.load(Relaxed))
    }

    /// File descriptors deregistered from the I/O driver since the start.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// assert_eq!(rt.metrics().io_driver_fd_deregistered_count(), 0);
    /// ```
    pub fn io_driver_fd_deregistered_count(&self) -> u64 {
        self.io(|m| m.deregistered.load(Relaxed))
    }

    /// Readiness events the I/O driver has dispatched (not counting its own wake-ups).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// let n = rt.metrics().io_driver_ready_count();
    /// # let _ = n;
    /// ```
    pub fn io_driver_ready_count(&self) -> u64 {
        self.io(|m| m.ready.load(Relaxed))
    }

    fn io(&self, f: impl Fn(&crate::runtime::driver::io::IoMetrics) -> u64) -> u64 {
        self.handle.driver().io().map_or(0, |io| f(io.metrics()))
    }

    /// Timers armed now (sleeps, timeouts and intervals waiting for their deadline). weft
    /// only.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let m = rt.metrics();
    /// rt.block_on(async move {
    ///     weft::spawn(weft::time::sleep(std::time::Duration::from_secs(60)));
    ///     weft::task::yield_now().await; // the task runs and arms its timer
    ///     assert_eq!(m.num_armed_timers(), 1);
    /// });
    /// ```
    pub fn num_armed_timers(&self) -> u64 {
        self.timers().1
    }

    /// Timers armed since the start (a re-armed `Sleep` counts again). weft only.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert_eq!(rt.metrics().timer_armed_count(), 1);
    /// ```
    pub fn timer_armed_count(&self) -> u64 {
        self.timers().0
    }

    fn timers(&self) -> (u64, u64) {
        self.handle
            .driver()
            .time
            .as_ref()
            .map_or((0, 0), |t| t.timer_counts())
    }

    /// io_uring submission-queue entries handed to the kernel (0 until a file operation
    /// sets the ring up, and without io_uring). weft only.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let n = rt.metrics().io_uring_submission_count();
    /// # let _ = n;
    /// ```
    pub fn io_uring_submission_count(&self) -> u64 {
        self.uring(|s| s.submitted.load(Relaxed))
    }

    /// io_uring completions taken from the completion queue. weft only.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let n = rt.metrics().io_uring_completion_count();
    /// # let _ = n;
    /// ```
    pub fn io_uring_completion_count(&self) -> u64 {
        self.uring(|s| s.completed.load(Relaxed))
    }

    #[cfg(target_os = "linux")]
    fn uring(&self, f: impl Fn(&crate::runtime::driver::uring::Stats) -> u64) -> u64 {
        self.handle
            .driver()
            .uring_if_started()
            .map_or(0, |ring| f(ring.stats()))
    }

    #[cfg(not(target_os = "linux"))]
    fn uring(&self, _f: impl Fn(&()) -> u64) -> u64 {
        0
    }

    pub(super) fn poll_time_histogram(&self, worker: usize) -> &Histogram {
        &self.worker(worker).poll_time
    }

    pub(super) fn schedule_latency_histogram(&self, worker: usize) -> &Histogram {
        &self.worker(worker).schedule_latency
    }
}

fn to_durations(r: Range<u64>) -> Range<Duration> {
    Duration::from_nanos(r.start)..Duration::from_nanos(r.end)
}
