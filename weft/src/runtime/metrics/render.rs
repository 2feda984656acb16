//! The Prometheus text exposition format (version 0.0.4) of [`RuntimeMetrics`].

use super::histogram::Histogram;
use super::RuntimeMetrics;
use std::fmt::{self, Write};

impl RuntimeMetrics {
    /// Every metric in the Prometheus text format, names prefixed `weft_`, per-worker series
    /// labelled `worker="N"`, histograms in seconds with cumulative `le` buckets.
    ///
    /// Serve it from an HTTP endpoint for Prometheus to scrape (see `docs/observability.md`).
    /// Sampled histograms count samples: the `weft_poll_time_sample_interval` gauge says how
    /// many polls each sample stands for.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// let text = rt.metrics().render();
    /// assert!(text.contains("# TYPE weft_worker_polls_total counter"));
    /// assert!(text.contains("weft_worker_polls_total{worker=\"0\"} 1\n"));
    /// ```
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        // Writing to a `String` cannot fail.
        let _ = self.render_to(&mut out);
        out
    }

    /// As [`render`](Self::render), into any `fmt::Write`.
    ///
    /// # Errors
    /// Only those of `out`.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let mut s = String::new();
    /// rt.metrics().render_to(&mut s).unwrap();
    /// assert!(s.starts_with("# HELP"));
    /// ```
    pub fn render_to(&self, out: &mut impl Write) -> fmt::Result {
        let gauges: [(&str, &str, u64); 9] = [
            ("workers", "Worker threads.", self.num_workers() as u64),
            (
                "alive_tasks",
                "Tasks spawned and not finished.",
                self.num_alive_tasks() as u64,
            ),
            (
                "global_queue_depth",
                "Tasks in the global queue.",
                self.global_queue_depth() as u64,
            ),
            (
                "blocking_threads",
                "Blocking-pool threads.",
                self.num_blocking_threads() as u64,
            ),
            (
                "idle_blocking_threads",
                "Idle blocking-pool threads.",
                self.num_idle_blocking_threads() as u64,
            ),
            (
                "blocking_queue_depth",
                "Blocking jobs waiting for a thread.",
                self.blocking_queue_depth() as u64,
            ),
            (
                "armed_timers",
                "Timers waiting for their deadline.",
                self.num_armed_timers(),
            ),
            (
                "poll_time_sample_interval",
                "Polls per poll-time sample.",
                self.poll_time_histogram_sample_interval(),
            ),
            (
                "schedule_latency_sample_interval",
                "Local wakes per schedule-latency sample.",
                super::worker::SAMPLE_INTERVAL,
            ),
        ];
        for (name, help, value) in gauges {
            header(out, name, help, "gauge")?;
            writeln!(out, "weft_{name} {value}")?;
        }
        let counters: [(&str, &str, u64); 9] = [
            (
                "spawned_tasks_total",
                "Tasks spawned.",
                self.spawned_tasks_count(),
            ),
            (
                "remote_schedules_total",
                "Tasks scheduled from outside the runtime.",
                self.remote_schedule_count(),
            ),
            (
                "budget_forced_yields_total",
                "Polls ended by the coop budget.",
                self.budget_forced_yield_count(),
            ),
            (
                "io_fds_registered_total",
                "File descriptors registered with the I/O driver.",
                self.io_driver_fd_registered_count(),
            ),
            (
                "io_fds_deregistered_total",
                "File descriptors deregistered from the I/O driver.",
                self.io_driver_fd_deregistered_count(),
            ),
            (
                "io_ready_events_total",
                "Readiness events dispatched by the I/O driver.",
                self.io_driver_ready_count(),
            ),
            (
                "timers_armed_total",
                "Timers armed.",
                self.timer_armed_count(),
            ),
            (
                "io_uring_submissions_total",
                "io_uring entries submitted.",
                self.io_uring_submission_count(),
            ),
            (
                "io_uring_completions_total",
                "io_uring completions reaped.",
                self.io_uring_completion_count(),
            ),
        ];
        for (name, help, value) in counters {
            header(out, name, help, "counter")?;
            writeln!(out, "weft_{name} {value}")?;
        }
        type PerWorker = fn(&RuntimeMetrics, usize) -> u64;
        let per_worker: [(&str, &str, &str, PerWorker); 10] = [
            ("worker_polls_total", "Task polls.", "counter", |m, w| {
                m.worker_poll_count(w)
            }),
            ("worker_parks_total", "Parks.", "counter", |m, w| {
                m.worker_park_count(w)
            }),
            (
                "worker_noop_parks_total",
                "Parks with no poll since the last one.",
                "counter",
                |m, w| m.worker_noop_count(w),
            ),
            ("worker_steals_total", "Tasks stolen.", "counter", |m, w| {
                m.worker_steal_count(w)
            }),
            (
                "worker_steal_operations_total",
                "Successful steal operations.",
                "counter",
                |m, w| m.worker_steal_operations(w),
            ),
            (
                "worker_local_schedules_total",
                "Tasks scheduled from the worker itself.",
                "counter",
                |m, w| m.worker_local_schedule_count(w),
            ),
            (
                "worker_overflows_total",
                "Local queue overflows.",
                "counter",
                |m, w| m.worker_overflow_count(w),
            ),
            (
                "worker_local_queue_depth",
                "Tasks in the local queue.",
                "gauge",
                |m, w| m.worker_local_queue_depth(w) as u64,
            ),
            (
                "worker_busy_seconds_total",
                "Time not parked.",
                "counter",
                |m, w| m.worker_total_busy_duration(w).as_nanos() as u64,
            ),
            (
                "worker_mean_poll_seconds",
                "Moving average of sampled poll times.",
                "gauge",
                |m, w| m.worker_mean_poll_time(w).as_nanos() as u64,
            ),
        ];
        for (name, help, kind, get) in per_worker {
            header(out, name, help, kind)?;
            for w in 0..self.num_workers() {
                let v = get(self, w);
                if name.contains("seconds") {
                    writeln!(out, "weft_{name}{{worker=\"{w}\"}} {}", seconds(v))?;
                } else {
                    writeln!(out, "weft_{name}{{worker=\"{w}\"}} {v}")?;
                }
            }
        }
        header(
            out,
            "poll_time_seconds",
            "Sampled task poll durations.",
            "histogram",
        )?;
        for w in 0..self.num_workers() {
            histogram(out, "poll_time_seconds", w, self.poll_time_histogram(w))?;
        }
        header(
            out,
            "schedule_latency_seconds",
            "Sampled time from a task's wake to the start of its poll.",
            "histogram",
        )?;
        for w in 0..self.num_workers() {
            histogram(
                out,
                "schedule_latency_seconds",
                w,
                self.schedule_latency_histogram(w),
            )?;
        }
        Ok(())
    }
}

