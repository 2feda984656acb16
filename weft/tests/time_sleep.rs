//! `sleep`, `sleep_until`, `Sleep::reset`, and the rules: never early, rounded up without an
//! extra millisecond, no overflow, shutdown, and the panic without `enable_time`.
//!
//! Tests with exact durations use paused time, which only the current-thread runtime supports
//! (as in tokio); the others run on both schedulers with `rt_test!`.
mod support;

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use weft::time::{self, sleep, sleep_until, Duration, Instant, Sleep};

fn paused() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("building a paused current-thread runtime")
}

rt_test! {
    async fn never_early_on_real_clock() {
        for ms in [0u64, 1, 2, 5] {
            let start = Instant::now();
            let dur = Duration::from_millis(ms) + Duration::from_micros(300);
            sleep(dur).await;
            assert!(start.elapsed() >= dur, "{ms} ms sleep returned early");
        }
    }

    async fn sleep_zero_completes() {
        let mut s = std::pin::pin!(sleep(Duration::ZERO));
        s.as_mut().await;
        assert!(s.is_elapsed());
    }

    async fn past_deadline_completes() {
        let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or_else(Instant::now);
        sleep_until(past).await;
    }

    async fn duration_max_does_not_overflow() {
        let s = sleep(Duration::MAX);
        assert!(s.deadline() > Instant::now() + Duration::from_secs(86400 * 365 * 10));
        // Polls once (registers far in the future), then is dropped by the timeout.
        let r = time::timeout(Duration::from_millis(1), s).await;
        assert!(r.is_err());
        let r = time::timeout(Duration::MAX, async { 3 }).await;
        assert_eq!(r, Ok(3));
    }

    async fn reset_after_elapsed_rearms() {
        let mut s = std::pin::pin!(sleep(Duration::from_millis(1)));
        s.as_mut().await;
        assert!(s.is_elapsed());
        let again = Instant::now() + Duration::from_millis(2);
        s.as_mut().reset(again);
        assert!(!s.is_elapsed());
        assert_eq!(s.deadline(), again);
        s.as_mut().await;
        assert!(Instant::now() >= again);
    }

    async fn drop_or_reset_from_another_task_while_firing() {
        // Pairs of tasks share one `Sleep`: the owner awaits it, the other task drops or resets
        // it at the same deadline, racing the driver that fires it (on the multi-thread
        // runtime, truly in parallel).
        #[derive(Default)]
        struct Slot {
            sleep: Option<Pin<Box<Sleep>>>,
            owner: Option<std::task::Waker>,
        }
        let mut handles = vec![];
        for i in 0..200u64 {
            let deadline = Instant::now() + Duration::from_millis(1 + i % 4);
            let shared = Arc::new(Mutex::new(Slot {
                sleep: Some(Box::pin(sleep_until(deadline))),
                owner: None,
            }));
            let owner = {
                let shared = shared.clone();
                weft::spawn(async move {
                    poll_fn(|cx| {
                        let mut slot = shared.lock().unwrap();
                        slot.owner = Some(cx.waker().clone());
                        match slot.sleep.as_mut() {
                            None => Poll::Ready(()), // dropped by the other task
                            Some(s) => s.as_mut().poll(cx),
                        }
                    })
                    .await
                })
            };
            let meddler = weft::spawn(async move {
                sleep_until(deadline).await;
                let mut slot = shared.lock().unwrap();
                if i % 2 == 0 {
                    drop(slot.sleep.take());
                    if let Some(w) = slot.owner.take() {
                        w.wake();
                    }
                } else if let Some(s) = slot.sleep.as_mut() {
                    s.as_mut().reset(Instant::now() + Duration::from_millis(1));
                }
            });
            handles.push(owner);
            handles.push(meddler);
        }
        for h in handles {
            time::timeout(Duration::from_secs(10), h)
                .await
                .expect("task stuck")
                .unwrap();
        }
    }

    async fn reset_to_the_past_from_another_task_wakes_the_owner() {
        let shared = Arc::new(Mutex::new(Box::pin(sleep(Duration::from_secs(3600)))));
        let (registered_tx, registered_rx) = std::sync::mpsc::channel::<()>();
        let owner = {
            let shared = shared.clone();
            weft::spawn(async move {
                let mut first = true;
                poll_fn(|cx| {
                    let r = shared.lock().unwrap().as_mut().poll(cx);
                    if first {
                        first = false;
                        registered_tx.send(()).unwrap();
                    }
                    r
                })
                .await
            })
        };
        // Wait (off the runtime's threads) until the owner has registered its waker.
        weft::task::spawn_blocking(move || registered_rx.recv().unwrap())
            .await
            .unwrap();
        let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or_else(Instant::now);
        shared.lock().unwrap().as_mut().reset(past);
        time::timeout(Duration::from_secs(10), owner)
            .await
            .expect("the owner was not woken by the reset")
            .unwrap();
    }

    async fn many_sleeps_all_fire_never_early() {
        // 20,000 in the debug test suite; see `million_sleeps` (ignored) for 1,000,000.
        many_sleeps(20_000, 100).await;
    }
}

