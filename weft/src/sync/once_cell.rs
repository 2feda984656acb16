//! `OnceCell`: a value set once, possibly by an async initialiser, then shared.

use super::batch_semaphore::Semaphore;
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;

/// A cell written at most once. Concurrent `get_or_init` callers run one initialiser at a time
/// (in FIFO order); the others wait and then share its value. If an initialiser fails or is
/// cancelled, the next caller runs its own.
///
/// ```
/// use weft::sync::OnceCell;
///
/// # futures::executor::block_on(async {
/// let cell = OnceCell::new();
/// let v = cell.get_or_init(|| async { 42 }).await;
/// assert_eq!(*v, 42);
/// assert_eq!(cell.get(), Some(&42));
/// # });
/// ```
pub struct OnceCell<T> {
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// One permit: the right to initialise. Closed once the value is set.
    semaphore: Semaphore,
}

// SAFETY: the value is written once, by the holder of the semaphore's only permit, before
// `value_set` is published (Release); readers only read after seeing it (Acquire). Sharing the
// cell shares `&T` across threads (needs `Sync`) and lets any thread write it (needs `Send`).
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}
// SAFETY: sending the cell sends the value.
unsafe impl<T: Send> Send for OnceCell<T> {}

/// Why [`OnceCell::set`] failed; holds the value.
///
/// ```
/// use weft::sync::{OnceCell, SetError};
/// let cell = OnceCell::new_with(Some(1));
/// assert!(matches!(cell.set(2), Err(SetError::AlreadyInitializedError(2))));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// Another caller is initialising the cell right now.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether the cell already held a value.
    ///
    /// ```
    /// use weft::sync::SetError;
    /// assert!(SetError::AlreadyInitializedError(1).is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether another caller was initialising the cell.
    ///
    /// ```
    /// use weft::sync::SetError;
    /// assert!(SetError::InitializingError(1).is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

/// Gives the initialising permit back unless the value was set (cancel or panic of `f`).
struct PermitGuard<'a>(&'a Semaphore);

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        self.0.release(1);
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::<u8>::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::new(1),
        }
    }

    /// An empty cell, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new();
    /// # futures::executor::block_on(async {
    /// assert_eq!(*CELL.get_or_init(|| async { 3 }).await, 3);
    /// # });
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// A cell holding `value`, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new_with(1);
    /// assert_eq!(CELL.get(), Some(&1));
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new_with(value: T) -> Self {
        OnceCell {
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            semaphore: Semaphore::const_closed(),
        }
    }

    /// A cell holding `value` if it is `Some`.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new_with(Some(3));
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        let cell = OnceCell::new();
        if let Some(v) = value {
            // SAFETY: nobody else can see the cell yet.
            unsafe { cell.write(v) };
        }
        cell
    }

    /// Whether the cell holds a value.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new();
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value_set.load(Ordering::Acquire)
    }

    /// Stores the value and publishes it; closes the semaphore so waiters stop waiting.
    ///
    /// # Safety
    /// The caller holds the initialising permit (or has `&mut`/sole access) and the cell is
    /// empty.
    unsafe fn write(&self, value: T) {
        // SAFETY: the caller has exclusive write access and the slot is empty.
        unsafe { (*self.value.get()).write(value) };
        self.value_set.store(true, Ordering::Release);
        self.semaphore.close();
    }

    /// The value, if set.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set("x").unwrap();
    /// assert_eq!(cell.get(), Some(&"x"));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `value_set` (Acquire) says the value was written and will never change.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    /// The value, mutably, if set.
    ///
    /// ```
    /// let mut cell = weft::sync::OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.initialized() {
            // SAFETY: the value is set, and `&mut self` is exclusive.
            Some(unsafe { self.value.get_mut().assume_init_mut() })
        } else {
            None
        }
    }

    /// Sets the value if the cell is empty and nobody is initialising it.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire(1) {
            Ok(()) => {
                if self.initialized() {
                    self.semaphore.release(1);
                    return Err(SetError::AlreadyInitializedError(value));
                }
                // SAFETY: we hold the only permit and the cell is empty.
                unsafe { self.write(value) };
                Ok(())
            }
            Err(_) if self.initialized() => Err(SetError::AlreadyInitializedError(value)),
            Err(_) => Err(SetError::InitializingError(value)),
        }
    }

    /// The value, running `f` to produce it if the cell is empty. Concurrent callers wait for
    /// the one running `f`.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = weft::sync::OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 1 }).await, 1);
    /// assert_eq!(*cell.get_or_init(|| async { 2 }).await, 1);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancelling a caller that runs `f` drops `f`'s future; the next waiter then runs its own
    /// initialiser.
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self
            .get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(f().await) })
            .await
        {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// Like [`get_or_init`](Self::get_or_init), but `f` may fail; the error is returned and
    /// the cell stays empty.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = weft::sync::OnceCell::<u8>::new();
    /// assert_eq!(cell.get_or_try_init(|| async { Err("no") }).await, Err("no"));
    /// assert_eq!(cell.get_or_try_init(|| async { Ok::<_, ()>(5) }).await, Ok(&5));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// As for [`get_or_init`](Self::get_or_init).
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        match self.semaphore.acquire(1).await {
            Ok(()) => {
                let guard = PermitGuard(&self.semaphore);
                if let Some(v) = self.get() {
                    return Ok(v);
                }
                let value = f().await?;
                std::mem::forget(guard);
                // SAFETY: we hold the only permit and the cell is empty (checked above).
                unsafe { self.write(value) };
                Ok(self.get().expect("just set"))
            }
            // Closed: the value was set.
            Err(_) => Ok(self
                .get()
                .expect("semaphore closed only once the value is set")),
        }
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// assert_eq!(weft::sync::OnceCell::new_with(Some(1)).into_inner(), Some(1));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes the value out, leaving the cell empty and ready to be set again.
    ///
    /// ```
    /// let mut cell = weft::sync::OnceCell::new_with(Some(1));
    /// assert_eq!(cell.take(), Some(1));
    /// assert!(cell.set(2).is_ok());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        if !self.initialized() {
            return None;
        }
        self.value_set.store(false, Ordering::Relaxed);
        self.semaphore = Semaphore::new(1);
        // SAFETY: the value was set, `&mut self` is exclusive, and `value_set` is now false so
        // it will not be read or dropped again.
        Some(unsafe { self.value.get_mut().assume_init_read() })
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> Self {
        OnceCell::new_with(Some(value))
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> Self {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}
