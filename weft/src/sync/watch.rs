//! A single-value channel: receivers see the latest value and are told when it changes.
//!
//! The value sits behind a reader-writer lock; a version counter (bumped under the write lock,
//! so a reader holding the read lock sees the version that matches the value) tells each
//! receiver whether it has seen the current value. Waiting receivers sleep on a [`Notify`]
//! that every send wakes with `notify_waiters`; a receiver creates its `Notified` before it
//! checks the version, so a send in between is never missed.
//!
//! ```
//! use weft::sync::watch;
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = watch::channel("hello");
//! std::thread::spawn(move || tx.send("world").unwrap());
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "world");
//! # });
//! ```

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::Arc;
use crate::sync::Notify;
use std::fmt;
use std::ops::Deref;

/// Error types of the watch channel.
pub mod error {
    use std::fmt;

    /// Every receiver is gone; holds the value that was not sent.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// drop(rx);
    /// assert_eq!(tx.send(1).unwrap_err().0, 1);
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Every sender is gone (and no unseen value is left).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// drop(tx);
    /// assert!(rx.changed().await.is_err());
    /// # });
    /// ```
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use self::error::{RecvError, SendError};

/// Every sender is gone.
const CLOSED: usize = 1;
/// The version counts in steps of 2, above the CLOSED bit.
const STEP: usize = 2;

/// The value lock: std's `RwLock` normally; loom's mutex under the model checker (which cannot
/// see std's locks).
#[cfg(not(weft_loom))]
mod value_lock {
    pub(super) struct ValueLock<T>(std::sync::RwLock<T>);
    pub(super) type ReadGuard<'a, T> = std::sync::RwLockReadGuard<'a, T>;
    pub(super) type WriteGuard<'a, T> = std::sync::RwLockWriteGuard<'a, T>;

    impl<T> ValueLock<T> {
        pub(super) fn new(v: T) -> Self {
            ValueLock(std::sync::RwLock::new(v))
        }
        // A panic in a user closure while the lock is held leaves a value that is still valid
        // to read (tokio behaves the same): ignore poisoning.
        pub(super) fn read(&self) -> ReadGuard<'_, T> {
            self.0.read().unwrap_or_else(|e| e.into_inner())
        }
        pub(super) fn write(&self) -> WriteGuard<'_, T> {
            self.0.write().unwrap_or_else(|e| e.into_inner())
        }
    }
}

#[cfg(weft_loom)]
mod value_lock {
    pub(super) struct ValueLock<T>(crate::loom::sync::Mutex<T>);
    pub(super) type ReadGuard<'a, T> = crate::loom::sync::MutexGuard<'a, T>;
    pub(super) type WriteGuard<'a, T> = crate::loom::sync::MutexGuard<'a, T>;

    impl<T> ValueLock<T> {
        pub(super) fn new(v: T) -> Self {
            ValueLock(crate::loom::sync::Mutex::new(v))
        }
        pub(super) fn read(&self) -> ReadGuard<'_, T> {
            self.0.lock()
        }
        pub(super) fn write(&self) -> WriteGuard<'_, T> {
            self.0.lock()
        }
    }
}

use value_lock::{ReadGuard, ValueLock};

struct Shared<T> {
    value: ValueLock<T>,
    /// `version * STEP | CLOSED`.
    state: AtomicUsize,
    rx_count: AtomicUsize,
    tx_count: AtomicUsize,
    /// Receivers waiting for a change.
    notify_rx: Notify,
    /// Senders waiting in `closed()` for the last receiver to go.
    notify_tx: Notify,
}

/// Receives the latest value of a watch channel; clone it for more receivers.
///
/// ```
/// let (tx, rx) = weft::sync::watch::channel(1);
/// tx.send(2).unwrap();
/// assert_eq!(*rx.borrow(), 2);
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    version: usize,
}

/// Sends values into a watch channel; clone it for more senders.
///
/// ```
/// let (tx, rx) = weft::sync::watch::channel(0);
/// tx.send_modify(|v| *v += 5);
/// assert_eq!(*rx.borrow(), 5);
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A read borrow of the current value. Holds the value lock: keep it short, and never across
/// an `.await` (senders wait for it).
///
/// ```
/// let (tx, rx) = weft::sync::watch::channel(String::from("a"));
/// let r = rx.borrow();
/// assert_eq!(r.as_str(), "a");
/// assert!(!r.has_changed());
/// # drop(r); drop(tx);
/// ```
pub struct Ref<'a, T> {
    inner: ReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the borrowed value was new to the receiver when it was borrowed (always false
    /// for [`Receiver::borrow`] and [`Sender::borrow`]).
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow_and_update().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

/// Creates a watch channel holding `init`.
///
/// ```
/// let (tx, rx) = weft::sync::watch::channel(7);
/// assert_eq!(*rx.borrow(), 7);
/// # drop(tx);
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: ValueLock::new(init),
        state: AtomicUsize::new(0),
        rx_count: AtomicUsize::new(1),
        tx_count: AtomicUsize::new(1),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
    });
    let tx = Sender {
        shared: shared.clone(),
    };
    let rx = Receiver { shared, version: 0 };
    (tx, rx)
}

impl<T> Shared<T> {
    fn version(&self) -> usize {
        self.state.load(Ordering::Acquire) & !CLOSED
    }
}

