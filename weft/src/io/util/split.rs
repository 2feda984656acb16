//! [`split`]: one stream as separate read and write halves.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::loom::sync::Mutex;
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The readable half of a stream split by [`split`].
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (a, mut b) = weft::io::duplex(64);
/// let (mut read_half, _write_half) = weft::io::split(a);
/// b.write_all(b"hi").await?;
/// let mut buf = [0u8; 2];
/// read_half.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct ReadHalf<T> {
    inner: Arc<Inner<T>>,
}

/// The writable half of a stream split by [`split`].
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (a, mut b) = weft::io::duplex(64);
/// let (_read_half, mut write_half) = weft::io::split(a);
/// write_half.write_all(b"hi").await?;
/// let mut buf = [0u8; 2];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct WriteHalf<T> {
    inner: Arc<Inner<T>>,
}

/// The stream, pinned on the heap once so both halves can pin it for each call; a lock makes
/// the two halves' calls take turns.
struct Inner<T> {
    stream: Mutex<Pin<Box<T>>>,
}

impl<T> Inner<T> {
    fn with_lock<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        let mut guard = self.stream.lock();
        f(guard.as_mut())
    }
}

/// Splits a single value implementing `AsyncRead + AsyncWrite` into separate
/// [`ReadHalf`] and [`WriteHalf`] handles, which can be used from different tasks.
///
/// The halves share the stream behind a lock that is held only during each poll call. Types
/// that can be split without a lock (`TcpStream::split`/`into_split`) do not need this.
/// [`ReadHalf::unsplit`] puts the two halves back together.
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (a, mut b) = weft::io::duplex(64);
/// let (mut rd, mut wr) = weft::io::split(a);
/// wr.write_all(b"ping").await?;
/// let mut buf = [0u8; 4];
/// b.read_exact(&mut buf).await?;
/// b.write_all(&buf).await?;
/// rd.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let inner = Arc::new(Inner {
        stream: Mutex::new(Box::pin(stream)),
    });
    (
        ReadHalf {
            inner: inner.clone(),
        },
        WriteHalf { inner },
    )
}

impl<T> ReadHalf<T> {
    /// Whether `other` is the write half split from the same stream as this read half.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, b) = weft::io::duplex(64);
    /// let (rd_a, wr_a) = weft::io::split(a);
    /// let (_rd_b, wr_b) = weft::io::split(b);
    /// assert!(rd_a.is_pair_of(&wr_a));
    /// assert!(!rd_a.is_pair_of(&wr_b));
    /// ```
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        other.is_pair_of(self)
    }

    /// Puts the two halves back together and returns the stream.
    ///
    /// # Panics
    ///
    /// Panics if `wr` is not the write half split from the same stream (see
    /// [`is_pair_of`](Self::is_pair_of)).
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let (rd, wr) = weft::io::split(a);
    /// let _a: weft::io::DuplexStream = rd.unsplit(wr);
    /// ```
    #[track_caller]
    pub fn unsplit(self, wr: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(
            self.is_pair_of(&wr),
            "ReadHalf::unsplit: the WriteHalf was split from a different stream"
        );
        drop(wr);
        let inner = Arc::try_unwrap(self.inner)
            .ok()
            .expect("ReadHalf::unsplit: the two halves were the only owners of the stream");
        *Pin::into_inner(inner.stream.into_inner())
    }
}

impl<T> WriteHalf<T> {
    /// Whether `other` is the read half split from the same stream as this write half.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let (rd, wr) = weft::io::split(a);
    /// assert!(wr.is_pair_of(&rd));
    /// ```
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_lock(|stream| stream.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .with_lock(|stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.with_lock(|stream| stream.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_shutdown(cx))
    }
}

impl<T: fmt::Debug> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::ReadHalf").finish_non_exhaustive()
    }
}

impl<T: fmt::Debug> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::WriteHalf").finish_non_exhaustive()
    }
}
