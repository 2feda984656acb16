//! `block_on` outside a runtime's own loop: the calling thread polls the future under a
//! scheduler context of its own and sleeps on its thread parker (the driver stack's bottom
//! layer, `driver::park`) whenever the future is pending.

use crate::runtime::driver::park::{ParkThread, UnparkThread};
use crate::runtime::scheduler::defer::Defer;

thread_local! {
    static CURRENT_PARKER: ParkThread = ParkThread::new();
}

struct UnparkWaker(UnparkThread);

impl std::task::Wake for UnparkWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread, sleeping whenever it is pending.
///
/// The future is polled under a scheduler context of its own, so a wake deferred during the
/// poll (a resource out of coop budget, `yield_now`) is delivered only after the poll returned:
/// woken inside the poll, it would let a poll loop (a `JoinSet`, `select!`) pick the same entry
/// again at once and spin without ever returning to this loop.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let unpark = CURRENT_PARKER.with(|p| p.unpark());
    let waker = std::task::Waker::from(std::sync::Arc::new(UnparkWaker(unpark)));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let scheduler = crate::runtime::scheduler::Context::BlockOn(Defer::new());
    let crate::runtime::scheduler::Context::BlockOn(defer) = &scheduler else {
        unreachable!()
    };
    loop {
        let poll = crate::runtime::context::set_scheduler(&scheduler, || {
            crate::runtime::coop::budget(|| future.as_mut().poll(&mut cx))
        });
        if let std::task::Poll::Ready(out) = poll {
            return out;
        }
        // Deferred wakers usually wake this thread's parker, so the park below returns at once.
        defer.wake();
        CURRENT_PARKER.with(|p| p.park());
    }
}
