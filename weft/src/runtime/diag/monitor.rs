//! The long-poll monitor: one thread per runtime (while the detector is on) that looks at each
//! scheduler loop's [`PollStamp`] every `max(1 ms, T/4) / 3` and reports a poll that has run
//! for the threshold `T` while it is still running, then again at 2T, 4T, … and once more when
//! it ends.
//!
//! A poll is first seen at most one period after it started, and reported on the first tick
//! at which it has been seen for `T`, so the report comes between `T` and `T` plus one period
//! after the poll began (plus the monitor's own scheduling delay), inside the
//! `T + max(1 ms, T/4)` the issue asks for with two thirds of the slack left for the
//! monitor's wake-up delay and the capture (`LongPollReport::captured_in`).

use super::proc::{self, Backtrace, KernelState};
use super::{clock, find_task, PollStamp, RuntimeDiag, BLOCK_ON};
use crate::runtime::driver::clock::system_now;
use crate::task::Id;
use std::collections::HashMap;
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// The user's hook for reports.
pub(crate) type Hook = Arc<dyn Fn(&LongPollReport) + Send + Sync>;

/// The detector's settings (from the `Builder`).
#[derive(Clone)]
pub(crate) struct LongPollConfig {
    pub(crate) threshold: Option<Duration>,
    pub(crate) hook: Option<Hook>,
    pub(crate) per_minute: u32,
}

impl Default for LongPollConfig {
    fn default() -> LongPollConfig {
        LongPollConfig {
            threshold: Some(Duration::from_millis(10)),
            hook: None,
            per_minute: 5,
        }
    }
}

impl fmt::Debug for LongPollConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongPollConfig")
            .field("threshold", &self.threshold)
            .field("hook", &self.hook.is_some())
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

/// Which report of a long poll this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LongPollKind {
    /// The poll has run for the threshold and is still running.
    Stalled,
    /// The same poll is still running at twice the time of the previous report.
    StillStalled,
    /// The poll reported earlier has returned.
    Ended,
}

/// A long poll, reported while it runs (see [`Builder::long_poll_threshold`]).
///
/// [`Builder::long_poll_threshold`]: crate::runtime::Builder::long_poll_threshold
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let s = seen.clone();
/// let rt = weft::runtime::Builder::new_current_thread()
///     .long_poll_threshold(Some(std::time::Duration::from_millis(5)))
///     .on_long_poll(move |r: &weft::runtime::LongPollReport| {
///         s.lock().unwrap().push((r.kind, r.task_id));
///     })
///     .build()
///     .unwrap();
/// let id = rt.block_on(async {
///     let t = weft::spawn(async { std::thread::sleep(std::time::Duration::from_millis(50)) });
///     let id = t.id();
///     t.await.unwrap();
///     id
/// });
/// drop(rt);
/// # let _ = id;
/// // Typically [(Stalled, Some(id)), (StillStalled, …), …, (Ended, Some(id))].
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LongPollReport {
    /// First report, follow-up, or end.
    pub kind: LongPollKind,
    /// The task being polled (`None` for a current-thread `block_on`'s own future).
    pub task_id: Option<Id>,
    /// Its name (`task::Builder::name`).
    pub task_name: Option<String>,
    /// Where it was spawned.
    pub spawned_at: Option<&'static Location<'static>>,
    /// The worker (0 on the current-thread scheduler).
    pub worker: usize,
    /// The OS thread id of the blocked thread.
    pub thread_id: i32,
    /// How long the poll had run when this was written (a lower bound: the monitor saw the
    /// poll start at most one tick late); for `Ended`, about how long it ran.
    pub in_poll: Duration,
    /// The threshold in force.
    pub threshold: Duration,
    /// The thread's kernel state during the stall (empty for `Ended`).
    pub kernel: KernelState,
    /// The blocked thread's stack, captured during the stall (empty for `Ended`).
    pub backtrace: Backtrace,
    /// First reports dropped by the rate limit since the previous one.
    pub suppressed: u32,
    /// Time the monitor spent reading the kernel state and the backtrace for this report.
    pub captured_in: Duration,
    /// Tasks that were waiting on the stalled worker (its LIFO slot and run queue) since the
    /// previous report, handed to the other workers: the slot's task moved to the shared
    /// queue and a sleeping worker woken to steal the rest. Always 0 on the current-thread
    /// scheduler, which has no other thread.
    pub rescued: usize,
}

