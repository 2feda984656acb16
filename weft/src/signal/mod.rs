//! Asynchronous signal handling.
//!
//! [`ctrl_c`] waits for `SIGINT`; [`unix::signal`] listens for any catchable Unix signal.
//!
//! How it works: the first listener for a signal installs a process-wide handler (it stays
//! installed for the life of the process, as in tokio). The handler only marks the signal
//! pending and writes a byte into a self-pipe; every [`unix::Signal`] watches that pipe
//! through the reactor of the runtime it was created in, so listeners on any scheduler and
//! in any number of runtimes all see every signal. Deliveries that arrive before a listener
//! polls are coalesced into one notification, never lost.
//!
//! ```no_run
//! # #[weft::main] async fn main() -> std::io::Result<()> {
//! weft::signal::ctrl_c().await?;
//! println!("interrupted");
//! # Ok(()) }
//! ```

mod registry;
#[allow(unsafe_code)]
mod sys;
pub mod unix;

use std::io;

/// Completes when the process receives a "ctrl-c" (`SIGINT`).
///
/// The listener is registered when the future is first polled; the future completes on the
/// first `SIGINT` after that. From then on the process no longer terminates on `SIGINT`:
/// the default action is replaced for the life of the process, even after the future is
/// dropped (as in tokio).
///
/// # Errors
/// If the signal handler cannot be installed.
///
/// # Panics
/// When polled outside a weft runtime with I/O enabled.
///
/// # Cancel safety
/// Cancel safe in the sense that dropping the future loses nothing that was promised: a
/// `SIGINT` that arrives while no `ctrl_c` future is alive is not reported to a later one.
/// To never miss one, keep a [`unix::Signal`] for `SignalKind::interrupt()` alive instead.
///
/// ```no_run
/// # #[weft::main] async fn main() {
/// weft::spawn(async {
///     weft::signal::ctrl_c().await.expect("listening for ctrl-c");
///     println!("shutting down");
/// });
/// # }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    unix::signal(unix::SignalKind::interrupt())?.recv().await;
    Ok(())
}
