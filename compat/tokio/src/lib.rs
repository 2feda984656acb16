//! weft under tokio's name.
//!
//! Patch this crate in for `tokio` (`[patch.crates-io] tokio = { path = ".../compat/tokio" }`)
//! and every crate in the dependency tree that uses tokio runs on weft. Paths are weft's
//! (`tokio::spawn` is `weft::spawn`, `tokio::net::TcpStream` is `weft::net::TcpStream`, …);
//! `#[tokio::main]` and `#[tokio::test]` are weft's attributes with `::tokio` as the default
//! crate path, and the declarative macros (`select!`, `join!`, `try_join!`, `pin!`,
//! `task_local!`) reach weft through `$crate`, so they need no `use` in the caller.
//!
//! ```
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     let task = tokio::spawn(async { 6 * 7 });
//!     assert_eq!(task.await.unwrap(), 42);
//! }
//! ```
pub use weft::*;

// Shadow the glob's `main`/`test` (which name `::weft`) with the ones that name `::tokio`: a
// user of this crate has no `weft` in scope.
pub use weft::__compat::{main, test};
