//! Shared by the stress suite (`weft/tests/stress_*.rs`): the two runtimes, the watchdog, the
//! `stress_test!` macro, the descriptor limit and child processes.
//!
//! Every stress test is `#[ignore]`d, so the debug `cargo test --workspace` lists and skips
//! them; CI runs them in release, one at a time, in a step of their own:
//!
//! ```text
//! cargo test -p weft --release --test 'stress_*' -- --ignored --test-threads=1
//! ```
//!
//! Each test runs under a watchdog: a thread that, if the test (runtime drop included) is
//! still running after a generous bound, prints the test's name and aborts the process, so a
//! hang fails CI by name instead of hanging it. It is a hang detector, not a timing assertion:
//! the bounds are many times what the tests take. Each test also prints its own time
//! (`stress: NAME: 1.23s`) straight to stderr, past the test harness's capture.
#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub use weft::runtime::Runtime;

/// A current-thread runtime with everything enabled.
pub fn current_thread() -> Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a current-thread runtime")
}

/// A two-worker multi-thread runtime with everything enabled.
pub fn multi_thread() -> Runtime {
    weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("building a multi-thread runtime")
}

/// A runtime by name: `"current_thread"` or `"multi_thread"`.
pub fn runtime(flavor: &str) -> Runtime {
    match flavor {
        "current_thread" => current_thread(),
        "multi_thread" => multi_thread(),
        other => panic!("unknown runtime flavor {other}"),
    }
}

/// Aborts the process, naming the test, if it is not dropped within its bound.
pub struct Watchdog {
    name: String,
    start: Instant,
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    pub fn start(name: &str, limit: Duration) -> Watchdog {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = {
            let (done, name) = (done.clone(), name.to_string());
            std::thread::Builder::new()
                .name(format!("watchdog {name}"))
                .spawn(move || {
                    let (lock, cv) = &*done;
                    let guard = lock.lock().unwrap();
                    let (guard, _) = cv.wait_timeout_while(guard, limit, |done| !*done).unwrap();
                    if !*guard {
                        // Straight to the descriptor: the harness's capture would die with us.
                        let _ = writeln!(
                            std::io::stderr(),
                            "\nstress: HANG: `{name}` still running after {limit:?} (the \
                             watchdog's bound, not a timing limit); aborting the process"
                        );
                        std::process::abort();
                    }
                })
                .expect("spawning the watchdog")
        };
        Watchdog {
            name: name.to_string(),
            start: Instant::now(),
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cv) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let outcome = if std::thread::panicking() {
            " (FAILED)"
        } else {
            ""
        };
        let _ = writeln!(
            std::io::stderr(),
            "stress: {}: {:.2?}{outcome}",
            self.name,
            self.start.elapsed()
        );
    }
}

/// Runs `body` on a fresh runtime under a watchdog of `limit_secs`; the runtime's drop counts.
pub fn run(name: &str, limit_secs: u64, make: fn() -> Runtime, body: impl FnOnce(&Runtime)) {
    let _watchdog = Watchdog::start(name, Duration::from_secs(limit_secs));
    let rt = make();
    body(&rt);
    drop(rt);
}

/// One `#[ignore]`d test per scheduler, each under a watchdog:
/// `stress_test! { fn name(rt) limit 120 { rt.block_on(async { .. }) } }` gives
/// `name::current_thread` and `name::multi_thread`; `rt` is the `&Runtime`.
#[macro_export]
macro_rules! stress_test {
    ($(#[doc = $doc:literal])* fn $name:ident($rt:ident) limit $secs:literal $body:block $($rest:tt)*) => {
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            #[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
            fn current_thread() {
                $crate::stress_support::run(
                    concat!(module_path!(), "::current_thread"),
                    $secs,
                    $crate::stress_support::current_thread,
                    |$rt: &$crate::stress_support::Runtime| $body,
                )
            }
            #[test]
            #[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
            fn multi_thread() {
                $crate::stress_support::run(
                    concat!(module_path!(), "::multi_thread"),
                    $secs,
                    $crate::stress_support::multi_thread,
                    |$rt: &$crate::stress_support::Runtime| $body,
                )
            }
        }
        $crate::stress_test! { $($rest)* }
    };
    () => {};
}

/// Raises the soft RLIMIT_NOFILE as far as the hard limit allows; returns the new soft limit.
pub fn raise_nofile_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for getrlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: `lim` is a valid rlimit; raising the soft limit to the hard one is allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    lim.rlim_cur
}

/// Sets the soft RLIMIT_NOFILE to `n` (at most the hard limit).
pub fn set_nofile_soft_limit(n: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for getrlimit to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = n.min(lim.rlim_max);
    // SAFETY: `lim` is a valid rlimit; any soft limit up to the hard one is allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
}

/// The descriptors this process has open now.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The environment variable that tells a re-run of this binary which role it plays.
pub const ROLE: &str = "WEFT_STRESS_CHILD";

/// The role this process was started in, if it is a child.
pub fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

/// Re-runs the test `test` (full path) of this binary in a child process with `role`; panics
/// with the child's output unless it passed.
pub fn run_child(test: &str, role: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            test,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .output()
        .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "child {test} ({role}) failed: {}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A small deterministic random source (xorshift64*), so a failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
