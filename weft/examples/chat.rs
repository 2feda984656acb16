//! A line-based chat server: every line a client sends goes to every other client.
//!
//! ```text
//! cargo run -p weft --example chat -- 127.0.0.1:6142
//! # in two or more other terminals
//! telnet 127.0.0.1 6142
//! ```
//!
//! The server asks for a name; the first line is it. After that each line is sent to everyone
//! else as `NAME: LINE`, and everyone sees `* NAME joined` / `* NAME left`. Messages go through
//! one `weft::sync::broadcast` channel; a client too slow to keep up skips what it missed and
//! is told how many lines that was, instead of slowing everyone else down. Lines are capped at
//! `MAX_LINE` bytes, so a client cannot make the server buffer without bound.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::tcp::OwnedReadHalf;
use weft::net::{TcpListener, TcpStream};
use weft::sync::{broadcast, watch};
use weft::task::JoinSet;

/// Longest line accepted; longer ones are cut here.
const MAX_LINE: usize = 4096;
/// Lines a client may fall behind by before it skips some.
const BACKLOG: usize = 256;
/// How long clients get to receive the goodbye after shutdown starts.
const GRACE: Duration = Duration::from_secs(2);

#[allow(dead_code)]
#[weft::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6142".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    serve(listener, async {
        if weft::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// One chat line, with who sent it so the sender does not get its own line back.
#[derive(Clone)]
struct Message {
    from: u64,
    text: Arc<str>,
}

/// Runs the chat on `listener` until `shutdown` completes; then tells every client the server
/// is going away, closes their connections and returns.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (tx, _) = broadcast::channel::<Message>(BACKLOG);
    let (stop_tx, stop_rx) = watch::channel(false);
    let next_id = AtomicU64::new(0);
    let mut clients = JoinSet::new();
    weft::pin!(shutdown);
    loop {
        weft::select! {
            () = &mut shutdown => break,
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let id = next_id.fetch_add(1, Ordering::Relaxed);
                    let (tx, stop) = (tx.clone(), stop_rx.clone());
                    clients.spawn(async move {
                        if let Err(e) = client(socket, id, tx, stop).await {
                            eprintln!("client {peer}: {e}");
                        }
                    });
                }
                Err(e) => eprintln!("accept failed: {e}"),
            },
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drain = async { while clients.join_next().await.is_some() {} };
    if weft::time::timeout(GRACE, drain).await.is_err() {
        clients.abort_all();
    }
    Ok(())
}

/// Reads `\n`-terminated lines; cancel safe, because bytes read stay in `buf` between calls.
struct LineReader {
    socket: OwnedReadHalf,
    buf: Vec<u8>,
}

impl LineReader {
    /// The next line without its line ending (`\r\n` or `\n`), or `None` at end of stream.
    /// A line longer than `MAX_LINE` comes back in pieces of `MAX_LINE` bytes.
    async fn next_line(&mut self) -> std::io::Result<Option<String>> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            if self.buf.len() >= MAX_LINE {
                let piece: Vec<u8> = self.buf.drain(..MAX_LINE).collect();
                return Ok(Some(String::from_utf8_lossy(&piece).into_owned()));
            }
            let mut chunk = [0u8; 1024];
            let n = self.socket.read(&mut chunk).await?;
            if n == 0 {
                // A last line without a newline still counts.
                if self.buf.is_empty() {
                    return Ok(None);
                }
                let rest = std::mem::take(&mut self.buf);
                return Ok(Some(String::from_utf8_lossy(&rest).into_owned()));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

async fn client(
    socket: TcpStream,
    id: u64,
    tx: broadcast::Sender<Message>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = LineReader {
        socket: read,
        buf: Vec::new(),
    };
    write.write_all(b"* what is your name?\n").await?;
    let name = weft::select! {
        line = lines.next_line() => match line? {
            Some(name) if !name.trim().is_empty() => name.trim().to_string(),
            Some(_) => format!("guest{id}"),
            None => return Ok(()),
        },
        _ = stop.changed() => return Ok(()),
    };
    // Subscribe before announcing, so the welcome tells the truth: from here on this client
    // sees every line.
    let mut rx = tx.subscribe();
    let say = |text: String| {
        // No receivers is not an error: the line just reaches nobody.
        let _ = tx.send(Message {
            from: id,
            text: text.into(),
        });
    };
    say(format!("* {name} joined\n"));
    let online = tx.receiver_count();
    write
        .write_all(format!("* welcome {name}, {online} online\n").as_bytes())
        .await?;

    let result = loop {
        weft::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => say(format!("{name}: {line}\n")),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            },
            message = rx.recv() => {
                let text: Option<Arc<str>> = match message {
                    Ok(m) if m.from == id => None,
                    Ok(m) => Some(m.text),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        Some(format!("* you missed {n} lines\n").into())
                    }
                    Err(broadcast::error::RecvError::Closed) => break Ok(()),
                };
                if let Some(text) = text {
                    if let Err(e) = write.write_all(text.as_bytes()).await {
                        break Err(e);
                    }
                }
            }
            _ = stop.changed() => {
                let _ = write.write_all(b"* server shutting down\n").await;
                return Ok(());
            }
        }
    };
    say(format!("* {name} left\n"));
    result
}
