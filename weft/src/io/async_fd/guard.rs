//! The readiness guards of [`AsyncFd`]: what `readable`/`writable`/`ready` hand out, to try
//! an operation and clear the readiness it did not find.

use super::{AsyncFd, TryIoError};
use crate::io::Ready;
use crate::runtime::driver::io::ReadyEvent;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;

/// A readiness event for an [`AsyncFd`], from `readable`/`writable`/`ready`.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
/// let fd = unsafe { AsyncFd::register(a) }?;
/// let guard = fd.writable().await?;
/// assert!(guard.ready().is_writable());
/// # Ok(()) }
/// ```
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    pub(super) async_fd: &'a AsyncFd<T>,
    pub(super) event: Option<ReadyEvent>,
}

/// The `&mut` form of [`AsyncFdReadyGuard`], from `readable_mut`/`writable_mut`/`ready_mut`.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
/// let mut fd = unsafe { AsyncFd::register(a) }?;
/// let mut guard = fd.writable_mut().await?;
/// let n = guard.try_io(|fd| std::io::Write::write(fd.get_mut(), b"x"));
/// assert_eq!(n.unwrap()?, 1);
/// # Ok(()) }
/// ```
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    pub(super) async_fd: &'a mut AsyncFd<T>,
    pub(super) event: Option<ReadyEvent>,
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Forgets the readiness this guard carries: call it after the operation returned
    /// `WouldBlock`, so the next wait blocks until a new event. Clearing while the descriptor
    /// is still ready can make the next wait hang (edge-triggered reactor).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.writable().await?;
    /// guard.clear_ready();
    /// # Ok(()) }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Clears only the part of the readiness in `ready` (e.g. `Ready::READABLE` after a read
    /// hit `WouldBlock` while writing is still possible).
    ///
    /// ```
    /// use weft::io::{Interest, Ready};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.ready(Interest::WRITABLE).await?;
    /// guard.clear_ready_matching(Ready::READABLE);
    /// assert!(guard.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(mut event) = self.event.take() {
            let cleared = ReadyEvent {
                ready: event.ready & ready,
                ..event
            };
            self.async_fd.registration.clear_readiness(cleared);
            event.ready = event.ready - ready;
            if !event.ready.is_empty() {
                self.event = Some(event);
            }
        }
    }

    /// Keeps the readiness (does nothing; dropping the guard keeps it too).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// fd.writable().await?.retain_ready();
    /// # Ok(()) }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard carries (empty once cleared).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// assert!(fd.writable().await?.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs `f`; if it returns `WouldBlock`, clears the readiness and returns
    /// `Err(TryIoError)` so the caller waits again; otherwise returns `Ok(result)`.
    ///
    /// ```
    /// use std::io::Write;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.writable().await?;
    /// let n = guard.try_io(|fd| fd.get_ref().write(b"hi")).expect("writable")?;
    /// assert_eq!(n, 2);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            res => Ok(res),
        }
    }

    /// The `AsyncFd` this guard is for.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let guard = fd.writable().await?;
    /// assert!(std::ptr::eq(guard.get_ref(), &fd));
    /// # Ok(()) }
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The value inside the `AsyncFd`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let guard = fd.writable().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # Ok(()) }
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    /// See [`AsyncFdReadyGuard::clear_ready`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// fd.writable_mut().await?.clear_ready();
    /// # Ok(()) }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// See [`AsyncFdReadyGuard::clear_ready_matching`].
    ///
    /// ```
    /// use weft::io::Ready;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// fd.writable_mut().await?.clear_ready_matching(Ready::WRITABLE);
    /// # Ok(()) }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(mut event) = self.event.take() {
            let cleared = ReadyEvent {
                ready: event.ready & ready,
                ..event
            };
            self.async_fd.registration.clear_readiness(cleared);
            event.ready = event.ready - ready;
            if !event.ready.is_empty() {
                self.event = Some(event);
            }
        }
    }

    /// Keeps the readiness (does nothing).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// fd.writable_mut().await?.retain_ready();
    /// # Ok(()) }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard carries.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// assert!(fd.writable_mut().await?.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs `f` with the `AsyncFd`; on `WouldBlock` clears readiness and returns
    /// `Err(TryIoError)`.
    ///
    /// ```
    /// use std::io::Write;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.writable_mut().await?;
    /// assert_eq!(guard.try_io(|fd| fd.get_mut().write(b"x")).unwrap()?, 1);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            res => Ok(res),
        }
    }

    /// The `AsyncFd` this guard is for.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_ref().get_ref().peer_addr().is_ok());
    /// # Ok(()) }
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard is for, mutably.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.writable_mut().await?;
    /// let _inner = guard.get_mut().get_mut();
    /// # Ok(()) }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The value inside the `AsyncFd` this guard is for.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # Ok(()) }
    /// ```
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The value inside the `AsyncFd` this guard is for, mutably.
    ///
    /// ```
    /// use std::io::Write;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// let mut guard = fd.writable_mut().await?;
    /// assert_eq!(guard.get_inner_mut().write(b"x")?, 1);
    /// # Ok(()) }
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("async_fd", self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("async_fd", &self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}