impl fmt::Display for LongPollReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let task = match self.task_id {
            Some(id) => format!("task {id}"),
            None => "the block_on future".to_owned(),
        };
        let name = self
            .task_name
            .as_deref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        let at = self
            .spawned_at
            .map(|l| format!(" (spawned at {}:{}:{})", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let ms = self.in_poll.as_secs_f64() * 1e3;
        match self.kind {
            LongPollKind::Ended => {
                return writeln!(
                    f,
                    "weft: long poll ended: {task}{name}{at} on worker {} returned after about {ms:.1} ms",
                    self.worker
                )
            }
            LongPollKind::Stalled => write!(f, "weft: long poll: ")?,
            LongPollKind::StillStalled => write!(f, "weft: long poll continues: ")?,
        }
        writeln!(
            f,
            "{task}{name}{at} has been in one poll for {ms:.1} ms on worker {} (thread {}; threshold {} ms)",
            self.worker,
            self.thread_id,
            self.threshold.as_millis()
        )?;
        if self.rescued > 0 {
            writeln!(
                f,
                "  rescued: {} task(s) waiting behind it handed to other workers",
                self.rescued
            )?;
        }
        if self.suppressed > 0 {
            writeln!(
                f,
                "  ({} earlier reports dropped by the rate limit)",
                self.suppressed
            )?;
        }
        writeln!(
            f,
            "  kernel: {} ({}), wchan {}, syscall {}",
            self.kernel.state, self.kernel.description, self.kernel.wchan, self.kernel.syscall
        )?;
        writeln!(f, "  backtrace ({}):", self.backtrace.method)?;
        for (i, frame) in self.backtrace.frames.iter().enumerate() {
            writeln!(
                f,
                "  {i:>4}: {:#014x} {}",
                frame.addr,
                frame.symbol.as_deref().unwrap_or("?")
            )?;
        }
        Ok(())
    }
}

/// The running monitor thread.
pub(crate) struct Monitor {
    stop: Arc<AtomicBool>,
    thread: std::thread::Thread,
}

impl Monitor {
    pub(crate) fn start(diag: Weak<RuntimeDiag>) -> Option<Monitor> {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let handle = std::thread::Builder::new()
            .name("weft-monitor".into())
            .spawn(move || run(diag, &s))
            .ok()?;
        Some(Monitor {
            stop,
            thread: handle.thread().clone(),
        })
    }

    pub(crate) fn stop(self) {
        self.stop.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// What the monitor remembers of one stamp.
struct Watch {
    stamp: Arc<PollStamp>,
    seen: (usize, u64),
    since: Instant,
    /// When the next follow-up is due (set once the first report went out; `MAX` if the rate
    /// limit dropped it).
    next: Option<Duration>,
    /// The task, as the first report found it.
    ident: Option<Ident>,
    /// Tasks rescued from behind this poll since the last report.
    rescued: usize,
}

type Ident = (
    Option<Id>,
    Option<String>,
    Option<&'static Location<'static>>,
);

struct RateLimit {
    per_minute: u32,
    tokens: f64,
    at: Instant,
    suppressed: u32,
}

impl RateLimit {
    fn take(&mut self, now: Instant) -> bool {
        let rate = f64::from(self.per_minute) / 60.0;
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * rate)
            .min(f64::from(self.per_minute));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.suppressed += 1;
            false
        }
    }
}

