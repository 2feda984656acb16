//! Runtime metrics: tokio's `tests/rt_metrics.rs` and `tests/rt_unstable_metrics.rs` asserts
//! (ported; every one stable in weft), plus the figures only weft has. Real values on both
//! schedulers: tasks spawned and polled, a blocked worker's busy time, sockets registered.

mod support;

use std::future::Future;
use std::sync::{mpsc, Arc, Mutex};
use std::task::Poll;
use std::time::Duration;
use weft::runtime::{Builder, HistogramConfiguration, LogHistogram, Runtime};

/// `name::current_thread` and `name::multi_thread`, each running `body` on a fresh runtime
/// of that kind (the tests need the `Runtime` itself: to drop it, or to read after).
macro_rules! both {
    ($(fn $name:ident($rt:ident: Runtime) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($rt: Runtime) $body
            #[test]
            fn current_thread() {
                body(support::current_thread())
            }
            #[test]
            fn multi_thread() {
                body(support::multi_thread())
            }
        }
    )*};
}

fn sum(rt_metrics: &weft::runtime::RuntimeMetrics, f: impl Fn(usize) -> u64) -> u64 {
    (0..rt_metrics.num_workers()).map(f).sum()
}

#[test]
fn num_workers() {
    assert_eq!(1, support::current_thread().metrics().num_workers());
    assert_eq!(2, support::multi_thread().metrics().num_workers());
}

