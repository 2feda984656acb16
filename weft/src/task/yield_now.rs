//! `yield_now`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields to the scheduler: the task goes to the back of the run queue, after the driver
/// has been polled for I/O and timers, so other tasks get to run first.
///
/// # Cancel safety
/// Cancel safe: it holds no state.
///
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// for _ in 0..3 {
///     weft::task::yield_now().await;
/// }
/// # });
/// ```
pub async fn yield_now() {
    struct YieldNow {
        yielded: bool,
    }

    impl Future for YieldNow {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.yielded {
                return Poll::Ready(());
            }
            self.yielded = true;
            crate::runtime::context::defer(cx.waker());
            Poll::Pending
        }
    }

    YieldNow { yielded: false }.await
}
