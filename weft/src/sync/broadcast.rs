//! A multi-producer, multi-consumer channel: every receiver sees every value (cloned).
//!
//! The channel keeps the last `capacity` values (rounded up to a power of two, as tokio does)
//! in a ring under a mutex. Each value remembers how many receivers still have to see it and
//! is dropped once they all have. A receiver that falls more than `capacity` values behind
//! gets [`RecvError::Lagged`] with the number it missed, then continues from the oldest value
//! still held; the channel stays open. Receivers wait on a [`Notify`] that every send wakes.
//!
//! ```
//! use weft::sync::broadcast;
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx1) = broadcast::channel(16);
//! let mut rx2 = tx.subscribe();
//! tx.send(10).unwrap();
//! assert_eq!(rx1.recv().await.unwrap(), 10);
//! assert_eq!(rx2.recv().await.unwrap(), 10);
//! # });
//! ```

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::sync::Notify;
use std::collections::VecDeque;
use std::fmt;

/// Error types of the broadcast channel.
pub mod error {
    use std::fmt;

    /// No receiver exists; holds the value that was not sent.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(3).unwrap_err().0, 3);
    /// ```
    #[derive(Debug)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// Why `recv` returned no value.
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::RecvError};
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// # });
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind and this many values were dropped before it saw them. The
        /// channel is still open: the next `recv` returns the oldest value still held.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Why `try_recv` returned no value.
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::TryRecvError};
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// # drop(tx);
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// No value is waiting, but senders remain.
        Empty,
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind by this many values (see [`RecvError::Lagged`]).
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, SendError, TryRecvError};

struct Shared<T> {
    ring: Mutex<Ring<T>>,
    /// Receivers waiting for a value (or the close).
    notify_rx: Notify,
    /// Senders waiting in `closed()` for the last receiver to go.
    notify_tx: Notify,
    tx_count: AtomicUsize,
    tx_weak_count: AtomicUsize,
}

struct Ring<T> {
    /// Values at positions `head .. tail`, oldest first.
    slots: VecDeque<Slot<T>>,
    head: u64,
    tail: u64,
    capacity: usize,
    rx_count: usize,
    closed: bool,
}

struct Slot<T> {
    /// Receivers that still have to see this value.
    remaining: usize,
    value: T,
}

impl<T> Ring<T> {
    /// Drops the front values every receiver has seen.
    fn trim(&mut self) {
        while self.slots.front().is_some_and(|s| s.remaining == 0) {
            self.slots.pop_front();
            self.head += 1;
        }
    }
}

/// Sends values to every receiver; clone it for more producers.
///
/// ```
/// let (tx, mut rx) = weft::sync::broadcast::channel(4);
/// assert_eq!(tx.send("v").unwrap(), 1); // one receiver got it
/// assert_eq!(rx.try_recv().unwrap(), "v");
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not keep the channel open.
///
/// ```
/// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it subscribed.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weft::sync::broadcast::channel(2);
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().await.unwrap(), 1);
/// # });
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    next: u64,
}

/// Creates a broadcast channel keeping up to `capacity` values (rounded up to a power of two).
///
/// # Panics
///
/// Panics if `capacity` is 0 or above `usize::MAX / 2`.
///
/// ```
/// let (tx, rx) = weft::sync::broadcast::channel::<String>(8);
/// # drop((tx, rx));
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(capacity);
    let rx = tx.subscribe();
    (tx, rx)
}

