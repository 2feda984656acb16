//! [`Take`]: a reader limited to a number of bytes.

use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};
use pin_project_lite::pin_project;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// A reader that reads at most `limit` bytes from an inner reader, then reports end of file.
    ///
    /// Created by [`AsyncReadExt::take`](crate::io::AsyncReadExt::take).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let reader: &[u8] = b"hello world";
    /// let mut take = reader.take(5);
    /// let mut s = String::new();
    /// take.read_to_string(&mut s).await?;
    /// assert_eq!(s, "hello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    #[must_use = "readers do nothing unless you read from them"]
    pub struct Take<R> {
        #[pin]
        inner: R,
        limit: u64,
    }
}

pub(crate) fn take<R: AsyncRead>(inner: R, limit: u64) -> Take<R> {
    Take { inner, limit }
}

impl<R: AsyncRead> Take<R> {
    /// Returns the number of bytes that may still be read before end of file is reported.
    ///
    /// It counts down by the bytes actually read, so it is not changed by an end of file of the
    /// inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let reader: &[u8] = b"hello";
    /// let mut take = reader.take(3);
    /// let mut b = [0u8; 2];
    /// take.read_exact(&mut b).await?;
    /// assert_eq!(take.limit(), 1);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the number of bytes that may be read before end of file is reported.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"hello";
    /// let mut take = reader.take(3);
    /// take.set_limit(5);
    /// assert_eq!(take.limit(), 5);
    /// ```
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// Gets a reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"hello";
    /// let take = reader.take(3);
    /// assert_eq!(*take.get_ref(), b"hello");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the inner reader. Reading from it directly bypasses the limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"hello";
    /// let mut take = reader.take(3);
    /// *take.get_mut() = b"bye";
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    /// use weft::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"hello";
    /// let mut take = pin!(reader.take(3));
    /// let _inner = take.as_mut().get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// Consumes the `Take`, returning the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"hello";
    /// assert_eq!(reader.take(3).into_inner(), b"hello");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.limit == 0 {
            return Poll::Ready(Ok(()));
        }
        let me = self.project();
        let max = usize::try_from(*me.limit).unwrap_or(usize::MAX);
        let before = buf.filled().len();
        ready!(buf.with_sub_buf(max, |sub| me.inner.poll_read(cx, sub)))?;
        let n = buf.filled().len() - before;
        *me.limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let buf = ready!(me.inner.poll_fill_buf(cx))?;
        let cap = std::cmp::min(buf.len() as u64, *me.limit) as usize;
        Poll::Ready(Ok(&buf[..cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        // Never let the limit go below zero, whatever the caller passes.
        let amt = std::cmp::min(amt as u64, *me.limit) as usize;
        *me.limit -= amt as u64;
        me.inner.consume(amt);
    }
}
