//! The `http_hello` example's server, driven by hyper's own HTTP/1.1 and HTTP/2 clients.
#![cfg(feature = "hyper")]

mod support;

#[allow(dead_code)]
#[path = "../examples/http_hello.rs"]
mod http_hello;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use weft::hyper::{WeftExecutor, WeftIo};
use weft::net::{TcpListener, TcpStream};
use weft::sync::oneshot;

async fn start() -> (
    std::net::SocketAddr,
    oneshot::Sender<()>,
    weft::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = weft::spawn(http_hello::serve(listener, async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

rt_test! {
    async fn http1_and_http2_clients_get_hello_and_shutdown_is_clean() {
        let (addr, stop, server) = start().await;

        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut h1, conn1) = hyper::client::conn::http1::handshake(WeftIo::new(stream)).await.unwrap();
        let conn1 = weft::spawn(conn1);
        for _ in 0..3 {
            h1.ready().await.unwrap();
            let res = h1.send_request(Request::get("/").body(Empty::<Bytes>::new()).unwrap()).await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.version(), hyper::Version::HTTP_11);
            assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
            assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "Hello, world!\n");
        }

        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut h2, conn2) = hyper::client::conn::http2::handshake(WeftExecutor::new(), WeftIo::new(stream))
            .await
            .unwrap();
        let conn2 = weft::spawn(conn2);
        let res = h2
            .send_request(Request::get(format!("http://{addr}/any/path")).body(Empty::<Bytes>::new()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.version(), hyper::Version::HTTP_2);
        assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "Hello, world!\n");

        // Both connections stay open (keep-alive); shutdown closes them gracefully, so the
        // clients' connection tasks end without error and serve returns Ok.
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
        conn1.await.unwrap().unwrap();
        conn2.await.unwrap().unwrap();
        assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
    }

    async fn many_concurrent_http1_clients() {
        let (addr, stop, server) = start().await;
        let clients: Vec<_> = (0..32)
            .map(|_| {
                weft::spawn(async move {
                    let stream = TcpStream::connect(addr).await.unwrap();
                    let (mut s, conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream)).await.unwrap();
                    let conn = weft::spawn(conn);
                    let res = s.send_request(Request::get("/").body(Empty::<Bytes>::new()).unwrap()).await.unwrap();
                    assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "Hello, world!\n");
                    drop(s);
                    conn.await.unwrap().unwrap();
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    async fn reqwest_blocking_client_gets_hello() {
        let (addr, stop, server) = start().await;
        // reqwest's blocking client runs its own runtime: keep it off weft's workers.
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            let res = client.get(format!("http://{addr}/")).send().unwrap();
            let status = res.status().as_u16();
            let _ = tx.send((status, res.text().unwrap()));
        });
        let (status, body) = rx.await.expect("the client thread panicked");
        assert_eq!((status, body.as_str()), (200, "Hello, world!\n"));
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
