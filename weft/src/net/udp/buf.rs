//! `UdpSocket`'s receives into `bytes` buffers: the datagram lands in the spare capacity of
//! a `BufMut` (not zeroed first), which then advances past it.

use super::{UdpSocket, RECV};
use crate::io::Interest;
use crate::net::sys;
use bytes::BufMut;
use std::io;
use std::net::SocketAddr;

impl UdpSocket {
    /// Receives a datagram from the connected peer into the spare capacity of `buf`, and
    /// advances `buf` past it; a datagram longer than the spare capacity is cut short.
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
    /// a.send_to(b"hello", b.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(64);
    /// assert_eq!(b.recv_buf(&mut buf).await?, 5);
    /// assert_eq!(buf, b"hello");
    /// # Ok(()) }
    /// ```
    pub async fn recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(RECV, || sys::read_buf(&*self.io, buf))
            .await
    }

    /// [`recv_buf`](Self::recv_buf) without waiting: `WouldBlock` if no datagram is queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let err = b.try_recv_buf(&mut Vec::with_capacity(8)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    pub fn try_recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || sys::read_buf(&*self.io, buf))
    }

    /// Receives a datagram into the spare capacity of `buf` and advances `buf` past it;
    /// returns its length and source.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was received.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let a = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hello", b.local_addr()?).await?;
    /// let mut buf = bytes::BytesMut::with_capacity(64);
    /// let (n, from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!((n, from), (5, a.local_addr()?));
    /// assert_eq!(&buf[..], b"hello");
    /// # Ok(()) }
    /// ```
    pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(RECV, || sys::recv_buf_from(&*self.io, buf))
            .await
    }

    /// [`recv_buf_from`](Self::recv_buf_from) without waiting: `WouldBlock` if no datagram
    /// is queued.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let b = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let err = b.try_recv_buf_from(&mut Vec::with_capacity(8)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || sys::recv_buf_from(&*self.io, buf))
    }
}
