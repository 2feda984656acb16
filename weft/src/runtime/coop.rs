//! The cooperative budget.
//!
//! A task gets [`BUDGET`] resource operations per poll. Each weft resource (a socket read, a
//! channel receive, a timer, a `JoinHandle`) calls [`poll_proceed`] before it does work; once the
//! budget is spent the resource returns `Pending` after waking the task, so the task goes to the
//! back of the queue and a busy task cannot starve its neighbours. Outside a weft task there is
//! no budget and every operation proceeds.
//!
//! This module imports nothing of the crate: the drivers (a socket's readiness, an io_uring
//! operation) spend budget too, and must not depend on the scheduler. What an exhausted budget
//! does with the task's waker (count the forced yield, defer the wake past the scheduler's
//! poll) is the runtime's, installed once with [`install_exhausted_hook`].

use std::cell::Cell;
use std::sync::OnceLock;
use std::task::{ready, Context, Poll, Waker};

/// The runtime's reaction to a spent budget: `(waker, first)`, `first` for the first resource
/// of this poll to hit the limit.
type ExhaustedHook = fn(&Waker, bool);

static EXHAUSTED: OnceLock<ExhaustedHook> = OnceLock::new();

/// Installs what a spent budget does (the runtime calls this before it polls any task).
pub(crate) fn install_exhausted_hook(hook: ExhaustedHook) {
    let _ = EXHAUSTED.set(hook);
}

/// Operations a task may perform per poll (tokio's number, which programs may rely on).
pub(crate) const BUDGET: u8 = 128;

/// The budget is spent and the forced yield has been counted in the metrics (a poll that hits
/// the limit in several resources counts once). Above `BUDGET`, so never a real budget.
const SPENT_AND_COUNTED: u8 = u8::MAX;

thread_local! {
    /// `None`: unconstrained (outside a task, or inside `unconstrained`).
    static CURRENT: Cell<Option<u8>> = const { Cell::new(None) };
}

/// Runs `f` with a fresh budget, restoring the previous one afterwards (tasks nest when a
/// `block_in_place` or a `LocalSet` polls tasks from inside a task).
#[inline]
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Some(BUDGET), f)
}

/// Runs `f` with no budget at all.
#[inline]
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(None, f)
}

#[inline]
fn with_budget<R>(budget: Option<u8>, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<u8>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CURRENT.try_with(|c| c.set(self.0));
        }
    }
    let prev = CURRENT.with(|c| c.replace(budget));
    let _reset = Reset(prev);
    f()
}

/// Whether the current task still has budget left (always true outside a task).
#[inline]
pub(crate) fn has_budget_remaining() -> bool {
    CURRENT
        .try_with(|c| !matches!(c.get(), Some(0 | SPENT_AND_COUNTED)))
        .unwrap_or(true)
}

/// Spends one unit of budget, or returns `Pending` (having woken the task) if none is left.
///
/// The returned guard gives the unit back if the operation then turns out to be `Pending`
/// anyway (no progress was made); call [`RestoreOnPending::made_progress`] once it succeeded.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    CURRENT
        .try_with(|c| match c.get() {
            None => Poll::Ready(RestoreOnPending(None)),
            Some(n @ (0 | SPENT_AND_COUNTED)) => {
                if n == 0 {
                    c.set(Some(SPENT_AND_COUNTED));
                }
                match EXHAUSTED.get() {
                    Some(hook) => hook(cx.waker(), n == 0),
                    // No runtime was ever built (a bare task in a unit test): wake at once.
                    None => cx.waker().wake_by_ref(),
                }
                Poll::Pending
            }
            Some(n) => {
                c.set(Some(n - 1));
                Poll::Ready(RestoreOnPending(Some(n)))
            }
        })
        .unwrap_or(Poll::Ready(RestoreOnPending(None)))
}

/// Gives a spent budget unit back when dropped, unless [`made_progress`](Self::made_progress).
#[derive(Debug)]
#[must_use = "dropping the guard immediately gives the budget unit back"]
pub(crate) struct RestoreOnPending(Option<u8>);

impl RestoreOnPending {
    /// The operation did its work: keep the unit spent.
    #[inline]
    pub(crate) fn made_progress(&mut self) {
        self.0 = None;
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if let Some(prev) = self.0 {
            let _ = CURRENT.try_with(|c| c.set(Some(prev)));
        }
    }
}

/// Spends one unit and yields if the budget is exhausted (backs `task::consume_budget`).
pub(crate) async fn consume_budget() {
    let mut status = Poll::Pending;
    std::future::poll_fn(move |cx| {
        if status.is_ready() {
            return status;
        }
        status = poll_proceed(cx).map(|mut restore| restore.made_progress());
        status
    })
    .await
}

/// Polls `f` only if the budget allows; for wrapping resource poll functions.
#[inline]
pub(crate) fn poll_budgeted<T>(
    cx: &mut Context<'_>,
    f: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let mut restore = ready!(poll_proceed(cx));
    let out = f(cx);
    if out.is_ready() {
        restore.made_progress();
    }
    out
}
