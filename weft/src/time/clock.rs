//! The clock's face: `Instant::now` and pausing time for tests (`pause`, `resume`, `advance`).
//! The clock itself (`Clock`) is a driver layer, `runtime::driver::clock`; these functions find
//! the current runtime's and use it.

use crate::runtime::driver::clock::{any_paused, system_now};
use crate::time::{Duration, Instant};

pub(crate) const PAUSE_NEEDS_CURRENT_THREAD: &str =
    "`weft::time::pause()` requires the `current_thread` runtime (the default of `#[weft::test]`): \
     on a multi-thread runtime other workers keep running while time is frozen";

/// `Instant::now`: the current runtime's clock if any clock was ever paused, else the system's.
pub(crate) fn now() -> Instant {
    if !any_paused() {
        return Instant::from_std(system_now());
    }
    match crate::runtime::current::try_time() {
        Ok(Some(handle)) => handle.clock().now(),
        _ => Instant::from_std(system_now()),
    }
}

impl Instant {
    /// The current instant: the runtime's clock when called inside a runtime with paused time,
    /// the system's monotonic clock otherwise.
    ///
    /// ```
    /// use weft::time::Instant;
    ///
    /// let a = Instant::now();
    /// let b = Instant::now();
    /// assert!(b >= a);
    /// ```
    pub fn now() -> Instant {
        now()
    }

    /// Time elapsed since this instant (by [`Instant::now`], so paused time counts).
    ///
    /// ```
    /// let start = weft::time::Instant::now();
    /// let _spent = start.elapsed();
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// An instant about 30 years from now, for "never" deadlines (what `sleep(Duration::MAX)`
    /// uses instead of overflowing).
    pub(crate) fn far_future() -> Instant {
        Instant::now() + Duration::from_secs(86400 * 365 * 30)
    }
}

#[track_caller]
fn current_clock_handle() -> crate::runtime::driver::time::Handle {
    match crate::runtime::current::try_time() {
        Ok(Some(handle)) => handle,
        Ok(None) => panic!("{}", crate::runtime::driver::time::TIME_DISABLED),
        Err(_) => panic!("time cannot be frozen from outside the weft runtime"),
    }
}

/// Pauses time.
///
/// The current value of `Instant::now()` is saved and all subsequent calls return it until
/// [`resume`] or [`advance`] is called. While time is paused and the runtime has no work to
/// do, the clock auto-advances to the next pending timer's deadline, so a test full of sleeps
/// runs instantly and deterministically.
///
/// Not available on the multi-thread runtime (other workers keep running, so "idle" is not
/// well defined there); use the current-thread runtime, the default of `#[weft::test]`.
///
/// # Panics
///
/// If called outside a runtime, on a multi-thread runtime, on a runtime without
/// `Builder::enable_time`, or if time is already paused.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::sleep(Duration::from_secs(3600)).await; // returns at once: auto-advance
/// assert!(start.elapsed() >= Duration::from_secs(3600));
/// # });
/// ```
#[track_caller]
pub fn pause() {
    let handle = current_clock_handle();
    if !crate::runtime::current::allows_pausing() {
        panic!("{PAUSE_NEEDS_CURRENT_THREAD}");
    }
    // A `match`, not `unwrap_or_else`: a closure would report its own location, not the
    // caller's (`#[track_caller]`).
    if let Err(e) = handle.clock().pause() {
        panic!("{e}");
    }
}

/// Resumes time after [`pause`]; the clock runs again from the value it stood at.
///
/// # Panics
///
/// If called outside a runtime, or if time is not paused.
///
/// ```
/// use weft::time;
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// time::pause();
/// time::resume();
/// # });
/// ```
#[track_caller]
pub fn resume() {
    if let Err(e) = current_clock_handle().clock().resume() {
        panic!("{e}");
    }
}

/// Advances paused time by `duration`, firing every timer whose deadline is reached, then
/// yields so that the woken tasks run before the caller continues.
///
/// Unlike auto-advance this moves the clock even if timers are pending earlier than
/// `duration`; they all fire, in deadline order.
///
/// # Panics
///
/// If called outside a runtime, or if time is not paused.
///
/// # Cancel safety
///
/// The clock is advanced on the first poll; dropping the future afterwards only skips the
/// yield.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::advance(Duration::from_secs(5)).await;
/// assert_eq!(start.elapsed(), Duration::from_secs(5));
/// # });
/// ```
pub async fn advance(duration: Duration) {
    let handle = current_clock_handle();
    handle
        .clock()
        .advance(duration)
        .unwrap_or_else(|e| panic!("{e}"));
    // Fire what is due now rather than at the driver's next turn, so the woken tasks are
    // queued before the yield below lets them run.
    handle.process();
    crate::task::yield_now().await;
}
