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
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    let canonical = weft::fs::canonicalize(root)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("root folder {}: {e}", root.display())))?;
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

/// An HTML page listing `dir`, which is served at the (decoded) URL path `shown`.
async fn listing(dir: &Path, shown: &str, is_root: bool) -> Result<Response<Body>, Response<Body>> {
    let mut entries = Vec::new();
    let mut read = weft::fs::read_dir(dir).await.map_err(fs_error)?;
    while let Some(entry) = read.next_entry().await.map_err(fs_error)? {
        let is_dir = match entry.file_type().await {
            Ok(t) if t.is_dir() => true,
            Ok(t) if t.is_symlink() => weft::fs::metadata(entry.path())
                .await
                .is_ok_and(|m| m.is_dir()),
            _ => false,
        };
        entries.push((entry.file_name(), is_dir));
    }
    entries.sort();

    let title = html_escape(shown);
    let mut page = format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body>\n<h1>Index of {title}</h1>\n<ul>\n"
    );
    if !is_root {
        page.push_str("<li><a href=\"../\">../</a></li>\n");
    }
    for (name, is_dir) in &entries {
        let slash = if *is_dir { "/" } else { "" };
        match name.to_str() {
            Some(name) => page.push_str(&format!(
                "<li><a href=\"{}{slash}\">{}{slash}</a></li>\n",
                percent_encode(name),
                html_escape(name)
            )),
            // Request paths must be UTF-8, so such a name cannot be linked; show it anyway.
            None => page.push_str(&format!(
                "<li>{}{slash} (name is not UTF-8)</li>\n",
                html_escape(&name.to_string_lossy())
            )),
        }
    }
    page.push_str("</ul>\n</body>\n</html>\n");
    let mut res = Response::new(Body::from(page));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(res)
}

/// A file-system error as a response: 404, 403, or 500 (with the detail only in the log).
fn fs_error(e: io::Error) -> Response<Body> {
    match e.kind() {
        io::ErrorKind::NotFound => text(StatusCode::NOT_FOUND, "404 not found\n".to_string()),
        io::ErrorKind::PermissionDenied => {
            text(StatusCode::FORBIDDEN, "403 permission denied\n".to_string())
        }
        _ if e.raw_os_error() == Some(libc::ENOTDIR) => {
            text(StatusCode::NOT_FOUND, "404 not found\n".to_string())
        }
        _ if e.raw_os_error() == Some(libc::ELOOP) => text(
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

/// The path segments of a request path, or why the path is refused.
///
/// Decodes first, then checks, so `%2e%2e` and `%2F` are judged as what they stand for.
fn request_segments(raw: &str) -> Result<Vec<String>, (StatusCode, &'static str)> {
    let bad = StatusCode::BAD_REQUEST;
    let forbidden = StatusCode::FORBIDDEN;
    if !raw.starts_with('/') {
        return Err((bad, "the path must start with '/'"));
    }
    let decoded = percent_decode(raw.as_bytes())
        .map_err(|()| (bad, "the path has a malformed percent-escape"))?;
    let decoded = String::from_utf8(decoded).map_err(|_| (bad, "the path is not UTF-8"))?;
    if decoded.contains('\0') {
        return Err((bad, "the path contains a NUL byte"));
    }
    if decoded.contains('\\') {
        return Err((forbidden, "backslashes are not allowed in paths"));
    }
    let rest = &decoded[1..];
    if rest.starts_with('/') {
        return Err((forbidden, "absolute paths are not allowed"));
    }
    let mut segments = Vec::new();
    for seg in rest.split('/') {
        match seg {
            // "a//b" and the trailing slash of a folder.
            "" => {}
            "." | ".." => return Err((forbidden, "'.' and '..' are not allowed in paths")),
            _ => segments.push(seg.to_string()),
        }
    }
    Ok(segments)
}

/// `%XX` escapes to bytes; `Err` for a `%` not followed by two hex digits.
fn percent_decode(s: &[u8]) -> Result<Vec<u8>, ()> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                s.get(i + 1).and_then(|&b| hex(b)),
                s.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(()),
            }
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Escapes every byte but RFC 3986's unreserved ones, so a name is one safe path segment
/// (`:` in particular, so `javascript:x` cannot become a scheme).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The media type for a file name, by extension (case-insensitive).
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// What a `Range` header asks of a file.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// No usable single range: send the whole file.
    Full,
    /// Bytes `start..end` (end exclusive, non-empty).
    Partial(u64, u64),
    /// A well-formed range that selects nothing of the file: 416.
    Unsatisfiable,
}

/// Parses a `Range` header value (RFC 9110 §14.1.2) for a file of `len` bytes. Malformed
/// values and multi-range requests give [`Range::Full`].
fn parse_range(value: &str, len: u64) -> Range {
    let value = value.trim();
    let Some((unit, set)) = value.split_once('=') else {
        return Range::Full;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return Range::Full;
    }
    let Some((first, last)) = set.trim().split_once('-') else {
        return Range::Full;
    };
    // Digits only; too many of them saturates (such a position is past any file's end).
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(s.bytes().fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        }))
    };
    match (first.is_empty(), last.is_empty()) {
        // bytes=-n: the last n bytes.
        (true, false) => match number(last) {
            None => Range::Full,
            Some(0) => Range::Unsatisfiable,
            Some(_) if len == 0 => Range::Unsatisfiable,
            Some(n) => Range::Partial(len.saturating_sub(n), len),
        },
        // bytes=a-: from a to the end.
        (false, true) => match number(first) {
            None => Range::Full,
            Some(a) if a >= len => Range::Unsatisfiable,
            Some(a) => Range::Partial(a, len),
        },
        // bytes=a-b, inclusive.
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b => {
                if a >= len {
                    Range::Unsatisfiable
                } else {
                    Range::Partial(a, b.saturating_add(1).min(len))
                }
            }
            _ => Range::Full,
        },
        (true, true) => Range::Full,
    }
}

fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        // Round towards the past, as a whole-second HTTP date must.
        Err(e) => {
            let d = e.duration();
            -i64::try_from(d.as_secs()).unwrap_or(i64::MAX) - i64::from(d.subsec_nanos() > 0)
        }
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 to (year, month 1..=12, day 1..=31), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the Unix epoch as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[month as usize - 1],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses an HTTP date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime
/// forms recipients must accept. `None` for anything else (the header is then ignored).
fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let (year, month, day, time) = match parts.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, day, mon, year, time, "GMT"] => {
            let wd = wd.strip_suffix(',')?;
            if !WEEKDAYS.contains(&wd) || day.len() != 2 || year.len() != 4 {
                return None;
            }
            (digits(year)?, month_number(mon)?, digits(day)?, *time)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        [wd, date, time, "GMT"] => {
            let wd = wd.strip_suffix(',')?;
            if !LONG_WEEKDAYS.contains(&wd) {
                return None;
            }
            let mut it = date.split('-');
            let (day, mon, yy) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() || day.len() != 2 || yy.len() != 2 {
                return None;
            }
            // Two-digit years: RFC 9110 says pick the century that is not more than 50 years
            // ahead; for file dates, 70..=99 as 19xx and 00..=69 as 20xx does that until 2069.
            let yy = digits(yy)?;
            let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            (year, month_number(mon)?, digits(day)?, *time)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [wd, mon, day, time, year] => {
            if !WEEKDAYS.contains(wd) || day.len() > 2 || year.len() != 4 {
                return None;
            }
            (digits(year)?, month_number(mon)?, digits(day)?, *time)
        }
        _ => return None,
    };
    let mut hms = time.split(':');
    let (h, m, sec) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || h.len() != 2 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, m, sec) = (digits(h)?, digits(m)?, digits(sec)?);
    let day = u32::try_from(day).ok()?;
    if day == 0 || day > days_in_month(year, month) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // A leap second (:60) is read as the last second of its minute.
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec.min(59))
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(s: &str) -> Option<u32> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as u32 + 1)
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

    #[test]
    fn http_dates_format_and_parse() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(http_date(4_102_444_799), "Thu, 31 Dec 2099 23:59:59 GMT");
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(s), Some(784_111_777), "{s}");
        }
        // Round trip over a spread of instants, leap days and century years included.
        let mut t = -2_208_988_800i64; // 1900-01-01
        while t < 7_258_118_400 {
            assert_eq!(parse_http_date(&http_date(t)), Some(t), "{}", http_date(t));
            t += 86_400 * 7 + 3_607;
        }
        for bad in [
            "",
            "yesterday",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(
            parse_http_date("Sat, 29 Feb 2020 00:00:00 GMT"),
            Some(1_582_934_400)
        );
    }

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

    #[test]
    fn ranges() {
        use Range::*;
        assert_eq!(parse_range("bytes=0-9", 100), Partial(0, 10));
        assert_eq!(parse_range("bytes=90-200", 100), Partial(90, 100));
        assert_eq!(parse_range("bytes=10-", 100), Partial(10, 100));
        assert_eq!(parse_range("bytes=-10", 100), Partial(90, 100));
        assert_eq!(parse_range("bytes=-1000", 100), Partial(0, 100));
        assert_eq!(parse_range("Bytes = 5-5", 100), Partial(5, 6));
        assert_eq!(parse_range("bytes=100-", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=100-200", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
        assert_eq!(
            parse_range("bytes=99999999999999999999999-", 100),
            Unsatisfiable
        );
        assert_eq!(
            parse_range("bytes=0-99999999999999999999999", 100),
            Partial(0, 100)
        );
        for ignored in [
            "bytes=5-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
        ] {
            assert_eq!(parse_range(ignored, 100), Full, "{ignored}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(request_segments("/a/b%20c/").unwrap(), ["a", "b c"]);
        assert_eq!(request_segments("/").unwrap(), Vec::<String>::new());
        for (raw, status) in [
            ("/../etc/passwd", 403),
            ("/a/..", 403),
            ("/%2e%2e/x", 403),
            ("/%2E%2E%2Fetc%2Fpasswd", 403),
            ("//etc/passwd", 403),
            ("/%2Fetc/passwd", 403),
            ("/a\\..\\b", 403),
            ("/a%5Cb", 403),
            ("/./a", 403),
            ("/%zz", 400),
            ("/%2", 400),
            ("/%ff", 400),
            ("/a%00b", 400),
            ("*", 400),
        ] {
            assert_eq!(
                request_segments(raw).unwrap_err().0.as_u16(),
                status,
                "{raw}"
            );
        }
        assert_eq!(percent_encode("a b/<c>:&é"), "a%20b%2F%3Cc%3E%3A%26%C3%A9");
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            content_type(Path::new("x/INDEX.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}
