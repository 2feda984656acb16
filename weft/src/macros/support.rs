//! Items used by the expansions of `select!`, `join!` and `try_join!`. Not public API.

pub use super::maybe_done::{maybe_done, MaybeDone};
pub use core::future::{poll_fn, Future, IntoFuture};
pub use core::option::Option;
pub use core::pin::{pin, Pin};
pub use core::result::Result;
pub use core::task::{ready, Context, Poll};
pub use weft_macros::select_priv_clean_pattern as clean_pattern;

/// Where `select!` starts polling this time: 0 when `biased;`, else a random branch, so that
/// no branch is starved by the ones written before it.
#[inline]
pub fn select_start(biased: bool, branches: u32) -> u32 {
    if biased {
        0
    } else {
        crate::util::rand::thread_rng_n(branches)
    }
}

/// `Pending` (after waking the task) when the task's cooperative budget is spent.
///
/// `select!` checks this before polling its branches: budget-aware branches would all return
/// `Pending` anyway, and a branch that ignores the budget must not keep the task running past
/// it.
#[inline]
pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    if crate::runtime::coop::has_budget_remaining() {
        Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Which future `join!` / `try_join!` polls first on each poll.
///
/// Unbiased, the start moves by one on every poll so that every future gets to go first in
/// turn, even if the ones before it spend the whole cooperative budget. Biased, it is always
/// the first future.
#[derive(Debug)]
pub struct Rotator {
    next: u32,
    count: u32,
    biased: bool,
}

impl Rotator {
    /// A rotator over `count` futures.
    #[inline]
    pub fn new(count: u32, biased: bool) -> Rotator {
        Rotator {
            next: 0,
            count,
            biased,
        }
    }

    /// The index of the future to poll first this time.
    #[inline]
    pub fn start(&mut self) -> u32 {
        if self.biased {
            return 0;
        }
        let start = self.next;
        self.next += 1;
        if self.next == self.count {
            self.next = 0;
        }
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotator_cycles_unless_biased() {
        let mut r = Rotator::new(3, false);
        let starts: Vec<u32> = (0..7).map(|_| r.start()).collect();
        assert_eq!(starts, [0, 1, 2, 0, 1, 2, 0]);
        let mut b = Rotator::new(3, true);
        assert!((0..5).all(|_| b.start() == 0));
    }

    #[test]
    fn select_start_in_range() {
        assert_eq!(select_start(true, 5), 0);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            seen[select_start(false, 4) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
