//! Borrowed halves of a [`UnixStream`], from [`UnixStream::split`].
//!
//! [`UnixStream::split`]: super::UnixStream::split

use super::UnixStream;
use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::unix::SocketAddr;
use std::io;
use std::net::Shutdown;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The read half of a borrowed-split [`UnixStream`].
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
/// let (read, _write) = stream.split();
/// assert!(read.peer_addr()?.is_unnamed());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// The write half of a borrowed-split [`UnixStream`]. Shutting it down shuts down the write
/// side of the stream.
///
/// ```
/// use weft::io::AsyncWriteExt;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
/// let (_read, mut write) = stream.split();
/// write.write_all(b"bye").await?;
/// write.shutdown().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

pub(crate) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
    /// See [`UnixStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, Interest};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut client, mut server) = weft::net::UnixStream::pair()?;
    /// client.write_all(b"q").await?;
    /// let (read, _) = server.split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// See [`UnixStream::readable`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut client, mut server) = weft::net::UnixStream::pair()?;
    /// client.write_all(b"q").await?;
    /// let (read, _) = server.split();
    /// read.readable().await?;
    /// assert_eq!(read.try_read(&mut [0u8; 4])?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// See [`UnixStream::try_read`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.try_read(&mut [0u8; 4]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }

    /// See [`UnixStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.peer_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// See [`UnixStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
    /// See [`UnixStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// See [`UnixStream::writable`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"ok")?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// See [`UnixStream::try_write`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"ok")?, 2);
    /// # Ok(()) }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    /// See [`UnixStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// assert!(write.peer_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// See [`UnixStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// assert!(write.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.0.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.0.shutdown_std(Shutdown::Write))
    }
}
