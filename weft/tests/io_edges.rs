//! Edge cases tokio 1.54's io tests pin down: `Interrupted` retried by `read_exact` and the
//! integer reads/writes, zero-length operations and replaced wakers of `duplex`, and
//! `BufReader::with_capacity(0)`.

mod support;

use std::future::Future;
use std::io::{self, ErrorKind, IoSlice};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use weft::io::{duplex, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};

/// A reader that fails with `Interrupted` before every byte it yields.
struct Stuttering {
    data: Vec<u8>,
    interrupt_next: bool,
}

impl Stuttering {
    fn new(data: &[u8]) -> Self {
        Stuttering {
            data: data.to_vec(),
            interrupt_next: true,
        }
    }
}

impl AsyncRead for Stuttering {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = &mut *self;
        let interrupt = me.interrupt_next;
        me.interrupt_next = !interrupt;
        if interrupt {
            return Poll::Ready(Err(ErrorKind::Interrupted.into()));
        }
        if !me.data.is_empty() {
            buf.put_slice(&[me.data.remove(0)]);
        }
        Poll::Ready(Ok(()))
    }
}

/// A writer that fails with `Interrupted` before every byte it takes.
#[derive(Default)]
struct StutteringWriter {
    out: Vec<u8>,
    interrupt_next: bool,
}

impl AsyncWrite for StutteringWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        me.interrupt_next = !me.interrupt_next;
        if me.interrupt_next {
            return Poll::Ready(Err(ErrorKind::Interrupted.into()));
        }
        me.out.push(buf[0]);
        Poll::Ready(Ok(1))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

rt_test! {
    async fn read_exact_retries_interrupted() {
        let mut r = Stuttering::new(b"hello");
        let mut buf = [0u8; 5];
        assert_eq!(r.read_exact(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf, b"hello");
        // End of stream still ends it, after the interruption is retried.
        let err = r.read_exact(&mut [0u8; 1]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    }

    async fn integer_reads_retry_interrupted() {
        let mut r = Stuttering::new(&0x0102_0304u32.to_be_bytes());
        assert_eq!(r.read_u32().await.unwrap(), 0x0102_0304);
        let mut r = Stuttering::new(&(-7i64).to_le_bytes());
        assert_eq!(r.read_i64_le().await.unwrap(), -7);
        let mut r = Stuttering::new(&1.5f64.to_be_bytes());
        assert_eq!(r.read_f64().await.unwrap(), 1.5);
    }

    async fn integer_writes_retry_interrupted() {
        let mut w = StutteringWriter::default();
        w.write_u32(0x0a0b_0c0d).await.unwrap();
        w.write_i16_le(-2).await.unwrap();
        let mut want = 0x0a0b_0c0du32.to_be_bytes().to_vec();
        want.extend_from_slice(&(-2i16).to_le_bytes());
        assert_eq!(w.out, want);
    }

    async fn duplex_zero_length_operations_complete_at_once() {
        let (mut reader, _peer) = duplex(1);
        assert_eq!(reader.read(&mut []).await.unwrap(), 0);

        let (mut writer, _peer) = duplex(1);
        writer.write_all(b"x").await.unwrap(); // the buffer is now full
        assert_eq!(writer.write(&[]).await.unwrap(), 0);
        let empty = [IoSlice::new(&[]), IoSlice::new(&[])];
        assert_eq!(writer.write_vectored(&empty).await.unwrap(), 0);

        // On a closed pipe even an empty write is an error.
        let (mut writer, peer) = duplex(1);
        drop(peer);
        assert_eq!(writer.write(&[]).await.unwrap_err().kind(), ErrorKind::BrokenPipe);
        assert_eq!(
            writer.write_vectored(&empty).await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    }
}

/// A waker that owns the other end of the pipe: dropping the waker closes the pipe, which
/// locks it. Replacing it while the pipe is locked would deadlock.
struct OwnsPeer {
    _peer: DuplexStream,
    wakes: AtomicUsize,
}

impl Wake for OwnsPeer {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn replaced_waker_is_dropped_unlocked(peer: DuplexStream, fut: impl Future<Output = ()>) {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(OwnsPeer {
        _peer: peer,
        wakes: AtomicUsize::new(0),
    }));
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(waker); // the pipe's waker slot now holds the only reference

    let noop = futures::task::noop_waker();
    let mut cx = Context::from_waker(&noop);
    // Storing the new waker drops the old one, which drops the peer and closes the pipe.
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(fut.as_mut().poll(&mut cx).is_ready());
}

#[test]
fn duplex_read_drops_replaced_waker_outside_the_lock() {
    let (mut reader, peer) = duplex(1);
    replaced_waker_is_dropped_unlocked(peer, async move {
        assert_eq!(reader.read(&mut [0u8; 1]).await.unwrap(), 0);
    });
}

#[test]
fn duplex_write_drops_replaced_waker_outside_the_lock() {
    let (mut writer, peer) = duplex(1);
    replaced_waker_is_dropped_unlocked(peer, async move {
        writer.write_all(b"xy").await.unwrap_err();
    });
}

#[test]
fn duplex_write_vectored_drops_replaced_waker_outside_the_lock() {
    let (mut writer, peer) = duplex(1);
    replaced_waker_is_dropped_unlocked(peer, async move {
        assert_eq!(writer.write(b"x").await.unwrap(), 1);
        writer
            .write_vectored(&[IoSlice::new(b"y")])
            .await
            .unwrap_err();
    });
}

#[test]
#[should_panic(expected = "capacity must be greater than zero")]
fn buf_reader_zero_capacity_panics() {
    let _ = weft::io::BufReader::with_capacity(0, &b"data"[..]);
}

#[test]
#[should_panic(expected = "capacity must be greater than zero")]
fn buf_stream_zero_read_capacity_panics() {
    let (a, _b) = duplex(8);
    let _ = weft::io::BufStream::with_capacity(0, 8, a);
}

#[test]
fn buf_reader_one_byte_capacity_reads_everything() {
    let mut r = weft::io::BufReader::with_capacity(1, &b"tiny buffer"[..]);
    let mut s = String::new();
    futures::executor::block_on(r.read_to_string(&mut s)).unwrap();
    assert_eq!(s, "tiny buffer");
}
