//! The unsafe corner of `net`: reads into the spare capacity of a `bytes` buffer without
//! zeroing it first, descriptor flags (`fcntl`), and the `FromRawFd` impls of the socket
//! builders. Everything else in `net` is safe code over mio and socket2.
//!
//! The buffer reads are generic only over the sealed [`RawRead`] / [`RawRecvFrom`] traits,
//! implemented here for mio's sockets and pipe ends: each implementation is one
//! `read(2)`/`recv(2)`/`recvfrom(2)` call, which writes into the buffer and never reads it.
//! That is what makes handing uninitialised memory to them sound; a safe closure would not be.

use crate::io::ReadBuf;
use std::io::{self, Read};
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

/// A source whose read is a single syscall that only writes into the destination.
pub(crate) trait RawRead: sealed::Sealed {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize>;
}

/// A datagram socket whose `recv_from` is a single `recvfrom(2)`.
#[cfg(feature = "bytes")]
pub(crate) trait RawRecvFrom: sealed::Sealed {
    type Addr;
    fn raw_recv_from(&self, dst: &mut [u8]) -> io::Result<(usize, Self::Addr)>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for mio::net::TcpStream {}
    impl Sealed for mio::net::UnixStream {}
    impl Sealed for mio::net::UdpSocket {}
    impl Sealed for mio::net::UnixDatagram {}
    impl Sealed for mio::unix::pipe::Receiver {}
}

impl RawRead for mio::net::TcpStream {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        (&*self).read(dst)
    }
}

impl RawRead for mio::net::UnixStream {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        (&*self).read(dst)
    }
}

impl RawRead for mio::unix::pipe::Receiver {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        (&*self).read(dst)
    }
}

impl RawRead for mio::net::UdpSocket {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        self.recv(dst)
    }
}

impl RawRead for mio::net::UnixDatagram {
    fn raw_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        self.recv(dst)
    }
}

#[cfg(feature = "bytes")]
impl RawRecvFrom for mio::net::UdpSocket {
    type Addr = std::net::SocketAddr;
    fn raw_recv_from(&self, dst: &mut [u8]) -> io::Result<(usize, Self::Addr)> {
        self.recv_from(dst)
    }
}

#[cfg(feature = "bytes")]
impl RawRecvFrom for mio::net::UnixDatagram {
    type Addr = std::os::unix::net::SocketAddr;
    fn raw_recv_from(&self, dst: &mut [u8]) -> io::Result<(usize, Self::Addr)> {
        self.recv_from(dst)
    }
}

/// One read from `src` into the spare capacity of `buf` (`chunk_mut`, which grows a full
/// `BytesMut`), which then advances past what arrived.
#[cfg(feature = "bytes")]
pub(crate) fn read_buf<S: RawRead, B: bytes::BufMut + ?Sized>(
    src: &S,
    buf: &mut B,
) -> io::Result<usize> {
    recv_into(buf, |dst| src.raw_read(dst).map(|n| (n, ()))).map(|(n, ())| n)
}

/// One `recvfrom` from `src` into the spare capacity of `buf`, advancing it past the datagram.
#[cfg(feature = "bytes")]
pub(crate) fn recv_buf_from<S: RawRecvFrom, B: bytes::BufMut + ?Sized>(
    src: &S,
    buf: &mut B,
) -> io::Result<(usize, S::Addr)> {
    recv_into(buf, |dst| src.raw_recv_from(dst))
}

