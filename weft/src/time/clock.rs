//! The runtime's clock, and pausing it for tests (`pause`, `resume`, `advance`).
//!
//! A clock reads the system's monotonic clock until it is paused; from then on it stands still
//! and moves only by `advance` or, when the runtime has nothing to do, by auto-advance to the
//! next timer's deadline (the time driver does that). `resume` lets it run again from where it
//! stood, so a resumed clock keeps its offset from the system's.

use crate::time::{Duration, Instant};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many clocks in the process have ever been paused. While zero, `Instant::now` is the
/// system's clock without looking up the current runtime.
static PAUSED_CLOCKS: AtomicUsize = AtomicUsize::new(0);

pub(crate) const PAUSE_NEEDS_CURRENT_THREAD: &str =
    "`weft::time::pause()` requires the `current_thread` runtime (the default of `#[weft::test]`): \
     on a multi-thread runtime other workers keep running while time is frozen";

#[derive(Debug)]
pub(crate) struct Clock {
    /// Whether this clock has ever been paused; if not, `now` is the system's clock.
    ever_paused: AtomicBool,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The clock's reading at `unfrozen` (or now, while paused).
    base: std::time::Instant,
    /// When the clock last started running; `None` while paused.
    unfrozen: Option<std::time::Instant>,
    /// While non-zero the driver must not auto-advance (a blocking task is running).
    auto_advance_inhibit: usize,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        let now = std::time::Instant::now();
        Clock {
            ever_paused: AtomicBool::new(false),
            inner: Mutex::new(Inner {
                base: now,
                unfrozen: Some(now),
                auto_advance_inhibit: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn ever_paused(&self) -> bool {
        self.ever_paused.load(Ordering::Relaxed)
    }

    pub(crate) fn now(&self) -> Instant {
        if !self.ever_paused.load(Ordering::Acquire) {
            return Instant::from_std(std::time::Instant::now());
        }
        let inner = self.lock();
        let mut now = inner.base;
        if let Some(unfrozen) = inner.unfrozen {
            now += unfrozen.elapsed();
        }
        Instant::from_std(now)
    }

    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        let mut inner = self.lock();
        let Some(unfrozen) = inner.unfrozen.take() else {
            return Err("time is already frozen");
        };
        inner.base += unfrozen.elapsed();
        if !self.ever_paused.swap(true, Ordering::Release) {
            PAUSED_CLOCKS.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let mut inner = self.lock();
        if inner.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        inner.unfrozen = Some(std::time::Instant::now());
        Ok(())
    }

    #[allow(dead_code)] // for the blocking pool and scheduler hooks (see issue 4's report)
    pub(crate) fn is_paused(&self) -> bool {
        self.ever_paused.load(Ordering::Acquire) && self.lock().unfrozen.is_none()
    }

    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        let mut inner = self.lock();
        if inner.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        inner.base = inner
            .base
            .checked_add(duration)
            .ok_or("advancing the clock overflowed `Instant`")?;
        Ok(())
    }

    /// Paused and not held back by a running blocking task.
    pub(crate) fn can_auto_advance(&self) -> bool {
        if !self.ever_paused.load(Ordering::Acquire) {
            return false;
        }
        let inner = self.lock();
        inner.unfrozen.is_none() && inner.auto_advance_inhibit == 0
    }

    /// Holds auto-advance back (the blocking pool calls this around a blocking task, so that
    /// virtual time does not jump while real work is in progress).
    #[allow(dead_code)] // until the blocking pool calls it
    pub(crate) fn inhibit_auto_advance(&self) {
        self.lock().auto_advance_inhibit += 1;
    }

    #[allow(dead_code)] // until the blocking pool calls it
    pub(crate) fn allow_auto_advance(&self) {
        let mut inner = self.lock();
        inner.auto_advance_inhibit = inner.auto_advance_inhibit.saturating_sub(1);
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        if *self.ever_paused.get_mut() {
            PAUSED_CLOCKS.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// `Instant::now`: the current runtime's clock if any clock was ever paused, else the system's.
pub(crate) fn now() -> Instant {
    if PAUSED_CLOCKS.load(Ordering::Relaxed) == 0 {
        return Instant::from_std(std::time::Instant::now());
    }
    match crate::runtime::current::try_time() {
        Ok(Some(handle)) => handle.clock().now(),
        _ => Instant::from_std(std::time::Instant::now()),
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
    handle.clock().pause().unwrap_or_else(|e| panic!("{e}"));
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
    current_clock_handle()
        .clock()
        .resume()
        .unwrap_or_else(|e| panic!("{e}"));
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
