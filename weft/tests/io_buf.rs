//! BufReader, BufWriter, BufStream, AsyncBufReadExt, Lines and Split.

use futures::executor::block_on;
use std::future::Future;
use std::io::{self, Cursor, ErrorKind, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufReader,
    BufStream, BufWriter, ReadBuf,
};

/// A reader that alternates `Pending` (after waking itself) with reads of at most `chunk` bytes.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
    pending_next: bool,
    reads: usize,
}

impl Trickle {
    fn new(data: &[u8], chunk: usize) -> Self {
        Trickle {
            data: data.to_vec(),
            pos: 0,
            chunk,
            pending_next: true,
            reads: 0,
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
        self.reads += 1;
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

/// A writer that records each `poll_write` call separately.
#[derive(Default)]
struct Recorder {
    writes: Vec<Vec<u8>>,
    flushes: usize,
    shutdowns: usize,
}

impl Recorder {
    fn all(&self) -> Vec<u8> {
        self.writes.concat()
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes.push(buf.to_vec());
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    Pin::new(fut).poll(&mut cx)
}

#[test]
fn lines_crlf_and_no_trailing_newline() {
    block_on(async {
        let r = BufReader::with_capacity(4, Trickle::new(b"alpha\r\nbeta\n\ngamma\r\ndelta", 3));
        let mut lines = r.lines();
        let mut got = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            got.push(line);
        }
        assert_eq!(got, ["alpha", "beta", "", "gamma", "delta"]);
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_lone_cr_is_kept() {
    block_on(async {
        let mut lines = BufReader::new(&b"a\rb\n\r"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("a\rb"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("\r"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_next_line_is_cancel_safe() {
    let mut lines = BufReader::with_capacity(2, Trickle::new(b"hello\nworld\n", 2)).lines();
    // Three times: start reading the line, get part of it ("he", then "ll"), drop the future.
    for _ in 0..3 {
        let mut fut = Box::pin(lines.next_line());
        assert!(poll_once(&mut fut).is_pending());
    }
    block_on(async {
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("hello"));
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("world"));
        assert_eq!(lines.next_line().await.unwrap(), None);
    });
}

#[test]
fn lines_invalid_utf8_is_invalid_data_then_continues() {
    block_on(async {
        let mut lines = BufReader::new(&b"ok\n\xff\xfe\nnext\n"[..]).lines();
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ok"));
        let err = lines.next_line().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("next"));
    });
}

#[test]
fn read_line_keeps_ending_and_appends() {
    block_on(async {
        let mut r = BufReader::with_capacity(3, Trickle::new(b"one\r\ntwo", 2));
        let mut s = String::from("> ");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 5);
        assert_eq!(s, "> one\r\n");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 3);
        assert_eq!(s, "> one\r\ntwo");
        assert_eq!(r.read_line(&mut s).await.unwrap(), 0);
    });
}

#[test]
fn read_line_invalid_utf8_leaves_buffer_unchanged() {
    block_on(async {
        let mut r = BufReader::new(&b"bad \xc3\x28\n"[..]);
        let mut s = String::from("keep");
        let err = r.read_line(&mut s).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert_eq!(s, "keep");
    });
}

#[test]
fn read_until_and_split() {
    block_on(async {
        let mut r = BufReader::with_capacity(2, Trickle::new(b"a,bb,,ccc", 2));
        let mut v = Vec::new();
        assert_eq!(r.read_until(b',', &mut v).await.unwrap(), 2);
        assert_eq!(v, b"a,");
        let mut seg = r.split(b',');
        assert_eq!(seg.next_segment().await.unwrap().unwrap(), b"bb");
        assert_eq!(seg.next_segment().await.unwrap().unwrap(), b"");
        assert_eq!(seg.next_segment().await.unwrap().unwrap(), b"ccc");
        assert_eq!(seg.next_segment().await.unwrap(), None);
    });
}

#[test]
fn read_until_cancel_keeps_partial_bytes() {
    let mut r = BufReader::with_capacity(2, Trickle::new(b"abcdef\n", 2));
    let mut v = Vec::new();
    {
        let mut fut = r.read_until(b'\n', &mut v);
        assert!(poll_once(&mut fut).is_pending());
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(v, b"ab");
    block_on(r.read_until(b'\n', &mut v)).unwrap();
    assert_eq!(v, b"abcdef\n");
}

#[test]
fn fill_buf_and_consume() {
    block_on(async {
        let mut r = BufReader::with_capacity(4, &b"abcdefg"[..]);
        assert_eq!(r.fill_buf().await.unwrap(), b"abcd");
        r.consume(3);
        assert_eq!(r.buffer(), b"d");
        assert_eq!(r.fill_buf().await.unwrap(), b"d");
        r.consume(1);
        assert_eq!(r.fill_buf().await.unwrap(), b"efg");
    });
}

#[test]
fn buf_reader_large_read_bypasses_buffer() {
    block_on(async {
        let mut r = BufReader::with_capacity(4, Trickle::new(b"0123456789", 100));
        let mut big = [0u8; 8];
        assert_eq!(r.read(&mut big).await.unwrap(), 8);
        assert!(r.buffer().is_empty());
        let mut small = [0u8; 1];
        r.read_exact(&mut small).await.unwrap();
        assert_eq!(&small, b"8");
        assert_eq!(r.buffer(), b"9");
    });
}

#[test]
fn buf_reader_seek_accounts_for_buffer() {
    block_on(async {
        let mut r = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
        let mut b = [0u8; 1];
        r.read_exact(&mut b).await.unwrap(); // buffer holds "123", inner at 4
        assert_eq!(r.seek(SeekFrom::Current(2)).await.unwrap(), 3);
        assert!(r.buffer().is_empty());
        r.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"3");
        // A relative seek too large to combine with the remainder still lands right.
        assert_eq!(
            r.seek(SeekFrom::Current(i64::MIN))
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(r.seek(SeekFrom::Start(8)).await.unwrap(), 8);
        let mut s = String::new();
        r.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "89");
    });
}

#[test]
fn buf_writer_gathers_small_writes() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, Recorder::default());
        w.write_all(b"ab").await.unwrap();
        w.write_all(b"cd").await.unwrap();
        assert!(w.get_ref().writes.is_empty());
        assert_eq!(w.buffer(), b"abcd");
        w.write_all(b"efghij").await.unwrap(); // does not fit: flush "abcd", buffer "efghij"
        assert_eq!(w.get_ref().writes, vec![b"abcd".to_vec()]);
        w.write_all(b"0123456789").await.unwrap(); // flush, then straight through
        assert_eq!(w.get_ref().all(), b"abcdefghij0123456789");
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().flushes, 1);
        w.write_u8(b'!').await.unwrap();
        w.shutdown().await.unwrap();
        assert_eq!(w.get_ref().all(), b"abcdefghij0123456789!");
        assert_eq!(w.get_ref().shutdowns, 1);
    });
}

#[test]
fn buf_writer_vectored() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, Recorder::default());
        let bufs = [io::IoSlice::new(b"ab"), io::IoSlice::new(b"cd")];
        assert_eq!(w.write_vectored(&bufs).await.unwrap(), 4);
        assert_eq!(w.buffer(), b"abcd");
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().writes, vec![b"abcd".to_vec()]);
    });
}

