//! AsyncReadExt / AsyncWriteExt over in-memory readers and writers, including readers that
//! return `Pending` and short reads between every byte.

use futures::executor::block_on;
use std::future::Future;
use std::io::{self, Cursor, ErrorKind, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// A reader that alternates `Pending` (after waking itself) with reads of at most `chunk`
/// bytes: it exercises every state machine across suspensions and short reads.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
    pending_next: bool,
}

impl Trickle {
    fn new(data: &[u8], chunk: usize) -> Self {
        Trickle {
            data: data.to_vec(),
            pos: 0,
            chunk,
            pending_next: true,
        }
    }
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let n = self
            .chunk
            .min(buf.remaining())
            .min(self.data.len() - self.pos);
        let start = self.pos;
        buf.put_slice(&self.data[start..start + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// A writer that alternates `Pending` with writes of at most `chunk` bytes.
#[derive(Default)]
struct SlowWriter {
    out: Vec<u8>,
    chunk: usize,
    pending_next: bool,
    flushed: usize,
    shut: bool,
}

impl AsyncWrite for SlowWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let n = self.chunk.min(buf.len());
        self.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushed += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shut = true;
        Poll::Ready(Ok(()))
    }
}

/// Polls `fut` exactly once with a no-op waker.
fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    Pin::new(fut).poll(&mut cx)
}

#[test]
fn read_returns_what_is_available() {
    block_on(async {
        let mut r = Trickle::new(b"hello", 2);
        let mut buf = [0u8; 10];
        assert_eq!(r.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"he");
    });
}

#[test]
fn read_exact_across_short_reads_and_pending() {
    block_on(async {
        let mut r = Trickle::new(b"hello world", 3);
        let mut buf = [0u8; 11];
        assert_eq!(r.read_exact(&mut buf).await.unwrap(), 11);
        assert_eq!(&buf, b"hello world");
    });
}

#[test]
fn read_exact_early_eof_is_unexpected_eof() {
    block_on(async {
        let mut r = Trickle::new(b"abc", 2);
        let mut buf = [0u8; 4];
        let err = r.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("3 of the 4"), "{err}");
    });
}

#[test]
fn read_to_end_appends_and_counts() {
    block_on(async {
        let data: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
        let mut r = Trickle::new(&data, 4096);
        let mut out = b"prefix".to_vec();
        let n = r.read_to_end(&mut out).await.unwrap();
        assert_eq!(n, data.len());
        assert_eq!(&out[..6], b"prefix");
        assert_eq!(&out[6..], &data[..]);
    });
}

#[test]
fn read_to_end_keeps_bytes_read_before_cancel() {
    let mut r = Trickle::new(b"abcdef", 2);
    let mut out = Vec::new();
    {
        let mut fut = r.read_to_end(&mut out);
        assert!(poll_once(&mut fut).is_pending()); // Pending
        assert!(poll_once(&mut fut).is_pending()); // read "ab", then Pending
    }
    assert_eq!(out, b"ab");
    block_on(r.read_to_end(&mut out)).unwrap();
    assert_eq!(out, b"abcdef");
}

#[test]
fn read_to_string_valid() {
    block_on(async {
        let mut r = Trickle::new("naïve café".as_bytes(), 1);
        let mut s = String::from(">");
        let n = r.read_to_string(&mut s).await.unwrap();
        assert_eq!(n, "naïve café".len());
        assert_eq!(s, ">naïve café");
    });
}

#[test]
fn read_to_string_invalid_utf8_leaves_string_unchanged() {
    block_on(async {
        let mut r = Trickle::new(b"ok \xc3\x28 bad", 3);
        let mut s = String::from("before");
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(s, "before");
    });
}

#[test]
fn read_to_string_cancelled_keeps_original() {
    let mut r = Trickle::new(b"abcdef", 2);
    let mut s = String::from("orig");
    {
        let mut fut = r.read_to_string(&mut s);
        assert!(poll_once(&mut fut).is_pending());
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(s, "orig");
}

#[test]
fn integers_round_trip_both_endians() {
    block_on(async {
        let mut out = Vec::new();
        out.write_u8(0xab).await.unwrap();
        out.write_i8(-2).await.unwrap();
        out.write_u16(0x0102).await.unwrap();
        out.write_u16_le(0x0102).await.unwrap();
        out.write_i32(-7).await.unwrap();
        out.write_u64_le(u64::MAX - 1).await.unwrap();
        out.write_i128(i128::MIN).await.unwrap();
        out.write_u128_le(1 << 100).await.unwrap();
        out.write_f32(1.5).await.unwrap();
        out.write_f64_le(-0.25).await.unwrap();
        assert_eq!(&out[2..6], &[1, 2, 2, 1]);

        let mut r = Trickle::new(&out, 1);
        assert_eq!(r.read_u8().await.unwrap(), 0xab);
        assert_eq!(r.read_i8().await.unwrap(), -2);
        assert_eq!(r.read_u16().await.unwrap(), 0x0102);
        assert_eq!(r.read_u16_le().await.unwrap(), 0x0102);
        assert_eq!(r.read_i32().await.unwrap(), -7);
        assert_eq!(r.read_u64_le().await.unwrap(), u64::MAX - 1);
        assert_eq!(r.read_i128().await.unwrap(), i128::MIN);
        assert_eq!(r.read_u128_le().await.unwrap(), 1 << 100);
        assert_eq!(r.read_f32().await.unwrap(), 1.5);
        assert_eq!(r.read_f64_le().await.unwrap(), -0.25);
        let err = r.read_u32().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    });
}

#[test]
fn partial_integer_is_unexpected_eof() {
    block_on(async {
        let mut r: &[u8] = &[1, 2, 3];
        assert_eq!(
            r.read_u64().await.unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    });
}

#[test]
fn take_limits_and_can_be_reset() {
    block_on(async {
        let r = Trickle::new(b"0123456789", 4);
        let mut t = r.take(6);
        let mut s = String::new();
        t.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "012345");
        assert_eq!(t.limit(), 0);
        t.set_limit(100);
        s.clear();
        t.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "6789");
        assert_eq!(t.limit(), 96);
    });
}

