//! Stress: tasks by the hundred thousand and the million — spawning and joining, abort storms,
//! `JoinSet` and `LocalSet` with 100,000 entries, `spawn_blocking` far beyond the pool.
//!
//! `#[ignore]`d: run in release, `cargo test -p weft --release --test 'stress_*' -- --ignored
//! --test-threads=1` (CI does, in its own step). Each test runs on both schedulers under a
//! watchdog that aborts the process naming the test if it hangs; see `stress_support`.
mod stress_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use weft::task::{JoinSet, LocalSet};

/// Wakes itself and returns `Pending` `n` times, then completes: a task that is always
/// runnable, the worst case for any loop that polls what was just woken.
fn self_waking(n: usize) -> impl std::future::Future<Output = ()> {
    let mut left = n;
    std::future::poll_fn(move |cx| {
        if left == 0 {
            return std::task::Poll::Ready(());
        }
        left -= 1;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
}

stress_test! {
    /// A million tasks spawned from `block_on` and joined; then 1,000 tasks spawning 1,000
    /// each and joining their children.
    fn million_tasks_spawned_and_joined(rt) limit 300 {
        rt.block_on(async {
            const N: u64 = 1_000_000;
            let handles: Vec<_> = (0..N).map(|i| weft::spawn(async move { i })).collect();
            let mut sum = 0u64;
            for h in handles {
                sum += h.await.unwrap();
            }
            assert_eq!(sum, N * (N - 1) / 2);

            let parents: Vec<_> = (0..1_000u64)
                .map(|p| {
                    weft::spawn(async move {
                        let kids: Vec<_> =
                            (0..1_000u64).map(|k| weft::spawn(async move { p * 1_000 + k })).collect();
                        let mut s = 0;
                        for k in kids {
                            s += k.await.unwrap();
                        }
                        s
                    })
                })
                .collect();
            let mut sum = 0u64;
            for p in parents {
                sum += p.await.unwrap();
            }
            assert_eq!(sum, N * (N - 1) / 2);
        });
    }

    /// 100,000 tasks, running (always runnable), woken in storms by a `Notify`, or asleep, are
    /// aborted all at once from four tasks and a plain thread; every one ends cancelled or
    /// done, and each future is dropped exactly once.
    fn abort_storm_100k(rt) limit 300 {
        const N: usize = 100_000;
        let dropped = Arc::new(AtomicUsize::new(0));
        let notify = Arc::new(weft::sync::Notify::new());
        struct CountDrop(Arc<AtomicUsize>);
        impl Drop for CountDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let guard = CountDrop(dropped.clone());
                let notify = notify.clone();
                rt.spawn(async move {
                    let _guard = guard;
                    match i % 3 {
                        0 => self_waking(usize::MAX).await,
                        1 => loop {
                            notify.notified().await;
                        },
                        _ => weft::time::sleep(std::time::Duration::from_secs(3600)).await,
                    }
                })
            })
            .collect();
        let aborts: Vec<_> = handles.iter().map(|h| h.abort_handle()).collect();
        rt.block_on(async {
            // Wake storm while the aborts land.
            let stormer = {
                let notify = notify.clone();
                weft::spawn(async move {
                    for _ in 0..1_000 {
                        notify.notify_waiters();
                        weft::task::yield_now().await;
                    }
                })
            };
            let aborts = Arc::new(aborts);
            let thread = {
                let aborts = aborts.clone();
                std::thread::spawn(move || aborts.iter().rev().for_each(|a| a.abort()))
            };
            let mut abort_tasks = Vec::new();
            for part in 0..4 {
                let aborts = aborts.clone();
                abort_tasks.push(weft::spawn(async move {
                    for (i, a) in aborts.iter().enumerate() {
                        if i % 4 == part {
                            a.abort();
                            if i % 256 == 0 {
                                weft::task::yield_now().await;
                            }
                        }
                    }
                }));
            }
            for t in abort_tasks {
                t.await.unwrap();
            }
            thread.join().unwrap();
            let mut cancelled = 0;
            for h in handles {
                match h.await {
                    Err(e) if e.is_cancelled() => cancelled += 1,
                    other => panic!("an aborted task ended with {other:?}"),
                }
            }
            assert_eq!(cancelled, N);
            stormer.await.unwrap();
        });
        assert_eq!(dropped.load(Ordering::Relaxed), N, "every future dropped exactly once");
    }

    /// `JoinSet` with 100,000 and 1,000 tasks: `join_next` in `block_on` and in a spawned
    /// task, `shutdown` and drop while the tasks are always runnable.
    fn join_set_100k(rt) limit 300 {
        rt.block_on(async {
            for n in [1_000usize, 100_000] {
                // join_next in block_on, tasks that yield a few times first.
                let mut set = JoinSet::new();
                for i in 0..n {
                    set.spawn(async move {
                        self_waking(i % 4).await;
                        i
                    });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.unwrap();
                }
                assert_eq!(sum, n * (n - 1) / 2);

                // join_next in a spawned task.
                let sum = weft::spawn(async move {
                    let mut set = JoinSet::new();
                    for i in 0..n {
                        set.spawn(async move {
                            weft::task::yield_now().await;
                            i
                        });
                    }
                    let mut sum = 0;
                    while let Some(r) = set.join_next().await {
                        sum += r.unwrap();
                    }
                    sum
                })
                .await
                .unwrap();
                assert_eq!(sum, n * (n - 1) / 2);

                // shutdown with every task always runnable.
                let mut set = JoinSet::new();
                for _ in 0..n {
                    set.spawn(self_waking(usize::MAX));
                }
                set.shutdown().await;
                assert!(set.is_empty());

                // drop with every task always runnable; they are all cancelled.
                let alive = Arc::new(());
                let mut set = JoinSet::new();
                for _ in 0..n {
                    let alive = alive.clone();
                    set.spawn(async move {
                        let _alive = alive;
                        self_waking(usize::MAX).await
                    });
                }
                weft::task::yield_now().await;
                drop(set);
                while Arc::strong_count(&alive) > 1 {
                    weft::task::yield_now().await;
                }
            }
        });
    }

    /// A `LocalSet` with 100,000 tasks (and a `JoinSet` of 100,000 local tasks) that yield and
    /// report through a channel.
    fn local_set_100k(rt) limit 300 {
        const N: usize = 100_000;
        let local = LocalSet::new();
        let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
        for i in 0..N {
            let tx = tx.clone();
            local.spawn_local(async move {
                self_waking(i % 3).await;
                tx.send(i).unwrap();
            });
        }
        drop(tx);
        let sum = local.block_on(rt, async move {
            let mut sum = 0;
            while let Some(i) = rx.recv().await {
                sum += i;
            }
            sum
        });
        assert_eq!(sum, N * (N - 1) / 2);
        let sum = local.block_on(rt, async {
            let mut set = JoinSet::new();
            for i in 0..N {
                set.spawn_local(async move {
                    weft::task::yield_now().await;
                    i
                });
            }
            let mut sum = 0;
            while let Some(r) = set.join_next().await {
                sum += r.unwrap();
            }
            sum
        });
        assert_eq!(sum, N * (N - 1) / 2);
        // Awaiting the set runs the rest to completion.
        for _ in 0..N {
            local.spawn_local(self_waking(2));
        }
        rt.block_on(local);
    }

    /// 3,000 `spawn_blocking` calls at once, six times the default pool (512 threads): the
    /// rest queue and all finish; the runtime drops with none left behind.
    fn spawn_blocking_beyond_the_pool(rt) limit 300 {
        rt.block_on(async {
            let handles: Vec<_> = (0..3_000u64)
                .map(|i| {
                    weft::task::spawn_blocking(move || {
                        // A little real work, so the jobs overlap.
                        (0..10_000u64).fold(i, |a, x| a.wrapping_mul(31).wrapping_add(x))
                    })
                })
                .collect();
            let mut done = 0;
            for h in handles {
                h.await.unwrap();
                done += 1;
            }
            assert_eq!(done, 3_000);
        });
    }
}
