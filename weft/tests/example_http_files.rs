//! The `http_files` example's server, in-process on a weft runtime, driven by independent
//! clients: hyper's HTTP/1.1 and HTTP/2 clients (over weft's `TcpStream`), `reqwest`'s blocking
//! client (on a plain std thread, never on a runtime worker), and raw TCP for requests that
//! well-behaved clients refuse to send.
#![cfg(feature = "hyper")]

mod support;

#[allow(dead_code)]
#[path = "../examples/http_files/main.rs"]
mod http_files;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::HeaderMap;
use hyper::{Request, StatusCode};
use weft::hyper::{WeftExecutor, WeftIo};
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};
use weft::sync::oneshot;

/// A unique folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "weft-http-files-{}-{tag}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 2020-01-01T00:00:00Z: every fixture file gets this mtime, so dates are known exactly.
const MTIME: u64 = 1_577_836_800;
const MTIME_HTTP: &str = "Wed, 01 Jan 2020 00:00:00 GMT";
const HELLO: &[u8] = b"hello, files\n";
const SECRET: &[u8] = b"TOP SECRET: root:x:0:0\n";

fn big_contents() -> Vec<u8> {
    // Several MB, not a multiple of the 64 KiB frame, no repeating 64 KiB block.
    (0..5 * 1024 * 1024 + 123)
        .map(|i: usize| (i.wrapping_mul(31) % 251) as u8 ^ (i >> 16) as u8)
        .collect()
}

/// The served tree, and a sibling folder outside it that symlinks point into.
struct Fixture {
    root: TempDir,
    _outside: TempDir,
    big: Vec<u8>,
}

fn write(path: &Path, contents: &[u8]) {
    std::fs::write(path, contents).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_secs(MTIME))
        .unwrap();
}

fn fixture() -> Fixture {
    let root = TempDir::new("root");
    let outside = TempDir::new("outside");
    let r = &root.0;
    write(&r.join("hello.txt"), HELLO);
    let big = big_contents();
    write(&r.join("big.bin"), &big);
    write(&r.join("empty.txt"), b"");
    for name in [
        "notes.txt",
        "page.html",
        "style.css",
        "app.js",
        "data.json",
        "img.png",
        "photo.jpg",
        "anim.gif",
        "logo.svg",
        "mod.wasm",
        "doc.pdf",
        "SHOUT.PNG",
        "noext",
        "archive.tar.zst",
    ] {
        write(&r.join(name), name.as_bytes());
    }
    std::fs::create_dir_all(r.join("sub/nested")).unwrap();
    for name in [
        "<script>alert(1)&'\".txt",
        "a b.txt",
        "javascript:alert(1)",
        "100%.txt",
    ] {
        write(&r.join("sub").join(name), name.as_bytes());
    }
    std::fs::create_dir(r.join("site")).unwrap();
    write(&r.join("site/index.html"), b"<h1>index</h1>\n");
    write(&outside.0.join("secret.txt"), SECRET);
    std::os::unix::fs::symlink(r.join("hello.txt"), r.join("link_in.txt")).unwrap();
    std::os::unix::fs::symlink(outside.0.join("secret.txt"), r.join("link_out.txt")).unwrap();
    std::os::unix::fs::symlink(&outside.0, r.join("linkdir_out")).unwrap();
    std::os::unix::fs::symlink("../../outside-nowhere", r.join("dangling")).unwrap();
    Fixture {
        root,
        _outside: outside,
        big,
    }
}

struct Server {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    task: weft::task::JoinHandle<std::io::Result<()>>,
}

async fn start(config: http_files::Config) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = weft::spawn(http_files::serve(listener, config, async {
        let _ = stopped.await;
    }));
    Server { addr, stop, task }
}

impl Server {
    /// Shuts the server down and checks it stopped cleanly.
    async fn finish(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap().unwrap();
        assert!(
            TcpStream::connect(self.addr).await.is_err(),
            "the listener is closed"
        );
    }
}

struct Reply {
    status: StatusCode,
    version: hyper::Version,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .unwrap()
    }
}

/// One request on a fresh HTTP/1.1 connection, with hyper's client.
async fn h1(addr: std::net::SocketAddr, req: Request<Empty<Bytes>>) -> Reply {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream))
        .await
        .unwrap();
    let conn = weft::spawn(conn);
    let res = sender.send_request(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    drop(sender);
    conn.await.unwrap().unwrap();
    Reply {
        status: parts.status,
        version: parts.version,
        headers: parts.headers,
        body,
    }
}

