//! Stress: timers — 100,000 sleeps with random deadlines (some reset, some dropped, some
//! years away), under paused time on the current-thread scheduler (where pausing is allowed)
//! and on the real clock, over a couple of seconds, on the multi-thread one.
//!
//! `#[ignore]`d: run in release, `cargo test -p weft --release --test 'stress_*' -- --ignored
//! --test-threads=1` (CI does, in its own step). Each test runs under a watchdog that aborts
//! the process naming the test if it hangs; see `stress_support`.
mod stress_support;

use std::time::Duration;
use stress_support::{Rng, Watchdog};
use weft::time::{sleep, sleep_until, Instant};

const SLEEPS: usize = 100_000;

/// 100,000 tasks each sleep until a random deadline within `span` (a fifth of them reset to
/// a new one midway, a tenth dropped by a timeout, plus a few timers years away, dropped at the
/// end); each checks it woke no earlier than its deadline, and the woken count adds up.
async fn random_sleeps(span: Duration, seed: u64) {
    let mut rng = Rng::new(seed);
    let start = Instant::now();
    let span_ms = span.as_millis() as u64;
    let mut handles = Vec::with_capacity(SLEEPS);
    for i in 0..SLEEPS {
        let first = start + Duration::from_millis(rng.below(span_ms));
        let second = start + Duration::from_millis(rng.below(span_ms));
        let handle = match i % 10 {
            0 | 1 => weft::spawn(async move {
                let s = sleep_until(first);
                weft::pin!(s);
                // Reset after a yield, to a deadline that may be earlier or later.
                weft::task::yield_now().await;
                s.as_mut().reset(second);
                s.await;
                let now = Instant::now();
                assert!(now >= second, "a reset sleep woke before its new deadline");
                1
            }),
            2 => weft::spawn(async move {
                // Dropped by a timeout that fires first (or completes, if it is the later).
                let limit = second.saturating_duration_since(Instant::now());
                match weft::time::timeout(limit, sleep_until(first)).await {
                    Ok(()) => assert!(Instant::now() >= first),
                    Err(_) => assert!(Instant::now() >= second),
                }
                1
            }),
            _ => weft::spawn(async move {
                sleep_until(first).await;
                assert!(Instant::now() >= first, "a sleep woke before its deadline");
                1
            }),
        };
        handles.push(handle);
    }
    // Far-away timers in the wheel's top levels (46 days, 2.2 and 12.7 years), never reached.
    let far: Vec<_> = [4_000_000u64, 69_000_000, 400_000_000]
        .iter()
        .map(|&s| weft::spawn(sleep(Duration::from_secs(s))))
        .collect();
    let mut woken = 0;
    for h in handles {
        woken += h.await.unwrap();
    }
    assert_eq!(woken, SLEEPS);
    for f in far {
        f.abort();
        assert!(f.await.unwrap_err().is_cancelled());
    }
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn sleeps_100k_random_deadlines_paused_current_thread() {
    let _watchdog = Watchdog::start(
        "stress_time::sleeps_100k_random_deadlines_paused_current_thread",
        Duration::from_secs(300),
    );
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        // An hour of virtual time: the clock jumps from deadline to deadline.
        let start = Instant::now();
        random_sleeps(Duration::from_secs(3_600), 0x5eed).await;
        assert!(Instant::now() - start < Duration::from_secs(3_601));
        // Every deadline again, with the clock advanced by hand in uneven steps.
        let mut rng = Rng::new(7);
        let start = Instant::now();
        let handles: Vec<_> = (0..SLEEPS)
            .map(|_| {
                let at = start + Duration::from_millis(rng.below(10_000));
                weft::spawn(async move {
                    sleep_until(at).await;
                    assert!(Instant::now() >= at);
                })
            })
            .collect();
        while Instant::now() < start + Duration::from_secs(11) {
            weft::time::advance(Duration::from_millis(1 + rng.below(50))).await;
        }
        for h in handles {
            h.await.unwrap();
        }
    });
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn sleeps_100k_random_deadlines_real_clock_multi_thread() {
    let _watchdog = Watchdog::start(
        "stress_time::sleeps_100k_random_deadlines_real_clock_multi_thread",
        Duration::from_secs(300),
    );
    // Pausing is for the current-thread runtime only; here the real clock runs, so the
    // deadlines are spread over two seconds.
    stress_support::multi_thread().block_on(random_sleeps(Duration::from_secs(2), 0xfeed));
}

#[test]
#[ignore = "stress test: cargo test -p weft --release --test 'stress_*' -- --ignored"]
fn sleeps_100k_random_deadlines_real_clock_current_thread() {
    let _watchdog = Watchdog::start(
        "stress_time::sleeps_100k_random_deadlines_real_clock_current_thread",
        Duration::from_secs(300),
    );
    stress_support::current_thread().block_on(random_sleeps(Duration::from_secs(2), 0xbeef));
}
