//! Resident memory: reading it from /proc, and running the idle-task measurement in a child
//! process of this binary (one per runtime, so one runtime's pages never count for another).

use std::process::Command;

use crate::{Params, Rt};

/// The flag that makes the binary act as the measuring child.
pub const CHILD_FLAG: &str = "--rss-child";

/// What the idle-task child measured.
#[derive(Debug, Clone, Copy)]
pub struct IdleRss {
    /// Tasks parked.
    pub tasks: usize,
    /// RSS after building the runtime, before spawning.
    pub baseline_kib: u64,
    /// Peak RSS (VmHWM) once every task was parked.
    pub peak_kib: u64,
}

impl IdleRss {
    /// Peak RSS growth per parked task.
    pub fn bytes_per_task(&self) -> f64 {
        self.peak_kib.saturating_sub(self.baseline_kib) as f64 * 1024.0 / self.tasks as f64
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Current resident set size, KiB (0 where /proc is missing).
pub fn current_kib() -> u64 {
    status_kib("VmRSS:")
}

/// Peak resident set size of this process so far, KiB (0 where /proc is missing).
pub fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}

/// The child side: measure, print one parsable line, exit status says success.
pub fn child_main(rt: Rt, p: &Params) -> i32 {
    match crate::idle_tasks_in_process(rt, p) {
        None => {
            println!("n/a");
            0
        }
        Some(Ok(r)) => {
            println!(
                "tasks={} baseline_kib={} peak_kib={}",
                r.tasks, r.baseline_kib, r.peak_kib
            );
            0
        }
        Some(Err(e)) => {
            eprintln!("{e}");
            1
        }
    }
}

/// The parent side: runs `current_exe --rss-child RT` and parses its line.
pub fn measure_in_child(rt: Rt, p: &Params) -> Result<IdleRss, String> {
    let exe = std::env::current_exe().map_err(|e| format!("finding this executable: {e}"))?;
    let out = Command::new(exe)
        .args([CHILD_FLAG, rt.name()])
        .args(["--threads", &p.threads.to_string()])
        .args(["--size", p.size.name])
        .output()
        .map_err(|e| format!("starting the measuring child: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "measuring child failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let field = |name: &str| -> Result<u64, String> {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .ok_or_else(|| format!("measuring child printed no {name}: {stdout:?}"))
    };
    Ok(IdleRss {
        tasks: field("tasks")? as usize,
        baseline_kib: field("baseline_kib")?,
        peak_kib: field("peak_kib")?,
    })
}