async fn get(addr: std::net::SocketAddr, path: &str) -> Reply {
    h1(addr, Request::get(path).body(Empty::new()).unwrap()).await
}

async fn get_with(addr: std::net::SocketAddr, path: &str, name: &str, value: &str) -> Reply {
    h1(
        addr,
        Request::get(path)
            .header(name, value)
            .body(Empty::new())
            .unwrap(),
    )
    .await
}

/// Several requests on one HTTP/2 connection, with hyper's client.
async fn h2(addr: std::net::SocketAddr, reqs: Vec<Request<Empty<Bytes>>>) -> Vec<Reply> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(WeftExecutor::new(), WeftIo::new(stream))
            .await
            .unwrap();
    let conn = weft::spawn(conn);
    let mut replies = Vec::new();
    for req in reqs {
        let res = sender.send_request(req).await.unwrap();
        let (parts, body) = res.into_parts();
        replies.push(Reply {
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        });
    }
    drop(sender);
    conn.await.unwrap().unwrap();
    replies
}

/// Runs `f` on a new std thread (reqwest's blocking client must not run on a runtime worker)
/// and waits for its result without blocking this task.
async fn on_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.await.expect("the client thread panicked")
}

/// Writes `request` on a raw connection and reads until the server closes it.
async fn raw(addr: std::net::SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    // A guard against hanging forever if the server never closes, not a timing assertion.
    weft::time::timeout(Duration::from_secs(60), s.read_to_end(&mut out))
        .await
        .expect("the server did not close the connection")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn config(f: &Fixture) -> http_files::Config {
    http_files::Config::new(&f.root.0)
}

rt_test! {
    async fn files_small_and_large_over_http1_http2_and_reqwest() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        let r = get(addr, "/hello.txt").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.version, hyper::Version::HTTP_11);
        assert_eq!(r.body, HELLO);
        assert_eq!(r.header("content-length"), HELLO.len().to_string());
        assert_eq!(r.header("content-type"), "text/plain; charset=utf-8");
        assert_eq!(r.header("last-modified"), MTIME_HTTP);
        assert_eq!(r.header("accept-ranges"), "bytes");

        let r = get(addr, "/big.bin").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-length"), f.big.len().to_string());
        assert_eq!(r.header("content-type"), "application/octet-stream");
        assert!(r.body == f.big, "the big file arrived changed ({} bytes)", r.body.len());

        let r = get(addr, "/empty.txt").await;
        assert_eq!((r.status, r.header("content-length"), r.body.len()), (StatusCode::OK, "0", 0));

        let r = get(addr, "/link_in.txt").await;
        assert_eq!((r.status, &r.body[..]), (StatusCode::OK, HELLO), "a symlink inside the root is served");

        let base = format!("http://{addr}");
        let rs = h2(addr, vec![
            Request::get(format!("{base}/big.bin")).body(Empty::new()).unwrap(),
            Request::get(format!("{base}/hello.txt")).header("range", "bytes=-6").body(Empty::new()).unwrap(),
            Request::head(format!("{base}/big.bin")).body(Empty::new()).unwrap(),
        ]).await;
        assert_eq!(rs[0].version, hyper::Version::HTTP_2);
        assert_eq!(rs[0].status, 200);
        assert!(rs[0].body == f.big, "the big file arrived changed over HTTP/2");
        assert_eq!((rs[1].status, &rs[1].body[..]), (StatusCode::PARTIAL_CONTENT, &HELLO[HELLO.len() - 6..]));
        assert_eq!(rs[1].header("content-range"), format!("bytes 7-12/{}", HELLO.len()));
        assert_eq!((rs[2].status, rs[2].body.len()), (StatusCode::OK, 0));
        assert_eq!(rs[2].header("content-length"), f.big.len().to_string());

        let (status, ctype, lm, body) = on_thread(move || {
            let client = reqwest::blocking::Client::new();
            let res = client.get(format!("{base}/big.bin")).send().unwrap();
            let status = res.status().as_u16();
            let ctype = res.headers()["content-type"].to_str().unwrap().to_string();
            let lm = res.headers()["last-modified"].to_str().unwrap().to_string();
            (status, ctype, lm, res.bytes().unwrap())
        }).await;
        assert_eq!((status, ctype.as_str(), lm.as_str()), (200, "application/octet-stream", MTIME_HTTP));
        assert!(body == f.big, "reqwest got the big file changed");

        server.finish().await;
    }

    async fn head_and_content_types() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        let r = h1(addr, Request::head("/big.bin").body(Empty::new()).unwrap()).await;
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-length"), f.big.len().to_string());
        assert_eq!(r.header("last-modified"), MTIME_HTTP);
        // Range is defined for GET only: HEAD with a Range describes the whole file.
        let r = h1(addr, Request::head("/big.bin").header("range", "bytes=0-9").body(Empty::new()).unwrap()).await;
        assert_eq!((r.status, r.header("content-length")), (StatusCode::OK, f.big.len().to_string().as_str()));

        for (path, ctype) in [
            ("/page.html", "text/html; charset=utf-8"),
            ("/style.css", "text/css; charset=utf-8"),
            ("/app.js", "text/javascript; charset=utf-8"),
            ("/data.json", "application/json"),
            ("/notes.txt", "text/plain; charset=utf-8"),
            ("/img.png", "image/png"),
            ("/SHOUT.PNG", "image/png"),
            ("/photo.jpg", "image/jpeg"),
            ("/anim.gif", "image/gif"),
            ("/logo.svg", "image/svg+xml"),
            ("/mod.wasm", "application/wasm"),
            ("/doc.pdf", "application/pdf"),
            ("/noext", "application/octet-stream"),
            ("/archive.tar.zst", "application/octet-stream"),
        ] {
            let r = get(addr, path).await;
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.header("content-type"), ctype, "{path}");
            assert_eq!(r.body, &path.as_bytes()[1..], "{path}");
        }

        let base = format!("http://{addr}");
        let (status, len, body_len) = on_thread(move || {
            let res = reqwest::blocking::Client::new().head(format!("{base}/big.bin")).send().unwrap();
            let len = res.headers()["content-length"].to_str().unwrap().to_string();
            (res.status().as_u16(), len, res.bytes().unwrap().len())
        }).await;
        assert_eq!((status, len, body_len), (200, f.big.len().to_string(), 0));
        server.finish().await;
    }

    async fn ranges() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;
        let len = f.big.len();

        for (range, start, end) in [
            ("bytes=0-99", 0, 100),
            ("bytes=1000000-2999999", 1_000_000, 3_000_000),
            (&format!("bytes={}-", len - 70_000) as &str, len - 70_000, len),
            ("bytes=-12345", len - 12_345, len),
            ("bytes=5-99999999", 5, len),
        ] {
            let r = get_with(addr, "/big.bin", "range", range).await;
            assert_eq!(r.status, 206, "{range}");
            assert_eq!(r.header("content-range"), format!("bytes {start}-{}/{len}", end - 1), "{range}");
            assert_eq!(r.header("content-length"), (end - start).to_string(), "{range}");
            assert!(r.body == f.big[start..end], "{range}: wrong bytes");
        }
        for range in [format!("bytes={len}-"), format!("bytes={len}-{}", len + 10), "bytes=-0".to_string()] {
            let r = get_with(addr, "/big.bin", "range", &range).await;
            assert_eq!(r.status, 416, "{range}");
            assert_eq!(r.header("content-range"), format!("bytes */{len}"), "{range}");
            assert!(!r.body.is_empty(), "a 416 says why");
        }
        // Several ranges, or a malformed one: the whole file (documented).
        for range in ["bytes=0-1,5-6", "bytes=9-3", "pages=1-2"] {
            let r = get_with(addr, "/hello.txt", "range", range).await;
            assert_eq!((r.status, &r.body[..]), (StatusCode::OK, HELLO), "{range}");
        }
        // If-Range: honoured only when it matches Last-Modified.
        let r = h1(addr, Request::get("/hello.txt").header("range", "bytes=0-4").header("if-range", MTIME_HTTP).body(Empty::new()).unwrap()).await;
        assert_eq!((r.status, &r.body[..]), (StatusCode::PARTIAL_CONTENT, &b"hello"[..]));
        let r = h1(addr, Request::get("/hello.txt").header("range", "bytes=0-4").header("if-range", "Thu, 02 Jan 2020 00:00:00 GMT").body(Empty::new()).unwrap()).await;
        assert_eq!((r.status, &r.body[..]), (StatusCode::OK, HELLO));

        let base = format!("http://{addr}");
        let got = on_thread(move || {
            let client = reqwest::blocking::Client::new();
            ["bytes=2-5", "bytes=7-", "bytes=-3", "bytes=100-"].map(|range| {
                let res = client.get(format!("{base}/hello.txt")).header("range", range).send().unwrap();
                let cr = res.headers().get("content-range").map(|v| v.to_str().unwrap().to_string());
                (res.status().as_u16(), cr, res.bytes().unwrap())
            })
        }).await;
        let n = HELLO.len();
        assert_eq!((got[0].0, got[0].1.as_deref(), &got[0].2[..]), (206, Some(format!("bytes 2-5/{n}").as_str()), &HELLO[2..6]));
        assert_eq!((got[1].0, got[1].1.as_deref(), &got[1].2[..]), (206, Some(format!("bytes 7-{}/{n}", n - 1).as_str()), &HELLO[7..]));
        assert_eq!((got[2].0, got[2].1.as_deref(), &got[2].2[..]), (206, Some(format!("bytes {}-{}/{n}", n - 3, n - 1).as_str()), &HELLO[n - 3..]));
        assert_eq!((got[3].0, got[3].1.as_deref()), (416, Some(format!("bytes */{n}").as_str())));
        server.finish().await;
    }

    async fn if_modified_since() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        for same_or_later in [MTIME_HTTP, "Wednesday, 01-Jan-20 00:00:00 GMT", "Wed Jan  1 00:00:00 2020", "Sat, 01 Jan 2030 00:00:00 GMT"] {
            let r = get_with(addr, "/big.bin", "if-modified-since", same_or_later).await;
            assert_eq!(r.status, 304, "{same_or_later}");
            assert!(r.body.is_empty());
            assert_eq!(r.header("last-modified"), MTIME_HTTP);
        }
        for older_or_bad in ["Tue, 31 Dec 2019 23:59:59 GMT", "yesterday", "Wed, 32 Jan 2020 00:00:00 GMT"] {
            let r = get_with(addr, "/hello.txt", "if-modified-since", older_or_bad).await;
            assert_eq!((r.status, &r.body[..]), (StatusCode::OK, HELLO), "{older_or_bad}");
        }

        let base = format!("http://{addr}");
        let got = on_thread(move || {
            let client = reqwest::blocking::Client::new();
            [MTIME_HTTP, "Tue, 31 Dec 2019 00:00:00 GMT"].map(|since| {
                let res = client.get(format!("{base}/hello.txt")).header("if-modified-since", since).send().unwrap();
                (res.status().as_u16(), res.bytes().unwrap())
            })
        }).await;
        assert_eq!((got[0].0, got[0].1.len()), (304, 0));
        assert_eq!((got[1].0, &got[1].1[..]), (200, HELLO));
        server.finish().await;
    }

    async fn folders_listing_index_and_redirect() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        let r = get(addr, "/sub/").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
        let page = std::str::from_utf8(&r.body).unwrap();
        assert!(!page.contains("<script>"), "names must be HTML-escaped: {page}");
        for expected in [
            "<a href=\"%3Cscript%3Ealert%281%29%26%27%22.txt\">&lt;script&gt;alert(1)&amp;&#39;&quot;.txt</a>",
            "<a href=\"a%20b.txt\">a b.txt</a>",
            "<a href=\"javascript%3Aalert%281%29\">javascript:alert(1)</a>",
            "<a href=\"100%25.txt\">100%.txt</a>",
            "<a href=\"nested/\">nested/</a>",
            "<a href=\"../\">../</a>",
        ] {
            assert!(page.contains(expected), "missing {expected} in {page}");
        }
        // Every link in the listing leads to its file.
        for (href, name) in [
            ("%3Cscript%3Ealert%281%29%26%27%22.txt", "<script>alert(1)&'\".txt"),
            ("a%20b.txt", "a b.txt"),
            ("javascript%3Aalert%281%29", "javascript:alert(1)"),
            ("100%25.txt", "100%.txt"),
        ] {
            let r = get(addr, &format!("/sub/{href}")).await;
            assert_eq!((r.status, &r.body[..]), (StatusCode::OK, name.as_bytes()), "{href}");
        }
        let root_page = get(addr, "/").await;
        let root_page = std::str::from_utf8(&root_page.body).unwrap().to_string();
        assert!(root_page.contains("<a href=\"sub/\">sub/</a>") && !root_page.contains("href=\"../\""), "{root_page}");

        let r = get(addr, "/site/").await;
        assert_eq!((r.status, &r.body[..]), (StatusCode::OK, &b"<h1>index</h1>\n"[..]));
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");

        let r = get(addr, "/sub").await;
        assert_eq!(r.status, 301);
        assert_eq!(r.header("location"), "/sub/");
        let r = get(addr, "/sub/nested?x=1").await;
        assert_eq!((r.status, r.header("location")), (StatusCode::MOVED_PERMANENTLY, "/sub/nested/?x=1"));

        // reqwest follows the redirect to the listing.
        let base = format!("http://{addr}");
        let (status, url, body) = on_thread(move || {
            let res = reqwest::blocking::get(format!("{base}/sub")).unwrap();
            (res.status().as_u16(), res.url().path().to_string(), res.text().unwrap())
        }).await;
        assert_eq!((status, url.as_str()), (200, "/sub/"));
        assert!(body.contains("a%20b.txt"));
        server.finish().await;
    }

    async fn not_found_and_method_not_allowed() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        for path in ["/missing.txt", "/sub/missing/", "/hello.txt/child", "/hello.txt/", "/dangling"] {
            let r = get(addr, path).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(String::from_utf8_lossy(&r.body).contains("not found"), "{path}");
        }
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let r = h1(addr, Request::builder().method(method).uri("/hello.txt").body(Empty::new()).unwrap()).await;
            assert_eq!(r.status, 405, "{method}");
            assert_eq!(r.header("allow"), "GET, HEAD");
            assert!(String::from_utf8_lossy(&r.body).contains("not allowed"), "{method}");
        }
        let base = format!("http://{addr}");
        let (missing, post) = on_thread(move || {
            let client = reqwest::blocking::Client::new();
            let missing = client.get(format!("{base}/nope")).send().unwrap();
            let post = client.post(format!("{base}/hello.txt")).body("x").send().unwrap();
            let allow = post.headers()["allow"].to_str().unwrap().to_string();
            ((missing.status().as_u16(), missing.text().unwrap()), (post.status().as_u16(), allow))
        }).await;
        assert_eq!(missing.0, 404);
        assert!(missing.1.contains("not found"));
        assert_eq!(post, (405, "GET, HEAD".to_string()));
        server.finish().await;
    }

    async fn traversal_and_symlinks_outside_are_refused() {
        let f = fixture();
        let server = start(config(&f)).await;
        let addr = server.addr;

        let refused = [
            "/../etc/passwd",
            "/sub/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc%2fpasswd",
            "/sub/%2e%2e",
            "//etc/passwd",
            "/%2F%2Fetc/passwd",
            "/%5C..%5C..%5Cetc%5Cpasswd",
            "/./hello.txt",
            "/link_out.txt",
            "/linkdir_out/secret.txt",
            "/linkdir_out/",
        ];
        for path in refused {
            let r = get(addr, path).await;
            assert!(r.status == 403 || r.status == 404, "{path}: {}", r.status);
            assert!(!r.body.windows(6).any(|w| w == b"SECRET" || w == b"root:x"), "{path} leaked");
        }
        for (path, status) in [("/%zz", 400), ("/%ff%fe", 400), ("/a%00b", 400)] {
            assert_eq!(get(addr, path).await.status, status, "{path}");
        }
        // Raw bytes no client library sends: a backslash and `..` as sent on the wire.
        for target in ["/..\\..\\etc\\passwd", "/../../../../etc/passwd"] {
            let reply = raw(addr, &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).await;
            assert!(reply.starts_with("HTTP/1.1 403") || reply.starts_with("HTTP/1.1 400") || reply.starts_with("HTTP/1.1 404"), "{target}: {reply}");
            assert!(!reply.contains("root:x"));
        }
        // And over HTTP/2, where the path comes from the :path pseudo-header.
        let base = format!("http://{addr}");
        let rs = h2(addr, vec![
            Request::get(format!("{base}/%2e%2e/%2e%2e/etc/passwd")).body(Empty::new()).unwrap(),
            Request::get(format!("{base}/link_out.txt")).body(Empty::new()).unwrap(),
        ]).await;
        for r in rs {
            assert_eq!(r.status, 403);
        }
        // reqwest normalises `..` and `%2e%2e` away (WHATWG URL rules), but not an encoded slash.
        let got = on_thread(move || {
            let client = reqwest::blocking::Client::new();
            ["/%2E%2E%2Fetc%2Fpasswd", "/link_out.txt", "/../../etc/passwd"].map(|p| {
                let res = client.get(format!("{base}{p}")).send().unwrap();
                (res.status().as_u16(), res.text().unwrap())
            })
        }).await;
        for (status, body) in got {
            assert!(status == 403 || status == 404, "{status} {body}");
            assert!(!body.contains("SECRET") && !body.contains("root:x"));
        }
        server.finish().await;
    }

    async fn header_read_timeout_closes_slow_connections() {
        let f = fixture();
        let mut cfg = config(&f);
        // Short, so the test is quick; nothing below depends on how long it really takes.
        cfg.header_read_timeout = Duration::from_millis(200);
        let server = start(cfg).await;
        let addr = server.addr;

        // A partial request head: the server gives up and closes (maybe after a 408).
        let reply = raw(addr, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n").await;
        assert!(reply.is_empty() || reply.starts_with("HTTP/1.1 408"), "{reply}");
        // A partial second head after a complete request: hyper's own per-head timeout (the
        // server's first-request deadline no longer applies once a request has arrived).
        let reply = raw(
            addr,
            "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n",
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert_eq!(reply.matches("HTTP/1.1 200").count(), 1, "{reply}");
        assert!(reply.ends_with("hello, files\n") || reply.contains("HTTP/1.1 408"), "{reply}");
        // A client that sends nothing at all (hyper-util is still waiting to tell h1 from h2).
        assert_eq!(raw(addr, "").await, "");
        // Half of the HTTP/2 preface.
        assert_eq!(raw(addr, "PRI * HTTP/2.0\r\n").await, "");

        // The server is still fine for a client that is not slow.
        let r = get(addr, "/hello.txt").await;
        assert_eq!((r.status, &r.body[..]), (StatusCode::OK, HELLO));
        server.finish().await;
    }

    async fn connection_cap_makes_the_next_connection_wait() {
        let f = fixture();
        let mut cfg = config(&f);
        cfg.max_connections = 1;
        let server = start(cfg).await;
        let addr = server.addr;

        // A holds the only slot with a keep-alive connection.
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut a, a_conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream)).await.unwrap();
        let a_conn = weft::spawn(a_conn);
        let res = a.send_request(Request::get("/hello.txt").body(Empty::<Bytes>::new()).unwrap()).await.unwrap();
        assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), HELLO);

        // B connects (the kernel's backlog takes it) and sends its request.
        let (b_done, mut b_result) = oneshot::channel();
        let b = weft::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut b, b_conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream)).await.unwrap();
            let b_conn = weft::spawn(b_conn);
            let res = b.send_request(Request::get("/hello.txt").body(Empty::<Bytes>::new()).unwrap()).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            let _ = b_done.send((status, body));
            drop(b);
            b_conn.await.unwrap().unwrap();
        });

        // While A keeps its connection, B is not served, however many round trips A makes.
        for _ in 0..20 {
            a.ready().await.unwrap();
            let res = a.send_request(Request::get("/big.bin").header("range", "bytes=0-9").body(Empty::<Bytes>::new()).unwrap()).await.unwrap();
            assert_eq!(res.status(), 206);
            res.into_body().collect().await.unwrap();
            assert_eq!(b_result.try_recv(), Err(oneshot::error::TryRecvError::Empty), "B was served while A held the only slot");
            weft::task::yield_now().await;
        }

        // A closes; now B gets its answer.
        drop(a);
        a_conn.await.unwrap().unwrap();
        let (status, body) = b_result.await.unwrap();
        assert_eq!((status, &body[..]), (StatusCode::OK, HELLO));
        b.await.unwrap();
        server.finish().await;
    }

    async fn serve_refuses_a_root_that_is_not_a_folder() {
        let f = fixture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = http_files::serve(listener, http_files::Config::new(f.root.0.join("hello.txt")), std::future::pending())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = http_files::serve(listener, http_files::Config::new(f.root.0.join("nope")), std::future::pending())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}
