//! A static file server over `weft::fs`, speaking HTTP/1.1 and HTTP/2 (h2c) on one port.
//!
//! ```text
//! cargo run --release -p weft --features hyper --example http_files -- 127.0.0.1:3001 ./some/folder
//! curl -i http://127.0.0.1:3001/                  # a listing, or the folder's index.html
//! curl -r 0-99 http://127.0.0.1:3001/big.bin      # a Range request: 206 Partial Content
//! ```
//!
//! Arguments: the listen address (default `127.0.0.1:3001`), then the root folder (default `.`).
//!
//! What it does, per request:
//!
//! - `GET` and `HEAD` only; any other method gets `405` with `Allow: GET, HEAD`.
//! - The path is percent-decoded (a bad escape, invalid UTF-8 or a NUL byte is `400`); a
//!   segment `.` or `..`, a backslash, or an absolute path (`//etc/passwd`) is `403`. The
//!   resolved path is canonicalised and must stay inside the canonicalised root, so a symlink
//!   pointing outside is `403` too. (A symlink swapped in between that check and the `open` can
//!   still escape; closing that race needs `openat2(RESOLVE_BENEATH)`, which this example does
//!   not use.)
//! - Files are streamed in 64 KiB frames (never read whole into memory) with `Content-Length`,
//!   `Content-Type` by extension, `Last-Modified` and `Accept-Ranges: bytes`.
//! - `If-Modified-Since` gives `304` when the file is not newer. `Range` on `GET` with one range
//!   (`bytes=a-b`, `bytes=a-`, `bytes=-n`) gives `206` with `Content-Range`; an unsatisfiable
//!   one gives `416` with `Content-Range: bytes */LEN`. A request with several ranges gets the
//!   whole file (`200`), which RFC 9110 allows; a malformed `Range` is ignored the same way.
//!   `If-Range` with a date honours the range only if the file's `Last-Modified` equals it.
//! - A folder is served as its `index.html` if it has one, else as an HTML listing (names
//!   HTML-escaped, links percent-encoded). A folder URL without the trailing slash is
//!   redirected (`301`) to the slash form, so relative links in the listing work.
//!
//! Limits against slow or greedy clients:
//!
//! - at most `max_connections` connections are served at once: when all are taken the server
//!   stops accepting (new clients wait in the kernel's listen backlog) until one closes;
//! - a connection must deliver a complete request head within `header_read_timeout` of being
//!   accepted (this also covers a client that sends nothing, or stalls in the HTTP/2
//!   preface), and an HTTP/1.1 connection gets the same limit for every later request head
//!   (hyper's `header_read_timeout`), which also closes idle keep-alive connections. An idle
//!   HTTP/2 connection is pinged and closed if the peer stops answering, but a live, idle
//!   HTTP/2 client keeps its slot.
//!
//! Ctrl-C stops accepting, lets open connections finish their requests (up to a grace
//! period), then exits with status 0.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::server::conn::auto;
use weft::fs::File;
use weft::hyper::{WeftExecutor, WeftIo, WeftTimer};
use weft::io::{AsyncRead, AsyncSeekExt, ReadBuf};
use weft::net::{TcpListener, TcpStream};
use weft::sync::{OwnedSemaphorePermit, Semaphore};
use weft::task::JoinSet;

mod http_date;
mod listing;
mod request;

use http_date::{http_date, parse_http_date, unix_secs};
use listing::listing;
use request::{content_type, parse_range, percent_decode, request_segments, Range};

/// How long open connections get to finish after shutdown starts.
const GRACE: Duration = Duration::from_secs(5);
/// The size of one body frame when streaming a file.
const CHUNK: usize = 64 * 1024;