use std::future::Future;

async fn many_sleeps(n: u32, spread_ms: u32) {
    let mut handles = Vec::with_capacity(n as usize);
    let start = Instant::now();
    for i in 0..n {
        let deadline = start
            + Duration::from_micros(u64::from(
                i.wrapping_mul(2_654_435_761) % (spread_ms * 1000),
            ));
        handles.push(weft::spawn(async move {
            sleep_until(deadline).await;
            assert!(Instant::now() >= deadline, "fired early");
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
}

#[test]
#[ignore = "1,000,000 concurrent sleeps: run in release (`--release -- --ignored`)"]
fn million_sleeps() {
    support::multi_thread().block_on(many_sleeps(1_000_000, 1000));
}

#[test]
fn paused_sleep_rounds_up_to_the_tick_and_adds_nothing() {
    paused().block_on(async {
        let start = Instant::now();
        sleep(Duration::from_millis(10)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(10));
        // 1.5 ms from a whole tick: rounded up to 2 ms, not 3.
        sleep(Duration::from_micros(1500)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(12));
        // A sub-millisecond sleep still waits a whole tick, never zero.
        sleep(Duration::from_micros(1)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(13));
    });
}

#[test]
fn paused_many_sleeps_fire_at_their_tick() {
    // 10,000 in the debug suite; `paused_million_sleeps_fire_at_their_tick` (ignored) runs
    // 1,000,000.
    paused_sleeps_fire_at_their_tick(10_000);
}

#[test]
#[ignore = "1,000,000 concurrent sleeps: run in release (`--release -- --ignored`)"]
fn paused_million_sleeps_fire_at_their_tick() {
    paused_sleeps_fire_at_their_tick(1_000_000);
}

fn paused_sleeps_fire_at_their_tick(n: u64) {
    // Every sleep completes exactly at its deadline rounded up to the millisecond: with the
    // clock advancing tick by tick this is "in deadline order within tick resolution".
    paused().block_on(async move {
        let start = Instant::now();
        let fired = Arc::new(Mutex::new(Vec::new()));
        let mut handles = vec![];
        for i in 0..n {
            let offset = Duration::from_micros(i.wrapping_mul(2_654_435_761) % 10_000_000);
            let fired = fired.clone();
            handles.push(weft::spawn(async move {
                sleep_until(start + offset).await;
                let rounded = Duration::from_millis(offset.as_micros().div_ceil(1000) as u64);
                assert_eq!(start.elapsed(), rounded);
                fired.lock().unwrap().push(start.elapsed());
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let fired = fired.lock().unwrap();
        assert_eq!(fired.len() as u64, n);
        assert!(
            fired.windows(2).all(|w| w[0] <= w[1]),
            "out of deadline order"
        );
    });
}

#[test]
fn paused_auto_advance_years() {
    paused().block_on(async {
        let start = Instant::now();
        sleep(Duration::from_secs(86400 * 365 * 3)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(86400 * 365 * 3));
    });
}

#[test]
#[should_panic(expected = "enable_time")]
fn timers_without_enable_time_panic_with_the_fix() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        sleep(Duration::from_millis(1)).await;
    });
}

#[test]
#[should_panic(expected = "no weft runtime")]
fn sleep_outside_a_runtime_panics() {
    drop(sleep(Duration::from_millis(1)));
}

#[test]
#[should_panic(expected = "shut down")]
#[allow(clippy::async_yields_async)] // the Sleep is handed out on purpose, to outlive the runtime
fn sleep_polled_after_runtime_shutdown_panics() {
    let rt = support::current_thread();
    let mut s = rt.block_on(async {
        let mut s = Box::pin(sleep(Duration::from_secs(3600)));
        // Register it with the driver.
        poll_fn(|cx| {
            assert!(s.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        s
    });
    drop(rt);
    futures::executor::block_on(s.as_mut());
}

#[test]
fn sleep_counts_against_the_coop_budget() {
    // An elapsed Sleep is always ready; awaiting it in a loop must still yield to other tasks.
    support::current_thread().block_on(async {
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let looper = weft::spawn(async move {
            let mut s = std::pin::pin!(sleep(Duration::ZERO));
            s.as_mut().await;
            for _ in 0..1000 {
                s.as_mut().await;
                if f.load(SeqCst) {
                    return true;
                }
            }
            false
        });
        let other = weft::spawn(async move { flag.store(true, SeqCst) });
        assert!(looper.await.unwrap(), "a ready timer loop never yielded");
        other.await.unwrap();
    });
}

/// Lateness of 10,000 sleeps with random durations in 0–50 ms on the real clock: how long
/// after its deadline each task resumed. Prints p50/p99/max per scheduler.
///
/// `cargo test -p weft --release --test time_sleep lateness -- --ignored --nocapture`
#[test]
#[ignore = "measurement on the real clock; prints the lateness distribution"]
fn lateness_distribution() {
    let time_only = |b: &mut weft::runtime::Builder| b.enable_time().build().unwrap();
    for (name, rt) in [
        (
            "current_thread, enable_all (epoll waits)",
            support::current_thread(),
        ),
        (
            "multi_thread(2), enable_all (epoll waits)",
            support::multi_thread(),
        ),
        (
            "current_thread, time only (condvar waits)",
            time_only(&mut weft::runtime::Builder::new_current_thread()),
        ),
        (
            "multi_thread(2), time only (condvar waits)",
            time_only(weft::runtime::Builder::new_multi_thread().worker_threads(2)),
        ),
    ] {
        let mut late: Vec<Duration> = rt.block_on(async {
            // Deadlines start 20 ms out, so that spawning the 10,000 tasks is over before the
            // first one is due and only the timer's lateness is measured.
            let start = Instant::now() + Duration::from_millis(20);
            let handles: Vec<_> = (0..10_000u64)
                .map(|i| {
                    // A fixed pseudo-random sequence (Knuth's multiplicative hash), µs in 0–50 ms.
                    let offset = Duration::from_micros(i.wrapping_mul(2_654_435_761) % 50_000);
                    weft::spawn(async move {
                        let deadline = start + offset;
                        sleep_until(deadline).await;
                        Instant::now() - deadline
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(handles.len());
            for h in handles {
                out.push(h.await.unwrap());
            }
            out
        });
        late.sort_unstable();
        let q = |p: f64| late[((late.len() - 1) as f64 * p) as usize];
        println!(
            "{name}: lateness p50 = {:?}, p99 = {:?}, max = {:?} (n = {})",
            q(0.50),
            q(0.99),
            late[late.len() - 1],
            late.len()
        );
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn unpin<T: Unpin>() {}
    send_sync::<Sleep>();
    send_sync::<time::Timeout<std::future::Ready<()>>>();
    send_sync::<time::Interval>();
    send_sync::<time::error::Elapsed>();
    send_sync::<Instant>();
    unpin::<time::Interval>();
    unpin::<Instant>();
}

#[test]
fn paused_long_wait_sleep_does_not_break_other_timers() {
    // tokio's `time_sleep::long_wait_sleep_does_not_break_other_timers`: with a sleep of about
    // 22 years pending, a 10 ms sleep after advancing 2^30 - 1 ms still takes 10 ms.
    paused().block_on(async {
        weft::spawn(sleep(Duration::from_millis(10 << 36)));
        time::advance(Duration::from_millis((1 << 30) - 1)).await;
        let start = Instant::now();
        sleep(Duration::from_millis(10)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(10));

        // And the wheel is not corrupted by it (tokio's `long_wait_sleep_does_not_corrupt_wheel`).
        let mut first = Box::pin(sleep(Duration::from_millis(10)));
        let mut second = Box::pin(sleep(Duration::from_millis(20)));
        assert!(poll_fn(|cx| Poll::Ready(first.as_mut().poll(cx).is_pending())).await);
        assert!(poll_fn(|cx| Poll::Ready(second.as_mut().poll(cx).is_pending())).await);
        time::advance(Duration::from_millis(30)).await;
        assert!(poll_fn(|cx| Poll::Ready(second.as_mut().poll(cx).is_ready())).await);
        drop(first);
        time::advance(Duration::from_millis(1 << 31)).await;
        drop(second);
        let start = Instant::now();
        sleep(Duration::from_millis(3)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(3));
    });
}

#[test]
fn paused_huge_durations_do_not_panic_or_overflow() {
    paused().block_on(async {
        let start = Instant::now();
        // Pending sleeps of every huge size, then a short one that must stay on time.
        for d in [
            Duration::MAX,
            Duration::MAX - Duration::from_millis(1),
            Duration::from_secs(u64::MAX / 2),
            Duration::from_millis(u64::MAX),
        ] {
            let mut s = Box::pin(sleep(d));
            assert!(poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx).is_pending())).await);
            weft::spawn(s);
            let mut i = time::interval(d);
            assert_eq!(i.tick().await, start, "the first tick is immediate");
            let mut tick = Box::pin(i.tick());
            assert!(poll_fn(|cx| Poll::Ready(tick.as_mut().poll(cx).is_pending())).await);
            drop(tick);
            i.reset();
            i.reset_after(d);
            let mut at = time::interval_at(start, d);
            at.set_missed_tick_behavior(time::MissedTickBehavior::Skip);
            at.tick().await;
            assert!(time::timeout(d, async { 5 }).await.is_ok());
        }
        sleep(Duration::from_millis(10)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(10));
    });
}
