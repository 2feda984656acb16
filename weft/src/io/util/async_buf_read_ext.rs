//! [`AsyncBufReadExt`]: the `async` methods of every [`AsyncBufRead`].

use super::buf_read::{read_line, read_until, ReadLine, ReadUntil};
use super::fill_buf::{fill_buf, FillBuf};
use super::lines::{lines, split, Lines, Split};
use crate::io::AsyncBufRead;
use std::pin::Pin;

/// Reads lines and delimited data from a buffered reader: the `async` methods every
/// [`AsyncBufRead`] gets.
///
/// Implemented for every `AsyncBufRead`; bring it into scope with
/// `use weft::io::AsyncBufReadExt`.
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncBufReadExt, BufReader};
///
/// # futures::executor::block_on(async {
/// let mut reader = BufReader::new(&b"name: weft\n"[..]);
/// let mut line = String::new();
/// reader.read_line(&mut line).await?;
/// assert_eq!(line, "name: weft\n");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads bytes into `buf` up to and including `byte`, or up to end of file; returns how
    /// many were read (0: end of file).
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// # Errors
    ///
    /// `Interrupted` errors are retried; other errors are returned, and the bytes read before
    /// them stay appended to `buf`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the sense that no data is lost: if it is used as a branch
    /// of `select!` and another branch completes first, the bytes read so far are appended to
    /// `buf`, and calling it again continues reading up to `byte` (its returned count restarts
    /// at 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"a-bc";
    /// let mut buf = Vec::new();
    /// assert_eq!(reader.read_until(b'-', &mut buf).await?, 2);
    /// assert_eq!(buf, b"a-");
    /// buf.clear();
    /// assert_eq!(reader.read_until(b'-', &mut buf).await?, 2);
    /// assert_eq!(buf, b"bc");
    /// assert_eq!(reader.read_until(b'-', &mut buf).await?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        read_until(self, byte, buf)
    }

    /// Reads a line (up to and including `\n`, or up to end of file) and appends it to `buf`;
    /// returns how many bytes were read (0: end of file).
    ///
    /// The line ending is kept. Use [`lines`](Self::lines) to get lines without it.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_line(&mut self, buf: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// # Errors
    ///
    /// As [`read_until`](Self::read_until); in addition, a line that is not valid UTF-8 fails
    /// with [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) (whose inner error is
    /// the [`Utf8Error`](std::str::Utf8Error), counted from the start of `buf`) and leaves
    /// `buf` unchanged. After an I/O error, `buf` holds the bytes read before it if they are
    /// valid UTF-8.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if it is used as a branch of `select!` and another
    /// branch completes first, the bytes read so far are lost (`buf` keeps its original
    /// contents). For a cancel-safe alternative use [`Lines::next_line`], or `read_until`
    /// with `b'\n'` and a UTF-8 check.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"one\ntwo";
    /// let mut line = String::new();
    /// assert_eq!(reader.read_line(&mut line).await?, 4);
    /// assert_eq!(reader.read_line(&mut line).await?, 3);
    /// assert_eq!(line, "one\ntwo");
    /// assert_eq!(reader.read_line(&mut line).await?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        read_line(self, buf)
    }

    /// Returns the segments of this reader between occurrences of `byte` (without it).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut segments = BufReader::new(&b"1 2"[..]).split(b' ');
    /// assert_eq!(segments.next_segment().await?, Some(b"1".to_vec()));
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized,
    {
        split(self, byte)
    }

    /// Returns the contents of the internal buffer, filling it from the inner reader first if
    /// it is empty. An empty slice means end of file.
    ///
    /// Call [`consume`](Self::consume) with the number of bytes used.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn fill_buf(&mut self) -> io::Result<&[u8]>;
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was lost (it stays in the buffer).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"abc";
    /// assert_eq!(reader.fill_buf().await?, b"abc");
    /// reader.consume(2);
    /// assert_eq!(reader.fill_buf().await?, b"c");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        fill_buf(self)
    }

    /// Marks `amt` bytes of the buffer returned by [`fill_buf`](Self::fill_buf) as used.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let mut reader: &[u8] = b"abc";
    /// reader.consume(1);
    /// assert_eq!(reader, b"bc");
    /// ```
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }

    /// Returns the lines of this reader, without their `\n` or `\r\n` ending.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut lines = (&b"a\r\nb"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("a"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("b"));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        lines(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}
