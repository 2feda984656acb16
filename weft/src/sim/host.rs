//! Which simulated host a task belongs to.
//!
//! Every task of a host runs inside a [`HostTask`]: while it is polled, the thread knows the
//! host (for `weft::sim::hostname`, the network's source address, and for tasks it spawns,
//! which the scheduler wraps the same way: `runtime::scheduler::Handle::spawn` asks
//! [`current`]). A host's crash bumps its generation: a task of an older generation is never
//! polled again (it is also aborted, which drops it).

use super::log::Kind;
use super::world::World;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The host whose task this thread is polling.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub(crate) world: Arc<World>,
    pub(crate) host: u32,
    pub(crate) gen: u64,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// The host of the task being polled on this thread, if it is a simulated one.
pub(crate) fn current() -> Option<Current> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

/// Runs `f` as if no host's task were being polled (to start another host's task from
/// inside one, without it inheriting the caller's host).
pub(crate) fn without_host<R>(f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| c.borrow_mut().take());
    let _restore = Restore(prev);
    f()
}

struct Restore(Option<Current>);

impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
    }
}

pin_project_lite::pin_project! {
    /// A task of a simulated host (see the module docs).
    #[derive(Debug)]
    pub(crate) struct HostTask<F> {
        #[pin]
        future: F,
        current: Current,
        task: u64,
    }
}

impl<F: Future> HostTask<F> {
    /// Wraps `future` as the `task`-th task of `current`'s host.
    pub(crate) fn new(current: Current, task: u64, future: F) -> HostTask<F> {
        HostTask {
            future,
            current,
            task,
        }
    }
}

impl<F: Future> Future for HostTask<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        {
            let mut w = this.current.world.lock();
            if w.hosts[this.current.host as usize].gen != this.current.gen {
                // The host crashed; the abort that drops this task is on its way.
                return Poll::Pending;
            }
            w.record(this.current.host, Kind::Poll(*this.task));
        }
        let prev = CURRENT.with(|c| c.borrow_mut().replace(this.current.clone()));
        let _restore = Restore(prev);
        this.future.poll(cx)
    }
}

/// The scheduler's spawn hook: a task spawned by a host's task joins that host.
pub(crate) fn spawn_in_host<F>(
    current: Current,
    future: F,
    spawn: impl FnOnce(HostTask<F>) -> crate::task::JoinHandle<F::Output>,
) -> crate::task::JoinHandle<F::Output>
where
    F: Future,
{
    let task = current.world.lock().next_task_id(current.host);
    let world = current.world.clone();
    let host = current.host;
    let gen = current.gen;
    let join = spawn(HostTask::new(current, task, future));
    world.track(host, gen, join.abort_handle());
    join
}
