//! The readiness slot of one registration.
//!
//! One atomic word holds the readiness the driver last reported, the driver tick that reported
//! it, the slot's generation and a shutdown bit:
//!
//! ```text
//!  bit 31 | 30..24     | 23..8 | 7        | 5..0
//!  unused | generation | tick  | shutdown | Ready bits
//! ```
//!
//! The driver ORs readiness in and stamps its tick; a task that got `WouldBlock` clears the
//! readiness it acted on *only if the tick is still the one it saw*. If the driver reported a
//! newer event in between, the tick differs and the clear does nothing, so the event is never
//! lost. Waiters register under the `waiters` lock after re-reading the word, and the driver
//! takes that lock after updating the word, so a waiter either sees the new readiness or is
//! seen (and woken) by the driver: no lost wake-up.

use crate::io::{Interest, Ready};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use crate::loom::sync::Mutex;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const READY_MASK: usize = 0b11_1111;
const SHUTDOWN: usize = 1 << 7;
const TICK_SHIFT: usize = 8;
const TICK_MASK: usize = 0xffff << TICK_SHIFT;
pub(crate) const GEN_SHIFT: usize = 24;
pub(crate) const GEN_MASK: usize = 0x7f << GEN_SHIFT;

/// Which of the two single-waiter slots a `poll_*_ready` call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED,
        }
    }
}

/// Readiness observed at one driver tick; handed back to `clear_readiness`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
    pub(crate) is_shutdown: bool,
}

/// The error every operation on a registration returns once its driver has shut down.
/// (`runtime::is_rt_shutdown_err` recognises it.)
pub(crate) fn gone() -> io::Error {
    crate::runtime::driver::shutdown_error()
}

pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    reader: Option<Waker>,
    writer: Option<Waker>,
    /// Waiters of `readiness()` futures, any number of them; a slab indexed by the key each
    /// future keeps. `None` waker: already notified (or not yet polled again).
    list: Vec<Option<Waiter>>,
    free: Vec<usize>,
}

struct Waiter {
    interest: Interest,
    waker: Option<Waker>,
}

impl std::fmt::Debug for ScheduledIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = self.readiness.load(Acquire);
        f.debug_struct("ScheduledIo")
            .field("ready", &Ready::from_bits((word & READY_MASK) as u8))
            .field("tick", &tick_of(word))
            .field("generation", &generation_of(word))
            .field("shutdown", &(word & SHUTDOWN != 0))
            .finish()
    }
}

fn tick_of(word: usize) -> u16 {
    ((word & TICK_MASK) >> TICK_SHIFT) as u16
}

pub(crate) fn generation_of(word: usize) -> usize {
    (word & GEN_MASK) >> GEN_SHIFT
}

fn event_of(word: usize, mask: Ready) -> ReadyEvent {
    ReadyEvent {
        tick: tick_of(word),
        ready: Ready::from_bits((word & READY_MASK) as u8).intersection(mask),
        is_shutdown: word & SHUTDOWN != 0,
    }
}

impl Default for ScheduledIo {
    fn default() -> Self {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }
}

impl ScheduledIo {
    /// The slot's current generation (part of the mio token of its registration).
    pub(crate) fn generation(&self) -> usize {
        generation_of(self.readiness.load(Acquire))
    }

