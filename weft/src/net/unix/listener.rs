//! [`UnixListener`]: accepts Unix-domain stream connections.

use crate::io::Interest;
use crate::net::tcp::is_resource_exhaustion;
use crate::net::unix::{SocketAddr, UnixStream};
use crate::runtime::driver::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// A Unix-domain socket server. Like [`TcpListener`](crate::net::TcpListener), it backs off
/// (1 ms doubling to 512 ms) after running out of file descriptors instead of letting an
/// accept loop spin.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-doc-listener-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let listener = weft::net::UnixListener::bind(&path)?;
/// let client = weft::net::UnixStream::connect(&path).await?;
/// let (server, _addr) = listener.accept().await?;
/// # drop((client, server)); std::fs::remove_file(&path)?;
/// # Ok(()) }
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
    backoff_ms: AtomicU32,
}

impl UnixListener {
    /// Binds a listener to `path` (which must not exist yet; on Linux a path starting with a
    /// NUL byte names an address in the abstract namespace).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-bind-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// # drop(listener); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let addr = crate::net::unix::std_addr(path.as_ref())?;
        UnixListener::new(mio::net::UnixListener::bind_addr(&addr)?)
    }

    /// Binds a listener to `addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// use std::os::linux::net::SocketAddrExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let name = format!("weft-doc-bind-addr-{}", std::process::id());
    /// let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
    /// let listener = weft::net::UnixListener::bind_addr(&addr.into())?;
    /// assert_eq!(listener.local_addr()?.as_abstract_name(), Some(name.as_bytes()));
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind_addr(&addr.0)?)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new_with_interest(
                sys,
                Interest::READABLE,
                crate::runtime::current::io(),
            )?,
            backoff_ms: AtomicU32::new(0),
        })
    }

    /// Wraps a std listener, putting it into non-blocking mode.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-fromstd-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path)?;
    /// let listener = weft::net::UnixListener::from_std(std_listener)?;
    /// # drop(listener); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Deregisters the listener and returns it as a std listener, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-intostd-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let std_listener = listener.into_std()?;
    /// # drop(std_listener); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        let mio = self.io.into_inner()?;
        Ok(std::os::unix::net::UnixListener::from(
            std::os::fd::OwnedFd::from(mio),
        ))
    }

    /// The local address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-local-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Takes the pending error (`SO_ERROR`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-err-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// assert!(listener.take_error()?.is_none());
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Accepts a connection.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: no connection is lost if the future is dropped.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-accept-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let _client = weft::net::UnixStream::connect(&path).await?;
    /// let (_server, addr) = listener.accept().await?;
    /// assert!(addr.is_unnamed());
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls to accept a connection (the waker of the last call is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-paccept-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let _client = weft::net::UnixStream::connect(&path).await?;
    /// let (_server, _) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        loop {
            let event = ready!(self.io.registration().poll_read_ready(cx))?;
            match self.io.accept() {
                Ok((sys, addr)) => {
                    self.backoff_ms.store(0, Ordering::Relaxed);
                    return Poll::Ready(
                        UnixStream::new_accepted(sys).map(|s| (s, SocketAddr(addr))),
                    );
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.io.registration().clear_readiness(event)
                }
                Err(e) if is_resource_exhaustion(&e) => {
                    let prev = self.backoff_ms.load(Ordering::Relaxed);
                    let ms = if prev == 0 { 1 } else { (prev * 2).min(512) };
                    self.backoff_ms.store(ms, Ordering::Relaxed);
                    self.io
                        .registration()
                        .defer_readiness(event, Duration::from_millis(ms as u64));
                    return Poll::Ready(Err(e));
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl TryFrom<std::os::unix::net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// Same as [`UnixListener::from_std`].
    fn try_from(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
