//! `consume_budget` and `unconstrained`.

use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

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
///     weft::task::consume_budget().await;
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
    /// let fut: weft::task::Unconstrained<_> = weft::task::unconstrained(async { 1 });
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
/// let v = weft::task::unconstrained(async { 5 }).await;
/// assert_eq!(v, 5);
/// # });
/// ```
pub fn unconstrained<F>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}
