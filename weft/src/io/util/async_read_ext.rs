//! [`AsyncReadExt`]: the `async` methods of every [`AsyncRead`].

use super::chain::{chain, Chain};
use super::read::*;
use super::take::{take, Take};
use crate::io::AsyncRead;

macro_rules! read_int_methods {
    ($($(#[$extra:meta])* $name:ident / $write:ident -> $fut:ident: $ty:ty, $desc:literal, $cancel:literal;)*) => {$(
        #[doc = concat!("Reads ", $desc, " from the reader.")]
        ///
        /// Equivalent to:
        ///
        /// ```ignore
        #[doc = concat!("async fn ", stringify!($name), "(&mut self) -> io::Result<", stringify!($ty), ">;")]
        /// ```
        ///
        /// # Errors
        ///
        /// Fails with [`ErrorKind::UnexpectedEof`](std::io::ErrorKind::UnexpectedEof) if the
        /// reader ends before all the bytes were read, and with the reader's error if a read
        /// fails (`Interrupted` reads are retried).
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
        #[doc = concat!("bytes.", stringify!($write), "(7 as ", stringify!($ty), ").await?;")]
        /// let mut reader = &bytes[..];
        #[doc = concat!("assert_eq!(reader.", stringify!($name), "().await?, 7 as ", stringify!($ty), ");")]
        /// # Ok::<_, std::io::Error>(())
        /// # }).unwrap();
        /// ```
        $(#[$extra])*
        fn $name(&mut self) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self)
        }
    )*};
}

