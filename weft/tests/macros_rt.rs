//! The macros on real weft runtimes, both schedulers: `#[weft::main]` / `#[weft::test]`
//! options, and `select!` / `join!` / `try_join!` / `task_local!` inside runtime tasks.

mod support;

use std::future::{pending, ready};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

// ===== #[weft::main] =====

#[weft::main]
async fn main_multi_thread() -> weft::runtime::RuntimeFlavor {
    weft::runtime::Handle::current().runtime_flavor()
}

#[weft::main(flavor = "current_thread")]
async fn main_current_thread() -> weft::runtime::RuntimeFlavor {
    weft::runtime::Handle::current().runtime_flavor()
}

#[weft::main(worker_threads = 2)]
async fn main_result(input: &str) -> Result<u32, std::num::ParseIntError> {
    let n: u32 = input.parse()?;
    Ok(weft::spawn(async move { n * 2 }).await.unwrap())
}

#[test]
fn main_builds_the_requested_flavor() {
    assert_eq!(
        main_multi_thread(),
        weft::runtime::RuntimeFlavor::MultiThread
    );
    assert_eq!(
        main_current_thread(),
        weft::runtime::RuntimeFlavor::CurrentThread
    );
}

#[test]
fn main_returning_result() {
    assert_eq!(main_result("21"), Ok(42));
    assert!(main_result("x").is_err());
}

// ===== #[weft::test] =====

#[weft::test]
async fn test_defaults_to_current_thread() {
    assert_eq!(
        weft::runtime::Handle::current().runtime_flavor(),
        weft::runtime::RuntimeFlavor::CurrentThread
    );
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_multi_thread_flavor() {
    assert_eq!(
        weft::runtime::Handle::current().runtime_flavor(),
        weft::runtime::RuntimeFlavor::MultiThread
    );
    assert_eq!(weft::spawn(async { 3 }).await.unwrap(), 3);
}

#[weft::test]
#[should_panic(expected = "panics in the body")]
async fn test_should_panic() {
    panic!("panics in the body");
}

#[weft::test(flavor = "multi_thread")]
async fn test_result_return() -> Result<(), String> {
    weft::spawn(async {}).await.map_err(|e| e.to_string())
}

#[weft::test(start_paused = true)]
async fn test_start_paused_compiles_and_runs() {
    assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
}

// ===== select! =====

rt_test! {
    async fn select_random_start_lets_every_branch_win() {
        let mut wins = [0u32; 3];
        for _ in 0..300 {
            let i = weft::select! {
                _ = ready(()) => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
            };
            wins[i] += 1;
        }
        assert!(wins.iter().all(|&w| w > 0), "a branch never won: {wins:?}");
    }

    async fn select_biased_takes_the_first_ready_branch() {
        for _ in 0..100 {
            let i = weft::select! {
                biased;
                _ = weft::task::yield_now() => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
            };
            assert_eq!(i, 1);
        }
    }

    async fn select_waits_for_a_spawned_task() {
        let handle = weft::spawn(async {
            weft::task::yield_now().await;
            5
        });
        let out = weft::select! {
            _ = pending::<()>() => unreachable!(),
            res = handle => res.unwrap(),
        };
        assert_eq!(out, 5);
    }

    async fn select_else_and_preconditions() {
        let polled = Arc::new(AtomicBool::new(false));
        let p = polled.clone();
        let out = weft::select! {
            _ = async move { p.store(true, Ordering::SeqCst) }, if false => 1,
            Some(v) = ready(None::<i32>) => v,
            else => 3,
        };
        assert_eq!(out, 3);
        assert!(!polled.load(Ordering::SeqCst));
    }

    async fn select_loser_task_handle_dropped_detaches_not_aborts() {
        let done = Arc::new(AtomicBool::new(false));
        let d = done.clone();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let slow = weft::spawn(async move {
            weft::task::yield_now().await;
            d.store(true, Ordering::SeqCst);
            tx.send(()).unwrap();
        });
        weft::select! {
            biased;
            _ = ready(()) => {},
            _ = slow => unreachable!("the ready branch is polled first"),
        }
        // Dropping a JoinHandle detaches: the task still runs to completion.
        weft::task::spawn_blocking(move || rx.recv().unwrap()).await.unwrap();
        assert!(done.load(Ordering::SeqCst));
    }
}

// ===== join! / try_join! =====

rt_test! {
    async fn join_spawned_handles() {
        let (a, b) = weft::join!(weft::spawn(async { 1 }), weft::spawn(async { 2 }));
        assert_eq!((a.unwrap(), b.unwrap()), (1, 2));
    }

    async fn join_futures_make_progress_concurrently_in_one_task() {
        let counter = Arc::new(AtomicUsize::new(0));
        let step = |c: Arc<AtomicUsize>| async move {
            for _ in 0..10 {
                c.fetch_add(1, Ordering::SeqCst);
                weft::task::yield_now().await;
            }
        };
        weft::join!(step(counter.clone()), step(counter.clone()), step(counter.clone()));
        assert_eq!(counter.load(Ordering::SeqCst), 30);
    }

    async fn try_join_short_circuits_and_drops_the_rest() {
        struct SetOnDrop(Arc<AtomicBool>);
        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let res: Result<((), ()), &str> = weft::try_join!(
            async move {
                let _guard = guard;
                pending::<()>().await;
                Ok(())
            },
            async {
                weft::task::yield_now().await;
                Err("failed")
            },
        );
        assert_eq!(res, Err("failed"));
        assert!(dropped.load(Ordering::SeqCst));
    }

    async fn join_rotation_lets_a_starved_future_run_under_the_coop_budget() {
        // `a` spends the whole budget on every poll until `b` has run once. If `a` were always
        // polled first, `b` would find the budget spent each time and never run.
        let b_ran = AtomicBool::new(false);
        let (spins, ()) = weft::join!(
            async {
                let mut spins = 0u64;
                while !b_ran.load(Ordering::SeqCst) {
                    weft::task::consume_budget().await;
                    spins += 1;
                }
                spins
            },
            async {
                weft::task::consume_budget().await;
                b_ran.store(true, Ordering::SeqCst);
            },
        );
        assert!(spins > 0);
    }

    async fn try_join_all_ok() {
        let res = weft::try_join!(
            async { weft::spawn(async { 1 }).await },
            async { weft::spawn(async { 2 }).await },
        );
        assert_eq!(res.unwrap(), (1, 2));
    }
}

// ===== task_local! =====

weft::task_local! {
    static REQUEST: u32;
}

rt_test! {
    async fn task_local_follows_its_task_across_yields() {
        let mut handles = Vec::new();
        for i in 0..8u32 {
            handles.push(weft::spawn(REQUEST.scope(i, async move {
                for _ in 0..5 {
                    assert_eq!(REQUEST.get(), i);
                    weft::task::yield_now().await;
                }
                REQUEST.get()
            })));
        }
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.await.unwrap(), i as u32);
        }
    }

    async fn task_local_is_not_inherited_by_spawned_tasks() {
        let seen = REQUEST
            .scope(1, async {
                weft::spawn(async { REQUEST.try_get().is_ok() }).await.unwrap()
            })
            .await;
        assert!(!seen);
    }
}

