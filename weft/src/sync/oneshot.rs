//! A one-shot channel: one value, sent once, from one task to another.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. The receiver is a future that resolves to
//! the value, or to [`RecvError`] if the sender was dropped without sending.
//!
//! ```
//! use weft::sync::oneshot;
//!
//! # futures::executor::block_on(async {
//! let (tx, rx) = oneshot::channel();
//! std::thread::spawn(move || tx.send(3).unwrap());
//! assert_eq!(rx.await, Ok(3));
//! # });
//! ```
//!
//! The whole channel is one allocation holding an atomic state word, the value and both sides'
//! wakers; neither side ever takes a lock.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::Arc;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// Error types of the one-shot channel.
pub mod error {
    use std::fmt;

    /// The sender was dropped without sending: returned by awaiting a [`Receiver`](super::Receiver).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = weft::sync::oneshot::channel::<u8>();
    /// drop(tx);
    /// assert!(rx.await.is_err());
    /// # });
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    /// Why [`try_recv`](super::Receiver::try_recv) returned no value.
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// The sender has not sent a value yet.
        Empty,
        /// The sender was dropped without sending, or the value was already taken.
        Closed,
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, TryRecvError};

// The state word. COMPLETE is set once by the sender (on send or drop) and CLOSED once by the
// receiver (on close or drop). A side may touch its own waker cell only while its TASK_SET bit
// is clear; the other side reads that cell only while the bit is set and before its own flag
// (COMPLETE for the sender, CLOSED for the receiver) is published.
const RX_TASK_SET: usize = 0b0001;
const COMPLETE: usize = 0b0010;
const CLOSED: usize = 0b0100;
const TX_TASK_SET: usize = 0b1000;

struct Inner<T> {
    state: AtomicUsize,
    /// Written by the sender before it publishes COMPLETE; read by the receiver only after it
    /// observed COMPLETE.
    value: UnsafeCell<Option<T>>,
    /// The receiver's waker (see the state word's rules).
    rx_task: UnsafeCell<Option<Waker>>,
    /// The waker of a sender waiting in `closed()`.
    tx_task: UnsafeCell<Option<Waker>>,
}

// SAFETY: the value moves from the sender's thread to the receiver's (needs `T: Send`); the
// cells are only accessed under the state word's protocol, which hands each cell to exactly one
// side at a time.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above; no `&T` is ever shared between threads.
unsafe impl<T: Send> Sync for Inner<T> {}

/// Sends the one value; created by [`channel`].
///
/// ```
/// use weft::sync::oneshot;
///
/// let (tx, mut rx) = oneshot::channel();
/// tx.send("done").unwrap();
/// assert_eq!(rx.try_recv(), Ok("done"));
/// ```
pub struct Sender<T> {
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the one value; a future that resolves to it. Created by [`channel`].
///
/// Awaiting it returns `Err(RecvError)` if the sender is dropped without sending.
///
/// ```
/// use weft::sync::oneshot;
///
/// # futures::executor::block_on(async {
/// let (tx, rx) = oneshot::channel::<u32>();
/// drop(tx);
/// assert!(rx.await.is_err());
/// # });
/// ```
///
/// # Cancel safety
///
/// Dropping a pending `Receiver` closes the channel: a later `send` returns the value back.
/// Awaiting `&mut rx` inside `select!` is cancel safe: the value stays in the channel.
pub struct Receiver<T> {
    inner: Option<Arc<Inner<T>>>,
}

/// Creates a one-shot channel.
///
/// ```
/// use weft::sync::oneshot;
///
/// # futures::executor::block_on(async {
/// let (tx, rx) = oneshot::channel();
/// tx.send(1).unwrap();
/// assert_eq!(rx.await.unwrap(), 1);
/// # });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_task: UnsafeCell::new(None),
        tx_task: UnsafeCell::new(None),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner: Some(inner) },
    )
}

