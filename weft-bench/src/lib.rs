//! weft-bench: the same workloads on weft, tokio and smol, side by side.
//!
//! Each tokio-style workload is written once, as a macro body instantiated for `tokio` and for
//! `weft` (their public paths are the same); the smol versions are written separately. Which
//! weft areas are compiled in is chosen by the crate features `weft-rt`, `weft-sync`,
//! `weft-time` and `weft-net` (see `Cargo.toml`): a workload whose area is off shows "n/a".
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod alloc_count;
pub mod diag;
pub mod fs_data;
pub mod harness;
pub mod report;
pub mod rss;
pub mod smol_rt;
pub mod svg;

#[macro_use]
mod tokio_like;
mod smol_impl;

use std::time::Duration;

#[global_allocator]
static GLOBAL: alloc_count::CountingAlloc = alloc_count::CountingAlloc;

/// What a single run returns: the measured time, or what went wrong (a failed correctness check).
pub type RunResult = Result<Duration, String>;

/// One workload on one runtime.
pub type RunFn = fn(&Params) -> RunResult;

/// Everything a workload needs to know.
#[derive(Debug, Clone)]
pub struct Params {
    /// Worker threads of every runtime.
    pub threads: usize,
    /// Problem sizes.
    pub size: Size,
}

/// Problem sizes of every workload.
#[derive(Debug, Clone)]
pub struct Size {
    /// Name shown in the report ("full" or "tiny").
    pub name: &'static str,
    /// Tasks spawned by the spawn_many_* workloads.
    pub spawn: usize,
    /// Tasks spinning on `yield_now` during spawn_many_remote_busy.
    pub busy_spinners: usize,
    /// Depth of chained_spawn.
    pub chain_depth: usize,
    /// Tasks of yield_many.
    pub yield_tasks: usize,
    /// Yields per task of yield_many.
    pub yields: usize,
    /// Round trips to the blocking pool of each spawn_blocking_* workload, over all its tasks.
    pub blocking_trips: usize,
    /// Round trips of ping_pong.
    pub ping_pongs: usize,
    /// (producers, messages per producer) of the small mpsc workloads.
    pub mpsc_small: (usize, usize),
    /// (producers, messages per producer) of the large mpsc workloads.
    pub mpsc_large: (usize, usize),
    /// Capacity of the bounded channels.
    pub mpsc_capacity: usize,
    /// Tasks contending for the Mutex / Semaphore.
    pub lock_tasks: usize,
    /// Acquisitions per task.
    pub lock_iters: usize,
    /// Permits of the contended Semaphore.
    pub semaphore_permits: usize,
    /// Sleeping tasks of timers_sleep.
    pub sleeps: usize,
    /// Longest sleep of timers_sleep, in milliseconds (each is 0..=this).
    pub sleep_max_ms: u64,
    /// Timers created and dropped by timers_create_drop.
    pub timer_churn: usize,
    /// Connections of tcp_echo.
    pub echo_conns: usize,
    /// Round trips per connection of tcp_echo.
    pub echo_rounds: usize,
    /// Message size of tcp_echo.
    pub echo_msg: usize,
    /// Bytes sent by tcp_throughput.
    pub throughput_bytes: usize,
    /// Write size of tcp_throughput.
    pub throughput_chunk: usize,
    /// Empty tasks spawned for the bytes-per-task measurement.
    pub alloc_tasks: usize,
    /// Idle tasks parked on a Notify for the RSS measurement.
    pub idle_tasks: usize,
    /// Size of the file of fs_random_read_4k.
    pub fs_random_file: usize,
    /// Concurrent readers of fs_random_read_4k.
    pub fs_random_tasks: usize,
    /// Reads per reader of fs_random_read_4k.
    pub fs_random_reads: usize,
    /// Size of the file of fs_sequential_read.
    pub fs_seq_file: usize,
    /// Read size of fs_sequential_read.
    pub fs_seq_chunk: usize,
    /// Concurrent tasks of fs_small_files.
    pub fs_small_tasks: usize,
    /// Files per task of fs_small_files.
    pub fs_small_files: usize,
    /// Size of each small file.
    pub fs_small_size: usize,
}

