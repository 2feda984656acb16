//! `TcpStream::try_read_buf` / `UnixStream::try_read_buf` (sqlx's tokio socket reads with them),
//! over real loopback sockets, on both schedulers (the `bytes` feature).
#![cfg(feature = "bytes")]

mod support;

use bytes::{BufMut, BytesMut};
use std::io::ErrorKind;
use weft::io::AsyncWriteExt;
use weft::net::{TcpListener, TcpStream, UnixStream};

rt_test! {
    async fn tcp_try_read_buf_appends_and_reports_would_block() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut peer, _) = listener.accept().await.unwrap();

        let mut buf = BytesMut::with_capacity(4);
        buf.put_slice(b">");
        let err = stream.try_read_buf(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
        assert_eq!(&buf[..], b">", "a WouldBlock read must not advance the buffer");

        // More than the buffer's capacity: BytesMut grows chunk by chunk, bytes stay in order.
        let data: Vec<u8> = (0..50_000u32).map(|i| (i % 241) as u8).collect();
        peer.write_all(&data).await.unwrap();
        peer.shutdown().await.unwrap();
        loop {
            stream.readable().await.unwrap();
            match stream.try_read_buf(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(buf[0], b'>');
        assert_eq!(&buf[1..], &data[..]);
    }

    async fn unix_try_read_buf_into_a_full_buffer_reads_nothing() {
        let (stream, mut peer) = UnixStream::pair().unwrap();
        peer.write_all(b"abcdef").await.unwrap();
        stream.readable().await.unwrap();

        // A fixed-size buffer takes what fits; once full, `Ok(0)` without reading.
        let mut space = [0u8; 4];
        let mut window = &mut space[..];
        assert_eq!(stream.try_read_buf(&mut window).unwrap(), 4);
        assert_eq!(stream.try_read_buf(&mut window).unwrap(), 0);
        assert_eq!(&space, b"abcd");

        let mut rest = Vec::new();
        assert_eq!(stream.try_read_buf(&mut rest).unwrap(), 2);
        assert_eq!(rest, b"ef");
    }
}
