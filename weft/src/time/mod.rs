//! Utilities for tracking time: sleeps, timeouts and intervals.
//!
//! - [`sleep`] / [`sleep_until`]: a future that completes at a point in time.
//! - [`timeout`] / [`timeout_at`]: runs a future with a deadline.
//! - [`interval`] / [`interval_at`]: ticks repeatedly at a fixed period.
//! - [`Instant`]: the clock these use, which follows paused time ([`pause`], [`resume`],
//!   [`advance`], `Builder::start_paused`) so that tests of time-dependent code run instantly
//!   and deterministically.
//!
//! Timers need a runtime built with `Builder::enable_time` (or `enable_all`; `#[weft::main]`
//! and `#[weft::test]` do that). Their resolution is one millisecond: a deadline is rounded
//! **up** to the next millisecond and a timer never fires before its deadline. Unlike tokio,
//! the driver adds no extra millisecond on top (tokio counts its park timeout from the
//! truncated current millisecond, so its timers may fire up to 1 ms after the rounded
//! deadline); see [`sleep_until`] for the one remaining source of lateness, the kernel wait's
//! millisecond granularity when I/O is enabled.
//!
//! # Implementation
//!
//! A hierarchical timer wheel (6 levels × 64 slots of 1 ms ticks), with the wheel node stored
//! inside each [`Sleep`] (no allocation per timer; arming and cancelling are O(1)). Each thread
//! arms timers in its own shard of wheels so that workers do not contend on one lock; the
//! worker that parks on the driver sleeps until the earliest deadline over all shards and
//! then wakes every expired timer's task in batches.
//!
//! ```
//! use weft::time::{sleep, timeout, Duration};
//!
//! # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! sleep(Duration::from_millis(10)).await;
//! let res = timeout(Duration::from_millis(10), std::future::pending::<()>()).await;
//! assert!(res.is_err());
//! # });
//! ```

pub(crate) mod clock;
pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;

pub use clock::{advance, pause, resume};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};
