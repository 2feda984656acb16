//! [`UnixStream`]: a connected Unix-domain stream socket.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::unix::split::{self, ReadHalf, WriteHalf};
use crate::net::unix::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::net::unix::{SocketAddr, UCred};
use crate::runtime::driver::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A Unix-domain stream socket, read and written through [`AsyncRead`] / [`AsyncWrite`].
/// Like [`TcpStream`](crate::net::TcpStream): end of stream reads `Ok(0)`, writing to a
/// closed peer returns `BrokenPipe` (no `SIGPIPE`), shutdown closes the write side only.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// use weft::net::UnixStream;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"ping").await?;
/// let mut buf = [0u8; 4];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(()) }
/// ```
pub struct UnixStream {
    io: PollEvented<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path`.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future abandons the attempt and closes the socket.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("weft-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("connect.sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let stream = weft::net::UnixStream::connect(&path).await?;
    /// let (_server, _) = listener.accept().await?;
    /// # drop(stream); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let addr = crate::net::unix::std_addr(path.as_ref())?;
        UnixStream::connect_mio(mio::net::UnixStream::connect_addr(&addr)?).await
    }

    /// Connects to the socket at `addr` (a path or, on Linux, an abstract name).
    ///
    /// # Cancel safety
    ///
    /// Dropping the future abandons the attempt and closes the socket.
    ///
    /// ```
    /// use std::os::linux::net::SocketAddrExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let name = format!("weft-doc-connect-addr-{}", std::process::id());
    /// let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?.into();
    /// let listener = weft::net::UnixListener::bind_addr(&addr)?;
    /// let stream = weft::net::UnixStream::connect_addr(&addr).await?;
    /// assert_eq!(stream.peer_addr()?.as_abstract_name(), Some(name.as_bytes()));
    /// # drop(listener);
    /// # Ok(()) }
    /// ```
    pub async fn connect_addr(addr: &SocketAddr) -> io::Result<UnixStream> {
        UnixStream::connect_mio(mio::net::UnixStream::connect_addr(&addr.0)?).await
    }

    /// A pair of connected, unnamed sockets.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed() && b.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        let (a, b) = (UnixStream::new(a)?, UnixStream::new(b)?);
        // Empty buffers: writable now, without waiting for the reactor's first event;
        // readable only once the peer writes.
        a.io.registration().assume_ready(Ready::WRITABLE);
        b.io.registration().assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Wraps a connected std stream, putting it into non-blocking mode.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = weft::net::UnixStream::from_std(a)?;
    /// # drop(a);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Deregisters the stream and returns it as a std stream, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// let a = a.into_std()?;
    /// a.set_nonblocking(false)?;
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        let mio = self.io.into_inner()?;
        Ok(std::os::unix::net::UnixStream::from(
            std::os::fd::OwnedFd::from(mio),
        ))
    }

    /// The local address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// The peer's address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// The credentials of the peer process (`SO_PEERCRED`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32));
    /// # Ok(()) }
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        crate::runtime::driver::io::sys::peer_cred(self.io.as_raw_fd()).map(|(uid, gid, pid)| {
            UCred {
                uid,
                gid,
                pid: Some(pid),
            }
        })
    }

    /// Registers a socket whose non-blocking connect is in progress and waits for it.
    pub(crate) async fn connect_mio(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(sys)?;
        // Writable (or an error/hang-up) means the connect finished, one way or the other.
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = stream.io.take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// A stream returned by `accept`: assumed readable and writable, as
    /// `TcpStream::new_accepted` (a wrong guess costs one `WouldBlock`).
    #[track_caller]
    pub(crate) fn new_accepted(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(sys)?;
        stream
            .io
            .registration()
            .assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: PollEvented::new(sys, crate::runtime::current::io())?,
        })
    }

    /// Takes the pending error of the socket (`SO_ERROR`), if any.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (mut client, server) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _server) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, mut server) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
    /// let addr = stream.async_io(Interest::WRITABLE, || stream.peer_addr()).await?;
    /// assert!(addr.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// Splits a borrowed stream into a read half and a write half (no allocation; both
    /// borrow `self`, so they cannot move to other tasks: use
    /// [`into_split`](Self::into_split) for that).
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// let (stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, mut write) = stream.into_split();
    /// write.write_all(b"owned").await?;
    /// let stream = read.reunite(write).unwrap();
    /// # drop(stream);
    /// # Ok(()) }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }

    // Shared by the stream and its halves (which only have `&UnixStream`).

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

impl AsyncRead for UnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for UnixStream {
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

crate::io::impl_futures_io!(read, write: [] UnixStream);

impl TryFrom<std::os::unix::net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// Same as [`UnixStream::from_std`].
    fn try_from(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