impl<T> Inner<T> {
    /// The sender is done (sent or dropped): publishes COMPLETE unless the receiver closed
    /// first, and wakes the receiver. Returns false if the channel was closed.
    fn complete(&self) -> bool {
        let mut cur = self.state.load(Ordering::Relaxed);
        loop {
            if cur & CLOSED != 0 {
                return false;
            }
            match self.state.compare_exchange_weak(
                cur,
                cur | COMPLETE,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        if cur & RX_TASK_SET != 0 {
            self.rx_task.with(|w| {
                // SAFETY: RX_TASK_SET was set when we published COMPLETE, so the receiver stored
                // its waker and will not touch the cell again (it re-checks COMPLETE first).
                if let Some(w) = unsafe { &*w } {
                    w.wake_by_ref();
                }
            });
        }
        true
    }

    /// Takes the value out. Only for the receiver once it observed COMPLETE.
    fn take_value(&self) -> Option<T> {
        // SAFETY: the caller observed COMPLETE (Acquire), after which the sender never touches
        // the value cell; the receiver is the only other accessor.
        self.value.with_mut(|v| unsafe { (*v).take() })
    }

    /// Registers `cx`'s waker in `cell` under the `bit` protocol; returns the state after
    /// registration (the caller checks it for the flag it waits on).
    ///
    /// `done` is the flag that, once set, makes the other side stop reading the cell.
    fn register(
        &self,
        cell: &UnsafeCell<Option<Waker>>,
        bit: usize,
        done: usize,
        cx: &Context<'_>,
    ) -> usize {
        let mut state = self.state.load(Ordering::Acquire);
        if state & bit != 0 {
            // SAFETY: our bit is set, so the other side only reads the cell; reading is shared.
            let same =
                cell.with(|w| unsafe { (*w).as_ref() }.is_some_and(|w| w.will_wake(cx.waker())));
            if same {
                return state;
            }
            state = self.state.fetch_and(!bit, Ordering::AcqRel) & !bit;
            if state & done != 0 {
                // The other side finished and may be reading the old waker: leave the cell as
                // is and set the bit again so the state stays consistent.
                self.state.fetch_or(bit, Ordering::AcqRel);
                return state | bit;
            }
        }
        // SAFETY: our bit is clear, so the other side does not read the cell.
        cell.with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
        self.state.fetch_or(bit, Ordering::AcqRel) | bit
    }
}

impl<T> Sender<T> {
    /// Sends `t`, consuming the sender. Returns `Err(t)` if the receiver was closed or
    /// dropped, handing the value back.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(mut self, t: T) -> Result<(), T> {
        let inner = self.inner.take().expect("sender used after send");
        // SAFETY: COMPLETE is not yet set, so the receiver does not touch the value cell.
        inner.value.with_mut(|v| unsafe { *v = Some(t) });
        if inner.complete() {
            Ok(())
        } else {
            // SAFETY: COMPLETE was not published, so the cell is still ours alone.
            let t = inner.value.with_mut(|v| unsafe { (*v).take() });
            Err(t.expect("value just stored"))
        }
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// # futures::executor::block_on(async {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// drop(rx);
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only waits and changes nothing.
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Whether the receiver was closed or dropped.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        let inner = self.inner.as_ref().expect("sender used after send");
        inner.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Polls whether the receiver was closed or dropped, registering `cx` to be woken when it is.
    ///
    /// ```
    /// use weft::sync::oneshot;
    /// use std::future::poll_fn;
    ///
    /// # futures::executor::block_on(async {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// drop(rx);
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # });
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        let inner = self.inner.as_ref().expect("sender used after send");
        if inner.state.load(Ordering::Acquire) & CLOSED != 0 {
            coop.made_progress();
            return Poll::Ready(());
        }
        let state = inner.register(&inner.tx_task, TX_TASK_SET, CLOSED, cx);
        if state & CLOSED != 0 {
            coop.made_progress();
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            inner.complete();
        }
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver: a later `send` fails and hands its
    /// value back, and a value sent before the close can still be taken with `try_recv`.
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn close(&mut self) {
        if let Some(inner) = self.inner.as_ref() {
            let prev = inner.state.fetch_or(CLOSED, Ordering::AcqRel);
            if prev & TX_TASK_SET != 0 && prev & COMPLETE == 0 {
                inner.tx_task.with(|w| {
                    // SAFETY: TX_TASK_SET was set and we just published CLOSED, so the sender
                    // stored its waker and will not write the cell again.
                    if let Some(w) = unsafe { &*w } {
                        w.wake_by_ref();
                    }
                });
            }
        }
    }

    /// Whether the receiver has finished: it yielded a value or an error, so polling it again
    /// would panic.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = oneshot::channel();
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_terminated());
    /// assert_eq!((&mut rx).await, Ok(0));
    /// assert!(rx.is_terminated());
    /// # });
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether no value is waiting in the channel.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let Some(inner) = self.inner.as_ref() else {
            return true;
        };
        if inner.state.load(Ordering::Acquire) & COMPLETE != 0 {
            // SAFETY: COMPLETE observed: the sender no longer touches the value cell.
            inner.value.with(|v| unsafe { (*v).is_none() })
        } else {
            true
        }
    }

