//! tokio, reachable under weft's name, so that weft's example servers compile unchanged
//! against tokio for a like-for-like benchmark (`weft-bench/servers.sh`).
//!
//! weft mirrors tokio's API, so re-exporting tokio covers everything the examples use except
//! `weft::hyper`, which has no tokio counterpart; hyper-util's tokio adapters play its part.

pub use tokio::*;

/// hyper on tokio: hyper-util's adapters under the names of `weft::hyper`'s.
#[cfg(feature = "hyper")]
pub mod hyper {
    pub use hyper_util::rt::{
        TokioExecutor as WeftExecutor, TokioIo as WeftIo, TokioTimer as WeftTimer,
    };
}
