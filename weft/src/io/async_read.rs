//! The [`AsyncRead`] trait and its implementations for std types.

use super::ReadBuf;
use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Reads bytes from a source asynchronously.
///
/// This is the asynchronous version of [`std::io::Read`]. A reader's `poll_read` either fills
/// part of the buffer and returns `Ready(Ok(()))`, returns `Ready(Ok(()))` without filling
/// anything (end of file, or an empty buffer), returns `Pending` after arranging for the task
/// to be woken when data arrives, or fails with `Ready(Err(e))`.
///
/// Programs usually call the methods of [`AsyncReadExt`](super::AsyncReadExt) instead.
///
/// # Examples
///
/// ```
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
/// use weft::io::{AsyncRead, ReadBuf};
///
/// /// A reader that produces an endless stream of `b'x'`.
/// struct Xs;
///
/// impl AsyncRead for Xs {
///     fn poll_read(
///         self: Pin<&mut Self>,
///         _cx: &mut Context<'_>,
///         buf: &mut ReadBuf<'_>,
///     ) -> Poll<std::io::Result<()>> {
///         let n = buf.remaining();
///         buf.put_slice(&vec![b'x'; n]);
///         Poll::Ready(Ok(()))
///     }
/// }
/// ```
pub trait AsyncRead {
    /// Attempts to read from the source into `buf`.
    ///
    /// On `Ready(Ok(()))` the number of bytes read is the growth of `buf.filled()`; no growth
    /// means end of file (unless `buf` had no room). On `Pending` the current task is woken
    /// once the source is readable again.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>>;
}

macro_rules! deref_async_read {
    () => {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_read(cx, buf)
        }
    };
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for Box<T> {
    deref_async_read!();
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for &mut T {
    deref_async_read!();
}

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        crate::io::util::pin_as_deref_mut(self).poll_read(cx, buf)
    }
}

impl AsyncRead for &[u8] {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = std::cmp::min(self.len(), buf.remaining());
        let (head, tail) = self.split_at(n);
        buf.put_slice(head);
        *self = tail;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncRead for io::Cursor<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let pos = self.position();
        let data = self.get_ref().as_ref();
        // A position past the end (possible after a seek) reads as end of file.
        let start = std::cmp::min(pos, data.len() as u64) as usize;
        let n = std::cmp::min(data.len() - start, buf.remaining());
        buf.put_slice(&data[start..start + n]);
        self.set_position(pos + n as u64);
        Poll::Ready(Ok(()))
    }
}
