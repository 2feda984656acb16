//! The cooperative budget, as tokio's `task::coop` exposes it.
//!
//! Each task gets 128 units of budget per poll; every weft resource (a socket read, a channel
//! receive, a timer, a `JoinHandle`) spends one before it does work, and once the budget is
//! spent it returns `Pending` (the task is woken to run again later), so a busy task cannot
//! starve its neighbours. Resources outside weft can join in with [`poll_proceed`] or
//! [`cooperative`]; [`unconstrained`] opts a future out.
//!
//! ```
//! use std::task::{ready, Context, Poll};
//! use weft::task::coop;
//!
//! // A resource outside weft that takes part in the budget.
//! fn poll_counter(n: &mut u32, cx: &mut Context<'_>) -> Poll<u32> {
//!     let coop = ready!(coop::poll_proceed(cx));
//!     *n += 1;
//!     coop.made_progress();
//!     Poll::Ready(*n)
//! }
//!
//! # weft::runtime::Runtime::new().unwrap().block_on(async {
//! let mut n = 0;
//! let v = std::future::poll_fn(|cx| poll_counter(&mut n, cx)).await;
//! assert_eq!(v, 1);
//! # });
//! ```

use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Whether the current task still has budget left (always `true` outside a task).
///
/// ```
/// assert!(weft::task::coop::has_budget_remaining());
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// assert!(weft::task::coop::has_budget_remaining());
/// # });
/// ```
#[inline]
pub fn has_budget_remaining() -> bool {
    crate::runtime::coop::has_budget_remaining()
}

/// Value returned by [`poll_proceed`]: gives the budget unit back when dropped, unless
/// [`made_progress`](Self::made_progress) was called.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// std::future::poll_fn(|cx| {
///     let coop = std::task::ready!(weft::task::coop::poll_proceed(cx));
///     coop.made_progress();
///     std::task::Poll::Ready(())
/// })
/// .await;
/// # });
/// ```
#[derive(Debug)]
#[must_use = "dropping the guard immediately gives the budget unit back"]
pub struct RestoreOnPending {
    inner: RefCell<crate::runtime::coop::RestoreOnPending>,
    // The guard restores the budget of the thread it was made on.
    _not_send: PhantomData<*mut ()>,
}

impl RestoreOnPending {
    /// The operation made progress: keep the unit spent.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// std::future::poll_fn(|cx| {
    ///     let coop = std::task::ready!(weft::task::coop::poll_proceed(cx));
    ///     coop.made_progress();
    ///     std::task::Poll::Ready(())
    /// })
    /// .await;
    /// # });
    /// ```
    pub fn made_progress(&self) {
        self.inner.borrow_mut().made_progress();
    }
}

/// Spends one unit of the task's budget, or returns `Pending` (the task is woken to run again
/// later) if none is left.
///
/// The returned [`RestoreOnPending`] gives the unit back when dropped, unless
/// [`RestoreOnPending::made_progress`] is called: call it once the operation made progress.
///
/// ```
/// use std::task::{ready, Poll};
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let v = std::future::poll_fn(|cx| {
///     let coop = ready!(weft::task::coop::poll_proceed(cx));
///     coop.made_progress();
///     Poll::Ready(7)
/// })
/// .await;
/// assert_eq!(v, 7);
/// # });
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    crate::runtime::coop::poll_proceed(cx).map(|inner| RestoreOnPending {
        inner: RefCell::new(inner),
        _not_send: PhantomData,
    })
}

pin_project! {
    /// Future returned by [`cooperative`].
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let fut: weft::task::coop::Coop<_> = weft::task::coop::cooperative(async { 1 });
    /// assert_eq!(fut.await, 1);
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Coop<F: Future> {
        #[pin]
        fut: F,
    }
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let coop = ready!(poll_proceed(cx));
        let out = ready!(self.project().fut.poll(cx));
        coop.made_progress();
        Poll::Ready(out)
    }
}

/// Makes `fut` take part in the budget: each poll first spends a unit (yielding if none is
/// left), and the unit stays spent once `fut` completes.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let v = weft::task::coop::cooperative(async { 3 }).await;
/// assert_eq!(v, 3);
/// # });
/// ```
#[inline]
pub fn cooperative<F: Future>(fut: F) -> Coop<F> {
    Coop { fut }
}

/// Spends one unit of the task's cooperative budget, yielding if it is used up.
///
/// Long computations that never touch a weft resource can call it in their loop so they
/// still yield now and then (each task gets 128 units per poll).
///
/// # Cancel safety
/// Cancel safe.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let mut sum = 0u64;
/// for i in 0..1000 {
///     sum += i;
///     weft::task::coop::consume_budget().await;
/// }
/// assert_eq!(sum, 499_500);
/// # });
/// ```
pub async fn consume_budget() {
    crate::runtime::coop::consume_budget().await
}

pin_project! {
    /// Future returned by [`unconstrained`].
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let fut: weft::task::coop::Unconstrained<_> = weft::task::coop::unconstrained(async { 1 });
    /// assert_eq!(fut.await, 1);
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Unconstrained<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.project().inner;
        crate::runtime::coop::with_unconstrained(|| inner.poll(cx))
    }
}

/// Runs `inner` outside the cooperative budget: its resources never force a yield.
///
/// Use with care: an unconstrained future that is always ready can starve other tasks.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let v = weft::task::coop::unconstrained(async { 5 }).await;
/// assert_eq!(v, 5);
/// # });
/// ```
pub fn unconstrained<F>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}
