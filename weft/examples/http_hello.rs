//! A hello-world HTTP server speaking HTTP/1.1 and HTTP/2 (h2c, prior knowledge) on one port.
//!
//! ```text
//! cargo run --release -p weft --features hyper --example http_hello -- 127.0.0.1:3000
//! curl http://127.0.0.1:3000/                       # HTTP/1.1
//! curl --http2-prior-knowledge http://127.0.0.1:3000/  # HTTP/2
//! wrk -t2 -c64 -d10s http://127.0.0.1:3000/
//! ```
//!
//! hyper runs on weft through `weft::hyper`; hyper-util's `auto` builder tells HTTP/1.1 from
//! HTTP/2 by the connection preface. Ctrl-C stops accepting, asks every open connection to
//! finish its in-flight requests and close, waits for them (up to a grace period), then exits.

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::server::conn::auto;
use weft::hyper::{WeftExecutor, WeftIo, WeftTimer};
use weft::net::TcpListener;
use weft::task::JoinSet;

/// How long open connections get to finish after shutdown starts.
const GRACE: Duration = Duration::from_secs(5);

#[allow(dead_code)]
#[weft::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    serve(listener, async {
        // If the handler cannot be installed, run until killed rather than stop at once.
        if weft::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// The whole application: every request gets `Hello, world!`.
async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::builder()
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from_static(b"Hello, world!\n")))
        .expect("a static response is valid"))
}

/// Serves HTTP/1.1 and HTTP/2 on `listener` until `shutdown` completes, then closes open
/// connections gracefully (they finish the requests in flight) and returns.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(WeftExecutor::new());
    builder.http1().timer(WeftTimer::new());
    builder.http2().timer(WeftTimer::new());
    let (stop_tx, stop_rx) = weft::sync::watch::channel(false);
    let mut conns = JoinSet::new();
    weft::pin!(shutdown);

    loop {
        weft::select! {
            () = &mut shutdown => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        // Per-connection failures (a reset before accept, EMFILE) must not end
                        // the server.
                        eprintln!("accept failed: {e}");
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let conn = builder
                    .serve_connection(WeftIo::new(stream), hyper::service::service_fn(hello))
                    .into_owned();
                let mut stop = stop_rx.clone();
                conns.spawn(async move {
                    weft::pin!(conn);
                    let result = weft::select! {
                        r = conn.as_mut() => r,
                        // Also fires if the server is gone (sender dropped).
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            conn.await
                        }
                    };
                    if let Err(e) = result {
                        eprintln!("connection {peer}: {e}");
                    }
                });
            }
        }
    }

    drop(listener);
    let _ = stop_tx.send(true);
    let drain = async { while conns.join_next().await.is_some() {} };
    if weft::time::timeout(GRACE, drain).await.is_err() {
        conns.abort_all();
    }
    Ok(())
}
