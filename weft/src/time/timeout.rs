//! `timeout`, `timeout_at` and the `Timeout` future.

use crate::time::error::Elapsed;
use crate::time::sleep::Sleep;
use crate::time::{Duration, Instant};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Requires a `Future` to complete before the specified duration has elapsed.
///
/// If the future completes first its output is returned; otherwise it is cancelled (dropped
/// with the `Timeout`) and [`Elapsed`] is returned. The future is always polled before the
/// deadline is checked, so a future that is ready at once succeeds even with a zero
/// duration. `Duration::MAX` means "no deadline" (about 30 years) and does not overflow.
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `Builder::enable_time` (or `enable_all`).
///
/// # Cancel safety
///
/// As cancel safe as the inner future: dropping the `Timeout` drops it.
///
/// ```
/// use weft::time::{timeout, Duration};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let quick = timeout(Duration::ZERO, async { 7 }).await;
/// assert_eq!(quick, Ok(7));
/// let slow = timeout(Duration::from_millis(5), std::future::pending::<()>()).await;
/// assert!(slow.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout<F>(duration: Duration, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    let delay = match Instant::now().checked_add(duration) {
        Some(deadline) => Sleep::new_timeout(deadline),
        None => Sleep::far_future(),
    };
    Timeout::new_with_delay(future.into_future(), delay)
}

/// Requires a `Future` to complete before the specified instant in time.
///
/// As [`timeout`], with an absolute deadline.
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `Builder::enable_time` (or `enable_all`).
///
/// # Cancel safety
///
/// As cancel safe as the inner future: dropping the `Timeout` drops it.
///
/// ```
/// use weft::time::{timeout_at, Duration, Instant};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(5);
/// assert!(timeout_at(deadline, std::future::pending::<()>()).await.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout_at<F>(deadline: Instant, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    Timeout::new_with_delay(future.into_future(), Sleep::new_timeout(deadline))
}

pin_project_lite::pin_project! {
    /// Future returned by [`timeout`] and [`timeout_at`].
    ///
    /// ```
    /// use weft::time::{timeout, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut t = timeout(Duration::from_secs(1), async { 1 });
    /// let _inner: &mut _ = t.get_mut();
    /// assert_eq!(t.await, Ok(1));
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        #[pin]
        delay: Sleep,
    }
}

impl<T> Timeout<T> {
    pub(crate) fn new_with_delay(value: T, delay: Sleep) -> Timeout<T> {
        Timeout { value, delay }
    }

    /// Gets a reference to the underlying value in this timeout.
    ///
    /// ```
    /// use weft::time::{timeout, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let t = timeout(Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// # });
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// Gets a mutable reference to the underlying value in this timeout.
    ///
    /// ```
    /// use weft::time::{timeout, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut t = timeout(Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &mut std::future::Ready<i32> = t.get_mut();
    /// # });
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Consumes this timeout, returning the underlying value.
    ///
    /// ```
    /// use weft::time::{timeout, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let t = timeout(Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.into_inner().await, 3);
    /// # });
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Future for Timeout<T>
where
    T: Future,
{
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.project();
        let had_budget_before = crate::runtime::coop::has_budget_remaining();
        if let Poll::Ready(v) = me.value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        let has_budget_now = crate::runtime::coop::has_budget_remaining();
        let delay = me.delay;
        let poll_delay = || match delay.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        };
        if had_budget_before && !has_budget_now {
            // The inner future spent the last of the budget: the deadline must still be
            // checked, or a busy future could never time out.
            crate::runtime::coop::with_unconstrained(poll_delay)
        } else {
            poll_delay()
        }
    }
}
