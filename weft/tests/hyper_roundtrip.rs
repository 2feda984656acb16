//! hyper 1.x on weft: HTTP/1.1 and HTTP/2 clients and servers over loopback, both schedulers.
#![cfg(feature = "hyper")]

mod support;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use weft::hyper::{WeftExecutor, WeftIo, WeftTimer};
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};

/// Answers `GET /x` with `got GET /x`, and echoes a POST body back upper-cased.
async fn service(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let reply = if parts.method == hyper::Method::POST {
        body.to_ascii_uppercase()
    } else {
        format!("got {} {}", parts.method, parts.uri.path()).into_bytes()
    };
    Ok(Response::builder()
        .header("x-version", format!("{:?}", parts.version))
        .body(Full::new(Bytes::from(reply)))
        .unwrap())
}

async fn h1_server(listener: TcpListener) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        weft::spawn(async move {
            hyper::server::conn::http1::Builder::new()
                .timer(WeftTimer::new())
                .serve_connection(WeftIo::new(stream), hyper::service::service_fn(service))
                .await
                .unwrap();
        });
    }
}

async fn h2_server(listener: TcpListener) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        weft::spawn(async move {
            hyper::server::conn::http2::Builder::new(WeftExecutor::new())
                .timer(WeftTimer::new())
                .serve_connection(WeftIo::new(stream), hyper::service::service_fn(service))
                .await
                .unwrap();
        });
    }
}

async fn body_string(res: Response<Incoming>) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

rt_test! {
    async fn http1_client_and_server_round_trip() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(h1_server(listener));

        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream))
            .await
            .unwrap();
        let conn = weft::spawn(conn);
        // Several requests on one keep-alive connection.
        for i in 0..5 {
            // hyper's http1 sender is ready again only once the connection task has finished
            // the previous exchange, which on the multi-thread scheduler may still be running.
            sender.ready().await.unwrap();
            let req = Request::get(format!("/item/{i}")).body(Full::new(Bytes::new())).unwrap();
            let res = sender.send_request(req).await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["x-version"], "HTTP/1.1");
            assert_eq!(body_string(res).await, format!("got GET /item/{i}"));
        }
        let big: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        sender.ready().await.unwrap();
        let req = Request::post("/echo").body(Full::new(Bytes::from(big.clone()))).unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(body_string(res).await.into_bytes(), big.to_ascii_uppercase());

        drop(sender);
        conn.await.unwrap().unwrap();
        server.abort();
    }

    async fn http2_client_and_server_round_trip_with_concurrent_streams() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(h2_server(listener));

        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = hyper::client::conn::http2::Builder::new(WeftExecutor::new())
            .timer(WeftTimer::new())
            .handshake(WeftIo::new(stream))
            .await
            .unwrap();
        let conn = weft::spawn(conn);
        let requests: Vec<_> = (0..20)
            .map(|i| {
                let mut sender = sender.clone();
                weft::spawn(async move {
                    let req = Request::get(format!("http://{addr}/s/{i}"))
                        .body(Full::new(Bytes::new()))
                        .unwrap();
                    let res = sender.send_request(req).await.unwrap();
                    assert_eq!(res.headers()["x-version"], "HTTP/2.0");
                    assert_eq!(body_string(res).await, format!("got GET /s/{i}"));
                })
            })
            .collect();
        for r in requests {
            r.await.unwrap();
        }
        let mut sender = sender;
        let big: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let req = Request::post(format!("http://{addr}/echo"))
            .body(Full::new(Bytes::from(big.clone())))
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(body_string(res).await.into_bytes(), big.to_ascii_uppercase());

        drop(sender);
        conn.await.unwrap().unwrap();
        server.abort();
    }

    async fn header_read_timeout_closes_a_slow_connection() {
        // The server's timer is WeftTimer: a client that never finishes its headers is cut off.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            hyper::server::conn::http1::Builder::new()
                .timer(WeftTimer::new())
                .header_read_timeout(Duration::from_millis(50))
                .serve_connection(WeftIo::new(stream), hyper::service::service_fn(service))
                .await
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let mut rest = Vec::new();
        // Ends (EOF or reset) only because the server gave up on the headers.
        let _ = client.read_to_end(&mut rest).await;
        assert!(server.await.unwrap().is_err(), "the server reports the timeout");
    }

    async fn http1_upgrade_hands_the_connection_to_weft_io() {
        // The server answers 101 and speaks a raw echo protocol on the upgraded connection,
        // through WeftIo<Upgraded> and weft's AsyncReadExt/AsyncWriteExt; so does the client.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let svc = hyper::service::service_fn(|mut req: Request<Incoming>| async move {
                weft::spawn(async move {
                    let upgraded = hyper::upgrade::on(&mut req).await.unwrap();
                    let mut io = WeftIo::new(upgraded);
                    let mut buf = [0u8; 5];
                    io.read_exact(&mut buf).await.unwrap();
                    buf.reverse();
                    io.write_all(&buf).await.unwrap();
                    io.shutdown().await.unwrap();
                });
                Ok::<_, Infallible>(
                    Response::builder()
                        .status(101)
                        .header("connection", "upgrade")
                        .header("upgrade", "reverse")
                        .body(Full::new(Bytes::new()))
                        .unwrap(),
                )
            });
            hyper::server::conn::http1::Builder::new()
                .serve_connection(WeftIo::new(stream), svc)
                .with_upgrades()
                .await
                .unwrap();
        });
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream))
            .await
            .unwrap();
        let conn = weft::spawn(conn.with_upgrades());
        let req = Request::get("/")
            .header("connection", "upgrade")
            .header("upgrade", "reverse")
            .body(Full::new(Bytes::new()))
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(res.status(), 101);
        let mut io = WeftIo::new(hyper::upgrade::on(res).await.unwrap());
        io.write_all(b"hello").await.unwrap();
        let mut got = Vec::new();
        io.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"olleh");
        conn.await.unwrap().unwrap();
        server.await.unwrap();
    }

    async fn weft_io_wraps_hyper_io_back_into_weft_io() {
        // WeftIo<WeftIo<TcpStream>>: weft -> hyper -> weft, bytes intact both ways.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let echo = weft::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        });
        let mut io = WeftIo::new(WeftIo::new(TcpStream::connect(addr).await.unwrap()));
        let msg: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        io.write_all(&msg).await.unwrap();
        io.shutdown().await.unwrap();
        let mut got = Vec::new();
        io.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, msg);
        echo.await.unwrap();
    }
}

