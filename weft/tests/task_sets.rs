//! JoinSet, LocalSet, block_in_place, budget: on both schedulers where they apply.

mod support;

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
