//! The process-wide signal registry shared by every runtime.
//!
//! One self-pipe for the whole process. Each [`Listener`] registers its own duplicate of
//! the pipe's read end with the reactor of the runtime it was created in, so whichever
//! runtime notices the pipe first drains it and [`broadcast`]s: every signal marked pending
//! bumps that signal's generation and wakes every listener waiting on it. A listener has
//! seen a signal when its remembered generation differs from the current one, so
//! deliveries coalesce and none is lost between `signal()` and the first `recv`.

use super::sys;
use crate::io::Interest;
use crate::loom::sync::atomic::{AtomicU64, Ordering};
use crate::loom::sync::Mutex;
use crate::runtime::driver::io::PollEvented;
use std::io::{self, Read as _};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::OnceLock;
use std::task::{ready, Context, Poll, Waker};

struct Global {
    receiver: mio::unix::pipe::Receiver,
    /// Kept open for the life of the process: the handler writes to it.
    _sender: mio::unix::pipe::Sender,
    slots: Vec<Slot>,
    next_id: AtomicU64,
}

/// One signal's delivery count and the listeners waiting for the next one.
///
/// The protocol (loom-modelled below): a listener registers its waker, then reads the
/// generation; a publisher bumps the generation, then takes and wakes the wakers. Either
/// the listener reads the new generation or its waker is taken by the publisher.
#[derive(Default)]
struct Slot {
    generation: AtomicU64,
    waiters: Mutex<Vec<(u64, Waker)>>,
}

impl Slot {
    /// Registers (or refreshes) listener `id`'s waker; then read [`Slot::generation`].
    fn register(&self, id: u64, waker: &Waker) {
        let mut waiters = self.waiters.lock();
        match waiters.iter_mut().find(|(i, _)| *i == id) {
            Some((_, w)) => w.clone_from(waker),
            None => waiters.push((id, waker.clone())),
        }
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Records one (coalesced) delivery and wakes every waiting listener.
    fn publish(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let waiters = std::mem::take(&mut *self.waiters.lock());
        for (_, waker) in waiters {
            waker.wake();
        }
    }

    fn remove(&self, id: u64) {
        self.waiters.lock().retain(|(i, _)| *i != id);
    }
}

fn global() -> io::Result<&'static Global> {
    static GLOBAL: OnceLock<Global> = OnceLock::new();
    // Process-wide set-up, not part of the modelled protocol: plain std.
    static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    if let Some(g) = GLOBAL.get() {
        return Ok(g);
    }
    // `OnceLock::get_or_try_init` is unstable; a lock keeps creation single and fallible.
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(g) = GLOBAL.get() {
        return Ok(g);
    }
    // Both ends non-blocking and close-on-exec, so children never inherit them.
    let (sender, receiver) = mio::unix::pipe::new()?;
    sys::set_write_fd(sender.as_raw_fd());
    let global = Global {
        receiver,
        _sender: sender,
        slots: (0..sys::NSIG).map(|_| Slot::default()).collect(),
        next_id: AtomicU64::new(0),
    };
    Ok(GLOBAL.get_or_init(|| global))
}

/// Empties the pipe through `reader` (any descriptor of its read end); `true` once it is
/// empty (`WouldBlock`).
fn drain(mut reader: &mio::unix::pipe::Receiver) -> bool {
    let mut buf = [0u8; 128];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return false,
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            // Reading a pipe we own fails only on programming errors; the pending flags
            // are published by the caller all the same.
            Err(_) => return false,
        }
    }
}

/// Publishes every pending signal (call after draining the pipe, so that a signal whose
/// byte was drained is published). Any listener may call it.
fn broadcast(global: &Global) {
    for (signum, slot) in global.slots.iter().enumerate().skip(1) {
        if sys::take_pending(signum) {
            slot.publish();
        }
    }
}

/// One receiver of one signal, registered with the current runtime's reactor.
pub(crate) struct Listener {
    global: &'static Global,
    signum: usize,
    seen: u64,
    id: u64,
    pipe: PollEvented<mio::unix::pipe::Receiver>,
}