// ===== Audit of poll loops (#17): select!/join! with branches that wake themselves =====

/// Wakes itself and returns `Pending` on every poll, counting its polls.
fn always_runnable(polls: Arc<AtomicUsize>) -> impl std::future::Future<Output = ()> {
    std::future::poll_fn(move |cx| {
        polls.fetch_add(1, Ordering::Relaxed);
        cx.waker().wake_by_ref();
        std::task::Poll::<()>::Pending
    })
}

/// Polls `fut` once per round for `rounds` rounds and asserts each poll polled at most
/// `branches` branch futures: no branch is re-polled within one poll after waking itself.
async fn assert_polls_each_branch_at_most_once<F: std::future::Future>(
    fut: F,
    polls: &AtomicUsize,
    branches: usize,
) {
    let mut fut = std::pin::pin!(fut);
    for round in 1..=10 {
        let before = polls.load(Ordering::Relaxed);
        std::future::poll_fn(|cx| {
            assert!(fut.as_mut().poll(cx).is_pending());
            std::task::Poll::Ready(())
        })
        .await;
        let ran = polls.load(Ordering::Relaxed) - before;
        assert!(
            ran <= branches,
            "round {round}: {ran} branch polls in one poll of {branches} branches"
        );
    }
}

rt_test! {
    async fn select_polls_each_self_waking_branch_at_most_once_per_poll() {
        let polls = Arc::new(AtomicUsize::new(0));
        let p = || always_runnable(polls.clone());
        let fut = async {
            weft::select! {
                () = p() => {}
                () = p() => {}
                () = p() => {}
            }
        };
        assert_polls_each_branch_at_most_once(fut, &polls, 3).await;
        assert!(polls.load(Ordering::Relaxed) > 0);
    }

    async fn join_polls_each_self_waking_future_at_most_once_per_poll() {
        let polls = Arc::new(AtomicUsize::new(0));
        let p = || always_runnable(polls.clone());
        let fut = async {
            weft::join!(p(), p(), p(), p());
        };
        assert_polls_each_branch_at_most_once(fut, &polls, 4).await;
        let fut = async {
            let ok = |f| async move {
                f.await;
                Ok::<(), ()>(())
            };
            let _ = weft::try_join!(ok(p()), ok(p()));
        };
        assert_polls_each_branch_at_most_once(fut, &polls, 2).await;
    }

    // A select! whose other branch is always runnable still sees the timer fire: the task
    // goes back to the scheduler, which polls the driver.
    async fn select_with_an_always_runnable_branch_lets_the_timer_fire() {
        let polls = Arc::new(AtomicUsize::new(0));
        weft::select! {
            biased;
            () = always_runnable(polls.clone()) => unreachable!(),
            () = weft::time::sleep(std::time::Duration::from_millis(1)) => {}
        }
        assert!(polls.load(Ordering::Relaxed) > 0);
    }
}
