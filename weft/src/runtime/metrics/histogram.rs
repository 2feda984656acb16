//! Histogram configurations (tokio's public types and bucket arithmetic) and the per-worker
//! histogram that workers record into.
//!
//! The bucket layouts are tokio's, so that a program reading bucket ranges and counts ports
//! unchanged: linear buckets, the legacy power-of-two buckets, and the "H2" log buckets
//! (`2^p` buckets per power of two, so each bucket is at most `2^-p` of its start wide; the
//! first bucket is widened to cover everything below `min_value`, the last reaches
//! `u64::MAX`).

use std::error::Error;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// How buckets grow in the legacy configuration methods
/// ([`Builder::metrics_poll_count_histogram_scale`](crate::runtime::Builder::metrics_poll_count_histogram_scale)).
///
/// ```
/// use weft::runtime::HistogramScale;
/// assert_ne!(HistogramScale::Linear, HistogramScale::Log);
/// ```
#[derive(Debug, Copy, Clone, Eq, PartialEq)]
#[non_exhaustive]
pub enum HistogramScale {
    /// Every bucket has the same width (the resolution).
    Linear,
    /// Each bucket is twice as wide as the one before; the first is the resolution rounded up
    /// to a power of two.
    Log,
}

/// The bucket layout of a duration histogram: linear or log-scaled.
///
/// ```
/// use std::time::Duration;
/// use weft::runtime::{Builder, HistogramConfiguration, LogHistogram};
///
/// let rt = Builder::new_current_thread()
///     .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(
///         Duration::from_micros(50),
///         4,
///     ))
///     .build()
///     .unwrap();
/// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 4);
///
/// let log = HistogramConfiguration::log(LogHistogram::builder().max_value(Duration::from_secs(1)));
/// # let _ = log;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HistogramConfiguration {
    pub(crate) inner: Layout,
}

impl HistogramConfiguration {
    /// `num_buckets` buckets of `bucket_width` each; the last one also takes every longer
    /// value.
    ///
    /// # Panics
    /// If `bucket_width` is zero or `num_buckets` is zero: such a histogram has nowhere to
    /// put a value.
    ///
    /// ```
    /// use std::time::Duration;
    /// let c = weft::runtime::HistogramConfiguration::linear(Duration::from_micros(100), 10);
    /// # let _ = c;
    /// ```
    pub fn linear(bucket_width: Duration, num_buckets: usize) -> Self {
        let width = nanos(bucket_width);
        assert!(
            width > 0,
            "a linear histogram needs a bucket width above zero"
        );
        assert!(num_buckets > 0, "a histogram needs at least one bucket");
        HistogramConfiguration {
            inner: Layout::Linear { width, num_buckets },
        }
    }

    /// Log-scaled buckets (see [`LogHistogram`]).
    ///
    /// ```
    /// use weft::runtime::{HistogramConfiguration, LogHistogram};
    /// let c = HistogramConfiguration::log(LogHistogram::default());
    /// # let _ = c;
    /// ```
    pub fn log(configuration: impl Into<LogHistogram>) -> Self {
        HistogramConfiguration {
            inner: Layout::Log(configuration.into()),
        }
    }
}

/// A log-scaled ("H2") bucket layout: `2^p` buckets per power of two of nanoseconds, so a
/// value's bucket is never more than `2^-p` of the value wide.
///
/// Built with [`LogHistogram::builder`]; the default covers 100 ns to 60 s with a 25% error
/// bound (119 buckets), as tokio's does.
///
/// ```
/// use std::time::Duration;
/// use weft::runtime::LogHistogram;
///
/// let h = LogHistogram::builder()
///     .min_value(Duration::from_micros(20))
///     .max_value(Duration::from_millis(4))
///     .precision_exact(0)
///     .build();
/// assert!(h.max_value() >= 4_000_000);
/// ```
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
pub struct LogHistogram {
    pub(crate) num_buckets: usize,
    /// Each power of two is split into `2^p` buckets.
    pub(crate) p: u32,
    /// Raw H2 buckets below this index are folded into bucket 0.
    pub(crate) bucket_offset: usize,
}

