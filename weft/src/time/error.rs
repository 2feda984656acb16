//! Time error types.

use std::error;
use std::fmt;
use std::io;

/// Errors encountered by the timer implementation.
///
/// Returned by timer operations that can fail because the timer subsystem itself failed
/// (mirrors tokio's `time::error::Error`; weft's `Sleep` reports a shutdown runtime by
/// panicking, as tokio's does).
///
/// ```
/// use weft::time::error::Error;
///
/// let e = Error::shutdown();
/// assert!(e.is_shutdown());
/// assert!(!e.is_at_capacity());
/// println!("{e}");
/// ```
#[derive(Debug, Copy, Clone, PartialEq, Eq)]
pub struct Error(Kind);

#[derive(Debug, Clone, Copy, Eq, PartialEq)]
#[repr(u8)]
enum Kind {
    Shutdown = 1,
    AtCapacity = 2,
    Invalid = 3,
}

impl Error {
    /// An error representing a shutdown timer.
    ///
    /// ```
    /// let err = weft::time::error::Error::shutdown();
    /// assert!(err.is_shutdown());
    /// ```
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Returns `true` if the error was caused by the timer being shutdown.
    ///
    /// ```
    /// assert!(weft::time::error::Error::shutdown().is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        matches!(self.0, Kind::Shutdown)
    }

    /// An error representing a timer at capacity.
    ///
    /// ```
    /// let err = weft::time::error::Error::at_capacity();
    /// assert!(err.is_at_capacity());
    /// ```
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Returns `true` if the error was caused by the timer being at capacity.
    ///
    /// ```
    /// assert!(weft::time::error::Error::at_capacity().is_at_capacity());
    /// ```
    pub fn is_at_capacity(&self) -> bool {
        matches!(self.0, Kind::AtCapacity)
    }

    /// An error representing a misconfigured timer.
    ///
    /// ```
    /// let err = weft::time::error::Error::invalid();
    /// assert!(err.is_invalid());
    /// ```
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Returns `true` if the error was caused by the timer being misconfigured.
    ///
    /// ```
    /// assert!(weft::time::error::Error::invalid().is_invalid());
    /// ```
    pub fn is_invalid(&self) -> bool {
        matches!(self.0, Kind::Invalid)
    }
}

impl error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        let descr = match self.0 {
            Kind::Shutdown => {
                "the timer is shutdown, must be called from the context of a weft runtime"
            }
            Kind::AtCapacity => "timer is at capacity and cannot create a new entry",
            Kind::Invalid => "timer duration exceeds maximum duration",
        };
        write!(fmt, "{descr}")
    }
}

/// Errors returned by [`Timeout`](crate::time::Timeout): the deadline passed before the
/// future completed.
///
/// ```
/// use weft::time::{timeout, Duration};
///
/// # weft::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let err = timeout(Duration::from_millis(1), std::future::pending::<()>())
///     .await
///     .unwrap_err();
/// assert_eq!(err.to_string(), "deadline has elapsed");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// # });
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Self {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        "deadline has elapsed".fmt(fmt)
    }
}

impl error::Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(_err: Elapsed) -> io::Error {
        io::ErrorKind::TimedOut.into()
    }
}
