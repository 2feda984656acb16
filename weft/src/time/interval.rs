//! `interval`, `interval_at` and the `Interval` stream of ticks.

use crate::time::sleep::{sleep_until, Sleep};
use crate::time::{Duration, Instant};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Creates a new [`Interval`] that yields with interval of `period`. The first tick completes
/// immediately. The default [`MissedTickBehavior`] is [`Burst`](MissedTickBehavior::Burst).
///
/// # Panics
///
/// If `period` is zero; outside a runtime, or on a runtime without `Builder::enable_time`.
///
/// ```
/// use weft::time::{self, Duration};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut interval = time::interval(Duration::from_millis(10));
/// interval.tick().await; // ticks immediately
/// interval.tick().await; // ticks after 10 ms
/// interval.tick().await; // ticks after 10 ms
/// # });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    internal_interval_at(Instant::now(), period)
}

/// Creates a new [`Interval`] that yields with interval of `period`, with the first tick
/// completing at `start`.
///
/// # Panics
///
/// If `period` is zero; outside a runtime, or on a runtime without `Builder::enable_time`.
///
/// ```
/// use weft::time::{interval_at, Duration, Instant};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let start = Instant::now() + Duration::from_millis(5);
/// let mut interval = interval_at(start, Duration::from_millis(10));
/// assert_eq!(interval.tick().await, start);
/// assert_eq!(interval.tick().await, start + Duration::from_millis(10));
/// # });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    internal_interval_at(start, period)
}

#[track_caller]
fn internal_interval_at(start: Instant, period: Duration) -> Interval {
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// Defines the behavior of an [`Interval`] when it misses a tick (the task was busy, or the
/// runtime was blocked, past a tick's deadline by more than 5 ms).
///
/// With `period = 50 ms` starting at 0, ticks missed until 230 ms, the next ticks are:
///
/// | behavior | next ticks                          |
/// |----------|-------------------------------------|
/// | `Burst`  | 100, 150, 200 at once, then 250, …  |
/// | `Delay`  | 230, 280, 330, …                    |
/// | `Skip`   | 250, 300, 350, …                    |
///
/// ```
/// use weft::time::{interval, Duration, MissedTickBehavior};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut interval = interval(Duration::from_millis(50));
/// interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
/// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Delay);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up, keeping the original schedule.
    #[default]
    Burst,
    /// Ticks once now, then every `period` from now: the schedule shifts.
    Delay,
    /// Skips the missed ticks and ticks at the next multiple of `period` of the original
    /// schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a missed tick: `timeout` was the missed deadline, `now` is when it
    /// was noticed.
    fn next_timeout(&self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        // A huge period must not overflow `Instant`: "never" is 30 years out.
        let add = |at: Instant, d: Duration| at.checked_add(d).unwrap_or_else(Instant::far_future);
        match self {
            Self::Burst => add(timeout, period),
            Self::Delay => add(now, period),
            Self::Skip => {
                let behind = u64::try_from((now - timeout).as_nanos() % period.as_nanos())
                    .expect("too much time has elapsed since the interval was supposed to tick");
                add(now, period - Duration::from_nanos(behind))
            }
        }
    }
}

/// Interval returned by [`interval`] and [`interval_at`]: a stream of ticks `period` apart.
///
/// Unlike sleeping `period` in a loop, the schedule does not drift with the time spent
/// between ticks.
///
/// ```
/// use weft::time::{interval, Duration};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let mut interval = interval(Duration::from_millis(2));
/// for _ in 0..3 {
///     interval.tick().await;
/// }
/// assert_eq!(interval.period(), Duration::from_millis(2));
/// # });
/// ```
#[derive(Debug)]
pub struct Interval {
    /// Boxed so that `Interval` is `Unpin` and `tick` can take `&mut self`.
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Completes when the next instant in the interval has been reached, returning it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if `tick` is used as a branch of `select!` and another branch completes
    /// first, no tick has been consumed.
    ///
    /// ```
    /// use weft::time::{interval, Duration, Instant};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_millis(10));
    /// let first = interval.tick().await;
    /// let second = interval.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(10));
    /// # });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next instant in the interval to be reached.
    ///
    /// Returns `Pending` (scheduling the current task to be woken) until then, and
    /// `Ready(instant)` with the scheduled (not the actual) time of the tick. Only the waker
    /// of the latest poll is woken.
    ///
    /// ```
    /// use weft::time::{interval, Duration};
    /// use std::future::poll_fn;
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_millis(1));
    /// let first = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// let second = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// assert!(second > first);
    /// # });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        // Up to 5 ms late is scheduling noise, not a missed tick.
        let next = if now > timeout + Duration::from_millis(5) {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout
                .checked_add(self.period)
                .unwrap_or_else(Instant::far_future)
        };
        self.delay.as_mut().reset_without_reregister(next);
        Poll::Ready(timeout)
    }

    /// Resets the interval to complete one period after the current time.
    ///
    /// ```
    /// use weft::time::{interval, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_millis(5));
    /// interval.tick().await;
    /// interval.reset(); // the next tick is 5 ms from now
    /// interval.tick().await;
    /// # });
    /// ```
    pub fn reset(&mut self) {
        let deadline = Instant::now()
            .checked_add(self.period)
            .unwrap_or_else(Instant::far_future);
        self.delay.as_mut().reset(deadline);
    }

    /// Resets the interval so that the next tick completes immediately.
    ///
    /// ```
    /// use weft::time::{interval, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// interval.reset_immediately();
    /// interval.tick().await; // no hour-long wait
    /// # });
    /// ```
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Resets the interval to complete `after` from now.
    ///
    /// ```
    /// use weft::time::{interval, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// interval.reset_after(Duration::from_millis(1));
    /// interval.tick().await;
    /// # });
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        let deadline = Instant::now()
            .checked_add(after)
            .unwrap_or_else(Instant::far_future);
        self.delay.as_mut().reset(deadline);
    }

    /// Resets the interval to complete at `deadline`.
    ///
    /// ```
    /// use weft::time::{interval, Duration, Instant};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// let at = Instant::now() + Duration::from_millis(1);
    /// interval.reset_at(at);
    /// assert_eq!(interval.tick().await, at);
    /// # });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// Returns the [`MissedTickBehavior`] strategy currently in use.
    ///
    /// ```
    /// use weft::time::{interval, Duration, MissedTickBehavior};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let interval = interval(Duration::from_millis(5));
    /// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
    /// # });
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the [`MissedTickBehavior`] strategy that should be used.
    ///
    /// ```
    /// use weft::time::{interval, Duration, MissedTickBehavior};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut interval = interval(Duration::from_millis(5));
    /// interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    /// # });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Returns the period of the interval.
    ///
    /// ```
    /// use weft::time::{interval, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// assert_eq!(interval(Duration::from_millis(5)).period(), Duration::from_millis(5));
    /// # });
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}
