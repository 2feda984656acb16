//! [`join`]: a separate reader and writer as one stream.

use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Joins a reader and a writer into one value that implements both [`AsyncRead`] and
/// [`AsyncWrite`] (and [`AsyncBufRead`] if the reader does).
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let mut stream = weft::io::join(&b"in"[..], Vec::new());
/// let mut s = String::new();
/// stream.read_to_string(&mut s).await?;
/// stream.write_all(b"out").await?;
/// let (_reader, writer) = stream.into_inner();
/// assert_eq!((s.as_str(), &writer[..]), ("in", &b"out"[..]));
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub fn join<R, W>(reader: R, writer: W) -> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    Join { reader, writer }
}

pin_project! {
    /// A reader and a writer joined into one stream, created by [`join`].
    ///
    /// # Examples
    ///
    /// ```
    /// let joined = weft::io::join(weft::io::empty(), weft::io::sink());
    /// let (_r, _w) = joined.into_inner();
    /// ```
    #[derive(Debug)]
    pub struct Join<R, W> {
        #[pin]
        reader: R,
        #[pin]
        writer: W,
    }
}

impl<R, W> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    /// Splits the `Join` back into its reader and writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let (r, w) = weft::io::join(&b"x"[..], Vec::<u8>::new()).into_inner();
    /// assert_eq!((r, w.len()), (&b"x"[..], 0));
    /// ```
    pub fn into_inner(self) -> (R, W) {
        (self.reader, self.writer)
    }

    /// Gets a reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// let j = weft::io::join(&b"x"[..], Vec::<u8>::new());
    /// assert_eq!(*j.reader(), b"x");
    /// ```
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// Gets a reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let j = weft::io::join(&b"x"[..], Vec::<u8>::new());
    /// assert!(j.writer().is_empty());
    /// ```
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// Gets a mutable reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut j = weft::io::join(&b"x"[..], Vec::<u8>::new());
    /// *j.reader_mut() = b"y";
    /// ```
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Gets a mutable reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut j = weft::io::join(&b"x"[..], Vec::<u8>::new());
    /// j.writer_mut().push(1);
    /// ```
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Gets a pinned mutable reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut j = pin!(weft::io::join(weft::io::empty(), weft::io::sink()));
    /// let _r = j.as_mut().reader_pin_mut();
    /// ```
    pub fn reader_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().reader
    }

    /// Gets a pinned mutable reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut j = pin!(weft::io::join(weft::io::empty(), weft::io::sink()));
    /// let _w = j.as_mut().writer_pin_mut();
    /// ```
    pub fn writer_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().writer
    }
}

impl<R: AsyncRead, W> AsyncRead for Join<R, W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.project().reader.poll_read(cx, buf)
    }
}

impl<R, W: AsyncWrite> AsyncWrite for Join<R, W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().writer.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().writer.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.writer.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().writer.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().writer.poll_shutdown(cx)
    }
}

impl<R: AsyncBufRead, W> AsyncBufRead for Join<R, W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.project().reader.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().reader.consume(amt)
    }
}
