//! `weft-bench --diag`: what weft's always-on diagnostics cost and how well they do (issue 14).
//!
//! - The overhead pair: every weft workload run alternately by this binary and by a second
//!   build of it with the detector's and the dump's poll-path hooks compiled out
//!   (`--features diag-off`, given with `--diag-peer PATH`), each run in a fresh child
//!   process (`--diag-run NAME`), medians and their ratio.
//! - Detection latency: a task blocks its worker in `std::thread::sleep`; the time from the
//!   start of that poll to the long-poll hook's call, against the threshold `T` (the target
//!   is `T + max(1 ms, T/4)` at p99).
//! - Dump cost: `Handle::dump_blocking` over 100,000 idle tasks, and again while every worker
//!   is blocked in a system call.

use crate::{Params, RunFn};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether this build has the hooks (false with `--features diag-off`).
pub const HOOKS: bool = !cfg!(feature = "diag-off");

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

/// Child mode: one warm-up and `runs` runs of weft's `name`; prints each run in nanoseconds.
pub fn child(name: &str, runs: usize, p: &Params) -> Result<(), String> {
    let f: RunFn = crate::workloads()
        .into_iter()
        .find(|w| w.name == name)
        .and_then(|w| w.weft)
        .ok_or(format!("no weft workload {name}"))?;
    f(p)?;
    for _ in 0..runs {
        println!("{}", f(p)?.as_nanos());
    }
    Ok(())
}

