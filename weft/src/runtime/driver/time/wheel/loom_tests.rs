//! Loom models of the entry protocol: the driver firing a shard races the owner resetting,
//! re-polling or dropping its timer. Run with
//! `RUSTFLAGS="--cfg weft_loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p weft --release --lib loom_`.

use super::*;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use std::pin::Pin;
use std::task::{RawWaker, RawWakerVTable};

/// A waker counting its wakes in a loom atomic (so the model sees the ordering).
fn counting_waker(count: &'static AtomicUsize) -> Waker {
    fn clone(p: *const ()) -> RawWaker {
        RawWaker::new(p, &VTABLE)
    }
    fn wake(p: *const ()) {
        // SAFETY: `p` is the `&'static AtomicUsize` the waker was built from.
        unsafe { &*(p as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
    }
    fn drop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, drop);
    // SAFETY: the vtable functions treat the pointer as a shared `&'static AtomicUsize`, which
    // is `Sync`, so the waker may be used from any thread.
    unsafe {
        Waker::from_raw(RawWaker::new(
            count as *const AtomicUsize as *const (),
            &VTABLE,
        ))
    }
}

fn leak_counter() -> &'static AtomicUsize {
    Box::leak(Box::new(AtomicUsize::new(0)))
}

fn spawn_driver(shard: &Arc<Mutex<Wheel>>, now: u64) -> thread::JoinHandle<()> {
    let shard = shard.clone();
    thread::spawn(move || {
        let mut batch = Vec::new();
        fire_expired(&shard, now, STATE_FIRED, &mut batch);
    })
}

fn ptr(e: &Pin<Box<TimerShared>>) -> NonNull<TimerShared> {
    NonNull::from(&**e)
}

#[test]
fn loom_fire_vs_drop() {
    loom::model(|| {
        let shard = Arc::new(Mutex::new(Wheel::new()));
        let count = leak_counter();
        let waker = counting_waker(count);
        let entry = Box::pin(TimerShared::new(0));
        // SAFETY: the entry is pinned in its box and disarmed before the box is freed.
        let armed = unsafe { arm(&shard, ptr(&entry), 1, Some(&waker)) };
        assert_eq!(armed, Armed::Pending(1));
        let driver = spawn_driver(&shard, 1);
        // SAFETY: as above; after `disarm` the driver holds no pointer to the entry.
        unsafe { disarm(&shard, ptr(&entry)) };
        // The entry is now the owner's alone: touch its fields as dropping it would (loom
        // flags this if the driver could still be accessing them).
        // SAFETY: disarmed, so no lock is needed (the claim under test).
        drop(unsafe { entry.with_locked(|l| l.waker.take()) });
        drop(entry);
        driver.join().unwrap();
        assert!(count.load(Ordering::SeqCst) <= 1);
        assert_eq!(shard.lock().next_expiration_tick(), None);
    });
}

#[test]
fn loom_fire_vs_reset() {
    loom::model(|| {
        let shard = Arc::new(Mutex::new(Wheel::new()));
        let count = leak_counter();
        let waker = counting_waker(count);
        let entry = Box::pin(TimerShared::new(0));
        // SAFETY: pinned; disarmed before it is freed.
        unsafe { arm(&shard, ptr(&entry), 1, Some(&waker)) };
        let driver = spawn_driver(&shard, 1);
        // The owner moves the deadline later while the driver may be firing tick 1.
        // SAFETY: as above.
        let armed = unsafe { arm(&shard, ptr(&entry), 5, None) };
        driver.join().unwrap();
        // Whatever the interleaving, the timer ends up armed for tick 5, exactly once.
        assert_eq!(armed, Armed::Pending(5));
        assert_eq!(entry.state(), STATE_ARMED);
        assert_eq!(shard.lock().next_expiration_tick(), Some(5));
        // SAFETY: as above.
        unsafe { disarm(&shard, ptr(&entry)) };
        assert_eq!(shard.lock().next_expiration_tick(), None);
    });
}

#[test]
fn loom_fire_vs_poll_no_lost_wakeup() {
    loom::model(|| {
        let shard = Arc::new(Mutex::new(Wheel::new()));
        let first = leak_counter();
        let second = leak_counter();
        let entry = Box::pin(TimerShared::new(0));
        // SAFETY: pinned; disarmed before it is freed.
        unsafe { arm(&shard, ptr(&entry), 1, Some(&counting_waker(first))) };
        let driver = spawn_driver(&shard, 1);
        // A re-poll with a new waker races the firing: either it sees the timer fired, or the
        // new waker is the one woken.
        let seen = match entry.state() {
            // SAFETY: as above.
            STATE_ARMED => unsafe { register_waker(&shard, ptr(&entry), &counting_waker(second)) },
            other => other,
        };
        driver.join().unwrap();
        if seen != STATE_FIRED {
            assert_eq!(second.load(Ordering::SeqCst), 1, "wake-up lost");
        }
        assert_eq!(entry.state(), STATE_FIRED);
        // SAFETY: as above.
        unsafe { disarm(&shard, ptr(&entry)) };
    });
}
