//! The hierarchical timer wheel: 6 levels × 64 slots, 1 ms ticks.
//!
//! Level 0 has one slot per tick; a slot of level `L` covers `64^L` ticks, so the six levels
//! together cover `64^6` ms (about 2.2 years) ahead of `elapsed`. An entry goes to the lowest
//! level whose slot size separates its tick from `elapsed` (the highest bit in which the two
//! differ picks the level), which makes insert and cancel O(1): one list push or unlink and a
//! bitmap update. When time reaches a slot of a higher level its entries *cascade*: each is
//! re-inserted relative to the new `elapsed`, landing in a lower level, until it reaches level 0
//! and fires. An entry further away than the wheel covers parks in the top level and is looked
//! at again one lap (2.2 years) later.
//!
//! The wheel is a plain data structure; it is not synchronised. The time driver keeps one per
//! shard behind a mutex, and `entry` holds the protocol between that lock and the entries'
//! state words.

mod entry;
mod level;
mod timer;

pub(crate) use entry::{arm, disarm, register_waker, Armed, TimerShared};
pub(crate) use entry::{STATE_ARMED, STATE_FIRED, STATE_IDLE, STATE_SHUTDOWN};
pub(crate) use timer::TimerEntry;

use entry::EntryList;
use level::{Expiration, Level};
use std::ptr::NonNull;
use std::task::Waker;

pub(crate) const NUM_LEVELS: usize = 6;
const LEVEL_MULT: usize = 64;

/// The largest tick a deadline is clamped to: 2^42 ms, about 139 years after the driver
/// started (`sleep(Duration::MAX)` means 30 years). Entries beyond the wheel's 2^36-tick span
/// wait in the top level and are looked at once per lap, so this bounds that to 64 laps.
pub(crate) const MAX_TICK: u64 = 1 << 42;

/// Where an armed entry is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    None,
    /// In the wheel's pending list: expired, about to be fired.
    Pending,
    Slot {
        level: u8,
        slot: u8,
    },
}

/// One shard's wheel.
pub(crate) struct Wheel {
    /// Every tick up to and including this one has been processed.
    elapsed: u64,
    levels: Box<[Level]>,
    /// Expired entries taken out of a slot and not yet handed to the caller of `poll`.
    pending: EntryList,
    /// Set at driver shutdown: arming fails from then on.
    is_shutdown: bool,
    /// For the runtime metrics: timers armed ever, and armed now.
    pub(crate) armed_total: u64,
    pub(crate) armed_now: u64,
}

