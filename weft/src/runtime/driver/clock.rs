//! The runtime's clock: the one place time is read (issue 18's seam). It reads the system's
//! monotonic clock until it is paused; from then on it stands still and moves only by
//! `advance` or, when the runtime has nothing to do, by the time driver's auto-advance to the
//! next timer's deadline. `resume` lets it run again from where it stood, so a resumed clock
//! keeps its offset from the system's.
//!
//! It depends only on the `Instant` data type, so every driver layer can hold one; the face
//! functions (`Instant::now`, `pause`, `resume`, `advance`) are in `time/clock.rs`.

use crate::time::{Duration, Instant};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many clocks in the process have ever been paused. While zero, `Instant::now` is the
/// system's clock without looking up the current runtime.
static PAUSED_CLOCKS: AtomicUsize = AtomicUsize::new(0);

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
        let now = system_now();
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
            return Instant::from_std(system_now());
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
        inner.unfrozen = Some(system_now());
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

/// Whether any clock in the process was ever paused (while not, `Instant::now` need not look
/// up the current runtime).
pub(crate) fn any_paused() -> bool {
    PAUSED_CLOCKS.load(Ordering::Relaxed) != 0
}

/// The system's monotonic clock, for what must follow real time even while a runtime's clock is
/// paused: the reactor's error back-off, the blocking pool's keep-alive, the metrics' calibration.
/// Every other read of time goes through a [`Clock`]. This is the one call of
/// `std::time::Instant::now` in weft (CI checks it: `.ci/layers.py`), so a simulation can
/// replace it.
pub(crate) fn system_now() -> std::time::Instant {
    std::time::Instant::now()
}
