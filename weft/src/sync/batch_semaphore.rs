//! The FIFO semaphore behind `Semaphore`, `Mutex`, `RwLock` and the bounded `mpsc` channel.
//!
//! Permits live in one atomic word so an uncontended acquire or release is a single CAS. When a
//! caller must wait, it links a waiter node (inside its pinned `Acquire` future) at the back of
//! an intrusive list kept under a mutex. Released permits go to the front waiter first, even
//! partially, and reach the atomic counter only once the queue is empty: so a newcomer can never
//! overtake a waiter, which is what makes `Mutex` FIFO-fair and `RwLock` write-preferring.
//!
//! The `WAITERS` bit in the permit word says the queue is not empty. It is only changed under the
//! queue lock, and a release that sees it takes the lock path; one that does not see it adds its
//! permits with a CAS, which fails if a waiter queued in between. While `WAITERS` is set the
//! counter holds zero permits.

use super::lock::{Lock as Mutex, LockGuard as MutexGuard};
use super::wake_list::WakeList;
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::util::linked_list::{self, LinkedList, Pointers};
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll, Waker};

const CLOSED: usize = 0b01;
const WAITERS: usize = 0b10;
const SHIFT: usize = 2;

pub(crate) struct Semaphore {
    /// `permits << SHIFT | WAITERS | CLOSED`.
    permits: AtomicUsize,
    waiters: Mutex<Waitlist>,
}

struct Waitlist {
    queue: LinkedList<Waiter>,
    closed: bool,
}

/// Why a `try_acquire` on a [`Semaphore`](crate::sync::Semaphore) failed.
///
/// ```
/// use weft::sync::{Semaphore, TryAcquireError};
/// let sem = Semaphore::new(0);
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum TryAcquireError {
    /// The semaphore was closed and issues no more permits.
    Closed,
    /// Not enough permits are available right now.
    NoPermits,
}

/// An acquire failed because the [`Semaphore`](crate::sync::Semaphore) was closed.
///
/// ```
/// # futures::executor::block_on(async {
/// let sem = weft::sync::Semaphore::new(0);
/// sem.close();
/// let err: weft::sync::AcquireError = sem.acquire().await.unwrap_err();
/// # let _ = err;
/// # });
/// ```
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct AcquireError(());

/// A waiter node. Lives inside an `Acquire` future, at a fixed address while linked.
struct Waiter {
    /// Permits still needed. Only changed under the queue lock; the owner may read it without
    /// the lock, and a zero it reads (Acquire) means the permits are all its own.
    needed: AtomicUsize,
    /// Only touched under the queue lock.
    waker: UnsafeCell<Option<Waker>>,
    pointers: Pointers<Waiter>,
    _pin: PhantomPinned,
}

// SAFETY: `pointers` returns the node's embedded field; handles are plain pointers to waiters
// that their `Acquire` future keeps pinned, and unlinks before it is dropped.
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

/// The future returned by [`Semaphore::acquire`].
pub(crate) struct Acquire<'a> {
    node: Waiter,
    semaphore: &'a Semaphore,
    num_permits: usize,
    queued: bool,
    /// The permits were acquired, but the poll ran out of budget: they are the future's until
    /// it completes (or drops and gives them back), so its place in the FIFO is kept.
    held: bool,
}

// SAFETY: the node's cells are only touched under the semaphore's lock; the future holds a
// shared reference to a `Sync` semaphore.
unsafe impl Send for Acquire<'_> {}
// SAFETY: `&Acquire` gives access to nothing.
unsafe impl Sync for Acquire<'_> {}