impl Size {
    /// The sizes of tokio's own benches (and of the issue).
    pub fn full() -> Size {
        Size {
            name: "full",
            spawn: 10_000,
            busy_spinners: 8,
            chain_depth: 1_000,
            yield_tasks: 200,
            yields: 1_000,
            blocking_trips: 4_000,
            ping_pongs: 1_000,
            mpsc_small: (5, 1_000),
            mpsc_large: (64, 10_000),
            mpsc_capacity: 100,
            lock_tasks: 6,
            lock_iters: 5_000,
            semaphore_permits: 2,
            sleeps: 100_000,
            sleep_max_ms: 10,
            timer_churn: 1_000_000,
            echo_conns: 64,
            echo_rounds: 1_000,
            echo_msg: 64,
            throughput_bytes: 1 << 30,
            throughput_chunk: 64 << 10,
            alloc_tasks: 10_000,
            idle_tasks: 1_000_000,
            fs_random_file: 64 << 20,
            fs_random_tasks: 16,
            fs_random_reads: 500,
            fs_seq_file: 256 << 20,
            fs_seq_chunk: 1 << 20,
            fs_small_tasks: 8,
            fs_small_files: 125,
            fs_small_size: 4096,
        }
    }

    /// Small enough for a smoke test: every code path, a few milliseconds each.
    pub fn tiny() -> Size {
        Size {
            name: "tiny",
            spawn: 100,
            busy_spinners: 2,
            chain_depth: 10,
            yield_tasks: 4,
            yields: 10,
            blocking_trips: 16,
            ping_pongs: 10,
            mpsc_small: (2, 10),
            mpsc_large: (4, 50),
            mpsc_capacity: 4,
            lock_tasks: 3,
            lock_iters: 20,
            semaphore_permits: 2,
            sleeps: 100,
            sleep_max_ms: 2,
            timer_churn: 1_000,
            echo_conns: 4,
            echo_rounds: 10,
            echo_msg: 64,
            throughput_bytes: 1 << 20,
            throughput_chunk: 64 << 10,
            alloc_tasks: 100,
            idle_tasks: 1_000,
            fs_random_file: 1 << 20,
            fs_random_tasks: 4,
            fs_random_reads: 10,
            fs_seq_file: 4 << 20,
            fs_seq_chunk: 1 << 20,
            fs_small_tasks: 2,
            fs_small_files: 5,
            fs_small_size: 4096,
        }
    }
}

/// The three runtimes, in the order they alternate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rt {
    /// weft.
    Weft,
    /// tokio, multi-thread runtime.
    Tokio,
    /// smol: async-executor on N threads, async-io.
    Smol,
}

impl Rt {
    /// All runtimes, in alternation order.
    pub const ALL: [Rt; 3] = [Rt::Weft, Rt::Tokio, Rt::Smol];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Rt::Weft => "weft",
            Rt::Tokio => "tokio",
            Rt::Smol => "smol",
        }
    }

    /// Parses a lower-case name.
    pub fn from_name(s: &str) -> Option<Rt> {
        Rt::ALL.into_iter().find(|rt| rt.name() == s)
    }
}

/// The weft API area a workload needs; each is switched on for weft by one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Runtime, spawn, JoinHandle, yield_now (`weft-rt`).
    RtCore,
    /// `weft::sync` (`weft-sync`).
    Sync,
    /// `weft::time` (`weft-time`).
    Time,
    /// `weft::net` + `weft::io` (`weft-net`).
    Net,
    /// `weft::fs` (`weft-fs`).
    Fs,
}

impl Area {
    /// The weft-bench feature that turns the area on for weft.
    pub fn feature(self) -> &'static str {
        match self {
            Area::RtCore => "weft-rt",
            Area::Sync => "weft-sync",
            Area::Time => "weft-time",
            Area::Net => "weft-net",
            Area::Fs => "weft-fs",
        }
    }

    /// Whether this build measures weft in this area.
    pub fn enabled_for_weft(self) -> bool {
        match self {
            Area::RtCore => cfg!(feature = "weft-rt"),
            Area::Sync => cfg!(feature = "weft-sync"),
            Area::Time => cfg!(feature = "weft-time"),
            Area::Net => cfg!(feature = "weft-net"),
            Area::Fs => cfg!(feature = "weft-fs"),
        }
    }
}

/// A timed workload: its name, what it measures, and one function per runtime.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Name used by `--filter` and in the report.
    pub name: &'static str,
    /// The weft area it needs.
    pub area: Area,
    /// One line on what it does.
    pub about: &'static str,
    /// weft's version, `None` while its area is not compiled in.
    pub weft: Option<RunFn>,
    /// tokio's version.
    pub tokio: RunFn,
    /// smol's version.
    pub smol: RunFn,
}

