//! What a task's header keeps for the long-poll detector and the task dump: where it was
//! spawned, its name, and a few owner-written words about its polls and its last wait.
//!
//! Everything here is read by other threads (the monitor, a dump) only while the task is
//! linked in an owned-tasks list and that list's shard lock is held, so the header is alive;
//! the words are relaxed atomics written only by whoever polls the task (the RUNNING holder),
//! so a poll costs plain stores, no read-modify-write.

use super::clock;
use std::panic::Location;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Where a task waits: written by a leaf future when it registers its waker and returns
/// `Pending`.
#[derive(Debug)]
pub(crate) struct WaitSite {
    /// What the task awaits, as a user would name it (`"mpsc::Receiver::recv"`).
    pub(crate) what: &'static str,
    /// How to read the site's argument (the `u64` stored next to it).
    pub(crate) arg: WaitArg,
}

/// The meaning of the number recorded with a wait site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitArg {
    /// A resource's address: tasks with the same number wait on the same thing.
    Resource,
    /// A deadline, in milliseconds of the diagnostics clock.
    DeadlineMs,
    /// Another task's id (a `JoinHandle`'s target).
    Task,
}

/// The diagnostic part of a task header.
pub(crate) struct TaskInfo {
    pub(crate) location: &'static Location<'static>,
    pub(crate) name: Option<Box<str>>,
    /// The diagnostics clock when the task was spawned.
    pub(crate) spawned_ms: u32,
    /// Polls started so far (owner-written).
    pub(crate) polls: AtomicU32,
    /// The diagnostics clock at the start of the latest poll (owner-written).
    pub(crate) last_poll_ms: AtomicU32,
    /// `polls` when `wait` was recorded: the record is current only while they match.
    wait_polls: AtomicU32,
    /// `&'static WaitSite` as an address, or 0.
    wait: AtomicUsize,
    wait_arg: AtomicU64,
}

/// What a spawn function passes down to the task it creates.
pub(crate) struct SpawnInfo {
    pub(crate) id: crate::task::Id,
    pub(crate) location: &'static Location<'static>,
    pub(crate) name: Option<Box<str>>,
}

impl SpawnInfo {
    /// A fresh id and the caller's location (the spawn functions are all `#[track_caller]`).
    #[track_caller]
    #[inline]
    pub(crate) fn here() -> SpawnInfo {
        SpawnInfo::at(Location::caller())
    }

    #[inline]
    pub(crate) fn at(location: &'static Location<'static>) -> SpawnInfo {
        SpawnInfo {
            id: crate::task::Id::next(),
            location,
            name: None,
        }
    }

    pub(crate) fn named(mut self, name: Option<&str>) -> SpawnInfo {
        self.name = name.map(Box::from);
        self
    }
}

impl TaskInfo {
    pub(crate) fn new(location: &'static Location<'static>, name: Option<Box<str>>) -> TaskInfo {
        TaskInfo {
            location,
            name,
            spawned_ms: clock::now_ms(),
            polls: AtomicU32::new(0),
            last_poll_ms: AtomicU32::new(0),
            wait_polls: AtomicU32::new(0),
            wait: AtomicUsize::new(0),
            wait_arg: AtomicU64::new(0),
        }
    }

    /// A poll starts; called by the RUNNING holder only, so load-then-store is exact.
    #[inline]
    pub(crate) fn on_poll(&self) {
        #[cfg(not(feature = "__diag_off"))]
        {
            self.polls
                .store(self.polls.load(Relaxed).wrapping_add(1), Relaxed);
            self.last_poll_ms.store(clock::now_ms(), Relaxed);
        }
    }

    /// Records where the task now waits (during its poll, by the leaf that returns `Pending`).
    pub(crate) fn set_wait(&self, site: &'static WaitSite, arg: u64) {
        self.wait.store(site as *const WaitSite as usize, Relaxed);
        self.wait_arg.store(arg, Relaxed);
        self.wait_polls.store(self.polls.load(Relaxed), Relaxed);
    }

    /// The wait recorded during the latest poll, if any.
    pub(crate) fn wait(&self) -> Option<(&'static WaitSite, u64)> {
        let addr = self.wait.load(Relaxed);
        if addr == 0 || self.wait_polls.load(Relaxed) != self.polls.load(Relaxed) {
            return None;
        }
        WAIT_SITES
            .iter()
            .copied()
            .find(|s| *s as *const WaitSite as usize == addr)
            .map(|s| (s, self.wait_arg.load(Relaxed)))
    }
}

/// The wait sites weft's leaf futures record (listed so a reader turns an address back into
/// a `&'static` without any unsafe code).
pub(crate) mod sites {
    use super::{WaitArg, WaitSite};

    pub(crate) static SLEEP: WaitSite = WaitSite {
        what: "time::sleep",
        arg: WaitArg::DeadlineMs,
    };
    pub(crate) static MPSC_RECV: WaitSite = WaitSite {
        what: "mpsc::Receiver::recv",
        arg: WaitArg::Resource,
    };
    pub(crate) static SEMAPHORE: WaitSite = WaitSite {
        what: "Semaphore::acquire (also Mutex::lock, RwLock, bounded mpsc::Sender::send)",
        arg: WaitArg::Resource,
    };
    pub(crate) static JOIN: WaitSite = WaitSite {
        what: "JoinHandle",
        arg: WaitArg::Task,
    };
}

static WAIT_SITES: &[&WaitSite] = &[
    &sites::SLEEP,
    &sites::MPSC_RECV,
    &sites::SEMAPHORE,
    &sites::JOIN,
];

/// Records that the task being polled on this thread waits on `site` (no-op outside a task).
#[inline]
pub(crate) fn record_wait(site: &'static WaitSite, arg: u64) {
    #[cfg(not(feature = "__diag_off"))]
    crate::runtime::context::with_current_task_info(|info| info.set_wait(site, arg));
    #[cfg(feature = "__diag_off")]
    let _ = (site, arg);
}
