//! [`Lines`] and [`Split`]: a buffered reader cut into lines or delimited segments.

use super::buf_read::read_until_internal;
use super::read::invalid_utf8;
use crate::io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// The lines of a buffered reader, without their `\n` or `\r\n` ending.
    ///
    /// Created by [`AsyncBufReadExt::lines`](crate::io::AsyncBufReadExt::lines). The partly read
    /// line is kept in the `Lines` between calls, which makes
    /// [`next_line`](Lines::next_line) cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let reader: &[u8] = b"one\r\ntwo\nthree";
    /// let mut lines = reader.lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("one"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("two"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("three"));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Lines<R> {
        #[pin]
        reader: R,
        bytes: Vec<u8>,
        read: usize,
    }
}

pub(crate) fn lines<R: AsyncBufRead>(reader: R) -> Lines<R> {
    Lines {
        reader,
        bytes: Vec::new(),
        read: 0,
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Returns the next line, or `None` at end of file.
    ///
    /// The line ending (`\n` or `\r\n`) is removed. A last line without an ending is returned
    /// as it is.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn next_line(&mut self) -> io::Result<Option<String>>;
    /// ```
    ///
    /// # Errors
    ///
    /// A line that is not valid UTF-8 fails with
    /// [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) (the line is skipped). An
    /// I/O error is returned as it is; the part of the line read before it is kept, and the
    /// next call continues that line.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no line was lost; the part read so far stays in the `Lines`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut lines = (&b"a\nb\n"[..]).lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     assert_eq!(line.len(), 1);
    /// }
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn next_line(&mut self) -> io::Result<Option<String>>
    where
        R: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Polls for the next line: `Ready(Ok(Some(line)))`, `Ready(Ok(None))` at end of file, or
    /// `Pending` after arranging for the task to be woken when more data arrives.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut lines = (&b"x\n"[..]).lines();
    /// let line = poll_fn(|cx| Pin::new(&mut lines).poll_next_line(cx)).await?;
    /// assert_eq!(line.as_deref(), Some("x"));
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let me = self.project();
        let n = ready!(read_until_internal(me.reader, cx, b'\n', me.bytes, me.read))?;
        if n == 0 && me.bytes.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut bytes = std::mem::take(me.bytes);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        Poll::Ready(String::from_utf8(bytes).map(Some).map_err(invalid_utf8))
    }

    /// Gets a reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let lines = (&b"a"[..]).lines();
    /// assert_eq!(*lines.get_ref(), b"a");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Gets a mutable reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let mut lines = (&b"a"[..]).lines();
    /// *lines.get_mut() = b"b";
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Consumes the `Lines`, returning the inner reader. A partly read line is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let lines = (&b"a"[..]).lines();
    /// assert_eq!(lines.into_inner(), b"a");
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }
}

pin_project! {
    /// The segments of a buffered reader between occurrences of a delimiter byte, without the
    /// delimiter.
    ///
    /// Created by [`AsyncBufReadExt::split`](crate::io::AsyncBufReadExt::split). The partly read
    /// segment is kept between calls, which makes [`next_segment`](Split::next_segment) cancel
    /// safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut segments = BufReader::new(&b"a,bc,"[..]).split(b',');
    /// assert_eq!(segments.next_segment().await?, Some(b"a".to_vec()));
    /// assert_eq!(segments.next_segment().await?, Some(b"bc".to_vec()));
    /// assert_eq!(segments.next_segment().await?, None);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Split<R> {
        #[pin]
        reader: R,
        buf: Vec<u8>,
        delim: u8,
        read: usize,
    }
}

pub(crate) fn split<R: AsyncBufRead>(reader: R, delim: u8) -> Split<R> {
    Split {
        reader,
        buf: Vec::new(),
        delim,
        read: 0,
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Returns the next segment, or `None` at end of file.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>>;
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was lost; the part read so far stays in the `Split`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut segments = BufReader::new(&b"x;y"[..]).split(b';');
    /// assert_eq!(segments.next_segment().await?.as_deref(), Some(&b"x"[..]));
    /// assert_eq!(segments.next_segment().await?.as_deref(), Some(&b"y"[..]));
    /// assert_eq!(segments.next_segment().await?, None);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>>
    where
        R: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }

    /// Polls for the next segment: `Ready(Ok(Some(segment)))`, `Ready(Ok(None))` at end of
    /// file, or `Pending` after arranging for the task to be woken when more data arrives.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut segments = BufReader::new(&b"x;"[..]).split(b';');
    /// let seg = poll_fn(|cx| Pin::new(&mut segments).poll_next_segment(cx)).await?;
    /// assert_eq!(seg, Some(b"x".to_vec()));
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let me = self.project();
        let n = ready!(read_until_internal(
            me.reader, cx, *me.delim, me.buf, me.read
        ))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if me.buf.last() == Some(me.delim) {
            me.buf.pop();
        }
        Poll::Ready(Ok(Some(std::mem::take(me.buf))))
    }
}
