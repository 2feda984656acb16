//! Run [hyper] 1.x on weft: HTTP/1.1 and HTTP/2, client and server (cargo feature `hyper`).
//!
//! hyper is runtime-agnostic; it needs three things from a runtime, and this module has them:
//!
//! - [`WeftIo`]: weft's [`AsyncRead`](crate::io::AsyncRead)/[`AsyncWrite`](crate::io::AsyncWrite)
//!   as [`hyper::rt::Read`]/[`hyper::rt::Write`] (and back, for upgraded connections);
//! - [`WeftExecutor`]: spawns hyper's background tasks (HTTP/2) on weft;
//! - [`WeftTimer`]: hyper's timeouts and keep-alive pings on weft's timer wheel.
//!
//! They are what `hyper_util::rt::{TokioIo, TokioExecutor, TokioTimer}` are for tokio, so
//! a tokio + hyper program ports by renaming those three types.
//!
//! # Examples
//!
//! An HTTP/1.1 server and a client talking to it over loopback:
//!
//! ```
//! use std::convert::Infallible;
//! use hyper::body::{Bytes, Incoming};
//! use hyper::{Request, Response};
//! use weft::hyper::WeftIo;
//! use weft::net::{TcpListener, TcpStream};
//!
//! # #[derive(Debug)]
//! # struct Full(Option<Bytes>);
//! # impl hyper::body::Body for Full {
//! #     type Data = Bytes;
//! #     type Error = Infallible;
//! #     fn poll_frame(
//! #         mut self: std::pin::Pin<&mut Self>,
//! #         _: &mut std::task::Context<'_>,
//! #     ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
//! #         std::task::Poll::Ready(self.0.take().map(|b| Ok(hyper::body::Frame::data(b))))
//! #     }
//! # }
//! async fn hello(_: Request<Incoming>) -> Result<Response<Full>, Infallible> {
//!     Ok(Response::new(Full(Some(Bytes::from_static(b"hello")))))
//! }
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! weft::spawn(async move {
//!     let (stream, _) = listener.accept().await.unwrap();
//!     hyper::server::conn::http1::Builder::new()
//!         .serve_connection(WeftIo::new(stream), hyper::service::service_fn(hello))
//!         .await
//!         .unwrap();
//! });
//!
//! let stream = TcpStream::connect(addr).await?;
//! let (mut sender, conn) = hyper::client::conn::http1::handshake(WeftIo::new(stream)).await?;
//! weft::spawn(conn);
//! let req = Request::get("/").body(Full(None))?;
//! let res = sender.send_request(req).await?;
//! assert_eq!(res.status(), 200);
//! # Ok(())
//! # }
//! ```

#[allow(unsafe_code)]
mod io;
mod rt;

pub use io::WeftIo;
pub use rt::{WeftExecutor, WeftTimer};
