//! The simulated network: in-memory TCP and UDP between simulated hosts.

use crate::sim::world::Inner;
use crate::sim::Config;
use std::task::Waker;

#[derive(Debug)]
pub(crate) struct Net {}

impl Net {
    pub(crate) fn new(_config: &Config) -> Net {
        Net {}
    }
}

impl Inner {
    /// A host crashed: its sockets are gone.
    pub(crate) fn net_crash(&mut self, _host: u32) -> Vec<Waker> {
        Vec::new()
    }

    /// A partition was repaired: what it held back moves on.
    pub(crate) fn net_repair(&mut self, _link: (u32, u32)) -> Vec<Waker> {
        Vec::new()
    }
}

/// Starts the network's delivery task on the simulation's runtime.
pub(crate) fn start(_world: &std::sync::Arc<crate::sim::world::World>) {}