fn run(diag: Weak<RuntimeDiag>, stop: &AtomicBool) {
    // The symbol table is loaded at the first report, not here: a monitor that opens files
    // at start-up would disturb programs that count their descriptors (and most programs
    // never have a long poll).
    let Some(threshold) = diag.upgrade().and_then(|d| d.config.threshold) else {
        return;
    };
    let period = (threshold / 4).max(Duration::from_millis(1)) / 3;
    let mut watches: HashMap<usize, Watch> = HashMap::new();
    let mut limit = None;
    while !stop.load(Ordering::Acquire) {
        std::thread::park_timeout(period);
        let Some(diag) = diag.upgrade() else { return };
        clock::tick();
        let limit = limit.get_or_insert_with(|| RateLimit {
            per_minute: diag.config.per_minute,
            tokens: f64::from(diag.config.per_minute),
            at: system_now(),
            suppressed: 0,
        });
        let stamps = diag.stamps();
        // A loop that ended (its `block_on` returned) ends its reported poll too.
        watches.retain(|k, w| {
            let alive = stamps.iter().any(|s| Arc::as_ptr(s) as usize == *k);
            if !alive && matches!(w.next, Some(n) if n != Duration::MAX) {
                let ident = w.ident.take().unwrap_or((None, None, None));
                let r = report(
                    &w.stamp,
                    ident,
                    LongPollKind::Ended,
                    system_now().saturating_duration_since(w.since),
                    threshold,
                    0,
                    false,
                );
                emit(&diag, &r);
            }
            alive
        });
        for stamp in &stamps {
            let now = system_now();
            let seen = stamp.read();
            let w = watches.entry(Arc::as_ptr(stamp) as usize).or_insert(Watch {
                stamp: stamp.clone(),
                seen,
                since: now,
                next: None,
                ident: None,
                rescued: 0,
            });
            if seen != w.seen || seen.0 == 0 {
                if matches!(w.next, Some(n) if n != Duration::MAX) {
                    let ident = w.ident.take().unwrap_or((None, None, None));
                    let r = report(
                        stamp,
                        ident,
                        LongPollKind::Ended,
                        now - w.since,
                        threshold,
                        0,
                        false,
                    );
                    emit(&diag, &r);
                }
                w.seen = seen;
                w.since = now;
                w.next = None;
                w.ident = None;
                w.rescued = 0;
                continue;
            }
            let in_poll = now - w.since;
            if in_poll >= threshold {
                // Every tick, not only at reports: a spinning poll may keep waking tasks
                // into its worker's LIFO slot.
                w.rescued += diag.rescue(stamp.worker);
            }
            let due = match w.next {
                None => in_poll >= threshold,
                Some(next) => in_poll >= next,
            };
            if !due {
                continue;
            }
            let kind = if w.next.is_none() {
                if !limit.take(now) {
                    // Never report this poll (its follow-ups would have no first report).
                    w.next = Some(Duration::MAX);
                    continue;
                }
                LongPollKind::Stalled
            } else {
                LongPollKind::StillStalled
            };
            let suppressed = if kind == LongPollKind::Stalled {
                std::mem::take(&mut limit.suppressed)
            } else {
                0
            };
            let ident = match &w.ident {
                Some(i) => i.clone(),
                None => identify(&diag, seen.0),
            };
            let mut r = report(
                stamp,
                ident.clone(),
                kind,
                in_poll,
                threshold,
                suppressed,
                true,
            );
            r.rescued = std::mem::take(&mut w.rescued);
            // The poll may have ended while we looked: then the report is about a task that
            // has moved on; drop it and start over.
            if stamp.read() != seen {
                continue;
            }
            w.ident = Some(ident);
            w.next = Some(match w.next {
                None => threshold * 2,
                Some(n) => n.saturating_mul(2),
            });
            emit(&diag, &r);
        }
    }
}

/// Names the task whose header is at `word` (looked up in the lists, never followed blindly).
fn identify(diag: &RuntimeDiag, word: usize) -> Ident {
    if word == BLOCK_ON {
        return (None, None, None);
    }
    let tasks = diag.tasks();
    find_task(tasks.as_ref(), word as *const _, |h| {
        (
            Some(h.id()),
            h.info.name.as_deref().map(str::to_owned),
            Some(h.info.location),
        )
    })
    .unwrap_or((None, None, None))
}

fn report(
    stamp: &PollStamp,
    (task_id, task_name, spawned_at): Ident,
    kind: LongPollKind,
    in_poll: Duration,
    threshold: Duration,
    suppressed: u32,
    capture: bool,
) -> LongPollReport {
    let start = system_now();
    let (kernel, backtrace) = if capture {
        let k = proc::kernel_state(stamp.tid);
        let bt = proc::capture(stamp.tid, &k);
        (k, bt)
    } else {
        (KernelState::default(), Backtrace::default())
    };
    LongPollReport {
        kind,
        task_id,
        task_name,
        spawned_at,
        worker: stamp.worker,
        thread_id: stamp.tid,
        in_poll,
        threshold,
        kernel,
        backtrace,
        suppressed,
        captured_in: system_now().saturating_duration_since(start),
        rescued: 0,
    }
}

fn emit(diag: &RuntimeDiag, r: &LongPollReport) {
    match &diag.config.hook {
        Some(hook) => {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(r)));
        }
        None => eprint!("{r}"),
    }
}
