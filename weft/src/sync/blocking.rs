//! Waiting for a future from a plain thread: backs every `blocking_*` method.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Panics with tokio's message when called from a thread that runs async code: blocking there
/// would stall every task on that worker (or deadlock a current-thread runtime).
#[track_caller]
pub(crate) fn assert_not_in_runtime(what: &str) {
    if crate::runtime::context::in_runtime() {
        panic!(
            "Cannot {what} from within a runtime. This happens because a function \
             attempted to block the current thread while the thread is being used to \
             drive asynchronous tasks."
        );
    }
}

/// Parks the current thread until `fut` completes.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        // A spurious unpark only costs one more poll.
        thread::park();
    }
}
