//! The wheel as a plain data structure: entries boxed and pinned, no driver.

use super::*;
use std::pin::Pin;

fn entry() -> Pin<Box<TimerShared>> {
    Box::pin(TimerShared::new(0))
}

fn ptr(e: &Pin<Box<TimerShared>>) -> NonNull<TimerShared> {
    NonNull::from(&**e)
}

fn when(e: NonNull<TimerShared>) -> u64 {
    // SAFETY: test entries outlive the wheel's use of them; single-threaded.
    unsafe { e.as_ref().with_locked(|l| l.when) }
}

/// Pops everything due at `now`, returning the ticks in the order they came out.
fn drain(wheel: &mut Wheel, now: u64) -> Vec<u64> {
    let mut out = vec![];
    while let Some(e) = wheel.poll(now) {
        // SAFETY: `poll` unlinked the entry; nothing else touches it.
        unsafe { e.as_ref().with_locked(|l| l.position = Position::None) };
        out.push(when(e));
    }
    out
}

#[test]
fn level_for_picks_highest_differing_group() {
    assert_eq!(level_for(0, 1), 0);
    assert_eq!(level_for(0, 63), 0);
    assert_eq!(level_for(0, 64), 1);
    assert_eq!(level_for(0, 4095), 1);
    assert_eq!(level_for(0, 4096), 2);
    assert_eq!(level_for(63, 64), 1);
    assert_eq!(level_for(0, 1 << 35), 5);
    assert_eq!(level_for(0, u64::MAX >> 2), 5, "capped at the top level");
}

#[test]
fn past_or_current_tick_is_rejected() {
    let mut wheel = Wheel::new();
    let e = entry();
    // SAFETY: pinned, live for the test, in no list.
    unsafe { assert_eq!(wheel.insert(ptr(&e), 0), Err(())) };
    assert_eq!(drain(&mut wheel, 10), Vec::<u64>::new());
    // SAFETY: as above.
    unsafe { assert_eq!(wheel.insert(ptr(&e), 10), Err(())) };
    assert_eq!(wheel.next_expiration_tick(), None);
}

#[test]
fn fires_exactly_at_tick_never_before() {
    for when in [
        1u64,
        2,
        63,
        64,
        65,
        100,
        4095,
        4096,
        4097,
        262_143,
        262_144,
        1 << 30,
        (1 << 36) + 5,
    ] {
        let mut wheel = Wheel::new();
        let e = entry();
        // SAFETY: pinned, live for the test, in no list.
        unsafe { wheel.insert(ptr(&e), when).unwrap() };
        assert!(wheel.next_expiration_tick().unwrap() <= when);
        assert_eq!(
            drain(&mut wheel, when - 1),
            Vec::<u64>::new(),
            "early at {when}"
        );
        assert_eq!(drain(&mut wheel, when), vec![when], "late at {when}");
        assert_eq!(wheel.next_expiration_tick(), None);
    }
}

#[test]
fn stepping_tick_by_tick_fires_each_in_order() {
    let mut wheel = Wheel::new();
    let ticks: Vec<u64> = vec![1, 3, 64, 70, 129, 500, 4096, 5000, 9000];
    let entries: Vec<_> = ticks.iter().map(|_| entry()).collect();
    for (e, &t) in entries.iter().zip(&ticks) {
        // SAFETY: pinned, live for the test, in no list.
        unsafe { wheel.insert(ptr(e), t).unwrap() };
    }
    let mut fired = vec![];
    for now in 0..=9000 {
        for t in drain(&mut wheel, now) {
            assert_eq!(t, now, "fired at the wrong tick");
            fired.push(t);
        }
    }
    assert_eq!(fired, ticks);
}

