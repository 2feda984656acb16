//! [`UnixSocket`]: a Unix-domain socket not yet listening, connected or used for
//! datagrams, for binding (or setting options) first.

use crate::net::{UnixDatagram, UnixListener, UnixStream};
use socket2::{Domain, SockAddr, Socket, Type};
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::path::Path;

/// A Unix-domain socket that is not yet a [`UnixListener`] ([`listen`](Self::listen)), a
/// [`UnixStream`] ([`connect`](Self::connect)) or a [`UnixDatagram`]
/// ([`datagram`](Self::datagram)). Its use is how a client binds its end to a path before
/// connecting, which the other types cannot do.
///
/// A socket made by [`new_stream`](Self::new_stream) can only listen or connect; one made
/// by [`new_datagram`](Self::new_datagram) can only become a `UnixDatagram`. The wrong call
/// returns an error.
///
/// ```
/// use weft::net::UnixSocket;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("weft-doc-unixsocket-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let listener = UnixSocket::new_stream()?;
/// listener.bind(dir.join("server.sock"))?;
/// let listener = listener.listen(128)?;
///
/// let client = UnixSocket::new_stream()?;
/// client.bind(dir.join("client.sock"))?;
/// let client = client.connect(dir.join("server.sock")).await?;
/// let (_server, peer) = listener.accept().await?;
/// assert_eq!(peer.as_pathname(), Some(dir.join("client.sock").as_path()));
/// # drop(client); std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
pub struct UnixSocket {
    inner: Socket,
}

impl UnixSocket {
    /// A new Unix datagram socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::UnixSocket::new_datagram()?;
    /// # drop(socket); Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::DGRAM)
    }

    /// A new Unix stream socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::UnixSocket::new_stream()?;
    /// # drop(socket); Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::STREAM)
    }

    fn new(ty: Type) -> io::Result<UnixSocket> {
        let inner = Socket::new(Domain::UNIX, ty.nonblocking().cloexec(), None)?;
        Ok(UnixSocket { inner })
    }

    pub(crate) fn from_socket(inner: Socket) -> UnixSocket {
        UnixSocket { inner }
    }

    fn is_datagram(&self) -> io::Result<bool> {
        Ok(self.inner.r#type()? == Type::DGRAM)
    }

    /// Binds the socket to `path` (on Linux, a path starting with a NUL byte names an
    /// address in the abstract namespace).
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("weft-doc-us-bind-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = weft::net::UnixSocket::new_datagram()?;
    /// socket.bind(&path)?;
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.bind(&sock_addr(path.as_ref())?)
    }

    /// Starts listening with the given backlog, turning the socket into a [`UnixListener`].
    /// Fails on a datagram socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-us-listen-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let socket = weft::net::UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// let listener = socket.listen(1024)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        self.inner.listen(backlog.min(i32::MAX as u32) as i32)?;
        let std = std::os::unix::net::UnixListener::from(OwnedFd::from(self.inner));
        UnixListener::new(mio::net::UnixListener::from_std(std))
    }

    /// Connects to the socket at `path`, turning this one into a [`UnixStream`]. Fails on a
    /// datagram socket.
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
    /// let path = std::env::temp_dir().join(format!("weft-doc-us-connect-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let stream = weft::net::UnixSocket::new_stream()?.connect(&path).await?;
    /// assert_eq!(stream.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// # drop(listener); std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        match self.inner.connect(&sock_addr(path.as_ref())?) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let std = std::os::unix::net::UnixStream::from(OwnedFd::from(self.inner));
        UnixStream::connect_mio(mio::net::UnixStream::from_std(std)).await
    }

    /// Turns the socket into a [`UnixDatagram`]. Fails on a stream socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UnixSocket::new_datagram()?.datagram()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if !self.is_datagram()? {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        let std = std::os::unix::net::UnixDatagram::from(OwnedFd::from(self.inner));
        UnixDatagram::new(mio::net::UnixDatagram::from_std(std))
    }
}

// socket2 reads a path starting with NUL as an abstract name, as `UnixListener::bind` does.
fn sock_addr(path: &Path) -> io::Result<SockAddr> {
    SockAddr::unix(path)
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket")
            .field("fd", &self.inner.as_raw_fd())
            .finish()
    }
}
