//! UDP over loopback, on both schedulers.

mod support;

use std::io::ErrorKind;
use std::sync::Arc;
use weft::net::UdpSocket;

rt_test! {
    async fn send_to_recv_from_and_peek() {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.send_to(b"hello", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 32];
        let (n, from) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!((n, from), (5, a.local_addr().unwrap()));
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr().unwrap()));
        assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    }

    async fn connected_send_recv_across_tasks() {
        let a = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let receiver = {
            let a = a.clone();
            weft::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 8];
                while got.len() < 100 {
                    let n = a.recv(&mut buf).await.unwrap();
                    got.push(buf[..n].to_vec());
                }
                got
            })
        };
        for i in 0..100u8 {
            b.send(&[i]).await.unwrap();
        }
        let got = receiver.await.unwrap();
        assert_eq!(got.len(), 100);
        assert_eq!(got[0], vec![0]);
    }

    async fn options_and_readiness() {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        s.set_broadcast(true).unwrap();
        assert!(s.broadcast().unwrap());
        s.set_ttl(7).unwrap();
        assert_eq!(s.ttl().unwrap(), 7);
        s.writable().await.unwrap();
        let to = s.local_addr().unwrap();
        assert_eq!(s.try_send_to(b"self", to).unwrap(), 4);
        s.readable().await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(s.try_recv_from(&mut buf).unwrap().0, 4);
    }

    async fn send_to_unresolvable_host_errors() {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert!(s.send_to(b"x", "no-such-host.invalid:9").await.is_err());
    }
}

rt_test! {
    async fn connected_peek_and_peek_sender() {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(b.try_peek(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        a.send_to(b"abc", b.local_addr().unwrap()).await.unwrap();
        assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
        let mut buf = [0u8; 8];
        assert_eq!(b.peek(&mut buf).await.unwrap(), 3);
        assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
        assert_eq!(&buf[..3], b"abc");
    }
}
