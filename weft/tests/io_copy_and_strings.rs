//! `copy`/`copy_buf` retrying `Interrupted` and flushing before they wait, `BufWriter`'s
//! flush retry and slice gathering, the UTF-8 errors of the string reads, and `read_to_end`'s
//! capacity rules — as tokio 1.54's io tests pin them down — on both schedulers.

mod support;

use std::io::{self, ErrorKind, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// Yields its chunks one per read (as much as fits), with an `Interrupted` error before each.
struct Chunks {
    chunks: Vec<Vec<u8>>,
    interrupt_next: bool,
}

impl Chunks {
    fn new(chunks: &[&[u8]]) -> Chunks {
        Chunks {
            chunks: chunks.iter().map(|c| c.to_vec()).collect(),
            interrupt_next: true,
        }
    }
}

impl AsyncRead for Chunks {
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
        if let Some(c) = me.chunks.first_mut() {
            let n = c.len().min(buf.remaining());
            buf.put_slice(&c[..n]);
            c.drain(..n);
            if c.is_empty() {
                me.chunks.remove(0);
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Takes at most `max` bytes per write (never vectored), with an `Interrupted` error before
/// each write when `interrupting`.
struct Sink {
    out: Vec<u8>,
    max: usize,
    interrupting: bool,
    interrupt_next: bool,
    writes: usize,
}

impl Sink {
    fn new(max: usize, interrupting: bool) -> Sink {
        Sink {
            out: Vec::new(),
            max,
            interrupting,
            interrupt_next: interrupting,
            writes: 0,
        }
    }
}

impl AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        if me.interrupting {
            let interrupt = me.interrupt_next;
            me.interrupt_next = !interrupt;
            if interrupt {
                return Poll::Ready(Err(ErrorKind::Interrupted.into()));
            }
        }
        let n = buf.len().min(me.max);
        me.out.extend_from_slice(&buf[..n]);
        me.writes += 1;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Accepts every write into a buffer and passes it on to `inner` only when flushed.
struct FlushOnly {
    held: Vec<u8>,
    inner: weft::io::DuplexStream,
}

impl AsyncWrite for FlushOnly {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        self.get_mut().held.extend_from_slice(b);
        Poll::Ready(Ok(b.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        while !me.held.is_empty() {
            let n = std::task::ready!(Pin::new(&mut me.inner).poll_write(cx, &me.held))?;
            me.held.drain(..n);
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

rt_test! {
    async fn copy_retries_interrupted_reads_and_writes() {
        let mut r = Chunks::new(&[b"ab", b"cd"]);
        let mut w = Sink::new(3, true);
        assert_eq!(weft::io::copy(&mut r, &mut w).await.unwrap(), 4);
        assert_eq!(w.out, b"abcd");
    }

    async fn copy_buf_retries_interrupted_writes() {
        let mut r: &[u8] = b"abcdef";
        let mut w = Sink::new(2, true);
        assert_eq!(weft::io::copy_buf(&mut r, &mut w).await.unwrap(), 6);
        assert_eq!(w.out, b"abcdef");
    }

    async fn copy_buf_flushes_before_waiting_on_its_reader() {
        // The reader's data comes back through the writer's flush: without a flush before
        // waiting on the reader, the copy would wait forever.
        let (rd, wd) = weft::io::duplex(1024);
        let mut rd = weft::io::BufReader::new(rd).take(1024);
        let mut wd = FlushOnly { held: Vec::new(), inner: wd };
        wd.write_all(&[0x42; 512]).await.unwrap();
        wd.flush().await.unwrap();
        assert_eq!(weft::io::copy_buf(&mut rd, &mut wd).await.unwrap(), 1024);
    }

    async fn buf_writer_flush_retries_interrupted() {
        let mut w = weft::io::BufWriter::with_capacity(6, Sink::new(16, true));
        assert_eq!(w.write(b"hello").await.unwrap(), 5);
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().out, b"hello");
    }

    async fn buf_writer_gathers_slices_for_a_non_vectored_writer() {
        let msg = b"foo bar baz";
        let bufs = [IoSlice::new(&msg[..4]), IoSlice::new(&msg[4..8]), IoSlice::new(&msg[8..])];
        let mut w = weft::io::BufWriter::with_capacity(8, Sink::new(4, false));
        // The first two slices fit the buffer; the third waits for the next call.
        assert_eq!(w.write_vectored(&bufs).await.unwrap(), 8);
        assert_eq!(w.buffer(), &msg[..8]);
        assert_eq!(w.write_vectored(&bufs[2..]).await.unwrap(), 3);
        assert_eq!(w.get_ref().out, &msg[..8], "the full buffer went out first");
        assert_eq!(w.buffer(), &msg[8..]);
        let empty = [IoSlice::new(&[]), IoSlice::new(&[])];
        assert_eq!(w.write_vectored(&empty).await.unwrap(), 0);
    }

    async fn string_reads_report_the_utf8_error() {
        let mut r: &[u8] = &[0xff, 0xff];
        let mut s = "abc".to_string();
        let err = r.read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        let utf8 = err.into_inner().unwrap().downcast::<std::str::Utf8Error>().unwrap();
        assert_eq!(utf8.valid_up_to(), 3, "counted from the start of the string");
        assert_eq!(s, "abc");

        let mut r = weft::io::BufReader::new(&b"Hello Wor\xffld.\n"[..]);
        let mut line = "Foo".to_string();
        let err = r.read_line(&mut line).await.unwrap_err();
        let utf8 = err.into_inner().unwrap().downcast::<std::str::Utf8Error>().unwrap();
        assert_eq!(utf8.valid_up_to(), 12);
        assert_eq!(line, "Foo");

        let mut lines = (&b"ok\n\xff\xfe\nnext\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ok"));
        let err = lines.next_line().await.unwrap_err();
        let bad = err.into_inner().unwrap().downcast::<std::string::FromUtf8Error>().unwrap();
        assert_eq!(bad.into_bytes(), b"\xff\xfe");
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("next"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    }

    async fn read_to_string_leaves_the_string_as_it_was_on_an_io_error() {
        struct ThenFail(bool);
        impl AsyncRead for ThenFail {
            fn poll_read(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                if std::mem::replace(&mut self.0, true) {
                    return Poll::Ready(Err(io::Error::other("whoops")));
                }
                buf.put_slice(b"def");
                Poll::Ready(Ok(()))
            }
        }
        let mut s = "abc".to_string();
        let err = ThenFail(false).read_to_string(&mut s).await.unwrap_err();
        assert_eq!(err.to_string(), "whoops");
        assert_eq!(s, "abc");
        // read_line keeps what it read before the error.
        let mut r = weft::io::BufReader::new(ThenFail(false));
        let mut line = "Foo".to_string();
        r.read_line(&mut line).await.unwrap_err();
        assert_eq!(line, "Foodef");
    }

    async fn read_to_end_keeps_a_capacity_that_fits() {
        let data: Vec<u8> = (0..100).collect();
        for len in [32usize, 50, 64, 99] {
            for cap in [len, len + 1, len + 31, 100] {
                let mut r = &data[..len];
                let mut buf = Vec::with_capacity(cap);
                r.read_to_end(&mut buf).await.unwrap();
                assert_eq!(buf, &data[..len]);
                assert_eq!(buf.capacity(), cap, "len {len}: reading end of file grew the vector");
            }
        }
        // One that does not fit doubles, then doubles again to look for end of file.
        let bytes = b"the_vector_startingcap_will_be_smaller";
        let mut r = Chunks::new(&[bytes]);
        let mut buf = Vec::with_capacity(bytes.len() - 4);
        r.read_to_end(&mut buf).await.unwrap();
        assert_eq!(&buf[..], &bytes[..]);
        assert_eq!(buf.capacity(), (bytes.len() - 4) * 4);
    }
}

#[test]
#[should_panic(expected = "`a_to_b_buf_size` must be greater than 0")]
fn copy_bidirectional_with_a_zero_buffer_panics() {
    let (mut a, _a2) = weft::io::duplex(8);
    let (mut b, _b2) = weft::io::duplex(8);
    let _ = futures::executor::block_on(weft::io::copy_bidirectional_with_sizes(
        &mut a, &mut b, 0, 1,
    ));
}
