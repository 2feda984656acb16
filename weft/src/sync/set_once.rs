//! `SetOnce`: a value set once by a plain call, that tasks can wait for.

use super::lock::Lock as Mutex;
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::sync::Notify;
use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::mem::MaybeUninit;

/// A cell set at most once, with [`wait`](SetOnce::wait) for tasks that need the value.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::SetOnce;
///
/// # futures::executor::block_on(async {
/// let cell = Arc::new(SetOnce::new());
/// let c2 = cell.clone();
/// std::thread::spawn(move || c2.set(10).unwrap());
/// assert_eq!(*cell.wait().await, 10);
/// # });
/// ```
pub struct SetOnce<T> {
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// Serialises `set` calls.
    lock: Mutex<()>,
    notify: Notify,
}

// SAFETY: the value is written once under `lock`, before `value_set` is published (Release);
// readers read it only after seeing the flag (Acquire). Sharing the cell shares `&T` (needs
// `Sync`) and lets any thread write it (needs `Send`).
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}
// SAFETY: sending the cell sends the value.
unsafe impl<T: Send> Send for SetOnce<T> {}

/// The cell was already set; holds the value that was not stored.
///
/// ```
/// let cell = weft::sync::SetOnce::new_with(Some(1));
/// assert_eq!(cell.set(2).unwrap_err().0, 2);
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}

impl<T> SetOnce<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell = weft::sync::SetOnce::<u8>::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> Self {
        SetOnce {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            lock: Mutex::new(()),
            notify: Notify::new(),
        }
    }

    /// An empty cell, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::SetOnce;
    ///
    /// static READY: SetOnce<bool> = SetOnce::const_new();
    /// READY.set(true).unwrap();
    /// assert_eq!(READY.get(), Some(&true));
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new() -> Self {
        SetOnce {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            lock: Mutex::new(()),
            notify: Notify::const_new(),
        }
    }

    /// A cell holding `value`, in a const context (for a `static`).
    ///
    /// ```
    /// use weft::sync::SetOnce;
    ///
    /// static NAME: SetOnce<&str> = SetOnce::const_new_with("weft");
    /// assert_eq!(NAME.get(), Some(&"weft"));
    /// ```
    #[cfg(not(weft_loom))]
    pub const fn const_new_with(value: T) -> Self {
        SetOnce {
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            lock: Mutex::new(()),
            notify: Notify::const_new(),
        }
    }

    /// A cell holding `value` if it is `Some`.
    ///
    /// ```
    /// let cell = weft::sync::SetOnce::new_with(Some(1));
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        let cell = SetOnce::new();
        if let Some(v) = value {
            // SAFETY: nobody else can see the cell yet, and it is empty.
            unsafe { (*cell.value.get()).write(v) };
            cell.value_set.store(true, Ordering::Release);
        }
        cell
    }

    /// Whether the cell holds a value.
    ///
    /// ```
    /// let cell = weft::sync::SetOnce::new();
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value_set.load(Ordering::Acquire)
    }

    /// The value, if set.
    ///
    /// ```
    /// let cell = weft::sync::SetOnce::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(2).unwrap();
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `value_set` (Acquire) says the value was written and never changes.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    /// Sets the value and wakes every waiter. Fails, handing the value back, if already set.
    ///
    /// ```
    /// let cell = weft::sync::SetOnce::new();
    /// assert!(cell.set(1).is_ok());
    /// assert!(cell.set(2).is_err());
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self.initialized() {
            return Err(SetOnceError(value));
        }
        {
            let _guard = self.lock.lock();
            if self.initialized() {
                return Err(SetOnceError(value));
            }
            // SAFETY: we hold the lock and the cell is empty: no other writer, and readers
            // do not read before `value_set` is published below.
            unsafe { (*self.value.get()).write(value) };
            self.value_set.store(true, Ordering::Release);
        }
        self.notify.notify_waiters();
        Ok(())
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// assert_eq!(weft::sync::SetOnce::new_with(Some(1)).into_inner(), Some(1));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        if !self.initialized() {
            return None;
        }
        self.value_set.store(false, Ordering::Relaxed);
        // SAFETY: the value was set, we own the cell, and with `value_set` now false `Drop`
        // will not drop it again.
        Some(unsafe { self.value.get_mut().assume_init_read() })
    }

    /// Waits until the value is set and returns it.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = weft::sync::SetOnce::new();
    /// cell.set(3).unwrap();
    /// assert_eq!(*cell.wait().await, 3);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only waits.
    pub async fn wait(&self) -> &T {
        super::cooperative(async {
            loop {
                let notified = self.notify.notified();
                if let Some(v) = self.get() {
                    return v;
                }
                notified.await;
            }
        })
        .await
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        if self.initialized() {
            // SAFETY: the value is set and `&mut self` is exclusive; it is dropped once.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> Self {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> Self {
        SetOnce::new_with(Some(value))
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> Self {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}
