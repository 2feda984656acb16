//! A worker's local run queue: a fixed ring that only its owner pushes to and pops from, and
//! that other workers steal half of when they run dry.
//!
//! `head` packs two 32-bit positions: `real`, where the owner pops, and `steal`, where an
//! in-progress steal started. While a thief copies tasks out, `steal != real`; the owner may
//! keep popping (advancing `real`) but must not overwrite slots from `steal` on, so a full
//! queue spills to the injection queue instead. Only one steal runs at a time.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU32, AtomicU64, Ordering::*};
use crate::loom::sync::Arc;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::Notified;
use std::mem::MaybeUninit;

#[cfg(not(weft_loom))]
pub(crate) const LOCAL_QUEUE_CAPACITY: usize = 256;
/// Small under loom so models reach the full and overflow paths.
#[cfg(weft_loom)]
pub(crate) const LOCAL_QUEUE_CAPACITY: usize = 4;

const MASK: usize = LOCAL_QUEUE_CAPACITY - 1;

/// The owner's side.
pub(crate) struct Local<S: 'static> {
    inner: Arc<Inner<S>>,
}

/// Another worker's side.
pub(crate) struct Steal<S: 'static>(Arc<Inner<S>>);

struct Inner<S: 'static> {
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<Notified<S>>>; LOCAL_QUEUE_CAPACITY]>,
}

// SAFETY: slots are handed between threads only through the head/tail protocol, which gives
// each slot a single accessor at a time; `Notified` is `Send`.
unsafe impl<S> Send for Inner<S> {}
// SAFETY: as above.
unsafe impl<S> Sync for Inner<S> {}

fn unpack(n: u64) -> (u32, u32) {
    ((n >> 32) as u32, n as u32)
}

fn pack(steal: u32, real: u32) -> u64 {
    ((steal as u64) << 32) | real as u64
}

pub(crate) fn local<S: 'static>() -> (Steal<S>, Local<S>) {
    let buffer: Box<[UnsafeCell<MaybeUninit<Notified<S>>>]> = (0..LOCAL_QUEUE_CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let buffer = buffer
        .try_into()
        .unwrap_or_else(|_| unreachable!("buffer has LOCAL_QUEUE_CAPACITY slots"));
    let inner = Arc::new(Inner {
        head: AtomicU64::new(0),
        tail: AtomicU32::new(0),
        buffer,
    });
    (Steal(inner.clone()), Local { inner })
}

impl<S: 'static> Local<S> {
    /// Free slots (a lower bound while a steal is in progress).
    pub(crate) fn remaining_slots(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        // Only the owner writes `tail`.
        let tail = self.inner.tail.load(Relaxed);
        LOCAL_QUEUE_CAPACITY - tail.wrapping_sub(steal) as usize
    }

    pub(crate) fn max_capacity(&self) -> usize {
        LOCAL_QUEUE_CAPACITY
    }

    /// Tasks in the queue (exact for the owner, apart from in-progress steals).
    pub(crate) fn len(&self) -> usize {
        let (_, head) = unpack(self.inner.head.load(Acquire));
        // Only the owner writes `tail`.
        self.inner.tail.load(Relaxed).wrapping_sub(head) as usize
    }

    pub(crate) fn has_tasks(&self) -> bool {
        let (_, head) = unpack(self.inner.head.load(Acquire));
        head != self.inner.tail.load(Relaxed)
    }

    /// Pushes tasks that are known to fit (`len <= remaining_slots()`).
    pub(crate) fn push_back(&mut self, tasks: impl ExactSizeIterator<Item = Notified<S>>) {
        let len = tasks.len();
        assert!(len <= LOCAL_QUEUE_CAPACITY);
        if len == 0 {
            return;
        }
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        let mut tail = self.inner.tail.load(Relaxed);
        assert!(
            LOCAL_QUEUE_CAPACITY - (tail.wrapping_sub(steal) as usize) >= len,
            "local queue overfilled"
        );
        for task in tasks {
            let idx = tail as usize & MASK;
            // SAFETY: slots between `tail` and `steal + CAPACITY` belong to the owner alone.
            self.inner.buffer[idx].with_mut(|ptr| unsafe { ptr.write(MaybeUninit::new(task)) });
            tail = tail.wrapping_add(1);
        }
        self.inner.tail.store(tail, Release);
    }

    /// Pushes one task; when full, moves half the queue and the task to `inject`. Returns
    /// true if it overflowed to `inject`.
    pub(crate) fn push_back_or_overflow(
        &mut self,
        mut task: Notified<S>,
        inject: &Inject<S>,
    ) -> bool {
        let tail = loop {
            let head = self.inner.head.load(Acquire);
            let (steal, real) = unpack(head);
            let tail = self.inner.tail.load(Relaxed);
            if tail.wrapping_sub(steal) < LOCAL_QUEUE_CAPACITY as u32 {
                break tail;
            } else if steal != real {
                // A thief is emptying the queue; spilling half would race with it.
                inject.push_batch(std::iter::once(task));
                return true;
            } else {
                match self.push_overflow(task, real, tail, inject) {
                    Ok(()) => return true,
                    // A thief moved `head` meanwhile; room may have appeared.
                    Err(t) => task = t,
                }
            }
        };
        let idx = tail as usize & MASK;
        // SAFETY: the slot at `tail` is free (checked above) and only the owner writes it.
        self.inner.buffer[idx].with_mut(|ptr| unsafe { ptr.write(MaybeUninit::new(task)) });
        self.inner.tail.store(tail.wrapping_add(1), Release);
        false
    }

    fn push_overflow(
        &mut self,
        task: Notified<S>,
        head: u32,
        tail: u32,
        inject: &Inject<S>,
    ) -> Result<(), Notified<S>> {
        const HALF: u32 = (LOCAL_QUEUE_CAPACITY / 2) as u32;
        assert_eq!(tail.wrapping_sub(head), LOCAL_QUEUE_CAPACITY as u32);
        let prev = pack(head, head);
        let next = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        // Claim the oldest half; fails if a thief got there first.
        if self
            .inner
            .head
            .compare_exchange(prev, next, Release, Relaxed)
            .is_err()
        {
            return Err(task);
        }
        let buffer = &self.inner.buffer;
        let taken = (0..HALF).map(|i| {
            let idx = head.wrapping_add(i) as usize & MASK;
            // SAFETY: the CAS above moved these slots out of the queue; we own them.
            buffer[idx].with(|ptr| unsafe { ptr.read().assume_init() })
        });
        inject.push_batch(taken.chain(std::iter::once(task)));
        Ok(())
    }

    /// Pops the oldest task.
    pub(crate) fn pop(&mut self) -> Option<Notified<S>> {
        let mut head = self.inner.head.load(Acquire);
        let idx = loop {
            let (steal, real) = unpack(head);
            // Only the owner writes `tail`.
            let tail = self.inner.tail.load(Relaxed);
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                // A steal is in progress: leave its start alone.
                assert_ne!(next_real, steal);
                pack(steal, next_real)
            };
            match self
                .inner
                .head
                .compare_exchange(head, next, AcqRel, Acquire)
            {
                Ok(_) => break real as usize & MASK,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS gave this slot to us.
        Some(self.inner.buffer[idx].with(|ptr| unsafe { ptr.read().assume_init() }))
    }
}

