//! A fixed-size batch of wakers, filled under a lock and woken after it is released, so a woken
//! task never finds the lock still held by its waker.

use std::task::Waker;

const CAPACITY: usize = 32;

pub(crate) struct WakeList {
    wakers: [Option<Waker>; CAPACITY],
    len: usize,
}

impl WakeList {
    pub(crate) fn new() -> WakeList {
        WakeList {
            wakers: std::array::from_fn(|_| None),
            len: 0,
        }
    }

    pub(crate) fn can_push(&self) -> bool {
        self.len < CAPACITY
    }

    pub(crate) fn push(&mut self, waker: Waker) {
        debug_assert!(self.can_push());
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    pub(crate) fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(w) = slot.take() {
                w.wake();
            }
        }
        self.len = 0;
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // Wakers not yet woken (a panic unwound past `wake_all`) are woken rather than lost.
        self.wake_all();
    }
}