fn header(out: &mut impl Write, name: &str, help: &str, kind: &str) -> fmt::Result {
    writeln!(out, "# HELP weft_{name} {help}")?;
    writeln!(out, "# TYPE weft_{name} {kind}")
}

/// Nanoseconds as decimal seconds, exactly (no float rounding).
fn seconds(ns: u64) -> String {
    let (s, frac) = (ns / 1_000_000_000, ns % 1_000_000_000);
    if frac == 0 {
        return s.to_string();
    }
    let digits = format!("{frac:09}");
    format!("{s}.{}", digits.trim_end_matches('0'))
}

fn histogram(out: &mut impl Write, name: &str, worker: usize, h: &Histogram) -> fmt::Result {
    let layout = h.layout();
    let mut cumulative = 0;
    for b in 0..layout.num_buckets() {
        cumulative += h.get(b);
        let end = layout.bucket_range(b).end;
        if end == u64::MAX {
            break;
        }
        // Prometheus buckets are `<= le`; ours are `< end`, and durations are whole
        // nanoseconds, so `le = end - 1 ns` is exact.
        writeln!(
            out,
            "weft_{name}_bucket{{worker=\"{worker}\",le=\"{}\"}} {cumulative}",
            seconds(end - 1)
        )?;
    }
    let count: u64 = (0..layout.num_buckets()).map(|b| h.get(b)).sum();
    writeln!(
        out,
        "weft_{name}_bucket{{worker=\"{worker}\",le=\"+Inf\"}} {count}"
    )?;
    writeln!(
        out,
        "weft_{name}_sum{{worker=\"{worker}\"}} {}",
        seconds(h.sum())
    )?;
    writeln!(out, "weft_{name}_count{{worker=\"{worker}\"}} {count}")
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(seconds(0), "0");
        assert_eq!(seconds(1_500_000_000), "1.5");
        assert_eq!(seconds(999), "0.000000999");
        assert_eq!(seconds(3_000_000_000), "3");
    }
}