const DEFAULT_MIN: Duration = Duration::from_nanos(100);
const DEFAULT_MAX: Duration = Duration::from_secs(60);
const DEFAULT_PRECISION: u32 = 2;
const MAX_PRECISION: u32 = 10;

impl Default for LogHistogram {
    fn default() -> Self {
        LogHistogramBuilder::default().build()
    }
}

impl LogHistogram {
    /// A builder for a log-scaled layout.
    ///
    /// ```
    /// let h = weft::runtime::LogHistogram::builder().max_error(0.1).build();
    /// # let _ = h;
    /// ```
    pub fn builder() -> LogHistogramBuilder {
        LogHistogramBuilder::default()
    }

    /// The largest value, in nanoseconds, that lands in a bucket of its own (anything above
    /// goes to the last bucket, which reaches `u64::MAX`).
    ///
    /// ```
    /// let h = weft::runtime::LogHistogram::default();
    /// assert!(h.max_value() >= 60_000_000_000);
    /// ```
    pub fn max_value(&self) -> u64 {
        self.bucket_range(self.num_buckets - 2).end
    }

    fn with_n_p(n: u32, p: u32, bucket_offset: usize) -> LogHistogram {
        assert!(n >= p, "{n} (n) must be at least as large as {p} (p)");
        LogHistogram {
            num_buckets: ((n - p + 1) << p) as usize - bucket_offset,
            p,
            bucket_offset,
        }
    }

    /// Drops trailing buckets that only cover values above `max` (keeping one that reaches it).
    fn truncated_to(mut self, max: u64) -> LogHistogram {
        while self.max_value() >= max {
            self.num_buckets -= 1;
        }
        self.num_buckets += 1;
        self
    }

    fn value_to_bucket(&self, value: u64) -> usize {
        let raw = h2_index(value, self.p).saturating_sub(self.bucket_offset as u64);
        raw.min(self.num_buckets as u64 - 1) as usize
    }

    fn bucket_range(&self, bucket: usize) -> Range<u64> {
        let raw = (bucket + self.bucket_offset) as u64;
        let p = u64::from(self.p);
        let (start, end) = if raw < 1 << p {
            (raw, raw + 1)
        } else {
            // Raw buckets come in groups of 2^p per power of two; group g (from 0) starts at
            // 2^(g+p) and its buckets are 2^g wide.
            let group = (raw >> p) - 1;
            let within = raw - ((group + 1) << p);
            let base = 1u64 << (group + p);
            (base + (within << group), base + ((within + 1) << group))
        };
        let start = if bucket == 0 { 0 } else { start };
        let end = if bucket == self.num_buckets - 1 {
            u64::MAX
        } else {
            end
        };
        start..end
    }
}

/// The raw H2 bucket of `value`: values below `2^p` have a bucket each; above, the top set
/// bit picks the group and the next `p` bits the bucket within it.
fn h2_index(value: u64, p: u32) -> u64 {
    if value == 0 {
        return 0;
    }
    let top = 63 - value.leading_zeros();
    if top <= p {
        return value;
    }
    let shift = top - p;
    u64::from((shift + 1) << p) + ((value - (1u64 << top)) >> shift)
}

/// Settings for a [`LogHistogram`]: the smallest value worth resolving, the largest, and the
/// relative error.
///
/// ```
/// use std::time::Duration;
/// let h = weft::runtime::LogHistogram::builder()
///     .min_value(Duration::from_micros(1))
///     .max_value(Duration::from_secs(1))
///     .max_error(0.25)
///     .build();
/// # let _ = h;
/// ```
#[derive(Default, Debug, Copy, Clone)]
pub struct LogHistogramBuilder {
    max_value: Option<Duration>,
    min_value: Option<Duration>,
    precision: Option<u32>,
}

