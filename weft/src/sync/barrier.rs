//! `Barrier`: `n` tasks wait until all of them have arrived.

use crate::loom::sync::Mutex;
use crate::sync::Notify;
use std::fmt;

/// Makes `n` tasks wait for each other: the `n`th call to [`wait`](Barrier::wait) releases
/// them all, and the barrier is then ready for the next round.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Barrier;
///
/// let barrier = Arc::new(Barrier::new(3));
/// let threads: Vec<_> = (0..3)
///     .map(|_| {
///         let b = barrier.clone();
///         std::thread::spawn(move || futures::executor::block_on(b.wait()).is_leader())
///     })
///     .collect();
/// let leaders = threads.into_iter().filter(|_| true).map(|t| t.join().unwrap()).filter(|l| *l).count();
/// assert_eq!(leaders, 1);
/// ```
pub struct Barrier {
    state: Mutex<State>,
    notify: Notify,
    n: usize,
}

struct State {
    arrived: usize,
    generation: usize,
}

/// What [`Barrier::wait`] returns: whether this caller was the one that released the round.
///
/// ```
/// # futures::executor::block_on(async {
/// let barrier = weft::sync::Barrier::new(1);
/// assert!(barrier.wait().await.is_leader());
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// True for exactly one caller per round: the last to arrive.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let barrier = weft::sync::Barrier::new(1);
    /// assert!(barrier.wait().await.is_leader());
    /// # });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for `n` tasks (`0` is treated as `1`, as tokio does).
    ///
    /// ```
    /// let barrier = weft::sync::Barrier::new(4);
    /// # drop(barrier);
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
            n: n.max(1),
        }
    }

    /// Arrives at the barrier and waits for the rest of this round.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let barrier = weft::sync::Barrier::new(1);
    /// barrier.wait().await;
    /// barrier.wait().await; // a new round
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call still counts as arrived for this round.
    pub async fn wait(&self) -> BarrierWaitResult {
        let waiting = {
            let mut state = self.state.lock();
            state.arrived += 1;
            if state.arrived == self.n {
                state.arrived = 0;
                state.generation = state.generation.wrapping_add(1);
                None
            } else {
                // Created under the lock, so the leader's notify_waiters completes it.
                Some((state.generation, self.notify.notified()))
            }
        };
        let Some((generation, notified)) = waiting else {
            self.notify.notify_waiters();
            return super::cooperative(std::future::ready(BarrierWaitResult(true))).await;
        };
        let mut notified = std::pin::pin!(notified);
        loop {
            super::cooperative(notified.as_mut()).await;
            if self.state.lock().generation != generation {
                return BarrierWaitResult(false);
            }
            notified.set(self.notify.notified());
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").field("n", &self.n).finish()
    }
}
