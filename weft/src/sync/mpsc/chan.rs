//! The channel state both flavours share.
//!
//! Senders push onto a `VecDeque` under a short mutex; the receiver swaps that whole buffer for
//! its own empty one when its local buffer runs dry, so it takes the lock once per batch rather
//! than once per message, and senders contend only with each other for a few instructions.
//! The receiver's waker lives under the same lock: a sender that pushes takes it out and wakes
//! it after unlocking, and the receiver registers it in the same critical section in which it
//! found the buffer empty, so no wake-up can be lost between the two.
//!
//! The bounded flavour adds a FIFO semaphore of `bound` permits: a sender takes one before
//! pushing, the receiver gives one back per message it takes out.

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::sync::batch_semaphore::Semaphore;
use crate::sync::Notify;
use std::collections::VecDeque;
use std::fmt;
use std::task::{ready, Context, Poll, Waker};

pub(super) struct Chan<T> {
    shared: Mutex<Shared<T>>,
    /// `Some` for a bounded channel: permits for free slots, and the bound.
    pub(super) semaphore: Option<(Semaphore, usize)>,
    tx_count: AtomicUsize,
    tx_weak_count: AtomicUsize,
    /// Mirrors `Shared::rx_closed` for lock-free `is_closed`.
    rx_closed: AtomicBool,
    /// Woken (notify_waiters) when the receiver closes, for `Sender::closed`.
    closed_notify: Notify,
}

struct Shared<T> {
    buf: VecDeque<T>,
    rx_waker: Option<Waker>,
    /// Every strong sender is gone.
    tx_closed: bool,
    rx_closed: bool,
}

/// What the receiver half owns: the channel and its local batch.
pub(super) struct Rx<T> {
    pub(super) chan: Arc<Chan<T>>,
    local: VecDeque<T>,
}

pub(super) enum TryPop<T> {
    Value(T),
    Empty,
    Closed,
}

// SAFETY: through `&Rx` one can only read the local batch's length and use the channel (which
// is `Sync` for `T: Send`); every access to the values themselves needs `&mut Rx`. So sharing an
// `Rx` between threads never shares a `&T`, and `T: Send` suffices, as for tokio's receiver.
unsafe impl<T: Send> Sync for Rx<T> {}

// A panic while a receiver is borrowed cannot leave a value half-moved in its batch (values
// only move in and out whole), so, as tokio's, the receivers are unwind safe for every `T`.
impl<T> std::panic::UnwindSafe for Rx<T> {}
impl<T> std::panic::RefUnwindSafe for Rx<T> {}

impl<T> Chan<T> {
    pub(super) fn new(bound: Option<usize>) -> Arc<Chan<T>> {
        Arc::new(Chan {
            shared: Mutex::new(Shared {
                buf: VecDeque::new(),
                rx_waker: None,
                tx_closed: false,
                rx_closed: false,
            }),
            semaphore: bound.map(|b| (Semaphore::new(b), b)),
            tx_count: AtomicUsize::new(1),
            tx_weak_count: AtomicUsize::new(0),
            rx_closed: AtomicBool::new(false),
            closed_notify: Notify::new(),
        })
    }

    /// Pushes a value. For a bounded channel the caller holds a permit for it, which the
    /// receiver gives back when it takes the value out. Fails (handing the value back) if the
    /// receiver closed, unless `force` (a reserved permit's send always enqueues).
    pub(super) fn push(&self, value: T, force: bool) -> Result<(), T> {
        let mut shared = self.shared.lock();
        if shared.rx_closed && !force {
            return Err(value);
        }
        shared.buf.push_back(value);
        let waker = shared.rx_waker.take();
        drop(shared);
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.rx_closed.load(Ordering::Acquire)
    }