impl Semaphore {
    /// The largest number of permits (three bits of the word are flags or headroom).
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS ({}) permits ({permits} were given)",
            Self::MAX_PERMITS
        );
        Semaphore {
            permits: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
        }
    }

    /// `new` in const context (not under loom, whose mutex cannot be built in one).
    #[cfg(not(weft_loom))]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits"
        );
        Semaphore {
            permits: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
        }
    }

    /// A closed semaphore with no permits (for cells created already set).
    #[cfg(not(weft_loom))]
    pub(crate) const fn const_closed() -> Semaphore {
        Semaphore {
            permits: AtomicUsize::new(CLOSED),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: true,
            }),
        }
    }

    /// Permits that can be taken right now.
    pub(crate) fn available_permits(&self) -> usize {
        self.permits.load(Ordering::Acquire) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.permits.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Closes the semaphore: waiters and later acquires fail. Permits already held stay valid.
    pub(crate) fn close(&self) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        self.permits.fetch_or(CLOSED, Ordering::Release);
        waiters.closed = true;
        loop {
            while wakers.can_push() {
                let Some(node) = waiters.queue.pop_front() else {
                    drop(waiters);
                    wakers.wake_all();
                    return;
                };
                // SAFETY: the node was linked, so its future is alive and pinned.
                let node = unsafe { node.as_ref() };
                // SAFETY: we hold the lock, which guards the waker cell.
                if let Some(w) = node.waker.with_mut(|w| unsafe { (*w).take() }) {
                    wakers.push(w);
                }
            }
            drop(waiters);
            wakers.wake_all();
            waiters = self.waiters.lock();
        }
    }

    /// Takes `n` permits if they are available now and nobody is queued ahead.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        assert!(
            n <= Self::MAX_PERMITS,
            "cannot acquire more than MAX_PERMITS permits ({n} were requested)"
        );
        let want = n << SHIFT;
        let mut cur = self.permits.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if cur >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            match self.permits.compare_exchange_weak(
                cur,
                cur - want,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Waits for `n` permits, in FIFO order with other waiters.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(
            n <= Self::MAX_PERMITS,
            "cannot acquire more than MAX_PERMITS permits ({n} were requested)"
        );
        Acquire {
            node: Waiter {
                needed: AtomicUsize::new(n),
                waker: UnsafeCell::new(None),
                pointers: Pointers::new(),
                _pin: PhantomPinned,
            },
            semaphore: self,
            num_permits: n,
            held: false,
            queued: false,
        }
    }

    /// Returns `n` permits: to the waiters first, in order, then to the counter.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let add = n << SHIFT;
        let mut cur = self.permits.load(Ordering::Relaxed);
        while cur & WAITERS == 0 {
            assert!(
                (cur >> SHIFT) + n <= Self::MAX_PERMITS,
                "a semaphore may not have more than MAX_PERMITS permits"
            );
            match self.permits.compare_exchange_weak(
                cur,
                cur + add,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let waiters = self.waiters.lock();
        self.release_locked(n, waiters);
    }

    /// Hands `n` permits out with the queue locked; unlocks it.
    fn release_locked<'a>(&'a self, mut n: usize, mut waiters: MutexGuard<'a, Waitlist>) {
        let mut wakers = WakeList::new();
        loop {
            while n > 0 && wakers.can_push() {
                let Some(front) = waiters.queue.front() else {
                    break;
                };
                // SAFETY: a linked node's future is alive and pinned; we hold the lock.
                let node = unsafe { front.as_ref() };
                let needed = node.needed.load(Ordering::Relaxed);
                let give = needed.min(n);
                n -= give;
                if give == needed {
                    waiters.queue.pop_front();
                    // SAFETY: we hold the lock, which guards the waker cell.
                    if let Some(w) = node.waker.with_mut(|w| unsafe { (*w).take() }) {
                        wakers.push(w);
                    }
                    // Last touch of the node: once it reads zero its future may complete.
                    node.needed.store(0, Ordering::Release);
                } else {
                    node.needed.store(needed - give, Ordering::Release);
                }
            }
            if n == 0 || waiters.queue.is_empty() {
                // Leftover permits go to the counter; the queue state decides the flag.
                let empty = waiters.queue.is_empty();
                let mut cur = self.permits.load(Ordering::Relaxed);
                loop {
                    let mut next = cur + (n << SHIFT);
                    if empty {
                        next &= !WAITERS;
                    }
                    assert!(
                        next >> SHIFT <= Self::MAX_PERMITS,
                        "a semaphore may not have more than MAX_PERMITS permits"
                    );
                    match self.permits.compare_exchange_weak(
                        cur,
                        next,
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break,
                        Err(actual) => cur = actual,
                    }
                }
                drop(waiters);
                wakers.wake_all();
                return;
            }
            // The wake list is full: wake outside the lock, then carry on.
            drop(waiters);
            wakers.wake_all();
            waiters = self.waiters.lock();
        }
    }

    /// Removes up to `n` available permits for good; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut cur = self.permits.load(Ordering::Acquire);
        loop {
            let take = (cur >> SHIFT).min(n);
            match self.permits.compare_exchange_weak(
                cur,
                cur - (take << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return take,
                Err(actual) => cur = actual,
            }
        }
    }

    fn poll_acquire(
        &self,
        cx: &mut Context<'_>,
        n: usize,
        node: Pin<&Waiter>,
        queued: bool,
    ) -> Poll<Result<(), AcquireError>> {
        if queued {
            if node.needed.load(Ordering::Acquire) == 0 {
                return Poll::Ready(Ok(()));
            }
            let waiters = self.waiters.lock();
            if node.needed.load(Ordering::Acquire) == 0 {
                return Poll::Ready(Ok(()));
            }
            if waiters.closed {
                return Poll::Ready(Err(AcquireError(())));
            }
            // SAFETY: the waker cell is guarded by the lock we hold.
            node.waker.with_mut(|w| unsafe {
                match &mut *w {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
            });
            return Poll::Pending;
        }

        // Fast path: all permits at once, nobody queued.
        match self.try_acquire(n) {
            Ok(()) => return Poll::Ready(Ok(())),
            Err(TryAcquireError::Closed) => return Poll::Ready(Err(AcquireError(()))),
            Err(TryAcquireError::NoPermits) => {}
        }
        let mut waiters = self.waiters.lock();
        // Under the lock only fast-path acquires (which only take) race with us: take what is
        // there, and queue for the rest with the WAITERS bit set in the same CAS.
        let mut cur = self.permits.load(Ordering::Acquire);
        let needed;
        loop {
            if cur & CLOSED != 0 {
                return Poll::Ready(Err(AcquireError(())));
            }
            let have = cur >> SHIFT;
            let take = have.min(n);
            let rest = n - take;
            let next = if rest == 0 {
                cur - (take << SHIFT)
            } else {
                (cur - (take << SHIFT)) | WAITERS
            };
            match self
                .permits
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    needed = rest;
                    break;
                }
                Err(actual) => cur = actual,
            }
        }
        if needed == 0 {
            return Poll::Ready(Ok(()));
        }
        node.needed.store(needed, Ordering::Relaxed);
        // SAFETY: the waker cell is guarded by the lock we hold.
        node.waker
            .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
        waiters.queue.push_back(NonNull::from(&*node));
        Poll::Pending
    }
}

