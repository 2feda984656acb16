//! An async reader-writer lock, fair and write-preferring.
//!
//! It is a batch semaphore of `max_readers` permits: a reader takes one, a writer takes all of
//! them. The semaphore's strict FIFO queue is what makes the lock fair: once a writer is queued,
//! readers arriving after it wait behind it, so writers are never starved.

mod guards;
mod owned;

pub use guards::{RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard};
pub use owned::{OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard};

use super::batch_semaphore as ll;
use super::TryLockError;
use std::cell::UnsafeCell;
use std::fmt;
use std::ptr::NonNull;
use std::sync::Arc;

#[cfg(not(weft_loom))]
const MAX_READS: u32 = u32::MAX >> 3;
#[cfg(weft_loom)]
const MAX_READS: u32 = 10;

/// An async reader-writer lock: many readers or one writer.
///
/// Requests are served in arrival order: a waiting writer blocks later readers, so writers are
/// not starved.
///
/// ```
/// use weft::sync::RwLock;
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await;
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 6);
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    mr: u32,
    s: ll::Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: the lock hands out `&mut T` to one writer at a time (needs `T: Send`) and `&T` to
// many readers on many threads (needs `T: Sync`).
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T: ?Sized> RwLock<T> {
    /// An unlocked lock holding `value`.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// # drop(lock);
    /// ```
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        Self::with_max_readers(value, MAX_READS)
    }

    /// An unlocked lock that admits at most `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or above `u32::MAX >> 3`.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::with_max_readers(0, 2);
    /// let _a = lock.try_read().unwrap();
    /// let _b = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers ({max_reads} given)"
        );
        assert!(max_reads > 0, "a RwLock may not be created with 0 readers");
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// An unlocked lock holding `value`, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// static CONFIG: RwLock<u8> = RwLock::const_new(1);
    /// assert_eq!(*CONFIG.try_read().unwrap(), 1);
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        Self::const_with_max_readers(value, MAX_READS)
    }

    /// Like [`with_max_readers`](Self::with_max_readers), in a const context.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or above `u32::MAX >> 3`.
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// static LOCK: RwLock<()> = RwLock::const_with_max_readers((), 2);
    /// let _a = LOCK.try_read().unwrap();
    /// let _b = LOCK.try_read().unwrap();
    /// assert!(LOCK.try_read().is_err());
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not have that many readers"
        );
        assert!(max_reads > 0, "a RwLock may not be created with 0 readers");
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::const_new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    async fn acquire(&self, n: u32) {
        if self.s.acquire(n as usize).await.is_err() {
            unreachable!("a RwLock's semaphore is never closed");
        }
    }

    fn data(&self) -> NonNull<T> {
        // SAFETY: `UnsafeCell::get` never returns null.
        unsafe { NonNull::new_unchecked(self.c.get()) }
    }

    /// Waits for shared read access.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = weft::sync::RwLock::new(1);
    /// assert_eq!(*lock.read().await, 1);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Waits in a FIFO queue; cancelling gives up the place.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard::new(&self.s, self.data())
    }

    /// Blocks the current thread until read access is granted. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// assert_eq!(*lock.blocking_read(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.read())
    }

    /// Waits for read access to an `Arc<RwLock<T>>`; the guard holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(weft::sync::RwLock::new(1));
    /// assert_eq!(*lock.read_owned().await, 1);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`read`](Self::read).
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        OwnedRwLockReadGuard::new(self)
    }

    /// Takes read access if it is available now and no writer is queued.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// let w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// # drop(w);
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(RwLockReadGuard::new(&self.s, self.data())),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_read`](Self::try_read) for an `Arc<RwLock<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(weft::sync::RwLock::new(1));
    /// assert!(lock.try_read_owned().is_ok());
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedRwLockReadGuard::new(self)),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Waits for exclusive write access.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = weft::sync::RwLock::new(1);
    /// *lock.write().await = 2;
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Waits in a FIFO queue; cancelling gives up the place, and read slots already handed to
    /// this call go on to the next waiters.
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        RwLockWriteGuard::new(&self.s, self.data(), self.mr)
    }

    /// Blocks the current thread until write access is granted. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// *lock.blocking_write() = 3;
    /// assert_eq!(*lock.blocking_read(), 3);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.write())
    }

    /// Waits for write access to an `Arc<RwLock<T>>`; the guard holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(weft::sync::RwLock::new(1));
    /// *lock.clone().write_owned().await = 2;
    /// assert_eq!(*lock.read().await, 2);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`write`](Self::write).
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Takes write access if the lock is free now and nobody is queued.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// # drop(r);
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(RwLockWriteGuard::new(&self.s, self.data(), self.mr)),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_write`](Self::try_write) for an `Arc<RwLock<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(weft::sync::RwLock::new(1));
    /// assert!(lock.try_write_owned().is_ok());
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(OwnedRwLockWriteGuard::new(self)),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// The data, through `&mut self` (no locking needed).
    ///
    /// ```
    /// let mut lock = weft::sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// The data, consuming the lock.
    ///
    /// ```
    /// assert_eq!(weft::sync::RwLock::new(4).into_inner(), 4);
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(t: T) -> Self {
        RwLock::new(t)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}
