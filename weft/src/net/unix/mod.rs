//! Unix-domain sockets: [`UnixListener`], [`UnixStream`], [`UnixDatagram`], their
//! [`SocketAddr`] and peer credentials ([`UCred`]), and the halves of a split stream.

mod datagram;
mod listener;
pub mod pipe;
mod socket;
pub mod split;
pub mod split_owned;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use stream::UnixStream;

/// A user id, as [`UCred::uid`] reports it.
#[allow(non_camel_case_types)]
pub type uid_t = u32;
/// A group id, as [`UCred::gid`] reports it.
#[allow(non_camel_case_types)]
pub type gid_t = u32;
/// A process id, as [`UCred::pid`] reports it.
#[allow(non_camel_case_types)]
pub type pid_t = i32;

/// The std address for `path`; on Linux a path starting with a NUL byte names an address
/// in the abstract namespace (as tokio reads it), so `bind("\0name")` works.
pub(crate) fn std_addr(path: &Path) -> std::io::Result<std::os::unix::net::SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::ffi::OsStrExt;
    match path.as_os_str().as_bytes() {
        [0, name @ ..] => std::os::unix::net::SocketAddr::from_abstract_name(name),
        _ => std::os::unix::net::SocketAddr::from_pathname(path),
    }
}

use std::fmt;
use std::path::Path;

/// The address of a Unix socket: a path, an abstract name (Linux), or unnamed.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = weft::net::UnixStream::pair()?;
/// let addr = a.local_addr()?;
/// assert!(addr.is_unnamed());
/// assert_eq!(addr.as_pathname(), None);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SocketAddr(pub(crate) std::os::unix::net::SocketAddr);

impl SocketAddr {
    /// Whether the address is unnamed (a socket from `pair`, or an unbound one).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # Ok(()) }
    /// ```
    pub fn is_unnamed(&self) -> bool {
        self.0.is_unnamed()
    }

    /// The path, if the address is a path.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-addr-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_file(&path)?;
    /// # Ok(()) }
    /// ```
    pub fn as_pathname(&self) -> Option<&Path> {
        self.0.as_pathname()
    }

    /// The abstract name (Linux abstract namespace), if the address is one.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// assert_eq!(a.local_addr()?.as_abstract_name(), None);
    /// # Ok(()) }
    /// ```
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        std::os::linux::net::SocketAddrExt::as_abstract_name(&self.0)
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<std::os::unix::net::SocketAddr> for SocketAddr {
    fn from(addr: std::os::unix::net::SocketAddr) -> SocketAddr {
        SocketAddr(addr)
    }
}

impl From<SocketAddr> for std::os::unix::net::SocketAddr {
    fn from(addr: SocketAddr) -> std::os::unix::net::SocketAddr {
        addr.0
    }
}

/// Credentials of the process on the other end of a Unix socket.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (a, _b) = weft::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// println!("uid {} gid {} pid {:?}", cred.uid(), cred.gid(), cred.pid());
/// # Ok(()) }
/// ```
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    pub(crate) pid: Option<pid_t>,
    pub(crate) uid: uid_t,
    pub(crate) gid: gid_t,
}

impl UCred {
    /// The user id.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// let _uid: u32 = a.peer_cred()?.uid();
    /// # Ok(()) }
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The group id.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// let _gid: u32 = a.peer_cred()?.gid();
    /// # Ok(()) }
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The process id, where the platform reports it (always on Linux).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (a, _b) = weft::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # Ok(()) }
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}
