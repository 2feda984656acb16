//! `Interval`: ticks, resets, and each `MissedTickBehavior` under paused time (current-thread
//! runtime only, as paused time requires).
mod support;

use weft::time::{self, interval, interval_at, Duration, Instant, MissedTickBehavior};

fn paused() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

const P: Duration = Duration::from_millis(10);

/// Ticks once, then advances 35 ms without ticking (missing the ticks at 10, 20, 30), and
/// returns the next four tick instants relative to the start.
async fn after_missing(behavior: MissedTickBehavior) -> Vec<Duration> {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.set_missed_tick_behavior(behavior);
    assert_eq!(iv.tick().await, start);
    time::advance(Duration::from_millis(35)).await;
    let mut out = vec![];
    for _ in 0..4 {
        out.push(iv.tick().await - start);
    }
    out
}

fn ms(v: &[u64]) -> Vec<Duration> {
    v.iter().map(|&m| Duration::from_millis(m)).collect()
}

#[test]
fn missed_tick_burst_catches_up_on_schedule() {
    let ticks = paused().block_on(after_missing(MissedTickBehavior::Burst));
    assert_eq!(ticks, ms(&[10, 20, 30, 40]));
}

#[test]
fn missed_tick_delay_shifts_the_schedule() {
    // Returns the missed deadline (10) at 35, then every period from 35.
    let ticks = paused().block_on(after_missing(MissedTickBehavior::Delay));
    assert_eq!(ticks, ms(&[10, 45, 55, 65]));
}

#[test]
fn missed_tick_skip_keeps_the_grid() {
    let ticks = paused().block_on(after_missing(MissedTickBehavior::Skip));
    assert_eq!(ticks, ms(&[10, 40, 50, 60]));
}

#[test]
fn paused_interval_does_not_drift() {
    paused().block_on(async {
        let start = Instant::now();
        let mut iv = interval_at(start + P, P);
        for i in 1..=50u32 {
            assert_eq!(iv.tick().await, start + P * i);
            assert_eq!(Instant::now(), start + P * i);
        }
    });
}

#[test]
fn paused_resets() {
    paused().block_on(async {
        let start = Instant::now();
        let mut iv = interval(P);
        iv.tick().await;
        iv.reset_immediately();
        assert_eq!(iv.tick().await, start);
        iv.reset_after(Duration::from_millis(3));
        assert_eq!(iv.tick().await, start + Duration::from_millis(3));
        iv.reset();
        assert_eq!(iv.tick().await, start + Duration::from_millis(13));
        iv.reset_at(start + Duration::from_secs(1));
        assert_eq!(iv.tick().await, start + Duration::from_secs(1));
        assert_eq!(iv.period(), P);
        assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Burst);
    });
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics() {
    support::current_thread().block_on(async {
        let _ = interval(Duration::ZERO);
    });
}

rt_test! {
    async fn interval_ticks_on_real_clock() {
        let start = Instant::now();
        let mut iv = interval(Duration::from_millis(2));
        let first = iv.tick().await;
        let mut prev = first;
        for _ in 0..5 {
            let t = iv.tick().await;
            assert_eq!(t - prev, Duration::from_millis(2));
            assert!(Instant::now() >= t, "tick before its instant");
            prev = t;
        }
        assert!(start.elapsed() >= Duration::from_millis(10));
    }
}

#[test]
fn huge_period_does_not_overflow() {
    paused().block_on(async {
        for behavior in [
            MissedTickBehavior::Burst,
            MissedTickBehavior::Delay,
            MissedTickBehavior::Skip,
        ] {
            let mut iv = interval(Duration::MAX);
            iv.set_missed_tick_behavior(behavior);
            iv.tick().await;
            // The next tick is "never"; a short timeout proves polling it is fine.
            assert!(time::timeout(Duration::from_secs(1), iv.tick())
                .await
                .is_err());
        }
    });
}