#[test]
fn executor_with_handle_spawns_from_a_plain_thread() {
    use hyper::rt::Executor;
    let rt = support::multi_thread();
    let exec = WeftExecutor::with_handle(rt.handle().clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || exec.execute(async move { tx.send(42).unwrap() }))
        .join()
        .unwrap();
    assert_eq!(rx.recv().unwrap(), 42);
}

fn paused_current_thread() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A sleep from some other timer: never completes by itself.
struct ForeignSleep;

impl std::future::Future for ForeignSleep {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        std::task::Poll::Pending
    }
}

impl hyper::rt::Sleep for ForeignSleep {}

#[test]
fn timer_sleeps_follow_weft_paused_clock_and_reset_moves_them() {
    use hyper::rt::Timer;
    paused_current_thread().block_on(async {
        let timer = WeftTimer::new();
        let start = timer.now();
        timer.sleep(Duration::from_secs(60)).await;
        assert_eq!(timer.now() - start, Duration::from_secs(60));
        timer.sleep_until(start + Duration::from_secs(90)).await;
        assert_eq!(timer.now() - start, Duration::from_secs(90));

        // reset moves one of ours in place, later or earlier.
        let mut sleep = timer.sleep(Duration::from_secs(10));
        timer.reset(&mut sleep, start + Duration::from_secs(200));
        sleep.as_mut().await;
        assert_eq!(timer.now() - start, Duration::from_secs(200));
        let mut sleep = timer.sleep(Duration::from_secs(1000));
        timer.reset(&mut sleep, start + Duration::from_secs(205));
        sleep.as_mut().await;
        assert_eq!(timer.now() - start, Duration::from_secs(205));

        // A sleep from another timer is replaced by one of ours.
        let mut sleep: std::pin::Pin<Box<dyn hyper::rt::Sleep>> = Box::pin(ForeignSleep);
        timer.reset(&mut sleep, start + Duration::from_secs(300));
        sleep.as_mut().await;
        assert_eq!(timer.now() - start, Duration::from_secs(300));
    });
}
