//! Multi-producer, single-consumer channels, bounded and unbounded.
//!
//! [`channel`] makes a bounded channel: `send` waits while `bound` messages are buffered
//! (back-pressure), in FIFO order among waiting senders. [`unbounded_channel`] never waits.
//! The receiver gets every message exactly once, in the order each sender sent them; `recv`
//! returns `None` only once every sender is gone (or the receiver closed) and the buffer is
//! drained.
//!
//! ```
//! use weft::sync::mpsc;
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = mpsc::channel(16);
//! for i in 0..3 {
//!     let tx = tx.clone();
//!     std::thread::spawn(move || tx.blocking_send(i).unwrap());
//! }
//! drop(tx);
//! let mut got = vec![];
//! while let Some(v) = rx.recv().await {
//!     got.push(v);
//! }
//! got.sort();
//! assert_eq!(got, [0, 1, 2]);
//! # });
//! ```
//!
//! `Sender::send_timeout` is not provided yet (it waits for `weft::time`).

mod bounded;
#[allow(unsafe_code)]
mod chan;
pub mod error;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
