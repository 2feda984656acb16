//! The [`AsyncSeek`] trait and its implementations for std types.

use std::io::{self, SeekFrom};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Seeks to a byte position in a stream, asynchronously.
///
/// A seek is two steps: [`start_seek`](Self::start_seek) begins it and
/// [`poll_complete`](Self::poll_complete) waits for it and returns the new position. Programs
/// usually call [`AsyncSeekExt::seek`](super::AsyncSeekExt::seek) instead.
///
/// # Examples
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use weft::io::AsyncSeekExt;
///
/// # futures::executor::block_on(async {
/// let mut cursor = Cursor::new(vec![0u8; 10]);
/// assert_eq!(cursor.seek(SeekFrom::End(-2)).await?, 8);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncSeek {
    /// Starts a seek to `position`.
    ///
    /// Returns an error if another seek is in progress; call `poll_complete` first to find out
    /// (it returns `Ready` when no seek is pending).
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()>;

    /// Waits for a seek started with `start_seek` to finish and returns the new position from
    /// the start of the stream.
    ///
    /// Called without a pending seek, it returns the current position.
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>>;
}

macro_rules! deref_async_seek {
    () => {
        fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
            Pin::new(&mut **self).start_seek(pos)
        }

        fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
            Pin::new(&mut **self).poll_complete(cx)
        }
    };
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for Box<T> {
    deref_async_seek!();
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for &mut T {
    deref_async_seek!();
}

impl<P> AsyncSeek for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncSeek,
{
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        crate::io::util::pin_as_deref_mut(self).start_seek(pos)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        crate::io::util::pin_as_deref_mut(self).poll_complete(cx)
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncSeek for io::Cursor<T> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        io::Seek::seek(self.get_mut(), pos).map(drop)
    }

    fn poll_complete(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(Ok(self.get_mut().position()))
    }
}
