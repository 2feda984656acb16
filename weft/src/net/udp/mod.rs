//! [`UdpSocket`]: datagrams over UDP.

#[cfg(feature = "bytes")]
mod buf;
mod options;

use crate::io::{Interest, ReadBuf, Ready};
use crate::net::addr::{each_addr, ToSocketAddrs};
use crate::runtime::driver::io::{Direction, PollEvented};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

/// What a waiting receive waits for: data, or a pending socket error (such as the ICMP "port
/// unreachable" that follows a send to a closed port), which no readable event announces; the
/// receive then returns the error instead of waiting forever. As in tokio.
const RECV: Interest = Interest::READABLE.add(Interest::ERROR);

/// A UDP socket. All methods take `&self`, so one socket can be shared (in an `Arc`) by a
/// task that sends and one that receives.
///
/// ```
/// use weft::net::UdpSocket;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"hello", b.local_addr()?).await?;
/// let mut buf = [0u8; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr()?));
/// # Ok(()) }
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    #[track_caller]
    fn new(sys: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(sys, crate::runtime::current::io())?,
        })
    }

    async fn send_to_addr(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Binds a socket to `addr` (trying each address it resolves to).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(a.local_addr()?.ip().is_loopback());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| async move {
            UdpSocket::new(mio::net::UdpSocket::bind(addr)?)
        })
        .await
    }

    /// Sets the default peer for `send`/`recv` and filters incoming datagrams to that peer.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        each_addr(addr, |addr| async move { self.io.connect(addr) }).await
    }

    /// Wraps a bound std socket, putting it into non-blocking mode.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let c = weft::net::UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
    /// # let _ = (a, b, c);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Deregisters the socket and returns it as a std socket, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let std_socket = a.into_std()?;
    /// # let _ = (std_socket, b);
    /// # Ok(()) }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        let mio = self.io.into_inner()?;
        Ok(std::net::UdpSocket::from(std::os::fd::OwnedFd::from(mio)))
    }

    /// The local address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(a.local_addr()?.ip().is_loopback());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The connected peer's address.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Waits for readiness matching `interest`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(a.ready(weft::io::Interest::WRITABLE).await?.is_writable());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the socket is readable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"x", b.local_addr()?).await?;
    /// b.readable().await?;
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the socket is writable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.writable().await?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness (the last waker is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"x", b.local_addr()?).await?;
    /// std::future::poll_fn(|cx| b.poll_recv_ready(cx)).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for write readiness (the last waker is kept).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// std::future::poll_fn(|cx| a.poll_send_ready(cx)).await?;
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Sends a datagram to the connected peer; returns the bytes sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.send(b"hi").await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Sends to the connected peer without waiting (`WouldBlock` if the socket is not writable).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send(b"hi")?, 2);
    /// # Ok(()) }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Polls to send a datagram to the connected peer.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// std::future::poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send(buf))
    }

    /// Receives a datagram from the connected peer; excess bytes beyond `buf` are discarded.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.recv(&mut buf).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(RECV, || self.io.recv(buf))
            .await
    }

    /// Receives from the connected peer without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(b.try_recv(&mut [0u8; 8]).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # let _ = a;
    /// # Ok(()) }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Polls to receive a datagram from the connected peer into `buf`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # Ok(()) }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .recv(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Sends a datagram to `target`; returns the bytes sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.send_to(b"hi", b.local_addr()?).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let mut addrs = crate::net::addr::resolve(target).await?.into_iter();
        match addrs.next() {
            Some(addr) => self.send_to_addr(buf, addr).await,
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            )),
        }
    }

    /// Sends to `target` without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send_to(b"hi", b.local_addr()?)?, 2);
    /// # Ok(()) }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Polls to send a datagram to `target`.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let to = b.local_addr()?;
    /// std::future::poll_fn(|cx| a.poll_send_to(cx, b"hi", to)).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Receives a datagram and its source address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let (n, from) = b.recv_from(&mut [0u8; 8]).await?;
    /// assert_eq!((n, from), (2, a.local_addr()?));
    /// # Ok(()) }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(RECV, || self.io.recv_from(buf))
            .await
    }

    /// Receives a datagram and its source without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(b.try_recv_from(&mut [0u8; 8]).is_err());
    /// # let _ = a;
    /// # Ok(()) }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv_from(buf))
    }

    /// Polls to receive a datagram into `buf`; returns its source.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(from, a.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .recv_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(addr))
    }

    /// Receives a datagram from the connected peer without removing it from the queue.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: nothing is consumed.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.peek(&mut buf).await?, 2);
    /// assert_eq!(b.recv(&mut buf).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(RECV, || self.io.peek(buf))
            .await
    }

    /// Peeks from the connected peer without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert!(b.try_peek(&mut [0u8; 8]).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.peek(buf))
    }

    /// The source address of the next datagram, without consuming it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: nothing is consumed.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// assert_eq!(b.peek_sender().await?, a.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .async_io(RECV, || self.peek_sender_now())
            .await
    }

    /// The source address of the next datagram, without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(b.try_peek_sender().is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.peek_sender_now())
    }

    fn peek_sender_now(&self) -> io::Result<SocketAddr> {
        socket2::SockRef::from(self)
            .peek_sender()?
            .as_socket()
            .ok_or_else(|| io::Error::other("the datagram's sender is not an IP address"))
    }

    /// Receives a datagram without removing it from the queue.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0u8; 8];
    /// let peeked = b.peek_from(&mut buf).await?;
    /// assert_eq!(b.recv_from(&mut buf).await?, peeked);
    /// # Ok(()) }
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(RECV, || self.io.peek_from(buf))
            .await
    }

    /// Peeks without waiting.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(b.try_peek_from(&mut [0u8; 8]).is_err());
    /// # let _ = a;
    /// # Ok(()) }
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// Polls to peek a datagram into `buf`; returns its source.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # Ok(()) }
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .peek_from(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(addr))
    }

    /// Polls to peek at the next datagram (from the connected peer) into `buf`, leaving it
    /// queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// assert_eq!(b.recv(&mut [0u8; 8]).await?, 2); // still there
    /// # Ok(()) }
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.registration().poll_io(cx, Direction::Read, || self
            .io
            .peek(buf.initialize_unfilled())))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Polls for the source address of the next datagram, leaving it queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let from = std::future::poll_fn(|cx| b.poll_peek_sender(cx)).await?;
    /// assert_eq!(from, a.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Read, || self.peek_sender_now())
    }

    /// Runs a custom non-blocking operation if the socket is ready (see `TcpStream::try_io`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_io(weft::io::Interest::WRITABLE, || Ok(1))?, 1);
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Waits for readiness and runs `f` until it does not return `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let to = b.local_addr()?;
    /// let n = a.async_io(weft::io::Interest::WRITABLE, || a.try_send_to(b"x", to)).await?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// Takes the pending error (`SO_ERROR`).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(a.take_error()?.is_none());
    /// # let _ = b;
    /// # Ok(()) }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// Same as [`UdpSocket::from_std`].
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
