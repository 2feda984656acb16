//! The time driver: the layer of the runtime's driver that owns the timer wheels.
//!
//! An idle worker parks here. `park` finds the earliest deadline over all shards, parks the
//! I/O layer underneath until then (or until unparked), and fires every expired timer in
//! batches. Timers are sharded: each thread arms its timers in its own shard, so workers
//! arming and cancelling timers do not contend on one lock; only the parked driver visits
//! every shard.

use self::wheel::{Wheel, MAX_TICK, STATE_FIRED, STATE_SHUTDOWN};
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::driver::clock::Clock;
use crate::time::Instant;
use std::fmt;
use std::task::Waker;
use std::time::Duration;

#[allow(unsafe_code)]
pub(crate) mod wheel;

// The first sentences are tokio's, verbatim (see `runtime::context::NO_RUNTIME`).
pub(crate) const TIME_DISABLED: &str =
    "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime \
     builder to enable timers. (weft: this weft runtime was built without `enable_time` or \
     `enable_all`)";

/// `next_wake` when the driver is not parked: arming a timer need not unpark it.
const NOT_PARKED: u64 = 0;
/// `next_wake` while parked with no timer (or while computing the next one): any newly armed
/// timer unparks the driver.
const PARKED_INDEFINITELY: u64 = u64::MAX;

/// Shared by every thread that creates timers on this runtime. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    shards: Box<[Mutex<Wheel>]>,
    clock: Clock,
    /// Tick 0: the clock's reading when the driver was created.
    start: std::time::Instant,
    /// The tick the parked driver will wake at (see the constants above).
    next_wake: AtomicU64,
    /// Set by every unpark; lets auto-advance tell "woken by work" from "nothing happened".
    did_wake: AtomicBool,
    /// Wakes the layer below (the I/O driver or the parked thread).
    unpark: Box<dyn Fn() + Send + Sync>,
}

/// The parking side, owned by whichever worker parks on the driver.
#[derive(Debug)]
pub(crate) struct Driver {
    /// Reused for every batch of wakers, so firing allocates nothing after the first park.
    wakers: Vec<Waker>,
}

impl Driver {
    /// A time driver over the layer that `unpark` wakes.
    pub(crate) fn new(
        start_paused: bool,
        shards: usize,
        unpark: Box<dyn Fn() + Send + Sync>,
    ) -> (Driver, Handle) {
        let clock = Clock::new();
        if start_paused {
            clock.pause().expect("a new clock is running");
        }
        let start = clock.now().into_std();
        let inner = Inner {
            shards: (0..shards.max(1))
                .map(|_| Mutex::new(Wheel::new()))
                .collect(),
            clock,
            start,
            next_wake: AtomicU64::new(NOT_PARKED),
            did_wake: AtomicBool::new(false),
            unpark,
        };
        (
            Driver {
                wakers: Vec::with_capacity(32),
            },
            Handle {
                inner: Arc::new(inner),
            },
        )
    }

    /// Parks through `park_below` (given the timeout to pass down, `None` = no limit) until the
    /// next timer is due or `limit` passes or someone unparks, then fires what expired.
    ///
    /// With paused time and nothing else to do, the clock jumps to the next deadline instead of
    /// waiting for it.
    pub(crate) fn park(
        &mut self,
        handle: &Handle,
        limit: Option<Duration>,
        park_below: impl FnOnce(Option<Duration>),
    ) {
        let inner = &*handle.inner;
        // Publish "about to park" before reading the shards, so a timer armed during the scan
        // either is seen by it or unparks us (and the unpark token makes the park return).
        inner.next_wake.store(PARKED_INDEFINITELY, Ordering::SeqCst);
        let next = inner
            .shards
            .iter()
            .filter_map(|shard| shard.lock().next_expiration_tick())
            .min();
        if let Some(tick) = next {
            inner.next_wake.store(tick, Ordering::SeqCst);
        }
        match next {
            Some(tick) => {
                let until = handle.tick_to_instant(tick);
                let mut timeout = until.saturating_duration_since(inner.clock.now());
                if let Some(limit) = limit {
                    timeout = timeout.min(limit);
                }
                if timeout > Duration::ZERO && inner.clock.can_auto_advance() {
                    park_below(Some(Duration::ZERO));
                    // Woken meanwhile (a task was scheduled from outside): not idle, no jump.
                    if !inner.did_wake.swap(false, Ordering::SeqCst) {
                        inner
                            .clock
                            .advance(timeout)
                            .unwrap_or_else(|e| panic!("{e}"));
                    }
                } else {
                    park_below(Some(timeout));
                }
            }
            None => park_below(limit),
        }
        inner.next_wake.store(NOT_PARKED, Ordering::SeqCst);
        handle.process_with(&mut self.wakers);
    }

