//! tokio-util on weft: `Framed` with `LinesCodec` and `LengthDelimitedCodec` over `TcpStream`,
//! `CancellationToken`, and `ReaderStream` / `StreamReader`.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{Framed, LengthDelimitedCodec, LinesCodec};
use tokio_util::io::{ReaderStream, StreamReader};
use tokio_util::sync::CancellationToken;

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap());
    let (client, accepted) = tokio::join!(client, listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

async fn lines() {
    let (client, server) = pair().await;
    // Server: answers each line with its length, until "bye".
    let server = tokio::spawn(async move {
        let mut framed = Framed::new(server, LinesCodec::new_with_max_length(64));
        let mut seen = 0;
        while let Some(line) = framed.next().await {
            let line = line.unwrap();
            if line == "bye" {
                break;
            }
            seen += 1;
            framed
                .send(format!("{} {}", line.len(), line))
                .await
                .unwrap();
        }
        seen
    });
    let mut framed = Framed::new(client, LinesCodec::new());
    for word in ["a", "weft", "twelve chars"] {
        framed.send(word).await.unwrap();
        assert_eq!(
            framed.next().await.unwrap().unwrap(),
            format!("{} {word}", word.len())
        );
    }
    // Raw bytes split across writes still come back as whole lines.
    framed.get_mut().write_all(b"spl").await.unwrap();
    framed.get_mut().write_all(b"it\r\n").await.unwrap();
    assert_eq!(framed.next().await.unwrap().unwrap(), "5 split");
    framed.send("bye").await.unwrap();
    assert_eq!(server.await.unwrap(), 4);
    assert!(framed.next().await.is_none(), "server closed the stream");
}

async fn length_delimited() {
    let (client, server) = pair().await;
    let server = tokio::spawn(async move {
        let mut framed = Framed::new(server, LengthDelimitedCodec::new());
        while let Some(frame) = framed.next().await {
            let mut frame = frame.unwrap();
            frame.reverse();
            framed.send(frame.freeze()).await.unwrap();
        }
    });
    let mut framed = Framed::new(client, LengthDelimitedCodec::new());
    let big: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
    for payload in [
        Bytes::from_static(b"abc"),
        Bytes::new(),
        Bytes::from(big.clone()),
    ] {
        framed.send(payload.clone()).await.unwrap();
        let back = framed.next().await.unwrap().unwrap();
        let mut want = payload.to_vec();
        want.reverse();
        assert_eq!(back.as_ref(), &want[..]);
    }
    drop(framed);
    server.await.unwrap();
}

async fn cancellation() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let (client, mut server) = pair().await;
    // A reader parked on a socket that never gets data, stopped by the token.
    let reader = tokio::spawn({
        let child = child.clone();
        async move {
            let mut buf = [0u8; 16];
            tokio::select! {
                _ = child.cancelled() => "cancelled",
                _ = server.read(&mut buf) => "read",
            }
        }
    });
    let sibling = root.child_token();
    let detached = CancellationToken::new();
    assert!(!child.is_cancelled());
    root.cancel();
    assert_eq!(reader.await.unwrap(), "cancelled");
    assert!(child.is_cancelled() && sibling.is_cancelled());
    assert!(!detached.is_cancelled());
    // Cancelled tokens resolve at once; `run_until_cancelled` returns None.
    child.cancelled().await;
    assert_eq!(
        child
            .run_until_cancelled(std::future::pending::<()>())
            .await,
        None
    );
    assert_eq!(detached.run_until_cancelled(async { 5 }).await, Some(5));
    let guard = detached.clone().drop_guard();
    drop(guard);
    assert!(detached.is_cancelled());
    drop(client);
}

async fn reader_stream_and_stream_reader() {
    let (mut client, server) = pair().await;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let writer = tokio::spawn({
        let data = data.clone();
        async move {
            client.write_all(&data).await.unwrap();
            client.shutdown().await.unwrap();
        }
    });
    // Socket -> stream of Bytes chunks.
    let chunks: Vec<Bytes> = ReaderStream::with_capacity(server, 4096)
        .try_collect()
        .await
        .unwrap();
    writer.await.unwrap();
    assert!(chunks.iter().all(|c| c.len() <= 4096));
    assert_eq!(chunks.concat(), data);

    // Stream of chunks -> AsyncRead, through a socket again.
    let (mut client, mut server) = pair().await;
    let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let mut reader = StreamReader::new(stream);
    let copied = tokio::spawn(async move {
        let n = tokio::io::copy(&mut reader, &mut client).await.unwrap();
        client.shutdown().await.unwrap();
        n
    });
    let mut back = Vec::new();
    server.read_to_end(&mut back).await.unwrap();
    assert_eq!(copied.await.unwrap(), data.len() as u64);
    assert_eq!(back, data);
}

macro_rules! both {
    ($($name:ident),*) => {
        mod current_thread {
            $( #[tokio::test] async fn $name() { super::$name().await } )*
        }
        mod multi_thread {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name().await } )*
        }
    };
}
both!(
    lines,
    length_delimited,
    cancellation,
    reader_stream_and_stream_reader
);