both! {
    fn num_alive_tasks(rt: Runtime) {
        let metrics = rt.metrics();
        assert_eq!(0, metrics.num_alive_tasks());
        let m = metrics.clone();
        rt.block_on(rt.spawn(async move { assert_eq!(1, m.num_alive_tasks()) }))
            .unwrap();
        // The JoinHandle completes before the task leaves the owned list on another worker;
        // shutting down waits for that.
        drop(rt);
        assert_eq!(0, metrics.num_alive_tasks());
    }

    fn spawned_and_polled_counts_cover_every_task(rt: Runtime) {
        const N: u64 = 200;
        let metrics = rt.metrics();
        assert_eq!(0, metrics.spawned_tasks_count());
        rt.block_on(async {
            let tasks: Vec<_> = (0..N).map(|_| weft::spawn(async {})).collect();
            for t in tasks {
                t.await.unwrap();
            }
        });
        drop(rt);
        assert_eq!(N, metrics.spawned_tasks_count());
        // Each task was polled exactly once.
        assert_eq!(N, sum(&metrics, |w| metrics.worker_poll_count(w)));
        // Sampled: the first poll of each worker, then one in 16.
        let samples: u64 = sum(&metrics, |w| {
            (0..metrics.poll_time_histogram_num_buckets())
                .map(|b| metrics.poll_time_histogram_bucket_count(w, b))
                .sum()
        });
        assert!((N / 16..=N / 16 + 2).contains(&samples), "{samples} samples");
        assert!(sum(&metrics, |w| metrics.worker_mean_poll_time(w).as_nanos() as u64) > 0);
    }

    fn worker_total_busy_duration(rt: Runtime) {
        let metrics = rt.metrics();
        rt.block_on(async {
            for _ in 0..5 {
                weft::spawn(async { weft::task::yield_now().await }).await.unwrap();
            }
        });
        drop(rt);
        for w in 0..metrics.num_workers() {
            assert!(metrics.worker_total_busy_duration(w) > Duration::ZERO, "worker {w}");
        }
    }

    fn worker_park_and_noop_count(rt: Runtime) {
        let metrics = rt.metrics();
        rt.block_on(async { weft::time::sleep(Duration::from_millis(1)).await });
        drop(rt);
        for w in 0..metrics.num_workers() {
            assert!(metrics.worker_park_count(w) >= 1, "worker {w}");
            // The first park follows no poll at all.
            assert!(metrics.worker_noop_count(w) >= 1, "worker {w}");
            // Parks and unparks pair up once the runtime is gone.
            assert_eq!(0, metrics.worker_park_unpark_count(w) % 2, "worker {w}");
        }
    }

    fn remote_schedule_count(rt: Runtime) {
        let handle = rt.handle().clone();
        let task = std::thread::spawn(move || handle.spawn(async {})).join().unwrap();
        rt.block_on(task).unwrap();
        assert_eq!(1, rt.metrics().remote_schedule_count());
    }

    fn blocking_pool_figures(rt: Runtime) {
        let metrics = rt.metrics();
        assert_eq!(0, metrics.num_blocking_threads());
        rt.block_on(rt.spawn_blocking(|| {})).unwrap();
        assert_eq!(1, metrics.num_blocking_threads());
        // A pool thread offers itself as idle before the awaiting task is woken.
        assert_eq!(1, metrics.num_idle_blocking_threads());
        drop(rt);
        assert_eq!(0, metrics.num_idle_blocking_threads());
    }

    fn a_blocked_workers_busy_duration_grows_while_it_is_blocked(rt: Runtime) {
        let metrics = rt.metrics();
        let (entered_tx, entered_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let task = rt.spawn(async move {
            entered_tx.send(()).unwrap();
            // Blocks the worker thread (on purpose) until the test lets go.
            release_rx.recv().unwrap();
        });
        // The current-thread runtime runs tasks only inside `block_on`: drive it elsewhere.
        let rt = Arc::new(rt);
        let driver = {
            let rt = rt.clone();
            std::thread::spawn(move || rt.block_on(task).unwrap())
        };
        entered_rx.recv().unwrap();
        let busy = || sum(&metrics, |w| metrics.worker_total_busy_duration(w).as_nanos() as u64);
        let before = busy();
        std::thread::sleep(Duration::from_millis(20));
        let after = busy();
        // The blocked worker was busy all along: its figure grows by at least the time that
        // passed between the reads, without the worker ever returning to the scheduler.
        assert!(after - before >= 20_000_000, "busy grew by {} ns", after - before);
        release_tx.send(()).unwrap();
        driver.join().unwrap();
    }

    fn registering_a_socket_bumps_the_io_driver_counts(rt: Runtime) {
        use weft::io::{AsyncReadExt, AsyncWriteExt};
        let metrics = rt.metrics();
        assert_eq!(0, metrics.io_driver_fd_registered_count());
        rt.block_on(async {
            let listener = weft::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            assert_eq!(1, metrics.io_driver_fd_registered_count());
            let addr = listener.local_addr().unwrap();
            let (client, server) =
                weft::join!(weft::net::TcpStream::connect(addr), listener.accept());
            let (mut client, mut server) = (client.unwrap(), server.unwrap().0);
            assert_eq!(3, metrics.io_driver_fd_registered_count());
            // The read finds nothing, waits for the socket's readiness event, and is woken
            // by it once the client writes: that event was counted before the wake.
            let ready_before = metrics.io_driver_ready_count();
            let mut buf = [0u8; 1];
            let (read, write) = weft::join!(server.read(&mut buf), async {
                weft::task::yield_now().await;
                client.write_all(b"x").await
            });
            assert_eq!((read.unwrap(), write.unwrap()), (1, ()));
            assert!(metrics.io_driver_ready_count() > ready_before);
            drop((client, server));
            assert_eq!(2, metrics.io_driver_fd_deregistered_count());
            drop(listener);
            assert_eq!(3, metrics.io_driver_fd_deregistered_count());
        });
    }

    fn budget_forced_yields_count_once_per_poll(rt: Runtime) {
        let metrics = rt.metrics();
        assert_eq!(0, metrics.budget_forced_yield_count());
        // Two futures exhausting the budget in the same poll: one forced yield (tokio's rule).
        rt.block_on(async {
            weft::join!(exhaust_budget_once(), exhaust_budget_once());
        });
        assert_eq!(1, metrics.budget_forced_yield_count());
    }

    fn schedule_latencies_are_sampled_from_wakes(rt: Runtime) {
        let metrics = rt.metrics();
        rt.block_on(async {
            weft::spawn(async {
                for _ in 0..256 {
                    weft::task::yield_now().await;
                }
            })
            .await
            .unwrap();
        });
        drop(rt);
        let samples = sum(&metrics, |w| {
            (0..metrics.schedule_latency_histogram_num_buckets())
                .map(|b| metrics.schedule_latency_histogram_bucket_count(w, b))
                .sum()
        });
        // 256 yields are 256 local wakes of the same task: one in 16 is stamped (all of them
        // if no steal moves the task between its wake and its poll).
        assert!((1..=16).contains(&samples), "{samples} samples");
    }

    fn timers_armed(rt: Runtime) {
        let metrics = rt.metrics();
        rt.block_on(async {
            let (tx, rx) = weft::sync::oneshot::channel::<()>();
            let sleeper = weft::spawn(async move {
                let sleep = weft::time::sleep(Duration::from_secs(60));
                weft::select! {
                    _ = sleep => unreachable!("a 60 s sleep fired"),
                    _ = rx => {}
                }
            });
            // Wait until the sleeper has armed its timer (it cannot fire for 60 s).
            while metrics.num_armed_timers() == 0 {
                weft::task::yield_now().await;
            }
            assert_eq!(1, metrics.num_armed_timers());
            tx.send(()).unwrap();
            sleeper.await.unwrap();
            assert_eq!(0, metrics.num_armed_timers());
            assert_eq!(1, metrics.timer_armed_count());
        });
    }

    fn io_uring_submissions_and_completions(rt: Runtime) {
        use weft::io::AsyncWriteExt;
        let metrics = rt.metrics();
        assert_eq!(0, metrics.io_uring_submission_count());
        let path = std::env::temp_dir().join(format!(
            "weft-metrics-uring-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        rt.block_on(async {
            let mut f = weft::fs::File::create(&path).await.unwrap();
            f.write_all(b"counted").await.unwrap();
            // fsync has no page-cache fast path: it always goes through the ring.
            f.sync_all().await.unwrap();
        });
        std::fs::remove_file(&path).unwrap();
        let (sub, done) = (
            metrics.io_uring_submission_count(),
            metrics.io_uring_completion_count(),
        );
        assert!(sub >= 1 && done >= 1 && done <= sub, "{sub} submitted, {done} completed");
    }
}

/// Spends budget until a resource refuses, then finishes on the next poll.
async fn exhaust_budget_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| loop {
        if yielded {
            return Poll::Ready(());
        }
        let fut = weft::task::consume_budget();
        let mut fut = std::pin::pin!(fut);
        if fut.as_mut().poll(cx).is_pending() {
            yielded = true;
            return Poll::Pending;
        }
    })
    .await
}

