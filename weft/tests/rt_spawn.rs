//! Spawning, joining, panics, abort, shutdown: on both schedulers.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts its drops.
struct DropCounter(Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

rt_test! {
    async fn spawn_returns_output() {
        let h = weft::spawn(async { 40 + 2 });
        assert_eq!(h.await.unwrap(), 42);
    }

    async fn many_spawns_all_complete() {
        let handles: Vec<_> = (0..1000u64).map(|i| weft::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        assert_eq!(sum, 999 * 1000 / 2);
    }

    async fn nested_spawn_chain() {
        fn chain(n: u32) -> weft::task::JoinHandle<u32> {
            weft::spawn(async move {
                if n == 0 { 0 } else { chain(n - 1).await.unwrap() + 1 }
            })
        }
        assert_eq!(chain(200).await.unwrap(), 200);
    }

    async fn panic_is_caught_and_runtime_goes_on() {
        let h = weft::spawn(async { panic!("task exploded") });
        let err = h.await.unwrap_err();
        assert!(err.is_panic());
        assert!(!err.is_cancelled());
        assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "task exploded");
        assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
    }

    async fn yield_now_lets_others_run() {
        let flag = Arc::new(AtomicUsize::new(0));
        let f2 = flag.clone();
        let h = weft::spawn(async move {
            f2.store(1, Ordering::SeqCst);
        });
        while flag.load(Ordering::SeqCst) == 0 {
            weft::task::yield_now().await;
        }
        h.await.unwrap();
    }

    async fn abort_before_first_poll_drops_future() {
        let drops = Arc::new(AtomicUsize::new(0));
        let d = DropCounter(drops.clone());
        let h = weft::spawn(async move {
            let _d = d;
            std::future::pending::<()>().await;
        });
        h.abort();
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    async fn abort_after_completion_keeps_output() {
        let h = weft::spawn(async { 5 });
        while !h.is_finished() {
            weft::task::yield_now().await;
        }
        h.abort();
        assert_eq!(h.await.unwrap(), 5);
    }

    async fn abort_running_task_via_abort_handle() {
        let drops = Arc::new(AtomicUsize::new(0));
        let d = DropCounter(drops.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let h = weft::spawn(async move {
            let _d = d;
            tx.send(()).unwrap();
            loop {
                weft::task::yield_now().await;
            }
        });
        let abort = h.abort_handle();
        // Wait until the task has run once.
        while rx.try_recv().is_err() {
            weft::task::yield_now().await;
        }
        abort.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert!(abort.is_finished());
    }

    async fn dropped_join_handle_detaches() {
        let (tx, rx) = std::sync::mpsc::channel();
        drop(weft::spawn(async move {
            weft::task::yield_now().await;
            tx.send(7).unwrap();
        }));
        loop {
            if let Ok(v) = rx.try_recv() {
                assert_eq!(v, 7);
                break;
            }
            weft::task::yield_now().await;
        }
    }

    async fn future_dropped_before_join_reports_completion() {
        let drops = Arc::new(AtomicUsize::new(0));
        let d = DropCounter(drops.clone());
        let drops2 = drops.clone();
        let h = weft::spawn(async move {
            let _d = d;
            weft::task::yield_now().await;
            1
        });
        assert_eq!(h.await.unwrap(), 1);
        assert_eq!(drops2.load(Ordering::SeqCst), 1);
    }

    async fn spawn_blocking_runs_on_pool() {
        let v = weft::task::spawn_blocking(|| {
            std::thread::current().name().unwrap_or("").to_owned()
        }).await.unwrap();
        assert_eq!(v, "weft-runtime-worker");
    }

    async fn task_ids_are_visible_inside() {
        let h = weft::spawn(async { weft::task::id() });
        let id = h.id();
        assert_eq!(h.await.unwrap(), id);
        assert!(weft::task::try_id().is_none() || weft::task::try_id().is_some());
    }

    async fn wake_from_foreign_thread() {
        let (tx, rx) = futures::channel::oneshot::channel::<u32>();
        std::thread::spawn(move || {
            tx.send(9).unwrap();
        });
        let h = weft::spawn(async move { rx.await.unwrap() });
        assert_eq!(h.await.unwrap(), 9);
    }
}

#[test]
fn runtime_drop_drops_pending_futures() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let drops = Arc::new(AtomicUsize::new(0));
        for _ in 0..100 {
            let d = DropCounter(drops.clone());
            rt.spawn(async move {
                let _d = d;
                std::future::pending::<()>().await;
            });
        }
        rt.block_on(weft::task::yield_now());
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 100);
    }
}

