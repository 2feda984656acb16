//! A timer entry: the node that lives inside a `Sleep` and is linked into a wheel slot.
//!
//! # Protocol
//!
//! Every entry belongs to one shard (one `Mutex<Wheel>`), chosen when the entry is created.
//! `Locked` (deadline tick, position in the wheel, waker) and the list pointers are only touched
//! with that shard's lock held. `state` is written only with the lock held too, but is read
//! without it, so that a `Sleep` that has fired completes, and drops, without locking:
//!
//! - `IDLE`: not in the wheel: never armed yet, or disarmed by the owner's drop (so for a live
//!   owner, `IDLE` means "not registered yet").
//! - `ARMED`: linked in a slot or in the wheel's pending list; the driver may fire it.
//! - `FIRED` / `SHUTDOWN`: unlinked by the driver, waker taken. Storing one of these is the
//!   driver's *last* access to the entry, so once the owner reads it (Acquire) it may drop or
//!   re-arm the entry without waiting for the driver.

use super::{Position, Wheel};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU8, Ordering};
use crate::loom::sync::Mutex;
use crate::util::linked_list::{self, LinkedList, Pointers};
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

pub(crate) const STATE_IDLE: u8 = 0;
pub(crate) const STATE_ARMED: u8 = 1;
pub(crate) const STATE_FIRED: u8 = 2;
pub(crate) const STATE_SHUTDOWN: u8 = 3;

/// A list of entries, linked through their embedded pointers.
pub(super) type EntryList = LinkedList<EntryLink>;

/// The part of a timer shared with the driver. Pinned inside its owner for as long as it may be
/// linked.
pub(crate) struct TimerShared {
    pointers: Pointers<TimerShared>,
    state: AtomicU8,
    /// Index of the shard (and lock) this entry belongs to; fixed at creation.
    shard: u32,
    locked: UnsafeCell<Locked>,
    _pin: PhantomPinned,
}

/// Fields guarded by the owning shard's lock.
pub(super) struct Locked {
    /// The tick the entry is armed for.
    pub(super) when: u64,
    /// Where it is linked, so that cancelling is O(1) without recomputing the level.
    pub(super) position: Position,
    /// Who to wake when it fires.
    pub(super) waker: Option<Waker>,
}

/// Links `TimerShared` nodes by raw pointer: the owner (`TimerEntry`) keeps the node alive and
/// pinned, and unlinks it under the lock before it is dropped.
pub(crate) struct EntryLink;

// SAFETY: `pointers` returns the embedded field of a live node; handles are plain pointers, so
// `from_raw(as_raw(h)) == h`. Nodes do not move while linked (`TimerEntry` is pinned and unlinks
// itself in `Drop`).
unsafe impl linked_list::Link for EntryLink {
    type Handle = NonNull<TimerShared>;
    type Target = TimerShared;

    fn as_raw(handle: &NonNull<TimerShared>) -> NonNull<TimerShared> {
        *handle
    }

    unsafe fn from_raw(ptr: NonNull<TimerShared>) -> NonNull<TimerShared> {
        ptr
    }

