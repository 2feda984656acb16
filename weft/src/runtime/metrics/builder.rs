//! The `Builder` methods that configure the metrics histograms (tokio's names).

use super::{HistogramConfiguration, HistogramScale};
use crate::runtime::Builder;
use std::time::Duration;

impl Builder {
    /// Times every task poll for the poll-time histogram, instead of one poll in 16.
    ///
    /// The histogram is on either way in weft; this makes its counts exact, as tokio's are
    /// once enabled, at the cost of two reads of the cycle counter per poll (about 2 ns each
    /// here; tokio reads `Instant::now` twice per poll, 26 ns each). Without a
    /// configuration, the buckets are then tokio's default: 10 × 100 µs.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_sample_interval(), 1);
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 10);
    /// ```
    pub fn enable_metrics_poll_time_histogram(&mut self) -> &mut Self {
        self.metrics.poll_time_enabled = true;
        self
    }

    /// Renamed to [`enable_metrics_poll_time_histogram`](Self::enable_metrics_poll_time_histogram).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_count_histogram()
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[deprecated = "use `enable_metrics_poll_time_histogram`"]
    #[doc(hidden)]
    pub fn enable_metrics_poll_count_histogram(&mut self) -> &mut Self {
        self.enable_metrics_poll_time_histogram()
    }

    /// The poll-time histogram's buckets. Default: log-scaled, 1 µs to 1 s at 25% error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::runtime::{Builder, HistogramConfiguration};
    /// let rt = Builder::new_current_thread()
    ///     .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(
    ///         Duration::from_micros(50),
    ///         3,
    ///     ))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_bucket_range(1), Duration::from_micros(50)..Duration::from_micros(100));
    /// ```
    pub fn metrics_poll_time_histogram_configuration(
        &mut self,
        configuration: HistogramConfiguration,
    ) -> &mut Self {
        self.metrics.poll_time = Some(configuration.inner);
        self.metrics.legacy = None;
        self
    }

    /// Legacy: the poll-time histogram's scale (with `_resolution` and `_buckets`).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use weft::runtime::{Builder, HistogramScale};
    /// let rt = Builder::new_multi_thread()
    ///     .metrics_poll_count_histogram_scale(HistogramScale::Log)
    ///     .metrics_poll_count_histogram_buckets(20)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 20);
    /// ```
    #[deprecated = "use `metrics_poll_time_histogram_configuration`"]
    pub fn metrics_poll_count_histogram_scale(&mut self, scale: HistogramScale) -> &mut Self {
        self.metrics.legacy_mut().0 = scale;
        self
    }

    /// Legacy: the width of the first bucket (rounded up to a power of two for the log scale).
    ///
    /// # Panics
    /// If `resolution` is zero.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .metrics_poll_count_histogram_resolution(std::time::Duration::from_micros(50))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[deprecated = "use `metrics_poll_time_histogram_configuration`"]
    #[track_caller]
    pub fn metrics_poll_count_histogram_resolution(&mut self, resolution: Duration) -> &mut Self {
        assert!(
            resolution > Duration::ZERO,
            "the histogram resolution must be above zero"
        );
        self.metrics.legacy_mut().1 = resolution;
        self
    }

    /// Legacy: the number of buckets.
    ///
    /// # Panics
    /// If `buckets` is zero.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .metrics_poll_count_histogram_buckets(15)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 15);
    /// ```
    #[deprecated = "use `metrics_poll_time_histogram_configuration`"]
    #[track_caller]
    pub fn metrics_poll_count_histogram_buckets(&mut self, buckets: usize) -> &mut Self {
        assert!(buckets > 0, "a histogram needs at least one bucket");
        self.metrics.legacy_mut().2 = buckets;
        self
    }

    /// Accepted for tokio programs: the schedule-latency histogram is always on in weft
    /// (sampled one local wake in 16), so this changes nothing.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_metrics_schedule_latency_histogram()
    ///     .build()
    ///     .unwrap();
    /// assert!(rt.metrics().schedule_latency_histogram_enabled());
    /// ```
    pub fn enable_metrics_schedule_latency_histogram(&mut self) -> &mut Self {
        self
    }

    /// The schedule-latency histogram's buckets. Default: log-scaled, 1 µs to 1 s at 25%
    /// error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::runtime::{Builder, HistogramConfiguration};
    /// let rt = Builder::new_current_thread()
    ///     .metrics_schedule_latency_histogram_configuration(HistogramConfiguration::linear(
    ///         Duration::from_millis(1),
    ///         5,
    ///     ))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().schedule_latency_histogram_num_buckets(), 5);
    /// ```
    pub fn metrics_schedule_latency_histogram_configuration(
        &mut self,
        configuration: HistogramConfiguration,
    ) -> &mut Self {
        self.metrics.schedule_latency = Some(configuration.inner);
        self
    }
}
