//! The future returned by [`AsyncBufReadExt::fill_buf`](crate::io::AsyncBufReadExt::fill_buf).

use crate::io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Future for [`AsyncBufReadExt::fill_buf`](crate::io::AsyncBufReadExt::fill_buf).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    reader: Option<&'a mut R>,
}

pub(crate) fn fill_buf<R: AsyncBufRead + Unpin + ?Sized>(reader: &mut R) -> FillBuf<'_, R> {
    FillBuf {
        reader: Some(reader),
    }
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        let reader = self
            .reader
            .take()
            .expect("FillBuf polled after it completed");
        match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(slice)) => {
                let (data, len) = (slice.as_ptr(), slice.len());
                // SAFETY: `slice` borrows from `*reader`, a `&'a mut R` this future has given up
                // for good (taken out of `self.reader` and never put back), so nothing else can
                // reach `*reader` for the rest of `'a` and the slice may live that long. The
                // borrow checker cannot see that the borrow ends only on the `Pending` path.
                let slice = unsafe { std::slice::from_raw_parts(data, len) };
                Poll::Ready(Ok(slice))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                self.reader = Some(reader);
                Poll::Pending
            }
        }
    }
}