    /// Driver side: records `ready` seen at `tick` and wakes the waiters it satisfies.
    /// Ignored (returns false) if the event was for an earlier generation of this slot, i.e.
    /// the registration it was meant for is gone and the slot has been reused.
    pub(crate) fn set_readiness(&self, generation: usize, tick: u16, ready: Ready) -> bool {
        let mut cur = self.readiness.load(Acquire);
        loop {
            if generation_of(cur) != generation {
                return false;
            }
            let new = (cur & !TICK_MASK)
                | ((tick as usize) << TICK_SHIFT)
                | (ready.bits() as usize & READY_MASK);
            match self.readiness.compare_exchange(cur, new, AcqRel, Acquire) {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        self.wake(ready);
        true
    }

    /// Task side: forgets the readiness in `event` after the operation it allowed returned
    /// `WouldBlock`, unless the driver has reported something newer since. Closed states stay.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready.without_closed().bits() as usize;
        let mut cur = self.readiness.load(Acquire);
        loop {
            if tick_of(cur) != event.tick {
                return;
            }
            let new = cur & !clear;
            if new == cur {
                return;
            }
            match self.readiness.compare_exchange(cur, new, AcqRel, Acquire) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Task side: marks `ready` as set without an event from the driver, for a resource whose
    /// state is known when it is created (an accepted socket is writable and usually holds the
    /// peer's first bytes already). A wrong guess costs one `WouldBlock`, which clears it as
    /// usual. The tick is left alone, so a clear made with a tick the driver has since moved
    /// past still does nothing. No wake-up: nobody can be waiting on a slot this new. Ignored
    /// after shutdown.
    pub(crate) fn assume_ready(&self, ready: Ready) {
        let mut cur = self.readiness.load(Acquire);
        loop {
            if cur & SHUTDOWN != 0 {
                return;
            }
            let new = cur | (ready.bits() as usize & READY_MASK);
            if new == cur {
                return;
            }
            match self.readiness.compare_exchange(cur, new, AcqRel, Acquire) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Marks the slot shut down and wakes everyone: the driver is going away.
    pub(crate) fn shutdown(&self) {
        let mut cur = self.readiness.load(Acquire);
        loop {
            match self
                .readiness
                .compare_exchange(cur, cur | SHUTDOWN, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        self.wake(Ready::ALL);
    }

    /// Resets the slot for its next registration and moves it to the next generation, so
    /// events still in flight for the old registration are ignored.
    pub(crate) fn release(&self) -> usize {
        let mut cur = self.readiness.load(Acquire);
        let next = loop {
            let next_gen = (generation_of(cur) + 1) & (GEN_MASK >> GEN_SHIFT);
            let new = next_gen << GEN_SHIFT;
            match self.readiness.compare_exchange(cur, new, AcqRel, Acquire) {
                Ok(_) => break next_gen,
                Err(actual) => cur = actual,
            }
        };
        let mut waiters = self.waiters.lock();
        *waiters = Waiters::default();
        next
    }

    /// The readiness matching `mask` right now, without registering interest.
    pub(crate) fn ready_event(&self, mask: Ready) -> ReadyEvent {
        event_of(self.readiness.load(Acquire), mask)
    }

    /// Single-waiter readiness for one direction (the `AsyncRead`/`AsyncWrite` path): the
    /// waker of the last caller per direction is kept.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let mask = direction.mask();
        let event = self.ready_event(mask);
        if event.is_shutdown || !event.ready.is_empty() {
            return Poll::Ready(event);
        }
        let mut waiters = self.waiters.lock();
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        // Re-read under the lock: the driver updates the word before it takes this lock, so
        // either we see its readiness now or it sees our waker.
        let event = self.ready_event(mask);
        if event.is_shutdown || !event.ready.is_empty() {
            return Poll::Ready(event);
        }
        Poll::Pending
    }

    /// A future that resolves once readiness matching `interest` is set; any number of
    /// these may wait at once.
    pub(crate) fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            io: self,
            interest,
            key: None,
        }
    }

    fn wake(&self, ready: Ready) {
        // Wakers are collected under the lock and woken after it is released, so a waker
        // that re-polls inline cannot deadlock on it. No allocation for the usual few.
        let mut to_wake = WakeList::new();
        {
            let mut waiters = self.waiters.lock();
            let read = !(ready & (Direction::Read.mask() | Ready::ERROR)).is_empty();
            let write = !(ready & (Direction::Write.mask() | Ready::ERROR)).is_empty();
            if read {
                to_wake.push(waiters.reader.take());
            }
            if write {
                to_wake.push(waiters.writer.take());
            }
            for waiter in waiters.list.iter_mut().flatten() {
                if !(waiter.interest.mask() & ready).is_empty() {
                    to_wake.push(waiter.waker.take());
                }
            }
        }
        to_wake.wake_all();
    }
}

/// Wakers to wake once the waiters lock is released: inline for the common handful, a `Vec`
/// beyond that.
struct WakeList {
    inline: [Option<Waker>; 8],
    len: usize,
    overflow: Vec<Waker>,
}

impl WakeList {
    fn new() -> WakeList {
        WakeList {
            inline: Default::default(),
            len: 0,
            overflow: Vec::new(),
        }
    }

    fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if self.len < self.inline.len() {
            self.inline[self.len] = Some(waker);
            self.len += 1;
        } else {
            self.overflow.push(waker);
        }
    }

    fn wake_all(self) {
        for waker in self.inline.into_iter().flatten().chain(self.overflow) {
            waker.wake();
        }
    }
}

/// Future returned by [`ScheduledIo::readiness`]. Cancel safe: dropping it removes its waiter.
pub(crate) struct Readiness<'a> {
    io: &'a ScheduledIo,
    interest: Interest,
    key: Option<usize>,
}

impl std::fmt::Debug for Readiness<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness")
            .field("interest", &self.interest)
            .finish()
    }
}

