//! Guards that borrow the `RwLock`.

use crate::sync::batch_semaphore::Semaphore;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Shared read access to a [`RwLock`](super::RwLock)'s data; released on drop.
///
/// ```
/// # futures::executor::block_on(async {
/// let lock = weft::sync::RwLock::new(String::from("hi"));
/// let guard = lock.read().await;
/// assert_eq!(guard.len(), 2);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    data: NonNull<T>,
    marker: PhantomData<&'a T>,
}

/// Exclusive write access to a [`RwLock`](super::RwLock)'s data; released on drop.
///
/// ```
/// # futures::executor::block_on(async {
/// let lock = weft::sync::RwLock::new(vec![1]);
/// lock.write().await.push(2);
/// assert_eq!(*lock.read().await, [1, 2]);
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    data: NonNull<T>,
    permits: u32,
    marker: PhantomData<&'a mut T>,
}

/// A [`RwLockWriteGuard`] narrowed to part of the data by [`RwLockWriteGuard::map`].
///
/// ```
/// use weft::sync::{RwLock, RwLockWriteGuard};
/// # futures::executor::block_on(async {
/// let lock = RwLock::new((1, 2));
/// *RwLockWriteGuard::map(lock.write().await, |t| &mut t.0) = 5;
/// assert_eq!(*lock.read().await, (5, 2));
/// # });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    data: NonNull<T>,
    permits: u32,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: a read guard is a shared borrow of `T`: it may cross threads when `&T` may.
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: a write guard is an exclusive borrow of `T`, and can downgrade into a shared one.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: a shared write guard only gives `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as for `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    pub(super) fn new(s: &'a Semaphore, data: NonNull<T>) -> Self {
        RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Narrows the guard to a part of the data; the read access stays held.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockReadGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new((1, 2));
    /// assert_eq!(*RwLockReadGuard::map(lock.read().await, |t| &t.1), 2);
    /// # });
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let this = ManuallyDrop::new(this);
        // SAFETY: the guard holds read access; `data` points into the locked value.
        let data = NonNull::from(f(unsafe { this.data.as_ref() }));
        RwLockReadGuard::new(this.s, data)
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockReadGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new(Some(1));
    /// assert!(RwLockReadGuard::try_map(lock.read().await, |o| o.as_ref()).is_ok());
    /// # });
    /// ```
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the guard holds read access; `data` points into the locked value.
        match f(unsafe { this.data.as_ref() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let this = ManuallyDrop::new(this);
                Ok(RwLockReadGuard::new(this.s, data))
            }
            None => Err(this),
        }
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds read access; `data` points into the locked value.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    pub(super) fn new(s: &'a Semaphore, data: NonNull<T>, permits: u32) -> Self {
        RwLockWriteGuard {
            s,
            data,
            permits,
            marker: PhantomData,
        }
    }

    /// Narrows the guard to a part of the data; the write access stays held.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new((1, 2));
    /// *RwLockWriteGuard::map(lock.write().await, |t| &mut t.1) = 3;
    /// assert_eq!(lock.read().await.1, 3);
    /// # });
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let mut this = ManuallyDrop::new(this);
        // SAFETY: the guard holds write access: exclusive.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        RwLockMappedWriteGuard {
            s: this.s,
            data,
            permits: this.permits,
            marker: PhantomData,
        }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new(None::<u8>);
    /// assert!(RwLockWriteGuard::try_map(lock.write().await, |o| o.as_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds write access: exclusive.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let this = ManuallyDrop::new(this);
                Ok(RwLockMappedWriteGuard {
                    s: this.s,
                    data,
                    permits: this.permits,
                    marker: PhantomData,
                })
            }
            None => Err(this),
        }
    }

    /// Turns into a mapped guard of the whole value.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new(1);
    /// *RwLockWriteGuard::into_mapped(lock.write().await) = 2;
    /// # });
    /// ```
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        Self::map(this, |t| t)
    }

    /// Atomically turns write access into read access to part of the data: no writer can get
    /// in between.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new((1, 2));
    /// let r = RwLockWriteGuard::downgrade_map(lock.write().await, |t| &t.0);
    /// assert_eq!(*r, 1);
    /// assert!(lock.try_read().is_ok());
    /// # });
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        // SAFETY: the guard holds write access.
        let data = NonNull::from(f(unsafe { this.data.as_ref() }));
        let this = ManuallyDrop::new(this);
        // Keep one permit as the read access, give back the rest.
        this.s.release(this.permits as usize - 1);
        RwLockReadGuard::new(this.s, data)
    }

    /// Like [`downgrade_map`](Self::downgrade_map), but `f` may decline, giving the write guard
    /// back.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new(Some(1));
    /// let r = RwLockWriteGuard::try_downgrade_map(lock.write().await, |o| o.as_ref());
    /// assert_eq!(*r.unwrap(), 1);
    /// # });
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the guard holds write access.
        match f(unsafe { this.data.as_ref() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let this = ManuallyDrop::new(this);
                this.s.release(this.permits as usize - 1);
                Ok(RwLockReadGuard::new(this.s, data))
            }
            None => Err(this),
        }
    }

    /// Atomically turns write access into read access.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = weft::sync::RwLock::new(1);
    /// let r = lock.write().await.downgrade();
    /// assert_eq!(*r, 1);
    /// assert!(lock.try_write().is_err());
    /// # });
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        Self::downgrade_map(self, |t| t)
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds write access.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds write access; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits as usize);
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// Narrows the guard further.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new(((1, 2), 3));
    /// let g = RwLockWriteGuard::map(lock.write().await, |t| &mut t.0);
    /// *RwLockMappedWriteGuard::map(g, |t| &mut t.1) = 9;
    /// assert_eq!(lock.read().await.0 .1, 9);
    /// # });
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let mut this = ManuallyDrop::new(this);
        // SAFETY: the guard holds write access: exclusive.
        let data = NonNull::from(f(unsafe { this.data.as_mut() }));
        RwLockMappedWriteGuard {
            s: this.s,
            data,
            permits: this.permits,
            marker: PhantomData,
        }
    }

    /// Like [`map`](Self::map), but `f` may decline, giving the guard back.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    /// # futures::executor::block_on(async {
    /// let lock = RwLock::new((None::<u8>, 0));
    /// let g = RwLockWriteGuard::map(lock.write().await, |t| &mut t.0);
    /// assert!(RwLockMappedWriteGuard::try_map(g, |o| o.as_mut()).is_err());
    /// # });
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds write access: exclusive.
        match f(unsafe { this.data.as_mut() }) {
            Some(data) => {
                let data = NonNull::from(data);
                let this = ManuallyDrop::new(this);
                Ok(RwLockMappedWriteGuard {
                    s: this.s,
                    data,
                    permits: this.permits,
                    marker: PhantomData,
                })
            }
            None => Err(this),
        }
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds write access.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds write access; `&mut self` makes this the only access.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits as usize);
    }
}

macro_rules! fmt_via_deref {
    ($($ty:ident),*) => {$(
        impl<T: ?Sized + fmt::Debug> fmt::Debug for $ty<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
        impl<T: ?Sized + fmt::Display> fmt::Display for $ty<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

fmt_via_deref!(RwLockReadGuard, RwLockWriteGuard, RwLockMappedWriteGuard);