#[test]
fn spawn_outside_runtime_panics_with_help() {
    let err = std::panic::catch_unwind(|| {
        weft::spawn(async {});
    })
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("no weft runtime"), "{msg}");
    assert!(msg.contains("Runtime::enter"), "{msg}");
}

#[test]
fn block_on_inside_runtime_panics() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let inner = support::current_thread();
        let res = rt.block_on(async move {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.block_on(async {})))
        });
        let payload = res.unwrap_err();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap();
        assert!(
            msg.contains("Cannot start a runtime from within a runtime"),
            "{msg}"
        );
    }
}

/// Futures whose destructors wake (and spawn) other tasks while the runtime shuts down: every
/// future is still dropped exactly once, and nothing hangs.
#[test]
fn runtime_drop_with_tasks_waking_each_other() {
    struct WakeOnDrop {
        waker: Arc<std::sync::Mutex<Option<std::task::Waker>>>,
        drops: Arc<AtomicUsize>,
    }
    impl Drop for WakeOnDrop {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Ordering::SeqCst);
            if let Some(w) = self.waker.lock().unwrap().take() {
                w.wake();
            }
            // Spawning during shutdown must not panic; the task is cancelled at once.
            if let Ok(handle) = weft::runtime::Handle::try_current() {
                drop(handle.spawn(async {}));
            }
        }
    }
    for rt in [support::current_thread(), support::multi_thread()] {
        let drops = Arc::new(AtomicUsize::new(0));
        let slot = Arc::new(std::sync::Mutex::new(None::<std::task::Waker>));
        for i in 0..50 {
            let guard = WakeOnDrop {
                waker: slot.clone(),
                drops: drops.clone(),
            };
            let slot = slot.clone();
            rt.spawn(async move {
                let _guard = guard;
                std::future::poll_fn(|cx| {
                    if i % 2 == 0 {
                        *slot.lock().unwrap() = Some(cx.waker().clone());
                    }
                    std::task::Poll::<()>::Pending
                })
                .await
            });
        }
        rt.block_on(async {
            for _ in 0..10 {
                weft::task::yield_now().await;
            }
        });
        drop(rt);
        assert_eq!(drops.load(Ordering::SeqCst), 50);
    }
}

/// A task woken from several threads many times while it is being polled: it is never polled
/// concurrently, and it finishes once its condition holds (no lost wake-up).
#[test]
fn many_wakes_while_running_no_double_poll() {
    use std::sync::atomic::AtomicBool;
    for rt in [support::current_thread(), support::multi_thread()] {
        let in_poll = Arc::new(AtomicBool::new(false));
        let wakes_done = Arc::new(AtomicUsize::new(0));
        let polls = Arc::new(AtomicUsize::new(0));
        let (ip, wd, pc) = (in_poll.clone(), wakes_done.clone(), polls.clone());
        let mut started = false;
        let h = rt.spawn(std::future::poll_fn(move |cx| {
            assert!(!ip.swap(true, Ordering::SeqCst), "task polled concurrently");
            pc.fetch_add(1, Ordering::SeqCst);
            if !started {
                started = true;
                for _ in 0..4 {
                    let w = cx.waker().clone();
                    let wd = wd.clone();
                    std::thread::spawn(move || {
                        for _ in 0..1000 {
                            w.wake_by_ref();
                        }
                        wd.fetch_add(1, Ordering::SeqCst);
                        w.wake();
                    });
                }
            }
            // The first poll always pends (the wakers may all have finished already): the
            // task then completes only through a wake-up.
            let done = pc.load(Ordering::SeqCst) > 1 && wd.load(Ordering::SeqCst) == 4;
            ip.store(false, Ordering::SeqCst);
            if done {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        }));
        rt.block_on(h).unwrap();
        assert!(polls.load(Ordering::SeqCst) >= 2);
    }
}

/// Wakers that outlive their runtime: waking and dropping them later is harmless (run under
/// AddressSanitizer in CI, which would catch a use after free).
#[test]
fn wake_after_runtime_is_gone() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let slot = Arc::new(std::sync::Mutex::new(Vec::<std::task::Waker>::new()));
        for _ in 0..10 {
            let slot = slot.clone();
            rt.spawn(std::future::poll_fn(move |cx| {
                slot.lock().unwrap().push(cx.waker().clone());
                std::task::Poll::<()>::Pending
            }));
        }
        rt.block_on(async {
            while slot.lock().unwrap().len() < 10 {
                weft::task::yield_now().await;
            }
        });
        drop(rt);
        let wakers = std::mem::take(&mut *slot.lock().unwrap());
        for (i, w) in wakers.into_iter().enumerate() {
            if i % 2 == 0 {
                w.wake_by_ref();
            }
            w.wake();
        }
    }
}