/// Reads bytes from a source: the `async` methods every [`AsyncRead`] gets.
///
/// Implemented for every `AsyncRead`; bring it into scope with `use weft::io::AsyncReadExt`.
///
/// # Examples
///
/// ```
/// use weft::io::AsyncReadExt;
///
/// # futures::executor::block_on(async {
/// let mut reader: &[u8] = b"\x00\x2a rest";
/// assert_eq!(reader.read_u16().await?, 42);
/// let mut rest = Vec::new();
/// reader.read_to_end(&mut rest).await?;
/// assert_eq!(rest, b" rest");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Creates a reader that reads all of `self`, then all of `next`.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let a: &[u8] = b"ab";
    /// let mut v = Vec::new();
    /// a.chain(&b"cd"[..]).read_to_end(&mut v).await?;
    /// assert_eq!(v, b"abcd");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        chain(self, next)
    }

    /// Pulls some bytes from this source into `buf`, returning how many were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// Waits until at least one byte is available. `Ok(0)` means end of file, or that `buf` is
    /// empty. Errors, including `Interrupted`, are returned as they are.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was read.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"hello";
    /// let mut buf = [0u8; 3];
    /// assert_eq!(reader.read(&mut buf).await?, 3);
    /// assert_eq!(&buf, b"hel");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        read(self, buf)
    }

    /// Pulls some bytes from this source into `buf` (a `bytes::BufMut`), advancing it;
    /// returns how many were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_buf<B: BufMut>(&mut self, buf: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// Reads into the buffer's current chunk, without initialising it first. `Ok(0)` means end
    /// of file, or that `buf` has no room left. Available with the `bytes` feature (enabled by
    /// `io-util` and `full`, as in tokio).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used as a branch of `select!` and another branch
    /// completes first, no data was read.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"hello";
    /// let mut buf = Vec::with_capacity(16);
    /// while reader.read_buf(&mut buf).await? > 0 {}
    /// assert_eq!(buf, b"hello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(feature = "bytes")]
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> super::bytes_io::ReadBuf<'a, Self, B>
    where
        Self: Unpin,
        B: bytes::BufMut + ?Sized,
    {
        super::bytes_io::read_buf(self, buf)
    }

    /// Reads exactly enough bytes to fill `buf`, returning `buf.len()`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::UnexpectedEof`](std::io::ErrorKind::UnexpectedEof) if the reader
    /// ends before `buf` is full (the contents of `buf` are then unspecified), and with the
    /// reader's error if a read fails. `Interrupted` reads are retried, as by std's
    /// `read_exact`.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if it is used as a branch of `select!` and another
    /// branch completes first, some bytes may already have been read into `buf` and are lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"hello";
    /// let mut buf = [0u8; 4];
    /// reader.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hell");
    /// let err = reader.read_exact(&mut buf).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        read_exact(self, buf)
    }

    read_int_methods! {
        read_u8 / write_u8 -> ReadU8: u8, "an unsigned 8-bit integer", "This method is cancel safe: if it is used as a branch of `select!` and another branch completes first, no data was read.";
        read_i8 / write_i8 -> ReadI8: i8, "a signed 8-bit integer", "This method is cancel safe: if it is used as a branch of `select!` and another branch completes first, no data was read.";
        read_u16 / write_u16 -> ReadU16: u16, "a big-endian unsigned 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i16 / write_i16 -> ReadI16: i16, "a big-endian signed 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u32 / write_u32 -> ReadU32: u32, "a big-endian unsigned 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i32 / write_i32 -> ReadI32: i32, "a big-endian signed 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u64 / write_u64 -> ReadU64: u64, "a big-endian unsigned 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i64 / write_i64 -> ReadI64: i64, "a big-endian signed 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u128 / write_u128 -> ReadU128: u128, "a big-endian unsigned 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i128 / write_i128 -> ReadI128: i128, "a big-endian signed 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_f32 / write_f32 -> ReadF32: f32, "a big-endian 32-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_f64 / write_f64 -> ReadF64: f64, "a big-endian 64-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u16_le / write_u16_le -> ReadU16Le: u16, "a little-endian unsigned 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i16_le / write_i16_le -> ReadI16Le: i16, "a little-endian signed 16-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u32_le / write_u32_le -> ReadU32Le: u32, "a little-endian unsigned 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i32_le / write_i32_le -> ReadI32Le: i32, "a little-endian signed 32-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u64_le / write_u64_le -> ReadU64Le: u64, "a little-endian unsigned 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i64_le / write_i64_le -> ReadI64Le: i64, "a little-endian signed 64-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_u128_le / write_u128_le -> ReadU128Le: u128, "a little-endian unsigned 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_i128_le / write_i128_le -> ReadI128Le: i128, "a little-endian signed 128-bit integer", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_f32_le / write_f32_le -> ReadF32Le: f32, "a little-endian 32-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
        read_f64_le / write_f64_le -> ReadF64Le: f64, "a little-endian 64-bit IEEE 754 float", "This method is not cancel safe: if it is used as a branch of `select!` and another branch completes first, some bytes may have been read and are lost.";
    }

    /// Reads all bytes until end of file, appending them to `buf`; returns how many were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// # Errors
    ///
    /// `Interrupted` errors are retried. Any other error ends the read; the bytes read before
    /// it stay appended to `buf`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the sense that no data is lost: if it is used as a branch
    /// of `select!` and another branch completes first, the bytes read so far are in `buf`, and
    /// calling it again continues where it stopped (its returned count restarts at 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = b"hello";
    /// let mut buf = b"say ".to_vec();
    /// assert_eq!(reader.read_to_end(&mut buf).await?, 5);
    /// assert_eq!(buf, b"say hello");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        read_to_end(self, buf)
    }

    /// Reads all bytes until end of file, appending them to `dst`; returns how many were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_string(&mut self, dst: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// # Errors
    ///
    /// If the data is not valid UTF-8, fails with
    /// [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) (whose inner error is the
    /// [`Utf8Error`](std::str::Utf8Error)) and leaves `dst` unchanged. Other errors are as for
    /// [`read_to_end`](Self::read_to_end), except that `dst` is left unchanged too (the bytes
    /// read before the error are dropped), as in tokio.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if it is used as a branch of `select!` and another
    /// branch completes first, the bytes read so far are lost. `dst` keeps its original
    /// contents.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let mut reader: &[u8] = "héllo".as_bytes();
    /// let mut s = String::new();
    /// reader.read_to_string(&mut s).await?;
    /// assert_eq!(s, "héllo");
    ///
    /// let mut bad: &[u8] = b"\xff\xfe";
    /// let err = bad.read_to_string(&mut s).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    /// assert_eq!(s, "héllo");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        read_to_string(self, dst)
    }

    /// Creates a reader that reads at most `limit` bytes from `self`, then reports end of file.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let reader: &[u8] = b"hello";
    /// let mut v = Vec::new();
    /// reader.take(2).read_to_end(&mut v).await?;
    /// assert_eq!(v, b"he");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