    /// Fires every timer with a shutdown error, so that sleeping tasks wake and see that the
    /// runtime is gone; timers armed afterwards fail at once.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        for shard in handle.inner.shards.iter() {
            wheel::fire_expired(shard, MAX_TICK, STATE_SHUTDOWN, &mut self.wakers);
        }
    }
}

impl Handle {
    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn shard(&self, index: usize) -> &Mutex<Wheel> {
        &self.inner.shards[index]
    }

    /// Timers armed since the start, and armed now (for the runtime metrics; takes each
    /// shard's lock for a moment).
    pub(crate) fn timer_counts(&self) -> (u64, u64) {
        self.inner
            .shards
            .iter()
            .fold((0, 0), |(total, now), shard| {
                let wheel = shard.lock();
                (total + wheel.armed_total, now + wheel.armed_now)
            })
    }

    /// The shard for timers created on this thread.
    pub(crate) fn pick_shard(&self) -> usize {
        thread_shard_index() % self.inner.shards.len()
    }

    /// The first tick at or after `deadline` (rounded up, never down, and nothing added).
    pub(crate) fn deadline_to_tick(&self, deadline: Instant) -> u64 {
        let since = deadline
            .into_std()
            .saturating_duration_since(self.inner.start);
        let nanos = since.as_nanos();
        let ticks = nanos / 1_000_000 + u128::from(nanos % 1_000_000 != 0);
        ticks.min(u128::from(MAX_TICK)) as u64
    }

    /// The last tick at or before the clock's current reading.
    pub(crate) fn now_tick(&self) -> u64 {
        let since = self
            .inner
            .clock
            .now()
            .into_std()
            .saturating_duration_since(self.inner.start);
        (since.as_millis()).min(u128::from(MAX_TICK)) as u64
    }

    fn tick_to_instant(&self, tick: u64) -> Instant {
        Instant::from_std(self.inner.start)
            .checked_add(Duration::from_millis(tick))
            .unwrap_or_else(|| self.clock().now() + Duration::from_secs(86400 * 365 * 30))
    }

    /// A timer was armed for `when`: wake the parked driver if it would sleep past it.
    pub(crate) fn unpark_if_earlier(&self, when: u64) {
        if when < self.inner.next_wake.load(Ordering::SeqCst) {
            (self.inner.unpark)();
        }
    }

    /// Records a wake-up for auto-advance; the runtime driver's `unpark` calls this before
    /// waking the layer below.
    pub(crate) fn note_unpark(&self) {
        self.inner.did_wake.store(true, Ordering::SeqCst);
    }

    /// Fires every timer due at the clock's current reading.
    pub(crate) fn process(&self) {
        self.process_with(&mut Vec::new());
    }

    fn process_with(&self, wakers: &mut Vec<Waker>) {
        let now = self.now_tick();
        let shards = &self.inner.shards;
        if shards.len() > 1 {
            // When more than one shard has timers due (the driver woke late), fire them in
            // lockstep, one expiration tick at a time across all shards, so that tasks are
            // woken in deadline order rather than shard by shard.
            loop {
                let mut earliest = u64::MAX;
                let mut due = 0;
                for shard in shards.iter() {
                    if let Some(tick) = shard.lock().next_expiration_tick() {
                        if tick <= now {
                            due += 1;
                            earliest = earliest.min(tick);
                        }
                    }
                }
                if due < 2 {
                    break;
                }
                for shard in shards.iter() {
                    wheel::fire_expired(shard, earliest, STATE_FIRED, wakers);
                }
            }
        }
        for shard in shards.iter() {
            wheel::fire_expired(shard, now, STATE_FIRED, wakers);
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("time::Handle")
            .field("shards", &self.inner.shards.len())
            .field("clock", &self.inner.clock)
            .finish_non_exhaustive()
    }
}

/// A small per-thread number for picking a shard: threads are numbered in the order they
/// first create a timer, so a runtime's workers spread evenly over its shards.
fn thread_shard_index() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: Cell<Option<usize>> = const { Cell::new(None) };
    }
    INDEX
        .try_with(|index| match index.get() {
            Some(i) => i,
            None => {
                let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                index.set(Some(i));
                i
            }
        })
        .unwrap_or(0)
}