impl Acquire<'_> {
    /// Splits the pinned future into its node (still pinned) and its plain fields.
    #[allow(clippy::type_complexity)]
    fn project(self: Pin<&mut Self>) -> (Pin<&Waiter>, &Semaphore, usize, &mut bool, &mut bool) {
        // SAFETY: the node is never moved out of the future; the other fields are not
        // structurally pinned.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&this.node),
                this.semaphore,
                this.num_permits,
                &mut this.queued,
                &mut this.held,
            )
        }
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (node, semaphore, n, queued, held) = self.project();
        if *held {
            let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
            *held = false;
            coop.made_progress();
            return Poll::Ready(Ok(()));
        }
        let was_queued = *queued;
        match semaphore.poll_acquire(cx, n, node, was_queued) {
            Poll::Pending => {
                *queued = true;
                // For the task dump: this task waits on this semaphore.
                crate::runtime::diag::record_wait(
                    &crate::runtime::diag::sites::SEMAPHORE,
                    semaphore as *const Semaphore as u64,
                );
                Poll::Pending
            }
            Poll::Ready(result) => {
                if was_queued && result.is_err() {
                    // Closed while queued: close() already unlinked us; give back any partial
                    // permits so they are not lost to other holders.
                    let mut waiters = semaphore.waiters.lock();
                    // SAFETY: the node is live (it is ours) and is in this list or in none.
                    let _ = unsafe { waiters.queue.remove(NonNull::from(&*node)) };
                    let got = n - node.needed.load(Ordering::Relaxed);
                    node.needed.store(n, Ordering::Relaxed);
                    semaphore.release_locked(got, waiters);
                }
                *queued = false;
                if result.is_err() {
                    return Poll::Ready(result);
                }
                // The budget is checked after the permits are taken, as in tokio: a task out of
                // budget keeps its turn (FIFO) instead of losing it to a later waiter.
                match crate::runtime::coop::poll_proceed(cx) {
                    Poll::Ready(mut coop) => {
                        coop.made_progress();
                        Poll::Ready(result)
                    }
                    Poll::Pending => {
                        *held = true;
                        Poll::Pending
                    }
                }
            }
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if self.held {
            self.semaphore.release(self.num_permits);
            return;
        }
        if !self.queued {
            return;
        }
        let mut waiters = self.semaphore.waiters.lock();
        let node = NonNull::from(&self.node);
        // SAFETY: the node is live (it is ours) and is in this list or in none.
        let _ = unsafe { waiters.queue.remove(node) };
        // Permits handed to us (all of them, or some) go on to the next waiters.
        let got = self.num_permits - self.node.needed.load(Ordering::Relaxed);
        self.semaphore.release_locked(got, waiters);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("num_permits", &self.num_permits)
            .field("queued", &self.queued)
            .finish()
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

#[cfg(all(test, not(weft_loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::task::noop_waker;

    fn poll<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
        let w = noop_waker();
        f.poll(&mut Context::from_waker(&w))
    }

    #[test]
    fn fifo_with_partial_grants() {
        let s = Semaphore::new(0);
        let mut a = Box::pin(s.acquire(2));
        let mut b = Box::pin(s.acquire(1));
        assert!(poll(a.as_mut()).is_pending());
        assert!(poll(b.as_mut()).is_pending());
        s.release(1);
        // a is first and gets the one permit; b must not overtake it.
        assert!(poll(b.as_mut()).is_pending());
        assert!(poll(a.as_mut()).is_pending());
        assert_eq!(s.try_acquire(1), Err(TryAcquireError::NoPermits));
        s.release(2);
        assert!(poll(a.as_mut()).is_ready());
        assert!(poll(b.as_mut()).is_ready());
        assert_eq!(s.available_permits(), 0);
    }

    #[test]
    fn dropped_waiter_passes_partial_permits_on() {
        let s = Semaphore::new(1);
        let mut a = Box::pin(s.acquire(3));
        let mut b = Box::pin(s.acquire(1));
        assert!(poll(a.as_mut()).is_pending());
        assert!(poll(b.as_mut()).is_pending());
        drop(a);
        assert!(poll(b.as_mut()).is_ready());
        assert_eq!(s.available_permits(), 0);
        drop(b);
        s.release(1);
        assert_eq!(s.available_permits(), 1);
    }

    #[test]
    fn close_fails_waiters() {
        let s = Semaphore::new(0);
        let mut a = Box::pin(s.acquire(1));
        assert!(poll(a.as_mut()).is_pending());
        s.close();
        assert_eq!(poll(a.as_mut()), Poll::Ready(Err(AcquireError(()))));
        assert_eq!(s.try_acquire(1), Err(TryAcquireError::Closed));
        assert!(block_on(s.acquire(1)).is_err());
    }

    #[test]
    fn forget_and_release() {
        let s = Semaphore::new(5);
        assert_eq!(s.forget_permits(3), 3);
        assert_eq!(s.forget_permits(3), 2);
        s.release(4);
        assert_eq!(s.available_permits(), 4);
        block_on(s.acquire(4)).unwrap();
        assert_eq!(s.available_permits(), 0);
    }

    #[test]
    fn many_wakers_beyond_wake_list() {
        let s = Semaphore::new(0);
        let mut futs: Vec<_> = (0..100).map(|_| Box::pin(s.acquire(1))).collect();
        for f in &mut futs {
            assert!(poll(f.as_mut()).is_pending());
        }
        s.release(100);
        for f in &mut futs {
            assert!(poll(f.as_mut()).is_ready());
        }
        assert_eq!(s.available_permits(), 0);
    }
}

