//! weft: an async runtime for Rust.
//!
//! weft runs futures as tasks on a few threads with work stealing (the **executor**) and waits
//! on the kernel's event queue and a timer wheel (the **reactor**), waking exactly the tasks that
//! can make progress. Its public API follows tokio 1.x: a tokio program ports by renaming the
//! crate.
//!
//! ```
//! #[weft::main]
//! async fn main() {
//!     let handle = weft::spawn(async { 6 * 7 });
//!     assert_eq!(handle.await.unwrap(), 42);
//! }
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, rust_2018_idioms)]

#[allow(unsafe_code)]
mod loom;
#[macro_use]
#[doc(hidden)]
pub mod macros;
mod util;

pub mod fs;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod io;
pub mod net;
pub mod process;
pub mod runtime;
pub mod signal;
#[cfg(feature = "sim")]
pub mod sim;
pub mod sync;
pub mod task;
pub mod time;

pub use task::spawn;
pub use weft_macros::{main, test};

/// What the `tokio` compatibility crate (`compat/tokio`) re-exports: `#[tokio::main]` and
/// `#[tokio::test]`, whose generated code names `::tokio`. Not part of weft's API.
#[doc(hidden)]
pub mod __compat {
    pub use weft_macros::{tokio_main as main, tokio_test as test};
}