impl From<LogHistogramBuilder> for LogHistogram {
    fn from(value: LogHistogramBuilder) -> Self {
        value.build()
    }
}

impl LogHistogramBuilder {
    /// Picks the smallest `p` (at least 2, at most 10) with `2^-p <= max_error`.
    ///
    /// # Panics
    /// If `max_error` is not strictly between 0 and 1.
    ///
    /// ```
    /// let b = weft::runtime::LogHistogram::builder().max_error(0.05);
    /// # let _ = b;
    /// ```
    pub fn max_error(mut self, max_error: f64) -> Self {
        assert!(max_error > 0.0, "max_error must be greater than 0");
        assert!(max_error < 1.0, "max_error must be less than 1");
        let mut p = 2;
        while p < MAX_PRECISION && 2f64.powi(-(p as i32)) > max_error {
            p += 1;
        }
        self.precision = Some(p);
        self
    }

    /// Sets `p` directly: `2^p` buckets per power of two (0: each bucket doubles).
    ///
    /// # Panics
    /// If `p` is above 10.
    ///
    /// ```
    /// let b = weft::runtime::LogHistogram::builder().precision_exact(0);
    /// # let _ = b;
    /// ```
    pub fn precision_exact(mut self, p: u32) -> Self {
        assert!(p <= MAX_PRECISION, "precision must be <= {MAX_PRECISION}");
        self.precision = Some(p);
        self
    }

    /// Values below this share the first bucket (default 100 ns).
    ///
    /// ```
    /// let b = weft::runtime::LogHistogram::builder().min_value(std::time::Duration::from_micros(1));
    /// # let _ = b;
    /// ```
    pub fn min_value(mut self, duration: Duration) -> Self {
        self.min_value = Some(duration);
        self
    }

    /// Values above this share the last bucket (default 60 s).
    ///
    /// # Panics
    /// If `duration` is zero.
    ///
    /// ```
    /// let b = weft::runtime::LogHistogram::builder().max_value(std::time::Duration::from_secs(1));
    /// # let _ = b;
    /// ```
    pub fn max_value(mut self, duration: Duration) -> Self {
        assert!(!duration.is_zero(), "max value must be greater than 0");
        self.max_value = Some(duration);
        self
    }

    /// Builds the layout, or says how many buckets it would need if that is over
    /// `max_buckets`.
    ///
    /// # Errors
    /// [`InvalidHistogramConfiguration::TooManyBuckets`].
    ///
    /// ```
    /// let mut b = weft::runtime::LogHistogram::builder();
    /// assert!(b.max_buckets(10).is_err());
    /// assert!(b.max_buckets(1000).is_ok());
    /// ```
    pub fn max_buckets(
        &mut self,
        max_buckets: usize,
    ) -> Result<LogHistogram, InvalidHistogramConfiguration> {
        let h = self.build();
        if h.num_buckets > max_buckets {
            return Err(InvalidHistogramConfiguration::TooManyBuckets {
                required_bucket_count: h.num_buckets,
            });
        }
        Ok(h)
    }

    /// Builds the layout.
    ///
    /// ```
    /// let h = weft::runtime::LogHistogram::builder().build();
    /// assert_eq!(h, weft::runtime::LogHistogram::default());
    /// ```
    pub fn build(&self) -> LogHistogram {
        let requested_max = nanos(self.max_value.unwrap_or(DEFAULT_MAX));
        let max = requested_max.next_power_of_two();
        let min = nanos(self.min_value.unwrap_or(DEFAULT_MIN));
        let p = self.precision.unwrap_or(DEFAULT_PRECISION);
        // One raw bucket below the minimum's, so the minimum itself is resolved.
        let offset = h2_index(min, p).max(1) - 1;
        let n = max.ilog2().max(p) + 1;
        LogHistogram::with_n_p(n, p, offset as usize).truncated_to(requested_max)
    }
}

