//! tower-http's `ServeDir` served by axum on weft (file reads go through weft's fs), with
//! whole-file, `Range` and not-found requests from reqwest.

use std::path::PathBuf;

use axum::Router;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, RANGE};
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("weft-eco-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn serve_dir(tag: &str) {
    let dir = TempDir::new(tag);
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(dir.0.join("data.bin"), &content).unwrap();
    std::fs::create_dir(dir.0.join("sub")).unwrap();
    std::fs::write(dir.0.join("sub/index.html"), "<h1>weft</h1>").unwrap();

    let app = Router::new().nest_service("/static", ServeDir::new(&dir.0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/static", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::new();

    let res = client.get(format!("{base}/data.bin")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[CONTENT_LENGTH], "300000");
    assert_eq!(res.bytes().await.unwrap(), content);

    let res = client
        .get(format!("{base}/data.bin"))
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()[CONTENT_RANGE], "bytes 1000-1999/300000");
    assert_eq!(res.bytes().await.unwrap(), &content[1000..2000]);

    // Suffix range: the last 10 bytes.
    let res = client
        .get(format!("{base}/data.bin"))
        .header(RANGE, "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.unwrap(), &content[content.len() - 10..]);

    let res = client
        .get(format!("{base}/data.bin"))
        .header(RANGE, "bytes=400000-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 416);

    let res = client.get(format!("{base}/sub/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "<h1>weft</h1>");

    let res = client
        .get(format!("{base}/missing.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn serve_dir_current_thread() {
    serve_dir("ct").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_dir_multi_thread() {
    serve_dir("mt").await;
}
