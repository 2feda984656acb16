//! Synchronisation workloads: oneshot ping-pong, mpsc, contended Mutex and Semaphore; and the
//! idle-task RSS measurement (tasks parked on a Notify).

/// Defines `pub mod sync` for the runtime crate `$rt`.
macro_rules! sync_workloads {
    ($rt:ident) => {
        /// Channel and lock workloads (shapes from tokio's `benches/sync_*.rs`).
        pub mod sync {
            use std::future::Future;
            use std::sync::atomic::{AtomicUsize, Ordering};
            use std::sync::{mpsc as std_mpsc, Arc};
            use std::task::Poll;
            use std::time::Instant;

            use super::rt_core::runtime;
            use $crate::{Params, RunResult};

            /// The workloads of this area by name (weft's lookup goes through it).
            pub const TABLE: &[(&str, $crate::RunFn)] = &[
                ("ping_pong", ping_pong),
                ("mpsc_bounded_5x1000", mpsc_bounded_5x1000),
                ("mpsc_bounded_64x10000", mpsc_bounded_64x10000),
                ("mpsc_unbounded_5x1000", mpsc_unbounded_5x1000),
                ("mpsc_unbounded_64x10000", mpsc_unbounded_64x10000),
                ("mutex_contended", mutex_contended),
                ("semaphore_contended", semaphore_contended),
            ];

            pub fn ping_pong(p: &Params) -> RunResult {
                let rt = runtime(p);
                let n = p.size.ping_pongs;
                let (done_tx, done_rx) = std_mpsc::sync_channel(1);
                let rem = Arc::new(AtomicUsize::new(n));
                let start = Instant::now();
                rt.spawn(async move {
                    for _ in 0..n {
                        let rem = rem.clone();
                        let done_tx = done_tx.clone();
                        $rt::spawn(async move {
                            let (tx1, rx1) = $rt::sync::oneshot::channel::<u32>();
                            let (tx2, rx2) = $rt::sync::oneshot::channel::<u32>();
                            $rt::spawn(async move {
                                let v = rx1.await.unwrap();
                                tx2.send(v + 1).unwrap();
                            });
                            tx1.send(41).unwrap();
                            assert_eq!(rx2.await.unwrap(), 42);
                            if rem.fetch_sub(1, Ordering::AcqRel) == 1 {
                                done_tx.send(()).unwrap();
                            }
                        });
                    }
                });
                done_rx
                    .recv()
                    .map_err(|_| "ping_pong: a round trip never completed".to_string())?;
                Ok(start.elapsed())
            }

            fn check_mpsc(got: (usize, u64), producers: usize, per: usize) -> Result<(), String> {
                let want = (
                    producers * per,
                    producers as u64 * (per as u64 * (per as u64 - 1) / 2),
                );
                if got != want {
                    return Err(format!(
                        "received {} messages summing to {}, expected {} summing to {}",
                        got.0, got.1, want.0, want.1
                    ));
                }
                Ok(())
            }

            fn mpsc_bounded(p: &Params, (producers, per): (usize, usize)) -> RunResult {
                let rt = runtime(p);
                let cap = p.size.mpsc_capacity;
                let start = Instant::now();
                let got = rt.block_on(async move {
                    $rt::spawn(async move {
                        let (tx, mut rx) = $rt::sync::mpsc::channel::<u64>(cap);
                        for _ in 0..producers {
                            let tx = tx.clone();
                            $rt::spawn(async move {
                                for i in 0..per as u64 {
                                    tx.send(i).await.unwrap();
                                }
                            });
                        }
                        drop(tx);
                        let (mut count, mut sum) = (0, 0);
                        while let Some(v) = rx.recv().await {
                            count += 1;
                            sum += v;
                        }
                        (count, sum)
                    })
                    .await
                    .map_err(|e| format!("consumer failed: {e}"))
                })?;
                let elapsed = start.elapsed();
                check_mpsc(got, producers, per)?;
                Ok(elapsed)
            }

            fn mpsc_unbounded(p: &Params, (producers, per): (usize, usize)) -> RunResult {
                let rt = runtime(p);
                let start = Instant::now();
                let got = rt.block_on(async move {
                    $rt::spawn(async move {
                        let (tx, mut rx) = $rt::sync::mpsc::unbounded_channel::<u64>();
                        for _ in 0..producers {
                            let tx = tx.clone();
                            $rt::spawn(async move {
                                for i in 0..per as u64 {
                                    tx.send(i).unwrap();
                                }
                            });
                        }
                        drop(tx);
                        let (mut count, mut sum) = (0, 0);
                        while let Some(v) = rx.recv().await {
                            count += 1;
                            sum += v;
                        }
                        (count, sum)
                    })
                    .await
                    .map_err(|e| format!("consumer failed: {e}"))
                })?;
                let elapsed = start.elapsed();
                check_mpsc(got, producers, per)?;
                Ok(elapsed)
            }

            pub fn mpsc_bounded_5x1000(p: &Params) -> RunResult {
                mpsc_bounded(p, p.size.mpsc_small)
            }

            pub fn mpsc_bounded_64x10000(p: &Params) -> RunResult {
                mpsc_bounded(p, p.size.mpsc_large)
            }

            pub fn mpsc_unbounded_5x1000(p: &Params) -> RunResult {
                mpsc_unbounded(p, p.size.mpsc_small)
            }

            pub fn mpsc_unbounded_64x10000(p: &Params) -> RunResult {
                mpsc_unbounded(p, p.size.mpsc_large)
            }

            pub fn mutex_contended(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (tasks, iters) = (p.size.lock_tasks, p.size.lock_iters);
                let m = Arc::new($rt::sync::Mutex::new(0usize));
                let m2 = m.clone();
                let start = Instant::now();
                rt.block_on(async move {
                    let handles: Vec<_> = (0..tasks)
                        .map(|_| {
                            let m = m2.clone();
                            $rt::spawn(async move {
                                for _ in 0..iters {
                                    let mut g = m.lock().await;
                                    $rt::task::yield_now().await;
                                    *g += 1;
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.map_err(|e| format!("task failed: {e}"))?;
                    }
                    Ok::<(), String>(())
                })?;
                let elapsed = start.elapsed();
                let total = *rt.block_on(m.lock());
                if total != tasks * iters {
                    return Err(format!("counter is {total}, expected {}", tasks * iters));
                }
                Ok(elapsed)
            }

            pub fn semaphore_contended(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (tasks, iters, permits) = (
                    p.size.lock_tasks,
                    p.size.lock_iters,
                    p.size.semaphore_permits,
                );
                let sem = Arc::new($rt::sync::Semaphore::new(permits));
                let inside = Arc::new(AtomicUsize::new(0));
                let acquired = Arc::new(AtomicUsize::new(0));
                let (inside2, acquired2) = (inside.clone(), acquired.clone());
                let start = Instant::now();
                rt.block_on(async move {
                    let handles: Vec<_> = (0..tasks)
                        .map(|_| {
                            let (sem, inside, acquired) =
                                (sem.clone(), inside2.clone(), acquired2.clone());
                            $rt::spawn(async move {
                                for _ in 0..iters {
                                    let _permit = sem.acquire().await.unwrap();
                                    let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
                                    assert!(now <= permits, "{now} holders of {permits} permits");
                                    $rt::task::yield_now().await;
                                    inside.fetch_sub(1, Ordering::Relaxed);
                                    acquired.fetch_add(1, Ordering::Relaxed);
                                }
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.map_err(|e| format!("task failed: {e}"))?;
                    }
                    Ok::<(), String>(())
                })?;
                let elapsed = start.elapsed();
                let total = acquired.load(Ordering::Relaxed);
                if total != tasks * iters {
                    return Err(format!("{total} acquisitions, expected {}", tasks * iters));
                }
                Ok(elapsed)
            }

            /// `idle_tasks` tasks parked on one Notify; RSS read once all are parked. Runs in a
            /// child process of its own (see `rss.rs`), so the numbers don't mix.
            pub fn idle_tasks(p: &Params) -> Result<$crate::rss::IdleRss, String> {
                let rt = runtime(p);
                let n = p.size.idle_tasks;
                let baseline = $crate::rss::current_kib();
                let notify = Arc::new($rt::sync::Notify::new());
                let parked = Arc::new(AtomicUsize::new(0));
                let woken = Arc::new(AtomicUsize::new(0));
                let (all_parked_tx, all_parked_rx) = std_mpsc::sync_channel(1);
                let (all_woken_tx, all_woken_rx) = std_mpsc::sync_channel(1);
                for _ in 0..n {
                    let (notify, parked, woken) = (notify.clone(), parked.clone(), woken.clone());
                    let (all_parked_tx, all_woken_tx) =
                        (all_parked_tx.clone(), all_woken_tx.clone());
                    drop(rt.spawn(async move {
                        let mut notified = std::pin::pin!(notify.notified());
                        // Poll once so the waiter is registered before we count it as parked.
                        std::future::poll_fn(|cx| {
                            let _ = notified.as_mut().poll(cx);
                            Poll::Ready(())
                        })
                        .await;
                        if parked.fetch_add(1, Ordering::AcqRel) + 1 == n {
                            all_parked_tx.send(()).unwrap();
                        }
                        notified.await;
                        if woken.fetch_add(1, Ordering::AcqRel) + 1 == n {
                            all_woken_tx.send(()).unwrap();
                        }
                    }));
                }
                drop((all_parked_tx, all_woken_tx));
                all_parked_rx
                    .recv()
                    .map_err(|_| "idle_tasks: not every task parked".to_string())?;
                let peak = $crate::rss::peak_kib();
                notify.notify_waiters();
                all_woken_rx
                    .recv()
                    .map_err(|_| "idle_tasks: not every task was woken".to_string())?;
                Ok($crate::rss::IdleRss {
                    tasks: n,
                    baseline_kib: baseline,
                    peak_kib: peak,
                })
            }
        }
    };
}
