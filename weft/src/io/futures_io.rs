//! `futures-io` trait implementations for weft's I/O types.
//!
//! [`impl_futures_io!`] gives a type the `futures_io` traits matching the weft traits it
//! implements, by forwarding to them. Other modules (sockets, files, pipes) use it too:
//!
//! ```ignore
//! crate::io::impl_futures_io!(read, write: [] TcpStream);
//! crate::io::impl_futures_io!(read, buf_read: [R] BufReader<R>);
//! ```
//!
//! Each generated impl is bounded by the corresponding weft impl (`where Self: AsyncRead`), so
//! generic wrappers get it exactly when they are readers. Without the `futures-io` feature the
//! macro expands to nothing. There is no `AsyncSeek` forwarding: a `futures` seek is one call
//! and a weft seek two, and bridging them needs state; use
//! [`compat`](crate::io::compat) for seeking.

#[cfg(feature = "futures-io")]
macro_rules! impl_futures_io {
    ($($kind:ident),+ : $gen:tt $ty:ty) => {
        $( $crate::io::impl_futures_io!(@one $kind: $gen $ty); )+
    };
    (@one read: [$($g:ident),*] $ty:ty) => {
        impl<$($g),*> futures_io::AsyncRead for $ty
        where
            $ty: $crate::io::AsyncRead,
        {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::poll_read_slice(self, cx, buf)
            }
        }
    };
    (@one write: [$($g:ident),*] $ty:ty) => {
        impl<$($g),*> futures_io::AsyncWrite for $ty
        where
            $ty: $crate::io::AsyncWrite,
        {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                <Self as $crate::io::AsyncWrite>::poll_write(self, cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                <Self as $crate::io::AsyncWrite>::poll_write_vectored(self, cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                <Self as $crate::io::AsyncWrite>::poll_flush(self, cx)
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                <Self as $crate::io::AsyncWrite>::poll_shutdown(self, cx)
            }
        }
    };
    (@one buf_read: [$($g:ident),*] $ty:ty) => {
        impl<$($g),*> futures_io::AsyncBufRead for $ty
        where
            $ty: $crate::io::AsyncBufRead,
        {
            fn poll_fill_buf(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<&[u8]>> {
                <Self as $crate::io::AsyncBufRead>::poll_fill_buf(self, cx)
            }

            fn consume(self: std::pin::Pin<&mut Self>, amt: usize) {
                <Self as $crate::io::AsyncBufRead>::consume(self, amt)
            }
        }
    };
}

#[cfg(not(feature = "futures-io"))]
macro_rules! impl_futures_io {
    ($($tt:tt)*) => {};
}

pub(crate) use impl_futures_io;

#[cfg(feature = "futures-io")]
use crate::io::{
    BufReader, BufStream, BufWriter, Chain, DuplexStream, Empty, Join, ReadHalf, Repeat,
    SimplexStream, Sink, Stderr, Stdin, Stdout, Take, WriteHalf,
};

impl_futures_io!(read, write: [] DuplexStream);
impl_futures_io!(read, write: [] SimplexStream);
impl_futures_io!(read: [T] ReadHalf<T>);
impl_futures_io!(write: [T] WriteHalf<T>);
impl_futures_io!(read, buf_read, write: [R] BufReader<R>);
impl_futures_io!(read, buf_read, write: [W] BufWriter<W>);
impl_futures_io!(read, buf_read, write: [RW] BufStream<RW>);
impl_futures_io!(read, buf_read: [R] Take<R>);
impl_futures_io!(read, buf_read: [T, U] Chain<T, U>);
impl_futures_io!(read, buf_read, write: [R, W] Join<R, W>);
impl_futures_io!(read, buf_read, write: [] Empty);
impl_futures_io!(write: [] Sink);
impl_futures_io!(read: [] Repeat);
impl_futures_io!(read: [] Stdin);
impl_futures_io!(write: [] Stdout);
impl_futures_io!(write: [] Stderr);
