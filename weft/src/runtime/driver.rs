//! What an idle worker parks on: the I/O reactor and the timer wheel.
//!
//! The layers nest: the time driver wraps the I/O stack, which is either the mio reactor or,
//! with I/O disabled, a plain [`ParkThread`]. A worker calls `park` / `park_timeout` when it has
//! nothing to run; anyone who hands it work calls [`Handle::unpark`]. The schedulers know only
//! this interface, so the reactor and the timer wheel plug in here without touching them.
//!
//! Today only the bottom layer exists (a condition variable); the reactor (issue 3) adds
//! `IoStack::Enabled(crate::io::reactor::Driver)` and the time driver (issue 4) wraps the stack.

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
}

/// The side every thread can use: unpark, and (later) the I/O and time handles.
#[derive(Debug)]
pub(crate) struct Handle {
    unpark: UnparkThread,
}

#[derive(Debug)]
enum IoStack {
    Disabled(ParkThread),
}

impl Driver {
    pub(crate) fn new(cfg: Cfg) -> io::Result<(Driver, Handle)> {
        let _ = cfg;
        let park = ParkThread::new();
        let unpark = park.unpark();
        Ok((
            Driver {
                inner: IoStack::Disabled(park),
            },
            Handle { unpark },
        ))
    }

    /// Blocks until unparked (or an I/O event / timer fires, once those layers exist).
    pub(crate) fn park(&mut self, handle: &Handle) {
        let _ = handle;
        match &mut self.inner {
            IoStack::Disabled(p) => p.park(),
        }
    }

    /// As `park`, but for at most `dur`; `Duration::ZERO` only polls for ready events.
    pub(crate) fn park_timeout(&mut self, handle: &Handle, dur: Duration) {
        let _ = handle;
        match &mut self.inner {
            IoStack::Disabled(p) => p.park_timeout(dur),
        }
    }

    /// Called once at runtime shutdown: wakes every task waiting on I/O or a timer so it can
    /// observe the shutdown.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        let _ = handle;
    }
}

impl Handle {
    /// Interrupts a `park` in progress, or makes the next one return at once.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }
}
