//! Running the workloads: warm-up, alternation (weft, tokio, smol, weft, …), failure capture,
//! a watchdog for hangs, a progress line, and the statistics.

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::rss::IdleRss;
use crate::{Params, Rt, RunFn, Workload};

/// One runtime's outcome on one measurement.
#[derive(Debug, Clone)]
pub enum Outcome<T> {
    /// The workload's weft area is not compiled in yet.
    NotAvailable,
    /// A run failed its correctness check or panicked; no timing is reported.
    Failed(String),
    /// The measurements.
    Done(T),
}

/// Median, min and max of a set of samples.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Median (mean of the middle two for an even count).
    pub median: Duration,
    /// Fastest run.
    pub min: Duration,
    /// Slowest run.
    pub max: Duration,
}

impl Stats {
    /// Statistics of a non-empty sample.
    pub fn of(samples: &[Duration]) -> Stats {
        let mut s = samples.to_vec();
        s.sort();
        let n = s.len();
        let median = if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2
        };
        Stats {
            median,
            min: s[0],
            max: s[n - 1],
        }
    }
}

/// A timed workload's results on the three runtimes (indexed like `Rt::ALL`).
#[derive(Debug, Clone)]
pub struct WorkloadResult {
    /// The workload.
    pub workload: Workload,
    /// Per runtime: the counted samples.
    pub outcomes: [Outcome<Vec<Duration>>; 3],
}

impl WorkloadResult {
    /// Stats of a runtime, if it has samples.
    pub fn stats(&self, rt: Rt) -> Option<Stats> {
        match &self.outcomes[rt as usize] {
            Outcome::Done(s) if !s.is_empty() => Some(Stats::of(s)),
            _ => None,
        }
    }

    /// weft's median over `peer`'s.
    pub fn ratio(&self, peer: Rt) -> Option<f64> {
        Some(self.stats(Rt::Weft)?.median.as_secs_f64() / self.stats(peer)?.median.as_secs_f64())
    }
}

/// The memory measurements (indexed like `Rt::ALL`).
#[derive(Debug, Clone)]
pub struct MemoryResult {
    /// Bytes and allocations per empty spawned task; `None` when filtered out.
    pub alloc_per_task: Option<[Outcome<(f64, f64)>; 3]>,
    /// Peak RSS with idle tasks parked on a Notify; `None` when filtered out.
    pub idle_rss: Option<[Outcome<IdleRss>; 3]>,
}

/// Everything one invocation measured.
#[derive(Debug, Clone)]
pub struct BenchRun {
    /// Cores the OS reports.
    pub cores: usize,
    /// Parameters used.
    pub params: Params,
    /// Counted runs per runtime per workload.
    pub runs: usize,
    /// UTC time the run started, "YYYY-MM-DD HH:MM UTC".
    pub date: String,
    /// Wall time of the whole invocation.
    pub total: Duration,
    /// Timed workloads, in order.
    pub workloads: Vec<WorkloadResult>,
    /// Memory measurements.
    pub memory: MemoryResult,
}

static WATCHED: Mutex<Option<(String, Instant)>> = Mutex::new(None);

/// Starts a thread that ends the process if one run takes longer than `limit` (a runtime that
/// hangs would otherwise hang the benchmark; a stuck task cannot be cancelled from outside).
pub fn start_watchdog(limit: Duration) {
    std::thread::Builder::new()
        .name("weft-bench-watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            if let Some((what, since)) = &*WATCHED.lock().unwrap() {
                if since.elapsed() > limit {
                    eprintln!(
                        "\nweft-bench: {what} has run for more than {} s; it is hung. Aborting.",
                        limit.as_secs()
                    );
                    std::process::exit(3);
                }
            }
        })
        .expect("spawning the watchdog thread");
}

fn watched<T>(what: String, f: impl FnOnce() -> T) -> T {
    *WATCHED.lock().unwrap() = Some((what, Instant::now()));
    let out = f();
    *WATCHED.lock().unwrap() = None;
    out
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = p.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

/// Runs `f` once, turning a panic into an error.
pub fn run_once<T>(what: String, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    watched(what, || {
        catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panic_message(p)))
    })
}

/// The progress line on stderr (rewritten in place on a terminal, one line per workload otherwise).
pub struct Progress {
    total: usize,
    done: usize,
    start: Instant,
    tty: bool,
}

