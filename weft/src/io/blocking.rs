//! [`Blocking`]: async I/O over a blocking `std::io` object, one operation at a time on the
//! blocking pool. Used by `stdin`/`stdout`/`stderr`.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::task::JoinHandle;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The most one blocking read or write moves (tokio's number).
pub(crate) const MAX_BUF: usize = 2 * 1024 * 1024;

/// A blocking object driven from async code.
///
/// While idle, `Blocking` holds the object and a buffer; an operation moves both into a
/// blocking-pool closure, which hands them back with the result. A write is accepted into the
/// buffer and reported done at once (its error, if any, surfaces on the next call), as in
/// tokio; `poll_flush` waits for it, so data is only known written after a flush.
#[derive(Debug)]
pub(crate) struct Blocking<T> {
    inner: Option<T>,
    state: State<T>,
    /// A write was issued since the last flush.
    need_flush: bool,
}

#[derive(Debug)]
enum State<T> {
    Idle(Option<Buf>),
    Busy(JoinHandle<(io::Result<usize>, Buf, T)>),
}

/// The bytes read but not yet returned, or accepted but not yet written.
#[derive(Debug, Default)]
struct Buf {
    buf: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = std::cmp::min(self.buf.len() - self.pos, dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.buf.len() {
            self.clear();
        }
        n
    }

    fn copy_from(&mut self, src: &[u8]) -> usize {
        debug_assert!(self.is_empty());
        let n = std::cmp::min(src.len(), MAX_BUF);
        self.buf.extend_from_slice(&src[..n]);
        n
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.pos = 0;
    }

    /// One blocking read of up to `len` bytes, retrying `Interrupted`.
    fn read_from<R: Read>(&mut self, rd: &mut R, len: usize) -> io::Result<usize> {
        debug_assert!(self.is_empty());
        self.buf.resize(len, 0);
        let res = loop {
            match rd.read(&mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        let n = *res.as_ref().unwrap_or(&0);
        self.buf.truncate(n);
        res
    }

    /// Writes the whole buffer.
    fn write_to<W: Write>(&mut self, wr: &mut W) -> io::Result<()> {
        let res = wr.write_all(&self.buf[self.pos..]);
        self.clear();
        res
    }
}

fn join_error(e: crate::task::JoinError) -> io::Error {
    io::Error::other(format!("blocking I/O task failed: {e}"))
}

impl<T> Blocking<T> {
    pub(crate) fn new(inner: T) -> Self {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::default())),
            need_flush: false,
        }
    }
}

impl<T> Blocking<T>
where
    T: Send + 'static,
{
    /// Waits for the operation in flight, if any, and puts the object and buffer back.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(io::Result<usize>, Buf)>> {
        match &mut self.state {
            State::Idle(buf) => Poll::Ready(Ok((Ok(0), buf.take().unwrap_or_default()))),
            State::Busy(handle) => {
                let (res, buf, inner) = ready!(Pin::new(handle).poll(cx)).map_err(join_error)?;
                self.inner = Some(inner);
                self.state = State::Idle(None);
                Poll::Ready(Ok((res, buf)))
            }
        }
    }

    fn start(
        &mut self,
        f: impl FnOnce(&mut T, &mut Buf) -> io::Result<usize> + Send + 'static,
        mut buf: Buf,
    ) {
        let mut inner = self
            .inner
            .take()
            .expect("Blocking: the object is present while idle");
        self.state = State::Busy(crate::task::spawn_blocking(move || {
            let res = f(&mut inner, &mut buf);
            (res, buf, inner)
        }));
    }
}