impl<T> Sender<T> {
    /// A sender with no receiver yet.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0 or above `usize::MAX / 2`.
    ///
    /// ```
    /// let tx = weft::sync::broadcast::Sender::<u8>::new(4);
    /// let _rx = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 1);
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let capacity = capacity.next_power_of_two();
        Sender {
            shared: Arc::new(Shared {
                ring: Mutex::new(Ring {
                    slots: VecDeque::new(),
                    head: 0,
                    tail: 0,
                    capacity,
                    rx_count: 0,
                    closed: false,
                }),
                notify_rx: Notify::new(),
                notify_tx: Notify::new(),
                tx_count: AtomicUsize::new(1),
                tx_weak_count: AtomicUsize::new(0),
            }),
        }
    }

    /// Sends `value` to every current receiver; returns how many there are. Fails, handing the
    /// value back, if there are none. Never waits: when the channel is full the oldest value
    /// is dropped and slow receivers will see `Lagged`.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel(1);
    /// assert_eq!(tx.send(1).unwrap(), 1);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut ring = self.shared.ring.lock();
        if ring.rx_count == 0 {
            return Err(SendError(value));
        }
        let evicted = if ring.slots.len() == ring.capacity {
            ring.head += 1;
            ring.slots.pop_front()
        } else {
            None
        };
        let receivers = ring.rx_count;
        ring.slots.push_back(Slot {
            remaining: receivers,
            value,
        });
        ring.tail += 1;
        drop(ring);
        drop(evicted);
        self.shared.notify_rx.notify_waiters();
        Ok(receivers)
    }

    /// A new receiver that gets the values sent from now on.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// let rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// # drop(rx2);
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(self.shared.clone())
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.tx_weak_count.fetch_add(1, Ordering::Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// Values held: sent, and not yet seen by every receiver alive when they were sent (nor
    /// evicted).
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert_eq!(tx.len(), 1);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.ring.lock().slots.len()
    }

    /// Whether no value is held.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of receivers.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.receiver_count(), 1);
    /// drop(rx);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.ring.lock().rx_count
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Waits until there is no receiver.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// std::thread::spawn(move || drop(rx));
    /// tx.closed().await;
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only waits.
    pub async fn closed(&self) {
        super::cooperative(async {
            loop {
                let notified = self.shared.notify_tx.notified();
                if self.receiver_count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.tx_count.load(Ordering::Acquire)
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.tx_weak_count.load(Ordering::Acquire)
    }
}

fn new_receiver<T>(shared: Arc<Shared<T>>) -> Receiver<T> {
    let mut ring = shared.ring.lock();
    ring.rx_count += 1;
    let next = ring.tail;
    drop(ring);
    Receiver { shared, next }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.tx_count.fetch_add(1, Ordering::Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.tx_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.ring.lock().closed = true;
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T> WeakSender<T> {
    /// A strong sender, if any is still alive.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut cur = self.shared.tx_count.load(Ordering::Relaxed);
        loop {
            if cur == 0 {
                return None;
            }
            match self.shared.tx_count.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Sender {
                        shared: self.shared.clone(),
                    })
                }
                Err(actual) => cur = actual,
            }
        }
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.tx_count.load(Ordering::Acquire)
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.tx_weak_count.load(Ordering::Acquire)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.tx_weak_count.fetch_add(1, Ordering::Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.tx_weak_count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<T> Receiver<T> {
    /// Values sent that this receiver has not received yet (including ones it lagged past).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        (self.shared.ring.lock().tail - self.next) as usize
    }

    /// Whether there is nothing new for this receiver.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Number of strong senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.tx_count.load(Ordering::Acquire)
    }

    /// Number of weak senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.tx_weak_count.load(Ordering::Acquire)
    }

    /// Whether every sender is gone (values may still be waiting to be received).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(4);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.ring.lock().closed
    }

    /// A new receiver of the same channel, starting at the values sent from now on.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let rx2 = rx.resubscribe();
    /// assert!(rx2.is_empty());
    /// # drop(rx);
    /// ```
    pub fn resubscribe(&self) -> Self {
        new_receiver(self.shared.clone())
    }
}

impl<T: Clone> Receiver<T> {
    /// Takes the next value if one is waiting.
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// for i in 0..3 { tx.send(i).unwrap(); }
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        try_recv(&self.shared, &mut self.next)
    }

    /// Receives the next value, waiting for one. Returns `Lagged(n)` (once) if this receiver
    /// fell behind and `n` values were dropped before it saw them; `Closed` once every sender
    /// is gone and every value was received.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::broadcast::channel(2);
    /// std::thread::spawn(move || tx.send(5).unwrap());
    /// assert_eq!(rx.recv().await.unwrap(), 5);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled `recv` took no value.
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        super::cooperative(async {
            loop {
                let notified = self.shared.notify_rx.notified();
                // The match ends before the await: no `T` (which may be `!Sync`) is held
                // across it, so the future is `Sync` whenever the receiver is, as tokio's.
                match try_recv(&self.shared, &mut self.next) {
                    Ok(v) => return Ok(v),
                    Err(TryRecvError::Lagged(n)) => return Err(RecvError::Lagged(n)),
                    Err(TryRecvError::Closed) => return Err(RecvError::Closed),
                    Err(TryRecvError::Empty) => {}
                }
                notified.await;
            }
        })
        .await
    }

    /// Blocks the current thread until a value arrives. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(2);
    /// std::thread::spawn(move || tx.send(1).unwrap());
    /// assert_eq!(rx.blocking_recv().unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.recv())
    }
}

fn try_recv<T: Clone>(shared: &Shared<T>, next: &mut u64) -> Result<T, TryRecvError> {
    let mut ring = shared.ring.lock();
    if *next < ring.head {
        let missed = ring.head - *next;
        *next = ring.head;
        return Err(TryRecvError::Lagged(missed));
    }
    if *next == ring.tail {
        return Err(if ring.closed {
            TryRecvError::Closed
        } else {
            TryRecvError::Empty
        });
    }
    let idx = (*next - ring.head) as usize;
    *next += 1;
    let slot = &mut ring.slots[idx];
    slot.remaining -= 1;
    if idx == 0 && slot.remaining == 0 {
        // The last receiver of the oldest value takes it without a clone.
        let slot = ring.slots.pop_front().expect("slot just indexed");
        ring.head += 1;
        ring.trim();
        return Ok(slot.value);
    }
    Ok(slot.value.clone())
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut ring = self.shared.ring.lock();
        ring.rx_count -= 1;
        let start = self.next.max(ring.head);
        let (head, tail) = (ring.head, ring.tail);
        for pos in start..tail {
            ring.slots[(pos - head) as usize].remaining -= 1;
        }
        // Take the values no one needs any more out of the lock before dropping them.
        let mut freed = Vec::new();
        while ring.slots.front().is_some_and(|s| s.remaining == 0) {
            freed.extend(ring.slots.pop_front());
            ring.head += 1;
        }
        let last = ring.rx_count == 0;
        drop(ring);
        drop(freed);
        if last {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::WeakSender")
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("broadcast::Receiver")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}
