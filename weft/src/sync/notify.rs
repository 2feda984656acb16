//! `Notify`: wake one task, or all of them, with no data.
//!
//! Waiters are nodes inside their pinned `Notified` futures, linked in FIFO order into a list
//! under a mutex. A `notify_one` with nobody waiting stores one permit, which the next
//! `notified()` consumes at once. `notify_waiters` wakes everyone waiting and every `Notified`
//! created before the call (it bumps a generation counter the futures captured when created), and
//! stores no permit.

use super::lock::Lock as Mutex;
use super::wake_list::WakeList;
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::util::linked_list::{self, LinkedList, Pointers};
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

/// Wakes tasks waiting for an event; stores one permit if nobody is waiting.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Notify;
///
/// # futures::executor::block_on(async {
/// let notify = Arc::new(Notify::new());
/// let n2 = notify.clone();
/// let t = std::thread::spawn(move || n2.notify_one());
/// notify.notified().await; // returns whether the notification came before or after
/// t.join().unwrap();
/// # });
/// ```
pub struct Notify {
    /// Bumped (under the lock) by every `notify_waiters`.
    generation: AtomicUsize,
    waiters: Mutex<Waiters>,
}

struct Waiters {
    list: LinkedList<Waiter>,
    permit: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Notification {
    One,
    Last,
    All,
}

struct Waiter {
    pointers: Pointers<Waiter>,
    /// Guarded by the `Notify`'s lock.
    waker: UnsafeCell<Option<Waker>>,
    /// Set (under the lock) by whoever unlinks the node to notify it.
    notified: UnsafeCell<Option<Notification>>,
    _pin: PhantomPinned,
}

// SAFETY: `pointers` returns the embedded field; a node stays pinned inside its future, which
// unlinks it before being dropped.
unsafe impl linked_list::Link for Waiter {
    type Handle = NonNull<Waiter>;
    type Target = Waiter;

    fn as_raw(handle: &NonNull<Waiter>) -> NonNull<Waiter> {
        *handle
    }

    unsafe fn from_raw(ptr: NonNull<Waiter>) -> NonNull<Waiter> {
        ptr
    }

    unsafe fn pointers(target: NonNull<Waiter>) -> NonNull<Pointers<Waiter>> {
        // SAFETY: `target` is live; we only form a pointer to its field.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Init,
    Waiting,
    Done,
}

/// The state a `Notified` and an `OwnedNotified` share.
struct Core {
    generation: usize,
    state: State,
    waiter: Waiter,
}

/// Future returned by [`Notify::notified`].
///
/// ```
/// use weft::sync::Notify;
///
/// # futures::executor::block_on(async {
/// let notify = Notify::new();
/// notify.notify_one();
/// notify.notified().await;
/// # });
/// ```
///
/// # Cancel safety
///
/// Dropping it gives up its place; a `notify_one` it had already received is passed on to the
/// next waiter (or stored as the permit), so no notification is lost.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    core: Core,
}

/// Future returned by [`Notify::notified_owned`]: like [`Notified`], holding an `Arc<Notify>`.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Notify;
///
/// # futures::executor::block_on(async {
/// let notify = Arc::new(Notify::new());
/// let fut = notify.clone().notified_owned();
/// notify.notify_one();
/// fut.await;
/// # });
/// ```
///
/// # Cancel safety
///
/// As for [`Notified`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    core: Core,
}

// SAFETY: the waiter's cells are only touched under the notify's lock; the rest is plain data.
unsafe impl Send for Notified<'_> {}
// SAFETY: `&Notified` gives access to nothing.
unsafe impl Sync for Notified<'_> {}
// SAFETY: as for `Notified`.
unsafe impl Send for OwnedNotified {}
// SAFETY: as for `Notified`.
unsafe impl Sync for OwnedNotified {}

