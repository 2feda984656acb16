//! [`ToSocketAddrs`] and [`lookup_host`]: turning what a caller wrote into socket addresses.
//!
//! Literal addresses resolve at once; host names go to the blocking pool, because the
//! system resolver (`getaddrinfo`) blocks.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Values that can be resolved into socket addresses, the same inputs tokio accepts:
/// [`SocketAddr`], [`SocketAddrV4`], [`SocketAddrV6`], `(IpAddr, u16)`, `(Ipv4Addr, u16)`,
/// `(Ipv6Addr, u16)`, `&[SocketAddr]`, `&str` and `String` (`"host:port"`), `(&str, u16)`,
/// `(String, u16)`, and references to any of these.
///
/// The trait is sealed: it cannot be implemented outside weft. Resolving a host name runs the
/// system resolver on the blocking pool.
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// use weft::net::TcpListener;
///
/// let a = TcpListener::bind("127.0.0.1:0").await?;
/// let b = TcpListener::bind(("127.0.0.1", 0)).await?;
/// let c = TcpListener::bind(a.local_addr()?.ip().to_string() + ":0").await?;
/// # let _ = (b, c);
/// # Ok(()) }
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use super::*;

    /// Resolution, hidden from users; `Lookup::Blocking` defers to the resolver.
    pub trait ToSocketAddrsPriv {
        #[doc(hidden)]
        fn to_addrs(&self) -> Lookup;
    }

    #[doc(hidden)]
    #[derive(Debug)]
    pub enum Lookup {
        Done(io::Result<Vec<SocketAddr>>),
        Host(String, u16),
        HostPort(String),
    }
}

use sealed::{Lookup, ToSocketAddrsPriv};

macro_rules! literal {
    ($($t:ty => |$s:ident| $e:expr;)*) => {$(
        impl ToSocketAddrs for $t {}
        impl ToSocketAddrsPriv for $t {
            fn to_addrs(&self) -> Lookup {
                let $s = self;
                Lookup::Done(Ok(vec![$e]))
            }
        }
    )*};
}

literal! {
    SocketAddr => |s| *s;
    SocketAddrV4 => |s| SocketAddr::V4(*s);
    SocketAddrV6 => |s| SocketAddr::V6(*s);
    (IpAddr, u16) => |s| SocketAddr::new(s.0, s.1);
    (Ipv4Addr, u16) => |s| SocketAddr::new(IpAddr::V4(s.0), s.1);
    (Ipv6Addr, u16) => |s| SocketAddr::new(IpAddr::V6(s.0), s.1);
}

impl ToSocketAddrs for &[SocketAddr] {}
impl ToSocketAddrsPriv for &[SocketAddr] {
    fn to_addrs(&self) -> Lookup {
        Lookup::Done(Ok(self.to_vec()))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_addrs(&self) -> Lookup {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Lookup::Done(Ok(vec![addr])),
            Err(_) => Lookup::HostPort(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_addrs(&self) -> Lookup {
        self.as_str().to_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_addrs(&self) -> Lookup {
        let (host, port) = *self;
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Lookup::Done(Ok(vec![SocketAddr::new(ip, port)]));
        }
        Lookup::Host(host.to_owned(), port)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_addrs(&self) -> Lookup {
        (self.0.as_str(), self.1).to_addrs()
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn to_addrs(&self) -> Lookup {
        (**self).to_addrs()
    }
}

/// Resolves `addr` to a list of addresses (literal addresses without blocking, host names on
/// the blocking pool).
pub(crate) async fn resolve<A: ToSocketAddrs>(addr: A) -> io::Result<Vec<SocketAddr>> {
    match addr.to_addrs() {
        Lookup::Done(res) => res,
        Lookup::Host(host, port) => {
            blocking_lookup(move || std::net::ToSocketAddrs::to_socket_addrs(&(&*host, port))).await
        }
        Lookup::HostPort(s) => {
            blocking_lookup(move || std::net::ToSocketAddrs::to_socket_addrs(&s)).await
        }
    }
}

fn blocking_lookup<I: Iterator<Item = SocketAddr>>(
    f: impl FnOnce() -> io::Result<I> + Send + 'static,
) -> impl Future<Output = io::Result<Vec<SocketAddr>>> {
    let handle = crate::task::spawn_blocking(move || f().map(|it| it.collect::<Vec<_>>()));
    async move {
        match handle.await {
            Ok(res) => res,
            Err(e) => Err(io::Error::other(format!("host name lookup failed: {e}"))),
        }
    }
}

/// Runs `f` on each address in turn; returns the first success or the last error.
pub(crate) async fn each_addr<A, T, F, Fut>(addr: A, mut f: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let addrs = resolve(addr).await?;
    let mut last_err = None;
    for addr in addrs {
        match f(addr).await {
            Ok(v) => return Ok(v),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address did not resolve to any socket address",
        )
    }))
}

/// Performs a DNS resolution: the addresses `host` resolves to, as
/// [`std::net::ToSocketAddrs`] would give them, looked up on the blocking pool.
///
/// # Cancel safety
///
/// Cancel safe: dropping the future abandons the result (the lookup itself finishes on the
/// blocking pool).
///
/// ```
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// for addr in weft::net::lookup_host("localhost:3000").await? {
///     assert_eq!(addr.port(), 3000);
/// }
/// # Ok(()) }
/// ```
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    resolve(host).await.map(Vec::into_iter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_lookup() {
        let want: SocketAddr = "127.0.0.1:80".parse().unwrap();
        for lookup in [
            "127.0.0.1:80".to_addrs(),
            ("127.0.0.1", 80).to_addrs(),
            (Ipv4Addr::LOCALHOST, 80).to_addrs(),
            String::from("127.0.0.1:80").to_addrs(),
            ToSocketAddrsPriv::to_addrs(&&want),
        ] {
            match lookup {
                Lookup::Done(Ok(v)) => assert_eq!(v, vec![want]),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!("localhost:80".to_addrs(), Lookup::HostPort(_)));
        assert!(matches!(("[::1]", 80).to_addrs(), Lookup::Host(..)));
        assert!(matches!(("::1", 80).to_addrs(), Lookup::Done(Ok(_))));
    }
}
