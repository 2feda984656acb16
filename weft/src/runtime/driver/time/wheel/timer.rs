//! The owner's side of a timer: what a `Sleep` embeds.

use super::{arm, disarm, register_waker, Armed, TimerShared};
use super::{STATE_ARMED, STATE_FIRED, STATE_IDLE, STATE_SHUTDOWN};
use crate::runtime::driver::time::Handle;
use crate::time::Instant;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

pin_project_lite::pin_project! {
    /// A deadline plus its intrusive wheel node. Registered lazily, on the first poll or
    /// `reset`, so creating a timer that is never polled costs no lock. "Registered" is
    /// simply "state is not IDLE": only the owner leaves IDLE, and only its drop returns to it.
    pub(crate) struct TimerEntry {
        handle: Handle,
        deadline: Instant,
        #[pin]
        shared: TimerShared,
    }

    impl PinnedDrop for TimerEntry {
        fn drop(this: Pin<&mut Self>) {
            let me = this.project();
            let ptr = NonNull::from(&*me.shared);
            // SAFETY: the node is pinned (we are in its pinned drop) and belongs to its shard;
            // after `disarm` (a no-op unless armed) the driver holds no pointer to it.
            unsafe { disarm(me.handle.shard(me.shared.shard()), ptr) };
        }
    }
}

/// The driver shut down before the timer fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shutdown;

impl TimerEntry {
    pub(crate) fn new(handle: Handle, deadline: Instant) -> TimerEntry {
        let shard = handle.pick_shard();
        TimerEntry {
            handle,
            deadline,
            shared: TimerShared::new(shard as u32),
        }
    }

    /// As `new`, in a chosen shard (tests of cross-shard behaviour).
    #[cfg(test)]
    pub(crate) fn with_shard(handle: Handle, deadline: Instant, shard: usize) -> TimerEntry {
        TimerEntry {
            handle,
            deadline,
            shared: TimerShared::new(shard as u32),
        }
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the driver has fired this timer (and it was not re-armed since).
    pub(crate) fn is_elapsed(&self) -> bool {
        matches!(self.shared.state(), STATE_FIRED | STATE_SHUTDOWN)
    }

    /// Moves the deadline; re-arms now if the timer was registered (or `reregister`), else on
    /// the next poll.
    pub(crate) fn reset(self: Pin<&mut Self>, deadline: Instant, reregister: bool) {
        let me = self.project();
        *me.deadline = deadline;
        // Only the owner (us) moves an entry out of IDLE, so this read is stable.
        let registered = me.shared.state() != STATE_IDLE;
        if registered || reregister {
            let tick = me.handle.deadline_to_tick(deadline);
            let ptr = NonNull::from(&*me.shared);
            // SAFETY: pinned node of its shard; `Drop` disarms it.
            let armed = unsafe { arm(me.handle.shard(me.shared.shard()), ptr, tick, None) };
            if let Armed::Pending(when) = armed {
                me.handle.unpark_if_earlier(when);
            }
        }
    }

    /// Ready once the deadline's tick has been processed by the driver.
    pub(crate) fn poll_elapsed(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Shutdown>> {
        let me = self.project();
        let ptr = NonNull::from(&*me.shared);
        let shard = me.handle.shard(me.shared.shard());
        let state = me.shared.state();
        if state == STATE_IDLE {
            let tick = me.handle.deadline_to_tick(*me.deadline);
            // SAFETY: pinned node of its shard; `Drop` disarms it.
            return match unsafe { arm(shard, ptr, tick, Some(cx.waker())) } {
                Armed::Pending(when) => {
                    me.handle.unpark_if_earlier(when);
                    Poll::Pending
                }
                Armed::Elapsed => Poll::Ready(Ok(())),
                Armed::Shutdown => Poll::Ready(Err(Shutdown)),
            };
        }
        let state = match state {
            // SAFETY: pinned node of its shard.
            STATE_ARMED => unsafe { register_waker(shard, ptr, cx.waker()) },
            other => other,
        };
        match state {
            STATE_ARMED => Poll::Pending,
            STATE_FIRED => Poll::Ready(Ok(())),
            STATE_SHUTDOWN => Poll::Ready(Err(Shutdown)),
            other => unreachable!("timer state {other}"),
        }
    }
}

impl std::fmt::Debug for TimerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerEntry")
            .field("deadline", &self.deadline)
            .field("state", &self.shared.state())
            .finish()
    }
}
