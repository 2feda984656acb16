//! Adapters between weft's I/O traits and the `futures-io` ones (`futures::io::AsyncRead`…).
//!
//! [`Compat`] wraps a value of one family and implements the other: a `futures` reader wrapped
//! with [`FuturesAsyncReadCompatExt::compat`] is a weft [`AsyncRead`],
//! and a weft reader wrapped with [`WeftAsyncReadCompatExt::compat`] is a
//! `futures_io::AsyncRead`; likewise for writers (`compat_write`), buffered readers and seeking.
//!
//! weft's own I/O types (`DuplexStream`, `BufReader`, …) implement the `futures-io` traits
//! directly, so they need no adapter (and `.compat()` on them is ambiguous, as they are in both
//! families).
//!
//! Available with the `futures-io` feature (on by default).
//!
//! ```
//! use futures::io::AsyncReadExt as _;
//! use weft::io::compat::{FuturesAsyncReadCompatExt, WeftAsyncReadCompatExt};
//! use weft::io::AsyncReadExt as _;
//!
//! # futures::executor::block_on(async {
//! // A futures reader used through weft's traits...
//! let mut weft_side = futures::io::Cursor::new(b"from futures".to_vec()).compat();
//! let mut s = String::new();
//! weft::io::AsyncReadExt::read_to_string(&mut weft_side, &mut s).await?;
//! assert_eq!(s, "from futures");
//!
//! // ...and a weft reader used through futures' traits.
//! let mut futures_side = std::io::Cursor::new(b"www".to_vec()).compat();
//! let mut v = Vec::new();
//! futures::io::AsyncReadExt::read_to_end(&mut futures_side, &mut v).await?;
//! assert_eq!(v, b"www");
//! # Ok::<_, std::io::Error>(())
//! # }).unwrap();
//! ```

use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice, IoSliceMut, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// A value of one I/O trait family adapted to the other (see the [module docs](self)).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::FuturesAsyncWriteCompatExt;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut w = futures::io::Cursor::new(Vec::new()).compat_write();
    /// w.write_all(b"hi").await?;
    /// assert_eq!(w.get_ref().get_ref(), b"hi");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    pub struct Compat<T> {
        #[pin]
        inner: T,
        // A `futures` seek is one call; a weft seek is two. futures → weft: the position
        // given to `start_seek` waits here until `poll_complete` hands it to `poll_seek`.
        seek_pos: Option<SeekFrom>,
        // weft → futures: the position of the weft seek already started by an earlier
        // `poll_seek` call that returned `Pending` (callers repeat the call until it is ready).
        seek_started: Option<SeekFrom>,
    }
}

impl<T> Compat<T> {
    fn new(inner: T) -> Self {
        Compat {
            inner,
            seek_pos: None,
            seek_started: None,
        }
    }