impl Future for Readiness<'_> {
    type Output = ReadyEvent;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        let this = self.get_mut();
        let mask = this.interest.mask();
        if this.key.is_none() {
            let event = this.io.ready_event(mask);
            if event.is_shutdown || !event.ready.is_empty() {
                return Poll::Ready(event);
            }
        }
        let mut waiters = this.io.waiters.lock();
        // Re-read under the lock (see `poll_ready`).
        let event = this.io.ready_event(mask);
        if event.is_shutdown || !event.ready.is_empty() {
            if let Some(key) = this.key.take() {
                waiters.remove(key);
            }
            return Poll::Ready(event);
        }
        match this.key {
            Some(key) => {
                if let Some(Some(waiter)) = waiters.list.get_mut(key) {
                    match &waiter.waker {
                        Some(w) if w.will_wake(cx.waker()) => {}
                        _ => waiter.waker = Some(cx.waker().clone()),
                    }
                }
            }
            None => {
                let waiter = Waiter {
                    interest: this.interest,
                    waker: Some(cx.waker().clone()),
                };
                this.key = Some(waiters.insert(waiter));
            }
        }
        Poll::Pending
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.io.waiters.lock().remove(key);
        }
    }
}

impl Waiters {
    fn insert(&mut self, waiter: Waiter) -> usize {
        match self.free.pop() {
            Some(key) => {
                self.list[key] = Some(waiter);
                key
            }
            None => {
                self.list.push(Some(waiter));
                self.list.len() - 1
            }
        }
    }

    fn remove(&mut self, key: usize) {
        if let Some(entry) = self.list.get_mut(key) {
            if entry.take().is_some() {
                self.free.push(key);
            }
        }
    }
}