    /// Wakes the receiver (a permit came back after close: it may now see the channel idle).
    pub(super) fn wake_rx(&self) {
        let waker = self.shared.lock().rx_waker.take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Gives back a permit that was never used to push.
    pub(super) fn release_unused_permit(&self, n: usize) {
        if let Some((sem, _)) = &self.semaphore {
            sem.release(n);
            if self.is_rx_closed() {
                self.wake_rx();
            }
        }
    }

    pub(super) async fn closed(&self) {
        loop {
            let notified = self.closed_notify.notified();
            if self.is_rx_closed() {
                return;
            }
            notified.await;
        }
    }

    pub(super) fn strong_count(&self) -> usize {
        self.tx_count.load(Ordering::Acquire)
    }

    pub(super) fn weak_count(&self) -> usize {
        self.tx_weak_count.load(Ordering::Acquire)
    }

    pub(super) fn inc_strong(&self) {
        self.tx_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops one strong sender; the last one closes the sending side.
    pub(super) fn dec_strong(&self) {
        if self.tx_count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let mut shared = self.shared.lock();
        shared.tx_closed = true;
        let waker = shared.rx_waker.take();
        drop(shared);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Turns a weak sender into a strong one if any strong sender is still alive.
    pub(super) fn try_upgrade(&self) -> bool {
        let mut cur = self.tx_count.load(Ordering::Relaxed);
        loop {
            if cur == 0 {
                return false;
            }
            match self.tx_count.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => cur = actual,
            }
        }
    }

    pub(super) fn inc_weak(&self) {
        self.tx_weak_count.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn dec_weak(&self) {
        self.tx_weak_count.fetch_sub(1, Ordering::Relaxed);
    }

    fn close_rx(&self) {
        let mut shared = self.shared.lock();
        shared.rx_closed = true;
        drop(shared);
        self.rx_closed.store(true, Ordering::Release);
        if let Some((sem, _)) = &self.semaphore {
            sem.close();
        }
        self.closed_notify.notify_waiters();
    }

    /// No sender holds a permit it has not used yet (bounded), so nothing more can arrive once
    /// the receiver closed.
    fn is_idle(&self, buffered: usize) -> bool {
        match &self.semaphore {
            Some((sem, bound)) => sem.available_permits() + buffered >= *bound,
            None => true,
        }
    }
}

impl<T> Rx<T> {
    pub(super) fn new(chan: Arc<Chan<T>>) -> Rx<T> {
        Rx {
            chan,
            local: VecDeque::new(),
        }
    }

    /// Gives back the permits of `n` values taken out.
    fn release(&self, n: usize) {
        if let Some((sem, _)) = &self.chan.semaphore {
            sem.release(n);
        }
    }

    /// Refills the local batch from the shared buffer; registers `waker` if both are empty.
    /// Returns whether the channel is finished (empty and nothing more can come).
    fn refill(&mut self, waker: Option<&Waker>) -> bool {
        let mut shared = self.chan.shared.lock();
        if !shared.buf.is_empty() {
            std::mem::swap(&mut shared.buf, &mut self.local);
            return false;
        }
        if shared.tx_closed || (shared.rx_closed && self.chan.is_idle(0)) {
            return true;
        }
        if let Some(waker) = waker {
            match &shared.rx_waker {
                Some(old) if old.will_wake(waker) => {}
                _ => shared.rx_waker = Some(waker.clone()),
            }
        }
        false
    }

    pub(super) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        if self.local.is_empty() && self.refill(Some(cx.waker())) {
            coop.made_progress();
            return Poll::Ready(None);
        }
        match self.local.pop_front() {
            Some(v) => {
                self.release(1);
                coop.made_progress();
                Poll::Ready(Some(v))
            }
            None => {
                // For the task dump: this task waits on this channel.
                crate::runtime::diag::record_wait(
                    &crate::runtime::diag::sites::MPSC_RECV,
                    self as *const Self as u64,
                );
                Poll::Pending
            }
        }
    }

    pub(super) fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        if self.local.is_empty() && self.refill(Some(cx.waker())) {
            coop.made_progress();
            return Poll::Ready(0);
        }
        if self.local.is_empty() {
            return Poll::Pending;
        }
        let n = limit.min(self.local.len());
        buffer.extend(self.local.drain(..n));
        // Top up from the shared buffer too, so one call takes all that is there.
        if n < limit && self.local.is_empty() && !self.refill(None) {
            let more = (limit - n).min(self.local.len());
            buffer.extend(self.local.drain(..more));
            self.release(n + more);
            coop.made_progress();
            return Poll::Ready(n + more);
        }
        self.release(n);
        coop.made_progress();
        Poll::Ready(n)
    }

    pub(super) fn try_pop(&mut self) -> TryPop<T> {
        if self.local.is_empty() && self.refill(None) {
            return TryPop::Closed;
        }
        match self.local.pop_front() {
            Some(v) => {
                self.release(1);
                TryPop::Value(v)
            }
            None => TryPop::Empty,
        }
    }

    pub(super) fn close(&mut self) {
        self.chan.close_rx();
    }

    pub(super) fn is_closed(&self) -> bool {
        self.chan.is_rx_closed() || self.chan.strong_count() == 0
    }

    pub(super) fn len(&self) -> usize {
        self.local.len() + self.chan.shared.lock().buf.len()
    }
}

impl<T> Drop for Rx<T> {
    fn drop(&mut self) {
        self.chan.close_rx();
        // Drop buffered values now (outside the lock), not when the last sender goes.
        let rest = std::mem::take(&mut self.chan.shared.lock().buf);
        let n = self.local.len() + rest.len();
        drop(rest);
        self.local.clear();
        self.release(n);
    }
}

impl<T> fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chan")
            .field("tx_count", &self.strong_count())
            .field("rx_closed", &self.is_rx_closed())
            .field("bound", &self.semaphore.as_ref().map(|(_, b)| *b))
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Rx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rx")
            .field("chan", &self.chan)
            .field("local", &self.local.len())
            .finish()
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;
    use std::future::poll_fn;

