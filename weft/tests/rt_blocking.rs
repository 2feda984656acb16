//! The blocking pool: `spawn_blocking` order, the thread cap, keep-alive, shutdown.
//!
//! Every test builds its runtime both ways (current-thread and two-worker multi-thread). On the
//! multi-thread runtime the workers run on pool threads too, but outside `max_blocking_threads`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use weft::runtime::{Builder, Runtime};

/// Both flavours, with `configure` applied to each builder.
fn runtimes(configure: impl Fn(&mut Builder) -> &mut Builder) -> Vec<Runtime> {
    let mut current = Builder::new_current_thread();
    let mut multi = Builder::new_multi_thread();
    multi.worker_threads(2);
    [current.enable_all(), multi.enable_all()]
        .into_iter()
        .map(|b| configure(b).build().expect("building a runtime"))
        .collect()
}

/// A gate that blocking jobs wait at until it is opened.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (lock, cv) = &*self.0;
        let mut open = lock.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
    }

    fn open(&self) {
        let (lock, cv) = &*self.0;
        *lock.lock().unwrap() = true;
        cv.notify_all();
    }
}

#[test]
fn jobs_beyond_the_cap_run_in_spawn_order() {
    for rt in runtimes(|b| b.max_blocking_threads(1)) {
        let gate = Gate::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        rt.block_on(async {
            let (started_tx, started_rx) = mpsc::channel();
            let g = gate.clone();
            let first = weft::task::spawn_blocking(move || {
                started_tx.send(()).unwrap();
                g.wait();
            });
            started_rx.recv().unwrap();
            // The only thread is busy: these queue up.
            let queued: Vec<_> = (0..20)
                .map(|i| {
                    let order = order.clone();
                    weft::task::spawn_blocking(move || order.lock().unwrap().push(i))
                })
                .collect();
            gate.open();
            first.await.unwrap();
            for h in queued {
                h.await.unwrap();
            }
        });
        assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
    }
}