#[test]
fn global_queue_depth_current_thread() {
    let rt = support::current_thread();
    let handle = rt.handle().clone();
    std::thread::spawn(move || drop(handle.spawn(async {})))
        .join()
        .unwrap();
    assert_eq!(1, rt.metrics().global_queue_depth());
}

#[test]
fn global_queue_depth_multi_thread() {
    let rt = support::multi_thread();
    let metrics = rt.metrics();
    // Block both workers so nobody drains the global queue.
    let (entered_tx, entered_rx) = mpsc::channel();
    let releases: Vec<_> = (0..2)
        .map(|_| {
            let (tx, rx) = mpsc::channel::<()>();
            let entered_tx = entered_tx.clone();
            rt.spawn(async move {
                entered_tx.send(()).unwrap();
                let _ = rx.recv();
            });
            tx
        })
        .collect();
    entered_rx.recv().unwrap();
    entered_rx.recv().unwrap();
    for i in 0..10 {
        assert_eq!(i, metrics.global_queue_depth());
        rt.spawn(async {});
    }
    drop(releases);
}

#[test]
fn worker_park_unpark_count_multi_thread() {
    let rt = support::multi_thread();
    let metrics = rt.metrics();
    let parked = |w| metrics.worker_park_unpark_count(w) % 2 == 1;
    // Both workers park after start-up with nothing to do: one park each.
    while !(parked(0) && parked(1)) {
        std::thread::yield_now();
    }
    assert_eq!(1, metrics.worker_park_unpark_count(0));
    assert_eq!(1, metrics.worker_park_unpark_count(1));
    rt.block_on(rt.spawn(async {})).unwrap();
    drop(rt);
    // A worker unparked for the task (and parked again), and both unparked for shutdown.
    let (a, b) = (
        metrics.worker_park_unpark_count(0),
        metrics.worker_park_unpark_count(1),
    );
    assert_eq!((0, 0), (a % 2, b % 2));
    assert!(a >= 4 || b >= 4, "{a} {b}");
}

