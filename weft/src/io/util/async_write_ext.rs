//! [`AsyncWriteExt`]: the `async` methods of every [`AsyncWrite`].

use super::write::*;
use crate::io::AsyncWrite;
use std::io::IoSlice;

macro_rules! write_int_methods {
    ($($name:ident / $read:ident -> $fut:ident: $ty:ty, $desc:literal, $cancel:literal;)*) => {$(
        #[doc = concat!("Writes ", $desc, " to the writer.")]
        ///
        /// Equivalent to:
        ///
        /// ```ignore
        #[doc = concat!("async fn ", stringify!($name), "(&mut self, n: ", stringify!($ty), ") -> io::Result<()>;")]
        /// ```
        ///
        /// A buffered writer ([`BufWriter`](crate::io::BufWriter)) avoids one system call per
        /// value.
        ///
        /// # Errors
        ///
        /// The same as [`write_all`](Self::write_all).
        ///
        /// # Cancel safety
        ///
        #[doc = $cancel]
        ///
        /// # Examples
        ///
        /// ```
        /// use weft::io::{AsyncReadExt, AsyncWriteExt};
        ///
        /// # futures::executor::block_on(async {
        /// let mut bytes = Vec::new();
        #[doc = concat!("bytes.", stringify!($name), "(7 as ", stringify!($ty), ").await?;")]
        #[doc = concat!("assert_eq!(bytes.len(), std::mem::size_of::<", stringify!($ty), ">());")]
        /// let mut reader = &bytes[..];
        #[doc = concat!("assert_eq!(reader.", stringify!($read), "().await?, 7 as ", stringify!($ty), ");")]
        /// # Ok::<_, std::io::Error>(())
        /// # }).unwrap();
        /// ```
        fn $name(&mut self, n: $ty) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self, n)
        }
    )*};
}

