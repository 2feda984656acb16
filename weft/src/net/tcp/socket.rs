//! [`TcpSocket`]: a TCP socket not yet connected or listening, for setting options first.

use crate::net::{TcpListener, TcpStream};
use socket2::{Domain, Socket, Type};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// A TCP socket that has not yet been turned into a [`TcpStream`] (with
/// [`connect`](Self::connect)) or a [`TcpListener`] (with [`listen`](Self::listen)), so
/// options that must be set before that (`SO_REUSEPORT`, buffer sizes, binding a client to a
/// local address) can be.
///
/// ```
/// use weft::net::TcpSocket;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(128)?;
/// let stream = TcpSocket::new_v4()?.connect(listener.local_addr()?).await?;
/// # drop(stream);
/// # Ok(()) }
/// ```
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// A new IPv4 TCP socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// # drop(socket); Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// A new IPv6 TCP socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v6()?;
    /// # drop(socket); Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        let inner = Socket::new(domain, Type::STREAM.nonblocking().cloexec(), None)?;
        Ok(TcpSocket { inner })
    }

    /// Sets `SO_KEEPALIVE`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_REUSEADDR`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `TCP_NODELAY`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets `SO_SNDBUF`; the kernel may round the size (Linux doubles it for bookkeeping).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// `SO_SNDBUF` as the kernel reports it.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(|n| n as u32)
    }

    /// Sets `SO_RCVBUF`; the kernel may round the size (Linux doubles it for bookkeeping).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// `SO_RCVBUF` as the kernel reports it.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(|n| n as u32)
    }

    /// Sets `SO_LINGER`.
    ///
    /// Deprecated as in tokio: a non-zero linger makes `close` — the drop of the stream,
    /// on a runtime thread — block until the unsent data is out or the time is up. Use
    /// [`set_zero_linger`](Self::set_zero_linger) to reset connections on close.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_linger(Some(std::time::Duration::from_secs(2)))?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::from_secs(2)));
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket then discards unsent data and sends a
    /// reset (RST) instead of a FIN, without blocking.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_zero_linger()?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::ZERO));
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// Sets the IPv4 type-of-service byte (`IP_TOS`) of packets sent on this socket.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos(tos)
    }

    /// The IPv4 type-of-service byte (`IP_TOS`).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos()
    }

    /// Old name of [`set_tos_v4`](Self::set_tos_v4).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// weft::net::TcpSocket::new_v4()?.set_tos(0x10)?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Old name of [`tos_v4`](Self::tos_v4).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// assert_eq!(weft::net::TcpSocket::new_v4()?.tos()?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the IPv6 traffic class (`IPV6_TCLASS`) of packets sent on this socket.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v6()?;
    /// socket.set_tclass_v6(0x20)?;
    /// assert_eq!(socket.tclass_v6()?, 0x20);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The IPv6 traffic class (`IPV6_TCLASS`).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v6()?;
    /// assert_eq!(socket.tclass_v6()?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Binds the socket to a network interface by name (`SO_BINDTODEVICE`; `None` unbinds).
    /// Binding needs `CAP_NET_RAW` on most kernels; unbinding does not.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.bind_device(None)?;
    /// assert_eq!(socket.device()?, None);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// ```
    /// assert_eq!(weft::net::TcpSocket::new_v4()?.device()?, None);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// `SO_LINGER`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// The local address the socket is bound to.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("the socket is not an IP socket"))
    }

    /// Takes the pending error of the socket (`SO_ERROR`).
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// assert!(socket.take_error()?.is_none());
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to `addr`.
    ///
    /// ```
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects to `addr`, turning the socket into a [`TcpStream`].
    ///
    /// # Cancel safety
    ///
    /// Dropping the future abandons the attempt and closes the socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpSocket::new_v4()?.connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        match self.inner.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let std = std::net::TcpStream::from(OwnedFd::from(self.inner));
        TcpStream::connect_mio(mio::net::TcpStream::from_std(std)).await
    }

    /// Starts listening with the given backlog, turning the socket into a [`TcpListener`].
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(1024)?;
    /// # drop(listener);
    /// # Ok(()) }
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner.listen(backlog.min(i32::MAX as u32) as i32)?;
        let std = std::net::TcpListener::from(OwnedFd::from(self.inner));
        TcpListener::new(mio::net::TcpListener::from_std(std))
    }

    /// Wraps a std stream's socket to set options on it (it becomes non-blocking).
    ///
    /// ```
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let socket = weft::net::TcpSocket::from_std_stream(std_stream);
    /// socket.set_nodelay(true)?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        let inner = Socket::from(OwnedFd::from(std_stream));
        let _ = inner.set_nonblocking(true);
        TcpSocket { inner }
    }
}

impl TcpSocket {
    pub(crate) fn from_socket(inner: Socket) -> TcpSocket {
        TcpSocket { inner }
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("fd", &self.inner.as_raw_fd())
            .finish()
    }
}
