//! The bounded channel: senders wait (FIFO) for a free slot.

use super::chan::{Chan, Rx, TryPop};
use super::error::{SendError, TryRecvError, TrySendError};
use crate::loom::sync::Arc;
use crate::sync::batch_semaphore::TryAcquireError;
use std::fmt;
use std::task::{Context, Poll};

/// Sends values into a bounded channel; clone it for more producers.
///
/// ```
/// use weft::sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(4);
/// tx.send("a").await.unwrap();
/// assert_eq!(rx.recv().await, Some("a"));
/// # });
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade) it to send.
///
/// ```
/// use weft::sync::mpsc;
///
/// let (tx, _rx) = mpsc::channel::<u8>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    chan: Arc<Chan<T>>,
}

/// A reserved slot in the channel; [`send`](Permit::send) fills it without waiting.
/// Dropping it unused frees the slot.
///
/// ```
/// use weft::sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(1);
/// let permit = tx.reserve().await.unwrap();
/// assert!(tx.try_send(2).is_err()); // the one slot is reserved
/// permit.send(1);
/// assert_eq!(rx.recv().await, Some(1));
/// # });
/// ```
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Several reserved slots, handed out one [`Permit`] at a time; unused ones are freed on drop.
///
/// ```
/// use weft::sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(2);
/// for permit in tx.reserve_many(2).await.unwrap() {
///     permit.send(7);
/// }
/// assert_eq!(rx.len(), 2);
/// # });
/// ```
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
}

/// A reserved slot that owns its sender (no borrow).
///
/// ```
/// use weft::sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(1);
/// let permit = tx.reserve_owned().await.unwrap();
/// let tx = permit.send(3);
/// assert_eq!(rx.recv().await, Some(3));
/// # drop(tx);
/// # });
/// ```
pub struct OwnedPermit<T> {
    chan: Option<Arc<Chan<T>>>,
}

/// Receives the values of a bounded channel.
///
/// ```
/// use weft::sync::mpsc;
///
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = mpsc::channel(2);
/// tx.send(1).await.unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub struct Receiver<T> {
    rx: Rx<T>,
}

/// Creates a bounded channel holding at most `buffer` unreceived values.
///
/// # Panics
///
/// Panics if `buffer` is 0 or larger than `Semaphore::MAX_PERMITS`.
///
/// ```
/// let (tx, rx) = weft::sync::mpsc::channel::<u32>(100);
/// assert_eq!(tx.max_capacity(), 100);
/// # drop(rx);
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let chan = Chan::new(Some(buffer));
    (
        Sender { chan: chan.clone() },
        Receiver { rx: Rx::new(chan) },
    )
}

impl<T> Chan<T> {
    fn sem(&self) -> &crate::sync::batch_semaphore::Semaphore {
        &self.semaphore.as_ref().expect("bounded channel").0
    }

    fn bound(&self) -> usize {
        self.semaphore.as_ref().expect("bounded channel").1
    }

    /// Waits for `n` slots. A failed or cancelled wait may have returned partial permits to a
    /// closed channel: then the receiver, waiting for the channel to go idle, is woken.
    async fn acquire(&self, n: usize) -> Result<(), SendError<()>> {
        struct WakeOnDrop<'a, T>(&'a Chan<T>);
        impl<T> Drop for WakeOnDrop<'_, T> {
            fn drop(&mut self) {
                if self.0.is_rx_closed() {
                    self.0.wake_rx();
                }
            }
        }
        if n > self.bound() {
            return Err(SendError(()));
        }
        let guard = WakeOnDrop(self);
        let result = self.sem().acquire(n).await;
        match result {
            Ok(()) => {
                std::mem::forget(guard);
                Ok(())
            }
            Err(_) => Err(SendError(())),
        }
    }

    fn try_acquire(&self, n: usize) -> Result<(), TrySendError<()>> {
        if n > self.bound() {
            return Err(TrySendError::Full(()));
        }
        match self.sem().try_acquire(n) {
            Ok(()) => Ok(()),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for a free slot if the channel is full.
    ///
    /// Fails, handing the value back, if the receiver is closed or gone.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = mpsc::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(9).await.unwrap_err().0, 9);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Senders wait in a FIFO queue; cancelling `send` gives up the place in it, and the value
    /// (moved into the future) is dropped, not sent. Use [`reserve`](Self::reserve) to wait
    /// for a slot without giving up a value.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.chan.acquire(1).await {
            Ok(()) => {
                let _ = self.chan.push(value, true);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Sends `value` if a slot is free right now.
    ///
    /// ```
    /// use weft::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, rx) = mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.try_acquire(1) {
            Ok(()) => {
                let _ = self.chan.push(value, true);
                Ok(())
            }
            Err(TrySendError::Full(())) => Err(TrySendError::Full(value)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(value)),
        }
    }

    /// Blocks the current thread until the value is sent. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// std::thread::spawn(move || tx.blocking_send(4).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(4));
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::sync::blocking::assert_not_in_runtime("block the current thread");
        crate::sync::blocking::block_on(self.send(value))
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = mpsc::channel::<()>(1);
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
    /// let (tx, rx) = weft::sync::mpsc::channel::<()>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Waits for a free slot and reserves it.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.reserve().await.unwrap().send(5);
    /// assert_eq!(rx.recv().await, Some(5));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Waits in the same FIFO queue as `send`; cancelling gives up the place but loses no
    /// value (there is none yet).
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.chan.acquire(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for `n` free slots and reserves them all at once. Fails if `n` exceeds the
    /// channel's capacity or the receiver is closed.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, _rx) = mpsc::channel::<u8>(2);
    /// assert_eq!(tx.reserve_many(2).await.unwrap().len(), 2);
    /// assert!(tx.reserve_many(3).await.is_err());
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`reserve`](Self::reserve); slots granted to a cancelled call go to the next
    /// waiter.
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.chan.acquire(n).await?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Like [`reserve`](Self::reserve), consuming the sender into an [`OwnedPermit`].
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let permit = tx.reserve_owned().await.unwrap();
    /// let tx = permit.release();
    /// assert_eq!(tx.capacity(), 1);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`reserve`](Self::reserve); the sender is dropped with the future.
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.chan.acquire(1).await?;
        Ok(OwnedPermit {
            chan: Some(self.into_chan()),
        })
    }

    /// Reserves a slot if one is free right now.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let p = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().is_err());
    /// drop(p);
    /// assert!(tx.try_reserve().is_ok());
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.chan.try_acquire(1)?;
        Ok(Permit { chan: &self.chan })
    }

    /// Reserves `n` slots if they are free right now.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(3);
    /// assert_eq!(tx.try_reserve_many(2).unwrap().len(), 2);
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        self.chan.try_acquire(n)?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Reserves a slot if one is free right now, consuming the sender; on failure the sender
    /// comes back inside the error.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// # drop(permit);
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.try_acquire(1) {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.into_chan()),
            }),
            Err(TrySendError::Full(())) => Err(TrySendError::Full(self)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(self)),
        }
    }

    /// Whether both senders send into the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Free slots right now.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.sem().available_permits()
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// # drop(weak);
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.inc_weak();
        WeakSender {
            chan: self.chan.clone(),
        }
    }

    /// The buffer size the channel was created with.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(5);
    /// assert_eq!(tx.max_capacity(), 5);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// Number of (strong) senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }

    /// The channel, keeping the sender count this sender held.
    fn into_chan(self) -> Arc<Chan<T>> {
        self.chan.inc_strong();
        self.chan.clone()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.inc_strong();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.dec_strong();
    }
}