#[test]
fn worker_local_schedule_count() {
    let rt = support::current_thread();
    let metrics = rt.metrics();
    rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    drop(rt);
    assert_eq!(1, metrics.worker_local_schedule_count(0));
    assert_eq!(0, metrics.remote_schedule_count());

    let rt = support::multi_thread();
    let metrics = rt.metrics();
    rt.block_on(async {
        weft::spawn(async { weft::spawn(async {}).await.unwrap() })
            .await
            .unwrap();
    });
    drop(rt);
    let n = sum(&metrics, |w| metrics.worker_local_schedule_count(w));
    assert!(n == 1 || n == 2, "n={n}");
    assert_eq!(1, metrics.remote_schedule_count());
}

#[test]
fn worker_overflow_count() {
    let rt = support::multi_thread();
    let metrics = rt.metrics();
    rt.block_on(async {
        weft::spawn(async {
            let (tx1, rx1) = mpsc::channel();
            let (tx2, rx2) = mpsc::channel::<()>();
            // Block the other worker (spawned from outside so it lands in the global queue,
            // which the other worker takes).
            let handle = weft::runtime::Handle::current();
            weft::task::spawn_blocking(move || {
                handle.spawn(async move {
                    tx1.send(()).unwrap();
                    rx2.recv().unwrap();
                });
            });
            rx1.recv().unwrap();
            // 256 fit the local queue (and one the LIFO slot); the next overflows once,
            // moving half to the global queue.
            for _ in 0..300 {
                weft::spawn(async {});
            }
            tx2.send(()).unwrap();
        })
        .await
        .unwrap();
    });
    drop(rt);
    assert_eq!(1, sum(&metrics, |w| metrics.worker_overflow_count(w)));
}

#[test]
fn worker_local_queue_depth() {
    let rt = support::current_thread();
    let metrics = rt.metrics();
    rt.block_on(async {
        for _ in 0..100 {
            weft::spawn(async {});
        }
        assert_eq!(100, metrics.worker_local_queue_depth(0));
    });

    let rt = support::multi_thread();
    let metrics = rt.metrics();
    rt.block_on(async move {
        weft::spawn(async move {
            let (tx1, rx1) = mpsc::channel();
            let (tx2, rx2) = mpsc::channel::<()>();
            // Goes to the LIFO slot, then to the queue when the next spawn takes the slot;
            // the other worker steals it from there and blocks.
            weft::spawn(async move {
                tx1.send(()).unwrap();
                rx2.recv().unwrap();
            });
            weft::spawn(async {});
            rx1.recv().unwrap();
            for _ in 0..100 {
                weft::spawn(async {});
            }
            // The bump task and 99 of the 100 are queued; the last is in the LIFO slot.
            assert_eq!(
                100,
                sum(&metrics, |w| metrics.worker_local_queue_depth(w) as u64)
            );
            tx2.send(()).unwrap();
        })
        .await
        .unwrap();
    });
}

#[test]
fn blocking_queue_depth() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    assert_eq!(0, rt.metrics().blocking_queue_depth());
    let gate = Arc::new(Mutex::new(()));
    let guard = gate.lock().unwrap();
    let wait = {
        let gate = gate.clone();
        move || drop(gate.lock().unwrap())
    };
    let h1 = rt.spawn_blocking(wait.clone());
    let h2 = rt.spawn_blocking(wait);
    assert!(rt.metrics().blocking_queue_depth() > 0);
    drop(guard);
    rt.block_on(h1).unwrap();
    rt.block_on(h2).unwrap();
    assert_eq!(0, rt.metrics().blocking_queue_depth());
}

