//! Unix-domain sockets over real socket files, on both schedulers.

mod support;

use std::io::ErrorKind;
use std::path::PathBuf;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{UnixDatagram, UnixListener, UnixStream};

/// A socket path unique to this process and test; removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        let p = std::env::temp_dir().join(format!("weft-test-{}-{name}.sock", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

rt_test! {
    async fn listener_accepts_and_echoes() {
        let path = TempPath::new(&format!("echo-{:?}", std::thread::current().id()));
        let listener = UnixListener::bind(&path.0).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.0.as_path()));
        let server = weft::spawn(async move {
            let (mut s, addr) = listener.accept().await.unwrap();
            assert!(addr.is_unnamed());
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        });
        let mut c = UnixStream::connect(&path.0).await.unwrap();
        assert_eq!(c.peer_addr().unwrap().as_pathname(), Some(path.0.as_path()));
        c.write_all(b"over a unix socket").await.unwrap();
        c.shutdown().await.unwrap();
        let mut back = Vec::new();
        c.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, b"over a unix socket");
        server.await.unwrap();
    }

    async fn connect_to_missing_path_fails_clearly() {
        let path = TempPath::new("missing");
        let err = UnixStream::connect(&path.0).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    }

    async fn pair_split_peer_cred_and_broken_pipe() {
        let (a, mut b) = UnixStream::pair().unwrap();
        let cred = a.peer_cred().unwrap();
        assert_eq!(cred.pid(), Some(std::process::id() as i32));
        let (mut r, mut w) = a.into_split();
        w.write_all(b"x").await.unwrap();
        assert_eq!(b.read_u8().await.unwrap(), b'x');
        b.write_all(b"y").await.unwrap();
        assert_eq!(r.read_u8().await.unwrap(), b'y');
        let a = r.reunite(w).unwrap();
        drop(b);
        let mut a = a;
        let err = loop {
            match a.write_all(&[0u8; 4096]).await {
                Ok(()) => continue,
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
        assert_eq!(a.read(&mut [0u8; 4]).await.unwrap(), 0);
    }

    async fn try_read_write_and_readiness() {
        let (a, b) = UnixStream::pair().unwrap();
        assert_eq!(a.try_read(&mut [0u8; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
        b.writable().await.unwrap();
        assert_eq!(b.try_write(b"abc").unwrap(), 3);
        a.readable().await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(a.try_read(&mut buf).unwrap(), 3);
    }

    async fn datagrams_pair_and_paths() {
        let (a, b) = UnixDatagram::pair().unwrap();
        a.send(b"one").await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
        let path = TempPath::new(&format!("dgram-{:?}", std::thread::current().id()));
        let server = UnixDatagram::bind(&path.0).unwrap();
        let client = UnixDatagram::unbound().unwrap();
        client.send_to(b"two", &path.0).await.unwrap();
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"two");
        assert!(from.is_unnamed());
        assert_eq!(server.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    }
}

rt_test! {
    // As for TCP (and as on tokio): an accepted stream is read and written at once, without
    // waiting for the reactor's first event; a fresh pair is writable at once.
    async fn accepted_stream_and_fresh_pair_do_not_wait_for_the_reactor() {
        use std::io::Write;
        let path = TempPath::new(&format!("assume-{:?}", std::thread::current().id()));
        let listener = UnixListener::bind(&path.0).unwrap();
        let mut client = std::os::unix::net::UnixStream::connect(&path.0).unwrap();
        client.write_all(b"first").unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(server.try_read(&mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"first");
        assert_eq!(server.try_write(b"ok").unwrap(), 2);
        assert_eq!(server.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

        let (a, mut b) = UnixStream::pair().unwrap();
        assert_eq!(a.try_write(b"x").unwrap(), 1);
        assert_eq!(b.read(&mut buf).await.unwrap(), 1);
    }
}
