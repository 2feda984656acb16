//! The driver stack the runtime owns: what an idle worker parks on (the I/O reactor, the
//! timer wheels over it, and io_uring completions for files).
//!
//! The layers nest: the time driver wraps the I/O stack, which is either the mio reactor or,
//! with I/O disabled, a plain [`ParkThread`]. A worker calls `park` / `park_timeout` when it has
//! nothing to run; anyone who hands it work calls [`Handle::unpark`]. The schedulers know only
//! this interface, so the reactor and the timer wheel plug in here without touching them.
//!
//! `IoStack::Enabled` is the mio reactor (`io`). With `enable_time` the time
//! driver (`time`) wraps the stack: it computes the park timeout from the next
//! timer, parks the stack with it, then fires the expired timers.

pub(crate) mod clock;
#[allow(unsafe_code)]
pub(crate) mod io;
pub(crate) mod park;
pub(crate) mod time;
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) mod uring;

use park::{ParkThread, UnparkThread};
use std::time::Duration;

/// Which layers a runtime asked for (from `Builder::enable_io` / `enable_time`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cfg {
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    /// Files may use io_uring (needs `enable_io`; see `uring`).
    pub(crate) enable_io_uring: bool,
    pub(crate) start_paused: bool,
    pub(crate) nevents: usize,
    /// Runs a driver's background future on the runtime (io_uring's reaper of abandoned
    /// operations); `false` if there is no runtime to run it on.
    pub(crate) spawn: Spawn,
}

/// How a driver hands background work to the runtime that owns it, without knowing it.
pub(crate) type Spawn = fn(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> bool;

/// The parking side, owned by whichever worker is currently parked on it.
#[derive(Debug)]
pub(crate) struct Driver {
    inner: IoStack,
    time: Option<time::Driver>,
}

/// The side every thread can use: unpark, and (later) the I/O and time handles.
#[derive(Debug)]
pub(crate) struct Handle {
    io: IoHandle,
    /// The timer wheels and the clock; `None` without `enable_time`.
    pub(crate) time: Option<time::Handle>,
    /// The runtime's io_uring for files: set up on first use, `None` inside if io_uring is
    /// disabled or the kernel refuses it.
    #[cfg(target_os = "linux")]
    uring: std::sync::OnceLock<Option<std::sync::Arc<uring::Ring>>>,
    enable_io_uring: bool,
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    spawn: Spawn,
}

#[derive(Debug)]
enum IoStack {
    Enabled(io::Driver),
    Disabled(ParkThread),
}

#[derive(Debug, Clone)]
enum IoHandle {
    Enabled(io::Handle),
    Disabled(UnparkThread),
}

impl Driver {
    pub(crate) fn new(cfg: Cfg) -> std::io::Result<(Driver, Handle)> {
        let (inner, io) = if cfg.enable_io {
            let (driver, handle) = io::Driver::new(cfg.nevents)?;
            (IoStack::Enabled(driver), IoHandle::Enabled(handle))
        } else {
            let park = ParkThread::new();
            let unpark = park.unpark();
            (IoStack::Disabled(park), IoHandle::Disabled(unpark))
        };
        let (time, time_handle) = if cfg.enable_time {
            // The time layer wakes the stack below when a timer is armed earlier than the
            // deadline the driver is parked for.
            let io_unpark = io.clone();
            let (driver, handle) = time::Driver::new(
                cfg.start_paused,
                time::default_shards(),
                Box::new(move || io_unpark.unpark()),
            );
            (Some(driver), Some(handle))
        } else {
            (None, None)
        };
        Ok((
            Driver { inner, time },
            Handle {
                io,
                time: time_handle,
                #[cfg(target_os = "linux")]
                uring: std::sync::OnceLock::new(),
                enable_io_uring: cfg.enable_io_uring,
                spawn: cfg.spawn,
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
                time.park(time_handle, limit, |timeout| io.park(timeout))
            }
            _ => io.park(limit),
        }
    }

    /// Called once at runtime shutdown: wakes every task waiting on I/O or a timer so it can
    /// observe the shutdown.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        if let (Some(time), Some(time_handle)) = (&mut self.time, &handle.time) {
            time.shutdown(time_handle);
        }
        if let IoStack::Enabled(d) = &mut self.inner {
            d.shutdown();
        }
    }
}

impl Handle {
    /// Interrupts a `park` in progress, or makes the next one return at once.
    pub(crate) fn unpark(&self) {
        if let Some(time) = &self.time {
            // Tells auto-advance (paused time) that the runtime was given work.
            time.note_unpark();
        }
        self.io.unpark();
    }

    /// The reactor, if the runtime was built with I/O enabled.
    pub(crate) fn io(&self) -> Option<&io::Handle> {
        match &self.io {
            IoHandle::Enabled(h) => Some(h),
            IoHandle::Disabled(_) => None,
        }
    }

    /// The runtime's io_uring if a file operation has set it up (never sets it up).
    #[cfg(target_os = "linux")]
    pub(crate) fn uring_if_started(&self) -> Option<&std::sync::Arc<uring::Ring>> {
        self.uring.get().and_then(Option::as_ref)
    }

    /// The runtime's io_uring, set up and probed on the first call; `None` if disabled, without
    /// I/O, or refused by the kernel (then files use the blocking pool).
    #[cfg(target_os = "linux")]
    pub(crate) fn uring(&self) -> Option<&std::sync::Arc<uring::Ring>> {
        if !self.enable_io_uring {
            return None;
        }
        let io = self.io()?;
        self.uring
            .get_or_init(|| {
                uring::Ring::new(io, self.spawn)
                    .ok()
                    .map(std::sync::Arc::new)
            })
            .as_ref()
    }
}

impl IoStack {
    fn park(&mut self, timeout: Option<Duration>) {
        match (self, timeout) {
            (IoStack::Enabled(d), timeout) => d.turn(timeout),
            (IoStack::Disabled(p), None) => p.park(),
            (IoStack::Disabled(p), Some(dur)) => p.park_timeout(dur),
        }
    }
}

impl IoHandle {
    fn unpark(&self) {
        match self {
            IoHandle::Enabled(h) => h.unpark(),
            IoHandle::Disabled(u) => u.unpark(),
        }
    }
}

/// The error of an I/O operation on a resource whose runtime has shut down (or of one started
/// after that); recognised by `runtime::is_rt_shutdown_err`.
#[derive(Debug)]
pub(crate) struct ShutdownError;

impl std::fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "the weft runtime that drove this I/O resource has shut down; \
             the resource can no longer be used",
        )
    }
}

impl std::error::Error for ShutdownError {}

/// An [`io::Error`](std::io::Error) saying the runtime has shut down.
pub(crate) fn shutdown_error() -> std::io::Error {
    std::io::Error::other(ShutdownError)
}
