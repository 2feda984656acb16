//! `TcpSocket` / `UdpSocket` options tokio 1.54 has (TOS, traffic class, bound device, zero
//! linger), `TcpSocket`'s raw-fd conversions and UDP's `poll_peek*`, on loopback sockets and
//! both schedulers.

mod support;

use std::future::{poll_fn, Future};
use std::io::ErrorKind;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::time::Duration;
use weft::io::{AsyncReadExt, ReadBuf};
use weft::net::{TcpListener, TcpSocket, UdpSocket};

rt_test! {
    async fn tcp_socket_tos_and_tclass_round_trip() {
        let v4 = TcpSocket::new_v4().unwrap();
        assert_eq!(v4.tos_v4().unwrap(), 0);
        v4.set_tos_v4(0x28).unwrap();
        assert_eq!(v4.tos_v4().unwrap(), 0x28);
        #[allow(deprecated)]
        {
            v4.set_tos(0x10).unwrap();
            assert_eq!(v4.tos().unwrap(), 0x10);
        }
        let v6 = TcpSocket::new_v6().unwrap();
        v6.set_tclass_v6(0x60).unwrap();
        assert_eq!(v6.tclass_v6().unwrap(), 0x60);
    }

    async fn tcp_socket_device_unbound_by_default() {
        let s = TcpSocket::new_v4().unwrap();
        assert_eq!(s.device().unwrap(), None);
        s.bind_device(None).unwrap();
        assert_eq!(s.device().unwrap(), None);
        // Binding to a device that does not exist fails (or needs privileges we lack).
        assert!(s.bind_device(Some(b"weft-no-such-if0")).is_err());
    }

    async fn zero_linger_resets_the_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_zero_linger().unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
        let client = socket.connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
        drop(client);
        let err = server.read(&mut [0u8; 8]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    }

    async fn tcp_socket_raw_fd_round_trip() {
        let s = TcpSocket::new_v4().unwrap();
        s.set_reuseaddr(true).unwrap();
        s.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = s.local_addr().unwrap();
        let fd = s.into_raw_fd();
        // SAFETY: `fd` was just released by its only owner.
        let s = unsafe { TcpSocket::from_raw_fd(fd) };
        assert_eq!(s.as_raw_fd(), fd);
        assert!(s.reuseaddr().unwrap());
        let listener = s.listen(8).unwrap();
        assert_eq!(listener.local_addr().unwrap(), addr);
    }

    async fn udp_tos_tclass_device() {
        let v4 = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        v4.set_tos_v4(0x20).unwrap();
        assert_eq!(v4.tos_v4().unwrap(), 0x20);
        assert_eq!(v4.device().unwrap(), None);
        v4.bind_device(None).unwrap();
        let v6 = UdpSocket::bind("[::1]:0").await.unwrap();
        v6.set_tclass_v6(0x40).unwrap();
        assert_eq!(v6.tclass_v6().unwrap(), 0x40);
    }

    async fn udp_poll_peek_leaves_the_datagram() {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.send_to(b"peek me", b.local_addr().unwrap()).await.unwrap();
        let from = poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap();
        assert_eq!(from, a.local_addr().unwrap());
        let mut storage = [0u8; 16];
        let mut buf = ReadBuf::new(&mut storage);
        poll_fn(|cx| b.poll_peek(cx, &mut buf)).await.unwrap();
        assert_eq!(buf.filled(), b"peek me");
        let mut again = [0u8; 16];
        let (n, from) = b.recv_from(&mut again).await.unwrap();
        assert_eq!((&again[..n], from), (&b"peek me"[..], a.local_addr().unwrap()));
    }
}

rt_test! {
    async fn udp_recv_returns_the_error_of_a_send_to_a_closed_port() {
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let closed = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = closed.local_addr().unwrap();
        drop(closed);
        sender.connect(addr).await.unwrap();
        sender.send(b"anyone?").await.unwrap();
        // The ICMP "port unreachable" sets a socket error that no readable event announces;
        // the waiting receive must still wake and return it.
        let err = sender.recv(&mut [0u8; 16]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    }

    async fn unix_datagram_pair_is_writable_at_once_not_readable() {
        let (a, b) = weft::net::UnixDatagram::pair().unwrap();
        let noop = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&noop);
        assert!(a.poll_send_ready(&mut cx).is_ready());
        assert!(b.poll_recv_ready(&mut cx).is_pending());
        a.try_send(b"hi").unwrap();
        b.readable().await.unwrap();
        assert_eq!(b.try_recv(&mut [0u8; 4]).unwrap(), 2);
    }

    async fn readiness_waits_spend_no_coop_budget() {
        // `writable()` on a socket that stays writable completes every time, however often it
        // is awaited in one task poll (tokio: readiness is not budgeted, the I/O is).
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = weft::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let _server = listener.accept().await.unwrap();
        let noop = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&noop);
        for _ in 0..1000 {
            let mut fut = std::pin::pin!(client.writable());
            assert!(fut.as_mut().poll(&mut cx).is_ready());
        }
    }
}
