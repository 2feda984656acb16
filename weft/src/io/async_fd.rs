//! [`AsyncFd`]: readiness-based async I/O on any file descriptor.

use crate::io::{Interest, Ready};
use crate::runtime::driver::io::{ReadyEvent, Registration};
use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{ready, Context, Poll};

/// Associates a file descriptor (anything `AsRawFd`: a socket, a pipe, an eventfd, a
/// timerfd…) with the runtime's reactor, so tasks can wait until it is readable or
/// writable. The descriptor must be in non-blocking mode; `AsyncFd` does no I/O itself.
///
/// The protocol: wait for readiness ([`readable`](Self::readable) gives a guard), try the
/// operation, and if it returns `WouldBlock`, clear the readiness (through the guard's
/// [`try_io`](AsyncFdReadyGuard::try_io) or [`clear_ready`](AsyncFdReadyGuard::clear_ready))
/// so the next wait blocks until the reactor sees a new event. The reactor is edge-triggered:
/// clearing readiness without having seen `WouldBlock` can make a task wait forever.
///
/// Dropping the `AsyncFd` deregisters the descriptor and drops `T` (closing it if `T`
/// owns it).
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use weft::io::unix::AsyncFd;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, mut b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let fd = AsyncFd::new(a)?;
/// b.write_all(b"hi")?;
/// let mut buf = [0u8; 2];
/// loop {
///     let mut guard = fd.readable().await?;
///     match guard.try_io(|inner| inner.get_ref().read(&mut buf)) {
///         Ok(n) => { assert_eq!(n?, 2); break; }
///         Err(_would_block) => continue,
///     }
/// }
/// assert_eq!(&buf, b"hi");
/// # Ok(()) }
/// ```
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    inner: Option<T>,
}

/// A readiness event for an [`AsyncFd`], from `readable`/`writable`/`ready`.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let fd = AsyncFd::new(a)?;
/// let guard = fd.writable().await?;
/// assert!(guard.ready().is_writable());
/// # Ok(()) }
/// ```
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The `&mut` form of [`AsyncFdReadyGuard`], from `readable_mut`/`writable_mut`/`ready_mut`.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let mut fd = AsyncFd::new(a)?;
/// let mut guard = fd.writable_mut().await?;
/// let n = guard.try_io(|fd| std::io::Write::write(fd.get_mut(), b"x"));
/// assert_eq!(n.unwrap()?, 1);
/// # Ok(()) }
/// ```
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The operation passed to a guard's `try_io` returned `WouldBlock`; the readiness was
/// cleared, so wait again.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let fd = AsyncFd::new(a)?;
/// let mut guard = fd.writable().await?;
/// let res: Result<std::io::Result<()>, weft::io::unix::TryIoError> =
///     guard.try_io(|_| Err(std::io::ErrorKind::WouldBlock.into()));
/// assert!(res.is_err());
/// # Ok(()) }
/// ```
pub struct TryIoError(());