// SAFETY: the wheel holds raw pointers to entries whose owners are `Send + Sync` and which are
// only accessed with the wheel's lock held.
unsafe impl Send for Wheel {}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            levels: (0..NUM_LEVELS).map(Level::new).collect(),
            pending: EntryList::new(),
            is_shutdown: false,
            armed_total: 0,
            armed_now: 0,
        }
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown
    }

    pub(crate) fn set_shutdown(&mut self) {
        self.is_shutdown = true;
    }

    /// Links `entry` for tick `when`; `Err` if `when` has already been processed (the caller
    /// fires it at once).
    ///
    /// # Safety
    /// `entry` is live, pinned, belongs to this wheel's shard, and is in no list.
    pub(crate) unsafe fn insert(
        &mut self,
        entry: NonNull<TimerShared>,
        when: u64,
    ) -> Result<(), ()> {
        if when <= self.elapsed {
            return Err(());
        }
        let level = level_for(self.elapsed, when);
        // SAFETY: the caller's guarantees are `push`'s; the lock that guards `self` also guards
        // the entry's locked fields.
        unsafe {
            let position = self.levels[level].push(entry, when);
            entry.as_ref().with_locked(|l| {
                l.when = when;
                l.position = position;
            });
        }
        Ok(())
    }

    /// Counts a timer armed by its owner (not a re-cascade inside the wheel).
    pub(crate) fn note_armed(&mut self) {
        self.armed_total += 1;
        self.armed_now += 1;
    }

    /// Unlinks an armed entry.
    ///
    /// # Safety
    /// `entry` is live and linked in this wheel.
    pub(crate) unsafe fn remove(&mut self, entry: NonNull<TimerShared>) {
        // Saturating: the wheel's unit tests link entries without `note_armed`.
        self.armed_now = self.armed_now.saturating_sub(1);
        // SAFETY: live entry (caller), and its locked fields are ours with the wheel.
        let position = unsafe {
            entry
                .as_ref()
                .with_locked(|l| std::mem::replace(&mut l.position, Position::None))
        };
        match position {
            // SAFETY: the recorded position says which list holds the entry.
            Position::Pending => unsafe {
                let removed = self.pending.remove(entry);
                debug_assert!(removed.is_some());
            },
            // SAFETY: as above.
            Position::Slot { level, slot } => unsafe {
                self.levels[level as usize].remove(entry, slot as usize)
            },
            Position::None => debug_assert!(false, "removing an unlinked timer entry"),
        }
    }

    /// The tick at which the next entry expires (`elapsed` if some already have).
    pub(crate) fn next_expiration_tick(&self) -> Option<u64> {
        if !self.pending.is_empty() {
            return Some(self.elapsed);
        }
        self.next_expiration().map(|e| e.deadline)
    }

    fn next_expiration(&self) -> Option<Expiration> {
        // A lower level's next slot always comes before a higher level's: entries of level L
        // differ from `elapsed` within level L's bits, so their slot starts after every tick
        // that level L-1 can hold.
        self.levels
            .iter()
            .find_map(|level| level.next_expiration(self.elapsed))
    }

    /// Returns the next entry whose tick is at most `now`, unlinked but not yet fired (the
    /// caller fires it under the same lock), or `None` once every such entry has been returned;
    /// `elapsed` is then `now`.
    pub(crate) fn poll(&mut self, now: u64) -> Option<NonNull<TimerShared>> {
        loop {
            if let Some(entry) = self.pending.pop_front() {
                return Some(entry);
            }
            match self.next_expiration() {
                Some(exp) if exp.deadline <= now => self.process_expiration(exp),
                _ => {
                    if now > self.elapsed {
                        self.elapsed = now;
                    }
                    return None;
                }
            }
        }
    }

    /// Unlinks every entry, in deadline order where it is cheap to keep (pending, then level
    /// by level): for shutdown, which must not walk time lap by lap.
    pub(crate) fn pop_any(&mut self) -> Option<NonNull<TimerShared>> {
        if let Some(entry) = self.pending.pop_front() {
            return Some(entry);
        }
        let level = self.levels.iter_mut().find(|l| l.is_occupied())?;
        level.pop_any()
    }

    /// Moves time to the start of the expiring slot and sorts its entries: expired ones into
    /// `pending`, the others one or more levels down.
    fn process_expiration(&mut self, exp: Expiration) {
        debug_assert!(exp.deadline >= self.elapsed);
        self.elapsed = exp.deadline;
        let mut list = self.levels[exp.level].take_slot(exp.slot);
        while let Some(entry) = list.pop_front() {
            // SAFETY: the entry was linked in this wheel, so it is live; its locked fields are
            // guarded by the lock that guards `self`.
            unsafe {
                let when = entry.as_ref().with_locked(|l| l.when);
                if self.insert(entry, when).is_err() {
                    entry
                        .as_ref()
                        .with_locked(|l| l.position = Position::Pending);
                    self.pending.push_back(entry);
                }
            }
        }
    }
}

impl std::fmt::Debug for Wheel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("levels", &self.levels)
            .field("is_shutdown", &self.is_shutdown)
            .finish()
    }
}

/// The level for a tick `when > elapsed`: where the highest differing bit lies.
fn level_for(elapsed: u64, when: u64) -> usize {
    // `| 63` keeps a difference within the lowest six bits at level 0.
    let significant = 63 - ((elapsed ^ when) | 63).leading_zeros() as usize;
    (significant / 6).min(NUM_LEVELS - 1)
}

/// Fires every entry of `shard` due at or before `now` with `state` (`FIRED`, or `SHUTDOWN`),
/// handing their wakers to `wake` in batches of `batch.capacity()` with the lock released, in
/// deadline order.
pub(crate) fn fire_expired(
    shard: &crate::loom::sync::Mutex<Wheel>,
    now: u64,
    state: u8,
    batch: &mut Vec<Waker>,
) {
    const BATCH: usize = 32;
    let mut wheel = shard.lock();
    let shutdown = state == STATE_SHUTDOWN;
    if shutdown {
        wheel.set_shutdown();
    }
    while let Some(entry) = if shutdown {
        wheel.pop_any()
    } else {
        wheel.poll(now)
    } {
        wheel.armed_now = wheel.armed_now.saturating_sub(1);
        // SAFETY: `poll` unlinked a live entry of this shard, and we hold its lock; we do not
        // touch the entry after `fire`.
        if let Some(waker) = unsafe { TimerShared::fire(entry, state) } {
            batch.push(waker);
            if batch.len() >= BATCH {
                // Wake outside the lock: wakers run scheduler code that may itself arm timers.
                drop(wheel);
                batch.drain(..).for_each(Waker::wake);
                wheel = shard.lock();
            }
        }
    }
    drop(wheel);
    batch.drain(..).for_each(Waker::wake);
}

#[cfg(all(test, weft_loom))]
mod loom_tests;
#[cfg(test)]
mod tests;
