//! An async mutex, FIFO-fair: the lock goes to waiters in the order they asked.
//!
//! It is a one-permit [batch semaphore](super::batch_semaphore) around an `UnsafeCell`: holding
//! the permit is holding the lock, and the semaphore's queue gives the fairness.

use super::batch_semaphore as ll;
use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

/// An async mutual-exclusion lock, held across `.await` points without blocking a thread.
///
/// Waiters get the lock strictly in the order they called `lock` (FIFO); a waiter whose
/// `lock()` future is dropped leaves the queue and the turn passes to the next.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Mutex;
///
/// # futures::executor::block_on(async {
/// let count = Arc::new(Mutex::new(0));
/// let c2 = count.clone();
/// std::thread::spawn(move || *c2.blocking_lock() += 1).join().unwrap();
/// *count.lock().await += 1;
/// assert_eq!(*count.lock().await, 2);
/// # });
/// ```
pub struct Mutex<T: ?Sized> {
    s: ll::Semaphore,
    c: UnsafeCell<T>,
}

/// Access to the data of a locked [`Mutex`]; unlocks on drop.
///
/// ```
/// # futures::executor::block_on(async {
/// let m = weft::sync::Mutex::new(vec![1]);
/// let mut guard = m.lock().await;
/// guard.push(2);
/// assert_eq!(*guard, [1, 2]);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

/// Like [`MutexGuard`], holding an `Arc<Mutex<T>>` instead of a borrow.
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let m = Arc::new(weft::sync::Mutex::new(1));
/// let guard = m.clone().lock_owned().await;
/// assert_eq!(*guard, 1);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

/// A [`MutexGuard`] narrowed to part of the data by [`MutexGuard::map`].
///
/// ```
/// use weft::sync::{Mutex, MutexGuard};
/// # futures::executor::block_on(async {
/// let m = Mutex::new((1, 2));
/// let mut second = MutexGuard::map(m.lock().await, |t| &mut t.1);
/// *second = 5;
/// drop(second);
/// assert_eq!(*m.lock().await, (1, 5));
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a ll::Semaphore,
    data: NonNull<T>,
    marker: PhantomData<&'a mut T>,
}

/// An [`OwnedMutexGuard`] narrowed to part of the data by [`OwnedMutexGuard::map`].
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::{Mutex, OwnedMutexGuard};
/// # futures::executor::block_on(async {
/// let m = Arc::new(Mutex::new((1, 2)));
/// let first = OwnedMutexGuard::map(m.clone().lock_owned().await, |t| &mut t.0);
/// assert_eq!(*first, 1);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    data: NonNull<U>,
    lock: Arc<Mutex<T>>,
}

