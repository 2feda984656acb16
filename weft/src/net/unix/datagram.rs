//! [`UnixDatagram`]: Unix-domain datagram sockets.

use crate::io::{Interest, ReadBuf, Ready};
use crate::net::unix::SocketAddr;
use crate::runtime::driver::io::{Direction, PollEvented};
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::task::{ready, Context, Poll};

/// A Unix-domain datagram socket. All methods take `&self`.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, b) = weft::net::UnixDatagram::pair()?;
/// a.send(b"hello").await?;
/// let mut buf = [0u8; 16];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hello");
/// # Ok(()) }
/// ```
pub struct UnixDatagram {
    io: PollEvented<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(sys, crate::runtime::current::io())?,
        })
    }

    /// Binds a datagram socket to `path`.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-dgram-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let c = weft::net::UnixDatagram::bind(&path)?;
    /// # drop((a, b, c)); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::bind(path)?)
    }

    /// A pair of connected, unnamed datagram sockets.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// assert_eq!(b.recv(&mut [0u8; 4]).await?, 1);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        let (a, b) = (UnixDatagram::new(a)?, UnixDatagram::new(b)?);
        // Empty send buffers: writable now, without waiting for the reactor's first event;
        // readable only once the peer sends.
        a.io.registration().assume_ready(Ready::WRITABLE);
        b.io.registration().assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// A socket not bound to any address (it can still `send_to`).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let c = weft::net::UnixDatagram::unbound()?;
    /// assert!(c.local_addr()?.is_unnamed());
    /// # let _ = (a, b);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::unbound()?)
    }

    /// Wraps a std socket, putting it into non-blocking mode.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let c = weft::net::UnixDatagram::from_std(std::os::unix::net::UnixDatagram::unbound()?)?;
    /// # let _ = (a, b, c);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        socket.set_nonblocking(true)?;
        UnixDatagram::new(mio::net::UnixDatagram::from_std(socket))
    }

    /// Deregisters the socket and returns it as a std socket, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let a = a.into_std()?;
    /// # let _ = (a, b);
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        let mio = self.io.into_inner()?;
        Ok(std::os::unix::net::UnixDatagram::from(
            std::os::fd::OwnedFd::from(mio),
        ))
    }

    /// Connects the socket to `path`: `send`/`recv` then use that peer.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-dgram-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let server = weft::net::UnixDatagram::bind(&path)?;
    /// let client = weft::net::UnixDatagram::unbound()?;
    /// client.connect(&path)?;
    /// client.send(b"hi").await?;
    /// assert_eq!(server.recv(&mut [0u8; 4]).await?, 2);
    /// # drop((a, b)); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// The local address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// The connected peer's address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Takes the pending error (`SO_ERROR`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts down the read, write, or both halves.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.shutdown(std::net::Shutdown::Both)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }

    /// Waits for readiness matching `interest`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.ready(weft::io::Interest::WRITABLE).await?.is_writable());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until readable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// b.readable().await?;
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until writable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness (the last waker is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// std::future::poll_fn(|cx| b.poll_recv_ready(cx)).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for write readiness (the last waker is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// std::future::poll_fn(|cx| a.poll_send_ready(cx)).await?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Sends a datagram to the connected peer.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"hi").await?, 2);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Sends to the connected peer without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send(b"hi")?, 2);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Polls to send a datagram to the connected peer.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// std::future::poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send(buf))
    }

    /// Receives a datagram from the connected peer.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// assert_eq!(b.recv(&mut [0u8; 8]).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Receives without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(b.try_recv(&mut [0u8; 8]).is_err());
    /// # let _ = a;
    /// # Ok(()) }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Polls to receive a datagram into `buf`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # Ok(()) }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .recv(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Sends a datagram to the socket at `target`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-dgram-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let server = weft::net::UnixDatagram::bind(&path)?;
    /// assert_eq!(a.send_to(b"hi", &path).await?, 2);
    /// assert_eq!(server.recv(&mut [0u8; 4]).await?, 2);
    /// # let _ = b; std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Sends to `target` without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-dgram-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let _server = weft::net::UnixDatagram::bind(&path)?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send_to(b"hi", &path)?, 2);
    /// # let _ = b; std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Polls to send a datagram to `target`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-dgram-{}-{}.sock", std::process::id(), line!()));
    /// # let _ = std::fs::remove_file(&path);
    /// let _server = weft::net::UnixDatagram::bind(&path)?;
    /// std::future::poll_fn(|cx| a.poll_send_to(cx, b"hi", &path)).await?;
    /// # let _ = b; std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Receives a datagram and the sender's address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let (n, from) = b.recv_from(&mut [0u8; 8]).await?;
    /// assert_eq!(n, 2);
    /// assert!(from.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Receives a datagram and its sender without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(b.try_recv_from(&mut [0u8; 8]).is_err());
    /// # let _ = a;
    /// # Ok(()) }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr(addr)))
    }

    /// Polls to receive a datagram into `buf`; returns the sender.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # Ok(()) }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .recv_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(SocketAddr(addr)))
    }

    /// Receives a datagram from the connected peer into the spare capacity of `buf` (not
    /// zeroed first), and advances `buf` past it; a longer datagram is cut short.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hello").await?;
    /// let mut buf = Vec::with_capacity(64);
    /// assert_eq!(b.recv_buf(&mut buf).await?, 5);
    /// assert_eq!(buf, b"hello");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || {
                crate::net::sys::read_buf(&*self.io, buf)
            })
            .await
    }

    /// [`recv_buf`](Self::recv_buf) without waiting: `WouldBlock` if no datagram is queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_a, b) = weft::net::UnixDatagram::pair()?;
    /// let err = b.try_recv_buf(&mut Vec::with_capacity(8)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.registration().try_io(Interest::READABLE, || {
            crate::net::sys::read_buf(&*self.io, buf)
        })
    }

    /// Receives a datagram into the spare capacity of `buf` and advances `buf` past it;
    /// returns its length and the sender's address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"hello").await?;
    /// let mut buf = bytes::BytesMut::with_capacity(64);
    /// let (n, from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!(n, 5);
    /// assert!(from.is_unnamed());
    /// assert_eq!(&buf[..], b"hello");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || {
                crate::net::sys::recv_buf_from(&*self.io, buf)
            })
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// [`recv_buf_from`](Self::recv_buf_from) without waiting: `WouldBlock` if no datagram
    /// is queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_a, b) = weft::net::UnixDatagram::pair()?;
    /// let err = b.try_recv_buf_from(&mut Vec::with_capacity(8)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self.io.registration().try_io(Interest::READABLE, || {
            crate::net::sys::recv_buf_from(&*self.io, buf)
        })?;
        Ok((n, SocketAddr(addr)))
    }

    /// Runs a custom non-blocking operation if the socket is ready (see `TcpStream::try_io`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_io(weft::io::Interest::WRITABLE, || Ok(1))?, 1);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Waits for readiness and runs `f` until it does not return `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let n = a.async_io(weft::io::Interest::WRITABLE, || a.try_send(b"x")).await?;
    /// assert_eq!(n, 1);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }
}

impl TryFrom<std::os::unix::net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// Same as [`UnixDatagram::from_std`].
    fn try_from(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
