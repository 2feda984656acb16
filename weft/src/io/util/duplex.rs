//! In-memory pipes: [`duplex`] / [`DuplexStream`] and [`simplex`] / [`SimplexStream`].

use super::split::{split, ReadHalf, WriteHalf};
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::coop;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// A bidirectional in-memory pipe, one end of a pair made by [`duplex`].
///
/// Bytes written to one end are read from the other. Each direction buffers at most
/// `max_buf_size` bytes; a write to a full direction waits for the peer to read.
///
/// Dropping an end closes both directions: the peer reads end of file after the buffered
/// data, and its writes fail with [`ErrorKind::BrokenPipe`](std::io::ErrorKind::BrokenPipe).
/// [`shutdown`](crate::io::AsyncWriteExt::shutdown) closes only this end's write direction.
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut client, mut server) = weft::io::duplex(64);
/// client.write_all(b"ping").await?;
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<Pipe>>,
    write: Arc<Mutex<Pipe>>,
}

/// A unidirectional in-memory pipe with a bounded buffer.
///
/// Bytes written to it are read back from it; made by [`simplex`] (already split into a read
/// half and a write half) or [`SimplexStream::new_unsplit`]. A write to a full buffer waits for
/// a read. After [`shutdown`](crate::io::AsyncWriteExt::shutdown) the reader gets the buffered
/// data, then end of file, and writes fail with
/// [`ErrorKind::BrokenPipe`](std::io::ErrorKind::BrokenPipe).
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let mut pipe = weft::io::SimplexStream::new_unsplit(16);
/// pipe.write_all(b"abc").await?;
/// let mut buf = [0u8; 3];
/// pipe.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"abc");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct SimplexStream {
    pipe: Pipe,
}

/// One direction: a bounded byte buffer plus the wakers of a blocked reader and writer.
struct Pipe {
    /// Unread bytes are `buf[start..]`.
    buf: Vec<u8>,
    start: usize,
    max_buf_size: usize,
    /// No more bytes will be written (shutdown or a dropped end); reads drain then end.
    is_closed: bool,
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

/// Creates a connected pair of [`DuplexStream`]s, each direction buffering at most
/// `max_buf_size` bytes.
///
/// # Panics
///
/// If `max_buf_size` is 0 (as tokio 1.54): every write would wait forever.
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut a, mut b) = weft::io::duplex(8);
/// b.write_all(b"pong").await?;
/// drop(b);
/// let mut s = String::new();
/// a.read_to_string(&mut s).await?;
/// assert_eq!(s, "pong");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    let two = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// Creates a unidirectional in-memory pipe buffering at most `max_buf_size` bytes, already
/// split into its read half and write half.
///
/// # Panics
///
/// If `max_buf_size` is 0, as [`duplex`].
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut rx, mut tx) = weft::io::simplex(16);
/// tx.write_all(b"hi").await?;
/// tx.shutdown().await?;
/// let mut s = String::new();
/// rx.read_to_string(&mut s).await?;
/// assert_eq!(s, "hi");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

impl SimplexStream {
    /// Creates a unidirectional pipe buffering at most `max_buf_size` bytes, as one value that
    /// is both read from and written to (see [`simplex`] for the split form).
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is 0, as [`duplex`].
    ///
    /// # Examples
    ///
    /// ```
    /// let _pipe = weft::io::SimplexStream::new_unsplit(1024);
    /// ```
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        SimplexStream {
            pipe: Pipe::new(max_buf_size),
        }
    }
}

impl Pipe {
    #[track_caller]
    fn new(max_buf_size: usize) -> Self {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        Pipe {
            buf: Vec::new(),
            start: 0,
            max_buf_size,
            is_closed: false,
            read_waker: None,
            write_waker: None,
        }
    }

    fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The writer is gone: the reader drains what is left, then sees end of file.
    fn close_write(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.read_waker.take()
    }

    /// The reader is gone: writes fail from now on.
    fn close_read(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.write_waker.take()
    }