/// A histogram configuration that cannot be built.
///
/// ```
/// let err = weft::runtime::LogHistogram::builder().max_buckets(1).unwrap_err();
/// assert!(err.to_string().contains("buckets"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum InvalidHistogramConfiguration {
    /// The layout would need more buckets than allowed.
    TooManyBuckets {
        /// How many it would need.
        required_bucket_count: usize,
    },
}

impl fmt::Display for InvalidHistogramConfiguration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidHistogramConfiguration::TooManyBuckets {
                required_bucket_count,
            } => write!(
                f,
                "the histogram configuration would need {required_bucket_count} buckets"
            ),
        }
    }
}

impl Error for InvalidHistogramConfiguration {}

/// Which bucket arithmetic a histogram uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Linear {
        width: u64,
        num_buckets: usize,
    },
    /// tokio's legacy log scale: the first bucket `0..first`, then doubling.
    Doubling {
        first: u64,
        num_buckets: usize,
    },
    Log(LogHistogram),
}

impl Layout {
    /// What the legacy builder methods (`metrics_poll_count_histogram_*`) describe.
    pub(crate) fn legacy(scale: HistogramScale, resolution: Duration, num_buckets: usize) -> Self {
        let resolution = nanos(resolution).max(1);
        let num_buckets = num_buckets.max(1);
        match scale {
            HistogramScale::Linear => Layout::Linear {
                width: resolution,
                num_buckets,
            },
            HistogramScale::Log => Layout::Doubling {
                first: resolution.next_power_of_two(),
                num_buckets,
            },
        }
    }

    pub(crate) fn num_buckets(&self) -> usize {
        match self {
            Layout::Linear { num_buckets, .. } | Layout::Doubling { num_buckets, .. } => {
                *num_buckets
            }
            Layout::Log(h) => h.num_buckets,
        }
    }

    #[inline]
    pub(crate) fn bucket_of(&self, value: u64) -> usize {
        match *self {
            Layout::Linear { width, num_buckets } => {
                (value / width).min(num_buckets as u64 - 1) as usize
            }
            Layout::Doubling { first, num_buckets } => {
                if value < first {
                    0
                } else {
                    let digits = 64 - value.leading_zeros();
                    let first_digits = 64 - (first - 1).leading_zeros();
                    ((digits - first_digits) as usize).min(num_buckets - 1)
                }
            }
            Layout::Log(h) => h.value_to_bucket(value),
        }
    }

    /// The nanoseconds bucket `bucket` covers.
    ///
    /// # Panics
    /// If `bucket` is not below `num_buckets()`.
    #[track_caller]
    pub(crate) fn bucket_range(&self, bucket: usize) -> Range<u64> {
        let n = self.num_buckets();
        assert!(
            bucket < n,
            "histogram bucket {bucket} is out of range: there are {n} buckets"
        );
        let last = bucket == n - 1;
        match *self {
            Layout::Linear { width, .. } => {
                width * bucket as u64..if last {
                    u64::MAX
                } else {
                    width * (bucket as u64 + 1)
                }
            }
            Layout::Doubling { first, .. } => {
                let start = if bucket == 0 {
                    0
                } else {
                    first << (bucket - 1)
                };
                start..if last { u64::MAX } else { first << bucket }
            }
            Layout::Log(h) => h.bucket_range(bucket),
        }
    }
}

/// One worker's histogram: bucket counters written only by the worker that owns them (load
/// and store, no read-modify-write), readable from any thread.
pub(crate) struct Histogram {
    layout: Layout,
    buckets: Box<[AtomicU64]>,
    /// Sum of the recorded values in nanoseconds (for the Prometheus `_sum`).
    sum: AtomicU64,
}

