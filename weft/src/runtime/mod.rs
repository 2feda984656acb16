//! The runtime: its builder, its handle, the schedulers and the driver they park on.

#[allow(dead_code)]
pub(crate) mod coop;
#[allow(dead_code)]
pub(crate) mod driver;
#[allow(dead_code)]
pub(crate) mod park;