impl Listener {
    /// Installs the handler (if not yet) and starts listening; a signal delivered from now
    /// on is seen by the first `poll_recv`.
    ///
    /// # Panics
    /// Outside a runtime with I/O enabled.
    pub(crate) fn new(signum: std::os::raw::c_int) -> io::Result<Listener> {
        let index = sys::check(signum)?;
        // First, so that a call outside a runtime panics before touching process state.
        let reactor = crate::runtime::current::io();
        let global = global()?;
        sys::install(signum)?;
        // Publish what arrived before this listener existed (to the listeners that did), so
        // that it is not mistaken for a delivery to this one: like tokio, a listener reports
        // the signals that arrive after `signal()`, not one left over from a time nobody
        // listened (which matters for `ctrl_c()` called again and again).
        drain(&global.receiver);
        broadcast(global);
        let seen = global.slots[index].generation();
        let dup = global.receiver.as_fd().try_clone_to_owned()?;
        let pipe = PollEvented::new_with_interest(
            mio::unix::pipe::Receiver::from(dup),
            Interest::READABLE,
            reactor,
        )?;
        Ok(Listener {
            global,
            signum: index,
            seen,
            id: global.next_id.fetch_add(1, Ordering::Relaxed),
            pipe,
        })
    }

    /// `Ready(Some(()))` once the signal arrived since the last `Ready`; `Ready(None)` once
    /// the runtime is gone.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let slot = &self.global.slots[self.signum];
        loop {
            // Fast path: a delivery already published needs no waker.
            if let Some(ready) = self.take_delivery(slot) {
                return ready;
            }
            // Register before reading the generation again: a broadcast that bumps it after
            // this read must find our waker.
            slot.register(self.id, cx.waker());
            if let Some(ready) = self.take_delivery(slot) {
                return ready;
            }
            let event = match ready!(self.pipe.registration().poll_read_ready(cx)) {
                Ok(event) => event,
                Err(_) => return Poll::Ready(None),
            };
            if drain(&self.pipe) {
                self.pipe.registration().clear_readiness(event);
            }
            // We are running: the broadcast must not wake us (a self-wake costs a
            // reschedule, on the multi-thread scheduler often a cross-thread unpark). The
            // loop reads the generation again, registering first, so nothing is missed.
            slot.remove(self.id);
            broadcast(self.global);
        }
    }

    fn take_delivery(&mut self, slot: &Slot) -> Option<Poll<Option<()>>> {
        let generation = slot.generation();
        if generation == self.seen {
            return None;
        }
        self.seen = generation;
        Some(Poll::Ready(Some(())))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.global.slots[self.signum].remove(self.id);
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::Slot;
    use crate::loom::sync::atomic::{AtomicBool, Ordering};
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use std::task::{Wake, Waker};

    struct Flag(AtomicBool);

    // std's Arc: `Waker: From<std::sync::Arc<W>>` only; the flag inside is loom's.
    impl Wake for Flag {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.store(true, Ordering::Release);
        }
    }

    /// A delivery published concurrently with a listener's registration is never missed:
    /// the listener either reads the new generation or is woken.
    #[test]
    fn loom_signal_publish_never_loses_a_listener() {
        loom::model(|| {
            let slot = Arc::new(Slot::default());
            let flag = std::sync::Arc::new(Flag(AtomicBool::new(false)));
            let waker = Waker::from(flag.clone());
            let publisher = {
                let slot = slot.clone();
                thread::spawn(move || slot.publish())
            };
            slot.register(1, &waker);
            let saw_delivery = slot.generation() != 0;
            publisher.join().unwrap();
            assert!(saw_delivery || flag.0.load(Ordering::Acquire));
        });
    }

    /// Two deliveries and a listener that reads between them: it is woken or sees the
    /// latest generation, never left waiting on a stale one.
    #[test]
    fn loom_signal_two_publishers() {
        loom::model(|| {
            let slot = Arc::new(Slot::default());
            let flag = std::sync::Arc::new(Flag(AtomicBool::new(false)));
            let waker = Waker::from(flag.clone());
            let publishers: Vec<_> = (0..2)
                .map(|_| {
                    let slot = slot.clone();
                    thread::spawn(move || slot.publish())
                })
                .collect();
            slot.register(1, &waker);
            let seen = slot.generation();
            for p in publishers {
                p.join().unwrap();
            }
            assert!(seen == 2 || flag.0.load(Ordering::Acquire));
        });
    }
}
