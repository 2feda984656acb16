//! What an idle worker parks on: the I/O reactor and the timer wheel.
//!
//! The layers nest: the time driver wraps the I/O stack, which is either the mio reactor or,
//! with I/O disabled, a plain [`ParkThread`]. A worker calls `park` / `park_timeout` when it has
//! nothing to run; anyone who hands it work calls [`Handle::unpark`]. The schedulers know only
//! this interface, so the reactor and the timer wheel plug in here without touching them.
//!
//! The reactor (issue 3) adds `IoStack::Enabled(crate::io::reactor::Driver)`; the time driver
//! (`crate::time::driver`) wraps whichever stack there is when `enable_time` is set: it computes
//! the park timeout from the next timer and fires expired timers after each park.

use crate::runtime::park::{ParkThread, UnparkThread};
use std::io;
use std::time::Duration;

/// Which layers a runtime asked for (from `Builder::enable_io` / `enable_time`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cfg {
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    pub(crate) start_paused: bool,
    pub(crate) nevents: usize,
}

/// The parking side, owned by whichever worker is currently parked on it.
#[derive(Debug)]
pub(crate) struct Driver {
    inner: IoStack,
    time: Option<crate::time::driver::Driver>,
}

/// The side every thread can use: unpark, and (later) the I/O and time handles.
#[derive(Debug)]
pub(crate) struct Handle {
    unpark: UnparkThread,
    /// The timer wheels and the clock; `None` without `enable_time`.
    pub(crate) time: Option<crate::time::driver::Handle>,
}

#[derive(Debug)]
enum IoStack {
    Disabled(ParkThread),
}

impl Driver {
    pub(crate) fn new(cfg: Cfg) -> io::Result<(Driver, Handle)> {
        let park = ParkThread::new();
        let unpark = park.unpark();
        let (time, time_handle) = if cfg.enable_time {
            let io_unpark = unpark.clone();
            let (driver, handle) = crate::time::driver::Driver::new(
                cfg.start_paused,
                crate::time::driver::default_shards(),
                Box::new(move || io_unpark.unpark()),
            );
            (Some(driver), Some(handle))
        } else {
            (None, None)
        };
        Ok((
            Driver {
                inner: IoStack::Disabled(park),
                time,
            },
            Handle {
                unpark,
                time: time_handle,
            },
        ))
    }

    /// Blocks until unparked (or an I/O event / timer fires, once those layers exist).
    pub(crate) fn park(&mut self, handle: &Handle) {
        self.park_internal(handle, None);
    }

    /// As `park`, but for at most `dur`; `Duration::ZERO` only polls for ready events.
    pub(crate) fn park_timeout(&mut self, handle: &Handle, dur: Duration) {
        self.park_internal(handle, Some(dur));
    }

    fn park_internal(&mut self, handle: &Handle, limit: Option<Duration>) {
        let io = &mut self.inner;
        match (&mut self.time, &handle.time) {
            (Some(time), Some(time_handle)) => {
                time.park(time_handle, limit, |timeout| io.park(handle, timeout))
            }
            _ => io.park(handle, limit),
        }
    }

    /// Called once at runtime shutdown: wakes every task waiting on I/O or a timer so it can
    /// observe the shutdown.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        if let (Some(time), Some(time_handle)) = (&mut self.time, &handle.time) {
            time.shutdown(time_handle);
        }
    }
}

impl Handle {
    /// Interrupts a `park` in progress, or makes the next one return at once.
    pub(crate) fn unpark(&self) {
        if let Some(time) = &self.time {
            time.note_unpark();
        }
        self.unpark.unpark();
    }
}

impl IoStack {
    fn park(&mut self, handle: &Handle, timeout: Option<Duration>) {
        let _ = handle;
        match (self, timeout) {
            (IoStack::Disabled(p), None) => p.park(),
            (IoStack::Disabled(p), Some(dur)) => p.park_timeout(dur),
        }
    }
}
