//! The `bytes` reads of the sockets (`try_read_buf`, `recv_buf`, `recv_buf_from`, their
//! `try_` forms) on loopback TCP/UDP and Unix sockets, on both schedulers.
#![cfg(feature = "bytes")]

mod support;

use bytes::{BufMut, BytesMut};
use std::io::ErrorKind;
use weft::io::AsyncWriteExt;
use weft::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream};

/// Reads with `try_read_buf` until `want` bytes have arrived.
macro_rules! drain {
    ($stream:expr, $want:expr) => {{
        let mut buf = BytesMut::with_capacity(16);
        while buf.len() < $want {
            $stream.readable().await.unwrap();
            match $stream.try_read_buf(&mut buf) {
                Ok(0) => panic!("end of stream after {} bytes", buf.len()),
                Ok(_) => buf.reserve(16),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        buf
    }};
}

rt_test! {
    async fn tcp_try_read_buf_appends_without_clobbering() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        assert_eq!(
            client.try_read_buf(&mut BytesMut::with_capacity(8)).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let data: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        server.write_all(&data).await.unwrap();
        let got = drain!(client, data.len());
        assert_eq!(&got[..], &data[..]);

        // Bytes already in the buffer stay; new ones go after them.
        let mut buf = BytesMut::from(&b"keep:"[..]);
        buf.reserve(8);
        server.write_all(b"new").await.unwrap();
        loop {
            client.readable().await.unwrap();
            if let Ok(n) = client.try_read_buf(&mut buf) {
                assert_eq!(n, 3);
                break;
            }
        }
        assert_eq!(&buf[..], b"keep:new");

        drop(server);
        client.readable().await.unwrap();
        let mut buf = BytesMut::with_capacity(8);
        assert_eq!(client.try_read_buf(&mut buf).unwrap(), 0, "end of stream");
    }

    async fn unix_try_read_buf_into_vec() {
        let (client, mut server) = UnixStream::pair().unwrap();
        server.write_all(b"unix bytes").await.unwrap();
        let got = drain!(client, 10);
        assert_eq!(&got[..], b"unix bytes");
        // A Vec is a BufMut too.
        server.write_all(b"vec").await.unwrap();
        let mut v: Vec<u8> = Vec::with_capacity(8);
        loop {
            client.readable().await.unwrap();
            if client.try_read_buf(&mut v).is_ok() {
                break;
            }
        }
        assert_eq!(v, b"vec");
    }

    async fn udp_recv_buf_and_recv_buf_from() {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());

        let mut buf = BytesMut::with_capacity(64);
        assert_eq!(b.try_recv_buf_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        assert_eq!(b.try_recv_buf(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

        a.send_to(b"first", b_addr).await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!((n, from), (5, a_addr));
        a.send_to(b"second", b_addr).await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!((n, from), (6, a_addr));
        assert_eq!(&buf[..], b"firstsecond", "each datagram lands after the last");

        b.connect(a_addr).await.unwrap();
        a.send_to(b"connected", b_addr).await.unwrap();
        let mut v = Vec::with_capacity(4);
        assert_eq!(b.recv_buf(&mut v).await.unwrap(), 4, "cut to the spare capacity");
        assert_eq!(v, b"conn");

        a.send_to(b"try", b_addr).await.unwrap();
        b.readable().await.unwrap();
        let mut buf = BytesMut::with_capacity(8);
        let (n, from) = loop {
            match b.try_recv_buf_from(&mut buf) {
                Ok(r) => break r,
                Err(e) if e.kind() == ErrorKind::WouldBlock => b.readable().await.unwrap(),
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!((n, from, &buf[..]), (3, a_addr, &b"try"[..]));
    }

    async fn unix_datagram_recv_buf_family() {
        let dir = support::TempDir::new();
        let (a_path, b_path) = (dir.join("a.sock"), dir.join("b.sock"));
        let a = UnixDatagram::bind(&a_path).unwrap();
        let b = UnixDatagram::bind(&b_path).unwrap();
        let mut buf = BytesMut::with_capacity(32);
        assert_eq!(b.try_recv_buf(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        assert_eq!(b.try_recv_buf_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

        a.send_to(b"named", &b_path).await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!(n, 5);
        assert_eq!(from.as_pathname(), Some(a_path.as_path()));

        a.send_to(b"plain", &b_path).await.unwrap();
        assert_eq!(b.recv_buf(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..], b"namedplain");

        a.send_to(b"t", &b_path).await.unwrap();
        b.readable().await.unwrap();
        let mut one = BytesMut::with_capacity(4);
        loop {
            match b.try_recv_buf(&mut one) {
                Ok(n) => {
                    assert_eq!(n, 1);
                    break;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => b.readable().await.unwrap(),
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(&one[..], b"t");

        // An unnamed sender reads back as unnamed.
        let (c, d) = UnixDatagram::pair().unwrap();
        c.send(b"anon").await.unwrap();
        let mut buf = BytesMut::with_capacity(8);
        let (n, from) = d.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!(n, 4);
        assert!(from.is_unnamed());
    }

    async fn fixed_slice_buf_mut_is_filled_in_place() {
        let (client, mut server) = UnixStream::pair().unwrap();
        server.write_all(b"abcdef").await.unwrap();
        let mut storage = [0u8; 4];
        let mut dst: &mut [u8] = &mut storage;
        loop {
            client.readable().await.unwrap();
            if client.try_read_buf(&mut dst).is_ok() {
                break;
            }
        }
        assert_eq!(dst.remaining_mut(), 0);
        assert_eq!(&storage, b"abcd", "only the room there was");
    }
}
