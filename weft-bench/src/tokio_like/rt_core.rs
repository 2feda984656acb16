//! Scheduler workloads: spawning, chained spawning, yielding; and bytes allocated per task.

/// Defines `pub mod rt_core` for the runtime crate `$rt`.
macro_rules! rt_core_workloads {
    ($rt:ident) => {
        /// Scheduler workloads (shapes from tokio's `benches/rt_multi_threaded.rs`).
        pub mod rt_core {
            use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
            use std::sync::{mpsc as std_mpsc, Arc};
            use std::time::Instant;

            use $crate::{Params, RunResult};

            /// The workloads of this area by name (weft's lookup goes through it).
            pub const TABLE: &[(&str, $crate::RunFn)] = &[
                ("spawn_many_local", spawn_many_local),
                ("spawn_many_remote_idle", spawn_many_remote_idle),
                ("spawn_many_remote_busy", spawn_many_remote_busy),
                ("chained_spawn", chained_spawn),
                ("yield_many", yield_many),
                ("spawn_blocking_serial", spawn_blocking_serial),
                ("spawn_blocking_8", spawn_blocking_8),
            ];

            /// A multi-thread runtime with the bench's worker count, I/O and time enabled.
            pub fn runtime(p: &Params) -> $rt::runtime::Runtime {
                let rt = $rt::runtime::Builder::new_multi_thread()
                    .worker_threads(p.threads)
                    .enable_all()
                    .build()
                    .expect("building the runtime");
                let arrived = Arc::new(AtomicUsize::new(0));
                let up: Vec<_> = (0..p.threads)
                    .map(|_| rt.spawn($crate::harness::rendezvous(arrived.clone(), p.threads)))
                    .collect();
                rt.block_on(async {
                    for h in up {
                        let _ = h.await;
                    }
                });
                rt
            }

            fn lost(what: &str) -> String {
                format!("{what}: a task was lost (its completion signal never came)")
            }

            pub fn spawn_many_local(p: &Params) -> RunResult {
                let rt = runtime(p);
                let n = p.size.spawn;
                let (tx, rx) = std_mpsc::sync_channel(1);
                let rem = Arc::new(AtomicUsize::new(n));
                let start = Instant::now();
                rt.spawn(async move {
                    for _ in 0..n {
                        let tx = tx.clone();
                        let rem = rem.clone();
                        $rt::spawn(async move {
                            if rem.fetch_sub(1, Ordering::AcqRel) == 1 {
                                tx.send(()).unwrap();
                            }
                        });
                    }
                });
                rx.recv().map_err(|_| lost("spawn_many_local"))?;
                Ok(start.elapsed())
            }

            fn spawn_many_remote(p: &Params, spinners: usize) -> RunResult {
                let rt = runtime(p);
                let n = p.size.spawn;
                let flag = Arc::new(AtomicBool::new(true));
                for _ in 0..spinners {
                    let flag = flag.clone();
                    rt.spawn(async move {
                        while flag.load(Ordering::Relaxed) {
                            $rt::task::yield_now().await;
                        }
                    });
                }
                let ran = Arc::new(AtomicUsize::new(0));
                let mut handles = Vec::with_capacity(n);
                let start = Instant::now();
                for _ in 0..n {
                    let ran = ran.clone();
                    handles.push(rt.spawn(async move {
                        ran.fetch_add(1, Ordering::Relaxed);
                    }));
                }
                let joined = rt.block_on(async move {
                    for h in handles {
                        h.await.map_err(|e| format!("join failed: {e}"))?;
                    }
                    Ok::<(), String>(())
                });
                let elapsed = start.elapsed();
                flag.store(false, Ordering::Relaxed);
                joined?;
                let ran = ran.load(Ordering::Relaxed);
                if ran != n {
                    return Err(format!("{ran} of {n} tasks ran"));
                }
                Ok(elapsed)
            }

            pub fn spawn_many_remote_idle(p: &Params) -> RunResult {
                spawn_many_remote(p, 0)
            }

            pub fn spawn_many_remote_busy(p: &Params) -> RunResult {
                spawn_many_remote(p, p.size.busy_spinners)
            }

            fn chain(done: std_mpsc::SyncSender<()>, n: usize) {
                if n == 0 {
                    done.send(()).unwrap();
                } else {
                    $rt::spawn(async move { chain(done, n - 1) });
                }
            }

            pub fn chained_spawn(p: &Params) -> RunResult {
                let rt = runtime(p);
                let depth = p.size.chain_depth;
                let (tx, rx) = std_mpsc::sync_channel(1);
                let start = Instant::now();
                rt.spawn(async move { chain(tx, depth) });
                rx.recv().map_err(|_| lost("chained_spawn"))?;
                Ok(start.elapsed())
            }

            pub fn yield_many(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (tasks, yields) = (p.size.yield_tasks, p.size.yields);
                let (tx, rx) = std_mpsc::sync_channel(tasks);
                let start = Instant::now();
                for _ in 0..tasks {
                    let tx = tx.clone();
                    rt.spawn(async move {
                        for _ in 0..yields {
                            $rt::task::yield_now().await;
                        }
                        tx.send(()).unwrap();
                    });
                }
                for _ in 0..tasks {
                    rx.recv().map_err(|_| lost("yield_many"))?;
                }
                Ok(start.elapsed())
            }

            /// `tasks` tasks, each doing its share of `p.size.blocking_trips` round trips to the
            /// blocking pool, one at a time.
            fn spawn_blocking_trips(p: &Params, tasks: usize) -> RunResult {
                let rt = runtime(p);
                let trips = p.size.blocking_trips / tasks;
                rt.block_on(async move {
                    let start = Instant::now();
                    let handles: Vec<_> = (0..tasks)
                        .map(|t| {
                            $rt::spawn(async move {
                                for i in 0..trips {
                                    let got = $rt::task::spawn_blocking(move || t + i)
                                        .await
                                        .map_err(|e| format!("blocking job failed: {e}"))?;
                                    if got != t + i {
                                        return Err(format!("job returned {got}, not {}", t + i));
                                    }
                                }
                                Ok::<(), String>(())
                            })
                        })
                        .collect();
                    for h in handles {
                        h.await.map_err(|e| format!("task failed: {e}"))??;
                    }
                    Ok(start.elapsed())
                })
            }

            pub fn spawn_blocking_serial(p: &Params) -> RunResult {
                spawn_blocking_trips(p, 1)
            }

            pub fn spawn_blocking_8(p: &Params) -> RunResult {
                spawn_blocking_trips(p, 8)
            }

            /// Bytes (and allocations) per empty task spawned from outside the runtime, counted
            /// after a warm-up round so one-time growth of the runtime's own tables is excluded.
            pub fn alloc_per_task(p: &Params) -> Result<(f64, f64), String> {
                let rt = runtime(p);
                let n = p.size.alloc_tasks;
                let mut handles = Vec::with_capacity(n);
                let mut counted = $crate::alloc_count::Counted::default();
                // Round 0 warms up; round 1 is the one counted.
                for _ in 0..2 {
                    (_, counted) = $crate::alloc_count::count(|| {
                        for _ in 0..n {
                            handles.push(rt.spawn(async {}));
                        }
                    });
                    rt.block_on(async {
                        for h in handles.drain(..) {
                            h.await.map_err(|e| format!("join failed: {e}"))?;
                        }
                        Ok::<(), String>(())
                    })?;
                }
                Ok((
                    counted.bytes as f64 / n as f64,
                    counted.allocs as f64 / n as f64,
                ))
            }
        }
    };
}
