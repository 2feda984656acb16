//! TCP, UDP and Unix-domain sockets, driven by the runtime's reactor.
//!
//! The types mirror `tokio::net`: [`TcpListener`], [`TcpStream`], [`TcpSocket`],
//! [`UdpSocket`], [`UnixListener`], [`UnixStream`], [`UnixDatagram`], [`UnixSocket`],
//! [`lookup_host`], and Unix pipes ([`unix::pipe`]).
//! They must be created inside a runtime built with I/O enabled (`Builder::enable_io` or
//! `enable_all`); creating one elsewhere panics, as in tokio. Each socket is registered with
//! the reactor of the runtime it was created in; once that runtime is dropped, operations on
//! the socket fail with an error saying the runtime has shut down.
//!
//! ```
//! use weft::io::{AsyncReadExt, AsyncWriteExt};
//! use weft::net::{TcpListener, TcpStream};
//!
//! # #[weft::main] async fn main() -> std::io::Result<()> {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! let server = weft::spawn(async move {
//!     let (mut socket, _) = listener.accept().await?;
//!     let mut buf = [0u8; 5];
//!     socket.read_exact(&mut buf).await?;
//!     socket.write_all(&buf).await?;
//!     Ok::<_, std::io::Error>(())
//! });
//! let mut client = TcpStream::connect(addr).await?;
//! client.write_all(b"hello").await?;
//! let mut back = [0u8; 5];
//! client.read_exact(&mut back).await?;
//! assert_eq!(&back, b"hello");
//! server.await.unwrap()?;
//! # Ok(()) }
//! ```

mod addr;
#[allow(unsafe_code)]
mod sys;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
