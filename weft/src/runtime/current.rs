//! The current runtime's drivers, for the public faces (`net`, `io`, `time`, `fs`, `signal`,
//! `process`).
//!
//! The drivers under `runtime::driver` never look up the runtime they belong to: whoever
//! creates a resource finds the driver handle here (from the thread's runtime context) and
//! passes it down. This module is the one place that climbs from a face to the runtime.

use crate::runtime::context::{self, TryCurrentError};
use crate::runtime::driver::{io, time};
use crate::runtime::scheduler;

/// The reactor of the runtime this thread is in.
///
/// # Panics
/// Outside a runtime, or in one built without I/O enabled (tokio does the same).
#[track_caller]
pub(crate) fn io() -> io::Handle {
    match context::with_current(|rt| rt.driver().io().cloned()) {
        Ok(Some(io)) => io,
        // The first sentences are tokio's (see `context::NO_RUNTIME`).
        Ok(None) => panic!(
            "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime \
             builder to enable IO. (weft: this weft runtime was built without `enable_io` or \
             `enable_all`)"
        ),
        Err(_) => panic!("{}", context::NO_RUNTIME),
    }
}

/// The current runtime's time handle: `Err` outside a runtime, `Ok(None)` if its timers are
/// disabled.
pub(crate) fn try_time() -> Result<Option<time::Handle>, TryCurrentError> {
    context::with_current(|rt| rt.driver().time.clone())
}

/// As [`try_time`], panicking with what to do about it; for creating a timer.
#[track_caller]
pub(crate) fn time() -> time::Handle {
    match try_time() {
        Ok(Some(handle)) => handle,
        Ok(None) => panic!("{}", time::TIME_DISABLED),
        Err(_) => panic!("{}", context::NO_RUNTIME),
    }
}

/// Whether the current runtime may pause time (it is a current-thread runtime).
pub(crate) fn allows_pausing() -> bool {
    context::with_current(|rt| matches!(rt, scheduler::Handle::CurrentThread(_))).unwrap_or(false)
}

/// The ring of the runtime this thread is in, created on first use; `None` outside a
/// runtime, with I/O or io_uring disabled, or where the kernel refuses io_uring.
#[cfg(target_os = "linux")]
pub(crate) fn uring() -> Option<std::sync::Arc<crate::runtime::driver::uring::Ring>> {
    context::with_current(|rt| rt.driver().uring().cloned())
        .ok()
        .flatten()
}

/// Whether the current runtime has a ring (without taking a reference to it).
#[cfg(target_os = "linux")]
pub(crate) fn has_uring() -> bool {
    context::with_current(|rt| rt.driver().uring().is_some()).unwrap_or(false)
}

/// Spawns `future` on the current runtime, if there is one (the drivers' background work,
/// handed to them at construction as a plain function: see `driver::Cfg::spawn`).
pub(crate) fn spawn_background(
    future: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) -> bool {
    match crate::runtime::Handle::try_current() {
        Ok(rt) => {
            drop(rt.spawn(future));
            true
        }
        Err(_) => false,
    }
}