/// A future whose `poll` panics. Its destructor records whether it ran during the unwind,
/// then panics itself when `panic_in_drop` is set.
struct PanicsInPoll {
    dropped_while_panicking: Option<weft::sync::oneshot::Sender<bool>>,
    panic_in_drop: bool,
}

impl std::future::Future for PanicsInPoll {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        panic!("poll exploded")
    }
}

impl Drop for PanicsInPoll {
    fn drop(&mut self) {
        let tx = self.dropped_while_panicking.take().unwrap();
        let _ = tx.send(std::thread::panicking());
        if self.panic_in_drop {
            panic!("drop exploded too");
        }
    }
}

rt_test! {
    // As in tokio: the future of a task whose poll panicked is dropped during that unwind, so
    // its destructor sees `std::thread::panicking()` (tokio's `rt_common::panic_in_task`).
    async fn a_panicking_poll_drops_the_future_while_unwinding() {
        let (tx, rx) = weft::sync::oneshot::channel();
        let h = weft::spawn(PanicsInPoll { dropped_while_panicking: Some(tx), panic_in_drop: false });
        assert!(rx.await.unwrap(), "the future's Drop ran outside the unwind");
        let err = h.await.unwrap_err();
        assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "poll exploded");
    }

    // A destructor that panics during that unwind would abort the process if the panic
    // escaped it; the runtime catches it, the handle reports the poll's panic, and both the
    // runtime and the process go on.
    async fn a_panic_in_drop_after_a_panicking_poll_does_not_abort() {
        for _ in 0..3 {
            let (tx, rx) = weft::sync::oneshot::channel();
            let h = weft::spawn(PanicsInPoll { dropped_while_panicking: Some(tx), panic_in_drop: true });
            assert!(rx.await.unwrap());
            let err = h.await.unwrap_err();
            assert!(err.is_panic());
            assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "poll exploded");
        }
        assert_eq!(weft::spawn(async { 7 }).await.unwrap(), 7);
    }
}

// ===== Audit of poll loops (#17): the block_on loops with futures that wake themselves =====

/// Wakes itself and returns `Pending` until `stop` is set.
fn runnable_until(
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> impl std::future::Future<Output = ()> {
    std::future::poll_fn(move |cx| {
        if stop.load(Ordering::SeqCst) {
            return std::task::Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
}

rt_test! {
    // The block_on future itself always runnable: spawned tasks and the timer still run (the
    // loop polls it once per wake and goes on to the tasks and the driver).
    async fn always_runnable_block_on_future_lets_tasks_and_timers_run() {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = stop.clone();
        weft::spawn(async move {
            weft::time::sleep(std::time::Duration::from_millis(1)).await;
            s.store(true, Ordering::SeqCst);
        });
        runnable_until(stop).await;
    }

    // 100 spawned tasks always runnable: the block_on future's timer still fires.
    async fn always_runnable_tasks_let_the_block_on_timer_fire() {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let tasks: Vec<_> = (0..100).map(|_| weft::spawn(runnable_until(stop.clone()))).collect();
        weft::time::sleep(std::time::Duration::from_millis(1)).await;
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.unwrap();
        }
    }
}