#[allow(dead_code)]
#[weft::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3001".to_string());
    let root = args.next().unwrap_or_else(|| ".".to_string());
    // Check the folder before announcing the address, so a typo fails at once and clearly.
    let root = checked_root(Path::new(&root)).await?;
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    eprintln!("serving {}", root.display());
    serve(listener, Config::new(root), async {
        // If the handler cannot be installed, run until killed rather than stop at once.
        if weft::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// How [`serve`] behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder whose contents are served.
    pub root: PathBuf,
    /// How long a client gets to send a complete request head (default 10 s).
    pub header_read_timeout: Duration,
    /// How many connections are served at once (default 1024); more wait to be accepted.
    pub max_connections: usize,
}

impl Config {
    /// The defaults, serving `root`.
    pub fn new(root: impl Into<PathBuf>) -> Config {
        Config {
            root: root.into(),
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Serves the files under `config.root` on `listener` until `shutdown` completes, then closes
/// open connections gracefully (they finish the requests in flight) and returns.
///
/// Fails at once if the root is not a readable folder.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let site = Arc::new(Site {
        root: checked_root(&config.root).await?,
    });
    let mut builder = auto::Builder::new(WeftExecutor::new());
    builder
        .http1()
        .timer(WeftTimer::new())
        .header_read_timeout(config.header_read_timeout);
    builder
        .http2()
        .timer(WeftTimer::new())
        .keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10));
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let (stop_tx, stop_rx) = weft::sync::watch::channel(false);
    let mut conns = JoinSet::new();
    weft::pin!(shutdown);

    loop {
        weft::select! {
            () = &mut shutdown => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            (permit, accepted) = accept_with_permit(&listener, &permits) => {
                let (stream, peer) = match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        // Per-connection failures (a reset before accept, EMFILE) must not end
                        // the server.
                        eprintln!("accept failed: {e}");
                        if !matches!(
                            e.kind(),
                            io::ErrorKind::ConnectionAborted
                                | io::ErrorKind::ConnectionReset
                                | io::ErrorKind::Interrupted
                        ) {
                            // Out of descriptors or memory: the next accept would fail the
                            // same way at once; pause rather than spin.
                            weft::time::sleep(Duration::from_millis(100)).await;
                        }
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let seen_request = Arc::new(AtomicBool::new(false));
                let service = {
                    let site = Arc::clone(&site);
                    let seen_request = Arc::clone(&seen_request);
                    hyper::service::service_fn(move |req| {
                        seen_request.store(true, Ordering::Relaxed);
                        handle(Arc::clone(&site), req)
                    })
                };
                let conn = builder.serve_connection(WeftIo::new(stream), service).into_owned();
                let first_head_timeout = config.header_read_timeout;
                let mut stop = stop_rx.clone();
                conns.spawn(async move {
                    // Held for the connection's life: that is the connection cap.
                    let _permit = permit;
                    weft::pin!(conn);
                    // hyper's header_read_timeout starts only once hyper-util has told
                    // HTTP/1.1 from HTTP/2, which waits for bytes; this deadline covers the
                    // time before the first request, whatever the client sends.
                    let first_head = weft::time::sleep(first_head_timeout);
                    weft::pin!(first_head);
                    let mut waiting_first = true;
                    let mut stopping = false;
                    let result = loop {
                        weft::select! {
                            r = conn.as_mut() => break r,
                            () = &mut first_head, if waiting_first => {
                                if !seen_request.load(Ordering::Relaxed) {
                                    eprintln!("connection {peer}: no request within {first_head_timeout:?}, closing");
                                    return;
                                }
                                waiting_first = false;
                            }
                            // Also fires if the server is gone (sender dropped).
                            _ = stop.changed(), if !stopping => {
                                stopping = true;
                                conn.as_mut().graceful_shutdown();
                            }
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

/// Waits for a free connection slot, then for a connection. Cancel safe: dropping it before
/// a connection arrives gives the slot back and loses no connection.
async fn accept_with_permit(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> (
    OwnedSemaphorePermit,
    io::Result<(TcpStream, std::net::SocketAddr)>,
) {
    let permit = Arc::clone(permits)
        .acquire_owned()
        .await
        .expect("the connection semaphore is never closed");
    (permit, listener.accept().await)
}

/// The canonical form of `root`, which must be a folder.
async fn checked_root(root: &Path) -> io::Result<PathBuf> {
    // The error names the path (weft::fs errors do).
    let canonical = weft::fs::canonicalize(root).await?;
    if !weft::fs::metadata(&canonical).await?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("root {} is not a folder", root.display()),
        ));
    }
    Ok(canonical)
}

/// What every request can see.
struct Site {
    /// Canonical; every served path must start with it.
    root: PathBuf,
}

/// One request: never fails (errors become 4xx/5xx responses).
async fn handle(site: Arc<Site>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut res = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("405 method {} not allowed: use GET or HEAD\n", req.method()),
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(res);
    }
    let mut res = match respond(&site, &req).await {
        Ok(res) => res,
        Err(res) => res,
    };
    if head {
        // Headers (Content-Length included) as for GET, no body.
        *res.body_mut() = Body::empty();
    }
    Ok(res)
}

/// The response for a GET or HEAD; `Err` carries an error response.
async fn respond(site: &Site, req: &Request<Incoming>) -> Result<Response<Body>, Response<Body>> {
    let raw_path = req.uri().path();
    let segments = request_segments(raw_path)
        .map_err(|(status, why)| text(status, format!("{} {why}\n", status.as_u16())))?;
    let mut wanted = site.root.clone();
    wanted.extend(&segments);
    let real = inside_root(site, &wanted).await?;
    let meta = weft::fs::metadata(&real).await.map_err(fs_error)?;

    if meta.is_dir() {
        if !raw_path.ends_with('/') {
            let mut location = format!("{raw_path}/");
            if let Some(q) = req.uri().query() {
                location.push('?');
                location.push_str(q);
            }
            let mut res = text(
                StatusCode::MOVED_PERMANENTLY,
                format!("301 moved to {location}\n"),
            );
            let value = HeaderValue::from_str(&location)
                .map_err(|_| text(StatusCode::BAD_REQUEST, "400 unusable path\n".to_string()))?;
            res.headers_mut().insert(header::LOCATION, value);
            return Ok(res);
        }
        let index = real.join("index.html");
        if let Ok(index_real) = inside_root(site, &index).await {
            if let Ok(m) = weft::fs::metadata(&index_real).await {
                if m.is_file() {
                    return serve_file(req, &index_real, &index).await;
                }
            }
        }
        let shown = percent_decode(raw_path.as_bytes())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        return listing(&real, &shown, real == site.root).await;
    }
    if !meta.is_file() {
        return Err(text(
            StatusCode::FORBIDDEN,
            "403 not a regular file\n".to_string(),
        ));
    }
    if raw_path.ends_with('/') {
        // As open(2) would say for "file/": a file is not a folder.
        return Err(fs_error(io::Error::from_raw_os_error(libc::ENOTDIR)));
    }
    serve_file(req, &real, &wanted).await
}

/// Canonicalises `path` and checks it stays under the root (symlinks included).
async fn inside_root(site: &Site, path: &Path) -> Result<PathBuf, Response<Body>> {
    let real = weft::fs::canonicalize(path).await.map_err(fs_error)?;
    if !real.starts_with(&site.root) {
        return Err(text(
            StatusCode::FORBIDDEN,
            "403 the path leads outside the served folder\n".to_string(),
        ));
    }
    Ok(real)
}

/// Streams one regular file: 200, 206, 304 or 416.
async fn serve_file(
    req: &Request<Incoming>,
    real: &Path,
    named: &Path,
) -> Result<Response<Body>, Response<Body>> {
    let mut file = File::open(real).await.map_err(fs_error)?;
    let meta = file.metadata().await.map_err(fs_error)?;
    if !meta.is_file() {
        return Err(text(
            StatusCode::FORBIDDEN,
            "403 not a regular file\n".to_string(),
        ));
    }
    let len = meta.len();
    let modified = meta.modified().ok().map(unix_secs);

    let mut res = Response::new(Body::empty());
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(named)),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(m) = modified {
        headers.insert(header::LAST_MODIFIED, header_value(http_date(m)));
    }

    let date_header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .and_then(parse_http_date)
    };
    if let (Some(m), Some(since)) = (modified, date_header(header::IF_MODIFIED_SINCE)) {
        if m <= since {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            res.headers_mut().remove(header::CONTENT_TYPE);
            return Ok(res);
        }
    }

    // RFC 9110: Range is defined for GET only; If-Range with a date must match exactly.
    let range_applies = req.method() == Method::GET
        && match req.headers().get(header::IF_RANGE) {
            None => true,
            Some(_) => modified.is_some() && date_header(header::IF_RANGE) == modified,
        };
    let range = match req.headers().get(header::RANGE) {
        Some(v) if range_applies => v.to_str().map_or(Range::Full, |v| parse_range(v, len)),
        _ => Range::Full,
    };
    let (start, end) = match range {
        Range::Full => (0, len),
        Range::Partial(start, end) => {
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes {start}-{}/{len}", end - 1)),
            );
            (start, end)
        }
        Range::Unsatisfiable => {
            let mut res = text(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("416 the requested range is outside the file's {len} bytes\n"),
            );
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes */{len}")),
            );
            return Err(res);
        }
    };
    if start > 0 {
        file.seek(io::SeekFrom::Start(start))
            .await
            .map_err(fs_error)?;
    }
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_LENGTH,
        header_value((end - start).to_string()),
    );
    *res.body_mut() = Body::File(FileBody {
        file,
        remaining: end - start,
        chunk: Vec::new(),
    });
    Ok(res)
}

