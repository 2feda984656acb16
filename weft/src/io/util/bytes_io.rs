//! `read_buf`, `write_buf` and `write_all_buf`: reading into a `bytes::BufMut` and writing from
//! a `bytes::Buf` (the `bytes` feature).

use crate::io::{AsyncRead, AsyncWrite, ReadBuf as IoReadBuf};
use bytes::{Buf, BufMut};
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// At most this many slices of a `Buf` go into one vectored write.
const MAX_VECTOR_ELEMENTS: usize = 64;

pin_project_lite::pin_project! {
    /// Future for [`AsyncReadExt::read_buf`](crate::io::AsyncReadExt::read_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadBuf<'a, R: ?Sized, B: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut B,
    }
}

pub(crate) fn read_buf<'a, R, B>(reader: &'a mut R, buf: &'a mut B) -> ReadBuf<'a, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    ReadBuf { reader, buf }
}

impl<R, B> Future for ReadBuf<'_, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }
        let (polled, n) = fill_buf_mut(&mut **me.buf, |read_buf| {
            Pin::new(&mut **me.reader).poll_read(cx, read_buf)
        });
        ready!(polled)?;
        Poll::Ready(Ok(n))
    }
}

/// Hands `buf`'s next chunk to `fill` as a [`ReadBuf`](IoReadBuf), then advances `buf` over the
/// bytes `fill` put there; returns what `fill` returned and that count. The one place that
/// turns a `BufMut` into a `ReadBuf` (the sockets' `*_buf` reads use `net::sys`, which
/// hands the chunk straight to a read syscall).
fn fill_buf_mut<B, T>(buf: &mut B, fill: impl FnOnce(&mut IoReadBuf<'_>) -> T) -> (T, usize)
where
    B: BufMut + ?Sized,
{
    let (out, n) = {
        let chunk = buf.chunk_mut();
        // SAFETY: `ReadBuf` never de-initialises memory, so handing the chunk to it as
        // possibly-uninitialised bytes keeps `UninitSlice`'s contract.
        let dst = unsafe { chunk.as_uninit_slice_mut() };
        let ptr = dst.as_ptr() as *const u8;
        let mut read_buf = IoReadBuf::uninit(dst);
        let out = fill(&mut read_buf);
        // A reader that swapped the buffer would make us advance over bytes it never wrote.
        assert_eq!(
            read_buf.filled().as_ptr(),
            ptr,
            "AsyncRead::poll_read replaced the ReadBuf it was given with another buffer"
        );
        (out, read_buf.filled().len())
    };
    // SAFETY: `fill` filled (so initialised) the first `n` bytes of the chunk, which is the
    // memory at the buffer's current write position (checked above).
    unsafe { buf.advance_mut(n) };
    (out, n)
}

/// Writes once from `buf`, vectored when the writer supports it; returns the count written.
fn poll_write_once<W, B>(writer: &mut W, cx: &mut Context<'_>, buf: &B) -> Poll<io::Result<usize>>
where
    W: AsyncWrite + Unpin + ?Sized,
    B: Buf,
{
    if writer.is_write_vectored() {
        let mut slices = [IoSlice::new(&[]); MAX_VECTOR_ELEMENTS];
        let cnt = buf.chunks_vectored(&mut slices);
        Pin::new(writer).poll_write_vectored(cx, &slices[..cnt])
    } else {
        Pin::new(writer).poll_write(cx, buf.chunk())
    }
}

pin_project_lite::pin_project! {
    /// Future for [`AsyncWriteExt::write_buf`](crate::io::AsyncWriteExt::write_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct WriteBuf<'a, W, B> {
        writer: &'a mut W,
        buf: &'a mut B,
    }
}

pub(crate) fn write_buf<'a, W, B>(writer: &'a mut W, buf: &'a mut B) -> WriteBuf<'a, W, B>
where
    W: AsyncWrite + Unpin,
    B: Buf,
{
    WriteBuf { writer, buf }
}

impl<W, B> Future for WriteBuf<'_, W, B>
where
    W: AsyncWrite + Unpin,
    B: Buf,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        if !me.buf.has_remaining() {
            return Poll::Ready(Ok(0));
        }
        let n = ready!(poll_write_once(&mut **me.writer, cx, &**me.buf))?;
        me.buf.advance(n);
        Poll::Ready(Ok(n))
    }
}

pin_project_lite::pin_project! {
    /// Future for [`AsyncWriteExt::write_all_buf`](crate::io::AsyncWriteExt::write_all_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct WriteAllBuf<'a, W, B> {
        writer: &'a mut W,
        buf: &'a mut B,
    }
}

pub(crate) fn write_all_buf<'a, W, B>(writer: &'a mut W, buf: &'a mut B) -> WriteAllBuf<'a, W, B>
where
    W: AsyncWrite + Unpin,
    B: Buf,
{
    WriteAllBuf { writer, buf }
}

impl<W, B> Future for WriteAllBuf<'_, W, B>
where
    W: AsyncWrite + Unpin,
    B: Buf,
{
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.project();
        while me.buf.has_remaining() {
            let n = ready!(poll_write_once(&mut **me.writer, cx, &**me.buf))?;
            if n == 0 {
                return Poll::Ready(Err(super::write::write_zero()));
            }
            me.buf.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

// SAFETY: `chunk_mut` is the unfilled part of the buffer, `remaining_mut` its length, and
// `advance_mut(cnt)` is called by `BufMut` users only after writing `cnt` bytes there, which
// makes declaring them initialised and filled sound.
unsafe impl BufMut for IoReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller wrote `cnt` bytes after the filled part (`advance_mut` contract).
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: `UninitSlice` never lets safe code write uninitialised bytes, so no
        // initialised byte of the buffer can be de-initialised through it.
        bytes::buf::UninitSlice::uninit(unsafe { self.unfilled_mut() })
    }

    fn put_slice(&mut self, src: &[u8]) {
        IoReadBuf::put_slice(self, src)
    }
}
