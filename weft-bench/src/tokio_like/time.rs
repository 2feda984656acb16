//! Timer workloads: many short sleeps; many timers armed and cancelled.

/// Defines `pub mod time` for the runtime crate `$rt`.
macro_rules! time_workloads {
    ($rt:ident) => {
        /// Timer workloads.
        pub mod time {
            use std::future::Future;
            use std::sync::atomic::{AtomicUsize, Ordering};
            use std::sync::Arc;
            use std::task::Poll;
            use std::time::{Duration, Instant};

            use super::rt_core::runtime;
            use $crate::{Params, RunResult};

            /// The workloads of this area by name (weft's lookup goes through it).
            pub const TABLE: &[(&str, $crate::RunFn)] = &[
                ("timers_sleep", timers_sleep),
                ("timers_create_drop", timers_create_drop),
            ];

            pub fn timers_sleep(p: &Params) -> RunResult {
                let rt = runtime(p);
                let (n, max_ms) = (p.size.sleeps, p.size.sleep_max_ms);
                let start = Instant::now();
                let slept = rt.block_on(async move {
                    let handles: Vec<_> = (0..n)
                        .map(|i| {
                            let d = $crate::sleep_for(i, max_ms);
                            $rt::spawn(async move {
                                let t0 = Instant::now();
                                $rt::time::sleep(d).await;
                                t0.elapsed() >= d
                            })
                        })
                        .collect();
                    let mut on_time = 0;
                    for h in handles {
                        on_time += h.await.map_err(|e| format!("task failed: {e}"))? as usize;
                    }
                    Ok::<usize, String>(on_time)
                })?;
                let elapsed = start.elapsed();
                if slept != n {
                    return Err(format!("{} of {n} sleeps woke early", n - slept));
                }
                Ok(elapsed)
            }

            pub fn timers_create_drop(p: &Params) -> RunResult {
                let rt = runtime(p);
                let n = p.size.timer_churn;
                let tasks = 8;
                let armed = Arc::new(AtomicUsize::new(0));
                let armed2 = armed.clone();
                let start = Instant::now();
                rt.block_on(async move {
                    let handles: Vec<_> = (0..tasks)
                        .map(|t| {
                            let armed = armed2.clone();
                            $rt::spawn(async move {
                                for i in (t..n).step_by(tasks) {
                                    let d =
                                        Duration::from_millis(1_000 + (i as u64 * 7919) % 9_000);
                                    let mut sleep = std::pin::pin!($rt::time::sleep(d));
                                    // One poll arms the timer; the drop at the end of the
                                    // iteration cancels it.
                                    let pending = std::future::poll_fn(|cx| {
                                        Poll::Ready(sleep.as_mut().poll(cx).is_pending())
                                    })
                                    .await;
                                    armed.fetch_add(pending as usize, Ordering::Relaxed);
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
                let armed = armed.load(Ordering::Relaxed);
                if armed != n {
                    return Err(format!("{} of {n} timers fired at once", n - armed));
                }
                Ok(elapsed)
            }
        }
    };
}
