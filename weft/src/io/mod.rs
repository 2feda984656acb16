//! Asynchronous I/O traits, utilities and the reactor.

mod interest;
pub use interest::Interest;
mod ready;
pub use ready::Ready;
pub(crate) mod reactor;