/// How many shards a runtime's timers get: one per core, up to 16 (the driver visits each on
/// every park).
pub(crate) fn default_shards() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16)
}

#[cfg(all(test, not(weft_loom)))]
mod tests {
    use super::*;
    use crate::runtime::driver::park::ParkThread;
    use crate::runtime::driver::time::wheel::TimerEntry;
    use futures::task::ArcWake;
    use std::pin::pin;
    use std::sync::atomic::AtomicUsize;
    use std::task::{Context, Poll};

    struct Counter(AtomicUsize);
    impl ArcWake for Counter {
        fn wake_by_ref(arc_self: &std::sync::Arc<Self>) {
            arc_self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (std::sync::Arc<Counter>, Waker) {
        let c = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        let w = futures::task::waker(c.clone());
        (c, w)
    }

    fn driver(paused: bool) -> (Driver, Handle, ParkThread) {
        let park = ParkThread::new();
        let unpark = park.unpark();
        let (d, h) = Driver::new(paused, 2, Box::new(move || unpark.unpark()));
        (d, h, park)
    }

    fn park(d: &mut Driver, h: &Handle, p: &mut ParkThread, limit: Option<Duration>) {
        d.park(h, limit, |t| match t {
            Some(t) => p.park_timeout(t),
            None => p.park(),
        });
    }

    #[test]
    fn rounding_up_adds_nothing() {
        let (_d, h, _p) = driver(true);
        let start = h.clock().now();
        assert_eq!(h.deadline_to_tick(start), 0);
        assert_eq!(h.deadline_to_tick(start + Duration::from_nanos(1)), 1);
        assert_eq!(h.deadline_to_tick(start + Duration::from_millis(1)), 1);
        assert_eq!(h.deadline_to_tick(start + Duration::from_micros(1001)), 2);
        assert_eq!(h.deadline_to_tick(start - Duration::from_secs(1)), 0);
        let far = Instant::from_std(start.into_std() + Duration::from_secs(1 << 40));
        assert_eq!(h.deadline_to_tick(far), MAX_TICK);
    }

    #[test]
    fn paused_auto_advance_fires_in_order_never_early() {
        let (mut d, h, mut p) = driver(true);
        let start = h.clock().now();
        let offsets = [
            Duration::from_millis(30),
            Duration::from_micros(10_500),
            Duration::from_secs(5),
        ];
        let (c, w) = counter();
        let mut cx = Context::from_waker(&w);
        let mut e0 = pin!(TimerEntry::new(h.clone(), start + offsets[0]));
        let mut e1 = pin!(TimerEntry::new(h.clone(), start + offsets[1]));
        let mut e2 = pin!(TimerEntry::new(h.clone(), start + offsets[2]));
        assert!(e0.as_mut().poll_elapsed(&mut cx).is_pending());
        assert!(e1.as_mut().poll_elapsed(&mut cx).is_pending());
        assert!(e2.as_mut().poll_elapsed(&mut cx).is_pending());

        park(&mut d, &h, &mut p, None);
        // Rounded up to 11 ms, not earlier and not 12.
        assert_eq!(h.clock().now() - start, Duration::from_millis(11));
        assert_eq!(c.0.load(Ordering::SeqCst), 1);
        assert!(e1.as_mut().poll_elapsed(&mut cx).is_ready());
        assert!(e1.is_elapsed());
        assert!(e0.as_mut().poll_elapsed(&mut cx).is_pending());

        park(&mut d, &h, &mut p, None);
        assert_eq!(h.clock().now() - start, Duration::from_millis(30));
        assert!(e0.as_mut().poll_elapsed(&mut cx).is_ready());
        // Far timers cascade down the levels: the clock may stop at slot boundaries on the way
        // (4.096 s, 4.992 s) without firing anything, and must end exactly at 5 s.
        while e2.as_mut().poll_elapsed(&mut cx).is_pending() {
            assert!(h.clock().now() - start < Duration::from_secs(5));
            park(&mut d, &h, &mut p, None);
        }
        assert_eq!(h.clock().now() - start, Duration::from_secs(5));
        assert_eq!(c.0.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn past_deadline_is_ready_on_first_poll() {
        let (_d, h, _p) = driver(true);
        let (_c, w) = counter();
        let mut cx = Context::from_waker(&w);
        // Tick 0 has been processed at creation: a deadline at or before it is ready at once.
        let mut e = pin!(TimerEntry::new(
            h.clone(),
            h.clock().now() - Duration::from_secs(1)
        ));
        assert_eq!(e.as_mut().poll_elapsed(&mut cx), Poll::Ready(Ok(())));
    }

    #[test]
    fn reset_moves_and_rearms() {
        let (mut d, h, mut p) = driver(true);
        let start = h.clock().now();
        let (_c, w) = counter();
        let mut cx = Context::from_waker(&w);
        let mut e = pin!(TimerEntry::new(h.clone(), start + Duration::from_secs(60)));
        assert!(e.as_mut().poll_elapsed(&mut cx).is_pending());
        e.as_mut().reset(start + Duration::from_millis(2), true);
        park(&mut d, &h, &mut p, None);
        assert_eq!(h.clock().now() - start, Duration::from_millis(2));
        assert!(e.as_mut().poll_elapsed(&mut cx).is_ready());
        // Re-arm after firing.
        e.as_mut().reset(start + Duration::from_millis(7), true);
        assert!(!e.is_elapsed());
        assert!(e.as_mut().poll_elapsed(&mut cx).is_pending());
        park(&mut d, &h, &mut p, None);
        assert_eq!(h.clock().now() - start, Duration::from_millis(7));
        assert!(e.as_mut().poll_elapsed(&mut cx).is_ready());
    }

    #[test]
    fn dropped_timer_never_fires_and_is_unlinked() {
        let (mut d, h, mut p) = driver(true);
        let start = h.clock().now();
        let (c, w) = counter();
        let mut cx = Context::from_waker(&w);
        {
            let mut e = Box::pin(TimerEntry::new(h.clone(), start + Duration::from_millis(3)));
            assert!(e.as_mut().poll_elapsed(&mut cx).is_pending());
        }
        let mut keep = pin!(TimerEntry::new(h.clone(), start + Duration::from_millis(9)));
        assert!(keep.as_mut().poll_elapsed(&mut cx).is_pending());
        park(&mut d, &h, &mut p, None);
        // The dropped 3 ms timer no longer counts: the clock jumped straight to 9 ms.
        assert_eq!(h.clock().now() - start, Duration::from_millis(9));
        assert_eq!(c.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn late_driver_fires_across_shards_in_deadline_order() {
        use std::sync::Mutex as StdMutex;
        struct Log(std::sync::Arc<StdMutex<Vec<u64>>>, u64);
        impl ArcWake for Log {
            fn wake_by_ref(arc_self: &std::sync::Arc<Self>) {
                arc_self.0.lock().unwrap().push(arc_self.1);
            }
        }
        let (mut d, h, mut p) = driver(true);
        let start = h.clock().now();
        let log = std::sync::Arc::new(StdMutex::new(vec![]));
        // Alternate shards: 1 ms in shard 0, 2 ms in shard 1, 3 ms in shard 0, ...
        let mut entries: Vec<_> = (1..=6u64)
            .map(|ms| {
                Box::pin(TimerEntry::with_shard(
                    h.clone(),
                    start + Duration::from_millis(ms),
                    (ms % 2) as usize,
                ))
            })
            .collect();
        for (i, e) in entries.iter_mut().enumerate() {
            let w = futures::task::waker(std::sync::Arc::new(Log(log.clone(), i as u64 + 1)));
            assert!(e
                .as_mut()
                .poll_elapsed(&mut Context::from_waker(&w))
                .is_pending());
        }
        // The driver comes back 10 ms late: everything is due at once.
        h.clock().advance(Duration::from_millis(10)).unwrap();
        park(&mut d, &h, &mut p, Some(Duration::ZERO));
        assert_eq!(*log.lock().unwrap(), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn shutdown_wakes_everything_with_an_error() {
        let (mut d, h, _p) = driver(false);
        let now = h.clock().now();
        let (c, w) = counter();
        let mut cx = Context::from_waker(&w);
        let mut a = pin!(TimerEntry::new(h.clone(), now + Duration::from_secs(3600)));
        let mut b = pin!(TimerEntry::new(
            h.clone(),
            now + Duration::from_secs(86400 * 365 * 100)
        ));
        assert!(a.as_mut().poll_elapsed(&mut cx).is_pending());
        assert!(b.as_mut().poll_elapsed(&mut cx).is_pending());
        d.shutdown(&h);
        assert_eq!(c.0.load(Ordering::SeqCst), 2);
        assert!(matches!(
            a.as_mut().poll_elapsed(&mut cx),
            Poll::Ready(Err(_))
        ));
        assert!(matches!(
            b.as_mut().poll_elapsed(&mut cx),
            Poll::Ready(Err(_))
        ));
        let mut late = pin!(TimerEntry::new(h.clone(), now + Duration::from_secs(1)));
        assert!(matches!(
            late.as_mut().poll_elapsed(&mut cx),
            Poll::Ready(Err(_))
        ));
    }

    #[test]
    fn real_clock_fires_not_before_deadline() {
        let (mut d, h, mut p) = driver(false);
        let (_c, w) = counter();
        let mut cx = Context::from_waker(&w);
        let deadline = h.clock().now() + Duration::from_millis(3);
        let mut e = pin!(TimerEntry::new(h.clone(), deadline));
        while e.as_mut().poll_elapsed(&mut cx).is_pending() {
            park(&mut d, &h, &mut p, None);
        }
        assert!(h.clock().now() >= deadline);
    }

    #[test]
    fn arming_an_earlier_timer_unparks_the_driver() {
        let (mut d, h, mut p) = driver(false);
        let (_c, w) = counter();
        let now = h.clock().now();
        let mut far = pin!(TimerEntry::new(h.clone(), now + Duration::from_secs(3600)));
        far.as_mut()
            .poll_elapsed(&mut Context::from_waker(&w))
            .is_pending();
        let h2 = h.clone();
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let done2 = done.clone();
        let t = std::thread::spawn(move || {
            let (_c, w) = counter();
            let mut cx = Context::from_waker(&w);
            let mut near = Box::pin(TimerEntry::new(
                h2.clone(),
                h2.clock().now() + Duration::from_millis(1),
            ));
            // Wait until the driver has published its park deadline.
            while h2.inner.next_wake.load(Ordering::SeqCst) == NOT_PARKED {
                std::thread::yield_now();
            }
            assert!(near.as_mut().poll_elapsed(&mut cx).is_pending());
            while near.as_mut().poll_elapsed(&mut cx).is_pending() {
                std::thread::yield_now();
            }
            done2.store(true, Ordering::SeqCst);
        });
        // Without the unpark this would block for an hour.
        park(&mut d, &h, &mut p, None);
        while !done.load(Ordering::SeqCst) {
            park(&mut d, &h, &mut p, Some(Duration::from_millis(1)));
        }
        t.join().unwrap();
    }

    /// Owners on other threads arm, reset and drop timers while the driver fires them.
    #[test]
    fn concurrent_arm_reset_drop_while_firing() {
        let (mut d, h, mut p) = driver(false);
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let h = h.clone();
                std::thread::spawn(move || {
                    let (c, w) = counter();
                    let mut cx = Context::from_waker(&w);
                    // Timers that were pending at their first poll and then awaited: each must
                    // have woken the waker stored by that poll (a reset keeps it, and wakes it
                    // if the new deadline has already passed).
                    let mut must_wake = 0;
                    for i in 0..300u64 {
                        let now = h.clock().now();
                        let mut e = Box::pin(TimerEntry::new(
                            h.clone(),
                            now + Duration::from_micros(i % 3 * 700),
                        ));
                        let first = e.as_mut().poll_elapsed(&mut cx);
                        if (i + t) % 3 == 0 {
                            e.as_mut().reset(now + Duration::from_micros(300), true);
                        }
                        if (i + t) % 4 == 0 {
                            drop(e);
                            continue;
                        }
                        while e.as_mut().poll_elapsed(&mut cx).is_pending() {
                            std::thread::yield_now();
                        }
                        must_wake += usize::from(first.is_pending());
                    }
                    // The driver wakes in batches after setting FIRED, so the last wakes may
                    // still be on their way: wait for them (bounded, to fail rather than hang).
                    let give_up = std::time::Instant::now() + Duration::from_secs(20);
                    while c.0.load(Ordering::SeqCst) < must_wake {
                        assert!(std::time::Instant::now() < give_up, "lost wake-up");
                        std::thread::yield_now();
                    }
                })
            })
            .collect();
        let watcher = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                // Stop the driver loop even if a thread panicked; the join below reports it.
                let results: Vec<_> = threads.into_iter().map(|t| t.join()).collect();
                stop.store(true, Ordering::SeqCst);
                for r in results {
                    r.unwrap();
                }
            })
        };
        while !stop.load(Ordering::SeqCst) {
            park(&mut d, &h, &mut p, Some(Duration::from_millis(1)));
        }
        watcher.join().unwrap();
    }
}

/// Measurements for the closing note; run with
/// `cargo test -p weft --release --lib runtime::driver::time::measure -- --ignored --nocapture`.
#[cfg(all(test, not(weft_loom)))]
mod measure {
    use super::*;
    use crate::runtime::driver::time::wheel::TimerEntry;
    use std::task::Context;

    #[test]
    #[ignore = "measurement, prints numbers"]
    fn shard_contention() {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .max(2);
        let per_thread = 200_000u32;
        for shards in [1, threads] {
            let (_d, h) = Driver::new(false, shards, Box::new(|| {}));
            let start = std::time::Instant::now();
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let h = h.clone();
                    std::thread::spawn(move || {
                        let waker = futures::task::noop_waker();
                        let mut cx = Context::from_waker(&waker);
                        let base = h.clock().now();
                        for i in 0..per_thread {
                            let deadline = base + Duration::from_millis(u64::from(i % 5000) + 10);
                            let mut e = Box::pin(TimerEntry::new(h.clone(), deadline));
                            assert!(e.as_mut().poll_elapsed(&mut cx).is_pending());
                            // dropped here: cancel
                        }
                    })
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
            let ops = f64::from(per_thread) * threads as f64;
            println!(
                "{threads} threads, {shards} shard(s): {:.0} ns per arm+cancel (wall / ops per thread)",
                start.elapsed().as_nanos() as f64 / (ops / threads as f64)
            );
        }
    }

    /// Lateness at the driver (wake-up time minus deadline, without task scheduling) of 10,000
    /// timers with deadlines spread over 0–50 ms, on the real clock.
    #[test]
    #[ignore = "measurement, prints numbers"]
    fn driver_lateness() {
        use crate::runtime::driver::park::ParkThread;
        use std::sync::OnceLock;
        struct Stamp(OnceLock<std::time::Instant>);
        impl futures::task::ArcWake for Stamp {
            fn wake_by_ref(arc_self: &std::sync::Arc<Self>) {
                let _ = arc_self.0.set(std::time::Instant::now());
            }
        }
        let park = ParkThread::new();
        let unpark = park.unpark();
        let (mut d, h) = Driver::new(false, 2, Box::new(move || unpark.unpark()));
        let start = h.clock().now();
        let n = 10_000u64;
        let mut timers: Vec<_> = (0..n)
            .map(|i| {
                let deadline =
                    start + Duration::from_micros(i.wrapping_mul(2_654_435_761) % 50_000);
                let stamp = std::sync::Arc::new(Stamp(OnceLock::new()));
                (
                    deadline,
                    stamp,
                    Box::pin(TimerEntry::new(h.clone(), deadline)),
                )
            })
            .collect();
        for (_, stamp, e) in timers.iter_mut() {
            let w = futures::task::waker(stamp.clone());
            if e.as_mut()
                .poll_elapsed(&mut Context::from_waker(&w))
                .is_ready()
            {
                let _ = stamp.0.set(std::time::Instant::now());
            }
        }
        while timers.iter().any(|(_, s, _)| s.0.get().is_none()) {
            d.park(&h, None, |t| match t {
                Some(t) => park.park_timeout(t),
                None => park.park(),
            });
        }
        let mut late: Vec<Duration> = timers
            .iter()
            .map(|(dl, s, _)| s.0.get().unwrap().saturating_duration_since(dl.into_std()))
            .collect();
        late.sort_unstable();
        let q = |p: f64| late[((late.len() - 1) as f64 * p) as usize];
        println!(
            "driver-level lateness: p50 = {:?}, p99 = {:?}, max = {:?}",
            q(0.5),
            q(0.99),
            late[late.len() - 1]
        );
        assert!(timers
            .iter()
            .all(|(dl, s, _)| *s.0.get().unwrap() >= dl.into_std()));
    }

    #[test]
    #[ignore = "measurement, prints numbers"]
    fn memory_per_timer() {
        println!(
            "size_of Sleep = {} bytes, TimerEntry = {}, per-shard wheel = {} bytes",
            std::mem::size_of::<crate::time::Sleep>(),
            std::mem::size_of::<TimerEntry>(),
            std::mem::size_of::<Wheel>()
                + crate::runtime::driver::time::wheel::NUM_LEVELS * (8 + 8 + 64 * 16),
        );
    }
}
