//! What an idle worker parks on: the I/O reactor and the timer wheel.
//!
//! The layers nest: the time driver wraps the I/O stack, which is either the mio reactor or,
//! with I/O disabled, a plain [`ParkThread`]. A worker calls `park` / `park_timeout` when it has
//! nothing to run; anyone who hands it work calls [`Handle::unpark`]. The schedulers know only
//! this interface, so the reactor and the timer wheel plug in here without touching them.
//!
//! `IoStack::Enabled` is the mio reactor (`crate::io::reactor`); the time driver (issue 4)
//! wraps the stack.

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
    io: IoHandle,
}

#[derive(Debug)]
enum IoStack {
    Enabled(crate::io::reactor::Driver),
    Disabled(ParkThread),
}

#[derive(Debug)]
enum IoHandle {
    Enabled(crate::io::reactor::Handle),
    Disabled(UnparkThread),
}

impl Driver {
    pub(crate) fn new(cfg: Cfg) -> io::Result<(Driver, Handle)> {
        let (inner, io) = if cfg.enable_io {
            let (driver, handle) = crate::io::reactor::Driver::new(cfg.nevents)?;
            (IoStack::Enabled(driver), IoHandle::Enabled(handle))
        } else {
            let park = ParkThread::new();
            let unpark = park.unpark();
            (IoStack::Disabled(park), IoHandle::Disabled(unpark))
        };
        Ok((Driver { inner }, Handle { io }))
    }

    /// Blocks until unparked (or an I/O event / timer fires, once those layers exist).
    pub(crate) fn park(&mut self, handle: &Handle) {
        let _ = handle;
        match &mut self.inner {
            IoStack::Enabled(d) => d.turn(None),
            IoStack::Disabled(p) => p.park(),
        }
    }

    /// As `park`, but for at most `dur`; `Duration::ZERO` only polls for ready events.
    pub(crate) fn park_timeout(&mut self, handle: &Handle, dur: Duration) {
        let _ = handle;
        match &mut self.inner {
            IoStack::Enabled(d) => d.turn(Some(dur)),
            IoStack::Disabled(p) => p.park_timeout(dur),
        }
    }

    /// Called once at runtime shutdown: wakes every task waiting on I/O or a timer so it can
    /// observe the shutdown.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        let _ = handle;
        if let IoStack::Enabled(d) = &mut self.inner {
            d.shutdown();
        }
    }
}

impl Handle {
    /// Interrupts a `park` in progress, or makes the next one return at once.
    pub(crate) fn unpark(&self) {
        match &self.io {
            IoHandle::Enabled(h) => h.unpark(),
            IoHandle::Disabled(u) => u.unpark(),
        }
    }

    /// The reactor, if the runtime was built with I/O enabled.
    pub(crate) fn io(&self) -> Option<&crate::io::reactor::Handle> {
        match &self.io {
            IoHandle::Enabled(h) => Some(h),
            IoHandle::Disabled(_) => None,
        }
    }
}
