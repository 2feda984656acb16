//! hyper's runtime hooks on weft: an executor for its background tasks and a timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::runtime::Handle;

/// Runs hyper's background tasks (HTTP/2 connection drivers, streams) as weft tasks.
///
/// Pass it to [`hyper::server::conn::http2::Builder::new`] or
/// [`hyper::client::conn::http2::handshake`]. By default each future is spawned on the runtime
/// current at the time hyper hands it over (so hyper must be driven inside a weft runtime);
/// [`WeftExecutor::with_handle`] pins it to one runtime instead.
///
/// # Examples
///
/// ```
/// use hyper::rt::Executor;
/// use weft::hyper::WeftExecutor;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, rx) = weft::sync::oneshot::channel();
/// WeftExecutor::new().execute(async move { tx.send(7).unwrap() });
/// assert_eq!(rx.await.unwrap(), 7);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct WeftExecutor {
    handle: Option<Handle>,
}

impl WeftExecutor {
    /// An executor that spawns on the current runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let exec = weft::hyper::WeftExecutor::new();
    /// # drop(exec);
    /// ```
    pub fn new() -> Self {
        WeftExecutor { handle: None }
    }

    /// An executor that always spawns on the runtime behind `handle`, whichever thread hyper
    /// calls it from.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// let exec = weft::hyper::WeftExecutor::with_handle(rt.handle().clone());
    /// # drop(exec);
    /// ```
    pub fn with_handle(handle: Handle) -> Self {
        WeftExecutor {
            handle: Some(handle),
        }
    }
}

impl<F> hyper::rt::Executor<F> for WeftExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        match &self.handle {
            Some(handle) => drop(handle.spawn(fut)),
            None => drop(crate::spawn(fut)),
        }
    }
}

/// hyper's timers (header read timeout, HTTP/2 keep-alive, pool idle) as weft sleeps.
///
/// Pass it to a builder's `.timer(WeftTimer::new())`. It follows weft's clock, so a paused
/// clock ([`weft::time::pause`](crate::time::pause)) pauses hyper's timeouts as well.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use hyper::rt::Timer;
/// use weft::hyper::WeftTimer;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let timer = WeftTimer::new();
/// let before = timer.now();
/// timer.sleep(Duration::from_millis(5)).await;
/// assert!(timer.now() >= before + Duration::from_millis(5));
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct WeftTimer {
    _priv: (),
}

impl WeftTimer {
    /// A timer backed by the current runtime's time driver.
    ///
    /// # Examples
    ///
    /// ```
    /// let timer = weft::hyper::WeftTimer::new();
    /// # drop(timer);
    /// ```
    pub fn new() -> Self {
        WeftTimer { _priv: () }
    }
}

impl hyper::rt::Timer for WeftTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(WeftSleep {
            inner: crate::time::sleep(duration),
        })
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(WeftSleep {
            inner: crate::time::sleep_until(crate::time::Instant::from_std(deadline)),
        })
    }

    fn now(&self) -> Instant {
        crate::time::Instant::now().into_std()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        // Reusing our own timer entry avoids an allocation per keep-alive reset.
        match sleep.as_mut().downcast_mut_pin::<WeftSleep>() {
            Some(ours) => ours
                .project()
                .inner
                .reset(crate::time::Instant::from_std(new_deadline)),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

pin_project_lite::pin_project! {
    // A weft `Sleep` wearing hyper's `Sleep` trait.
    struct WeftSleep {
        #[pin]
        inner: crate::time::Sleep,
    }
}

impl Future for WeftSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

impl hyper::rt::Sleep for WeftSleep {}