impl<T> Receiver<T> {
    /// Borrows the current value without marking it seen.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// tx.send(3).unwrap();
    /// assert_eq!(*rx.borrow(), 3);
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        let has_changed = self.shared.version() != self.version;
        Ref { inner, has_changed }
    }

    /// Borrows the current value and marks it seen.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(3).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 3);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        // Read under the value lock: senders bump the version under the write lock.
        let version = self.shared.version();
        let has_changed = version != self.version;
        self.version = version;
        Ref { inner, has_changed }
    }

    /// Whether a value not yet seen is there. Fails if every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// assert!(!rx.has_changed().unwrap());
    /// tx.send(1).unwrap();
    /// assert!(rx.has_changed().unwrap());
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(Ordering::Acquire);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(state & !CLOSED != self.version)
    }

    /// Whether every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Marks the current value as not seen, so the next `changed` returns at once.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (_tx, mut rx) = weft::sync::watch::channel(0);
    /// rx.mark_changed();
    /// rx.changed().await.unwrap();
    /// # });
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(STEP);
    }

    /// Marks the current value as seen.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits for a value not yet seen and marks it seen. Fails once every sender is gone and
    /// no unseen value is left.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// std::thread::spawn(move || tx.send(1).unwrap());
    /// rx.changed().await.unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call marked nothing seen.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        super::cooperative(async {
            loop {
                let notified = self.shared.notify_rx.notified();
                let state = self.shared.state.load(Ordering::Acquire);
                let version = state & !CLOSED;
                if version != self.version {
                    self.version = version;
                    return Ok(());
                }
                if state & CLOSED != 0 {
                    return Err(RecvError(()));
                }
                notified.await;
            }
        })
        .await
    }

    /// Waits until the value satisfies `f` (checking the current value first), marks it seen
    /// and returns a borrow of it. Fails once every sender is gone and the value does not
    /// satisfy `f`.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// std::thread::spawn(move || for i in 1..=5 { tx.send(i).unwrap(); });
    /// let v = rx.wait_for(|v| *v >= 5).await.unwrap();
    /// assert_eq!(*v, 5);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn wait_for(&mut self, f: impl FnMut(&T) -> bool) -> Result<Ref<'_, T>, RecvError> {
        // Under the budget as a whole, as tokio's: a loop on a value that is always there (or
        // a channel that is closed) still yields.
        super::cooperative(self.wait_for_inner(f)).await
    }

    async fn wait_for_inner(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        loop {
            let notified = self.shared.notify_rx.notified();
            let closed = self.is_closed();
            {
                let inner = self.shared.value.read();
                let version = self.shared.version();
                let has_changed = version != self.version;
                self.version = version;
                if (!closed || has_changed) && f(&inner) {
                    return Ok(Ref { inner, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            notified.await;
        }
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::watch::channel(0);
    /// assert!(rx.same_channel(&rx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.rx_count.fetch_add(1, Ordering::Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.rx_count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T> Sender<T> {
    /// A sender with no receiver yet (subscribe to make some).
    ///
    /// ```
    /// let tx = weft::sync::watch::Sender::new(0);
    /// let rx = tx.subscribe();
    /// assert_eq!(*rx.borrow(), 0);
    /// ```
    pub fn new(init: T) -> Sender<T> {
        let (tx, rx) = channel(init);
        drop(rx);
        tx
    }

    /// Replaces the value and notifies receivers. Fails, handing the value back, if there is
    /// no receiver.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.shared.rx_count.load(Ordering::Acquire) == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the value in place and notifies receivers, whether or not any exists.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify<F: FnOnce(&mut T)>(&self, modify: F) {
        self.send_if_modified(|v| {
            modify(v);
            true
        });
    }

    /// Modifies the value in place; notifies receivers only if `modify` returns true.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(1);
    /// assert!(!tx.send_if_modified(|v| false));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| { *v = 2; true }));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified<F: FnOnce(&mut T) -> bool>(&self, modify: F) -> bool {
        {
            let mut value = self.shared.value.write();
            if !modify(&mut value) {
                return false;
            }
            self.shared.state.fetch_add(STEP, Ordering::Release);
        }
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// Replaces the value, notifies receivers (whether or not any exists) and returns the old
    /// value.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// ```
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Borrows the current value.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(1);
    /// assert_eq!(*tx.borrow(), 1);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            inner: self.shared.value.read(),
            has_changed: false,
        }
    }

    /// Whether every receiver is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until every receiver is gone.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = weft::sync::watch::channel(());
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
                if self.is_closed() {
                    return;
                }
                notified.await;
            }
        })
        .await
    }

    /// A new receiver that has seen the current value.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// let rx2 = tx.subscribe();
    /// assert!(!rx2.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.rx_count.fetch_add(1, Ordering::Relaxed);
        let version = self.shared.version();
        Receiver {
            shared: self.shared.clone(),
            version,
        }
    }

    /// Number of receivers.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// assert_eq!(tx.receiver_count(), 1);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.rx_count.load(Ordering::Acquire)
    }

    /// Number of senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.shared.tx_count.load(Ordering::Acquire)
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
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
            self.shared.state.fetch_or(CLOSED, Ordering::Release);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Sender::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("version", &(self.version / STEP))
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    #[test]
    fn loom_watch_change_not_missed() {
        loom::model(|| {
            let (tx, mut rx) = channel(0);
            let th = thread::spawn(move || {
                tx.send(1).unwrap();
            });
            // Either the send or the sender's drop wakes us; the value is never missed.
            match block_on(rx.changed()) {
                Ok(()) => assert_eq!(*rx.borrow_and_update(), 1),
                Err(_) => panic!("closed before the change was seen"),
            }
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_watch_closed_after_last_change() {
        loom::model(|| {
            let (tx, mut rx) = channel(0);
            let th = thread::spawn(move || {
                tx.send(1).unwrap();
                drop(tx);
            });
            let mut seen = 0;
            while block_on(rx.changed()).is_ok() {
                seen = *rx.borrow_and_update();
            }
            assert_eq!(seen, 1);
            th.join().unwrap();
        });
    }
}
