//! A counting semaphore with FIFO-fair waiting.

use super::batch_semaphore as ll;
pub use super::batch_semaphore::{AcquireError, TryAcquireError};
use std::fmt;
use std::sync::Arc;

/// A counting semaphore: a pool of permits that tasks wait for, in arrival order.
///
/// A waiter asking for many permits keeps its place at the head of the queue and receives
/// released permits as they come, so later waiters cannot overtake it (no starvation).
///
/// ```
/// use weft::sync::Semaphore;
///
/// # futures::executor::block_on(async {
/// let sem = Semaphore::new(2);
/// let a = sem.acquire().await.unwrap();
/// let _b = sem.acquire().await.unwrap();
/// assert!(sem.try_acquire().is_err());
/// drop(a);
/// assert!(sem.try_acquire().is_ok());
/// # });
/// ```
pub struct Semaphore {
    ll: ll::Semaphore,
}

/// Permits borrowed from a [`Semaphore`]; returned to it on drop.
///
/// ```
/// use weft::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// let permit = sem.try_acquire().unwrap();
/// assert_eq!(permit.num_permits(), 1);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use]
#[clippy::has_significant_drop]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

/// Permits from an `Arc<Semaphore>`, with no borrow; returned to it on drop.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Semaphore;
///
/// let sem = Arc::new(Semaphore::new(1));
/// let permit = sem.clone().try_acquire_owned().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use]
#[clippy::has_significant_drop]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl Semaphore {
    /// The largest number of permits a semaphore can hold (`usize::MAX >> 3`).
    pub const MAX_PERMITS: usize = ll::Semaphore::MAX_PERMITS;

    /// A semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// Panics if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            ll: ll::Semaphore::new(permits),
        }
    }

    /// A semaphore with `permits` permits, in a const context (for a `static`).
    ///
    /// # Panics
    ///
    /// Panics (at compile time in a `static`) if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// use weft::sync::Semaphore;
    ///
    /// static SEM: Semaphore = Semaphore::const_new(10);
    /// assert_eq!(SEM.available_permits(), 10);
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore {
            ll: ll::Semaphore::const_new(permits),
        }
    }

    /// Permits available right now.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(3);
    /// let _p = sem.try_acquire_many(2).unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.ll.available_permits()
    }

    /// Adds `n` permits, handing them to waiters first.
    ///
    /// # Panics
    ///
    /// Panics if the total would exceed [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.ll.release(n);
    }

    /// Removes up to `n` available permits for good; returns how many were removed.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(3);
    /// assert_eq!(sem.forget_permits(5), 3);
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        self.ll.forget_permits(n)
    }

    /// Waits for one permit.
    ///
    /// Fails only if the semaphore is closed.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let sem = weft::sync::Semaphore::new(1);
    /// let permit = sem.acquire().await.unwrap();
    /// assert_eq!(sem.available_permits(), 0);
    /// # drop(permit);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Acquire waits in a FIFO queue; cancelling it gives up the place in the queue (and passes
    /// any permits already handed to it on to the next waiter).
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll.acquire(1).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Waits for `n` permits at once.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let sem = weft::sync::Semaphore::new(5);
    /// let permit = sem.acquire_many(3).await.unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll.acquire(n as usize).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Takes one permit if one is available now.
    ///
    /// ```
    /// use weft::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(1);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are available now.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(4);
    /// assert!(sem.try_acquire_many(3).is_ok());
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll.try_acquire(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Blocks the current thread until a permit is available. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(1);
    /// let permit = sem.blocking_acquire().unwrap();
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.acquire())
    }

    /// Blocks the current thread until `n` permits are available. For synchronous code.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(2);
    /// let permit = sem.blocking_acquire_many(2).unwrap();
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.acquire_many(n))
    }

    /// Waits for one permit of an `Arc<Semaphore>`; the permit holds the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// let permit = sem.clone().acquire_owned().await.unwrap();
    /// # drop(permit);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Waits for `n` permits of an `Arc<Semaphore>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let sem = Arc::new(weft::sync::Semaphore::new(3));
    /// let permit = sem.clone().acquire_many_owned(3).await.unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`acquire`](Self::acquire).
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.ll.acquire(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Takes one permit of an `Arc<Semaphore>` if one is available now.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// assert!(sem.clone().try_acquire_owned().is_ok());
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` permits of an `Arc<Semaphore>` if they are available now.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// assert!(sem.clone().try_acquire_many_owned(2).is_err());
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Blocks the current thread until a permit of an `Arc<Semaphore>` is available.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// let permit = sem.blocking_acquire_owned().unwrap();
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.acquire_owned())
    }

    /// Blocks the current thread until `n` permits of an `Arc<Semaphore>` are available.
    ///
    /// # Panics
    ///
    /// Panics when called inside an asynchronous execution context.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(2));
    /// let permit = sem.blocking_acquire_many_owned(2).unwrap();
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        super::blocking::assert_not_in_runtime("block the current thread");
        super::blocking::block_on(self.acquire_many_owned(n))
    }

    /// Closes the semaphore: waiting and later acquires fail; permits already held stay valid.
    ///
    /// ```
    /// use weft::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(1);
    /// sem.close();
    /// assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
    /// ```
    pub fn close(&self) {
        self.ll.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.ll.is_closed()
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves `other`'s permits into this one.
    ///
    /// # Panics
    ///
    /// Panics if the permits come from different semaphores.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(2);
    /// let mut a = sem.try_acquire().unwrap();
    /// a.merge(sem.try_acquire().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` if this one holds fewer than `n`.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(3);
    /// let mut a = sem.try_acquire_many(3).unwrap();
    /// let b = a.split(1).unwrap();
    /// assert_eq!((a.num_permits(), b.num_permits()), (2, 1));
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }

    /// The semaphore the permits came from.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(1);
    /// let p = sem.try_acquire().unwrap();
    /// assert!(std::ptr::eq(p.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &'a Semaphore {
        self.sem
    }

    /// How many permits this holds.
    ///
    /// ```
    /// let sem = weft::sync::Semaphore::new(2);
    /// assert_eq!(sem.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// sem.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves `other`'s permits into this one.
    ///
    /// # Panics
    ///
    /// Panics if the permits come from different semaphores.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(2));
    /// let mut a = sem.clone().try_acquire_owned().unwrap();
    /// a.merge(sem.clone().try_acquire_owned().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` if this one holds fewer than `n`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(2));
    /// let mut a = sem.clone().try_acquire_many_owned(2).unwrap();
    /// assert!(a.split(3).is_none());
    /// assert!(a.split(1).is_some());
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(OwnedSemaphorePermit {
            sem: self.sem.clone(),
            permits: n,
        })
    }

    /// The semaphore the permits came from.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// let p = sem.clone().try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(p.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// How many permits this holds.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weft::sync::Semaphore::new(1));
    /// assert_eq!(sem.try_acquire_owned().unwrap().num_permits(), 1);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .finish()
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}
