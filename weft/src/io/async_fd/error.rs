//! The errors of [`AsyncFd`](super::AsyncFd): [`TryIoError`] and [`AsyncFdRegisterError`].

use std::error::Error;
use std::fmt;
use std::io;

/// The operation passed to a guard's `try_io` returned `WouldBlock`; the readiness was
/// cleared, so wait again.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
/// let fd = unsafe { AsyncFd::register(a) }?;
/// let mut guard = fd.writable().await?;
/// let res: Result<std::io::Result<()>, weft::io::unix::TryIoError> =
///     guard.try_io(|_| Err(std::io::ErrorKind::WouldBlock.into()));
/// assert!(res.is_err());
/// # Ok(()) }
/// ```
pub struct TryIoError(pub(super) ());

/// [`AsyncFd::register`](super::AsyncFd::register) failed: the error and the value it was
/// given.
///
/// ```
/// fn parts<T>(e: weft::io::unix::AsyncFdRegisterError<T>) -> (T, std::io::Error) {
///     e.into_parts()
/// }
/// ```
pub struct AsyncFdRegisterError<T> {
    pub(super) inner: T,
    pub(super) cause: io::Error,
}

impl fmt::Debug for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TryIoError(WouldBlock)")
    }
}

impl<T> AsyncFdRegisterError<T> {
    /// The value that could not be registered, and why.
    ///
    /// ```
    /// fn parts<T>(e: weft::io::unix::AsyncFdRegisterError<T>) -> (T, std::io::Error) {
    ///     e.into_parts()
    /// }
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not register the file descriptor with the reactor: {}",
            self.cause
        )
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdRegisterError")
            .field("cause", &self.cause)
            .finish()
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(e: AsyncFdRegisterError<T>) -> io::Error {
        e.cause
    }
}