    /// Gets a reference to the wrapped value.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::WeftAsyncReadCompatExt;
    ///
    /// let c = std::io::Cursor::new(vec![1u8]).compat();
    /// assert_eq!(c.get_ref().get_ref(), &[1]);
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// Gets a mutable reference to the wrapped value.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::WeftAsyncReadCompatExt;
    ///
    /// let mut c = std::io::Cursor::new(vec![1u8]).compat();
    /// c.get_mut().set_position(1);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Returns the wrapped value.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::WeftAsyncReadCompatExt;
    ///
    /// let cursor = std::io::Cursor::new(vec![1u8]).compat().into_inner();
    /// assert_eq!(cursor.into_inner(), [1]);
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

/// Adapts a `futures_io::AsyncRead` to weft's [`AsyncRead`].
pub trait FuturesAsyncReadCompatExt: futures_io::AsyncRead {
    /// Wraps `self` so it implements weft's [`AsyncRead`] (and [`AsyncBufRead`],
    /// [`AsyncSeek`] when it implements the `futures` versions).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::FuturesAsyncReadCompatExt;
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut r = futures::io::Cursor::new(vec![1u8, 2]).compat();
    /// assert_eq!(r.read_u16().await?, 0x0102);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn compat(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: futures_io::AsyncRead> FuturesAsyncReadCompatExt for T {}

/// Adapts a `futures_io::AsyncWrite` to weft's [`AsyncWrite`].
pub trait FuturesAsyncWriteCompatExt: futures_io::AsyncWrite {
    /// Wraps `self` so it implements weft's [`AsyncWrite`] (`poll_shutdown` becomes
    /// `poll_close`).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::compat::FuturesAsyncWriteCompatExt;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut w = futures::io::Cursor::new(Vec::new()).compat_write();
    /// w.write_u8(9).await?;
    /// w.shutdown().await?;
    /// assert_eq!(w.into_inner().into_inner(), [9]);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn compat_write(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: futures_io::AsyncWrite> FuturesAsyncWriteCompatExt for T {}

/// Adapts a weft [`AsyncRead`] to `futures_io::AsyncRead`.
pub trait WeftAsyncReadCompatExt: AsyncRead {
    /// Wraps `self` so it implements `futures_io::AsyncRead` (and `AsyncBufRead`, `AsyncSeek`
    /// when it implements weft's versions).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::io::AsyncReadExt;
    /// use weft::io::compat::WeftAsyncReadCompatExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut r = std::io::Cursor::new(b"abc".to_vec()).compat();
    /// let mut s = String::new();
    /// r.read_to_string(&mut s).await?;
    /// assert_eq!(s, "abc");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn compat(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: AsyncRead> WeftAsyncReadCompatExt for T {}

/// Adapts a weft [`AsyncWrite`] to `futures_io::AsyncWrite`.
pub trait WeftAsyncWriteCompatExt: AsyncWrite {
    /// Wraps `self` so it implements `futures_io::AsyncWrite` (`poll_close` becomes
    /// `poll_shutdown`).
    ///
    /// # Examples
    ///
    /// ```
    /// use futures::io::AsyncWriteExt;
    /// use weft::io::compat::WeftAsyncWriteCompatExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut w = std::io::Cursor::new(Vec::new()).compat_write();
    /// w.write_all(b"xyz").await?;
    /// w.close().await?;
    /// assert_eq!(w.get_ref().get_ref(), b"xyz");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn compat_write(self) -> Compat<Self>
    where
        Self: Sized,
    {
        Compat::new(self)
    }
}

impl<T: AsyncWrite> WeftAsyncWriteCompatExt for T {}

// ---- futures → weft ----

impl<T: futures_io::AsyncRead> AsyncRead for Compat<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // `futures` readers take an initialised slice.
        let slice = buf.initialize_unfilled();
        let n = ready!(futures_io::AsyncRead::poll_read(
            self.project().inner,
            cx,
            slice
        ))?;
        assert!(
            n <= slice.len(),
            "futures_io::AsyncRead::poll_read reported more bytes than the buffer holds"
        );
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl<T: futures_io::AsyncWrite> AsyncWrite for Compat<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(self.project().inner, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write_vectored(self.project().inner, cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        // `futures` writers do not say; their `poll_write_vectored` is at worst the default.
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_flush(self.project().inner, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_close(self.project().inner, cx)
    }
}

impl<T: futures_io::AsyncBufRead> AsyncBufRead for Compat<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        futures_io::AsyncBufRead::poll_fill_buf(self.project().inner, cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        futures_io::AsyncBufRead::consume(self.project().inner, amt)
    }
}

impl<T: futures_io::AsyncSeek> AsyncSeek for Compat<T> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        *self.project().seek_pos = Some(pos);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.project();
        let pos = me.seek_pos.unwrap_or(SeekFrom::Current(0));
        let res = ready!(futures_io::AsyncSeek::poll_seek(me.inner, cx, pos));
        *me.seek_pos = None;
        Poll::Ready(res)
    }
}

// ---- weft → futures ----

impl<T: AsyncRead> futures_io::AsyncRead for Compat<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        poll_read_slice(self.project().inner, cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        match bufs.iter_mut().find(|b| !b.is_empty()) {
            Some(buf) => poll_read_slice(self.project().inner, cx, buf),
            None => poll_read_slice(self.project().inner, cx, &mut []),
        }
    }
}

impl<T: AsyncWrite> futures_io::AsyncWrite for Compat<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        AsyncWrite::poll_write(self.project().inner, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        AsyncWrite::poll_write_vectored(self.project().inner, cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        AsyncWrite::poll_flush(self.project().inner, cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        AsyncWrite::poll_shutdown(self.project().inner, cx)
    }
}

impl<T: AsyncBufRead> futures_io::AsyncBufRead for Compat<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        AsyncBufRead::poll_fill_buf(self.project().inner, cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        AsyncBufRead::consume(self.project().inner, amt)
    }
}

impl<T: AsyncSeek> futures_io::AsyncSeek for Compat<T> {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let me = self.project();
        let mut inner = me.inner;
        if *me.seek_started != Some(pos) {
            // Let an earlier, abandoned seek finish before starting this one.
            ready!(inner.as_mut().poll_complete(cx))?;
            inner.as_mut().start_seek(pos)?;
            *me.seek_started = Some(pos);
        }
        let res = ready!(inner.poll_complete(cx));
        *me.seek_started = None;
        Poll::Ready(res)
    }
}

/// Reads into an initialised slice through weft's `ReadBuf` API.
pub(crate) fn poll_read_slice<R: AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut read_buf = ReadBuf::new(buf);
    ready!(reader.poll_read(cx, &mut read_buf))?;
    Poll::Ready(Ok(read_buf.filled().len()))
}
