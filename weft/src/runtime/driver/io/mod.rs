//! The I/O reactor: a `mio::Poll` (epoll, edge-triggered) and the readiness slots of every
//! registered resource.
//!
//! Whoever parks on the runtime's driver calls [`Driver::turn`]: it waits in `epoll_wait`,
//! stamps each event with the driver's tick, records the readiness in the resource's slot and
//! wakes the tasks waiting for it. Resources ([`Registration`], [`PollEvented`]) hold a
//! [`Handle`], which keeps the slots alive, so a resource outliving its runtime fails cleanly
//! instead of touching freed memory. A `mio::Waker` lets any thread interrupt a parked driver.

mod poll_evented;
mod registration;
pub(crate) mod scheduled_io;
mod slab;
pub(crate) mod sys;

pub(crate) use poll_evented::PollEvented;
pub(crate) use registration::Registration;
pub(crate) use scheduled_io::{gone, Direction, ReadyEvent};

use crate::io::Ready;
use crate::runtime::driver::clock::system_now;
use slab::Slab;
use std::fmt;
use std::io;
// Plain std types: the modelled protocol is the slot's (`scheduled_io`), not these.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use std::time::Instant;

/// The parking side of the reactor, owned by the one thread currently parked on it.
pub(crate) struct Driver {
    poll: mio::Poll,
    events: mio::Events,
    tick: u16,
    handle: Handle,
}

/// A cloneable reference to the reactor: registers resources and interrupts `turn`.
#[derive(Clone)]
pub(crate) struct Handle {
    shared: Arc<Shared>,
}

struct Shared {
    registry: mio::Registry,
    waker: mio::Waker,
    slab: Slab,
    is_shutdown: AtomicBool,
    /// Readiness to re-report later (a listener backing off after EMFILE). Rare, so a
    /// locked list with a flag for the fast path is enough.
    deferred: Mutex<Vec<Deferred>>,
    has_deferred: AtomicBool,
    metrics: IoMetrics,
}

/// For the runtime metrics. Registrations come from any thread (a rare event, so a shared
/// `fetch_add`); `ready` is written only by the thread parked on the driver.
#[derive(Default)]
pub(crate) struct IoMetrics {
    pub(crate) registered: AtomicU64,
    pub(crate) deregistered: AtomicU64,
    pub(crate) ready: AtomicU64,
}

struct Deferred {
    index: usize,
    generation: usize,
    ready: Ready,
    at: Instant,
}

impl Driver {
    /// A reactor whose `turn` handles up to `nevents` events per wake-up.
    pub(crate) fn new(nevents: usize) -> io::Result<(Driver, Handle)> {
        let poll = mio::Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(&registry, mio::Token(slab::WAKER_TOKEN))?;
        let handle = Handle {
            shared: Arc::new(Shared {
                registry,
                waker,
                slab: Slab::new(),
                is_shutdown: AtomicBool::new(false),
                deferred: Mutex::new(Vec::new()),
                has_deferred: AtomicBool::new(false),
                metrics: IoMetrics::default(),
            }),
        };
        let driver = Driver {
            poll,
            events: mio::Events::with_capacity(nevents.max(1)),
            tick: 0,
            handle: handle.clone(),
        };
        Ok((driver, handle))
    }