impl Progress {
    /// A progress line for `total` steps.
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
        }
    }

    /// Shows the step about to run.
    pub fn show(&mut self, what: &str) {
        self.done += 1;
        let line = format!(
            "[{:>4}/{}] {:>6.1}s  {what}",
            self.done,
            self.total,
            self.start.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r\x1b[K{line}");
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }

    /// Ends the progress line.
    pub fn finish(&mut self) {
        if self.tty {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }

    /// Whether each step gets a line of its own (then callers show fewer steps).
    pub fn is_tty(&self) -> bool {
        self.tty
    }
}

static ONLY: std::sync::OnceLock<Rt> = std::sync::OnceLock::new();

/// Restricts every later `run_workload` to one runtime (`--runtime`); the others are n/a.
pub fn run_only(rt: Rt) {
    let _ = ONLY.set(rt);
}

/// The function a workload runs on `rt`, `None` if n/a there or excluded by `run_only`.
fn runnable(w: &Workload, rt: Rt) -> Option<RunFn> {
    match ONLY.get() {
        Some(only) if *only != rt => None,
        _ => w.get(rt),
    }
}

/// Runs one workload: a warm-up run per runtime, then `runs` alternating rounds. A runtime that
/// fails once is not run again on this workload.
pub fn run_workload(
    w: &Workload,
    p: &Params,
    runs: usize,
    progress: &mut Progress,
) -> WorkloadResult {
    let fns: [Option<RunFn>; 3] = Rt::ALL.map(|rt| runnable(w, rt));
    let mut outcomes: [Outcome<Vec<Duration>>; 3] = Rt::ALL.map(|rt| match fns[rt as usize] {
        None => Outcome::NotAvailable,
        Some(_) => Outcome::Done(Vec::with_capacity(runs)),
    });
    for round in 0..=runs {
        for rt in Rt::ALL {
            let Some(f) = fns[rt as usize] else { continue };
            if !matches!(outcomes[rt as usize], Outcome::Done(_)) {
                continue;
            }
            let label = if round == 0 {
                format!("{} on {} (warm-up)", w.name, rt.name())
            } else {
                format!("{} on {} (run {round}/{runs})", w.name, rt.name())
            };
            if progress.is_tty() || round == 0 {
                progress.show(&label);
            } else {
                progress.done += 1;
            }
            match run_once(label, || f(p)) {
                Ok(d) if round > 0 => {
                    if let Outcome::Done(s) = &mut outcomes[rt as usize] {
                        s.push(d);
                    }
                }
                Ok(_) => {}
                Err(e) => outcomes[rt as usize] = Outcome::Failed(e),
            }
        }
    }
    WorkloadResult {
        workload: w.clone(),
        outcomes,
    }
}

/// Steps `run_workload` will show for `w`.
pub fn steps(w: &Workload, runs: usize) -> usize {
    Rt::ALL
        .iter()
        .filter(|rt| runnable(w, **rt).is_some())
        .count()
        * (runs + 1)
}

/// Bytes per empty task on every runtime.
pub fn run_alloc(p: &Params, progress: &mut Progress) -> [Outcome<(f64, f64)>; 3] {
    Rt::ALL.map(|rt| {
        progress.show(&format!("alloc_per_task on {}", rt.name()));
        if rt == Rt::Weft && !crate::Area::RtCore.enabled_for_weft() {
            return Outcome::NotAvailable;
        }
        match run_once(format!("alloc_per_task on {}", rt.name()), || {
            crate::alloc_per_task(rt, p).unwrap_or_else(|| Err("not available".into()))
        }) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e),
        }
    })
}

/// Idle-task RSS on every runtime, each in a child process.
pub fn run_idle_rss(p: &Params, progress: &mut Progress) -> [Outcome<IdleRss>; 3] {
    Rt::ALL.map(|rt| {
        progress.show(&format!("idle_tasks_rss on {} (child process)", rt.name()));
        if rt == Rt::Weft && !crate::Area::Sync.enabled_for_weft() {
            return Outcome::NotAvailable;
        }
        match run_once(format!("idle_tasks_rss on {}", rt.name()), || {
            crate::rss::measure_in_child(rt, p)
        }) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e),
        }
    })
}

/// A task that returns once `workers` such tasks are running at the same time (or after a
/// second). Spawning one per worker right after building a runtime makes every worker thread
/// start and pick up work before the clock starts, so no workload times thread start-up.
pub fn rendezvous(
    arrived: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    workers: usize,
) -> impl std::future::Future<Output = ()> + Send {
    use std::sync::atomic::Ordering;
    async move {
        arrived.fetch_add(1, Ordering::AcqRel);
        let deadline = Instant::now() + Duration::from_secs(1);
        // Blocks this worker on purpose, so the next rendezvous task must go to another one.
        while arrived.load(Ordering::Acquire) < workers && Instant::now() < deadline {
            std::thread::yield_now();
        }
    }
}
