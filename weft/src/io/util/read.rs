//! The futures returned by [`AsyncReadExt`](crate::io::AsyncReadExt)'s methods.

use super::vec_read::{poll_read_to_vec, VecRead};
use crate::io::{AsyncRead, ReadBuf};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Future for [`AsyncReadExt::read`](crate::io::AsyncReadExt::read).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
}

pub(crate) fn read<'a, R: AsyncRead + Unpin + ?Sized>(
    reader: &'a mut R,
    buf: &'a mut [u8],
) -> Read<'a, R> {
    Read { reader, buf }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        let mut buf = ReadBuf::new(me.buf);
        ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

/// Future for [`AsyncReadExt::read_exact`](crate::io::AsyncReadExt::read_exact).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: ReadBuf<'a>,
}

pub(crate) fn read_exact<'a, R: AsyncRead + Unpin + ?Sized>(
    reader: &'a mut R,
    buf: &'a mut [u8],
) -> ReadExact<'a, R> {
    ReadExact {
        reader,
        buf: ReadBuf::new(buf),
    }
}

pub(crate) fn early_eof(needed: usize, got: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("early eof: the reader ended after {got} of the {needed} bytes requested"),
    )
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        while me.buf.remaining() > 0 {
            let before = me.buf.remaining();
            match ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut me.buf)) {
                Ok(()) => {}
                // As std's `read_exact`: an interrupted read is retried, not returned.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
            if me.buf.remaining() == before {
                return Poll::Ready(Err(early_eof(me.buf.capacity(), me.buf.filled().len())));
            }
        }
        Poll::Ready(Ok(me.buf.capacity()))
    }
}

/// Future for [`AsyncReadExt::read_to_end`](crate::io::AsyncReadExt::read_to_end).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    read: usize,
    vec: VecRead,
}

pub(crate) fn read_to_end<'a, R: AsyncRead + Unpin + ?Sized>(
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
) -> ReadToEnd<'a, R> {
    let vec = VecRead::new(buf.capacity());
    ReadToEnd {
        reader,
        buf,
        read: 0,
        vec,
    }
}

/// Reads until end of file, retrying `Interrupted`; `read` counts the bytes appended so far.
pub(crate) fn poll_read_to_end<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    read: &mut usize,
    vec: &mut VecRead,
) -> Poll<io::Result<usize>> {
    loop {
        match ready!(poll_read_to_vec(Pin::new(&mut *reader), cx, buf, vec)) {
            Ok(0) => return Poll::Ready(Ok(std::mem::take(read))),
            Ok(n) => *read += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        poll_read_to_end(me.reader, cx, me.buf, &mut me.read, &mut me.vec)
    }
}

/// Future for [`AsyncReadExt::read_to_string`](crate::io::AsyncReadExt::read_to_string).
///
/// The string's bytes are read into a vector owned by the future; the string gets them back
/// when the future completes, or (with its original contents only) when it is dropped early.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    bytes: Vec<u8>,
    start_len: usize,
    read: usize,
    vec: VecRead,
    done: bool,
}

pub(crate) fn read_to_string<'a, R: AsyncRead + Unpin + ?Sized>(
    reader: &'a mut R,
    output: &'a mut String,
) -> ReadToString<'a, R> {
    let bytes = std::mem::take(output).into_bytes();
    ReadToString {
        reader,
        output,
        start_len: bytes.len(),
        vec: VecRead::new(bytes.capacity()),
        bytes,
        read: 0,
        done: false,
    }
}

/// Puts `bytes` back into `output`: all of them if they are valid UTF-8 (or only the first
/// `start_len`, `output`'s original contents, unless `keep_new`), else only the first
/// `start_len`, returning why the rest was not UTF-8 (the error counts from the start of
/// `output`, as tokio's and std's do).
pub(crate) fn restore_string(
    output: &mut String,
    bytes: Vec<u8>,
    start_len: usize,
    keep_new: bool,
) -> Result<(), std::str::Utf8Error> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if !keep_new {
                s.truncate(start_len);
            }
            *output = s;
            Ok(())
        }
        Err(e) => {
            let why = e.utf8_error();
            let mut bytes = e.into_bytes();
            bytes.truncate(start_len);
            *output = String::from_utf8(bytes).expect("the original string was valid UTF-8");
            Err(why)
        }
    }
}

