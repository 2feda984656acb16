//! Guards that own an `Arc<RwLock<T>>`.

use super::RwLock;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

/// Read access to an `Arc<RwLock<T>>`'s data (or, once mapped, a part `U` of it).
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let lock = Arc::new(weft::sync::RwLock::new(1));
/// let guard = lock.clone().read_owned().await;
/// assert_eq!(*guard, 1);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    data: NonNull<U>,
}

/// Write access to an `Arc<RwLock<T>>`'s data.
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let lock = Arc::new(weft::sync::RwLock::new(1));
/// *lock.clone().write_owned().await = 2;
/// assert_eq!(*lock.read().await, 2);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    lock: Arc<RwLock<T>>,
    data: NonNull<T>,
}

/// An [`OwnedRwLockWriteGuard`] narrowed to a part `U` of the data.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
/// # futures::executor::block_on(async {
/// let lock = Arc::new(RwLock::new((1, 2)));
/// *OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |t| &mut t.0) = 3;
/// assert_eq!(lock.read().await.0, 3);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<RwLock<T>>,
    data: NonNull<U>,
}

// SAFETY: a read guard shares `&U` (and keeps the lock alive, which needs `T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Sync for OwnedRwLockReadGuard<T, U> {}
// SAFETY: a write guard is exclusive access to `T`, and may downgrade to shared access.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: a shared write guard only gives `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}
// SAFETY: as for `OwnedRwLockWriteGuard`, for the part `U`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

/// Moves the `Arc` out of a guard without running the guard's drop (the permits move on).
fn take_lock<G, T: ?Sized>(
    guard: ManuallyDrop<G>,
    lock: impl FnOnce(&G) -> &Arc<RwLock<T>>,
) -> Arc<RwLock<T>> {
    // SAFETY: the guard is never dropped or used again, so the Arc is moved out exactly once.
    unsafe { std::ptr::read(lock(&guard)) }
}

impl<T: ?Sized> OwnedRwLockReadGuard<T> {
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        let data = lock.data();
        OwnedRwLockReadGuard { lock, data }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// Narrows the guard to a part of the data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockReadGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let g = OwnedRwLockReadGuard::map(lock.read_owned().await, |t| &t.1);
    /// assert_eq!(*g, 2);
    /// # });
    /// ```
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        // SAFETY: the guard holds read access; `data` points into the locked value.
        let data = NonNull::from(f(unsafe { this.data.as_ref() }));
        let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
        OwnedRwLockReadGuard { lock, data }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockReadGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(None::<u8>));
    /// assert!(OwnedRwLockReadGuard::try_map(lock.read_owned().await, |o| o.as_ref()).is_err());
    /// # });
    /// ```
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        // SAFETY: the guard holds read access; `data` points into the locked value.
        match f(unsafe { this.data.as_ref() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
                Ok(OwnedRwLockReadGuard { lock, data })
            }
            None => Err(this),
        }
    }

    /// The lock this guard reads.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockReadGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(()));
    /// let g = lock.clone().read_owned().await;
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&g), &lock));
    /// # });
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds read access; `data` points into the locked value.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        let data = lock.data();
        OwnedRwLockWriteGuard { lock, data }
    }

    /// Narrows the guard to a part of the data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// *OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |t| &mut t.1) = 0;
    /// assert_eq!(lock.read().await.1, 0);
    /// # });
    /// ```
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: the guard holds write access: exclusive.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
        OwnedRwLockMappedWriteGuard { lock, data }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(Some(1)));
    /// assert!(OwnedRwLockWriteGuard::try_map(lock.write_owned().await, |o| o.as_mut()).is_ok());
    /// # });
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds write access: exclusive.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
                Ok(OwnedRwLockMappedWriteGuard { lock, data })
            }
            None => Err(this),
        }
    }

    /// Turns into a mapped guard of the whole value.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// *OwnedRwLockWriteGuard::into_mapped(lock.write_owned().await) = 2;
    /// # });
    /// ```
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        Self::map(this, |t| t)
    }

    /// Atomically turns write access into read access to part of the data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let r = OwnedRwLockWriteGuard::downgrade_map(lock.clone().write_owned().await, |t| &t.0);
    /// assert_eq!(*r, 1);
    /// assert!(lock.try_read().is_ok());
    /// # });
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        // SAFETY: the guard holds write access.
        let data = NonNull::from(f(unsafe { this.data.as_ref() }));
        let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
        // Keep one permit as the read access, give back the rest.
        lock.s.release(lock.mr as usize - 1);
        OwnedRwLockReadGuard { lock, data }
    }

    /// Like [`downgrade_map`](Self::downgrade_map), but `f` may decline, giving the write
    /// guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(Some(1)));
    /// let g = lock.write_owned().await;
    /// assert!(OwnedRwLockWriteGuard::try_downgrade_map(g, |o| o.as_ref()).is_ok());
    /// # });
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the guard holds write access.
        match f(unsafe { this.data.as_ref() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
                lock.s.release(lock.mr as usize - 1);
                Ok(OwnedRwLockReadGuard { lock, data })
            }
            None => Err(this),
        }
    }

    /// Atomically turns write access into read access.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(weft::sync::RwLock::new(1));
    /// let r = lock.clone().write_owned().await.downgrade();
    /// assert_eq!(*r, 1);
    /// # });
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        Self::downgrade_map(self, |t| t)
    }

    /// The lock this guard writes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(()));
    /// let g = lock.clone().write_owned().await;
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&g), &lock));
    /// # });
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds write access.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds write access; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.lock.mr as usize);
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// Narrows the guard further.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let g = OwnedRwLockWriteGuard::map(lock.clone().write_owned().await, |t| &mut t.0);
    /// *OwnedRwLockMappedWriteGuard::map(g, |t| &mut t.0) = 7;
    /// assert_eq!(lock.read().await.0 .0, 7);
    /// # });
    /// ```
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        // SAFETY: the guard holds write access: exclusive.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
        OwnedRwLockMappedWriteGuard { lock, data }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new((None::<u8>, 1)));
    /// let g = OwnedRwLockWriteGuard::map(lock.write_owned().await, |t| &mut t.0);
    /// assert!(OwnedRwLockMappedWriteGuard::try_map(g, |o| o.as_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        // SAFETY: the guard holds write access: exclusive.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let lock = take_lock(ManuallyDrop::new(this), |g| &g.lock);
                Ok(OwnedRwLockMappedWriteGuard { lock, data })
            }
            None => Err(this),
        }
    }

    /// The lock this guard writes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// # futures::executor::block_on(async {
    /// let lock = Arc::new(RwLock::new(1));
    /// let g = OwnedRwLockWriteGuard::into_mapped(lock.clone().write_owned().await);
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&g), &lock));
    /// # });
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds write access.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: the guard holds write access; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.lock.mr as usize);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