impl Workload {
    /// The function for a runtime, `None` if it is n/a there.
    pub fn get(&self, rt: Rt) -> Option<RunFn> {
        match rt {
            Rt::Weft => self.weft,
            Rt::Tokio => Some(self.tokio),
            Rt::Smol => Some(self.smol),
        }
    }
}

// The tokio-style workloads, once per crate. An area's macro is instantiated for weft only when
// its feature is on: this is the one place that decides what weft is measured on.
mod on_tokio {
    rt_core_workloads!(tokio);
    sync_workloads!(tokio);
    time_workloads!(tokio);
    net_workloads!(tokio);
    fs_workloads!(tokio);

    /// Every area's name table (a test checks they list every workload).
    #[cfg_attr(not(test), allow(dead_code))]
    pub const TABLES: [&[(&str, crate::RunFn)]; 5] = [
        rt_core::TABLE,
        sync::TABLE,
        time::TABLE,
        net::TABLE,
        fs::TABLE,
    ];
}

mod on_weft {
    use crate::RunFn;

    #[cfg(feature = "weft-rt")]
    rt_core_workloads!(weft);
    #[cfg(feature = "weft-sync")]
    sync_workloads!(weft);
    #[cfg(feature = "weft-time")]
    time_workloads!(weft);
    #[cfg(feature = "weft-net")]
    net_workloads!(weft);
    #[cfg(feature = "weft-fs")]
    fs_workloads!(weft);

