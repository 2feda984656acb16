//! Diagnostics that need no cooperation from the program: the long-poll detector (a monitor
//! thread that names a task whose poll blocks a worker, while it still blocks) and the task
//! dump (every live task, read from the task lists without polling anything).
//!
//! Both read task headers only under an owned-tasks list's shard lock ([`TaskList`]), so a
//! header they look at is alive; neither waits for a worker.

pub(crate) mod clock;
pub(crate) mod dump;
mod monitor;
mod on_signal;
mod proc;
mod stamp;
#[allow(unsafe_code)] // the capture signal's handler, `tgkill`, `dladdr`
mod sys;
mod task;

pub use dump::{Dump, TaskDump, TaskState, WaitPoint};
pub use monitor::{LongPollKind, LongPollReport};
pub use proc::{Backtrace, Frame, KernelState};

pub(crate) use monitor::{LongPollConfig, Monitor};
pub(crate) use on_signal::{DumpHook, DumpSignal};
pub(crate) use stamp::{PollStamp, BLOCK_ON};
pub(crate) use task::{record_wait, sites, SpawnInfo, TaskInfo};

use crate::runtime::task::Header;
use std::sync::{Arc, Mutex, Weak};

/// A list of live tasks that the monitor and the dump may read.
pub(crate) trait TaskList: Send + Sync {
    /// Calls `f` with every task, under the list's locks.
    fn for_each_header(&self, f: &mut dyn FnMut(&Header));
    /// Calls `f` with the task at `ptr` if it is in the list; false if not.
    fn with_header(&self, ptr: *const Header, f: &mut dyn FnMut(&Header)) -> bool;
    /// What the dump calls the list ("runtime", "LocalSet").
    fn kind(&self) -> &'static str;
}

/// Every `LocalSet` alive in the process: their tasks are in no runtime's list, and a dump or
/// a report should still find them.
static LOCAL_SETS: Mutex<Vec<Weak<dyn TaskList>>> = Mutex::new(Vec::new());

#[cfg_attr(weft_loom, allow(dead_code))]
pub(crate) fn register_local_set(list: Weak<dyn TaskList>) {
    let mut sets = LOCAL_SETS.lock().unwrap_or_else(|e| e.into_inner());
    sets.retain(|w| w.strong_count() > 0);
    sets.push(list);
}

pub(crate) fn local_sets() -> Vec<Arc<dyn TaskList>> {
    LOCAL_SETS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect()
}

impl std::fmt::Debug for RuntimeDiag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeDiag")
            .field("config", &self.config)
            .finish()
    }
}

/// A runtime's diagnostics state: the stamps of the threads running its scheduler loops, its
/// task list, and the monitor thread if the detector is on.
pub(crate) struct RuntimeDiag {
    stamps: Mutex<Vec<Arc<PollStamp>>>,
    tasks: Mutex<Option<Weak<dyn TaskList>>>,
    pub(crate) config: LongPollConfig,
    monitor: Mutex<Option<Monitor>>,
    dump_signal: Option<DumpSignal>,
    signal_thread: Mutex<Option<on_signal::SignalThread>>,
}

impl RuntimeDiag {
    pub(crate) fn new(config: LongPollConfig, dump_signal: Option<DumpSignal>) -> Arc<RuntimeDiag> {
        clock::tick();
        Arc::new(RuntimeDiag {
            stamps: Mutex::new(Vec::new()),
            tasks: Mutex::new(None),
            config,
            monitor: Mutex::new(None),
            dump_signal,
            signal_thread: Mutex::new(None),
        })
    }

    /// Called once the scheduler exists: records its task list and starts the monitor and
    /// the dump-on-signal listener.
    ///
    /// # Errors
    /// If the dump signal's handler or its thread cannot be set up.
    pub(crate) fn start(self: &Arc<Self>, tasks: Weak<dyn TaskList>) -> std::io::Result<()> {
        *self.tasks.lock().unwrap_or_else(|e| e.into_inner()) = Some(tasks);
        if let Some(config) = self.dump_signal.clone() {
            let thread = on_signal::SignalThread::start(Arc::downgrade(self), config)?;
            *self.signal_thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(thread);
        }
        if cfg!(feature = "__diag_off") {
            return Ok(());
        }
        if self.config.threshold.is_some() {
            let monitor = Monitor::start(Arc::downgrade(self));
            *self.monitor.lock().unwrap_or_else(|e| e.into_inner()) = monitor;
        }
        Ok(())
    }

    /// Stops the monitor (runtime shutdown).
    pub(crate) fn stop(&self) {
        let monitor = self
            .monitor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(m) = monitor {
            m.stop();
        }
        let listener = self
            .signal_thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(l) = listener {
            l.stop();
        }
    }

    pub(crate) fn tasks(&self) -> Option<Arc<dyn TaskList>> {
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .and_then(Weak::upgrade)
    }

    /// Registers the calling thread's scheduler loop; it is watched until the guard drops.
    pub(crate) fn register(self: &Arc<Self>, stamp: Arc<PollStamp>) -> StampGuard {
        self.stamps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(stamp.clone());
        StampGuard {
            diag: self.clone(),
            stamp,
        }
    }

    pub(crate) fn stamps(&self) -> Vec<Arc<PollStamp>> {
        self.stamps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Unregisters a stamp when its scheduler loop ends.
pub(crate) struct StampGuard {
    diag: Arc<RuntimeDiag>,
    pub(crate) stamp: Arc<PollStamp>,
}

impl Drop for StampGuard {
    fn drop(&mut self) {
        self.diag
            .stamps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|s| !Arc::ptr_eq(s, &self.stamp));
    }
}

/// Finds the task whose header is at `ptr` in `tasks` or any `LocalSet`, and reads it with `f`.
pub(crate) fn find_task<R>(
    tasks: Option<&Arc<dyn TaskList>>,
    ptr: *const Header,
    f: impl FnOnce(&Header) -> R,
) -> Option<R> {
    let mut f = Some(f);
    let mut out = None;
    let mut visit = |h: &Header| {
        if let Some(f) = f.take() {
            out = Some(f(h));
        }
    };
    if let Some(t) = tasks {
        if t.with_header(ptr, &mut visit) {
            return out;
        }
    }
    for set in local_sets() {
        if set.with_header(ptr, &mut visit) {
            return out;
        }
    }
    None
}
