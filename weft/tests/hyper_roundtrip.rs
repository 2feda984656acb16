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

// How hyper's HTTP/1 server on weft sees the ways a client can go away (wrk, at the end of a
// run, does all of them). Each outcome is hyper's own rule, the same on tokio: a client that
// closes before its response is written is "connection closed before message completed";
// one that goes away between requests, by FIN or by RST, is a clean close.

const GET: &[u8] = b"GET / HTTP/1.1\r\nhost: x\r\n\r\n";

/// Serves one accepted connection as `http_hello` does (hyper-util's auto builder). The
/// handler first tells `got_request`, then answers once `may_answer` fires (or is dropped).
/// A client connected to `serve_gated`: the server says when it has the request, and answers
/// only when told to.
async fn gated_connection() -> (
    TcpStream,
    weft::task::JoinHandle<Result<(), Box<dyn std::error::Error + Send + Sync>>>,
    weft::sync::oneshot::Receiver<()>,
    weft::sync::oneshot::Sender<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (stream, _) = listener.accept().await.unwrap();
    let (got_tx, got_rx) = weft::sync::oneshot::channel();
    let (answer_tx, answer_rx) = weft::sync::oneshot::channel();
    let server = weft::spawn(serve_gated(stream, got_tx, answer_rx));
    (client, server, got_rx, answer_tx)
}

async fn serve_gated(
    stream: TcpStream,
    got_request: weft::sync::oneshot::Sender<()>,
    may_answer: weft::sync::oneshot::Receiver<()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let gate = std::sync::Mutex::new(Some((got_request, may_answer)));
    let svc = hyper::service::service_fn(move |_req: Request<Incoming>| {
        let gate = gate.lock().unwrap().take();
        async move {
            if let Some((got_request, may_answer)) = gate {
                let _ = got_request.send(());
                let _ = may_answer.await;
            }
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
        }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(WeftExecutor::new());
    builder.http1().timer(WeftTimer::new());
    builder.serve_connection(WeftIo::new(stream), svc).await
}

fn is_incomplete_message(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<hyper::Error>()
        .is_some_and(hyper::Error::is_incomplete_message)
}

async fn read_response(client: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while !got.ends_with(b"hello") {
        let n = client.read(&mut buf).await.unwrap();
        assert!(
            n > 0,
            "EOF before the whole response: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    got
}

rt_test! {
    async fn client_closing_before_its_response_is_an_incomplete_message() {
        let (mut client, server, got_rx, answer_tx) = gated_connection().await;

        client.write_all(GET).await.unwrap();
        got_rx.await.unwrap();
        // The request has been read and is being handled; the client goes (FIN), as wrk's
        // process does when it exits with requests in flight.
        drop(client);
        let err = server.await.unwrap().unwrap_err();
        assert!(is_incomplete_message(&*err), "{err:?}");
        drop(answer_tx);
    }

    async fn client_closing_after_reading_its_response_is_a_clean_close() {
        let (mut client, server, _got_rx, answer_tx) = gated_connection().await;

        client.write_all(GET).await.unwrap();
        answer_tx.send(()).unwrap();
        assert!(read_response(&mut client).await.starts_with(b"HTTP/1.1 200 OK\r\n"));
        drop(client);
        server.await.unwrap().unwrap();
    }

    async fn client_resetting_with_its_response_unread_is_a_clean_close() {
        let (mut client, server, _got_rx, answer_tx) = gated_connection().await;

        client.write_all(GET).await.unwrap();
        answer_tx.send(()).unwrap();
        // Wait for the response without reading it: closing with unread data sends RST, and
        // the server, idle between requests, reads ECONNRESET.
        let mut byte = [0u8; 1];
        assert_eq!(client.peek(&mut byte).await.unwrap(), 1);
        drop(client);
        server.await.unwrap().unwrap();
    }
}

/// A request followed at once by the client's FIN (`printf 'GET …' | nc -N`, or a client
/// that half-closes after sending), both already queued when the server accepts: the accepted
/// stream is read without waiting for the reactor, as on tokio, so hyper reads the request
/// and answers it before it learns of the FIN. Had the first read waited for the reactor's
/// first event, that event would carry the FIN too, and hyper, checking for EOF while the
/// request is in flight, would drop the request as an incomplete message. Current-thread only:
/// on the multi-thread scheduler an idle worker may poll the reactor between `accept` and
/// the first read, and then either outcome is possible (on tokio as well).
#[test]
fn request_and_fin_queued_before_accept_are_answered() {
    support::current_thread().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        std::io::Write::write_all(&mut client, GET).unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let (got_tx, _got_rx) = weft::sync::oneshot::channel();
        let (answer_tx, answer_rx) = weft::sync::oneshot::channel();
        answer_tx.send(()).unwrap();
        serve_gated(stream, got_tx, answer_rx).await.unwrap();
        let mut got = Vec::new();
        std::io::Read::read_to_end(&mut client, &mut got).unwrap();
        assert!(
            got.starts_with(b"HTTP/1.1 200 OK\r\n"),
            "{:?}",
            String::from_utf8_lossy(&got)
        );
    });
}