    /// Takes the value if it has been sent, without waiting.
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(7).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(7));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = self.inner.as_ref() else {
            return Err(TryRecvError::Closed);
        };
        let state = inner.state.load(Ordering::Acquire);
        let result = if state & COMPLETE != 0 {
            inner.take_value().ok_or(TryRecvError::Closed)
        } else if state & CLOSED != 0 {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.inner = None;
        result
    }

    /// Blocks the current thread until the value arrives. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// let t = std::thread::spawn(move || tx.send(10).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(10));
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.inner.is_some() {
            self.close();
            let inner = self.inner.take().expect("checked above");
            if inner.state.load(Ordering::Acquire) & COMPLETE != 0 {
                // Drop the value now rather than when the sender lets go of the allocation.
                drop(inner.take_value());
            }
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        let inner = self
            .inner
            .as_ref()
            .expect("oneshot::Receiver polled after completion");
        let mut state = inner.state.load(Ordering::Acquire);
        if state & (COMPLETE | CLOSED) == 0 {
            state = inner.register(&inner.rx_task, RX_TASK_SET, COMPLETE, cx);
        }
        let out = if state & COMPLETE != 0 {
            inner.take_value().ok_or(RecvError(()))
        } else if state & CLOSED != 0 {
            Err(RecvError(()))
        } else {
            return Poll::Pending;
        };
        coop.made_progress();
        self.inner = None;
        Poll::Ready(out)
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("terminated", &self.inner.is_none())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    #[test]
    fn loom_oneshot_send_recv() {
        loom::model(|| {
            let (tx, rx) = channel::<usize>();
            let th = thread::spawn(move || tx.send(1).unwrap());
            assert_eq!(block_on(rx), Ok(1));
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_oneshot_drop_sender() {
        loom::model(|| {
            let (tx, rx) = channel::<usize>();
            let th = thread::spawn(move || drop(tx));
            assert_eq!(block_on(rx), Err(RecvError(())));
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_oneshot_close_races_send() {
        loom::model(|| {
            let (tx, mut rx) = channel::<Arc<()>>();
            let value = Arc::new(());
            let v2 = value.clone();
            let th = thread::spawn(move || tx.send(v2).is_ok());
            rx.close();
            let got = rx.try_recv();
            let sent = th.join().unwrap();
            // Either the send won (and the value is receivable) or it was handed back.
            assert_eq!(sent, got.is_ok());
            drop(got);
            drop(rx);
            assert_eq!(Arc::strong_count(&value), 1);
        });
    }

    #[test]
    fn loom_oneshot_closed_wakes_sender() {
        loom::model(|| {
            let (mut tx, rx) = channel::<usize>();
            let th = thread::spawn(move || drop(rx));
            block_on(tx.closed());
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_oneshot_rx_changes_waker() {
        loom::model(|| {
            let (tx, mut rx) = channel::<usize>();
            let th = thread::spawn(move || tx.send(2).unwrap());
            // Poll once with a no-op waker, then wait with a real one.
            let noop = futures::task::noop_waker();
            let mut cx = Context::from_waker(&noop);
            let first = Pin::new(&mut rx).poll(&mut cx);
            let v = match first {
                Poll::Ready(v) => v,
                Poll::Pending => block_on(rx),
            };
            assert_eq!(v, Ok(2));
            th.join().unwrap();
        });
    }
}