    unsafe fn pointers(target: NonNull<TimerShared>) -> NonNull<Pointers<TimerShared>> {
        // SAFETY: the caller guarantees `target` is live; this only forms a field pointer.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

// SAFETY: the raw pointers and the `Locked` cell are only accessed under the shard lock, and
// `Waker` is `Send + Sync`; `state` is atomic.
unsafe impl Send for TimerShared {}
// SAFETY: as above.
unsafe impl Sync for TimerShared {}

impl TimerShared {
    pub(crate) fn new(shard: u32) -> TimerShared {
        TimerShared {
            pointers: Pointers::new(),
            state: AtomicU8::new(STATE_IDLE),
            shard,
            locked: UnsafeCell::new(Locked {
                when: 0,
                position: Position::None,
                waker: None,
            }),
            _pin: PhantomPinned,
        }
    }

    pub(crate) fn shard(&self) -> usize {
        self.shard as usize
    }

    /// The state, as seen without the lock (Acquire: pairs with the driver's Release store of
    /// `FIRED`, after which the entry is the owner's alone).
    pub(crate) fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }

    /// Runs `f` on the locked fields.
    ///
    /// # Safety
    /// The caller holds the lock of the shard this entry belongs to (or owns the entry
    /// exclusively and it is not linked, e.g. in `Drop` after unlinking).
    pub(super) unsafe fn with_locked<R>(&self, f: impl FnOnce(&mut Locked) -> R) -> R {
        // SAFETY: the caller holds the shard lock, which serialises every access to `locked`.
        self.locked.with_mut(|p| f(unsafe { &mut *p }))
    }

    /// Marks the entry fired (or shut down) and returns its waker. The entry must already be
    /// unlinked.
    ///
    /// # Safety
    /// The caller holds the shard lock and has just unlinked this entry from the wheel. After
    /// this returns the caller must not touch the entry again (the owner may free it).
    pub(super) unsafe fn fire(this: NonNull<TimerShared>, state: u8) -> Option<Waker> {
        // SAFETY: the entry is live (it was linked, and owners unlink under the lock we hold
        // before freeing); the lock is held.
        unsafe {
            let entry = this.as_ref();
            let waker = entry.with_locked(|l| {
                l.position = Position::None;
                l.waker.take()
            });
            // Last access: Release publishes the writes above to the owner's Acquire load.
            entry.state.store(state, Ordering::Release);
            waker
        }
    }
}

impl std::fmt::Debug for TimerShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerShared")
            .field("state", &self.state.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// What arming an entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Armed {
    /// Linked in the wheel for the given tick.
    Pending(u64),
    /// The tick had already passed: the entry is `FIRED`.
    Elapsed,
    /// The driver is shut down: the entry is `SHUTDOWN`.
    Shutdown,
}

/// Arms (or re-arms) `entry` for tick `when`, unlinking it first if it is armed.
///
/// `waker`, when given, replaces the stored waker (a `reset` keeps the old one).
///
/// # Safety
/// `entry` is pinned and stays live until it is disarmed (`disarm`) or fired, and belongs to
/// the shard `shard`.
pub(crate) unsafe fn arm(
    shard: &Mutex<Wheel>,
    entry: NonNull<TimerShared>,
    when: u64,
    waker: Option<&Waker>,
) -> Armed {
    let mut wheel = shard.lock();
    let mut replaced = None;
    // SAFETY: the entry is live (caller) and we hold its shard's lock.
    let (armed, completed_waker) = unsafe {
        let e = entry.as_ref();
        if e.state.load(Ordering::Relaxed) == STATE_ARMED {
            wheel.remove(entry);
        }
        if let Some(w) = waker {
            replaced = e.with_locked(|l| set_waker(&mut l.waker, w));
        }
        let armed = if wheel.is_shutdown() {
            Armed::Shutdown
        } else if wheel.insert(entry, when).is_ok() {
            wheel.note_armed();
            Armed::Pending(when)
        } else {
            Armed::Elapsed
        };
        let completed_waker = match armed {
            Armed::Pending(_) => {
                e.state.store(STATE_ARMED, Ordering::Release);
                None
            }
            Armed::Elapsed | Armed::Shutdown => {
                let w = e.with_locked(|l| l.waker.take());
                let state = if armed == Armed::Shutdown {
                    STATE_SHUTDOWN
                } else {
                    STATE_FIRED
                };
                e.state.store(state, Ordering::Release);
                w
            }
        };
        (armed, completed_waker)
    };
    drop(wheel);
    // Wakers drop outside the lock: a waker's destructor may own (and drop) another timer.
    drop(replaced);
    // A reset (no waker given) that completes the timer at once must wake whoever awaits it:
    // that may be another task than the one resetting. A poll learns it from the result.
    if waker.is_none() {
        if let Some(w) = completed_waker {
            w.wake();
        }
    }
    armed
}

/// Stores `waker` for an armed entry; returns the state seen under the lock (if it is not
/// `ARMED` the entry completed meanwhile and nothing was stored).
///
/// # Safety
/// As for [`arm`].
pub(crate) unsafe fn register_waker(
    shard: &Mutex<Wheel>,
    entry: NonNull<TimerShared>,
    waker: &Waker,
) -> u8 {
    let wheel = shard.lock();
    let mut replaced = None;
    // SAFETY: live entry (caller), lock held.
    let state = unsafe {
        let e = entry.as_ref();
        let state = e.state.load(Ordering::Relaxed);
        if state == STATE_ARMED {
            replaced = e.with_locked(|l| set_waker(&mut l.waker, waker));
        }
        state
    };
    drop(wheel);
    drop(replaced);
    state
}

/// Unlinks `entry` if it is armed and leaves it `IDLE`; a no-op once it has fired.
///
/// # Safety
/// As for [`arm`]. After this returns the driver holds no reference to the entry.
pub(crate) unsafe fn disarm(shard: &Mutex<Wheel>, entry: NonNull<TimerShared>) {
    // SAFETY: live entry (caller).
    let e = unsafe { entry.as_ref() };
    if e.state() != STATE_ARMED {
        // FIRED/SHUTDOWN: the driver's last access was that store (Acquire above).
        // IDLE: never linked.
        return;
    }
    let mut wheel = shard.lock();
    let mut waker = None;
    if e.state.load(Ordering::Relaxed) == STATE_ARMED {
        // SAFETY: armed means linked in this shard's wheel; lock held.
        unsafe {
            wheel.remove(entry);
            waker = e.with_locked(|l| l.waker.take());
        }
        e.state.store(STATE_IDLE, Ordering::Release);
    }
    drop(wheel);
    // Outside the lock, as tokio: the waker's destructor may drop another timer.
    drop(waker);
}

/// Stores `waker` unless the slot's wakes the same task; returns the waker replaced, for the
/// caller to drop after releasing the shard's lock.
fn set_waker(slot: &mut Option<Waker>, waker: &Waker) -> Option<Waker> {
    match slot {
        Some(w) if w.will_wake(waker) => None,
        _ => slot.replace(waker.clone()),
    }
}