#[test]
fn chain_reads_both_in_order() {
    block_on(async {
        let a = Trickle::new(b"first ", 4);
        let b = Trickle::new(b"second", 4);
        let mut s = String::new();
        a.chain(b).read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "first second");
    });
}

#[test]
fn write_all_across_short_writes() {
    block_on(async {
        let mut w = SlowWriter {
            chunk: 3,
            ..Default::default()
        };
        w.write_all(b"hello world").await.unwrap();
        w.flush().await.unwrap();
        w.shutdown().await.unwrap();
        assert_eq!(w.out, b"hello world");
        assert_eq!(w.flushed, 1);
        assert!(w.shut);
    });
}

#[test]
fn write_all_zero_is_write_zero() {
    block_on(async {
        let mut storage = [0u8; 4];
        let mut w = Cursor::new(&mut storage[..]);
        let err = w.write_all(b"too long").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(&storage, b"too ");
    });
}

#[test]
fn write_all_retries_interrupted() {
    struct Flaky(u32, Vec<u8>);
    impl AsyncWrite for Flaky {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.0 += 1;
            if self.0 % 2 == 1 {
                return Poll::Ready(Err(ErrorKind::Interrupted.into()));
            }
            self.1.push(buf[0]);
            Poll::Ready(Ok(1))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    block_on(async {
        let mut w = Flaky(0, Vec::new());
        w.write_all(b"abc").await.unwrap();
        assert_eq!(w.1, b"abc");
    });
}

#[test]
fn write_vectored_default_writes_first_nonempty() {
    block_on(async {
        let mut w = SlowWriter {
            chunk: 10,
            ..Default::default()
        };
        let n = w
            .write_vectored(&[IoSlice::new(b""), IoSlice::new(b"ab"), IoSlice::new(b"cd")])
            .await
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(w.out, b"ab");
        assert!(!w.is_write_vectored());
    });
}

#[test]
fn cursor_seek_and_read() {
    block_on(async {
        let mut c = Cursor::new(b"0123456789".to_vec());
        assert_eq!(c.seek(SeekFrom::End(-3)).await.unwrap(), 7);
        let mut s = String::new();
        c.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "789");
        assert_eq!(c.rewind().await.unwrap(), 0);
        assert_eq!(c.stream_position().await.unwrap(), 0);
        assert_eq!(
            c.seek(SeekFrom::Current(-1)).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        // Past the end reads as end of file.
        c.seek(SeekFrom::Start(100)).await.unwrap();
        assert_eq!(c.read(&mut [0u8; 4]).await.unwrap(), 0);
    });
}

#[test]
fn boxed_and_pinned_readers_and_writers() {
    block_on(async {
        let mut boxed: Box<dyn AsyncRead + Unpin> = Box::new(&b"boxed"[..]);
        let mut s = String::new();
        boxed.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "boxed");

        let mut pinned = Box::pin(Trickle::new(b"pinned", 2));
        s.clear();
        pinned.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "pinned");

        let mut out: Box<dyn AsyncWrite + Unpin> = Box::new(Vec::new());
        out.write_all(b"x").await.unwrap();
    });
}

#[test]
fn read_buf_uninit_reader_does_not_rezero() {
    // A reader that initialises the whole unfilled part but fills only one byte per call.
    struct Zeroing(u32, bool);
    impl AsyncRead for Zeroing {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            // `read_to_end` remembers what earlier calls initialised past the filled part.
            if buf.initialized().len() > buf.filled().len() {
                self.1 = true;
            }
            if self.0 == 0 {
                return Poll::Ready(Ok(()));
            }
            self.0 -= 1;
            buf.initialize_unfilled()[0] = b'z';
            buf.advance(1);
            Poll::Ready(Ok(()))
        }
    }
    block_on(async {
        let mut out = Vec::with_capacity(4);
        let mut r = Zeroing(100, false);
        r.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, vec![b'z'; 100]);
        assert!(
            r.1,
            "the reader was never handed already-initialised memory"
        );
    });
}
