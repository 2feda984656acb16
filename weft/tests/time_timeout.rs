//! `timeout` and `timeout_at`.
mod support;

use weft::time::{self, error::Elapsed, timeout, timeout_at, Duration, Instant};

rt_test! {
    async fn ready_future_wins_even_with_zero_deadline() {
        assert_eq!(timeout(Duration::ZERO, async { 5 }).await, Ok(5));
        let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or_else(Instant::now);
        assert_eq!(timeout_at(past, std::future::ready("x")).await, Ok("x"));
    }

    async fn pending_future_times_out_not_early() {
        let start = Instant::now();
        let r: Result<(), Elapsed> = timeout(Duration::from_millis(3), std::future::pending()).await;
        assert!(r.is_err());
        assert!(start.elapsed() >= Duration::from_millis(3));
    }

    async fn inner_value_accessors() {
        let mut t = timeout(Duration::from_secs(1), async { 1 });
        let _: &_ = t.get_ref();
        let _: &mut _ = t.get_mut();
        assert_eq!(t.into_inner().await, 1);
    }

    async fn elapsed_converts_to_timed_out_io_error() {
        let e = timeout(Duration::ZERO, std::future::pending::<()>()).await.unwrap_err();
        assert_eq!(e.to_string(), "deadline has elapsed");
        let io: std::io::Error = e.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    }
}

/// The inner future consumes budget forever but never completes; the deadline must still be
/// observed (the timer is polled unconstrained once the inner future spent the budget).
async fn busy_inner_future_still_times_out() {
    let busy = async {
        loop {
            weft::task::consume_budget().await;
        }
    };
    let r = timeout(Duration::from_millis(2), busy).await;
    assert!(r.is_err());
}

#[test]
fn timeout_still_fires_when_inner_future_spends_the_budget_multi_thread() {
    support::multi_thread().block_on(busy_inner_future_still_times_out());
}

/// Hangs today: when the budget runs out, `coop::poll_proceed` wakes the `block_on` future
/// directly, and the current-thread `block_on` loop re-polls a woken future without ever
/// turning the driver, so the timer never fires. tokio defers that wake
/// (`context::defer(cx.waker())`, as `yield_now` does here); with that one-line change in
/// `runtime/coop.rs` this test passes.
#[test]
#[ignore = "needs coop::poll_proceed to defer its wake (runtime/coop.rs, lead)"]
fn timeout_still_fires_when_inner_future_spends_the_budget_current_thread() {
    support::current_thread().block_on(busy_inner_future_still_times_out());
}

#[test]
fn paused_timeout_elapses_exactly() {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(async {
            let start = Instant::now();
            let r = timeout(Duration::from_secs(30), time::sleep(Duration::MAX)).await;
            assert!(r.is_err());
            assert_eq!(start.elapsed(), Duration::from_secs(30));
        });
}