impl<T> AsyncRead for Blocking<T>
where
    T: Read + Send + Unpin + 'static,
{
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            let was_busy = matches!(me.state, State::Busy(_));
            let (res, mut buf) = ready!(me.poll_idle(cx))?;
            if was_busy {
                // The read we started has finished.
                let res = res.map(|_| {
                    buf.copy_to(dst);
                });
                me.state = State::Idle(Some(buf));
                return Poll::Ready(res);
            }
            if !buf.is_empty() {
                buf.copy_to(dst);
                me.state = State::Idle(Some(buf));
                return Poll::Ready(Ok(()));
            }
            if dst.remaining() == 0 {
                me.state = State::Idle(Some(buf));
                return Poll::Ready(Ok(()));
            }
            let len = std::cmp::min(dst.remaining(), MAX_BUF);
            me.start(move |rd, buf| buf.read_from(rd, len), buf);
        }
    }
}

impl<T> AsyncWrite for Blocking<T>
where
    T: Write + Send + Unpin + 'static,
{
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        let (res, mut buf) = ready!(me.poll_idle(cx))?;
        if let Err(e) = res {
            // The previous write failed: report it now; its data is dropped.
            buf.clear();
            me.state = State::Idle(Some(buf));
            return Poll::Ready(Err(e));
        }
        buf.clear();
        let n = buf.copy_from(src);
        me.need_flush = true;
        me.start(move |wr, buf| buf.write_to(wr).map(|()| 0), buf);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            // Wait for the write (or the flush) in flight; its error is the flush's.
            let (res, buf) = ready!(me.poll_idle(cx))?;
            if let Err(e) = res {
                me.state = State::Idle(Some(buf));
                return Poll::Ready(Err(e));
            }
            if !me.need_flush {
                me.state = State::Idle(Some(buf));
                return Poll::Ready(Ok(()));
            }
            me.need_flush = false;
            me.start(|wr, _buf| wr.flush().map(|()| 0), buf);
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{AsyncReadExt, AsyncWriteExt};
    use std::sync::{Arc, Mutex};

    fn rt() -> crate::runtime::Runtime {
        crate::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    /// A writer that records what it got and fails on demand.
    #[derive(Clone, Default)]
    struct Shared {
        data: Arc<Mutex<Vec<u8>>>,
        fail_next: Arc<Mutex<bool>>,
        flushes: Arc<Mutex<usize>>,
    }

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if std::mem::take(&mut *self.fail_next.lock().unwrap()) {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "injected"));
            }
            self.data.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            *self.flushes.lock().unwrap() += 1;
            Ok(())
        }
    }

    #[test]
    fn writes_land_after_flush() {
        rt().block_on(async {
            let shared = Shared::default();
            let mut w = Blocking::new(shared.clone());
            w.write_all(b"hello ").await.unwrap();
            w.write_all(b"world").await.unwrap();
            w.flush().await.unwrap();
            assert_eq!(&*shared.data.lock().unwrap(), b"hello world");
            assert_eq!(*shared.flushes.lock().unwrap(), 1);
            // Nothing written since: flushing again does not touch the object.
            w.flush().await.unwrap();
            assert_eq!(*shared.flushes.lock().unwrap(), 1);
        });
    }

    #[test]
    fn a_failed_write_is_reported_by_the_next_call() {
        rt().block_on(async {
            let shared = Shared::default();
            *shared.fail_next.lock().unwrap() = true;
            let mut w = Blocking::new(shared.clone());
            // Accepted at once; the failure happens on the blocking pool.
            assert_eq!(w.write(b"lost").await.unwrap(), 4);
            let err = w.flush().await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
            // The writer keeps working afterwards.
            w.write_all(b"ok").await.unwrap();
            w.flush().await.unwrap();
            assert_eq!(&*shared.data.lock().unwrap(), b"ok");
        });
    }

    #[test]
    fn reads_come_through_in_order() {
        rt().block_on(async {
            let data: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
            let mut r = Blocking::new(io::Cursor::new(data.clone()));
            let mut small = [0u8; 3];
            r.read_exact(&mut small).await.unwrap();
            assert_eq!(&small, &data[..3]);
            let mut rest = Vec::new();
            r.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, &data[3..]);
            assert_eq!(r.read(&mut []).await.unwrap(), 0);
        });
    }
}
