//! tokio-tungstenite on weft: a websocket echo server and client over loopback.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

async fn echo() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        let mut echoed = 0;
        while let Some(msg) = ws.next().await {
            match msg.unwrap() {
                msg @ (Message::Text(_) | Message::Binary(_)) => {
                    ws.send(msg).await.unwrap();
                    echoed += 1;
                }
                // tungstenite answers the close itself; the stream then ends.
                _ => {}
            }
        }
        echoed
    });

    let (mut ws, res) = tokio_tungstenite::connect_async(format!("ws://{addr}/echo"))
        .await
        .unwrap();
    assert_eq!(res.status(), 101);
    ws.send(Message::text("hello weft")).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::text("hello weft")
    );
    let big: Vec<u8> = (0..70_000u32).map(|i| i as u8).collect();
    ws.send(Message::binary(big.clone())).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap(), Message::binary(big));
    for i in 0..20 {
        ws.send(Message::text(format!("m{i}"))).await.unwrap();
    }
    for i in 0..20 {
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::text(format!("m{i}"))
        );
    }
    ws.close(None).await.unwrap();
    // The server answers the close handshake; then the stream ends.
    while let Some(msg) = ws.next().await {
        assert!(matches!(msg, Ok(Message::Close(_))), "{msg:?}");
    }
    assert_eq!(server.await.unwrap(), 22);
}

#[tokio::test]
async fn echo_current_thread() {
    echo().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_multi_thread() {
    echo().await;
}
