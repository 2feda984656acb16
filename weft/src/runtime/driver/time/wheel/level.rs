//! One level of the wheel: 64 slots, each a list of entries, and a bitmap of non-empty slots.

use super::entry::EntryList;
use super::{Position, LEVEL_MULT};
use std::ptr::NonNull;

use super::entry::TimerShared;

/// A level `L` slot spans `64^L` ticks; the whole level spans `64^(L+1)`.
pub(super) struct Level {
    level: usize,
    /// Bit `s` set iff `slots[s]` is non-empty, so the next occupied slot is one `trailing_zeros`.
    occupied: u64,
    slots: [EntryList; LEVEL_MULT],
}

/// The next slot of a level that holds entries, and the tick at which it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Expiration {
    pub(super) level: usize,
    pub(super) slot: usize,
    pub(super) deadline: u64,
}

pub(super) const fn slot_range(level: usize) -> u64 {
    (LEVEL_MULT as u64).pow(level as u32)
}

pub(super) const fn level_range(level: usize) -> u64 {
    (LEVEL_MULT as u64).pow(level as u32 + 1)
}

pub(super) fn slot_for(tick: u64, level: usize) -> usize {
    ((tick >> (level * 6)) % LEVEL_MULT as u64) as usize
}

impl Level {
    pub(super) fn new(level: usize) -> Level {
        Level {
            level,
            occupied: 0,
            slots: std::array::from_fn(|_| EntryList::new()),
        }
    }

    /// The first occupied slot at or after `now`'s slot (wrapping), as an absolute tick.
    pub(super) fn next_expiration(&self, now: u64) -> Option<Expiration> {
        if self.occupied == 0 {
            return None;
        }
        // The search starts after `now`'s own slot, which comes last: below the top level it is
        // always empty (an entry there would differ from `elapsed` only in lower bits, so it
        // would sit lower), and at the top level it only holds entries a whole lap or more
        // away. Starting at `now`'s slot instead would put such a parked entry ahead of every
        // entry due later in this lap.
        let now_slot = slot_for(now, self.level);
        let start = (now_slot + 1) % LEVEL_MULT;
        let slot = (self.occupied.rotate_right(start as u32).trailing_zeros() as usize + start)
            % LEVEL_MULT;
        let level_range = level_range(self.level);
        let level_start = now & !(level_range - 1);
        let mut deadline = level_start + slot as u64 * slot_range(self.level);
        if deadline <= now {
            // Only the top level can hold a slot "behind" `now`: entries further away than the
            // whole wheel are parked there and looked at again one lap later.
            debug_assert_eq!(self.level, super::NUM_LEVELS - 1);
            deadline += level_range;
        }
        Some(Expiration {
            level: self.level,
            slot,
            deadline,
        })
    }

    /// Links `entry` into the slot of `when`.
    ///
    /// # Safety
    /// `entry` is live, pinned, and in no list.
    pub(super) unsafe fn push(&mut self, entry: NonNull<TimerShared>, when: u64) -> Position {
        let slot = slot_for(when, self.level);
        self.slots[slot].push_back(entry);
        self.occupied |= 1 << slot;
        Position::Slot {
            level: self.level as u8,
            slot: slot as u8,
        }
    }

    /// Unlinks `entry` from `slot`.
    ///
    /// # Safety
    /// `entry` is live and linked in `slot` of this level.
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerShared>, slot: usize) {
        // SAFETY: the caller guarantees the entry is live and linked in this slot.
        let removed = unsafe { self.slots[slot].remove(entry) };
        debug_assert!(
            removed.is_some(),
            "timer entry was not in its recorded slot"
        );
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
        }
    }

    pub(super) fn is_occupied(&self) -> bool {
        self.occupied != 0
    }

    /// Unlinks some entry (the first of the lowest occupied slot).
    pub(super) fn pop_any(&mut self) -> Option<NonNull<TimerShared>> {
        if self.occupied == 0 {
            return None;
        }
        let slot = self.occupied.trailing_zeros() as usize;
        let entry = self.slots[slot].pop_front();
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
        }
        entry
    }

    /// Empties a slot, handing back its whole list.
    pub(super) fn take_slot(&mut self, slot: usize) -> EntryList {
        self.occupied &= !(1 << slot);
        std::mem::take(&mut self.slots[slot])
    }
}

impl std::fmt::Debug for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Level")
            .field("level", &self.level)
            .field("occupied", &format_args!("{:#066b}", self.occupied))
            .finish()
    }
}