impl Notify {
    /// A `Notify` with no stored permit.
    ///
    /// ```
    /// let notify = weft::sync::Notify::new();
    /// # drop(notify);
    /// ```
    pub fn new() -> Notify {
        Notify {
            generation: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters {
                list: LinkedList::new(),
                permit: false,
            }),
        }
    }

    /// A `Notify` with no stored permit, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// static NOTIFY: Notify = Notify::const_new();
    /// NOTIFY.notify_one();
    /// # futures::executor::block_on(NOTIFY.notified());
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new() -> Notify {
        Notify {
            generation: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters {
                list: LinkedList::new(),
                permit: false,
            }),
        }
    }

    /// A future completed by a later `notify_one`/`notify_last` (or a stored permit) or by any
    /// `notify_waiters` called after this method returns.
    ///
    /// The future takes no place in the queue until first polled (or
    /// [enabled](Notified::enable)), so `notify_one` does not see it before that.
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// let fut = notify.notified();
    /// notify.notify_waiters();
    /// fut.await; // created before notify_waiters: completes
    /// # });
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            core: Core::new(self),
        }
    }

    /// Like [`notified`](Self::notified), for an `Arc<Notify>`; the future owns the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Arc::new(Notify::new());
    /// let fut = notify.clone().notified_owned();
    /// notify.notify_waiters();
    /// fut.await;
    /// # });
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let core = Core::new(&self);
        OwnedNotified { notify: self, core }
    }

    /// Wakes the task that has waited longest, or stores a permit if nobody waits (at most one
    /// permit is stored).
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// notify.notify_one();
    /// notify.notify_one(); // still just one permit
    /// notify.notified().await;
    /// # });
    /// ```
    pub fn notify_one(&self) {
        self.notify(Notification::One);
    }

    /// Wakes the task that has waited the shortest time, or stores a permit if nobody waits.
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// notify.notify_last();
    /// notify.notified().await;
    /// # });
    /// ```
    pub fn notify_last(&self) {
        self.notify(Notification::Last);
    }

    fn notify(&self, kind: Notification) {
        let mut waiters = self.waiters.lock();
        let node = match kind {
            Notification::Last => waiters.list.pop_back(),
            _ => waiters.list.pop_front(),
        };
        match node {
            Some(node) => {
                // SAFETY: the node was linked, so its future is alive and pinned.
                let node = unsafe { node.as_ref() };
                let waker = node.set_notified(kind);
                drop(waiters);
                if let Some(w) = waker {
                    w.wake();
                }
            }
            None => waiters.permit = true,
        }
    }

    /// Wakes every task waiting now, and completes every `Notified` created before this call.
    /// Stores no permit.
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// let a = notify.notified();
    /// let b = notify.notified();
    /// notify.notify_waiters();
    /// a.await;
    /// b.await;
    /// # });
    /// ```
    pub fn notify_waiters(&self) {
        let mut wakers = WakeList::new();
        let mut overflow = Vec::new();
        let mut waiters = self.waiters.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        // Unlink every waiter before letting go of the lock: a waiter that queues after this
        // call (created after the bump) must not be woken by it.
        while let Some(node) = waiters.list.pop_front() {
            // SAFETY: the node was linked, so its future is alive and pinned.
            if let Some(w) = unsafe { node.as_ref() }.set_notified(Notification::All) {
                if wakers.can_push() {
                    wakers.push(w);
                } else {
                    overflow.push(w);
                }
            }
        }
        drop(waiters);
        wakers.wake_all();
        overflow.into_iter().for_each(Waker::wake);
    }
}

impl Waiter {
    /// Marks an unlinked node notified and takes its waker. Call with the lock held.
    fn set_notified(&self, kind: Notification) -> Option<Waker> {
        // SAFETY: the caller holds the lock, which guards both cells.
        self.notified.with_mut(|n| unsafe { *n = Some(kind) });
        // SAFETY: as above.
        self.waker.with_mut(|w| unsafe { (*w).take() })
    }

    /// Reads the notification. Call with the lock held.
    fn notification(&self) -> Option<Notification> {
        // SAFETY: the caller holds the lock.
        self.notified.with(|n| unsafe { *n })
    }
}

impl Core {
    fn new(notify: &Notify) -> Core {
        Core {
            generation: notify.generation.load(Ordering::SeqCst),
            state: State::Init,
            waiter: Waiter {
                pointers: Pointers::new(),
                waker: UnsafeCell::new(None),
                notified: UnsafeCell::new(None),
                _pin: PhantomPinned,
            },
        }
    }

