//! [`BufReader`]: adds a read buffer to any reader.

use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::{cmp, fmt};

/// The buffer size of `BufReader`, `BufWriter` and `copy` unless told otherwise (tokio's).
pub(crate) const DEFAULT_BUF_SIZE: usize = 8 * 1024;

pin_project! {
    /// Adds buffering to a reader.
    ///
    /// Many small reads from an unbuffered reader (a socket, a file) each cost a system call; a
    /// `BufReader` reads large chunks into memory and serves small reads from there. It also
    /// implements [`AsyncBufRead`], which line-based reading needs. It passes writes through to
    /// the inner object unchanged.
    ///
    /// Data buffered but not yet read is lost when the `BufReader` is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut lines = BufReader::new(&b"a\nb\n"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("a"));
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub struct BufReader<R> {
        #[pin]
        pub(super) inner: R,
        pub(super) buf: Box<[u8]>,
        pub(super) pos: usize,
        pub(super) cap: usize,
        pub(super) seek_state: SeekState,
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek in progress.
    Init,
    /// `start_seek` was called; the inner seek has not started.
    Start(SeekFrom),
    /// A relative seek too large to combine with the buffered remainder: first undo the
    /// remainder, then seek by the stored offset.
    PendingOverflowed(i64),
    /// The inner seek is running.
    Pending,
}

impl<R: AsyncRead> BufReader<R> {
    /// Creates a `BufReader` with the default buffer capacity (8 KiB).
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(reader.capacity(), 8 * 1024);
    /// ```
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a `BufReader` with a buffer of `capacity` bytes.
    ///
    /// # Panics
    ///
    /// If `capacity` is zero (as tokio 1.54 does): a reader with no buffer could never fill
    /// one, so `fill_buf` would keep returning an empty slice that reads as end of stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = weft::io::BufReader::with_capacity(16, &b"data"[..]);
    /// assert_eq!(reader.capacity(), 16);
    /// ```
    #[track_caller]
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        assert!(capacity > 0, "capacity must be greater than zero");
        BufReader {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            cap: 0,
            seek_state: SeekState::Init,
        }
    }
}

impl<R> BufReader<R> {
    /// Gets a reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(*reader.get_ref(), b"data");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the inner reader. Reading from it directly skips the
    /// buffered data.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut reader = weft::io::BufReader::new(&b"data"[..]);
    /// *reader.get_mut() = b"other";
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
    ///
    /// let mut reader = pin!(weft::io::BufReader::new(&b"data"[..]));
    /// let _inner = reader.as_mut().get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// Consumes the `BufReader`, returning the inner reader. Buffered data is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(reader.into_inner(), b"data");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns the data buffered but not yet read.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncReadExt, BufReader};
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader = BufReader::new(&b"hello"[..]);
    /// let mut b = [0u8; 1];
    /// reader.read_exact(&mut b).await?;
    /// assert_eq!(reader.buffer(), b"ello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.cap]
    }

    /// Returns the capacity of the internal buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let reader = weft::io::BufReader::with_capacity(100, &b""[..]);
    /// assert_eq!(reader.capacity(), 100);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    fn discard_buffer(self: Pin<&mut Self>) {
        let me = self.project();
        *me.pos = 0;
        *me.cap = 0;
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // A read at least as large as our buffer, with nothing buffered, gains nothing from
        // going through the buffer: read straight into the caller's.
        if self.pos == self.cap && buf.remaining() >= self.buf.len() {
            let res = ready!(self.as_mut().get_pin_mut().poll_read(cx, buf));
            self.discard_buffer();
            return Poll::Ready(res);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = cmp::min(available.len(), buf.remaining());
        buf.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.pos >= *me.cap {
            debug_assert_eq!(*me.pos, *me.cap);
            let mut buf = ReadBuf::new(me.buf);
            ready!(me.inner.poll_read(cx, &mut buf))?;
            *me.cap = buf.filled().len();
            *me.pos = 0;
        }
        Poll::Ready(Ok(&me.buf[*me.pos..*me.cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        *me.pos = cmp::min(*me.pos + amt, *me.cap);
    }
}

impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    /// Starts a seek. `SeekFrom::Current` is relative to the position of the data the
    /// `BufReader` returns next (so it accounts for the buffered data); the buffer is discarded
    /// once the seek completes.
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        *self.project().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let state = std::mem::replace(self.as_mut().project().seek_state, SeekState::Init);
        let res = match state {
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(SeekFrom::Current(n)) => {
                // The inner reader is `remainder` bytes ahead of what we return next.
                let remainder = (self.cap - self.pos) as i64;
                match n.checked_sub(remainder) {
                    Some(offset) => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(offset))?;
                    }
                    None => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(-remainder))?;
                        return self.poll_overflowed(cx, n);
                    }
                }
                self.as_mut().get_pin_mut().poll_complete(cx)
            }
            SeekState::Start(pos) => {
                self.as_mut().get_pin_mut().start_seek(pos)?;
                self.as_mut().get_pin_mut().poll_complete(cx)
            }
            SeekState::PendingOverflowed(n) => return self.poll_overflowed(cx, n),
            SeekState::Pending => self.as_mut().get_pin_mut().poll_complete(cx),
        };
        self.finish_seek(res)
    }
}

impl<R: AsyncRead + AsyncSeek> BufReader<R> {
    /// Waits for the seek that undoes the buffered remainder, then seeks by `n`.
    fn poll_overflowed(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        n: i64,
    ) -> Poll<io::Result<u64>> {
        match self.as_mut().get_pin_mut().poll_complete(cx) {
            Poll::Pending => {
                *self.as_mut().project().seek_state = SeekState::PendingOverflowed(n);
                return Poll::Pending;
            }
            Poll::Ready(res) => res?,
        };
        self.as_mut().discard_buffer();
        self.as_mut()
            .get_pin_mut()
            .start_seek(SeekFrom::Current(n))?;
        let res = self.as_mut().get_pin_mut().poll_complete(cx);
        self.finish_seek(res)
    }

    fn finish_seek(mut self: Pin<&mut Self>, res: Poll<io::Result<u64>>) -> Poll<io::Result<u64>> {
        match res {
            Poll::Ready(res) => {
                self.discard_buffer();
                Poll::Ready(res)
            }
            Poll::Pending => {
                *self.as_mut().project().seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.get_ref().is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.cap - self.pos, self.buf.len()),
            )
            .finish()
    }
}
