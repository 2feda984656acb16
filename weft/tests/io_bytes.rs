//! `read_buf`, `write_buf`, `write_all_buf` and `ReadBuf: BufMut` (the `bytes` feature).
#![cfg(feature = "bytes")]

use bytes::{Buf, BufMut, Bytes, BytesMut};
use futures::executor::block_on;
use std::io::{self, ErrorKind, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

#[test]
fn read_buf_into_bytes_mut_until_eof() {
    block_on(async {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let mut reader = &data[..];
        let mut buf = BytesMut::with_capacity(64);
        loop {
            buf.reserve(64);
            if reader.read_buf(&mut buf).await.unwrap() == 0 {
                break;
            }
        }
        assert_eq!(&buf[..], &data[..]);
    });
}

#[test]
fn read_buf_full_buffer_reads_nothing() {
    block_on(async {
        let mut reader: &[u8] = b"abc";
        let mut storage = [0u8; 0];
        let mut dst = &mut storage[..];
        assert_eq!(reader.read_buf(&mut dst).await.unwrap(), 0);
        assert_eq!(reader, b"abc");
    });
}

#[test]
fn read_buf_limited_bufmut() {
    block_on(async {
        let mut reader: &[u8] = b"abcdef";
        let mut v = Vec::new();
        let mut limited = (&mut v).limit(4);
        assert_eq!(reader.read_buf(&mut limited).await.unwrap(), 4);
        assert_eq!(v, b"abcd");
    });
}

/// Records whether writes arrived vectored.
struct Vectored {
    out: Vec<u8>,
    vectored_calls: usize,
}

impl AsyncWrite for Vectored {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.out.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_calls += 1;
        let mut n = 0;
        for b in bufs {
            self.out.extend_from_slice(b);
            n += b.len();
        }
        Poll::Ready(Ok(n))
    }
    fn is_write_vectored(&self) -> bool {
        true
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn write_buf_uses_vectored_writes_for_chained_bufs() {
    block_on(async {
        let mut w = Vectored {
            out: Vec::new(),
            vectored_calls: 0,
        };
        let mut src = Bytes::from_static(b"hello ").chain(Bytes::from_static(b"world"));
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 11);
        assert!(!src.has_remaining());
        assert_eq!(w.vectored_calls, 1);
        assert_eq!(w.out, b"hello world");
        assert_eq!(w.write_buf(&mut src).await.unwrap(), 0);
    });
}

#[test]
fn write_all_buf_advances_and_reports_write_zero() {
    block_on(async {
        let (mut a, mut b) = weft::io::duplex(4);
        let mut src = Bytes::from_static(b"abcdef");
        let writer = async {
            a.write_all_buf(&mut src).await.unwrap();
            a.shutdown().await.unwrap();
        };
        let reader = async {
            let mut v = Vec::new();
            b.read_to_end(&mut v).await.unwrap();
            v
        };
        let ((), v) = futures::join!(writer, reader);
        assert_eq!(v, b"abcdef");
        assert!(src.is_empty());

        let mut storage = [0u8; 2];
        let mut full = std::io::Cursor::new(&mut storage[..]);
        let mut src = Bytes::from_static(b"xyz");
        let err = full.write_all_buf(&mut src).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WriteZero);
        assert_eq!(&src[..], b"z");
    });
}

#[test]
fn read_buf_is_a_bufmut() {
    let mut storage = [0u8; 8];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_u16(0x0102);
    buf.put_slice(b"ab");
    assert_eq!(BufMut::remaining_mut(&buf), 4);
    assert_eq!(buf.filled(), &[1, 2, b'a', b'b']);
}
