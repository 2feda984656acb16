//! [`TcpListener`]: accepts TCP connections.

use crate::io::Interest;
use crate::net::addr::{each_addr, ToSocketAddrs};
use crate::net::TcpStream;
use crate::runtime::driver::io::PollEvented;
use socket2::{Domain, Socket, Type};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// First and longest wait before `accept` retries after running out of file descriptors.
const MIN_BACKOFF_MS: u32 = 1;
const MAX_BACKOFF_MS: u32 = 512;

/// The listen backlog of [`TcpListener::bind`], as tokio documents.
const DEFAULT_BACKLOG: i32 = 1024;

/// A TCP socket server, listening for connections.
///
/// # Running out of file descriptors
///
/// When the process (`EMFILE`) or the system (`ENFILE`) has no file descriptor left, or
/// the kernel is out of socket buffers (`ENOBUFS`, `ENOMEM`), `accept` returns that error and
/// the pending connection stays queued. Unlike tokio, the listener then waits before it tries
/// again (1 ms, doubling up to 512 ms, reset by the next success), so the obvious server loop
/// that logs errors and keeps going does **not** spin at 100% CPU, and it picks the queued
/// connections up by itself once descriptors are free. The recommended loop:
///
/// ```no_run
/// use weft::net::TcpListener;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:8080").await?;
/// loop {
///     match listener.accept().await {
///         Ok((socket, _peer)) => {
///             weft::spawn(async move {
///                 // serve `socket`
///                 # drop(socket);
///             });
///         }
///         // Per-connection errors (the peer reset before we accepted, out of fds...):
///         // log and go on; the listener itself is still fine and backs off on its own.
///         Err(e) => eprintln!("accept failed: {e}"),
///     }
/// }
/// # }
/// ```
///
/// ```
/// use weft::net::{TcpListener, TcpStream};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (_server, peer) = listener.accept().await?;
/// assert_eq!(peer, client.local_addr()?);
/// # Ok(()) }
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
    /// Milliseconds to wait after the next resource-exhaustion error (0: not backing off).
    backoff_ms: AtomicU32,
}

impl TcpListener {
    /// Binds a listener to `addr` (trying each address it resolves to) with `SO_REUSEADDR`
    /// and a backlog of 1024, as tokio does. Port 0 picks a free port.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe; binding itself does not wait unless `addr` needs a DNS lookup.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_ne!(listener.local_addr()?.port(), 0);
    /// # Ok(()) }
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |addr| async move { TcpListener::bind_addr(addr) }).await
    }

    /// mio's `TcpListener::bind` hard-codes a backlog of 128, so the socket is built here
    /// (`SO_REUSEADDR`, then `listen(DEFAULT_BACKLOG)`); the kernel caps it at `somaxconn`.
    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = Socket::new(
            Domain::for_address(addr),
            Type::STREAM.nonblocking().cloexec(),
            None,
        )?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        socket.listen(DEFAULT_BACKLOG)?;
        let std = std::net::TcpListener::from(OwnedFd::from(socket));
        TcpListener::new(mio::net::TcpListener::from_std(std))
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new_with_interest(
                sys,
                Interest::READABLE,
                crate::runtime::current::io(),
            )?,
            backoff_ms: AtomicU32::new(0),
        })
    }

    /// Accepts a new connection; returns the stream and the peer's address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no connection is lost
    /// (it stays queued for the next `accept`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (stream, _peer) = listener.accept().await?;
    /// assert_eq!(stream.local_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls to accept a new connection; the waker of the last call is kept.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_stream, peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// assert!(peer.ip().is_loopback());
    /// # Ok(()) }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        loop {
            let event = ready!(self.io.registration().poll_read_ready(cx))?;
            match self.io.accept() {
                Ok((sys, addr)) => {
                    self.backoff_ms.store(0, Ordering::Relaxed);
                    return Poll::Ready(TcpStream::new_accepted(sys).map(|stream| (stream, addr)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.io.registration().clear_readiness(event)
                }
                Err(e) if is_resource_exhaustion(&e) => {
                    let delay = self.next_backoff();
                    self.io.registration().defer_readiness(event, delay);
                    return Poll::Ready(Err(e));
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn next_backoff(&self) -> Duration {
        let prev = self.backoff_ms.load(Ordering::Relaxed);
        let ms = if prev == 0 {
            MIN_BACKOFF_MS
        } else {
            (prev * 2).min(MAX_BACKOFF_MS)
        };
        self.backoff_ms.store(ms, Ordering::Relaxed);
        Duration::from_millis(ms as u64)
    }

    /// Wraps a bound and listening std listener, putting it into non-blocking mode (tokio
    /// leaves that to the caller; a blocking listener would stall a worker).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let listener = weft::net::TcpListener::from_std(std_listener)?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Deregisters the listener and returns it as a std listener, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        let mio = self.io.into_inner()?;
        Ok(std::net::TcpListener::from(std::os::fd::OwnedFd::from(mio)))
    }

    /// The local address the listener is bound to.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// `IP_TTL` for accepted sockets' packets.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(100)?;
    /// assert_eq!(listener.ttl()?, 100);
    /// # Ok(()) }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(64)?;
    /// # Ok(()) }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }
}

/// Errors after which an immediate retry would fail again: the listener backs off.
pub(crate) fn is_resource_exhaustion(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// Same as [`TcpListener::from_std`].
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