#[test]
fn no_more_than_max_blocking_threads_run_at_once() {
    for rt in runtimes(|b| b.max_blocking_threads(3)) {
        let gate = Gate::default();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        rt.block_on(async {
            let (started_tx, started_rx) = mpsc::channel();
            let handles: Vec<_> = (0..12)
                .map(|_| {
                    let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                    let started_tx = started_tx.clone();
                    weft::task::spawn_blocking(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        started_tx.send(()).unwrap();
                        gate.wait();
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            for _ in 0..3 {
                started_rx.recv().unwrap();
            }
            gate.open();
            for h in handles {
                h.await.unwrap();
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }
}

#[test]
fn many_jobs_from_many_threads_all_complete() {
    for rt in runtimes(|b| b.max_blocking_threads(4)) {
        let handle = rt.handle().clone();
        let spawners: Vec<_> = (0..4u64)
            .map(|t| {
                let handle = handle.clone();
                std::thread::spawn(move || {
                    let hs: Vec<_> = (0..500u64)
                        .map(|i| handle.spawn_blocking(move || t * 1000 + i))
                        .collect();
                    futures::executor::block_on(async {
                        let mut sum = 0;
                        for h in hs {
                            sum += h.await.unwrap();
                        }
                        sum
                    })
                })
            })
            .collect();
        let total: u64 = spawners.into_iter().map(|s| s.join().unwrap()).sum();
        let expected: u64 = (0..4u64)
            .flat_map(|t| (0..500u64).map(move |i| t * 1000 + i))
            .sum();
        assert_eq!(total, expected);
    }
}

#[test]
fn sequential_round_trips_reuse_one_thread() {
    for rt in runtimes(|b| b) {
        rt.block_on(async {
            let first = weft::task::spawn_blocking(|| std::thread::current().id())
                .await
                .unwrap();
            for _ in 0..200 {
                // The thread offers itself for work as its closure returns, before the
                // handle is woken: the next job never needs another thread.
                let id = weft::task::spawn_blocking(|| std::thread::current().id())
                    .await
                    .unwrap();
                assert_eq!(id, first);
            }
        });
    }
}

#[test]
fn a_panicking_job_reports_a_panic() {
    for rt in runtimes(|b| b) {
        rt.block_on(async {
            let err = weft::task::spawn_blocking(|| panic!("boom"))
                .await
                .unwrap_err();
            assert!(err.is_panic());
            // The pool goes on.
            assert_eq!(weft::task::spawn_blocking(|| 5).await.unwrap(), 5);
        });
    }
}

#[test]
fn idle_threads_leave_after_keep_alive_and_new_ones_start() {
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let stop_tx = Mutex::new(stop_tx);
    let started = Arc::new(AtomicUsize::new(0));
    let s = started.clone();
    let rt = Builder::new_current_thread()
        .enable_all()
        .thread_keep_alive(Duration::from_millis(5))
        .on_thread_start(move || {
            s.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            let _ = stop_tx.lock().unwrap().send(());
        })
        .build()
        .unwrap();
    rt.block_on(async { weft::task::spawn_blocking(|| ()).await.unwrap() });
    assert_eq!(started.load(Ordering::SeqCst), 1);
    // The idle thread leaves once its keep-alive runs out.
    stop_rx.recv().unwrap();
    assert_eq!(
        rt.block_on(async { weft::task::spawn_blocking(|| 7).await.unwrap() }),
        7
    );
    assert_eq!(started.load(Ordering::SeqCst), 2);
    stop_rx.recv().unwrap();
    drop(rt);
}

#[test]
fn queued_jobs_are_cancelled_at_shutdown() {
    for rt in runtimes(|b| b.max_blocking_threads(1)) {
        let gate = Gate::default();
        let ran = Arc::new(AtomicUsize::new(0));
        let (first, queued) = rt.block_on(async {
            let (started_tx, started_rx) = mpsc::channel();
            let g = gate.clone();
            let first = weft::task::spawn_blocking(move || {
                started_tx.send(()).unwrap();
                g.wait();
                1
            });
            started_rx.recv().unwrap();
            let queued: Vec<_> = (0..5)
                .map(|_| {
                    let ran = ran.clone();
                    weft::task::spawn_blocking(move || {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();
            (first, queued)
        });
        let flavor = rt.handle().runtime_flavor();
        rt.shutdown_background();
        gate.open();
        let oks = futures::executor::block_on(async {
            assert_eq!(first.await.unwrap(), 1);
            let mut oks = 0;
            for h in queued {
                match h.await {
                    Ok(()) => oks += 1,
                    Err(e) => assert!(e.is_cancelled(), "{e:?}"),
                }
            }
            oks
        });
        assert_eq!(ran.load(Ordering::SeqCst), oks);
        if flavor == weft::runtime::RuntimeFlavor::CurrentThread {
            assert_eq!(oks, 0, "a queued job ran after shutdown began");
        }
        // On the multi-thread runtime, a worker's thread freed by the scheduler's shutdown
        // may pick up queued jobs before the pool itself shuts down (as in tokio).
    }
}

#[test]
fn spawn_blocking_after_shutdown_is_cancelled() {
    for rt in runtimes(|b| b) {
        let handle = rt.handle().clone();
        rt.shutdown_background();
        let h = handle.spawn_blocking(|| 1);
        let err = futures::executor::block_on(h).unwrap_err();
        assert!(err.is_cancelled());
    }
}

#[test]
fn shutdown_waits_for_running_jobs() {
    for rt in runtimes(|b| b) {
        let done = Arc::new(AtomicUsize::new(0));
        let (started_tx, started_rx) = mpsc::channel();
        let d = done.clone();
        let gate = Gate::default();
        let g = gate.clone();
        drop(rt.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            g.wait();
            d.fetch_add(1, Ordering::SeqCst);
        }));
        started_rx.recv().unwrap();
        let opener = std::thread::spawn(move || gate.open());
        drop(rt);
        opener.join().unwrap();
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }
}
