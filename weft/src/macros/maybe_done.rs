//! A future that keeps its output once done, for `join!` and `try_join!`.

use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{ready, Context, Poll};

pin_project_lite::pin_project! {
    /// A future, then its output once it completed, then nothing once the output was taken.
    ///
    /// The future is dropped as soon as it completes, as in tokio, so whatever it holds is
    /// released before the other futures of the `join!` are done.
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneProjReplace]
    pub enum MaybeDone<Fut: Future> {
        /// Still running.
        Future { #[pin] future: Fut },
        /// Completed with this output.
        Done { output: Fut::Output },
        /// The output was taken.
        Gone,
    }
}

/// Wraps `future` in a [`MaybeDone`].
pub fn maybe_done<F: IntoFuture>(future: F) -> MaybeDone<F::IntoFuture> {
    MaybeDone::Future {
        future: future.into_future(),
    }
}

impl<Fut: Future> MaybeDone<Fut> {
    /// The output, if the future completed and the output was not taken yet.
    pub fn output_mut(self: Pin<&mut Self>) -> Option<&mut Fut::Output> {
        match self.project() {
            MaybeDoneProj::Done { output } => Some(output),
            _ => None,
        }
    }

    /// Takes the output out, if the future completed and it was not taken yet.
    #[inline]
    pub fn take_output(self: Pin<&mut Self>) -> Option<Fut::Output> {
        if !matches!(&*self, MaybeDone::Done { .. }) {
            return None;
        }
        match self.project_replace(MaybeDone::Gone) {
            MaybeDoneProjReplace::Done { output } => Some(output),
            _ => unreachable!("checked to be Done above"),
        }
    }
}

impl<Fut: Future> Future for MaybeDone<Fut> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Future { future } => ready!(future.poll(cx)),
            MaybeDoneProj::Done { .. } => return Poll::Ready(()),
            MaybeDoneProj::Gone => panic!("MaybeDone polled after its output was taken"),
        };
        self.set(MaybeDone::Done { output });
        Poll::Ready(())
    }
}

impl<Fut: Future> fmt::Debug for MaybeDone<Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self {
            MaybeDone::Future { .. } => "Future",
            MaybeDone::Done { .. } => "Done",
            MaybeDone::Gone => "Gone",
        };
        f.debug_tuple("MaybeDone").field(&state).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn keeps_output_and_drops_future_on_completion() {
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let fut = core::pin::pin!(maybe_done(async move {
            let _guard = guard;
            7
        }));
        let mut fut = fut;
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(fut.as_mut().output_mut().is_none());
        assert!(fut.as_mut().poll(&mut cx).is_ready());
        assert!(dropped.load(Ordering::SeqCst));
        assert_eq!(fut.as_mut().output_mut().copied(), Some(7));
        assert!(fut.as_mut().poll(&mut cx).is_ready());
        assert_eq!(fut.as_mut().take_output(), Some(7));
        assert_eq!(fut.as_mut().take_output(), None);
        assert_eq!(format!("{:?}", fut), "MaybeDone(\"Gone\")");
    }
}
