//! `UdpSocket`'s socket options: broadcast, TTL, multicast, type of service / traffic
//! class, and the bound device.

use super::UdpSocket;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

impl UdpSocket {
    /// `SO_BROADCAST`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_broadcast(true)?;
    /// assert_eq!(c.broadcast()?, true);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets `SO_BROADCAST`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_broadcast(true)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// `IP_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_ttl(42)?;
    /// assert_eq!(c.ttl()?, 42);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_ttl(42)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn set_ttl(&self, on: u32) -> io::Result<()> {
        self.io.set_ttl(on)
    }

    /// `IP_MULTICAST_LOOP`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_multicast_loop_v4(true)?;
    /// assert_eq!(c.multicast_loop_v4()?, true);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_LOOP`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_multicast_loop_v4(true)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// `IP_MULTICAST_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_multicast_ttl_v4(4)?;
    /// assert_eq!(c.multicast_ttl_v4()?, 4);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets `IP_MULTICAST_TTL`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = a;
    /// c.set_multicast_ttl_v4(4)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn set_multicast_ttl_v4(&self, on: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(on)
    }

    /// `IPV6_MULTICAST_LOOP`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = weft::net::UdpSocket::bind("[::1]:0").await?;
    /// c.set_multicast_loop_v6(true)?;
    /// assert_eq!(c.multicast_loop_v6()?, true);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets `IPV6_MULTICAST_LOOP`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = weft::net::UdpSocket::bind("[::1]:0").await?;
    /// c.set_multicast_loop_v6(true)?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// Joins an IPv4 multicast group on `interface` (`0.0.0.0`: the default).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let group = std::net::Ipv4Addr::new(239, 1, 2, 3);
    /// let any = std::net::Ipv4Addr::UNSPECIFIED;
    /// if a.join_multicast_v4(group, any).is_ok() {
    ///     a.leave_multicast_v4(group, any)?;
    /// }
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv4 multicast group.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let group = std::net::Ipv4Addr::new(239, 1, 2, 3);
    /// let any = std::net::Ipv4Addr::UNSPECIFIED;
    /// if a.join_multicast_v4(group, any).is_ok() {
    ///     a.leave_multicast_v4(group, any)?;
    /// }
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Joins an IPv6 multicast group on interface number `interface` (0: the default).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = weft::net::UdpSocket::bind("[::]:0").await?;
    /// let group: std::net::Ipv6Addr = "ff02::1:3".parse().unwrap();
    /// if c.join_multicast_v6(&group, 0).is_ok() {
    ///     c.leave_multicast_v6(&group, 0)?;
    /// }
    /// # let _ = (a, b);
    /// # Ok(()) }
    /// ```
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv6 multicast group.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = weft::net::UdpSocket::bind("[::]:0").await?;
    /// let group: std::net::Ipv6Addr = "ff02::1:3".parse().unwrap();
    /// if c.join_multicast_v6(&group, 0).is_ok() {
    ///     c.leave_multicast_v6(&group, 0)?;
    /// }
    /// # let _ = (a, b);
    /// # Ok(()) }
    /// ```
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }

    /// Sets the IPv4 type-of-service byte (`IP_TOS`) of datagrams sent on this socket.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # Ok(()) }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        socket2::SockRef::from(self).set_tos(tos)
    }

    /// The IPv4 type-of-service byte (`IP_TOS`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # Ok(()) }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        socket2::SockRef::from(self).tos()
    }

    /// Old name of [`set_tos_v4`](Self::set_tos_v4).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// weft::net::UdpSocket::bind("127.0.0.1:0").await?.set_tos(0x10)?;
    /// # Ok(()) }
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
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// assert_eq!(weft::net::UdpSocket::bind("127.0.0.1:0").await?.tos()?, 0);
    /// # Ok(()) }
    /// ```
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the IPv6 traffic class (`IPV6_TCLASS`) of datagrams sent on this socket.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UdpSocket::bind("[::1]:0").await?;
    /// socket.set_tclass_v6(0x20)?;
    /// assert_eq!(socket.tclass_v6()?, 0x20);
    /// # Ok(()) }
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        socket2::SockRef::from(self).set_tclass_v6(tclass)
    }

    /// The IPv6 traffic class (`IPV6_TCLASS`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UdpSocket::bind("[::1]:0").await?;
    /// assert_eq!(socket.tclass_v6()?, 0);
    /// # Ok(()) }
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        socket2::SockRef::from(self).tclass_v6()
    }

    /// Binds the socket to a network interface by name (`SO_BINDTODEVICE`; `None` unbinds).
    /// Binding needs `CAP_NET_RAW` on most kernels; unbinding does not.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.bind_device(None)?;
    /// assert_eq!(socket.device()?, None);
    /// # Ok(()) }
    /// ```
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        socket2::SockRef::from(self).bind_device(interface)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// assert_eq!(weft::net::UdpSocket::bind("127.0.0.1:0").await?.device()?, None);
    /// # Ok(()) }
    /// ```
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        socket2::SockRef::from(self).device()
    }
}