impl Histogram {
    pub(crate) fn new(layout: Layout) -> Histogram {
        Histogram {
            layout,
            buckets: (0..layout.num_buckets())
                .map(|_| AtomicU64::new(0))
                .collect(),
            sum: AtomicU64::new(0),
        }
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Records `value` nanoseconds. Only the owning worker calls this.
    #[inline]
    pub(crate) fn record(&self, value: u64) {
        let b = &self.buckets[self.layout.bucket_of(value)];
        b.store(b.load(Relaxed) + 1, Relaxed);
        self.sum
            .store(self.sum.load(Relaxed).wrapping_add(value), Relaxed);
    }

    /// The count of bucket `bucket`.
    ///
    /// # Panics
    /// If `bucket` is out of range.
    #[track_caller]
    pub(crate) fn get(&self, bucket: usize) -> u64 {
        let n = self.buckets.len();
        match self.buckets.get(bucket) {
            Some(b) => b.load(Relaxed),
            None => panic!("histogram bucket {bucket} is out of range: there are {n} buckets"),
        }
    }

    pub(crate) fn sum(&self) -> u64 {
        self.sum.load(Relaxed)
    }
}

/// A duration in nanoseconds, saturating at `u64::MAX` (584 years).
pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn log_layout_matches_tokio_bucket_counts() {
        // The numbers tokio's own tests expect for these configurations.
        let h = LogHistogram::builder()
            .max_value(Duration::from_secs(60))
            .min_value(Duration::from_nanos(100))
            .max_error(0.25)
            .build();
        assert_eq!(h.num_buckets, 119);
        assert_eq!(LogHistogram::default().num_buckets, 119);
        let l = Layout::Log(h);
        assert_eq!(l.bucket_range(0), 0..96);
        assert_eq!(l.bucket_range(1), 96..112);
        assert_eq!(l.bucket_range(118).end, u64::MAX);

        let h = LogHistogram::builder()
            .max_value(Duration::from_millis(4))
            .min_value(us(20))
            .precision_exact(0)
            .build();
        assert_eq!(h.num_buckets, 10);
        let l = Layout::Log(h);
        for b in 1..9 {
            let r = l.bucket_range(b);
            assert_eq!(r.end - r.start, (1 << (b - 1)) * 16384, "bucket {b}");
        }
    }

    #[test]
    fn every_value_lands_in_the_bucket_whose_range_holds_it() {
        let layouts = [
            Layout::Linear {
                width: 100,
                num_buckets: 10,
            },
            Layout::legacy(HistogramScale::Log, Duration::from_nanos(50_000), 20),
            Layout::Log(LogHistogram::default()),
            Layout::Log(LogHistogram::builder().precision_exact(5).build()),
        ];
        for layout in layouts {
            for v in (0..64)
                .flat_map(|s| [1u64 << s, (1u64 << s) - 1, (1u64 << s) + 1])
                .chain([0, 7, 999, 123_456_789, u64::MAX])
            {
                let b = layout.bucket_of(v);
                assert!(
                    layout.bucket_range(b).contains(&v) || v == u64::MAX,
                    "{layout:?} {v}"
                );
            }
        }
    }

    #[test]
    fn linear_and_legacy_ranges() {
        let l = HistogramConfiguration::linear(us(50), 3).inner;
        assert_eq!(l.bucket_range(0), 0..50_000);
        assert_eq!(l.bucket_range(2), 100_000..u64::MAX);
        let d = Layout::legacy(HistogramScale::Log, us(50), 3);
        let a = 50_000u64.next_power_of_two();
        assert_eq!(d.bucket_range(0), 0..a);
        assert_eq!(d.bucket_range(1), a..2 * a);
        assert_eq!(d.bucket_range(2), 2 * a..u64::MAX);
    }

    #[test]
    fn record_counts_and_sums() {
        let h = Histogram::new(HistogramConfiguration::linear(Duration::from_nanos(10), 3).inner);
        for v in [1, 15, 15, 1000] {
            h.record(v);
        }
        assert_eq!((h.get(0), h.get(1), h.get(2)), (1, 2, 1));
        assert_eq!(h.sum(), 1031);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn bucket_out_of_range_panics_with_a_message() {
        Histogram::new(HistogramConfiguration::linear(us(1), 2).inner).get(2);
    }
}
