//! tokio-stream's wrappers on weft: listener, channels, broadcast, watch, interval, lines,
//! and `StreamExt` combinators that use weft's timers.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_stream::wrappers::{
    BroadcastStream, IntervalStream, LinesStream, ReceiverStream, TcpListenerStream,
    UnboundedReceiverStream, WatchStream,
};
use tokio_stream::StreamExt;

async fn listener_and_lines() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut incoming = TcpListenerStream::new(listener).take(3);
        let mut total = Vec::new();
        while let Some(stream) = incoming.next().await {
            let lines = LinesStream::new(BufReader::new(stream.unwrap()).lines());
            let got: Vec<String> = lines.map(Result::unwrap).collect().await;
            total.extend(got);
        }
        total
    });
    for i in 0..3 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("conn {i} a\nconn {i} b\n").as_bytes())
            .await
            .unwrap();
        s.shutdown().await.unwrap();
    }
    let lines = server.await.unwrap();
    assert_eq!(lines.len(), 6);
    for i in 0..3 {
        assert!(lines.contains(&format!("conn {i} b")));
    }
}

async fn channels() {
    let (tx, rx) = mpsc::channel(2);
    tokio::spawn(async move {
        for i in 0..10 {
            tx.send(i).await.unwrap();
        }
    });
    let got: Vec<i32> = ReceiverStream::new(rx)
        .filter(|n| n % 2 == 0)
        .collect()
        .await;
    assert_eq!(got, [0, 2, 4, 6, 8]);

    let (tx, rx) = mpsc::unbounded_channel();
    for word in ["x", "y", "z"] {
        tx.send(word.to_string()).unwrap();
    }
    drop(tx);
    let got: Vec<String> = UnboundedReceiverStream::new(rx).collect().await;
    assert_eq!(got, ["x", "y", "z"]);
}

async fn broadcast_and_watch() {
    let (tx, rx) = broadcast::channel(2);
    let stream = BroadcastStream::new(rx);
    for i in 0..4 {
        tx.send(i).unwrap();
    }
    drop(tx);
    // Capacity 2 and 4 sent: the stream reports the lag, then yields the two kept values.
    let got: Vec<_> = stream.collect().await;
    assert_eq!(got.len(), 3);
    assert!(got[0].is_err());
    assert_eq!(got[1].as_ref().unwrap(), &2);
    assert_eq!(got[2].as_ref().unwrap(), &3);

    let (tx, rx) = watch::channel("start");
    let mut stream = WatchStream::new(rx);
    assert_eq!(stream.next().await, Some("start"));
    tx.send("next").unwrap();
    assert_eq!(stream.next().await, Some("next"));
    drop(tx);
    assert_eq!(stream.next().await, None);
}

/// Paused clock: the interval and the timeout advance instantly and deterministically.
async fn timers() {
    let start = tokio::time::Instant::now();
    let ticks: Vec<_> = IntervalStream::new(tokio::time::interval(Duration::from_secs(1)))
        .take(4)
        .collect()
        .await;
    assert_eq!(ticks.len(), 4);
    assert_eq!(ticks[3] - ticks[0], Duration::from_secs(3));
    assert!(start.elapsed() >= Duration::from_secs(3));

    let slow = tokio_stream::iter(0..3).then(|i| async move {
        tokio::time::sleep(Duration::from_secs(if i == 1 { 8 } else { 1 })).await;
        i
    });
    let got: Vec<_> = slow.timeout(Duration::from_secs(5)).collect().await;
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0].as_ref().unwrap(), &0);
    assert!(got[1].is_err(), "second item took 8s");
    assert_eq!(got[2].as_ref().unwrap(), &1);
    assert_eq!(got[3].as_ref().unwrap(), &2);
}

mod current_thread {
    #[tokio::test]
    async fn listener_and_lines() {
        super::listener_and_lines().await
    }
    #[tokio::test]
    async fn channels() {
        super::channels().await
    }
    #[tokio::test]
    async fn broadcast_and_watch() {
        super::broadcast_and_watch().await
    }
    #[tokio::test(start_paused = true)]
    async fn timers() {
        super::timers().await
    }
}

mod multi_thread {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn listener_and_lines() {
        super::listener_and_lines().await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn channels() {
        super::channels().await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn broadcast_and_watch() {
        super::broadcast_and_watch().await
    }
}
