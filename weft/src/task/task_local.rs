//! Task-local storage: `task_local!`, [`LocalKey`], [`TaskLocalFuture`].
//!
//! A task-local value is kept in a thread-local slot only while the future it was scoped to
//! is being polled (or while a `sync_scope` closure runs). Entering the scope swaps the value
//! into the slot; leaving it swaps it back into the future, so the value travels with the
//! future from poll to poll and from thread to thread, and scopes of the same key nest.

use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::error::Error;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::{fmt, mem, thread};

/// Declares a new task-local key of type [`LocalKey`].
///
/// # Syntax
///
/// The macro wraps any number of static declarations and makes them task-local. Attributes
/// (doc comments included) and visibility are allowed:
///
/// ```
/// weft::task_local! {
///     /// The request being served.
///     pub static REQUEST_ID: u32;
///
///     static USER: String;
/// }
/// # fn main() {}
/// ```
///
/// A value is attached with [`LocalKey::scope`] (for a future) or [`LocalKey::sync_scope`]
/// (for a closure) and read with [`LocalKey::with`], [`LocalKey::try_with`] or
/// [`LocalKey::get`].
///
/// # Examples
///
/// ```
/// weft::task_local! {
///     static NUMBER: u32;
/// }
///
/// #[weft::main]
/// async fn main() {
///     NUMBER
///         .scope(1, async move {
///             assert_eq!(NUMBER.get(), 1);
///         })
///         .await;
///
///     NUMBER
///         .scope(2, async move {
///             assert_eq!(NUMBER.get(), 2);
///
///             NUMBER
///                 .scope(3, async move {
///                     assert_eq!(NUMBER.get(), 3);
///                 })
///                 .await;
///
///             assert_eq!(NUMBER.get(), 2);
///         })
///         .await;
/// }
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __KEY: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }

            $crate::task::LocalKey { inner: __KEY }
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local!).
///
/// A value set with [`scope`](Self::scope) is visible to the code of the scoped future, and
/// only while that future is being polled; values of other tasks or outside the scope are not
/// visible. Unlike `std::thread::LocalKey`, the value does not stay on a thread: it goes with
/// the future when the task moves to another worker.
///
/// # Examples
///
/// ```
/// weft::task_local! {
///     static NUMBER: u32;
/// }
///
/// #[weft::main]
/// async fn main() {
///     NUMBER
///         .scope(1, async move {
///             NUMBER.with(|value| assert_eq!(*value, 1));
///         })
///         .await;
///     // Outside the scope there is no value.
///     assert!(NUMBER.try_with(|_| ()).is_err());
/// }
/// ```
pub struct LocalKey<T: 'static> {
    /// The thread-local slot the value lives in while its scope is entered. Public (hidden)
    /// only for `task_local!`'s expansion.
    #[doc(hidden)]
    pub inner: thread::LocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// Sets `value` as the task-local value for the future `f`.
    ///
    /// While `f` is being polled, [`with`](Self::with), [`try_with`](Self::try_with) and
    /// [`get`](Self::get) on this key see `value`. When the returned future is dropped,
    /// `f` is dropped first, inside the scope (so its destructors can still read the value),
    /// and then `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// #[weft::main]
    /// async fn main() {
    ///     NUMBER
    ///         .scope(1, async move {
    ///             println!("task local value: {}", NUMBER.get());
    ///         })
    ///         .await;
    /// }
    /// ```
    pub fn scope<F>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(f),
            _pinned: PhantomPinned,
        }
    }

    /// Sets `value` as the task-local value while the closure `f` runs.
    ///
    /// On completion of `f`, the task-local value is dropped.
    ///
    /// # Panics
    ///
    /// If this key's value is borrowed (`f` is called from inside [`with`](Self::with) on the
    /// same key), or during thread teardown.
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// let doubled = NUMBER.sync_scope(21, || NUMBER.get() * 2);
    /// assert_eq!(doubled, 42);
    /// ```
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(res) => res,
            Err(err) => err.panic(),
        }
    }

    /// Swaps `slot` into the thread-local, runs `f`, and swaps back (also if `f` panics).
    ///
    /// Swapping rather than setting is what makes nested scopes of one key work: the outer
    /// value waits in the inner future's slot while the inner scope is entered.
    fn scope_inner<F, R>(&'static self, slot: &mut Option<T>, f: F) -> Result<R, ScopeInnerErr>
    where
        F: FnOnce() -> R,
    {
        struct Restore<'a, T: 'static> {
            local: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }

        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // Entering succeeded, so the thread-local is alive and not borrowed: no user
                // code can hold a borrow across the end of the scope.
                self.local.inner.with(|cell| {
                    mem::swap(self.slot, &mut *cell.borrow_mut());
                });
            }
        }

        self.inner
            .try_with(|cell| {
                cell.try_borrow_mut()
                    .map(|mut value| mem::swap(slot, &mut *value))
            })
            .map_err(|_| ScopeInnerErr::Access)?
            .map_err(|_| ScopeInnerErr::Borrow)?;

        let restore = Restore { local: self, slot };
        let res = f();
        drop(restore);
        Ok(res)
    }

    /// Runs `f` with a reference to the task-local value.
    ///
    /// # Panics
    ///
    /// If there is no value: outside of a [`scope`](Self::scope) /
    /// [`sync_scope`](Self::sync_scope) of this key.
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NAME: String;
    /// }
    ///
    /// NAME.sync_scope("weft".to_string(), || {
    ///     assert_eq!(NAME.with(|name| name.len()), 4);
    /// });
    /// ```
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(res) => res,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Runs `f` with a reference to the task-local value, or returns an [`AccessError`] if
    /// there is none (outside of a scope of this key, or during thread teardown).
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_with(|n| *n).is_err());
    /// assert_eq!(NUMBER.sync_scope(5, || NUMBER.try_with(|n| *n)), Ok(5));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        // `borrow` cannot fail: the only mutable borrows are the swaps at scope entry and
        // exit, which run no user code.
        match self.inner.try_with(|cell| cell.borrow().as_ref().map(f)) {
            Ok(Some(res)) => Ok(res),
            Ok(None) | Err(_) => Err(AccessError { _private: () }),
        }
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a copy of the task-local value.
    ///
    /// # Panics
    ///
    /// If there is no value (see [`with`](Self::with)).
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// NUMBER.sync_scope(7, || assert_eq!(NUMBER.get(), 7));
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|v| v.clone())
    }

    /// Returns a copy of the task-local value, or an [`AccessError`] if there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_get().is_err());
    /// NUMBER.sync_scope(7, || assert_eq!(NUMBER.try_get(), Ok(7)));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(|v| v.clone())
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

