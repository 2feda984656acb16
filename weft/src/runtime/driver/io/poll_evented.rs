//! [`PollEvented`]: a mio source plus its registration; the base of every weft socket.

use super::scheduled_io::Direction;
use super::{Handle, Registration};
use crate::io::{Interest, ReadBuf};
use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::ops::Deref;
use std::task::{ready, Context, Poll};

/// A registered mio source. Dropping it deregisters the source, releases the slot, then
/// closes the source, in that order.
pub(crate) struct PollEvented<E: mio::event::Source> {
    io: Option<E>,
    registration: Registration,
}

impl<E: mio::event::Source> PollEvented<E> {
    /// Registers `io` with `handle`'s reactor for reading and writing.
    pub(crate) fn new(io: E, handle: Handle) -> io::Result<Self> {
        Self::new_with_interest(io, Interest::READABLE | Interest::WRITABLE, handle)
    }

    pub(crate) fn new_with_interest(
        mut io: E,
        interest: Interest,
        handle: Handle,
    ) -> io::Result<Self> {
        let registration = Registration::new_with_interest_and_handle(&mut io, interest, handle)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters and returns the source (for `into_std`).
    pub(crate) fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("source present until drop");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }
}

impl<E: mio::event::Source> PollEvented<E>
where
    for<'a> &'a E: Read + Write,
{
    /// Reads into `buf` once the source is readable (the slice form of `poll_read`). A short read means the socket is drained
    /// (edge-triggered epoll will report the next data), so readiness is cleared right away
    /// and the next call waits instead of paying for a `WouldBlock` syscall.
    #[cfg(test)]
    pub(crate) fn poll_read_slice(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.registration.poll_read_ready(cx))?;
            let mut io = self.io.as_ref().expect("source present until drop");
            match io.read(buf) {
                Ok(n) => {
                    if n > 0 && n < buf.len() {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event)
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// `AsyncRead::poll_read` for sockets: reads straight into the unfilled, possibly
    /// uninitialised part of `buf` (no zeroing pass).
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let event = ready!(self.registration.poll_read_ready(cx))?;
            // SAFETY: `ReadBuf::unfilled_mut` requires that no uninitialised byte is
            // de-initialised, which we never do; we only hand the memory to `read`.
            let unfilled: &mut [MaybeUninit<u8>] = unsafe { buf.unfilled_mut() };
            let len = unfilled.len();
            // SAFETY: a socket's `Read::read` is a `read(2)`/`recv(2)` syscall that only
            // writes into the buffer and never reads it, so exposing uninitialised bytes as
            // `&mut [u8]` to it cannot let anyone observe them; `MaybeUninit<u8>` and `u8`
            // have the same layout.
            let dst = unsafe { &mut *(unfilled as *mut [MaybeUninit<u8>] as *mut [u8]) };
            let mut io = self.io.as_ref().expect("source present until drop");
            match io.read(dst) {
                Ok(n) => {
                    if n > 0 && n < len {
                        self.registration.clear_readiness(event);
                    }
                    // SAFETY: the kernel initialised the first `n` bytes of the unfilled part.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event)
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    pub(crate) fn poll_write_slice(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.registration.poll_write_ready(cx))?;
            let mut io = self.io.as_ref().expect("source present until drop");
            match io.write(buf) {
                Ok(n) => {
                    if n > 0 && n < buf.len() {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event)
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.registration.poll_io(cx, Direction::Write, || {
            let mut io = self.io.as_ref().expect("source present until drop");
            io.write_vectored(bufs)
        })
    }
}

impl<E: mio::event::Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io.as_ref().expect("source present until drop")
    }
}

impl<E: mio::event::Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Deregistering can only fail if the fd is already gone; the fd closes when `io`
            // drops at the end of this block either way.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: mio::event::Source + std::fmt::Debug> std::fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
