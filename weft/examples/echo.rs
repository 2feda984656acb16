//! A TCP echo server: every byte a client sends comes back.
//!
//! ```text
//! cargo run -p weft --example echo -- 127.0.0.1:8080
//! # in another terminal
//! nc 127.0.0.1 8080
//! ```
//!
//! One task per connection; the accept loop keeps going through per-connection errors (and
//! through running out of file descriptors, where weft's listener backs off by itself).

use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};

#[weft::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    serve(listener).await
}

/// Accepts connections forever, echoing each one on its own task.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        match listener.accept().await {
            Ok((socket, peer)) => {
                weft::spawn(async move {
                    if let Err(e) = echo(socket).await {
                        eprintln!("connection {peer}: {e}");
                    }
                });
            }
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

/// Copies everything read from `socket` back to it until the peer closes its side.
pub async fn echo(mut socket: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        socket.write_all(&buf[..n]).await?;
    }
}