/// The lock is held by someone else: returned by `try_lock`.
///
/// ```
/// let m = weft::sync::Mutex::new(());
/// let _g = m.try_lock().unwrap();
/// assert!(m.try_lock().is_err());
/// ```
#[derive(Debug)]
pub struct TryLockError(pub(super) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryLockError {}

// SAFETY: the mutex hands `&mut T` to one holder at a time, possibly on another thread.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above: sharing the mutex shares exclusive access in turns, which needs `T: Send`.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}
// SAFETY: a shared guard only gives `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for MutexGuard<'_, T> {}
// SAFETY: as for `MutexGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}
// SAFETY: a mapped guard is a `&mut U` valid while the lock is held.
unsafe impl<T: ?Sized + Send + Sync> Sync for MappedMutexGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send> Send for MappedMutexGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized> Mutex<T> {
    /// An unlocked mutex holding `t`.
    ///
    /// ```
    /// let m = weft::sync::Mutex::new(5);
    /// # drop(m);
    /// ```
    pub fn new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: ll::Semaphore::new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// An unlocked mutex holding `t`, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::Mutex;
    ///
    /// static LOCK: Mutex<i32> = Mutex::const_new(5);
    /// # futures::executor::block_on(async {
    /// assert_eq!(*LOCK.lock().await, 5);
    /// # });
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: ll::Semaphore::const_new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Waits for the lock, in FIFO order with other waiters.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let m = weft::sync::Mutex::new(1);
    /// *m.lock().await += 1;
    /// assert_eq!(*m.lock().await, 2);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Waits in a FIFO queue; cancelling gives up the place, and if the lock had just been
    /// handed to this call it passes on to the next waiter.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    async fn acquire(&self) {
        // The semaphore of a mutex is never closed.
        if self.s.acquire(1).await.is_err() {
            unreachable!("a mutex's semaphore is never closed");
        }
    }

    /// Blocks the current thread until the lock is held. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let m = weft::sync::Mutex::new(1);
    /// *m.blocking_lock() += 1;
    /// assert_eq!(*m.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.lock())
    }

    /// Blocking form of [`lock_owned`](Self::lock_owned). For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let m = Arc::new(weft::sync::Mutex::new(1));
    /// assert_eq!(*m.blocking_lock_owned(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.lock_owned())
    }

    /// Waits for the lock of an `Arc<Mutex<T>>`; the guard holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(weft::sync::Mutex::new(1));
    /// *m.clone().lock_owned().await += 1;
    /// assert_eq!(*m.lock().await, 2);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`lock`](Self::lock).
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Takes the lock if it is free and nobody is queued for it.
    ///
    /// ```
    /// let m = weft::sync::Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_err());
    /// drop(g);
    /// assert!(m.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_lock`](Self::try_lock) for an `Arc<Mutex<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let m = Arc::new(weft::sync::Mutex::new(1));
    /// assert!(m.clone().try_lock_owned().is_ok());
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// The data, through `&mut self` (no locking needed).
    ///
    /// ```
    /// let mut m = weft::sync::Mutex::new(1);
    /// *m.get_mut() = 2;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// The data, consuming the mutex.
    ///
    /// ```
    /// let m = weft::sync::Mutex::new("x");
    /// assert_eq!(m.into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Self {
        Mutex::new(t)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the data; the lock stays held.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Mutex::new((0, 'a'));
    /// let c = MutexGuard::map(m.lock().await, |t| &mut t.1);
    /// assert_eq!(*c, 'a');
    /// # });
    /// ```
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let lock = this.lock;
        std::mem::forget(this);
        // SAFETY: we held the lock (the guard's permit moves to the mapped guard), so we have
        // exclusive access to the data.
        let data = NonNull::from(f(unsafe { &mut *lock.c.get() }));
        MappedMutexGuard {
            s: &lock.s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Mutex::new(Some(1));
    /// let g = MutexGuard::try_map(m.lock().await, |o| o.as_mut()).unwrap();
    /// assert_eq!(*g, 1);
    /// # });
    /// ```
    pub fn try_map<U: ?Sized, F>(this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds the lock: exclusive access.
        match f(unsafe { &mut *this.lock.c.get() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = this.lock;
                std::mem::forget(this);
                Ok(MappedMutexGuard {
                    s: &lock.s,
                    data,
                    marker: PhantomData,
                })
            }
            None => Err(this),
        }
    }

    /// The mutex this guard locks.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Mutex::new(());
    /// let g = m.lock().await;
    /// assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    /// # });
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock; `&mut self` makes this the only access.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Narrows the guard to a part of the data; the lock stays held.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(Mutex::new([1, 2]));
    /// let g = OwnedMutexGuard::map(m.lock_owned().await, |a| &mut a[1]);
    /// assert_eq!(*g, 2);
    /// # });
    /// ```
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: the guard holds the lock: exclusive access.
        let data = NonNull::from(f(unsafe { &mut *this.lock.c.get() }));
        let lock = this.into_lock();
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(Mutex::new(None::<u8>));
    /// assert!(OwnedMutexGuard::try_map(m.lock_owned().await, |o| o.as_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<U: ?Sized, F>(this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds the lock: exclusive access.
        match f(unsafe { &mut *this.lock.c.get() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = this.into_lock();
                Ok(OwnedMappedMutexGuard { data, lock })
            }
            None => Err(this),
        }
    }

    /// The mutex this guard locks.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(Mutex::new(()));
    /// let g = m.clone().lock_owned().await;
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
    /// # });
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Gives up the guard without unlocking (the permit moves to the caller).
    fn into_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped or used again, so the Arc is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock; `&mut self` makes this the only access.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further.
    ///
    /// ```
    /// use weft::sync::{MappedMutexGuard, Mutex, MutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Mutex::new(((1, 2), 3));
    /// let inner = MutexGuard::map(m.lock().await, |t| &mut t.0);
    /// let two = MappedMutexGuard::map(inner, |t| &mut t.1);
    /// assert_eq!(*two, 2);
    /// # });
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        let s = this.s;
        std::mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use weft::sync::{MappedMutexGuard, Mutex, MutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Mutex::new((Some(1), 0));
    /// let g = MutexGuard::map(m.lock().await, |t| &mut t.0);
    /// assert!(MappedMutexGuard::try_map(g, |o| o.as_mut()).is_ok());
    /// # });
    /// ```
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let s = this.s;
                std::mem::forget(this);
                Ok(MappedMutexGuard {
                    s,
                    data,
                    marker: PhantomData,
                })
            }
            None => Err(this),
        }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows the guard further.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(Mutex::new(((1, 2), 3)));
    /// let inner = OwnedMutexGuard::map(m.lock_owned().await, |t| &mut t.0);
    /// assert_eq!(*OwnedMappedMutexGuard::map(inner, |t| &mut t.0), 1);
    /// # });
    /// ```
    pub fn map<S: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        F: FnOnce(&mut U) -> &mut S,
    {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        let lock = this.into_lock();
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(Mutex::new((None::<u8>, 0)));
    /// let g = OwnedMutexGuard::map(m.lock_owned().await, |t| &mut t.0);
    /// assert!(OwnedMappedMutexGuard::try_map(g, |o| o.as_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<S: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = this.into_lock();
                Ok(OwnedMappedMutexGuard { data, lock })
            }
            None => Err(this),
        }
    }

    fn into_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped or used again, so the Arc is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds the lock; `data` points into the locked value.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: the guard holds the lock; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