/// [`AsyncFd::try_new`] failed: the error and the value it was given.
///
/// ```
/// # use weft::io::unix::AsyncFd;
/// // Outside a runtime there is no reactor; `try_new` would panic like `new`, so this
/// // example only shows the type's shape.
/// fn split<T: std::os::fd::AsRawFd>(e: weft::io::unix::AsyncFdTryNewError<T>) -> (std::io::Error, T) {
///     e.into_parts()
/// }
/// ```
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner` for reading and writing.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn new(inner: T) -> io::Result<Self> {
        Self::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `inner` for the given interest only.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::with_interest(a, Interest::READABLE)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        Self::try_with_interest(inner, interest).map_err(|e| e.cause)
    }

    /// As [`new`](Self::new), but hands `inner` back on failure.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::try_new(a).map_err(|e| e.into_parts().0)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdTryNewError<T>> {
        Self::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// As [`with_interest`](Self::with_interest), but hands `inner` back on failure.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::try_with_interest(a, Interest::WRITABLE)
    ///     .map_err(|e| e.into_parts().0)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn try_with_interest(inner: T, interest: Interest) -> Result<Self, AsyncFdTryNewError<T>> {
        let handle = crate::runtime::current::io();
        let fd = inner.as_raw_fd();
        match Registration::new_with_interest_and_handle(
            &mut mio::unix::SourceFd(&fd),
            interest,
            handle,
        ) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }

    /// The wrapped value.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// assert!(fd.get_ref().peer_addr().is_ok());
    /// # Ok(()) }
    /// ```
    pub fn get_ref(&self) -> &T {
        self.inner.as_ref().expect("inner present until drop")
    }

    /// The wrapped value, mutably.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// let _inner: &mut std::os::unix::net::UnixStream = fd.get_mut();
    /// # Ok(()) }
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("inner present until drop")
    }

    /// Deregisters and returns the wrapped value (not closed).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// let a: std::os::unix::net::UnixStream = fd.into_inner();
    /// # drop(a);
    /// # Ok(()) }
    /// ```
    pub fn into_inner(mut self) -> T {
        self.take_inner().expect("inner present until drop")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        let fd = inner.as_raw_fd();
        let _ = self.registration.deregister(&mut mio::unix::SourceFd(&fd));
        Some(inner)
    }

    /// Polls for read readiness (the waker of the last call is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// drop(b); // hang-up makes it readable
    /// let guard = std::future::poll_fn(|cx| fd.poll_read_ready(cx)).await?;
    /// assert!(guard.ready().is_read_closed());
    /// # Ok(()) }
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// `&mut` form of [`poll_read_ready`](Self::poll_read_ready).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// drop(b);
    /// let guard = std::future::poll_fn(|cx| fd.poll_read_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(guard.is_read_closed());
    /// # Ok(()) }
    /// ```
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness (the waker of the last call is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// let guard = std::future::poll_fn(|cx| fd.poll_write_ready(cx)).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// `&mut` form of [`poll_write_ready`](Self::poll_write_ready).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// let ready = std::future::poll_fn(|cx| fd.poll_write_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(ready.is_writable());
    /// # Ok(()) }
    /// ```
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits for readiness matching `interest`; any number of tasks may wait at once.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// let guard = fd.ready(Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// `&mut` form of [`ready`](Self::ready).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// let guard = fd.ready_mut(Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until readable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"x")?;
    /// assert!(fd.readable().await?.ready().is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// `&mut` form of [`readable`](Self::readable).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"x")?;
    /// assert!(fd.readable_mut().await?.ready().is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until writable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// assert!(fd.writable().await?.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// `&mut` form of [`writable`](Self::writable).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// assert!(fd.writable_mut().await?.ready().is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Waits for readiness and runs `f` on the inner value until it does not return
    /// `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is.
    ///
    /// ```
    /// use std::io::Read;
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// std::io::Write::write_all(&mut &b, b"abc")?;
    /// let mut buf = [0u8; 3];
    /// let n = fd.async_io(Interest::READABLE, |s| (&*s).read(&mut buf)).await?;
    /// assert_eq!(n, 3);
    /// # Ok(()) }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration
            .async_io(interest, || f(self.get_ref()))
            .await
    }

    /// `&mut` form of [`async_io`](Self::async_io).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// let n = fd.async_io_mut(Interest::WRITABLE, |s| s.write(b"abc")).await?;
    /// assert_eq!(n, 3);
    /// # Ok(()) }
    /// ```
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.registration.readiness(interest).await?;
            match f(self.inner.as_mut().expect("inner present until drop")) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event)
                }
                res => return res,
            }
        }
    }

    /// Runs `f` once if the reactor reported readiness matching `interest`, else returns
    /// `WouldBlock`; clears the readiness if `f` returns `WouldBlock`.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// fd.writable().await?;
    /// assert_eq!(fd.try_io(Interest::WRITABLE, |s| (&*s).write(b"x"))?, 1);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.try_io(interest, || f(self.get_ref()))
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        drop(self.take_inner());
    }
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
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
    /// let mut fd = weft::io::unix::AsyncFd::new(a)?;
    /// let mut guard = fd.writable_mut().await?;
    /// let _inner = guard.get_mut().get_mut();
    /// # Ok(()) }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
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

impl fmt::Debug for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TryIoError(WouldBlock)")
    }
}

impl<T> AsyncFdTryNewError<T> {
    /// The error and the value that could not be registered.
    ///
    /// ```
    /// fn parts<T>(e: weft::io::unix::AsyncFdTryNewError<T>) -> (std::io::Error, T) {
    ///     e.into_parts()
    /// }
    /// ```
    pub fn into_parts(self) -> (io::Error, T) {
        (self.cause, self.inner)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not register the file descriptor with the reactor: {}",
            self.cause
        )
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdTryNewError")
            .field("cause", &self.cause)
            .finish()
    }
}

impl<T> Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(e: AsyncFdTryNewError<T>) -> io::Error {
        e.cause
    }
}
