//! [`BufWriter`]: adds a write buffer to any writer.

use super::buf_reader::DEFAULT_BUF_SIZE;
use super::write::write_zero;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Adds buffering to a writer.
    ///
    /// Many small writes to an unbuffered writer each cost a system call; a `BufWriter` gathers
    /// them in memory and writes large chunks. Writes at least as large as the buffer go
    /// straight through.
    ///
    /// Call [`flush`](crate::io::AsyncWriteExt::flush) (or
    /// [`shutdown`](crate::io::AsyncWriteExt::shutdown)) before dropping a `BufWriter`: a drop
    /// cannot wait for I/O, so data still buffered then is lost. Reads and seeks pass through
    /// (a seek writes the buffer out first).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # futures::executor::block_on(async {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"hello").await?;
    /// assert_eq!(writer.buffer(), b"hello");
    /// writer.flush().await?;
    /// assert_eq!(writer.get_ref(), b"hello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub struct BufWriter<W> {
        #[pin]
        pub(super) inner: W,
        pub(super) buf: Vec<u8>,
        pub(super) written: usize,
        pub(super) seek_state: SeekState,
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    Init,
    Start(SeekFrom),
    Pending,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Creates a `BufWriter` with the default buffer capacity (8 KiB).
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a `BufWriter` with a buffer of `cap` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = weft::io::BufWriter::with_capacity(16, Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn with_capacity(cap: usize, inner: W) -> Self {
        BufWriter {
            inner,
            buf: Vec::with_capacity(cap),
            written: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Writes the buffered data to the inner writer.
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut me = self.project();
        let len = me.buf.len();
        let mut ret = Ok(());
        while *me.written < len {
            match ready!(me.inner.as_mut().poll_write(cx, &me.buf[*me.written..])) {
                Ok(0) => {
                    ret = Err(write_zero());
                    break;
                }
                Ok(n) => *me.written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    ret = Err(e);
                    break;
                }
            }
        }
        // On `Pending` (the early return above) `written` remembers the progress; here the
        // written part leaves the buffer.
        if *me.written > 0 {
            me.buf.drain(..*me.written);
        }
        *me.written = 0;
        Poll::Ready(ret)
    }
}

impl<W: AsyncWrite> BufWriter<W> {
    /// `poll_write_vectored` over an inner writer without vectored writes: gather as many
    /// whole slices as fit into the buffer (the first non-empty one after a flush if need
    /// be), so the inner writer later gets one large write instead of one per slice. A
    /// first slice at least as large as the buffer goes straight to the inner writer.
    fn poll_write_gathered(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut rest = bufs.iter().skip_while(|b| b.is_empty());
        let Some(first) = rest.next() else {
            return Poll::Ready(Ok(0));
        };
        if self.buf.len() + first.len() > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if first.len() >= me.buf.capacity() {
            return me.inner.poll_write(cx, first);
        }
        me.buf.extend_from_slice(first);
        let mut total = first.len();
        for b in rest {
            if me.buf.len() + b.len() > me.buf.capacity() {
                break;
            }
            me.buf.extend_from_slice(b);
            total += b.len();
        }
        Poll::Ready(Ok(total))
    }
}

impl<W> BufWriter<W> {
    /// Gets a reference to the inner writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.get_ref().is_empty());
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Gets a mutable reference to the inner writer. Writing to it directly bypasses (and
    /// overtakes) the buffered data.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// writer.get_mut().push(1);
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the inner writer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut writer = pin!(weft::io::BufWriter::new(Vec::<u8>::new()));
    /// let _inner = writer.as_mut().get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().inner
    }

    /// Consumes the `BufWriter`, returning the inner writer. Buffered data is lost: flush
    /// first.
    ///
    /// # Examples
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.into_inner().is_empty());
    /// ```
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns the data buffered but not yet written.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # futures::executor::block_on(async {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"x").await?;
    /// assert_eq!(writer.buffer(), b"x");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.written..]
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.buf.len() + buf.len() > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if buf.len() >= me.buf.capacity() {
            me.inner.poll_write(cx, buf)
        } else {
            me.buf.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if !self.inner.is_write_vectored() {
            return self.poll_write_gathered(cx, bufs);
        }
        let total = bufs
            .iter()
            .fold(0usize, |acc, b| acc.saturating_add(b.len()));
        if self.buf.len() + total > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if total >= me.buf.capacity() {
            // Too big to gather: hand the slices to the inner writer as they are.
            me.inner.poll_write_vectored(cx, bufs)
        } else {
            for b in bufs {
                me.buf.extend_from_slice(b);
            }
            Poll::Ready(Ok(total))
        }
    }

    fn is_write_vectored(&self) -> bool {
        // Small slices are gathered into the buffer, so vectored writes are always cheap.
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    /// Starts a seek; the buffer is written out before the inner writer seeks.
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        *self.project().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let pos = match self.seek_state {
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(pos) => Some(pos),
            SeekState::Pending => None,
        };
        if let Some(pos) = pos {
            ready!(self.as_mut().flush_buf(cx))?;
            *self.as_mut().project().seek_state = SeekState::Pending;
            self.as_mut().get_pin_mut().start_seek(pos)?;
        }
        let res = ready!(self.as_mut().get_pin_mut().poll_complete(cx));
        *self.as_mut().project().seek_state = SeekState::Init;
        Poll::Ready(res)
    }
}

impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.buf.len() - self.written, self.buf.capacity()),
            )
            .finish()
    }
}
