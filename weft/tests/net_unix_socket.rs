//! `UnixSocket`, `UnixListener::bind_addr`, `UnixStream::connect_addr` and abstract names,
//! over real socket files in a temp dir, on both schedulers.

mod support;

use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::os::linux::net::SocketAddrExt;
use support::TempDir;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{UnixListener, UnixSocket, UnixStream};

fn unique(name: &str) -> String {
    format!(
        "weft-test-{}-{name}-{:?}",
        std::process::id(),
        std::thread::current().id()
    )
}

rt_test! {
    async fn stream_socket_binds_client_before_connecting() {
        let dir = TempDir::new();
        let (server_path, client_path) = (dir.join("server.sock"), dir.join("client.sock"));
        let listener = {
            let s = UnixSocket::new_stream().unwrap();
            s.bind(&server_path).unwrap();
            s.listen(16).unwrap()
        };
        let client = UnixSocket::new_stream().unwrap();
        client.bind(&client_path).unwrap();
        let connect = weft::spawn(async move { client.connect(&server_path).await });
        let (mut server, peer) = listener.accept().await.unwrap();
        let mut client = connect.await.unwrap().unwrap();
        assert_eq!(peer.as_pathname(), Some(client_path.as_path()));
        assert_eq!(server.peer_addr().unwrap().as_pathname(), Some(client_path.as_path()));

        client.write_all(b"hello").await.unwrap();
        client.shutdown().await.unwrap();
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"hello");
    }

    async fn datagram_socket_echoes_to_bound_peer() {
        let dir = TempDir::new();
        let (server_path, client_path) = (dir.join("srv.sock"), dir.join("cli.sock"));
        let server = {
            let s = UnixSocket::new_datagram().unwrap();
            s.bind(&server_path).unwrap();
            s.datagram().unwrap()
        };
        let echo = weft::spawn(async move {
            let mut buf = [0u8; 64];
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            let to = from.as_pathname().unwrap().to_owned();
            server.send_to(&buf[..n], to).await.unwrap();
        });
        let client = {
            let s = UnixSocket::new_datagram().unwrap();
            s.bind(&client_path).unwrap();
            s.datagram().unwrap()
        };
        client.connect(&server_path).unwrap();
        client.send(b"ECHO").await.unwrap();
        let mut buf = [0u8; 16];
        let n = client.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"ECHO");
        echo.await.unwrap();
    }

    async fn wrong_kind_is_an_error() {
        let dir = TempDir::new();
        let err = UnixSocket::new_datagram().unwrap().listen(1).unwrap_err();
        assert!(err.to_string().contains("datagram"), "{err}");
        let err = UnixSocket::new_datagram()
            .unwrap()
            .connect(dir.join("nothing.sock"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("datagram"), "{err}");
        let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
        assert!(err.to_string().contains("stream"), "{err}");
    }

    async fn connect_to_missing_path_fails() {
        let dir = TempDir::new();
        let err = UnixSocket::new_stream()
            .unwrap()
            .connect(dir.join("missing.sock"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }

    async fn raw_fd_round_trip_keeps_the_binding() {
        let dir = TempDir::new();
        let path = dir.join("raw.sock");
        let s = UnixSocket::new_stream().unwrap();
        s.bind(&path).unwrap();
        let fd = s.into_raw_fd();
        // SAFETY: `fd` was just released by its only owner.
        let s = unsafe { UnixSocket::from_raw_fd(fd) };
        assert_eq!(s.as_raw_fd(), fd);
        let listener = s.listen(4).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
    }

    async fn bind_addr_and_connect_addr_with_a_path() {
        let dir = TempDir::new();
        let path = dir.join("addr.sock");
        let addr = std::os::unix::net::SocketAddr::from_pathname(&path).unwrap().into();
        let listener = UnixListener::bind_addr(&addr).unwrap();
        let connect = weft::spawn(async move { UnixStream::connect_addr(&addr).await });
        let (mut server, _) = listener.accept().await.unwrap();
        let mut client = connect.await.unwrap().unwrap();
        client.write_all(b"by addr").await.unwrap();
        drop(client);
        let mut got = String::new();
        server.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "by addr");
    }

    async fn abstract_names_by_nul_path_and_by_addr() {
        let name = unique("abstract");
        let nul_path = format!("\0{name}");
        let listener = UnixListener::bind(&nul_path).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_abstract_name(), Some(name.as_bytes()));
        let connect = {
            let p = nul_path.clone();
            weft::spawn(async move { UnixStream::connect(p).await })
        };
        let (server, _) = listener.accept().await.unwrap();
        let client = connect.await.unwrap().unwrap();
        assert_eq!(server.local_addr().unwrap().as_abstract_name(), Some(name.as_bytes()));
        assert_eq!(client.peer_addr().unwrap().as_abstract_name(), Some(name.as_bytes()));

        let name2 = unique("abstract-addr");
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name2.as_bytes()).unwrap();
        let addr = addr.into();
        let listener2 = UnixListener::bind_addr(&addr).unwrap();
        let stream = UnixStream::connect_addr(&addr).await.unwrap();
        let (_s, _) = listener2.accept().await.unwrap();
        assert_eq!(stream.peer_addr().unwrap().as_abstract_name(), Some(name2.as_bytes()));

        // UnixSocket reads the NUL prefix the same way.
        let name3 = unique("abstract-socket");
        let s = UnixSocket::new_stream().unwrap();
        s.bind(format!("\0{name3}")).unwrap();
        let l3 = s.listen(1).unwrap();
        assert_eq!(l3.local_addr().unwrap().as_abstract_name(), Some(name3.as_bytes()));
    }
}