    /// `w.wake` receives the waker of a writer that now has room; the caller wakes it once
    /// the lock is released, so the woken task does not find the pipe still locked.
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        w: &mut Deferred,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            // Nothing asked for: done at once, as a zero-length read of a socket is.
            Poll::Ready(Ok(()))
        } else if self.buffered() > 0 {
            let n = std::cmp::min(self.buffered(), buf.remaining());
            buf.put_slice(&self.buf[self.start..self.start + n]);
            self.start += n;
            if self.start == self.buf.len() {
                self.buf.clear();
                self.start = 0;
            }
            w.wake = self.write_waker.take();
            Poll::Ready(Ok(()))
        } else if self.is_closed {
            Poll::Ready(Ok(()))
        } else {
            w.replaced = set_waker(&mut self.read_waker, cx);
            Poll::Pending
        }
    }

    /// As `poll_read`, with `w.wake` receiving the waker of a reader that now has data.
    fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        w: &mut Deferred,
    ) -> Poll<io::Result<usize>> {
        if self.is_closed {
            return Poll::Ready(Err(broken_pipe()));
        }
        if bufs.iter().all(|b| b.is_empty()) {
            // Nothing to write: done at once even when the buffer is full.
            return Poll::Ready(Ok(0));
        }
        let room = self.max_buf_size.saturating_sub(self.buffered());
        if room == 0 {
            w.replaced = set_waker(&mut self.write_waker, cx);
            return Poll::Pending;
        }
        if self.start > 0 && self.start >= self.buffered() {
            // Move the unread bytes to the front once the consumed prefix is at least as
            // long: the copy is paid for by the reads that consumed it, and the allocation
            // stays under twice `max_buf_size`.
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let mut written = 0;
        for b in bufs {
            let n = std::cmp::min(b.len(), room - written);
            self.buf.extend_from_slice(&b[..n]);
            written += n;
            if written == room {
                break;
            }
        }
        if written > 0 {
            w.wake = self.read_waker.take();
        }
        Poll::Ready(Ok(written))
    }
}

impl std::fmt::Debug for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The buffered bytes themselves would flood the output.
        f.debug_struct("Pipe")
            .field("buffered", &self.buffered())
            .field("max_buf_size", &self.max_buf_size)
            .field("is_closed", &self.is_closed)
            .finish_non_exhaustive()
    }
}

/// Stores the task's waker; returns the one it replaces, for the caller to drop once the
/// pipe is unlocked (dropping a waker can run arbitrary code, such as dropping the other end
/// of this very pipe, which locks it).
#[must_use]
fn set_waker(slot: &mut Option<Waker>, cx: &mut Context<'_>) -> Option<Waker> {
    match slot {
        Some(w) if w.will_wake(cx.waker()) => None,
        _ => slot.replace(cx.waker().clone()),
    }
}

/// What a pipe operation leaves to do after the lock is released.
#[derive(Default)]
struct Deferred {
    /// The peer the operation unblocked.
    wake: Option<Waker>,
    /// The waker the operation replaced.
    replaced: Option<Waker>,
}

fn broken_pipe() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the in-memory pipe is closed: it was shut down for writing, or its reading end was dropped",
    )
}

/// Runs a pipe operation under the cooperative budget (one unit per operation that makes
/// progress), then wakes the peer the operation unblocked. `op` must release the pipe's lock
/// before returning.
fn budgeted<T>(
    cx: &mut Context<'_>,
    op: impl FnOnce(&mut Context<'_>, &mut Deferred) -> Poll<io::Result<T>>,
) -> Poll<io::Result<T>> {
    let mut coop = ready!(coop::poll_proceed(cx));
    let mut deferred = Deferred::default();
    let res = op(cx, &mut deferred);
    if res.is_ready() {
        coop.made_progress();
    }
    if let Some(w) = deferred.wake {
        w.wake();
    }
    drop(deferred.replaced);
    res
}

fn wake(waker: Option<Waker>) {
    if let Some(w) = waker {
        w.wake();
    }
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        budgeted(cx, |cx, w| self.read.lock().poll_read(cx, buf, w))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx, w| {
            self.write.lock().poll_write(cx, &[IoSlice::new(buf)], w)
        })
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx, w| self.write.lock().poll_write(cx, bufs, w))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let reader = self.write.lock().close_write();
        wake(reader);
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // The peer reads what we wrote, then end of file; its writes to us fail.
        let reader = self.write.lock().close_write();
        let writer = self.read.lock().close_read();
        wake(reader);
        wake(writer);
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        budgeted(cx, |cx, w| self.pipe.poll_read(cx, buf, w))
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx, w| {
            self.pipe.poll_write(cx, &[IoSlice::new(buf)], w)
        })
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx, w| self.pipe.poll_write(cx, bufs, w))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let reader = self.pipe.close_write();
        wake(reader);
        Poll::Ready(Ok(()))
    }
}
