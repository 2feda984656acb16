//! The multi-thread scheduler: work stealing across a fixed set of workers.
//!
//! Each worker has a bounded local ring queue ([`queue`]) and a LIFO slot for the task just
//! woken by the running one; remote spawns and overflow go to one injection queue, checked
//! every `global_queue_interval` polls. Idle workers steal half of a busy worker's queue; at
//! most half of them search at once ([`idle`]). A worker with nothing to do parks at once (no
//! spinning: measured slower on two cores) on the driver if no other worker holds it, else on
//! its own condvar ([`park`]).

mod idle;
pub(crate) mod lifo;
#[cfg(all(test, weft_loom))]
mod loom_tests;
mod park;
pub(crate) mod queue;
mod worker;

pub(crate) use worker::{block_in_place, Context, Handle, MultiThread};