impl<T> WeakSender<T> {
    /// A strong [`Sender`], if any is still alive.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.try_upgrade().then(|| Sender {
            chan: self.chan.clone(),
        })
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.chan.inc_weak();
        WeakSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.dec_weak();
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` into the reserved slot. Never waits and never fails: if the receiver has
    /// gone, the value is dropped with the channel.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.try_reserve().unwrap().send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn send(self, value: T) {
        let _ = self.chan.push(value, true);
        std::mem::forget(self);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release_unused_permit(1);
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}
impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.release_unused_permit(self.n);
        }
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` into the reserved slot and gives the sender back.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let tx = tx.try_reserve_owned().unwrap().send(2);
    /// assert_eq!(rx.try_recv(), Ok(2));
    /// # drop(tx);
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect("permit used once");
        let _ = chan.push(value, true);
        Sender { chan }
    }

    /// Frees the reserved slot unused and gives the sender back.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(1);
    /// let tx = tx.try_reserve_owned().unwrap().release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().expect("permit used once");
        chan.release_unused_permit(1);
        Sender { chan }
    }

    /// Whether both permits belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(2);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// let b = tx.try_reserve_owned().unwrap();
    /// assert!(a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Whether this permit belongs to `sender`'s channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<u8>(2);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// assert!(a.same_channel_as_sender(&tx));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &sender.chan))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            chan.release_unused_permit(1);
            drop(Sender { chan });
        }
    }
}

impl<T> Receiver<T> {
    /// Receives the next value; `None` once every sender is gone (or the receiver closed) and
    /// the buffer is drained.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// std::thread::spawn(move || tx.blocking_send("x").unwrap());
    /// assert_eq!(rx.recv().await, Some("x"));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled `recv` has taken no value out of the channel.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.rx.poll_recv(cx)).await
    }

    /// Receives up to `limit` values into `buffer`, waiting for at least one; returns how many
    /// were added (0 only if `limit` is 0 or the channel is finished).
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(4);
    /// for i in 0..3 { tx.send(i).await.unwrap(); }
    /// let mut buf = vec![];
    /// assert_eq!(rx.recv_many(&mut buf, 2).await, 2);
    /// assert_eq!(buf, [0, 1]);
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
    /// use weft::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
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
    /// let (tx, mut rx) = weft::sync::mpsc::channel(1);
    /// std::thread::spawn(move || tx.blocking_send(1).unwrap());
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
    /// let (tx, mut rx) = weft::sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// let mut buf = vec![];
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 5), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::sync::blocking::assert_not_in_runtime("block the current thread");
        crate::sync::blocking::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the channel to new values while letting the receiver drain what is buffered (and
    /// what holders of permits still send).
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Whether the channel is closed: the receiver closed it or every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.rx.is_closed()
    }

    /// Whether no value is buffered.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel(1);
    /// assert!(rx.is_empty());
    /// tx.try_send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of buffered values.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel(3);
    /// tx.try_send(0).unwrap();
    /// tx.try_send(0).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Free slots right now.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel(3);
    /// tx.try_send(0).unwrap();
    /// assert_eq!(rx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.rx.chan.sem().available_permits()
    }

    /// The buffer size the channel was created with.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::channel::<u8>(3);
    /// assert_eq!(rx.max_capacity(), 3);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.rx.chan.bound()
    }

    /// Polls for the next value; `Ready(None)` once the channel is finished.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(1));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }

    /// Polls for up to `limit` values into `buffer`; see [`recv_many`](Self::recv_many).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// let mut buf = vec![];
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 4)).await, 1);
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
    /// let (_tx, rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.rx.chan.strong_count()
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::channel::<u8>(1);
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.rx.chan.weak_count()
    }
}

impl<T> Unpin for Receiver<T> {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("chan", &self.chan).finish()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").field("chan", &self.chan).finish()
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("rx", &self.rx).finish()
    }
}
