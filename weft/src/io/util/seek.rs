//! [`AsyncSeekExt`] and its [`Seek`] future.

use crate::io::AsyncSeek;
use std::future::Future;
use std::io::{self, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Future for [`AsyncSeekExt::seek`] and its relatives.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Seek<'a, S: ?Sized> {
    seek: &'a mut S,
    pos: Option<SeekFrom>,
}

impl<S: AsyncSeek + Unpin + ?Sized> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = &mut *self;
        if let Some(pos) = me.pos {
            // Let a seek started earlier (by a cancelled `seek`) finish first; its result is
            // superseded by this one.
            let _ = ready!(Pin::new(&mut *me.seek).poll_complete(cx));
            me.pos = None;
            Pin::new(&mut *me.seek).start_seek(pos)?;
        }
        Pin::new(&mut *me.seek).poll_complete(cx)
    }
}

/// Seeks in a stream: the `async` methods every [`AsyncSeek`] gets.
///
/// Implemented for every `AsyncSeek`; bring it into scope with `use weft::io::AsyncSeekExt`.
///
/// # Examples
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use weft::io::{AsyncReadExt, AsyncSeekExt};
///
/// # futures::executor::block_on(async {
/// let mut cursor = Cursor::new(b"hello".to_vec());
/// cursor.seek(SeekFrom::Start(3)).await?;
/// let mut s = String::new();
/// cursor.read_to_string(&mut s).await?;
/// assert_eq!(s, "lo");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncSeekExt: AsyncSeek {
    /// Seeks to `pos` and returns the new position from the start of the stream.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn seek(&mut self, pos: SeekFrom) -> io::Result<u64>;
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if it is used as a branch of `select!` and another
    /// branch completes first, the seek may or may not have happened. A later seek waits for it
    /// to finish and then applies its own position.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut cursor = Cursor::new(vec![0u8; 8]);
    /// assert_eq!(cursor.seek(SeekFrom::Current(3)).await?, 3);
    /// assert_eq!(cursor.seek(SeekFrom::End(-1)).await?, 7);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        Seek {
            seek: self,
            pos: Some(pos),
        }
    }

    /// Seeks to the start of the stream. Same as `seek(SeekFrom::Start(0))`.
    ///
    /// # Cancel safety
    ///
    /// As [`seek`](Self::seek).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut cursor = Cursor::new(vec![0u8; 8]);
    /// cursor.seek(SeekFrom::End(0)).await?;
    /// assert_eq!(cursor.rewind().await?, 0);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn rewind(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Start(0))
    }

    /// Returns the current position from the start of the stream. Same as
    /// `seek(SeekFrom::Current(0))`.
    ///
    /// # Cancel safety
    ///
    /// As [`seek`](Self::seek).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut cursor = Cursor::new(vec![0u8; 8]);
    /// cursor.seek(SeekFrom::Start(5)).await?;
    /// assert_eq!(cursor.stream_position().await?, 5);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn stream_position(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}