/// `InvalidData` carrying the UTF-8 error (`Utf8Error`, or `FromUtf8Error` with the bytes),
/// which callers can downcast to, as with tokio.
pub(crate) fn invalid_utf8(why: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        let res = ready!(poll_read_to_end(
            me.reader,
            cx,
            &mut me.bytes,
            &mut me.read,
            &mut me.vec
        ));
        let bytes = std::mem::take(&mut me.bytes);
        // An I/O error drops what was read (tokio: the string is as it was); an encoding
        // error always does.
        let utf8 = restore_string(me.output, bytes, me.start_len, res.is_ok());
        me.done = true;
        Poll::Ready(match (res, utf8) {
            (Ok(n), Ok(())) => Ok(n),
            (Ok(_), Err(why)) => Err(invalid_utf8(why)),
            (Err(e), _) => Err(e),
        })
    }
}

impl<R: ?Sized> Drop for ReadToString<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            // Cancelled: the bytes read so far are lost, the original contents are kept.
            let mut bytes = std::mem::take(&mut self.bytes);
            bytes.truncate(self.start_len);
            *self.output = String::from_utf8(bytes).expect("the original string was valid UTF-8");
        }
    }
}

macro_rules! read_int_futures {
    ($($name:ident: $ty:ty = $from:ident;)*) => {$(
        #[doc = concat!("Future that reads one `", stringify!($ty), "` (see [`AsyncReadExt`](crate::io::AsyncReadExt)).")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<R> {
            src: R,
            buf: [u8; std::mem::size_of::<$ty>()],
            read: usize,
        }

        impl<R> $name<R> {
            pub(crate) fn new(src: R) -> Self {
                $name {
                    src,
                    buf: [0; std::mem::size_of::<$ty>()],
                    read: 0,
                }
            }
        }

        impl<R: AsyncRead + Unpin> Future for $name<R> {
            type Output = io::Result<$ty>;

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<$ty>> {
                let me = &mut *self;
                while me.read < me.buf.len() {
                    let mut buf = ReadBuf::new(&mut me.buf[me.read..]);
                    match ready!(Pin::new(&mut me.src).poll_read(cx, &mut buf)) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Poll::Ready(Err(e)),
                    }
                    let n = buf.filled().len();
                    if n == 0 {
                        return Poll::Ready(Err(early_eof(me.buf.len(), me.read)));
                    }
                    me.read += n;
                }
                Poll::Ready(Ok(<$ty>::$from(me.buf)))
            }
        }
    )*};
}

read_int_futures! {
    ReadU8: u8 = from_be_bytes;
    ReadI8: i8 = from_be_bytes;
    ReadU16: u16 = from_be_bytes;
    ReadI16: i16 = from_be_bytes;
    ReadU32: u32 = from_be_bytes;
    ReadI32: i32 = from_be_bytes;
    ReadU64: u64 = from_be_bytes;
    ReadI64: i64 = from_be_bytes;
    ReadU128: u128 = from_be_bytes;
    ReadI128: i128 = from_be_bytes;
    ReadF32: f32 = from_be_bytes;
    ReadF64: f64 = from_be_bytes;
    ReadU16Le: u16 = from_le_bytes;
    ReadI16Le: i16 = from_le_bytes;
    ReadU32Le: u32 = from_le_bytes;
    ReadI32Le: i32 = from_le_bytes;
    ReadU64Le: u64 = from_le_bytes;
    ReadI64Le: i64 = from_le_bytes;
    ReadU128Le: u128 = from_le_bytes;
    ReadI128Le: i128 = from_le_bytes;
    ReadF32Le: f32 = from_le_bytes;
    ReadF64Le: f64 = from_le_bytes;
}