#[test]
fn jumping_far_fires_in_deadline_order() {
    let mut wheel = Wheel::new();
    let rng = crate::util::rand::FastRand::from_seed(7);
    let ticks: Vec<u64> = (0..2000)
        .map(|_| 1 + u64::from(rng.fastrand_n(1_000_000)))
        .collect();
    let entries: Vec<_> = ticks.iter().map(|_| entry()).collect();
    for (e, &t) in entries.iter().zip(&ticks) {
        // SAFETY: pinned, live for the test, in no list.
        unsafe { wheel.insert(ptr(e), t).unwrap() };
    }
    let fired = drain(&mut wheel, 2_000_000);
    let mut sorted = ticks.clone();
    sorted.sort_unstable();
    assert_eq!(fired, sorted);
}

#[test]
fn remove_from_any_level_and_from_pending() {
    let mut wheel = Wheel::new();
    let (a, b, c) = (entry(), entry(), entry());
    // SAFETY: pinned, live for the test, in no list; removed while linked.
    unsafe {
        wheel.insert(ptr(&a), 5).unwrap();
        wheel.insert(ptr(&b), 5000).unwrap();
        wheel.insert(ptr(&c), 5).unwrap();
        wheel.remove(ptr(&b));
        assert_eq!(wheel.next_expiration_tick(), Some(5));
        // Move both tick-5 entries to pending, take one, then cancel the other.
        let first = wheel.poll(5).unwrap();
        assert_eq!(first, ptr(&a));
        first.as_ref().with_locked(|l| l.position = Position::None);
        assert_eq!(c.with_locked(|l| l.position), Position::Pending);
        wheel.remove(ptr(&c));
    }
    assert_eq!(drain(&mut wheel, 10_000), Vec::<u64>::new());
    assert_eq!(wheel.next_expiration_tick(), None);
}

#[test]
fn far_future_entry_waits_whole_laps() {
    let mut wheel = Wheel::new();
    let e = entry();
    let when = (1u64 << 40) + 12_345; // beyond the 2^36 ticks the wheel spans
                                      // SAFETY: pinned, live for the test, in no list.
    unsafe { wheel.insert(ptr(&e), when).unwrap() };
    let mut now = 0;
    while now < when - 1 {
        assert_eq!(drain(&mut wheel, now), Vec::<u64>::new());
        let next = wheel.next_expiration_tick().unwrap();
        assert!(next > now);
        now = next.min(when - 1);
    }
    assert_eq!(drain(&mut wheel, when - 1), Vec::<u64>::new());
    assert_eq!(drain(&mut wheel, when), vec![when]);
}

#[test]
fn max_tick_does_not_overflow() {
    let mut wheel = Wheel::new();
    let e = entry();
    // SAFETY: pinned, live for the test, in no list.
    unsafe { wheel.insert(ptr(&e), MAX_TICK).unwrap() };
    assert!(wheel.next_expiration_tick().is_some());
    assert_eq!(drain(&mut wheel, MAX_TICK), vec![MAX_TICK]);
}

#[test]
fn an_entry_parked_a_lap_away_does_not_hide_a_nearer_one_at_the_top_level() {
    // tokio's `long_wait_sleep_does_not_break_other_timers`, on the bare wheel: an entry beyond
    // the wheel's span parks in the top level at `elapsed`'s slot; a nearer entry that lands
    // in a later top-level slot must still come first.
    let mut wheel = Wheel::new();
    let (far, near) = (entry(), entry());
    let far_when = 10u64 << 36;
    // SAFETY: pinned, live for the test, in no list.
    unsafe { wheel.insert(ptr(&far), far_when).unwrap() };
    let now = (1u64 << 30) - 1;
    assert_eq!(drain(&mut wheel, now), Vec::<u64>::new());
    let near_when = now + 10;
    // SAFETY: as above.
    unsafe { wheel.insert(ptr(&near), near_when).unwrap() };
    assert!(wheel.next_expiration_tick().unwrap() <= near_when);
    assert_eq!(drain(&mut wheel, near_when - 1), Vec::<u64>::new());
    assert_eq!(drain(&mut wheel, near_when), vec![near_when]);
    // The far entry is still there, and still on time.
    assert_eq!(drain(&mut wheel, far_when - 1), Vec::<u64>::new());
    assert_eq!(drain(&mut wheel, far_when), vec![far_when]);
}
