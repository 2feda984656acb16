//! Borrowed halves of a [`TcpStream`], from [`TcpStream::split`].
//!
//! [`TcpStream::split`]: super::TcpStream::split

use super::TcpStream;
use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The read half of a borrowed-split [`TcpStream`].
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read, _write) = stream.split();
/// assert_eq!(read.peer_addr()?, listener.local_addr()?);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The write half of a borrowed-split [`TcpStream`]. Shutting it down shuts down the write
/// side of the stream.
///
/// ```
/// use weft::io::AsyncWriteExt;
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (_read, mut write) = stream.split();
/// write.write_all(b"bye").await?;
/// write.shutdown().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

pub(crate) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
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
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"q").await?;
    /// let (read, _) = server.split();
    /// let mut buf = [0u8; 1];
    /// assert_eq!(read.peek(&mut buf).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
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
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"q").await?;
    /// let (read, _) = server.split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
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
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"q").await?;
    /// let (read, _) = server.split();
    /// read.readable().await?;
    /// assert_eq!(read.try_read(&mut [0u8; 4])?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// See [`TcpStream::try_read`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// assert!(read.try_read(&mut [0u8; 4]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }

    /// See [`TcpStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// assert_eq!(read.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// See [`TcpStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let addr = stream.local_addr()?;
    /// let (read, _) = stream.split();
    /// assert_eq!(read.local_addr()?, addr);
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
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
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
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
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"ok")?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// See [`TcpStream::try_write`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"ok")?, 2);
    /// # Ok(()) }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    /// See [`TcpStream::peer_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// assert_eq!(write.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// See [`TcpStream::local_addr`].
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// # let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let addr = stream.local_addr()?;
    /// let (_, write) = stream.split();
    /// assert_eq!(write.local_addr()?, addr);
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
