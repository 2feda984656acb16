//! JoinSet, LocalSet, block_in_place, budget: on both schedulers where they apply.

mod support;

use std::future::Future as _;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

rt_test! {
    async fn join_set_returns_in_completion_order() {
        let mut set = weft::task::JoinSet::new();
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            "late"
        });
        set.spawn(async { "early" });
        assert_eq!(set.join_next().await.unwrap().unwrap(), "early");
        tx.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), "late");
        assert!(set.join_next().await.is_none());
    }

    async fn join_set_drop_aborts_tasks() {
        let drops = Arc::new(AtomicUsize::new(0));
        struct D(Arc<AtomicUsize>);
        impl Drop for D {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let mut set = weft::task::JoinSet::new();
        let mut aborts = vec![];
        for _ in 0..10 {
            let d = D(drops.clone());
            aborts.push(set.spawn(async move {
                let _d = d;
                std::future::pending::<()>().await;
            }));
        }
        drop(set);
        for a in aborts {
            while !a.is_finished() {
                weft::task::yield_now().await;
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 10);
    }

    async fn join_set_many_and_try_join_next() {
        let mut set: weft::task::JoinSet<usize> = (0..200usize).map(|i| async move { i }).collect();
        let mut sum = 0;
        while !set.is_empty() {
            match set.try_join_next() {
                Some(r) => sum += r.unwrap(),
                None => weft::task::yield_now().await,
            }
        }
        assert_eq!(sum, 199 * 200 / 2);
    }

    async fn join_set_shutdown_and_ids() {
        let mut set = weft::task::JoinSet::new();
        let id = set.spawn(async { 1 }).id();
        let (got, v) = set.join_next_with_id().await.unwrap().unwrap();
        assert_eq!((got, v), (id, 1));
        set.spawn(std::future::pending());
        set.shutdown().await;
        assert!(set.is_empty());
    }

    async fn unconstrained_future_completes() {
        let v = weft::task::unconstrained(async {
            for _ in 0..1000 {
                weft::task::consume_budget().await;
            }
            3
        })
        .await;
        assert_eq!(v, 3);
    }
}

#[test]
fn local_set_runs_non_send_tasks() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let local = weft::task::LocalSet::new();
        let out = local.block_on(&rt, async {
            let shared = Rc::new(std::cell::Cell::new(0));
            let mut handles = vec![];
            for _ in 0..10 {
                let s = shared.clone();
                handles.push(weft::task::spawn_local(async move {
                    weft::task::yield_now().await;
                    s.set(s.get() + 1);
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
            shared.get()
        });
        assert_eq!(out, 10);
    }
}

#[test]
fn local_set_woken_from_other_thread() {
    for rt in [support::current_thread(), support::multi_thread()] {
        let local = weft::task::LocalSet::new();
        let (tx, rx) = futures::channel::oneshot::channel::<u8>();
        let h = local.spawn_local(async move { rx.await.unwrap() });
        std::thread::spawn(move || tx.send(4).unwrap());
        assert_eq!(local.block_on(&rt, h).unwrap(), 4);
    }
}

#[test]
fn local_set_drop_cancels_tasks() {
    let rt = support::current_thread();
    let drops = Rc::new(std::cell::Cell::new(0));
    struct D(Rc<std::cell::Cell<u32>>);
    impl Drop for D {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let local = weft::task::LocalSet::new();
    for _ in 0..5 {
        let d = D(drops.clone());
        local.spawn_local(async move {
            let _d = d;
            std::future::pending::<()>().await;
        });
    }
    local.block_on(&rt, weft::task::yield_now());
    drop(local);
    assert_eq!(drops.get(), 5);
}

#[test]
fn awaiting_local_set_waits_for_all_tasks() {
    let rt = support::current_thread();
    let local = weft::task::LocalSet::new();
    let count = Rc::new(std::cell::Cell::new(0));
    for _ in 0..3 {
        let c = count.clone();
        local.spawn_local(async move {
            weft::task::yield_now().await;
            c.set(c.get() + 1);
        });
    }
    rt.block_on(local);
    assert_eq!(count.get(), 3);
}

#[test]
#[should_panic(expected = "called from outside of a `task::LocalSet` or `runtime::LocalRuntime`")]
fn spawn_local_outside_local_set_panics() {
    support::current_thread().block_on(async {
        weft::task::spawn_local(async {});
    });
}

#[test]
fn block_in_place_keeps_other_tasks_running() {
    let rt = support::multi_thread();
    rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel::<u32>();
        // A task that blocks its worker waiting for another task's message: it only
        // completes if the other tasks keep running elsewhere.
        let blocker =
            weft::spawn(async move { weft::task::block_in_place(move || rx.recv().unwrap()) });
        let sender = weft::spawn(async move {
            weft::task::yield_now().await;
            tx.send(11).unwrap();
        });
        sender.await.unwrap();
        assert_eq!(blocker.await.unwrap(), 11);
    });
}

#[test]
fn block_in_place_on_current_thread_panics() {
    let rt = support::current_thread();
    let res = rt.block_on(async { weft::spawn(async { weft::task::block_in_place(|| 1) }).await });
    let err = res.unwrap_err();
    assert!(err.is_panic());
}

#[test]
fn block_in_place_outside_runtime_just_runs() {
    assert_eq!(weft::task::block_in_place(|| 5), 5);
}

/// Only the current-thread scheduler can show the yield: there the other task can run only
/// if the budget forced one.
#[test]
fn consume_budget_yields_to_others_current_thread() {
    support::current_thread().block_on(async {
        let flag = Arc::new(AtomicUsize::new(0));
        let f2 = flag.clone();
        weft::spawn(async move { f2.store(1, Ordering::SeqCst) });
        // 1,000 budget units must yield at least once (budget is 128 per poll).
        for _ in 0..1000 {
            weft::task::consume_budget().await;
        }
        assert_eq!(flag.load(Ordering::SeqCst), 1);
    });
}

rt_test! {
    // Regression: with the coop budget spent, `join_next` used to re-poll the entry its own
    // deferred wake had just re-queued, spinning inside one poll of a multi-thread `block_on`.
    async fn join_set_join_next_drains_1000_tasks() {
        let mut set = weft::task::JoinSet::new();
        for i in 0..1_000u32 {
            set.spawn(async move { i });
        }
        let mut sum = 0u64;
        while let Some(res) = set.join_next().await {
            sum += u64::from(res.unwrap());
        }
        assert_eq!(sum, 999 * 1_000 / 2);
    }

    async fn join_set_join_next_drains_100000_tasks() {
        let mut set = weft::task::JoinSet::new();
        for _ in 0..100_000u32 {
            set.spawn(weft::task::yield_now());
        }
        let mut n = 0;
        while let Some(res) = set.join_next().await {
            res.unwrap();
            n += 1;
        }
        assert_eq!(n, 100_000);
    }

    async fn join_set_shutdown_500_pending_tasks() {
        let mut set = weft::task::JoinSet::new();
        for _ in 0..500 {
            set.spawn(std::future::pending::<()>());
        }
        set.shutdown().await;
        assert!(set.is_empty());
    }

    async fn join_set_drains_inside_a_spawned_task() {
        let n = weft::spawn(async {
            let mut set = weft::task::JoinSet::new();
            for i in 0..1_000u32 {
                set.spawn(async move { i });
            }
            let mut n = 0;
            while set.join_next().await.is_some() {
                n += 1;
            }
            n
        })
        .await
        .unwrap();
        assert_eq!(n, 1_000);
    }
}

// ===== Audit of poll loops (#17): bounded when every entry wakes itself at once =====

/// Wakes itself and returns `Pending` on every poll, counting its polls: always runnable.
fn always_runnable(polls: Arc<AtomicUsize>) -> impl std::future::Future<Output = ()> {
    std::future::poll_fn(move |cx| {
        polls.fetch_add(1, Ordering::Relaxed);
        cx.waker().wake_by_ref();
        std::task::Poll::<()>::Pending
    })
}

/// Spends the task's coop budget without yielding, as a busy resource would.
fn spend_budget(cx: &mut std::task::Context<'_>) {
    while let std::task::Poll::Ready(coop) = weft::task::coop::poll_proceed(cx) {
        coop.made_progress();
    }
}

rt_test! {
    // With the budget spent, every JoinHandle poll defers its wake; one poll of the set must
    // still return (it used to re-pop the entry the deferred wake re-queued, forever).
    async fn join_set_one_poll_returns_with_budget_spent() {
        let mut set = weft::task::JoinSet::new();
        for i in 0..1_000u32 {
            set.spawn(async move { i });
        }
        weft::task::yield_now().await; // let them finish
        std::future::poll_fn(|cx| {
            spend_budget(cx);
            assert!(set.poll_join_next(cx).is_pending(), "no budget, no result");
            std::task::Poll::Ready(())
        })
        .await;
        let mut n = 0;
        while set.join_next().await.is_some() {
            n += 1;
        }
        assert_eq!(n, 1_000);
    }

    // 1,000 entries always runnable and one that finishes: join_next finds the finished one,
    // and shutdown ends the rest.
    async fn join_set_with_always_runnable_entries_still_joins() {
        let polls = Arc::new(AtomicUsize::new(0));
        let mut set = weft::task::JoinSet::new();
        for _ in 0..1_000 {
            set.spawn(always_runnable(polls.clone()));
        }
        set.spawn(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
        assert!(set.join_next().await.unwrap().is_ok());
        set.shutdown().await;
        assert!(set.is_empty());
        assert!(polls.load(Ordering::Relaxed) >= 1_000);
    }

    // One poll of a LocalSet whose tasks all wake themselves runs a bounded number of task
    // polls (MAX_TASKS_PER_TICK, 61 today), then gives the thread back.
    async fn local_set_one_poll_is_bounded_with_always_runnable_tasks() {
        let polls = Arc::new(AtomicUsize::new(0));
        let mut local = weft::task::LocalSet::new();
        for _ in 0..10 {
            local.spawn_local(always_runnable(polls.clone()));
        }
        for round in 1..=5 {
            let before = polls.load(Ordering::Relaxed);
            std::future::poll_fn(|cx| {
                assert!(std::pin::Pin::new(&mut local).poll(cx).is_pending());
                std::task::Poll::Ready(())
            })
            .await;
            let ran = polls.load(Ordering::Relaxed) - before;
            assert!((1..=256).contains(&ran), "round {round}: {ran} task polls in one LocalSet poll");
        }
        // run_until with the same always-runnable tasks: the runtime's timer still fires.
        local
            .run_until(weft::time::sleep(std::time::Duration::from_millis(1)))
            .await;
    }

    // Handle::block_on from a blocking-pool thread (a thread without a scheduler): the
    // JoinSet pattern from #17 finishes, also with the budget spent before each poll.
    async fn join_set_in_block_on_from_spawn_blocking() {
        let handle = weft::runtime::Handle::current();
        let n = weft::task::spawn_blocking(move || {
            handle.block_on(async {
                let mut set = weft::task::JoinSet::new();
                for i in 0..1_000u32 {
                    set.spawn(async move { i });
                }
                let mut n = 0;
                while let Some(r) = set.join_next().await {
                    r.unwrap();
                    n += 1;
                }
                n
            })
        })
        .await
        .unwrap();
        assert_eq!(n, 1_000);
    }
}

// The current-thread runtime's second block_on, on a thread that does not hold the core
// (another thread is driving the scheduler): the JoinSet pattern finishes, and one poll of
// the set with the budget spent returns.
#[test]
fn join_set_in_block_on_without_the_core_current_thread() {
    let rt = Arc::new(support::current_thread());
    let (stop_tx, stop_rx) = weft::sync::oneshot::channel::<()>();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let driver = {
        let rt = rt.clone();
        std::thread::spawn(move || {
            rt.block_on(async {
                held_tx.send(()).unwrap();
                stop_rx.await.unwrap();
            })
        })
    };
    held_rx.recv().unwrap();
    let n = rt.block_on(async {
        let mut set = weft::task::JoinSet::new();
        for i in 0..1_000u32 {
            set.spawn(async move { i });
        }
        std::future::poll_fn(|cx| {
            spend_budget(cx);
            let _ = set.poll_join_next(cx);
            std::task::Poll::Ready(())
        })
        .await;
        let mut n = 0;
        while set.join_next().await.is_some() {
            n += 1;
        }
        n
    });
    assert_eq!(n, 1_000);
    stop_tx.send(()).unwrap();
    driver.join().unwrap();
}
