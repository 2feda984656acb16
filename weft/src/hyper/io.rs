//! `WeftIo`: one wrapper that turns weft I/O into hyper I/O and hyper I/O into weft I/O.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

pin_project_lite::pin_project! {
    /// Adapts between weft's I/O traits and hyper's.
    ///
    /// - When `T` is weft I/O ([`AsyncRead`] / [`AsyncWrite`], such as
    ///   [`TcpStream`](crate::net::TcpStream)), `WeftIo<T>` implements [`hyper::rt::Read`] and
    ///   [`hyper::rt::Write`], which hyper's connection builders take.
    /// - When `T` is hyper I/O (such as [`hyper::upgrade::Upgraded`] after an HTTP upgrade),
    ///   `WeftIo<T>` implements weft's [`AsyncRead`] and [`AsyncWrite`], so weft's utilities
    ///   ([`AsyncReadExt`](crate::io::AsyncReadExt), [`copy_bidirectional`](crate::io::copy_bidirectional), …)
    ///   work on it.
    ///
    /// This is tokio's `hyper_util::rt::TokioIo`, for weft.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::hyper::WeftIo;
    /// use weft::net::{TcpListener, TcpStream};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let io = WeftIo::new(stream);
    /// // `io` can now be handed to `hyper::client::conn::http1::handshake(io)`.
    /// assert!(io.inner().peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Debug)]
    pub struct WeftIo<T> {
        #[pin]
        inner: T,
    }
}

impl<T> WeftIo<T> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = weft::hyper::WeftIo::new(std::io::Cursor::new(vec![1u8, 2, 3]));
    /// assert_eq!(io.into_inner().into_inner(), vec![1, 2, 3]);
    /// ```
    pub fn new(inner: T) -> Self {
        WeftIo { inner }
    }

    /// Borrows the wrapped I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = weft::hyper::WeftIo::new(5u8);
    /// assert_eq!(*io.inner(), 5);
    /// ```
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Mutably borrows the wrapped I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut io = weft::hyper::WeftIo::new(5u8);
    /// *io.inner_mut() += 1;
    /// assert_eq!(io.into_inner(), 6);
    /// ```
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = weft::hyper::WeftIo::new("x");
    /// assert_eq!(io.into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

// weft I/O seen by hyper.

impl<T: AsyncRead> hyper::rt::Read for WeftIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // SAFETY: the slice is only handed to a weft `ReadBuf`, which never de-initialises
        // bytes (it only writes initialised ones), so hyper's notion of what is initialised
        // stays true.
        let unfilled = unsafe { buf.as_mut() };
        let mut wbuf = ReadBuf::uninit(unfilled);
        ready!(self.project().inner.poll_read(cx, &mut wbuf))?;
        let n = wbuf.filled().len();
        // SAFETY: the reader filled, and so initialised, the first `n` bytes of the cursor.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite> hyper::rt::Write for WeftIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }
}

// hyper I/O seen by weft.

impl<T: hyper::rt::Read> AsyncRead for WeftIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        wbuf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let already = wbuf.filled().len();
        let n = {
            // SAFETY: the slice is only handed to a hyper `ReadBuf`, which never de-initialises
            // bytes, so weft's notion of what is initialised stays true.
            let unfilled = unsafe { wbuf.unfilled_mut() };
            let mut hbuf = hyper::rt::ReadBuf::uninit(unfilled);
            ready!(hyper::rt::Read::poll_read(
                self.project().inner,
                cx,
                hbuf.unfilled()
            ))?;
            hbuf.filled().len()
        };
        // SAFETY: the hyper reader filled, and so initialised, `n` bytes after the filled part.
        unsafe { wbuf.assume_init(n) };
        wbuf.set_filled(already + n);
        Poll::Ready(Ok(()))
    }
}

impl<T: hyper::rt::Write> AsyncWrite for WeftIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        hyper::rt::Write::poll_write(self.project().inner, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_flush(self.project().inner, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_shutdown(self.project().inner, cx)
    }

    fn is_write_vectored(&self) -> bool {
        hyper::rt::Write::is_write_vectored(&self.inner)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        hyper::rt::Write::poll_write_vectored(self.project().inner, cx, bufs)
    }
}