    /// Waits for events (at most `timeout`; `None`: until one arrives or `Handle::unpark`),
    /// then dispatches them. `Some(Duration::ZERO)` only collects events already pending.
    pub(crate) fn turn(&mut self, mut timeout: Option<Duration>) {
        let shared = &*self.handle.shared;
        let has_deferred = shared.has_deferred.load(Ordering::Acquire);
        if has_deferred {
            let now = system_now();
            if let Some(at) = shared
                .deferred
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|d| d.at)
                .min()
            {
                let until = at.saturating_duration_since(now);
                timeout = Some(timeout.map_or(until, |t| t.min(until)));
            }
        }
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return,
            // epoll_wait fails only on programming errors (EBADF, EFAULT, EINVAL).
            Err(e) => panic!("the I/O driver failed to wait for events: {e}"),
        }
        self.tick = self.tick.wrapping_add(1);
        let slab = &self.handle.shared.slab;
        let ready = &self.handle.shared.metrics.ready;
        for event in self.events.iter() {
            if event.token().0 == slab::WAKER_TOKEN {
                // Only here to end the wait; mio's waker needs no reset on Linux (eventfd
                // is drained by mio).
                continue;
            }
            // Counted before the wake, so a woken task already sees it.
            ready.store(ready.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
            let (index, generation) = slab::decode(event.token());
            if let Some(slot) = slab.get(index) {
                slot.set_readiness(generation, self.tick, Ready::from_mio(event));
            }
        }
        if has_deferred {
            self.fire_deferred();
        }
    }

    fn fire_deferred(&mut self) {
        let shared = &*self.handle.shared;
        let now = system_now();
        let due: Vec<Deferred> = {
            let mut deferred = shared.deferred.lock().unwrap_or_else(|e| e.into_inner());
            let (due, later) = std::mem::take(&mut *deferred)
                .into_iter()
                .partition(|d| d.at <= now);
            *deferred = later;
            shared
                .has_deferred
                .store(!deferred.is_empty(), Ordering::Release);
            due
        };
        for d in due {
            if let Some(slot) = shared.slab.get(d.index) {
                slot.set_readiness(d.generation, self.tick, d.ready);
            }
        }
    }

    /// Shuts the reactor down: no new registrations, every waiting task is woken and every
    /// later operation on a registered resource fails with [`gone`].
    pub(crate) fn shutdown(&mut self) {
        self.handle.shutdown();
    }
}

impl Handle {
    /// Interrupts a `turn` in progress on another thread, or makes the next one return
    /// at once.
    pub(crate) fn unpark(&self) {
        // `wake` fails only if the eventfd counter would overflow, and then a wake-up is
        // already pending, which is all we want.
        let _ = self.shared.waker.wake();
    }

    pub(crate) fn metrics(&self) -> &IoMetrics {
        &self.shared.metrics
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.shared.is_shutdown.load(Ordering::Acquire)
    }

    /// Marks the reactor gone and releases every waiter.
    pub(crate) fn shutdown(&self) {
        if self.shared.is_shutdown.swap(true, Ordering::AcqRel) {
            return;
        }
        self.shared.slab.shutdown();
    }

    /// Registrations alive right now (for tests and metrics).
    #[cfg(test)]
    pub(crate) fn num_registrations(&self) -> usize {
        self.shared.slab.live()
    }

    /// Allocates a slot and registers `source` with the given interest.
    fn add_source(
        &self,
        source: &mut impl mio::event::Source,
        interest: mio::Interest,
    ) -> io::Result<(usize, usize)> {
        let (index, generation) = match self.shared.slab.allocate()? {
            Some(slot) => slot,
            None => return Err(gone()),
        };
        let token = slab::token(index, generation);
        if let Err(e) = self.shared.registry.register(source, token, interest) {
            self.shared.slab.release(index);
            return Err(e);
        }
        self.shared
            .metrics
            .registered
            .fetch_add(1, Ordering::Relaxed);
        Ok((index, generation))
    }

    /// Re-reports `ready` for the slot after `delay` (used to back off without spinning).
    fn defer(&self, index: usize, ready: Ready, delay: Duration) {
        let Some(slot) = self.shared.slab.get(index) else {
            return;
        };
        let generation = slot.generation();
        self.shared
            .deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Deferred {
                index,
                generation,
                ready,
                at: system_now() + delay,
            });
        self.shared.has_deferred.store(true, Ordering::Release);
        // The parked driver must recompute its timeout.
        self.unpark();
    }

    fn deregister_source(&self, source: &mut impl mio::event::Source) -> io::Result<()> {
        self.shared.registry.deregister(source)
    }

    fn release(&self, index: usize) {
        self.shared
            .metrics
            .deregistered
            .fetch_add(1, Ordering::Relaxed);
        self.shared.slab.release(index);
    }

    fn slot(&self, index: usize) -> &scheduled_io::ScheduledIo {
        self.shared
            .slab
            .get(index)
            .expect("a live registration's slot exists")
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver").field("tick", &self.tick).finish()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("is_shutdown", &self.is_shutdown())
            .finish()
    }
}

#[cfg(all(test, not(weft_loom)))]
mod tests;