#[cfg(all(test, not(weft_loom)))]
mod tests {
    use super::*;
    use futures::task::noop_waker_ref;
    use std::sync::atomic::{AtomicUsize as StdAtomic, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(StdAtomic);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn assumed_readiness_is_cleared_by_a_wouldblock_unless_the_driver_reported_since() {
        let io = ScheduledIo::default();
        io.assume_ready(Ready::READABLE | Ready::WRITABLE);
        let seen = io.ready_event(Direction::Read.mask());
        assert!(seen.ready.is_readable());
        io.clear_readiness(seen);
        assert!(io.ready_event(Direction::Read.mask()).ready.is_empty());
        assert!(io.ready_event(Direction::Write.mask()).ready.is_writable());

        // A driver event between the guess and the `WouldBlock` is kept.
        io.assume_ready(Ready::READABLE);
        let seen = io.ready_event(Direction::Read.mask());
        assert!(io.set_readiness(0, 7, Ready::READABLE | Ready::READ_CLOSED));
        io.clear_readiness(seen);
        let now = io.ready_event(Direction::Read.mask());
        assert!(now.ready.is_readable() && now.ready.is_read_closed());

        // Nothing is assumed about a slot whose driver has gone.
        let io = ScheduledIo::default();
        io.shutdown();
        io.assume_ready(Ready::READABLE);
        assert!(io.ready_event(Direction::Read.mask()).ready.is_empty());
    }

    #[test]
    fn stale_tick_does_not_clear_newer_readiness() {
        let io = ScheduledIo::default();
        assert!(io.set_readiness(0, 1, Ready::READABLE));
        let seen = io.ready_event(Direction::Read.mask());
        assert!(seen.ready.is_readable());
        // A newer event arrives before the task clears what it saw.
        assert!(io.set_readiness(0, 2, Ready::READABLE));
        io.clear_readiness(seen);
        assert!(io.ready_event(Direction::Read.mask()).ready.is_readable());
        // Clearing with the current tick works.
        io.clear_readiness(io.ready_event(Direction::Read.mask()));
        assert!(io.ready_event(Direction::Read.mask()).ready.is_empty());
    }

    #[test]
    fn closed_states_survive_clear() {
        let io = ScheduledIo::default();
        io.set_readiness(0, 1, Ready::READABLE | Ready::READ_CLOSED);
        io.clear_readiness(io.ready_event(Direction::Read.mask()));
        let ev = io.ready_event(Direction::Read.mask());
        assert!(ev.ready.is_read_closed() && !ev.ready.is_readable());
    }

    #[test]
    fn stale_generation_is_ignored() {
        let io = ScheduledIo::default();
        let next = io.release();
        assert_eq!(next, 1);
        assert!(!io.set_readiness(0, 1, Ready::READABLE));
        assert!(io.ready_event(Ready::ALL).ready.is_empty());
        assert!(io.set_readiness(1, 1, Ready::READABLE));
    }

    #[test]
    fn many_waiters_all_woken_and_dropped_waiter_removed() {
        let io = ScheduledIo::default();
        let count = Arc::new(Count(StdAtomic::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        // More than the wake list holds inline.
        let mut futs: Vec<_> = (0..12)
            .map(|_| Box::pin(io.readiness(Interest::READABLE)))
            .collect();
        let mut writer = Box::pin(io.readiness(Interest::WRITABLE));
        for f in &mut futs {
            assert!(f.as_mut().poll(&mut cx).is_pending());
        }
        assert!(writer.as_mut().poll(&mut cx).is_pending());
        drop(futs.pop());
        io.set_readiness(0, 1, Ready::READABLE);
        assert_eq!(count.0.load(Ordering::SeqCst), 11);
        for f in &mut futs {
            assert!(f.as_mut().poll(&mut cx).is_ready());
        }
        assert!(writer.as_mut().poll(&mut cx).is_pending());
        io.shutdown();
        match writer.as_mut().poll(&mut cx) {
            Poll::Ready(ev) => assert!(ev.is_shutdown),
            Poll::Pending => panic!("shutdown must release waiters"),
        }
    }

    #[test]
    fn poll_ready_registers_and_wakes() {
        let io = ScheduledIo::default();
        let count = Arc::new(Count(StdAtomic::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(io.poll_ready(&mut cx, Direction::Write).is_pending());
        io.set_readiness(0, 1, Ready::READABLE);
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        io.set_readiness(0, 2, Ready::WRITABLE);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        let mut noop = Context::from_waker(noop_waker_ref());
        assert!(io.poll_ready(&mut noop, Direction::Write).is_ready());
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// The task saw readiness at tick 1, got `WouldBlock`, and clears it while the driver
    /// reports a new event at tick 2. Whatever the interleaving, the task must then either
    /// see the readiness or be woken: `block_on` would deadlock otherwise.
    #[test]
    fn loom_no_lost_wakeup_between_wouldblock_and_reregistration() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::default());
            io.set_readiness(0, 1, Ready::READABLE);
            let seen = io.ready_event(Direction::Read.mask());

            let driver = {
                let io = io.clone();
                thread::spawn(move || {
                    io.set_readiness(0, 2, Ready::READABLE);
                })
            };

            io.clear_readiness(seen);
            let ev = loom::future::block_on(std::future::poll_fn(|cx| {
                io.poll_ready(cx, Direction::Read)
            }));
            assert!(ev.ready.is_readable());
            driver.join().unwrap();
        });
    }

    /// The many-waiters path of the same race: clear after `WouldBlock`, then wait on a
    /// `readiness` future while the driver reports a newer event.
    #[test]
    fn loom_readiness_future_no_lost_wakeup_after_clear() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::default());
            io.set_readiness(0, 1, Ready::READABLE);
            let seen = io.ready_event(Interest::READABLE.mask());
            let driver = {
                let io = io.clone();
                thread::spawn(move || {
                    io.set_readiness(0, 2, Ready::READABLE);
                })
            };
            io.clear_readiness(seen);
            let ev = loom::future::block_on(io.readiness(Interest::READABLE));
            assert!(ev.ready.is_readable());
            driver.join().unwrap();
        });
    }

    /// An event for the old generation racing the slot's release is never applied to the
    /// slot's next registration.
    #[test]
    fn loom_stale_event_never_reaches_the_next_generation() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::default());
            let driver = {
                let io = io.clone();
                thread::spawn(move || {
                    io.set_readiness(0, 1, Ready::READABLE);
                })
            };
            let next = io.release();
            driver.join().unwrap();
            assert_eq!(io.generation(), next);
            assert!(io.ready_event(Ready::ALL).ready.is_empty());
        });
    }

    /// Same protocol for the many-waiters path, with shutdown racing a readiness event.
    #[test]
    fn loom_readiness_future_sees_event_or_shutdown() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::default());
            let driver = {
                let io = io.clone();
                thread::spawn(move || {
                    io.set_readiness(0, 1, Ready::WRITABLE);
                })
            };
            let closer = {
                let io = io.clone();
                thread::spawn(move || io.shutdown())
            };
            let ev = loom::future::block_on(io.readiness(Interest::WRITABLE));
            assert!(ev.is_shutdown || ev.ready.is_writable());
            driver.join().unwrap();
            closer.join().unwrap();
        });
    }
}