#[test]
fn buf_writer_seek_flushes_first() {
    block_on(async {
        let mut w = BufWriter::new(Cursor::new(vec![0u8; 6]));
        w.write_all(b"abc").await.unwrap();
        assert_eq!(w.seek(SeekFrom::Start(4)).await.unwrap(), 4);
        w.write_all(b"x").await.unwrap();
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().get_ref(), b"abc\0x\0");
    });
}

#[test]
fn buf_stream_round_trip_over_duplex() {
    block_on(async {
        let (a, b) = weft::io::duplex(16);
        let mut a = BufStream::new(a);
        let mut b = BufStream::with_capacity(4, 4, b);
        a.write_all(b"hello\nworld\n").await.unwrap();
        a.flush().await.unwrap();
        let mut line = String::new();
        b.read_line(&mut line).await.unwrap();
        assert_eq!(line, "hello\n");
        line.clear();
        b.read_line(&mut line).await.unwrap();
        assert_eq!(line, "world\n");
        b.write_all(b"ok").await.unwrap();
        b.shutdown().await.unwrap();
        let mut s = String::new();
        a.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "ok");
    });
}

#[test]
fn buf_stream_from_writer_over_reader_keeps_buffers() {
    block_on(async {
        let inner = weft::io::join(&b"abcdef"[..], Vec::new());
        let mut r = BufReader::with_capacity(4, inner);
        let mut one = [0u8; 1];
        r.read_exact(&mut one).await.unwrap(); // "bcd" stays buffered
        let mut w = BufWriter::new(r);
        w.write_all(b"out").await.unwrap(); // buffered in the writer
        let mut stream = BufStream::from(w);
        let mut s = String::new();
        stream.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "bcdef");
        stream.flush().await.unwrap();
        assert_eq!(stream.get_ref().writer(), b"out");
    });
}
