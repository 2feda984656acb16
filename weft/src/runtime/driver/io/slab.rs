//! Storage for readiness slots: pages that double in size, allocated on first use and never
//! moved or freed while the reactor lives, so the driver can find a slot from its token
//! without a lock. Released slots go on a free list and are reused at the next generation.

use super::scheduled_io::{ScheduledIo, GEN_MASK, GEN_SHIFT};
use crate::loom::sync::Mutex;
use std::sync::OnceLock;

/// Slots in the first page; page `p` holds `FIRST_PAGE << p`.
const FIRST_PAGE: usize = 32;
/// 19 pages hold 32 * (2^19 - 1) slots, just under the 2^24 a token's index field holds.
const NUM_PAGES: usize = 19;
pub(crate) const INDEX_BITS: usize = GEN_SHIFT;
pub(crate) const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// The waker's token: its generation field has a bit no slot generation uses.
pub(crate) const WAKER_TOKEN: usize = 1 << 31;
const _: () = assert!(WAKER_TOKEN & GEN_MASK == 0);

/// `(page, offset)` of a slot index.
fn locate(index: usize) -> (usize, usize) {
    let biased = index + FIRST_PAGE;
    let page =
        (usize::BITS - 1 - biased.leading_zeros()) as usize - FIRST_PAGE.trailing_zeros() as usize;
    (page, biased - (FIRST_PAGE << page))
}

pub(crate) fn token(index: usize, generation: usize) -> mio::Token {
    mio::Token(index | (generation << GEN_SHIFT))
}

/// `(index, generation)` of a slot token.
pub(crate) fn decode(token: mio::Token) -> (usize, usize) {
    (token.0 & INDEX_MASK, (token.0 & GEN_MASK) >> GEN_SHIFT)
}

#[derive(Debug)]
pub(crate) struct Slab {
    pages: Box<[OnceLock<Box<[ScheduledIo]>>]>,
    alloc: Mutex<Alloc>,
}

#[derive(Debug, Default)]
struct Alloc {
    /// Slots `0..next` have been handed out at least once.
    next: usize,
    free: Vec<usize>,
    /// Once set, `allocate` refuses: the driver is gone.
    closed: bool,
    live: usize,
}

impl Slab {
    pub(crate) fn new() -> Slab {
        Slab {
            pages: (0..NUM_PAGES).map(|_| OnceLock::new()).collect(),
            alloc: Mutex::new(Alloc::default()),
        }
    }

    pub(crate) fn get(&self, index: usize) -> Option<&ScheduledIo> {
        let (page, offset) = locate(index);
        self.pages.get(page)?.get()?.get(offset)
    }

    /// Hands out a free slot: `(index, generation)`. `None` if the slab is closed; an error
    /// if all 16M slots are in use.
    pub(crate) fn allocate(&self) -> std::io::Result<Option<(usize, usize)>> {
        let mut alloc = self.alloc.lock();
        if alloc.closed {
            return Ok(None);
        }
        let index = match alloc.free.pop() {
            Some(index) => index,
            None => {
                let index = alloc.next;
                let (page, _) = locate(index);
                if page >= NUM_PAGES {
                    return Err(std::io::Error::other(
                        "the reactor has no free registration slots (16 million in use)",
                    ));
                }
                self.pages[page].get_or_init(|| {
                    (0..FIRST_PAGE << page)
                        .map(|_| ScheduledIo::default())
                        .collect()
                });
                alloc.next += 1;
                index
            }
        };
        alloc.live += 1;
        let slot = self.get(index).expect("allocated slot exists");
        Ok(Some((index, slot.generation())))
    }

    /// Returns a slot to the free list at its next generation.
    pub(crate) fn release(&self, index: usize) {
        if let Some(slot) = self.get(index) {
            slot.release();
            let mut alloc = self.alloc.lock();
            alloc.live -= 1;
            alloc.free.push(index);
        }
    }

    /// Refuses new registrations and marks every slot shut down, waking all its waiters.
    pub(crate) fn shutdown(&self) {
        let next = {
            let mut alloc = self.alloc.lock();
            alloc.closed = true;
            alloc.next
        };
        for index in 0..next {
            if let Some(slot) = self.get(index) {
                slot.shutdown();
            }
        }
    }

    /// Registrations alive right now.
    #[cfg(test)]
    pub(crate) fn live(&self) -> usize {
        self.alloc.lock().live
    }
}

#[cfg(all(test, not(weft_loom)))]
mod tests {
    use super::*;
    use crate::io::Ready;

    #[test]
    fn locate_covers_pages_contiguously() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(31), (0, 31));
        assert_eq!(locate(32), (1, 0));
        assert_eq!(locate(95), (1, 63));
        assert_eq!(locate(96), (2, 0));
        let last = FIRST_PAGE * ((1 << NUM_PAGES) - 1) - 1;
        assert_eq!(
            locate(last),
            (NUM_PAGES - 1, (FIRST_PAGE << (NUM_PAGES - 1)) - 1)
        );
        assert!(last <= INDEX_MASK);
    }

    #[test]
    fn token_round_trip() {
        let t = token(12345, 77);
        assert_eq!(decode(t), (12345, 77));
        assert_ne!(t.0, WAKER_TOKEN);
    }

    #[test]
    fn reuse_bumps_generation_and_stale_events_are_ignored() {
        let slab = Slab::new();
        let (a, gen_a) = slab.allocate().unwrap().unwrap();
        let (b, _) = slab.allocate().unwrap().unwrap();
        assert_ne!(a, b);
        slab.release(a);
        let (c, gen_c) = slab.allocate().unwrap().unwrap();
        assert_eq!(c, a);
        assert_eq!(gen_c, gen_a + 1);
        let slot = slab.get(c).unwrap();
        assert!(!slot.set_readiness(gen_a, 1, Ready::READABLE));
        assert!(slot.ready_event(Ready::ALL).ready.is_empty());
        assert_eq!(slab.live(), 2);
        // Grow across a page boundary.
        let more: Vec<_> = (0..100)
            .map(|_| slab.allocate().unwrap().unwrap().0)
            .collect();
        assert!(more.iter().all(|&i| slab.get(i).is_some()));
        slab.shutdown();
        assert!(slab.allocate().unwrap().is_none());
        assert!(slab.get(b).unwrap().ready_event(Ready::ALL).is_shutdown);
    }
}