    #[test]
    fn loom_mpsc_two_senders_nothing_lost() {
        loom::model(|| {
            let chan = Chan::<usize>::new(None);
            chan.inc_strong();
            let ths: Vec<_> = (0..2)
                .map(|i| {
                    let chan = chan.clone();
                    thread::spawn(move || {
                        chan.push(i, false).unwrap();
                        chan.dec_strong();
                    })
                })
                .collect();
            let mut rx = Rx::new(chan);
            let mut got = vec![];
            while let Some(v) = block_on(poll_fn(|cx| rx.poll_recv(cx))) {
                got.push(v);
            }
            got.sort();
            assert_eq!(got, vec![0, 1]);
            for th in ths {
                th.join().unwrap();
            }
        });
    }

    #[test]
    fn loom_mpsc_bounded_close_drains() {
        loom::model(|| {
            let chan = Chan::<usize>::new(Some(1));
            let c2 = chan.clone();
            let th = thread::spawn(move || {
                let sent = match block_on(c2.semaphore.as_ref().unwrap().0.acquire(1)) {
                    Ok(()) => c2.push(7, true).is_ok(),
                    Err(_) => false,
                };
                c2.dec_strong();
                sent
            });
            let mut rx = Rx::new(chan);
            rx.close();
            let got = block_on(poll_fn(|cx| rx.poll_recv(cx)));
            let sent = th.join().unwrap();
            // A value sent (permit taken before close) is drained, then the channel ends.
            assert_eq!(got.is_some(), sent);
            assert_eq!(block_on(poll_fn(|cx| rx.poll_recv(cx))), None);
        });
    }

    #[test]
    fn loom_mpsc_bounded_backpressure() {
        loom::model(|| {
            let chan = Chan::<usize>::new(Some(1));
            let c2 = chan.clone();
            let th = thread::spawn(move || {
                for i in 0..2 {
                    block_on(c2.semaphore.as_ref().unwrap().0.acquire(1)).unwrap();
                    c2.push(i, true).unwrap();
                }
                c2.dec_strong();
            });
            let mut rx = Rx::new(chan);
            assert_eq!(block_on(poll_fn(|cx| rx.poll_recv(cx))), Some(0));
            assert_eq!(block_on(poll_fn(|cx| rx.poll_recv(cx))), Some(1));
            assert_eq!(block_on(poll_fn(|cx| rx.poll_recv(cx))), None);
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_mpsc_upgrade_races_last_drop() {
        loom::model(|| {
            let chan = Chan::<usize>::new(None);
            chan.inc_weak();
            let c2 = chan.clone();
            let th = thread::spawn(move || c2.dec_strong());
            let upgraded = chan.try_upgrade();
            th.join().unwrap();
            // Either the upgrade won (one strong sender left) or the channel was already closed.
            assert_eq!(chan.strong_count(), usize::from(upgraded));
            let mut rx = Rx::new(chan.clone());
            let pending = block_on(async {
                let waker = futures::task::noop_waker();
                let mut cx = std::task::Context::from_waker(&waker);
                rx.poll_recv(&mut cx).is_pending()
            });
            assert_eq!(
                pending, upgraded,
                "closed exactly when no strong sender is left"
            );
        });
    }

    #[test]
    fn loom_mpsc_receiver_drop_races_send() {
        loom::model(|| {
            let chan = Chan::<Arc<()>>::new(None);
            let value = Arc::new(());
            let (c2, v2) = (chan.clone(), value.clone());
            let th = thread::spawn(move || {
                let _ = c2.push(v2, false);
                c2.dec_strong();
            });
            drop(Rx::new(chan.clone()));
            th.join().unwrap();
            // Whether the push came before or after the drop, nobody holds the value but us
            // once the channel is gone.
            drop(chan);
            assert_eq!(Arc::strong_count(&value), 1);
        });
    }
}