    /// weft's version of a workload, if its area is compiled in.
    pub fn find(name: &str) -> Option<RunFn> {
        let tables: &[&[(&str, RunFn)]] = &[
            #[cfg(feature = "weft-rt")]
            rt_core::TABLE,
            #[cfg(feature = "weft-sync")]
            sync::TABLE,
            #[cfg(feature = "weft-time")]
            time::TABLE,
            #[cfg(feature = "weft-net")]
            net::TABLE,
            #[cfg(feature = "weft-fs")]
            fs::TABLE,
        ];
        tables
            .iter()
            .copied()
            .flatten()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
}

macro_rules! workload {
    ($area:ident, $mod:ident :: $f:ident, $about:expr) => {
        Workload {
            name: stringify!($f),
            area: Area::$area,
            about: $about,
            weft: on_weft::find(stringify!($f)),
            tokio: on_tokio::$mod::$f,
            smol: smol_impl::$f,
        }
    };
}

/// Every timed workload, in report order.
pub fn workloads() -> Vec<Workload> {
    vec![
        workload!(
            RtCore,
            rt_core::spawn_many_local,
            "10,000 empty tasks spawned from inside a task; the last one signals"
        ),
        workload!(
            RtCore,
            rt_core::spawn_many_remote_idle,
            "10,000 empty tasks spawned from outside the runtime, then their JoinHandles awaited"
        ),
        workload!(
            RtCore,
            rt_core::spawn_many_remote_busy,
            "as remote_idle while 8 tasks spin on yield_now"
        ),
        workload!(
            RtCore,
            rt_core::chained_spawn,
            "each task spawns the next, depth 1,000"
        ),
        workload!(RtCore, rt_core::yield_many, "200 tasks × 1,000 yield_now"),
        workload!(
            RtCore,
            rt_core::spawn_blocking_serial,
            "one task × 4,000 spawn_blocking(|| ()) round trips, each awaited before the next (smol: unblock)"
        ),
        workload!(
            RtCore,
            rt_core::spawn_blocking_8,
            "8 tasks × 500 spawn_blocking(|| ()) round trips, each awaited before the next (smol: unblock)"
        ),
        workload!(
            Sync,
            sync::ping_pong,
            "1,000 pairs of tasks, one oneshot round trip each"
        ),
        workload!(
            Sync,
            sync::mpsc_bounded_5x1000,
            "5 producers × 1,000 messages, bounded channel (capacity 100), one consumer"
        ),
        workload!(
            Sync,
            sync::mpsc_bounded_64x10000,
            "64 producers × 10,000 messages, bounded channel (capacity 100), one consumer (tokio and weft complete sends in the order they were requested, as tokio documents: a freed slot is handed to the longest-waiting sender; async-channel lets whichever sender runs first take it, fewer task switches, no order)"
        ),
        workload!(
            Sync,
            sync::mpsc_unbounded_5x1000,
            "5 producers × 1,000 messages, unbounded channel, one consumer"
        ),
        workload!(
            Sync,
            sync::mpsc_unbounded_64x10000,
            "64 producers × 10,000 messages, unbounded channel, one consumer"
        ),
        workload!(
            Sync,
            sync::mutex_contended,
            "6 tasks × 5,000 lock/increment/unlock, the holder yields once so the others queue (tokio and weft hand the lock over in FIFO order; smol's async-lock lets the releasing task take it again, fair only after 0.5 ms of starvation)"
        ),
        workload!(
            Sync,
            sync::semaphore_contended,
            "6 tasks × 5,000 acquisitions of a 2-permit Semaphore, held across one yield (FIFO on tokio and weft; async-lock's is not FIFO, so a releasing task can take a permit again without a hand-off)"
        ),
        workload!(
            Time,
            time::timers_sleep,
            "100,000 tasks each sleeping 0-10 ms"
        ),
        workload!(
            Time,
            time::timers_create_drop,
            "1,000,000 sleeps (1-10 s) created, polled once (armed) and dropped, over 8 tasks"
        ),
        workload!(
            Net,
            net::tcp_echo,
            "64 loopback connections × 1,000 round trips of 64 bytes"
        ),
        workload!(
            Net,
            net::tcp_throughput,
            "one loopback connection, 1 GiB in 64 KiB writes"
        ),
        workload!(
            Fs,
            fs::fs_random_read_4k,
            "16 tasks × 500 random 4 KiB reads (seek + read_exact) from a 64 MiB file, own handle each"
        ),
        workload!(
            Fs,
            fs::fs_sequential_read,
            "one 256 MiB file read start to end in 1 MiB reads"
        ),
        workload!(
            Fs,
            fs::fs_small_files,
            "8 tasks × 125 files of 4 KiB: write, read back, remove"
        ),
    ]
}

/// Names of the two memory measurements (selected by `--filter` like workloads).
pub const MEMORY_METRICS: [&str; 2] = ["alloc_per_task", "idle_tasks_rss"];

/// Bytes allocated per empty spawned task on `rt`, or n/a.
pub fn alloc_per_task(rt: Rt, p: &Params) -> Option<Result<(f64, f64), String>> {
    match rt {
        Rt::Weft => weft_alloc_per_task(p),
        Rt::Tokio => Some(on_tokio::rt_core::alloc_per_task(p)),
        Rt::Smol => Some(smol_impl::alloc_per_task(p)),
    }
}

#[cfg(feature = "weft-rt")]
fn weft_alloc_per_task(p: &Params) -> Option<Result<(f64, f64), String>> {
    Some(on_weft::rt_core::alloc_per_task(p))
}

#[cfg(not(feature = "weft-rt"))]
fn weft_alloc_per_task(_: &Params) -> Option<Result<(f64, f64), String>> {
    None
}

/// Runs the idle-task RSS measurement in this process (the child side); `None` if n/a.
pub fn idle_tasks_in_process(rt: Rt, p: &Params) -> Option<Result<rss::IdleRss, String>> {
    match rt {
        Rt::Weft => weft_idle_tasks(p),
        Rt::Tokio => Some(on_tokio::sync::idle_tasks(p)),
        Rt::Smol => Some(smol_impl::idle_tasks(p)),
    }
}

#[cfg(feature = "weft-sync")]
fn weft_idle_tasks(p: &Params) -> Option<Result<rss::IdleRss, String>> {
    Some(on_weft::sync::idle_tasks(p))
}

#[cfg(not(feature = "weft-sync"))]
fn weft_idle_tasks(_: &Params) -> Option<Result<rss::IdleRss, String>> {
    None
}

/// The sleep of task `i` in timers_sleep: 0..=max_ms milliseconds, spread evenly by a hash so
/// every runtime gets the same mix.
pub fn sleep_for(i: usize, max_ms: u64) -> Duration {
    let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    Duration::from_millis(h % (max_ms + 1))
}

#[cfg(test)]
mod tests {
    /// The name tables (which weft's lookup uses) list exactly the registered workloads.
    #[test]
    fn every_workload_is_in_its_areas_table() {
        let workloads = super::workloads();
        let listed: Vec<&str> = super::on_tokio::TABLES
            .iter()
            .flat_map(|t| t.iter().map(|(n, _)| *n))
            .collect();
        assert_eq!(listed.len(), workloads.len());
        for w in &workloads {
            assert!(
                listed.contains(&w.name),
                "{} is not in its area's TABLE",
                w.name
            );
        }
    }
}