/// A file-system error as a response: 404, 403, or 500 (with the detail only in the log).
fn fs_error(e: io::Error) -> Response<Body> {
    match e.kind() {
        io::ErrorKind::NotFound => text(StatusCode::NOT_FOUND, "404 not found\n".to_string()),
        io::ErrorKind::PermissionDenied => {
            text(StatusCode::FORBIDDEN, "403 permission denied\n".to_string())
        }
        // weft::fs errors carry the path (a `PathError`); the errno is behind it.
        _ if weft::fs::raw_os_error(&e) == Some(libc::ENOTDIR) => {
            text(StatusCode::NOT_FOUND, "404 not found\n".to_string())
        }
        _ if weft::fs::raw_os_error(&e) == Some(libc::ELOOP) => text(
            StatusCode::FORBIDDEN,
            "403 too many levels of symbolic links\n".to_string(),
        ),
        _ => {
            eprintln!("file system error: {e}");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500 the file could not be read\n".to_string(),
            )
        }
    }
}

/// A plain-text response.
fn text(status: StatusCode, body: String) -> Response<Body> {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

fn header_value(s: String) -> HeaderValue {
    HeaderValue::try_from(s).expect("only ASCII digits, letters and punctuation")
}

/// A response body: a small in-memory one, or a file streamed in [`CHUNK`]-sized frames.
pub enum Body {
    /// All of it at once (pages, error messages); `None` once sent.
    Bytes(Option<Bytes>),
    /// A file, from its current position.
    File(FileBody),
}

/// The rest of a file to send.
pub struct FileBody {
    file: File,
    /// Bytes still to send; the response's Content-Length promised this many.
    remaining: u64,
    /// The next frame, filled across polls.
    chunk: Vec<u8>,
}

impl Body {
    fn empty() -> Body {
        Body::Bytes(None)
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body::Bytes(Some(Bytes::from(s)))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::File(f) => {
                if f.remaining == 0 {
                    return Poll::Ready(None);
                }
                let want = f.remaining.min(CHUNK as u64) as usize;
                // Allocated once per frame; a Pending read leaves it in place for the retry.
                f.chunk.resize(want, 0);
                let mut buf = ReadBuf::new(&mut f.chunk);
                ready!(Pin::new(&mut f.file).poll_read(cx, &mut buf))?;
                let n = buf.filled().len();
                if n == 0 {
                    // The file shrank after Content-Length was sent: the response cannot be
                    // completed, and hyper closes the connection.
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the file got shorter while it was being sent",
                    ))));
                }
                f.remaining -= n as u64;
                let mut data = std::mem::take(&mut f.chunk);
                data.truncate(n);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(data)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Bytes(b) => b.is_none(),
            Body::File(f) => f.remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::File(f) => SizeHint::with_exact(f.remaining),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of a big file comes in frames of at most [`CHUNK`] bytes, read as they are
    /// sent, and the bytes are the file's from its position on.
    #[test]
    fn file_body_streams_in_frames() {
        use hyper::body::Body as _;
        let path =
            std::env::temp_dir().join(format!("weft-http-files-body-{}", std::process::id()));
        let contents: Vec<u8> = (0..3 * CHUNK + 1000).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &contents).unwrap();
        for rt in [
            weft::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            weft::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        ] {
            rt.block_on(async {
                let mut file = File::open(&path).await.unwrap();
                file.seek(io::SeekFrom::Start(10)).await.unwrap();
                let mut body = Body::File(FileBody {
                    file,
                    remaining: contents.len() as u64 - 10,
                    chunk: Vec::new(),
                });
                assert_eq!(body.size_hint().exact(), Some(contents.len() as u64 - 10));
                let mut got = Vec::new();
                let mut frames = 0;
                while let Some(frame) =
                    std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
                {
                    let data = frame.unwrap().into_data().unwrap();
                    assert!(!data.is_empty() && data.len() <= CHUNK);
                    got.extend_from_slice(&data);
                    frames += 1;
                }
                assert!(body.is_end_stream());
                assert!(frames >= 4, "{frames} frames");
                assert!(got == contents[10..]);

                // A file that shrinks under the body is an error, not a short response.
                let file = File::open(&path).await.unwrap();
                let mut body = Body::File(FileBody {
                    file,
                    remaining: contents.len() as u64 + 1,
                    chunk: Vec::new(),
                });
                let err = loop {
                    match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => break e,
                        None => panic!("the body ended short without an error"),
                    }
                };
                assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
            });
        }
        std::fs::remove_file(&path).unwrap();
    }
}