pin_project! {
    /// A future that sets a value `T` of a task-local for the future `F` it wraps, while
    /// `F` is being polled. Returned by [`LocalKey::scope`].
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// #[weft::main]
    /// async fn main() {
    ///     let fut = NUMBER.scope(42, async { NUMBER.get() });
    ///     assert_eq!(fut.await, 42);
    /// }
    /// ```
    pub struct TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        local: &'static LocalKey<T>,
        // The value while the scope is not entered (between polls).
        slot: Option<T>,
        #[pin]
        future: Option<F>,
        #[pin]
        _pinned: PhantomPinned,
    }

    impl<T: 'static, F> PinnedDrop for TaskLocalFuture<T, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if mem::needs_drop::<F>() && this.future.is_some() {
                // Drop the future inside the scope, so its destructors see the value. If the
                // scope cannot be entered (thread teardown), the `Option<F>` field drops it
                // afterwards as usual.
                let mut future = this.future;
                let _ = this.local.scope_inner(this.slot, || future.set(None));
            }
        }
    }
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the task-local value out of this future, if it is still there.
    ///
    /// Returns `None` if it was taken already. The value is always there between polls
    /// (including after the future completed); after it is taken, polling the future again
    /// runs it without a value for this key.
    ///
    /// # Examples
    ///
    /// ```
    /// weft::task_local! {
    ///     static KEY: u32;
    /// }
    ///
    /// #[weft::main]
    /// async fn main() {
    ///     let fut = KEY.scope(42, async {
    ///         // Do some async work
    ///     });
    ///
    ///     let mut pinned = Box::pin(fut);
    ///
    ///     // Complete the TaskLocalFuture
    ///     let _ = pinned.as_mut().await;
    ///
    ///     // And here, we can take task local value
    ///     let value = pinned.as_mut().take_value();
    ///
    ///     assert_eq!(value, Some(42));
    /// }
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        self.project().slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut future = this.future;
        let res = this
            .local
            .scope_inner(this.slot, || match future.as_mut().as_pin_mut() {
                Some(fut) => {
                    let res = fut.poll(cx);
                    if res.is_ready() {
                        // Drop the completed future inside the scope too.
                        future.set(None);
                    }
                    Some(res)
                }
                None => None,
            });
        match res {
            Ok(Some(res)) => res,
            Ok(None) => panic!("`TaskLocalFuture` polled after completion"),
            Err(err) => err.panic(),
        }
    }
}

impl<T: 'static + fmt::Debug, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Value<'a, T>(&'a Option<T>);
        impl<T: fmt::Debug> fmt::Debug for Value<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(value) => value.fmt(f),
                    None => f.pad("<taken>"),
                }
            }
        }
        f.debug_struct("TaskLocalFuture")
            .field("value", &Value(&self.slot))
            .finish()
    }
}

/// The error returned by [`LocalKey::try_with`] and [`LocalKey::try_get`]: the task-local
/// has no value here (outside of a scope of this key, or during thread teardown).
///
/// # Examples
///
/// ```
/// weft::task_local! {
///     static NUMBER: u32;
/// }
///
/// let err = NUMBER.try_get().unwrap_err();
/// assert_eq!(err.to_string(), "task-local value not set");
/// ```
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set")
    }
}

impl Error for AccessError {}

/// Why a scope could not be entered.
enum ScopeInnerErr {
    /// The key's value is borrowed (`scope`/`sync_scope` called from inside `with`).
    Borrow,
    /// The thread-local is being or has been destroyed.
    Access,
}

impl ScopeInnerErr {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            ScopeInnerErr::Borrow => {
                panic!("cannot enter a task-local scope while the task-local storage is borrowed")
            }
            ScopeInnerErr::Access => panic!(
                "cannot enter a task-local scope during or after destruction of the underlying thread-local"
            ),
        }
    }
}