    /// Polls (with `cx`) or only enables (without).
    ///
    /// # Safety
    /// `self` is pinned (the waiter node must not move once linked).
    unsafe fn poll(&mut self, notify: &Notify, cx: Option<&mut Context<'_>>) -> Poll<()> {
        match self.state {
            State::Done => Poll::Ready(()),
            State::Init => {
                let mut waiters = notify.waiters.lock();
                // A `notify_waiters` since this future was made completes it first, leaving a
                // later `notify_one`'s permit for someone else (as tokio).
                if notify.generation.load(Ordering::SeqCst) != self.generation {
                    self.state = State::Done;
                    return Poll::Ready(());
                }
                if waiters.permit {
                    waiters.permit = false;
                    self.state = State::Done;
                    return Poll::Ready(());
                }
                if let Some(cx) = cx {
                    // SAFETY: the node is not linked yet; nobody else sees it.
                    self.waiter
                        .waker
                        .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
                }
                waiters.list.push_back(NonNull::from(&self.waiter));
                self.state = State::Waiting;
                Poll::Pending
            }
            State::Waiting => {
                let waiters = notify.waiters.lock();
                if self.waiter.notification().is_some() {
                    self.state = State::Done;
                    return Poll::Ready(());
                }
                let mut replaced = None;
                if let Some(cx) = cx {
                    // SAFETY: we hold the lock, which guards the waker cell.
                    self.waiter.waker.with_mut(|w| unsafe {
                        match &mut *w {
                            Some(old) if old.will_wake(cx.waker()) => {}
                            slot => replaced = slot.replace(cx.waker().clone()),
                        }
                    });
                }
                drop(waiters);
                // The replaced waker drops outside the lock: its destructor may use this
                // `Notify` (e.g. send on the channel it belongs to), as in tokio.
                drop(replaced);
                Poll::Pending
            }
        }
    }

    fn drop_with(&mut self, notify: &Notify) {
        if self.state != State::Waiting {
            return;
        }
        let mut waiters = notify.waiters.lock();
        // SAFETY: the node is live (it is ours) and in this list or in none.
        let _ = unsafe { waiters.list.remove(NonNull::from(&self.waiter)) };
        let forward = match self.waiter.notification() {
            Some(Notification::One) => Some(Notification::One),
            Some(Notification::Last) => Some(Notification::Last),
            _ => None,
        };
        drop(waiters);
        if let Some(kind) = forward {
            // We were chosen but never completed: pass the notification on.
            notify.notify(kind);
        }
    }
}

impl Notified<'_> {
    /// Takes a place in the queue without waiting, so that a `notify_one` from now on is
    /// received by this future. Returns true if the future is already notified.
    ///
    /// ```
    /// use std::pin::pin;
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// let mut fut = pin!(notify.notified());
    /// assert!(!fut.as_mut().enable());
    /// notify.notify_one();
    /// fut.await;
    /// # });
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        // SAFETY: we never move out of the pinned future; `core.poll` requires it pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this` is pinned (see above).
        unsafe { this.core.poll(this.notify, None) }.is_ready()
    }
}

impl OwnedNotified {
    /// Like [`Notified::enable`].
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::sync::Arc;
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Arc::new(Notify::new());
    /// let mut fut = pin!(notify.clone().notified_owned());
    /// fut.as_mut().enable();
    /// notify.notify_one();
    /// fut.await;
    /// # });
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        // SAFETY: we never move out of the pinned future.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this` is pinned (see above).
        unsafe { this.core.poll(&this.notify, None) }.is_ready()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        // SAFETY: we never move out of the pinned future.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this` is pinned (see above).
        let out = unsafe { this.core.poll(this.notify, Some(cx)) };
        if out.is_ready() {
            coop.made_progress();
        }
        out
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
        // SAFETY: we never move out of the pinned future.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this` is pinned (see above).
        let out = unsafe { this.core.poll(&this.notify, Some(cx)) };
        if out.is_ready() {
            coop.made_progress();
        }
        out
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.core.drop_with(self.notify);
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.core.drop_with(&self.notify);
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("state", &self.core.state)
            .finish()
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("state", &self.core.state)
            .finish()
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;

    #[test]
    fn loom_notify_one_not_lost() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let th = thread::spawn(move || n2.notify_one());
            block_on(notify.notified());
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_notify_waiters_after_enable() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let mut fut = Box::pin(notify.notified());
            fut.as_mut().enable();
            let th = thread::spawn(move || n2.notify_waiters());
            block_on(fut);
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_notify_dropped_waiter_forwards() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let mut first = Box::pin(notify.notified());
            first.as_mut().enable();
            let th = thread::spawn(move || n2.notify_one());
            // Dropping the enabled future must not swallow a notification meant for it.
            drop(first);
            block_on(notify.notified());
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_notify_one_and_waiters_race() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let n3 = notify.clone();
            let a = thread::spawn(move || n2.notify_one());
            let b = thread::spawn(move || n3.notify_waiters());
            // notify_one either reaches this waiter or leaves a permit: never lost.
            block_on(notify.notified());
            a.join().unwrap();
            b.join().unwrap();
        });
    }
}