#[cfg(all(test, weft_loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;

    #[test]
    fn loom_semaphore_release_wakes_waiter() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(0));
            let s2 = s.clone();
            let th = thread::spawn(move || s2.release(1));
            block_on(s.acquire(1)).unwrap();
            th.join().unwrap();
            assert_eq!(s.available_permits(), 0);
        });
    }

    #[test]
    fn loom_semaphore_never_over_grants() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(1));
            let held = Arc::new(AtomicUsize::new(0));
            let ths: Vec<_> = (0..2)
                .map(|_| {
                    let (s, held) = (s.clone(), held.clone());
                    thread::spawn(move || {
                        block_on(s.acquire(1)).unwrap();
                        assert_eq!(held.fetch_add(1, Ordering::SeqCst), 0);
                        held.fetch_sub(1, Ordering::SeqCst);
                        s.release(1);
                    })
                })
                .collect();
            for th in ths {
                th.join().unwrap();
            }
            assert_eq!(s.available_permits(), 1);
        });
    }

    #[test]
    fn loom_semaphore_close_while_waiting() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(0));
            let s2 = s.clone();
            let th = thread::spawn(move || s2.close());
            assert!(block_on(s.acquire(1)).is_err());
            th.join().unwrap();
        });
    }

    #[test]
    fn loom_semaphore_drop_waiter_passes_permit() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(0));
            let s2 = s.clone();
            let th = thread::spawn(move || {
                // Poll once (may queue), then give up.
                let mut f = Box::pin(s2.acquire(1));
                let w = futures::task::noop_waker();
                let r = f.as_mut().poll(&mut Context::from_waker(&w));
                drop(f);
                if let Poll::Ready(Ok(())) = r {
                    s2.release(1);
                }
            });
            s.release(1);
            th.join().unwrap();
            assert_eq!(s.available_permits(), 1);
        });
    }

    #[test]
    fn loom_semaphore_acquire_many_from_two_releases() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(0));
            let ths: Vec<_> = (0..2)
                .map(|_| {
                    let s = s.clone();
                    thread::spawn(move || s.release(1))
                })
                .collect();
            block_on(s.acquire(2)).unwrap();
            for th in ths {
                th.join().unwrap();
            }
            assert_eq!(s.available_permits(), 0);
        });
    }

    #[test]
    fn loom_semaphore_fifo_waiter_not_overtaken() {
        loom::model(|| {
            let s = Arc::new(Semaphore::new(1));
            let s2 = s.clone();
            // The big waiter queues first (taking the one permit); a later try_acquire can only
            // succeed if the big waiter already got everything and released it.
            let th = thread::spawn(move || {
                block_on(s2.acquire(2)).unwrap();
                s2.release(2);
            });
            s.release(1);
            th.join().unwrap();
            assert_eq!(s.available_permits(), 2);
        });
    }
}
