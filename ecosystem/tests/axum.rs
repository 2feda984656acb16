//! axum 0.8 on weft (through the `tokio` patch), driven by reqwest's async client over loopback.

use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex};
use tower::ServiceBuilder;

#[derive(Deserialize)]
struct Order {
    item: String,
    count: u32,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Receipt {
    item: String,
    total: u32,
}

async fn receipt(Json(order): Json<Order>) -> Json<Receipt> {
    Json(Receipt {
        item: order.item.to_uppercase(),
        total: order.count * 3,
    })
}

async fn user_post(Path((user, post)): Path<(String, u64)>) -> String {
    format!("{user} wrote post {post}")
}

/// Awaits a weft timer before answering.
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(20)).await;
    "slept"
}

/// Never answers: the timeout layer has to.
async fn stuck() -> &'static str {
    std::future::pending::<()>().await;
    unreachable!()
}

async fn on_error(err: BoxError) -> (StatusCode, String) {
    if err.is::<tower::timeout::error::Elapsed>() {
        (StatusCode::REQUEST_TIMEOUT, "timed out".into())
    } else {
        (StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }
}

fn app() -> Router {
    let timed = Router::new().route("/stuck", get(stuck)).layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(on_error))
            .timeout(Duration::from_millis(50)),
    );
    Router::new()
        .route("/", get(|| async { "hello from weft" }))
        .route("/receipt", post(receipt))
        .route("/users/{user}/posts/{post}", get(user_post))
        .route("/slow", get(slow))
        .merge(timed)
}

async fn start(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn routes() {
    let base = start(app()).await;
    let client = reqwest::Client::new();

    let res = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "hello from weft");

    let res = client
        .post(format!("{base}/receipt"))
        .json(&serde_json::json!({ "item": "tea", "count": 4 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let got: Receipt = res.json().await.unwrap();
    assert_eq!(
        got,
        Receipt {
            item: "TEA".into(),
            total: 12
        }
    );

    // Malformed JSON is rejected by axum's extractor, not by a crash.
    let res = client
        .post(format!("{base}/receipt"))
        .header("content-type", "application/json")
        .body("{\"item\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    let res = client
        .get(format!("{base}/users/ada/posts/7"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "ada wrote post 7");
    let res = client
        .get(format!("{base}/users/ada/posts/seven"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let res = client.get(format!("{base}/slow")).send().await.unwrap();
    assert_eq!(res.text().await.unwrap(), "slept");

    let res = client.get(format!("{base}/stuck")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(res.text().await.unwrap(), "timed out");

    let res = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // Many requests at once over the client's pool.
    let mut tasks = Vec::new();
    for i in 0..32u64 {
        let (client, base) = (client.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let url = format!("{base}/users/u{i}/posts/{i}");
            client.get(url).send().await.unwrap().text().await.unwrap()
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap(), format!("u{i} wrote post {i}"));
    }
}

#[tokio::test]
async fn routes_current_thread() {
    routes().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_multi_thread() {
    routes().await;
}

#[derive(Default)]
struct Gate {
    entered: Mutex<Option<oneshot::Sender<()>>>,
    open: Mutex<Option<oneshot::Receiver<()>>>,
}

/// Tells the test it is running, then waits until the test opens the gate, so that a request
/// is in flight while the server shuts down.
async fn gated(State(gate): State<Arc<Gate>>) -> &'static str {
    gate.entered.lock().await.take().unwrap().send(()).unwrap();
    let open = gate.open.lock().await.take().unwrap();
    open.await.unwrap();
    "finished"
}

/// `with_graceful_shutdown` on SIGUSR1 sent by `kill`: the server stops accepting, lets the
/// request in flight finish, and then `serve` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_on_signal() {
    use tokio::signal::unix::{signal, SignalKind};

    let (open_tx, open_rx) = oneshot::channel();
    let (entered_tx, entered_rx) = oneshot::channel();
    let gate = Arc::new(Gate::default());
    *gate.entered.lock().await = Some(entered_tx);
    *gate.open.lock().await = Some(open_rx);
    let app = Router::new().route("/gated", get(gated)).with_state(gate);

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
    let (fired_tx, fired_rx) = oneshot::channel();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                usr1.recv().await;
                fired_tx.send(()).unwrap();
            })
            .await
    });

    let client = reqwest::Client::new();
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .get(format!("http://{addr}/gated"))
                .send()
                .await
                .unwrap()
        }
    });
    entered_rx.await.unwrap();

    let status = std::process::Command::new("kill")
        .args(["-USR1", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    fired_rx.await.unwrap();
    assert!(
        !server.is_finished(),
        "serve returned with a request still in flight"
    );

    open_tx.send(()).unwrap();
    let res = in_flight.await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "finished");
    server.await.unwrap().unwrap();

    // Nothing listens any more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