/// Writes bytes to a sink: the `async` methods every [`AsyncWrite`] gets.
///
/// Implemented for every `AsyncWrite`; bring it into scope with `use weft::io::AsyncWriteExt`.
///
/// # Examples
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// let mut out = Vec::new();
/// out.write_u16(42).await?;
/// out.write_all(b" rest").await?;
/// out.flush().await?;
/// assert_eq!(out, b"\x00\x2a rest");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some bytes of `src`, returning how many were written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write(&mut self, src: &[u8]) -> io::Result<usize>;
    /// ```
    ///
    /// `Ok(0)` usually means the writer can accept no more bytes (or `src` is empty).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was written.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// assert_eq!(out.write(b"hi").await?, 2);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        write(self, src)
    }

    /// Writes some bytes from a list of buffers, returning how many were written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    /// ```
    ///
    /// See [`AsyncWrite::poll_write_vectored`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was written.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// let n = out.write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")]).await?;
    /// assert_eq!(n, 4);
    /// assert_eq!(out, b"abcd");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        write_vectored(self, bufs)
    }

    /// Writes some bytes from `src` (a `bytes::Buf`), advancing it; returns how many were
    /// written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_buf<B: Buf>(&mut self, src: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// Uses a vectored write when the writer supports one (up to 64 of the buffer's chunks).
    /// Available with the `bytes` feature (enabled by `io-util` and `full`, as in tokio).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was written (and `src` was not advanced).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// let mut src: &[u8] = b"hello";
    /// assert_eq!(out.write_buf(&mut src).await?, 5);
    /// assert!(src.is_empty());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(feature = "bytes")]
    fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> super::bytes_io::WriteBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: bytes::Buf,
    {
        super::bytes_io::write_buf(self, src)
    }

    /// Writes all of `src` (a `bytes::Buf`), advancing it as bytes are written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all_buf(&mut self, src: impl Buf) -> io::Result<()>;
    /// ```
    ///
    /// Available with the `bytes` feature (enabled by `io-util` and `full`, as in tokio).
    ///
    /// # Errors
    ///
    /// The first error of the writer; [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero)
    /// if it accepts 0 bytes.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the sense that no data is lost: if it is used as a branch
    /// of `select!` and another branch completes first, `src` has been advanced by exactly the
    /// bytes written, so calling it again continues where it stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// let mut src = std::io::Cursor::new(b"hello".to_vec());
    /// out.write_all_buf(&mut src).await?;
    /// assert_eq!(out, b"hello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(feature = "bytes")]
    fn write_all_buf<'a, B>(
        &'a mut self,
        src: &'a mut B,
    ) -> super::bytes_io::WriteAllBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: bytes::Buf,
    {
        super::bytes_io::write_all_buf(self, src)
    }

    /// Writes all of `src`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all(&mut self, src: &[u8]) -> io::Result<()>;
    /// ```
    ///
    /// # Errors
    ///
    /// `Interrupted` errors are retried; the first other error is returned. If the writer
    /// accepts 0 bytes, fails with [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero).
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if it is used as a branch of `select!` and another
    /// branch completes first, part of `src` may have been written, and calling `write_all`
    /// again starts over from the beginning of `src`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut out = Vec::new();
    /// out.write_all(b"hello").await?;
    /// assert_eq!(out, b"hello");
    ///
    /// let mut storage = [0u8; 2];
    /// let mut full = std::io::Cursor::new(&mut storage[..]);
    /// let err = full.write_all(b"abc").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WriteZero);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        write_all(self, src)
    }

    write_int_methods! {
        write_u8 / read_u8 -> WriteU8: u8, "an unsigned 8-bit integer", "This method is cancel safe: if it is used as a branch of `select!` and another branch completes first, nothing was written.";
        write_i8 / read_i8 -> WriteI8: i8, "a signed 8-bit integer", "This method is cancel safe: if it is used as a branch of `select!` and another branch completes first, nothing was written.";
        write_u16 / read_u16 -> WriteU16: u16, "a big-endian unsigned 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i16 / read_i16 -> WriteI16: i16, "a big-endian signed 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u32 / read_u32 -> WriteU32: u32, "a big-endian unsigned 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i32 / read_i32 -> WriteI32: i32, "a big-endian signed 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u64 / read_u64 -> WriteU64: u64, "a big-endian unsigned 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i64 / read_i64 -> WriteI64: i64, "a big-endian signed 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u128 / read_u128 -> WriteU128: u128, "a big-endian unsigned 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i128 / read_i128 -> WriteI128: i128, "a big-endian signed 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_f32 / read_f32 -> WriteF32: f32, "a big-endian 32-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_f64 / read_f64 -> WriteF64: f64, "a big-endian 64-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u16_le / read_u16_le -> WriteU16Le: u16, "a little-endian unsigned 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i16_le / read_i16_le -> WriteI16Le: i16, "a little-endian signed 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u32_le / read_u32_le -> WriteU32Le: u32, "a little-endian unsigned 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i32_le / read_i32_le -> WriteI32Le: i32, "a little-endian signed 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u64_le / read_u64_le -> WriteU64Le: u64, "a little-endian unsigned 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i64_le / read_i64_le -> WriteI64Le: i64, "a little-endian signed 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_u128_le / read_u128_le -> WriteU128Le: u128, "a little-endian unsigned 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_i128_le / read_i128_le -> WriteI128Le: i128, "a little-endian signed 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_f32_le / read_f32_le -> WriteF32Le: f32, "a little-endian 32-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
        write_f64_le / read_f64_le -> WriteF64Le: f64, "a little-endian 64-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some of the bytes may have been written.";
    }

    /// Flushes the writer, making sure all buffered data reaches its destination.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn flush(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, the buffered data may have been partly flushed, and the buffer has
    /// been advanced by exactly the part that was.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # futures::executor::block_on(async {
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"hi").await?;
    /// assert!(w.get_ref().is_empty());
    /// w.flush().await?;
    /// assert_eq!(w.get_ref(), b"hi");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        flush(self)
    }

    /// Shuts the writer down: flushes it, then finishes the stream (a TCP stream's write half
    /// is shut down, so the peer reads end of file). Do not write to it afterwards.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn shutdown(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the sense that it may be called again: if it is used as a
    /// branch of `select!` and another branch completes first, the shutdown may have been
    /// partly done (for a buffered writer, part of the buffer flushed), and calling it again
    /// continues it.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # futures::executor::block_on(async {
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"bye").await?;
    /// w.shutdown().await?;
    /// assert_eq!(w.get_ref(), b"bye");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        shutdown(self)
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