#[test]
fn poll_time_histogram_counts_every_poll_when_enabled() {
    const N: u64 = 50;
    for multi in [false, true] {
        let mut b = if multi {
            let mut b = Builder::new_multi_thread();
            b.worker_threads(2);
            b
        } else {
            Builder::new_current_thread()
        };
        let rt = b
            .enable_all()
            .enable_metrics_poll_time_histogram()
            .metrics_poll_time_histogram_configuration(HistogramConfiguration::log(
                LogHistogram::builder()
                    .max_value(Duration::from_secs(60))
                    .min_value(Duration::from_nanos(100))
                    .max_error(0.25),
            ))
            .build()
            .unwrap();
        let metrics = rt.metrics();
        assert_eq!(119, metrics.poll_time_histogram_num_buckets());
        rt.block_on(async {
            for _ in 0..N {
                weft::spawn(async {}).await.unwrap();
            }
        });
        drop(rt);
        assert_eq!(
            metrics.poll_time_histogram_bucket_range(0),
            Duration::ZERO..Duration::from_nanos(96)
        );
        assert_eq!(
            metrics.poll_time_histogram_bucket_range(118).end,
            Duration::from_nanos(u64::MAX)
        );
        let n = sum(&metrics, |w| {
            (0..119)
                .map(|b| metrics.poll_time_histogram_bucket_count(w, b))
                .sum()
        });
        assert_eq!(N, n);
    }
}

#[test]
#[should_panic(expected = "worker index 2 is out of range: the runtime has 1 worker(s)")]
fn a_bad_worker_index_panics_with_a_clear_message() {
    support::current_thread().metrics().worker_poll_count(2);
}

both! {
    fn render_is_valid_prometheus_text_with_the_real_values(rt: Runtime) {
        rt.block_on(async {
            for _ in 0..40 {
                weft::spawn(async { weft::task::yield_now().await }).await.unwrap();
            }
        });
        let metrics = rt.metrics();
        let text = metrics.render();
        let mut typed = std::collections::HashMap::new();
        let mut last_bucket: Option<(String, u64)> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                assert!(["gauge", "counter", "histogram"].contains(&kind), "{line}");
                assert!(typed.insert(name.to_string(), kind.to_string()).is_none(), "{line}");
                continue;
            }
            if line.starts_with("# HELP weft_") {
                continue;
            }
            // `name{labels} value` or `name value`; the family was typed before its samples.
            let (series, value) = line.rsplit_once(' ').unwrap();
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value: {line}"));
            assert!(value >= 0.0, "{line}");
            let name = series.split('{').next().unwrap();
            assert!(name.starts_with("weft_"), "{line}");
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s).filter(|f| typed.get(*f).is_some_and(|k| k == "histogram")))
                .unwrap_or(name);
            assert!(typed.contains_key(family), "sample before its TYPE: {line}");
            // Buckets are cumulative within a series.
            if name.ends_with("_bucket") {
                let key = series.split(",le=").next().unwrap().to_string();
                if let Some((prev_key, prev)) = &last_bucket {
                    if *prev_key == key {
                        assert!(value as u64 >= *prev, "{line}");
                    }
                }
                last_bucket = Some((key, value as u64));
            }
        }
        let polls = sum(&metrics, |w| metrics.worker_poll_count(w));
        assert_eq!(80, polls);
        assert!(text.contains("weft_spawned_tasks_total 40\n"));
        assert!(text.contains(&format!("weft_workers {}\n", metrics.num_workers())));
        for w in 0..metrics.num_workers() {
            let line = format!(
                "weft_worker_polls_total{{worker=\"{w}\"}} {}\n",
                metrics.worker_poll_count(w)
            );
            assert!(text.contains(&line), "missing {line}");
            let inf = format!("weft_poll_time_seconds_bucket{{worker=\"{w}\",le=\"+Inf\"}} ");
            let count = format!("weft_poll_time_seconds_count{{worker=\"{w}\"}} ");
            let value = |prefix: &str| -> u64 {
                let at = text.find(prefix).unwrap() + prefix.len();
                text[at..].lines().next().unwrap().parse().unwrap()
            };
            assert_eq!(value(&inf), value(&count));
        }
    }
}
