//! [`empty`], [`sink`] and [`repeat`]: trivial readers and writers.

use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use crate::runtime::coop;
use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Spends one unit of the cooperative budget: these objects are always ready, so without it a
/// loop over them would never yield.
fn proceed(cx: &mut Context<'_>) -> Poll<()> {
    ready!(coop::poll_proceed(cx)).made_progress();
    Poll::Ready(())
}

/// A reader that is always at end of file, and a writer that discards everything.
///
/// Created by [`empty`].
///
/// # Examples
///
/// ```
/// use weft::io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut buf = Vec::new();
/// assert_eq!(weft::io::empty().read_to_end(&mut buf).await?, 0);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct Empty {
    _p: (),
}

/// Creates a reader that is always at end of file (and a writer that discards everything,
/// and a seekable stream always at position 0).
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let mut e = weft::io::empty();
/// let mut s = String::new();
/// e.read_to_string(&mut s).await?;
/// assert!(s.is_empty());
/// assert_eq!(e.write(b"gone").await?, 4);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub fn empty() -> Empty {
    Empty { _p: () }
}

impl AsyncRead for Empty {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _amt: usize) {}
}

impl AsyncWrite for Empty {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(()))
    }
}

impl AsyncSeek for Empty {
    fn start_seek(self: Pin<&mut Self>, _position: SeekFrom) -> io::Result<()> {
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(0))
    }
}

impl fmt::Debug for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Empty { .. }")
    }
}

/// A writer that accepts and discards all data.
///
/// Created by [`sink`].
///
/// # Examples
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// weft::io::sink().write_all(b"discarded").await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct Sink {
    _p: (),
}

/// Creates a writer that accepts and discards all data.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"count me";
/// let n = weft::io::copy(&mut reader, &mut weft::io::sink()).await?;
/// assert_eq!(n, 8);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub fn sink() -> Sink {
    Sink { _p: () }
}

impl AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Sink { .. }")
    }
}

/// A reader that yields one byte over and over.
///
/// Created by [`repeat`].
///
/// # Examples
///
/// ```
/// use weft::io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut buf = [0u8; 3];
/// weft::io::repeat(b'z').read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"zzz");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct Repeat {
    byte: u8,
}

/// Creates a reader that yields `byte` endlessly (every read fills the whole buffer).
///
/// # Examples
///
/// ```
/// use weft::io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut v = Vec::new();
/// weft::io::repeat(1).take(4).read_to_end(&mut v).await?;
/// assert_eq!(v, [1, 1, 1, 1]);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(proceed(cx));
        let n = buf.remaining();
        buf.initialize_unfilled().fill(self.byte);
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}
