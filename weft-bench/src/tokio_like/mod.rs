//! The tokio-style workloads, written once as macro bodies and instantiated for `tokio` and
//! `weft` (whose public paths are the same). One macro per weft API area, so an area can be
//! switched on for weft on its own.

#[macro_use]
mod rt_core;
#[macro_use]
mod sync;
#[macro_use]
mod time;
#[macro_use]
mod net;
#[macro_use]
mod fs;
