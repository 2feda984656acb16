//! What a runtime does when a spawned task panics.

/// What a runtime (or a `LocalSet`) does when one of its spawned tasks panics; see
/// [`Builder::unhandled_panic`](super::Builder::unhandled_panic).
///
/// ```
/// use weft::runtime::{Builder, UnhandledPanic};
///
/// let rt = Builder::new_current_thread()
///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
///     .build()
///     .unwrap();
/// # drop(rt);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnhandledPanic {
    /// The panic is caught and stored in the task's `JoinHandle`; the runtime goes on (the
    /// default).
    #[default]
    Ignore,
    /// The runtime shuts down: every task is cancelled and the `block_on` in progress panics
    /// (current-thread runtime and `LocalSet`; the multi-thread runtime ignores it, as tokio).
    ShutdownRuntime,
}

/// The panic message of a `block_on` whose runtime shut down because a task panicked.
pub(crate) const RUNTIME_SHUT_DOWN_ON_PANIC: &str =
    "a spawned task panicked and the runtime is configured to shut down on unhandled panic";
