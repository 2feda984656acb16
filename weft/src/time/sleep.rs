//! `sleep`, `sleep_until` and the `Sleep` future.

use crate::runtime::driver::time::wheel::TimerEntry;
use crate::time::{Duration, Instant};
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Waits until `deadline` is reached.
///
/// No work is performed while awaiting on the sleep future to complete. `Sleep` operates at
/// millisecond granularity: the deadline is rounded **up** to the next millisecond tick of the
/// runtime's timer wheel, and the future completes as soon as the driver sees that tick pass —
/// never before `deadline`.
///
/// Unlike tokio, the driver adds no extra millisecond: tokio parks for whole ticks counted
/// from the *truncated* current tick, so its sleeps may end up to 1 ms after the rounded
/// deadline; weft parks until the rounded deadline's exact instant. (With I/O enabled the
/// kernel wait itself, `epoll_wait`, counts whole milliseconds and rounds up, which can again
/// add up to 1 ms of lateness; without I/O the wait is precise.)
///
/// To run something regularly on a schedule, see [`interval`](crate::time::interval).
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `Builder::enable_time` (or `enable_all`).
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Sleep` unregisters the timer and loses nothing.
///
/// ```
/// use weft::time::{sleep_until, Duration, Instant};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let start = Instant::now();
/// sleep_until(start + Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new_timeout(deadline)
}

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`; a duration too large to add
/// (`Duration::MAX`) sleeps until about 30 years from now instead of overflowing. See
/// [`sleep_until`] for the rounding rule (up to the next millisecond, nothing added).
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `Builder::enable_time` (or `enable_all`).
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Sleep` unregisters the timer and loses nothing.
///
/// ```
/// use weft::time::{sleep, Duration};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// sleep(Duration::from_millis(10)).await;
/// println!("10 ms have elapsed");
/// # });
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    match Instant::now().checked_add(duration) {
        Some(deadline) => Sleep::new_timeout(deadline),
        None => Sleep::far_future(),
    }
}

pin_project_lite::pin_project! {
    /// Future returned by [`sleep`] and [`sleep_until`].
    ///
    /// The timer is intrusive: its wheel node lives inside this future, so a `Sleep` costs no
    /// allocation, and arming or cancelling it is O(1). It is `!Unpin`; pin it
    /// (`std::pin::pin!`, `Box::pin`, `weft::pin!`) to poll it or to call [`Sleep::reset`].
    ///
    /// ```
    /// use weft::time::{sleep, Duration, Instant};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let sleep = sleep(Duration::from_millis(10));
    /// let mut sleep = std::pin::pin!(sleep);
    /// // Push the deadline back before it fires.
    /// sleep.as_mut().reset(Instant::now() + Duration::from_millis(20));
    /// sleep.as_mut().await;
    /// assert!(sleep.is_elapsed());
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Sleep {
        #[pin]
        entry: TimerEntry,
    }
}

impl Sleep {
    #[track_caller]
    pub(crate) fn new_timeout(deadline: Instant) -> Sleep {
        Sleep {
            entry: TimerEntry::new(crate::runtime::current::time(), deadline),
        }
    }

    #[track_caller]
    pub(crate) fn far_future() -> Sleep {
        Sleep::new_timeout(Instant::far_future())
    }

    /// The instant at which the future completes.
    ///
    /// ```
    /// use weft::time::{sleep_until, Duration, Instant};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let when = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(sleep_until(when).deadline(), when);
    /// # });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.entry.deadline()
    }

    /// Whether the timer has fired (it was polled, and the driver saw its deadline pass).
    ///
    /// ```
    /// use weft::time::{sleep, Duration};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut s = std::pin::pin!(sleep(Duration::from_millis(1)));
    /// assert!(!s.is_elapsed());
    /// s.as_mut().await;
    /// assert!(s.is_elapsed());
    /// # });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.entry.is_elapsed()
    }

    /// Resets the instance to a new deadline, whether or not it has already elapsed.
    ///
    /// Calling this on an elapsed `Sleep` re-arms it: it completes again at `deadline`. This
    /// is cheaper than dropping the `Sleep` and creating a new one (no new registration
    /// path, and the node stays in place).
    ///
    /// ```
    /// use weft::time::{sleep, Duration, Instant};
    ///
    /// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let mut s = std::pin::pin!(sleep(Duration::from_secs(3600)));
    /// s.as_mut().reset(Instant::now() + Duration::from_millis(1));
    /// s.await;
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.project().entry.reset(deadline, true);
    }

    /// As `reset`, but a never-polled `Sleep` stays unregistered until its next poll.
    pub(crate) fn reset_without_reregister(self: Pin<&mut Self>, deadline: Instant) {
        self.project().entry.reset(deadline, false);
    }

    fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        let mut entry = self.project().entry;
        let Poll::Ready(res) = entry.as_mut().poll_elapsed(cx) else {
            // For the task dump: this task now waits for the deadline.
            let at = crate::runtime::metrics::cycles::ms_since_epoch(entry.deadline().into_std());
            crate::runtime::diag::record_wait(&crate::runtime::diag::sites::SLEEP, at);
            return Poll::Pending;
        };
        match res {
            Ok(()) => {
                coop.made_progress();
                Poll::Ready(())
            }
            // The first sentence is tokio's (see `runtime::context::NO_RUNTIME`).
            Err(_) => panic!(
                "A Tokio 1.x context was found, but it is being shutdown. (weft: the runtime \
                 this timer belongs to has shut down, so it will never fire)"
            ),
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_elapsed(cx)
    }
}
