//! The unbounded channel: `send` never waits.

use super::chan::{Chan, Rx, TryPop};
use super::error::{SendError, TryRecvError};
use crate::loom::sync::Arc;
use std::fmt;
use std::task::{Context, Poll};

/// Sends values into an unbounded channel; clone it for more producers.
///
/// ```
/// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// ```
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// An unbounded sender that does not keep the channel open.
///
/// ```
/// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<u8>();
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// Receives the values of an unbounded channel.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
/// tx.send("v").unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some("v"));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub struct UnboundedReceiver<T> {
    rx: Rx<T>,
}

/// Creates an unbounded channel: sends never wait, memory is the only limit.
///
/// ```
/// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<u32>();
/// # drop((tx, rx));
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Chan::new(None);
    (
        UnboundedSender { chan: chan.clone() },
        UnboundedReceiver { rx: Rx::new(chan) },
    )
}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting. Fails, handing the value back, if the receiver is closed
    /// or gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.push(value, false).map_err(SendError)
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// drop(rx);
    /// tx.closed().await;
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only waits.
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Whether the receiver is closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both senders send into the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// A [`WeakUnboundedSender`] for this channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.inc_weak();
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// let _w = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.inc_strong();
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.dec_strong();
    }
}

impl<T> WeakUnboundedSender<T> {
    /// A strong sender, if any is still alive.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.try_upgrade().then(|| UnboundedSender {
            chan: self.chan.clone(),
        })
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.inc_weak();
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.dec_weak();
    }
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next value; `None` once every sender is gone (or the receiver closed) and
    /// the buffer is drained.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled `recv` has taken no value out of the channel.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.rx.poll_recv(cx)).await
    }

    /// Receives up to `limit` values into `buffer`, waiting for at least one.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buf = vec![];
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call added nothing to `buffer` and took nothing out.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        std::future::poll_fn(|cx| self.rx.poll_recv_many(cx, buffer, limit)).await
    }

    /// Takes the next value if one is buffered.
    ///
    /// ```
    /// use weft::sync::mpsc::error::TryRecvError;
    ///
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.rx.try_pop() {
            TryPop::Value(v) => Ok(v),
            TryPop::Empty => Err(TryRecvError::Empty),
            TryPop::Closed => Err(TryRecvError::Disconnected),
        }
    }

    /// Blocks the current thread until a value arrives. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// std::thread::spawn(move || tx.send(1).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::sync::blocking::assert_not_in_runtime("block the current thread");
        crate::sync::blocking::block_on(self.recv())
    }

    /// Blocking form of [`recv_many`](Self::recv_many). For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = vec![];
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 4), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::sync::blocking::assert_not_in_runtime("block the current thread");
        crate::sync::blocking::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel to new values; buffered values can still be received.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Whether the channel is closed: the receiver closed it or every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.rx.is_closed()
    }

    /// Whether no value is buffered.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of buffered values.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Polls for the next value; `Ready(None)` once the channel is finished.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }

    /// Polls for up to `limit` values into `buffer`.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buf = vec![];
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 2)).await, 1);
    /// # });
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.rx.poll_recv_many(cx, buffer, limit)
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.rx.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.rx.chan.weak_count()
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender")
            .finish_non_exhaustive()
    }
}

// The values are never pinned (they sit in a `VecDeque` and are moved out), so the receiver is
// `Unpin` whatever `T` is, as tokio's is.
impl<T> Unpin for UnboundedReceiver<T> {}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver")
            .field("rx", &self.rx)
            .finish()
    }
}
