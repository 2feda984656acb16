//! The `echo` example's server, driven by real TCP clients on both schedulers.

mod support;

#[allow(dead_code)]
#[path = "../examples/echo.rs"]
mod echo;

use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};

rt_test! {
    async fn echo_example_serves_many_clients() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(echo::serve(listener));
        let clients: Vec<_> = (0..50u32).map(|i| weft::spawn(async move {
            let mut c = TcpStream::connect(addr).await.unwrap();
            let msg: Vec<u8> = (0..(i * 997 % 50_000)).map(|j| (j % 251) as u8).collect();
            let (mut r, mut w) = c.split();
            let send = async { w.write_all(&msg).await.unwrap(); w.shutdown().await.unwrap(); };
            let recv = async { let mut v = Vec::new(); r.read_to_end(&mut v).await.unwrap(); v };
            let ((), got) = futures::join!(send, recv);
            assert_eq!(got, msg);
        })).collect();
        for c in clients { c.await.unwrap(); }
        server.abort();
    }

    async fn echo_returns_ok_when_the_peer_closes() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(async move {
            let (s, _) = listener.accept().await.unwrap();
            echo::echo(s).await
        });
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        c.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        drop(c);
        server.await.unwrap().unwrap();
    }
}
