//! The futures returned by [`AsyncWriteExt`](crate::io::AsyncWriteExt)'s methods.

use crate::io::AsyncWrite;
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Future for [`AsyncWriteExt::write`](crate::io::AsyncWriteExt::write).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

pub(crate) fn write<'a, W: AsyncWrite + Unpin + ?Sized>(
    writer: &'a mut W,
    buf: &'a [u8],
) -> Write<'a, W> {
    Write { writer, buf }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        Pin::new(&mut *me.writer).poll_write(cx, me.buf)
    }
}

/// Future for [`AsyncWriteExt::write_vectored`](crate::io::AsyncWriteExt::write_vectored).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
}

pub(crate) fn write_vectored<'a, 'b, W: AsyncWrite + Unpin + ?Sized>(
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
) -> WriteVectored<'a, 'b, W> {
    WriteVectored { writer, bufs }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        Pin::new(&mut *me.writer).poll_write_vectored(cx, me.bufs)
    }
}

pub(crate) fn write_zero() -> io::Error {
    io::Error::new(
        io::ErrorKind::WriteZero,
        "failed to write whole buffer: the writer accepted 0 bytes",
    )
}

/// Future for [`AsyncWriteExt::write_all`](crate::io::AsyncWriteExt::write_all).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

pub(crate) fn write_all<'a, W: AsyncWrite + Unpin + ?Sized>(
    writer: &'a mut W,
    buf: &'a [u8],
) -> WriteAll<'a, W> {
    WriteAll { writer, buf }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        while !me.buf.is_empty() {
            let n = match ready!(Pin::new(&mut *me.writer).poll_write(cx, me.buf)) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            if n == 0 {
                return Poll::Ready(Err(write_zero()));
            }
            me.buf = &me.buf[n..];
        }
        Poll::Ready(Ok(()))
    }
}

/// Future for [`AsyncWriteExt::flush`](crate::io::AsyncWriteExt::flush).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, W: ?Sized> {
    writer: &'a mut W,
}

pub(crate) fn flush<W: AsyncWrite + Unpin + ?Sized>(writer: &mut W) -> Flush<'_, W> {
    Flush { writer }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, W> {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.writer).poll_flush(cx)
    }
}

/// Future for [`AsyncWriteExt::shutdown`](crate::io::AsyncWriteExt::shutdown).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, W: ?Sized> {
    writer: &'a mut W,
}

pub(crate) fn shutdown<W: AsyncWrite + Unpin + ?Sized>(writer: &mut W) -> Shutdown<'_, W> {
    Shutdown { writer }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, W> {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.writer).poll_shutdown(cx)
    }
}

macro_rules! write_int_futures {
    ($($name:ident: $ty:ty = $to:ident;)*) => {$(
        #[doc = concat!("Future that writes one `", stringify!($ty), "` (see [`AsyncWriteExt`](crate::io::AsyncWriteExt)).")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<W> {
            dst: W,
            buf: [u8; std::mem::size_of::<$ty>()],
            written: usize,
        }

        impl<W> $name<W> {
            pub(crate) fn new(dst: W, n: $ty) -> Self {
                $name {
                    dst,
                    buf: n.$to(),
                    written: 0,
                }
            }
        }

        impl<W: AsyncWrite + Unpin> Future for $name<W> {
            type Output = io::Result<()>;

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                let me = &mut *self;
                while me.written < me.buf.len() {
                    let n = match ready!(Pin::new(&mut me.dst).poll_write(cx, &me.buf[me.written..])) {
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Poll::Ready(Err(e)),
                    };
                    if n == 0 {
                        return Poll::Ready(Err(write_zero()));
                    }
                    me.written += n;
                }
                Poll::Ready(Ok(()))
            }
        }
    )*};
}

write_int_futures! {
    WriteU8: u8 = to_be_bytes;
    WriteI8: i8 = to_be_bytes;
    WriteU16: u16 = to_be_bytes;
    WriteI16: i16 = to_be_bytes;
    WriteU32: u32 = to_be_bytes;
    WriteI32: i32 = to_be_bytes;
    WriteU64: u64 = to_be_bytes;
    WriteI64: i64 = to_be_bytes;
    WriteU128: u128 = to_be_bytes;
    WriteI128: i128 = to_be_bytes;
    WriteF32: f32 = to_be_bytes;
    WriteF64: f64 = to_be_bytes;
    WriteU16Le: u16 = to_le_bytes;
    WriteI16Le: i16 = to_le_bytes;
    WriteU32Le: u32 = to_le_bytes;
    WriteI32Le: i32 = to_le_bytes;
    WriteU64Le: u64 = to_le_bytes;
    WriteI64Le: i64 = to_le_bytes;
    WriteU128Le: u128 = to_le_bytes;
    WriteI128Le: i128 = to_le_bytes;
    WriteF32Le: f32 = to_le_bytes;
    WriteF64Le: f64 = to_le_bytes;
}
