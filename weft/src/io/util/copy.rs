//! [`copy`], [`copy_buf`] and the transfer loop they share with `copy_bidirectional`.

use super::buf_reader::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};
use crate::runtime::coop;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The buffer and progress of one direction of a copy.
#[derive(Debug)]
pub(crate) struct CopyBuffer {
    read_done: bool,
    need_flush: bool,
    pos: usize,
    cap: usize,
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(crate) fn new(size: usize) -> Self {
        CopyBuffer {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; size].into_boxed_slice(),
        }
    }

    /// Reads into the free space at the end of the buffer.
    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        let mut buf = ReadBuf::new(&mut self.buf[self.cap..]);
        let res = reader.poll_read(cx, &mut buf);
        if let Poll::Ready(Ok(())) = res {
            let n = buf.filled().len();
            if n == 0 {
                self.read_done = true;
            } else {
                self.cap += n;
            }
        }
        res
    }

    /// Writes the buffered data; while the writer is not ready, tops the buffer up so the next
    /// write can be larger.
    fn poll_write_buf<R: AsyncRead + ?Sized, W: AsyncWrite + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>> {
        match writer.poll_write(cx, &self.buf[self.pos..self.cap]) {
            Poll::Pending => {
                if !self.read_done && self.cap < self.buf.len() {
                    // The read result is looked at by the next `poll_copy`: an error or an
                    // end of file is remembered there (`read_done`) or returned again.
                    match self.poll_fill_buf(cx, reader.as_mut()) {
                        Poll::Ready(Err(e)) if e.kind() != io::ErrorKind::Interrupted => {
                            return Poll::Ready(Err(e))
                        }
                        _ => {}
                    }
                }
                Poll::Pending
            }
            res => res,
        }
    }

    /// Copies until the reader ends and everything is written and flushed; returns the total.
    pub(crate) fn poll_copy<R: AsyncRead + ?Sized, W: AsyncWrite + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>> {
        // One budget unit per poll: a copy between two always-ready objects must still yield.
        let mut coop = ready!(coop::poll_proceed(cx));
        loop {
            if self.cap < self.buf.len() && !self.read_done {
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => coop.made_progress(),
                    // As std's `copy`: an interrupted read or write is retried.
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Poll::Ready(Err(e)) => {
                        coop.made_progress();
                        return Poll::Ready(Err(e));
                    }
                    Poll::Pending => {
                        // With data buffered we can still write; otherwise wait, but flush
                        // first: the reader's peer may be waiting for what we wrote.
                        if self.pos == self.cap {
                            if self.need_flush {
                                ready!(writer.as_mut().poll_flush(cx))?;
                                coop.made_progress();
                                self.need_flush = false;
                            }
                            return Poll::Pending;
                        }
                    }
                }
            }

            while self.pos < self.cap {
                let n = match ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut())) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    res => res?,
                };
                coop.made_progress();
                if n == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "copy: the writer accepted 0 bytes",
                    )));
                }
                assert!(
                    n <= self.cap - self.pos,
                    "AsyncWrite::poll_write reported more bytes written than it was given"
                );
                self.pos += n;
                self.amt += n as u64;
                self.need_flush = true;
            }

            self.pos = 0;
            self.cap = 0;

            if self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                coop.made_progress();
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// Copies the entire contents of a reader into a writer, and returns how many bytes were
/// copied.
///
/// Reads into an 8 KiB buffer and writes it out until the reader reaches end of file, then
/// flushes the writer. To copy from an [`AsyncBufRead`] without the extra buffer, use
/// [`copy_buf`].
///
/// # Errors
///
/// Returns the first error of the reader or the writer (`Interrupted` errors are retried), and
/// [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero) if the writer accepts 0 bytes.
///
/// # Cancel safety
///
/// This function is not cancel safe: if it is used as a branch of `select!` and another branch
/// completes first, data read but not yet written is lost.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer = Vec::new();
/// let n = weft::io::copy(&mut reader, &mut writer).await?;
/// assert_eq!(n, 5);
/// assert_eq!(writer, b"hello");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = CopyBuffer::new(DEFAULT_BUF_SIZE);
    poll_fn(|cx| buf.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Copies the entire contents of a buffered reader into a writer, using the reader's own
/// buffer, and returns how many bytes were copied.
///
/// Flushes the writer when the reader reaches end of file.
///
/// # Errors
///
/// Returns the first error of the reader or the writer (`Interrupted` errors are retried), and
/// [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero) if the writer accepts 0 bytes.
///
/// # Cancel safety
///
/// This function is cancel safe in the sense that no data is lost: data the writer has not
/// taken stays in the reader's buffer. The returned count restarts at 0 on a new call.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer = Vec::new();
/// let n = weft::io::copy_buf(&mut reader, &mut writer).await?;
/// assert_eq!(n, 5);
/// assert_eq!(writer, b"hello");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut state = CopyBufState {
        amt: 0,
        need_flush: false,
    };
    poll_fn(|cx| {
        poll_copy_buf(
            cx,
            Pin::new(&mut *reader),
            Pin::new(&mut *writer),
            &mut state,
        )
    })
    .await
}

struct CopyBufState {
    amt: u64,
    /// Written since the last flush: flush before waiting on the reader, whose peer may be
    /// waiting for what the writer holds (a buffered writer proxying back to it).
    need_flush: bool,
}

fn poll_copy_buf<R: AsyncBufRead + ?Sized, W: AsyncWrite + ?Sized>(
    cx: &mut Context<'_>,
    mut reader: Pin<&mut R>,
    mut writer: Pin<&mut W>,
    state: &mut CopyBufState,
) -> Poll<io::Result<u64>> {
    let mut coop = ready!(coop::poll_proceed(cx));
    loop {
        let buf = match reader.as_mut().poll_fill_buf(cx) {
            Poll::Ready(Ok(buf)) => buf,
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {
                if state.need_flush {
                    ready!(writer.as_mut().poll_flush(cx))?;
                    state.need_flush = false;
                }
                return Poll::Pending;
            }
        };
        coop.made_progress();
        if buf.is_empty() {
            ready!(writer.as_mut().poll_flush(cx))?;
            return Poll::Ready(Ok(state.amt));
        }
        let len = buf.len();
        let n = match ready!(writer.as_mut().poll_write(cx, buf)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            res => res?,
        };
        if n == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "copy_buf: the writer accepted 0 bytes",
            )));
        }
        assert!(
            n <= len,
            "AsyncWrite::poll_write reported more bytes written than it was given"
        );
        reader.as_mut().consume(n);
        state.amt += n as u64;
        state.need_flush = true;
    }
}
