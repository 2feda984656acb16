//! Runtime metrics: always on, all stable (tokio keeps most of these behind
//! `--cfg tokio_unstable`).
//!
//! Workers count into per-worker blocks they alone write ([`worker`]); a few rare events
//! (forced yields, fd registrations) use shared atomics; queue depths are read from the queues
//! themselves. Poll times and wake-to-poll latencies are sampled (1 poll in 16, 1 local wake
//! in 16) with the CPU's cycle counter ([`cycles`]), so the poll path reads no clock on 15
//! polls out of 16. [`RuntimeMetrics`] reads it all from any thread without waiting for a
//! worker; [`RuntimeMetrics::render`] prints it in the Prometheus text format.

mod builder;
#[allow(unsafe_code)] // `rdtsc`
pub(crate) mod cycles;
mod histogram;
mod render;
mod runtime;
pub(crate) mod worker;

pub use histogram::{
    HistogramConfiguration, HistogramScale, InvalidHistogramConfiguration, LogHistogram,
    LogHistogramBuilder,
};
pub use runtime::RuntimeMetrics;

pub(crate) use histogram::Layout;
pub(crate) use worker::{Config, Recorder, WorkerMetrics};

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

/// A scheduler's metrics: one block per worker plus the runtime-wide counters.
pub(crate) struct SchedulerMetrics {
    pub(crate) workers: Box<[Arc<WorkerMetrics>]>,
    pub(crate) config: Config,
    /// Polls that ran out of coop budget (rare: once per exhausted poll).
    budget_forced_yields: AtomicU64,
}

impl SchedulerMetrics {
    pub(crate) fn new(workers: usize, config: Config) -> SchedulerMetrics {
        cycles::init();
        SchedulerMetrics {
            workers: (0..workers)
                .map(|_| Arc::new(WorkerMetrics::new(&config)))
                .collect(),
            config,
            budget_forced_yields: AtomicU64::new(0),
        }
    }

    /// Worker `index`'s block.
    ///
    /// # Panics
    /// If `index` is not below the number of workers, with a message saying so.
    #[track_caller]
    pub(crate) fn worker(&self, index: usize) -> &WorkerMetrics {
        match self.workers.get(index) {
            Some(w) => w,
            None => panic!(
                "worker index {index} is out of range: the runtime has {} worker(s)",
                self.workers.len()
            ),
        }
    }

    /// The owner-side recorder for worker `index`.
    pub(crate) fn recorder(&self, index: usize) -> Recorder {
        Recorder::new(self.workers[index].clone(), &self.config)
    }

    pub(crate) fn inc_budget_forced_yield(&self) {
        self.budget_forced_yields.fetch_add(1, Relaxed);
    }

    pub(crate) fn budget_forced_yield_count(&self) -> u64 {
        self.budget_forced_yields.load(Relaxed)
    }
}

/// The histogram settings a `Builder` collects.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BuilderConfig {
    pub(crate) poll_time_enabled: bool,
    pub(crate) poll_time: Option<Layout>,
    /// The legacy `metrics_poll_count_histogram_{scale,resolution,buckets}` settings.
    pub(crate) legacy: Option<(HistogramScale, Duration, usize)>,
    pub(crate) schedule_latency: Option<Layout>,
}

impl BuilderConfig {
    pub(crate) fn build(&self) -> Config {
        let poll_time = match (self.legacy, self.poll_time) {
            (Some((scale, resolution, buckets)), _) => Layout::legacy(scale, resolution, buckets),
            (None, Some(layout)) => layout,
            // tokio's default for a program that only enables the histogram: 10 × 100 µs.
            (None, None) if self.poll_time_enabled => {
                HistogramConfiguration::linear(Duration::from_micros(100), 10).inner
            }
            (None, None) => default_log_layout(),
        };
        Config {
            poll_time,
            time_every_poll: self.poll_time_enabled,
            schedule_latency: self.schedule_latency.unwrap_or_else(default_log_layout),
        }
    }

    pub(crate) fn legacy_mut(&mut self) -> &mut (HistogramScale, Duration, usize) {
        self.legacy
            .get_or_insert((HistogramScale::Linear, Duration::from_micros(100), 10))
    }
}

/// 1 µs to ~1 s at 25% error: what polls and schedule latencies span, in few buckets.
fn default_log_layout() -> Layout {
    Layout::Log(
        LogHistogram::builder()
            .min_value(Duration::from_micros(1))
            .max_value(Duration::from_secs(1))
            .max_error(0.25)
            .build(),
    )
}
