//! [`TcpStream`]: a connected TCP socket.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::addr::{each_addr, ToSocketAddrs};
use crate::net::tcp::split::{self, ReadHalf, WriteHalf};
use crate::net::tcp::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::runtime::driver::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// A TCP stream between a local and a remote socket, read and written through
/// [`AsyncRead`] / [`AsyncWrite`] (use [`AsyncReadExt`](crate::io::AsyncReadExt) and
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt)).
///
/// Writing to a stream whose peer has gone returns `BrokenPipe` (weft, like Rust's std,
/// ignores `SIGPIPE`; sends also pass `MSG_NOSIGNAL`), and reading after the peer shut its
/// side down returns `Ok(0)`. Shutting down the write side (`AsyncWriteExt::shutdown`) sends
/// FIN while reading keeps working.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// use weft::net::{TcpListener, TcpStream};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"ping").await?;
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(()) }
/// ```
pub struct TcpStream {
    io: PollEvented<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a TCP connection to `addr`, trying each address it resolves to in turn and
    /// returning the first success or the last error (`ConnectionRefused` if nothing
    /// listens there).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in the sense that a connection attempt in progress is abandoned (its
    /// socket closed) when the future is dropped; nothing else is lost.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, |addr| async move {
            TcpStream::connect_mio(mio::net::TcpStream::connect(addr)?).await
        })
        .await
    }

    /// Registers a socket whose non-blocking connect is in progress and waits for it.
    pub(crate) async fn connect_mio(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(sys)?;
        // Writable (or an error/hang-up) means the connect finished, one way or the other.
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = stream.io.take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: PollEvented::new(sys, crate::runtime::current::io())?,
        })
    }

    /// A stream returned by `accept`: assumed readable and writable, so its first read and
    /// write go to the socket at once. The peer's first bytes (even its FIN) are usually
    /// there already; if not, that read's `WouldBlock` clears the guess.
    pub(crate) fn new_accepted(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(sys)?;
        stream
            .io
            .registration()
            .assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Wraps a connected std stream. Unlike tokio, weft puts the socket into non-blocking
    /// mode itself (a blocking socket would stall a worker).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let stream = weft::net::TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Deregisters the stream and returns it as a std stream, still in non-blocking mode.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let std_stream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        let mio = self.io.into_inner()?;
        Ok(std::net::TcpStream::from(std::os::fd::OwnedFd::from(mio)))
    }

    /// The local address of the stream.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.local_addr()?.ip().is_loopback());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The address of the peer.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Takes the pending error of the socket (`SO_ERROR`), if any.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.take_error()?.is_none());
    /// # Ok(()) }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits for readiness matching `interest`; returns what is ready. Usually followed by
    /// `try_read` / `try_write`, which may still return `WouldBlock` (readiness can be a
    /// false positive).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses no readiness.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let ready = stream.ready(Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    /// Waits until the stream is readable (data, end of stream or an error).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"x").await?;
    /// server.readable().await?;
    /// let mut buf = [0u8; 1];
    /// assert_eq!(server.try_read(&mut buf)?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the stream is writable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.writable().await?;
    /// assert_eq!(stream.try_write(b"hi")?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness. Only the waker of the last call is kept (per direction);
    /// for several waiters use [`readable`](Self::readable).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_server, _) = listener.accept().await?;
    /// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// assert!(stream.poll_read_ready(&mut cx).is_pending());
    /// # Ok(()) }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for write readiness (last waker kept, as for `poll_read_ready`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// std::future::poll_fn(|cx| stream.poll_write_ready(cx)).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Reads what is available without waiting: `WouldBlock` if nothing is, `Ok(0)` at end of
    /// stream.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut buf = [0u8; 16];
    /// let err = stream.try_read(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Vectored form of [`try_read`](Self::try_read).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
    /// let mut bufs = [std::io::IoSliceMut::new(&mut a), std::io::IoSliceMut::new(&mut b)];
    /// assert!(stream.try_read_vectored(&mut bufs).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        use std::io::Read;
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Reads what is available into the spare capacity of `buf` (a `bytes::BufMut`, such as
    /// `BytesMut` or `Vec<u8>`) without waiting, and advances it: `WouldBlock` if nothing is
    /// available, `Ok(0)` at end of stream. The spare capacity is not zeroed first.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"hello").await?;
    /// let mut buf = bytes::BytesMut::with_capacity(64);
    /// loop {
    ///     stream.readable().await?;
    ///     match stream.try_read_buf(&mut buf) {
    ///         Ok(_) if buf.len() == 5 => break,
    ///         Ok(_) => continue,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!(&buf[..], b"hello");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.registration().try_io(Interest::READABLE, || {
            crate::net::sys::read_buf(&*self.io, buf)
        })
    }

    /// Writes what fits without waiting: `WouldBlock` if nothing does.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.writable().await?;
    /// assert_eq!(stream.try_write(b"hello")?, 5);
    /// # Ok(()) }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        use std::io::Write;
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Vectored form of [`try_write`](Self::try_write).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.writable().await?;
    /// let bufs = [std::io::IoSlice::new(b"he"), std::io::IoSlice::new(b"llo")];
    /// assert_eq!(stream.try_write_vectored(&bufs)?, 5);
    /// # Ok(()) }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        use std::io::Write;
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// Runs `f` (a non-blocking operation on the socket) if the reactor reported readiness
    /// matching `interest`; if `f` returns `WouldBlock` the readiness is cleared, so the next
    /// `ready` waits for a new event. `f` must not block and must return `WouldBlock` only
    /// when the socket really was not ready.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.writable().await?;
    /// // A real program would make a raw `send(2)` call on `stream.as_raw_fd()` here.
    /// let n = stream.try_io(Interest::WRITABLE, || Ok(0usize))?;
    /// assert_eq!(n, 0);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// The waiting form of [`try_io`](Self::try_io): waits for readiness, runs `f`, and
    /// repeats while `f` returns `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is (it runs to completion inside one poll).
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let addr = stream.async_io(Interest::WRITABLE, || stream.peer_addr()).await?;
    /// assert_eq!(addr, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// Receives data without removing it from the queue: the next read returns it again.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: nothing is consumed until the future completes.
    ///
    /// ```
    /// use weft::io::{AsyncReadExt, AsyncWriteExt};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"abc").await?;
    /// let mut buf = [0u8; 3];
    /// let n = server.peek(&mut buf).await?;
    /// server.read_exact(&mut buf[..n]).await?;
    /// assert_eq!(&buf[..n], &b"abc"[..n]);
    /// # Ok(()) }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Polls for peeked data: fills `buf` without consuming it from the socket.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, ReadBuf};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"z").await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = std::future::poll_fn(|cx| server.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(&buf.filled()[..n], b"z");
    /// # Ok(()) }
    /// ```
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let n = ready!(self.io.registration().poll_io(
            cx,
            crate::runtime::driver::io::Direction::Read,
            || self.io.peek(buf.initialize_unfilled())
        ))?;
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok(()) }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// # Ok(()) }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// `SO_LINGER`: how long `close` waits for unsent data.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.linger()?, None);
    /// # Ok(()) }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self).linger()
    }

    /// Sets `SO_LINGER`. `Some(Duration::ZERO)` makes dropping the stream send a reset
    /// instead of a FIN.
    ///
    /// Deprecated as in tokio: a non-zero linger makes the drop of the stream block its
    /// (runtime) thread until the unsent data is out or the time is up; use
    /// [`set_zero_linger`](Self::set_zero_linger) for resets.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_linger(Some(std::time::Duration::from_secs(1)))?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::from_secs(1)));
    /// # Ok(()) }
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: dropping the stream then sends a reset (RST) instead of a
    /// FIN and discards unsent data.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_zero_linger()?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::ZERO));
    /// # Ok(()) }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(Some(Duration::ZERO))
    }

    /// Whether `TCP_QUICKACK` is set (Linux).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// let _ = stream.quickack()?;
    /// # Ok(()) }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(self).quickack()
    }

    /// Sets `TCP_QUICKACK` (Linux): send ACKs at once instead of delaying them. The kernel
    /// may turn it off again by itself.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// # Ok(()) }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(self).set_quickack(quickack)
    }

    /// `IP_TTL` of outgoing packets.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(100)?;
    /// assert_eq!(stream.ttl()?, 100);
    /// # Ok(()) }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(64)?;
    /// # Ok(()) }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Splits a borrowed stream into a read half and a write half (no allocation; both
    /// borrow `self`, so they cannot move to other tasks: use
    /// [`into_split`](Self::into_split) for that).
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, mut write) = stream.split();
    /// write.write_all(b"half").await?;
    /// # Ok(()) }
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split::split(self)
    }

    /// Splits the stream into owned halves that can move to different tasks; put them back
    /// together with [`OwnedReadHalf::reunite`]. Dropping the write half shuts the write
    /// side down (sends FIN).
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, mut write) = stream.into_split();
    /// write.write_all(b"owned").await?;
    /// let stream = read.reunite(write).unwrap();
    /// # drop(stream);
    /// # Ok(()) }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }

    // Shared by the stream and its halves (which only have `&TcpStream`).

    pub(crate) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }

    pub(crate) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_slice(cx, buf)
    }

    pub(crate) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    pub(crate) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        match self.io.shutdown(how) {
            // Already disconnected: the write side is as shut as it gets.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            res => res,
        }
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // A TCP socket has no user-space buffer to flush.
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write side (sends FIN); reading keeps working.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

crate::io::impl_futures_io!(read, write: [] TcpStream);

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// Same as [`TcpStream::from_std`].
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
