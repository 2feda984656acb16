//! `weft::task::coop`: the cooperative budget as tokio exposes it, used by resources outside
//! weft (tokio-util's and tokio-stream's wrappers call `poll_proceed` and `made_progress`).

mod support;

use std::future::poll_fn;
use std::task::{ready, Poll};
use weft::task::coop;

rt_test! {
    async fn poll_proceed_runs_out_after_128_and_yields() {
        // A resource that always has data, spending budget like a weft resource does.
        let mut polls = 0u32;
        let mut ready_count = 0u32;
        poll_fn(|cx| {
            polls += 1;
            loop {
                let guard = ready!(coop::poll_proceed(cx));
                guard.made_progress();
                ready_count += 1;
                if ready_count == 300 {
                    return Poll::Ready(());
                }
            }
        })
        .await;
        // 128 per poll: 300 operations need three polls, each after a yield.
        assert_eq!(polls, 3);
        assert!(coop::has_budget_remaining());
    }

    async fn guard_dropped_without_progress_gives_the_unit_back() {
        let mut polls = 0u32;
        poll_fn(|cx| {
            polls += 1;
            for _ in 0..1000 {
                // No progress: the unit comes back each time, so the budget never runs out.
                let _guard = ready!(coop::poll_proceed(cx));
            }
            Poll::Ready(())
        })
        .await;
        assert_eq!(polls, 1);
    }

    async fn unconstrained_never_runs_out() {
        let mut polls = 0u32;
        coop::unconstrained(poll_fn(|cx| {
            polls += 1;
            for _ in 0..1000 {
                let guard = ready!(coop::poll_proceed(cx));
                guard.made_progress();
            }
            Poll::Ready(())
        }))
        .await;
        assert_eq!(polls, 1);
    }

    async fn cooperative_spends_budget_and_yields_when_spent() {
        for _ in 0..128 {
            coop::consume_budget().await;
        }
        // The budget is spent: the next cooperative future yields once before it runs.
        assert!(!coop::has_budget_remaining());
        let mut polled = 0;
        let v = coop::cooperative(poll_fn(|_| {
            polled += 1;
            Poll::Ready(9)
        }))
        .await;
        assert_eq!((v, polled), (9, 1));
    }
}