// Private: only the two functions above, with their sealed syscall-only callees, may pass
// uninitialised memory to `recv`.
#[cfg(feature = "bytes")]
fn recv_into<B: bytes::BufMut + ?Sized, T>(
    buf: &mut B,
    recv: impl FnOnce(&mut [u8]) -> io::Result<(usize, T)>,
) -> io::Result<(usize, T)> {
    let chunk = buf.chunk_mut();
    let len = chunk.len();
    // SAFETY: `as_mut_ptr` and `len` describe the chunk `buf` lends us, valid for writes
    // while `chunk` is borrowed. The bytes may be uninitialised, but the slice is only handed
    // to one of the `RawRead`/`RawRecvFrom` implementations above (via `read_buf` and
    // `recv_buf_from`), each a single read syscall that writes into it and never reads it,
    // so no uninitialised byte is observed through the `&mut [u8]`.
    let dst = unsafe { std::slice::from_raw_parts_mut(chunk.as_mut_ptr(), len) };
    let (n, addr) = recv(dst)?;
    assert!(
        n <= len,
        "a read returned more bytes than it was given room for"
    );
    // SAFETY: the syscall initialised the first `n` bytes of the chunk.
    unsafe { buf.advance_mut(n) };
    Ok((n, addr))
}

/// One read from `src` into the unfilled part of `buf` (possibly uninitialised; no zeroing
/// pass), which then counts what arrived as filled.
pub(crate) fn read_read_buf<S: RawRead>(src: &S, buf: &mut ReadBuf<'_>) -> io::Result<()> {
    // SAFETY: `unfilled_mut` requires that no initialised byte is de-initialised; the
    // slice only goes to a read syscall, which writes bytes and never un-writes them.
    let unfilled: &mut [MaybeUninit<u8>] = unsafe { buf.unfilled_mut() };
    let len = unfilled.len();
    // SAFETY: `MaybeUninit<u8>` and `u8` have the same layout; `src` is one of the sealed
    // `RawRead` implementations above, a single read syscall that writes into the slice and
    // never reads it, so no uninitialised byte is observed.
    let dst = unsafe { &mut *(unfilled as *mut [MaybeUninit<u8>] as *mut [u8]) };
    let n = src.raw_read(dst)?;
    assert!(
        n <= len,
        "a read returned more bytes than it was given room for"
    );
    // SAFETY: the syscall initialised the first `n` bytes of the unfilled part.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(())
}

/// The file status flags of `fd` (`fcntl(F_GETFL)`: access mode, `O_NONBLOCK`, ...).
pub(crate) fn fd_flags(fd: BorrowedFd<'_>) -> io::Result<libc::c_int> {
    // SAFETY: F_GETFL takes no argument and touches no memory; `fd` is open (borrowed).
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(flags)
}

/// Sets or clears `O_NONBLOCK` on `fd`, keeping its other status flags.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let flags = fd_flags(fd)?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new == flags {
        return Ok(());
    }
    // SAFETY: F_SETFL takes an integer argument and touches no memory; `fd` is open.
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, new) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Takes the descriptor a value owns as an `OwnedFd`.
pub(crate) fn into_owned_fd(t: impl IntoRawFd) -> OwnedFd {
    // SAFETY: `IntoRawFd::into_raw_fd` hands ownership of an open descriptor to the caller,
    // which is what `OwnedFd::from_raw_fd` requires.
    unsafe { OwnedFd::from_raw_fd(t.into_raw_fd()) }
}

/// `FromRawFd` for the socket builders, under the trait's contract: `fd` is an open socket
/// owned by nobody else.
macro_rules! from_raw_fd {
    ($($ty:ty),*) => {$(
        impl FromRawFd for $ty {
            /// Takes ownership of `fd`, an open socket of the right family.
            ///
            /// # Safety
            ///
            /// `fd` must be open and owned by nobody else, as for
            /// [`OwnedFd::from_raw_fd`].
            unsafe fn from_raw_fd(fd: RawFd) -> $ty {
                // SAFETY: the caller upholds `OwnedFd::from_raw_fd`'s contract (above).
                <$ty>::from_socket(socket2::Socket::from(unsafe { OwnedFd::from_raw_fd(fd) }))
            }
        }
    )*};
}

from_raw_fd!(crate::net::TcpSocket, crate::net::UnixSocket);