fn run_child(exe: &str, name: &str, runs: usize, p: &Params) -> Result<Vec<Duration>, String> {
    let out = Command::new(exe)
        .args(["--diag-run", name, "--runs", &runs.to_string()])
        .args(["--threads", &p.threads.to_string(), "--size", p.size.name])
        .output()
        .map_err(|e| format!("{exe}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{exe} --diag-run {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .map(Duration::from_nanos)
        .collect())
}

/// The overhead pair: this build (hooks on, everything at its default) against `peer`.
pub fn overhead(peer: &str, filter: &dyn Fn(&str) -> bool, rounds: usize, p: &Params) {
    let me = std::env::current_exe().expect("current exe");
    let me = me.to_string_lossy();
    println!(
        "\n## Overhead: defaults (metrics, detector on at 10 ms, dump idle) vs hooks compiled out\n"
    );
    println!(
        "this build: hooks {}",
        if HOOKS { "on" } else { "compiled out" }
    );
    println!("peer build: {peer}\n");
    println!("| workload | this build (median) | peer (median) | this / peer |");
    println!("|---|---:|---:|---:|");
    let mut ratios = Vec::new();
    for w in crate::workloads() {
        if w.weft.is_none() || !filter(w.name) {
            continue;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut failed = None;
        // Alternate processes so drift on the machine hits both sides alike.
        for _ in 0..rounds {
            match (run_child(&me, w.name, 3, p), run_child(peer, w.name, 3, p)) {
                (Ok(x), Ok(y)) => {
                    a.extend(x);
                    b.extend(y);
                }
                (Err(e), _) | (_, Err(e)) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            println!("| {} | failed: {e} | | |", w.name);
            continue;
        }
        let (ma, mb) = (median(a), median(b));
        let r = ma.as_secs_f64() / mb.as_secs_f64();
        ratios.push(r);
        println!("| {} | {ma:.2?} | {mb:.2?} | {r:.3} |", w.name);
    }
    if !ratios.is_empty() {
        let geo = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!(
            "\ngeometric mean of the ratios: {geo:.3} over {} workloads",
            ratios.len()
        );
    }
}

fn runtime(
    multi: bool,
    threshold: Duration,
    hook: impl Fn(&weft::runtime::LongPollReport) + Send + Sync + 'static,
) -> weft::runtime::Runtime {
    let mut b = if multi {
        let mut b = weft::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        weft::runtime::Builder::new_current_thread()
    };
    b.enable_all()
        .long_poll_threshold(Some(threshold))
        .long_poll_rate_limit(100_000)
        .on_long_poll(hook)
        .build()
        .expect("runtime")
}

/// First-report latency, `samples` stalls of `T + 10 ms` each.
pub fn detection_latency(
    multi: bool,
    threshold: Duration,
    samples: usize,
) -> Option<(Vec<Duration>, Vec<Duration>)> {
    if !HOOKS {
        return None;
    }
    let epoch = Instant::now();
    // When the stalled poll started, in ns since `epoch` (0: none running).
    let started = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::channel::<(Duration, Duration)>();
    let tx = Mutex::new(tx);
    let s = started.clone();
    let rt = runtime(multi, threshold, move |r| {
        if r.kind == weft::runtime::LongPollKind::Stalled {
            let at = s.load(Ordering::Acquire);
            if at != 0 {
                let now = epoch.elapsed().as_nanos() as u64;
                let _ = tx
                    .lock()
                    .unwrap()
                    .send((Duration::from_nanos(now - at), r.captured_in));
            }
        }
    });
    let mut out = Vec::with_capacity(samples);
    let mut capture = Vec::with_capacity(samples);
    for _ in 0..samples {
        let s = started.clone();
        let task = rt.spawn(async move {
            s.store(epoch.elapsed().as_nanos() as u64, Ordering::Release);
            std::thread::sleep(threshold + Duration::from_millis(10));
            s.store(0, Ordering::Release);
        });
        std::thread::scope(|sc| {
            sc.spawn(|| rt.block_on(task).unwrap());
        });
        // Let the monitor see the poll end before the next one starts.
        std::thread::sleep(threshold / 2);
        while let Ok((d, c)) = rx.try_recv() {
            out.push(d);
            capture.push(c);
        }
    }
    Some((out, capture))
}

/// `dump_blocking` over `n` idle tasks: (median of 5 with workers idle, median of 5 with every
/// worker blocked).
pub fn dump_cost(n: usize) -> (Duration, Duration, usize) {
    let rt = weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (_tx, rx) = weft::sync::watch::channel(());
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let mut rx = rx.clone();
            rt.spawn(async move {
                let _ = rx.changed().await;
            })
        })
        .collect();
    // Let every task reach its await.
    rt.block_on(async {
        for _ in 0..10 {
            weft::task::yield_now().await;
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    let mut idle = Vec::new();
    let mut listed = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let d = rt.handle().dump_blocking();
        idle.push(t.elapsed());
        listed = d.tasks.len();
    }
    // Block both workers in a system call, then dump from this thread.
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let blockers: Vec<_> = (0..2)
        .map(|_| {
            let (rx, st) = (release_rx.clone(), started_tx.clone());
            rt.spawn(async move {
                st.send(()).unwrap();
                let _ = rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
            })
        })
        .collect();
    started_rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let mut blocked = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let _ = rt.handle().dump_blocking();
        blocked.push(t.elapsed());
    }
    for _ in 0..2 {
        let _ = release_tx.send(());
    }
    for b in blockers {
        rt.block_on(b).unwrap();
    }
    for t in &tasks {
        t.abort();
    }
    (median(idle), median(blocked), listed)
}

/// The `--diag` report (without the pair unless a peer is given).
pub fn report(samples: usize) {
    println!(
        "# weft diagnostics (hooks {})\n",
        if HOOKS { "on" } else { "compiled out" }
    );
    for (multi, t) in [(false, 10), (true, 10), (true, 1), (true, 25)] {
        let threshold = Duration::from_millis(t);
        let bound = threshold + (threshold / 4).max(Duration::from_millis(1));
        match detection_latency(multi, threshold, samples) {
            Some((mut v, mut c)) if !v.is_empty() => {
                let n = v.len();
                let cap = percentile(&mut c, 0.5);
                let (p50, p99, max) = (
                    percentile(&mut v, 0.5),
                    percentile(&mut v, 0.99),
                    percentile(&mut v, 1.0),
                );
                println!(
                    "detection latency, {} T={t} ms: p50 {p50:.2?}, p99 {p99:.2?}, max {max:.2?} over {n} stalls, capture p50 {cap:.2?} (bound T + max(1 ms, T/4) = {bound:?}: {})",
                    if multi { "multi-thread (2 workers)," } else { "current-thread," },
                    if p99 <= bound { "met" } else { "MISSED" }
                );
            }
            _ => println!("detection latency: n/a (hooks compiled out)"),
        }
    }
    let (idle, blocked, listed) = dump_cost(100_000);
    println!(
        "dump of {listed} tasks: {idle:.2?} (workers idle), {blocked:.2?} (every worker blocked in a system call); target <= 60 ms"
    );
}
