//! Owned halves of a [`TcpStream`], from [`TcpStream::into_split`].
//!
//! [`TcpStream::into_split`]: super::TcpStream::into_split

use super::TcpStream;
use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use std::error::Error;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The owned read half of a [`TcpStream`]; can move to another task.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (server, _) = listener.accept().await?;
/// let (mut read, _write) = server.into_split();
/// let reader = weft::spawn(async move {
///     let mut buf = [0u8; 3];
///     read.read_exact(&mut buf).await.map(|_| buf)
/// });
/// client.write_all(b"abc").await?;
/// assert_eq!(&reader.await.unwrap()?, b"abc");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<TcpStream>,
}

/// The owned write half of a [`TcpStream`]. Dropping it shuts down the write side of the
/// stream (sends FIN) unless [`forget`](Self::forget) was called.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// let (_read, mut write) = client.into_split();
/// write.write_all(b"done").await?;
/// drop(write); // FIN
/// let mut all = Vec::new();
/// server.read_to_end(&mut all).await?;
/// assert_eq!(all, b"done");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<TcpStream>,
    shutdown_on_drop: bool,
}

/// Returned by [`OwnedReadHalf::reunite`] when the halves came from different streams; gives
/// both back.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let a = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let b = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read_a, _write_a) = a.into_split();
/// let (_read_b, write_b) = b.into_split();
/// let weft::net::tcp::ReuniteError(read_a, write_b) = read_a.reunite(write_b).unwrap_err();
/// # let _ = (read_a, write_b);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

pub(crate) fn split_owned(stream: TcpStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    (
        OwnedReadHalf {
            inner: inner.clone(),
        },
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

pub(crate) fn reunite(
    read: OwnedReadHalf,
    mut write: OwnedWriteHalf,
) -> Result<TcpStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    let inner = write.inner.clone();
    drop(read);
    drop(write);
    Ok(Arc::try_unwrap(inner).expect("both halves were dropped, so this is the last Arc"))
}

impl OwnedReadHalf {
    /// Puts the stream back together; fails (handing both halves back) if `other` came from
    /// a different stream.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// let stream = read.reunite(write).expect("same stream");
    /// # drop(stream);
    /// # Ok(()) }
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }

    /// See [`TcpStream::peek`].
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
    /// client.write_all(b"p").await?;
    /// let (mut read, _write) = server.into_split();
    /// assert_eq!(read.peek(&mut [0u8; 1]).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf).await
    }

    /// See [`TcpStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, Interest};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"p").await?;
    /// let (read, _write) = server.into_split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// See [`TcpStream::readable`].
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
    /// client.write_all(b"p").await?;
    /// let (read, _write) = server.into_split();
    /// read.readable().await?;
    /// assert_eq!(read.try_read(&mut [0u8; 8])?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// See [`TcpStream::try_read`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = stream.into_split();
    /// assert!(read.try_read(&mut [0u8; 8]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    /// See [`TcpStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = stream.into_split();
    /// assert_eq!(read.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// See [`TcpStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let addr = stream.local_addr()?;
    /// let (read, _write) = stream.into_split();
    /// assert_eq!(read.local_addr()?, addr);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl OwnedWriteHalf {
    /// See [`OwnedReadHalf::reunite`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// let stream = write.reunite(read).expect("same stream");
    /// # drop(stream);
    /// # Ok(()) }
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops the half without shutting down the write side.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// write.forget();
    /// # Ok(()) }
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    /// See [`TcpStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// See [`TcpStream::writable`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"w")?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// See [`TcpStream::try_write`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"w")?, 1);
    /// # Ok(()) }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// See [`TcpStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// assert_eq!(write.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// See [`TcpStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let addr = stream.local_addr()?;
    /// let (_read, write) = stream.into_split();
    /// assert_eq!(write.local_addr()?, addr);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write side; dropping the half afterwards does not do it again.
    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let res = self.inner.shutdown_std(Shutdown::Write);
        if res.is_ok() {
            self.shutdown_on_drop = false;
        }
        Poll::Ready(res)
    }
}

impl AsRef<TcpStream> for OwnedReadHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}

impl AsRef<TcpStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}

crate::io::impl_futures_io!(read: [] OwnedReadHalf);
crate::io::impl_futures_io!(write: [] OwnedWriteHalf);