impl<S: 'static> Steal<S> {
    pub(crate) fn is_empty(&self) -> bool {
        let (_, head) = unpack(self.0.head.load(Acquire));
        head == self.0.tail.load(Acquire)
    }

    /// Tasks in the queue, as seen from another thread (for the metrics).
    pub(crate) fn len(&self) -> usize {
        let (_, head) = unpack(self.0.head.load(Acquire));
        self.0.tail.load(Acquire).wrapping_sub(head) as usize
    }

    /// Moves about half of this queue into `dst` (the thief's own queue) and returns one of
    /// the moved tasks to run right away.
    pub(crate) fn steal_into(&self, dst: &mut Local<S>) -> Option<Notified<S>> {
        // Only the owner (us, for `dst`) writes `dst.tail`.
        let dst_tail = dst.inner.tail.load(Relaxed);
        let (steal, _) = unpack(dst.inner.head.load(Acquire));
        if dst_tail.wrapping_sub(steal) > LOCAL_QUEUE_CAPACITY as u32 / 2 {
            // Our own queue is over half full: no room to steal into.
            return None;
        }
        let mut n = self.steal_into2(dst, dst_tail);
        if n == 0 {
            return None;
        }
        n -= 1;
        let ret_pos = dst_tail.wrapping_add(n);
        let ret_idx = ret_pos as usize & MASK;
        // SAFETY: `steal_into2` wrote this slot of our own queue and it is beyond `tail`.
        let ret = dst.inner.buffer[ret_idx].with(|ptr| unsafe { ptr.read().assume_init() });
        if n > 0 {
            dst.inner.tail.store(dst_tail.wrapping_add(n), Release);
        }
        Some(ret)
    }

    fn steal_into2(&self, dst: &mut Local<S>, dst_tail: u32) -> u32 {
        let mut prev = self.0.head.load(Acquire);
        let mut next;
        let n = loop {
            let (src_steal, src_real) = unpack(prev);
            if src_steal != src_real {
                // Another thief is at work.
                return 0;
            }
            let src_tail = self.0.tail.load(Acquire);
            let n = src_tail.wrapping_sub(src_real);
            let n = n - n / 2;
            if n == 0 {
                return 0;
            }
            let steal_to = src_real.wrapping_add(n);
            assert_ne!(src_steal, steal_to);
            next = pack(src_steal, steal_to);
            match self.0.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => break n,
                Err(actual) => prev = actual,
            }
        };
        assert!(
            n <= LOCAL_QUEUE_CAPACITY as u32 / 2,
            "steal of {n} tasks is over half"
        );
        let (first, _) = unpack(next);
        for i in 0..n {
            let src_idx = first.wrapping_add(i) as usize & MASK;
            let dst_idx = dst_tail.wrapping_add(i) as usize & MASK;
            // SAFETY: the CAS reserved `first..first+n` for this steal (the owner will not
            // overwrite them while `steal != real`), and the destination slots are beyond our
            // own `tail`, so nobody else reads them.
            let task = self.0.buffer[src_idx].with(|ptr| unsafe { ptr.read() });
            // SAFETY: as above.
            dst.inner.buffer[dst_idx].with_mut(|ptr| unsafe { ptr.write(task) });
        }
        // Publish the end of the steal: `steal` catches up with `real`.
        let mut prev = next;
        loop {
            let head = unpack(prev).1;
            let next = pack(head, head);
            match self.0.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => return n,
                Err(actual) => {
                    let (actual_steal, actual_real) = unpack(actual);
                    assert_ne!(actual_steal, actual_real);
                    prev = actual;
                }
            }
        }
    }
}

impl<S: 'static> Clone for Steal<S> {
    fn clone(&self) -> Steal<S> {
        Steal(self.0.clone())
    }
}

impl<S: 'static> Drop for Local<S> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(self.pop().is_none(), "local queue dropped with tasks in it");
        }
    }
}

impl<S> std::fmt::Debug for Local<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Local").finish()
    }
}
