//! [`AsyncFd`]: readiness-based async I/O on any file descriptor.

mod error;
mod guard;

pub use error::{AsyncFdRegisterError, TryIoError};
pub use guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard};

use crate::io::Interest;
use crate::runtime::driver::io::Registration;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
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
/// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
/// let fd = unsafe { AsyncFd::register(a) }?;
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

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner` (taking ownership of it) for reading and writing. On failure the
    /// error hands `inner` back ([`AsyncFdRegisterError::into_parts`]).
    ///
    /// # Safety
    ///
    /// The descriptor `inner.as_raw_fd()` returns must be open, and stay open and refer to
    /// the same open file description for as long as the `AsyncFd` holds `inner` (until it is
    /// dropped, [`into_inner`](Self::into_inner) is called, or it is forgotten); every call of
    /// `inner.as_raw_fd()` meanwhile must return that same descriptor. (A type that owns its
    /// descriptor, such as `UnixStream` or `OwnedFd`, does all this by itself.) This is
    /// tokio 1.54's contract: registering a descriptor someone else may close breaks I/O
    /// safety, so the safe constructors are deprecated.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub unsafe fn register(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: the caller upholds `register_with_interest`'s contract (the same as ours).
        unsafe { Self::register_with_interest(inner, Interest::READABLE | Interest::WRITABLE) }
    }

    /// [`register`](Self::register) for the given interest only.
    ///
    /// # Safety
    ///
    /// As for [`register`](Self::register).
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register_with_interest(a, Interest::READABLE) }?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
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
            Err(cause) => Err(AsyncFdRegisterError { inner, cause }),
        }
    }

    /// Deprecated (as in tokio 1.54): use [`register`](Self::register), whose contract says
    /// what this one silently assumed.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::new(a)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register` instead (see https://github.com/tokio-rs/tokio/pull/8587)"
    )]
    pub fn new(inner: T) -> io::Result<Self> {
        // SAFETY: not upheld by anyone, which is why this constructor is deprecated; weft's
        // reactor keys registrations by slot, so a reused descriptor misroutes readiness
        // events but cannot corrupt memory.
        Ok(unsafe { Self::register(inner) }?)
    }

    /// Deprecated (as in tokio 1.54): use
    /// [`register_with_interest`](Self::register_with_interest).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::with_interest(a, Interest::READABLE)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register_with_interest` instead (see https://github.com/tokio-rs/tokio/pull/8587)"
    )]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        // SAFETY: not upheld; see `new`.
        Ok(unsafe { Self::register_with_interest(inner, interest) }?)
    }

    /// Deprecated (as in tokio 1.54): use [`register`](Self::register).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::try_new(a).map_err(|e| e.into_parts().1)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register` instead (see https://github.com/tokio-rs/tokio/pull/8587)"
    )]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld; see `new`.
        unsafe { Self::register(inner) }
    }

    /// Deprecated (as in tokio 1.54): use
    /// [`register_with_interest`](Self::register_with_interest).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::try_with_interest(a, Interest::WRITABLE)
    ///     .map_err(|e| e.into_parts().1)?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register_with_interest` instead (see https://github.com/tokio-rs/tokio/pull/8587)"
    )]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld; see `new`.
        unsafe { Self::register_with_interest(inner, interest) }
    }

    /// The wrapped value.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
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

    /// [`try_io`](Self::try_io) with `&mut` access to the inner value.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its descriptor, which stays open as long as the `AsyncFd`.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a) }?;
    /// fd.writable().await?;
    /// assert_eq!(fd.try_io_mut(Interest::WRITABLE, |s| s.write(b"x"))?, 1);
    /// # Ok(()) }
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = self.inner.as_mut().expect("inner present until drop");
        self.registration.try_io(interest, || f(inner))
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `register`'s contract keeps the descriptor open, and `as_raw_fd` returning
        // it, for as long as `self` holds the inner value, which outlives this borrow.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
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

/// Deprecated name of [`AsyncFdRegisterError`] (as in tokio 1.54).
#[doc(hidden)]
#[deprecated(note = "use `AsyncFdRegisterError` instead")]
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;
