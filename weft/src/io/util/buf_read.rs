//! The futures returned by [`AsyncBufReadExt`](crate::io::AsyncBufReadExt)'s methods, and the
//! `read_until` loop they share with [`Lines`](super::Lines) and [`Split`](super::Split).

use super::read::{invalid_utf8, restore_string};
use crate::io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Appends bytes to `buf` up to and including `delim`, or up to end of file. `read` counts the
/// bytes appended by earlier polls of the same operation; the total is returned (0: end of file)
/// and `read` is reset.
pub(crate) fn read_until_internal<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delim: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (done, used) = {
            let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            match available.iter().position(|&b| b == delim) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (available.is_empty(), available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if done {
            return Poll::Ready(Ok(std::mem::take(read)));
        }
    }
}

/// Future for [`AsyncBufReadExt::read_until`](crate::io::AsyncBufReadExt::read_until).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delim: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
}

pub(crate) fn read_until<'a, R: AsyncBufRead + Unpin + ?Sized>(
    reader: &'a mut R,
    delim: u8,
    buf: &'a mut Vec<u8>,
) -> ReadUntil<'a, R> {
    ReadUntil {
        reader,
        delim,
        buf,
        read: 0,
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            me.delim,
            me.buf,
            &mut me.read,
        )
    }
}

/// Future for [`AsyncBufReadExt::read_line`](crate::io::AsyncBufReadExt::read_line).
///
/// The string's bytes live in the future while it runs; the string gets them back when it
/// completes, or (its original contents only) when it is dropped early.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    bytes: Vec<u8>,
    start_len: usize,
    read: usize,
    done: bool,
}

pub(crate) fn read_line<'a, R: AsyncBufRead + Unpin + ?Sized>(
    reader: &'a mut R,
    output: &'a mut String,
) -> ReadLine<'a, R> {
    let bytes = std::mem::take(output).into_bytes();
    ReadLine {
        reader,
        output,
        start_len: bytes.len(),
        bytes,
        read: 0,
        done: false,
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        let res = ready!(read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            b'\n',
            &mut me.bytes,
            &mut me.read
        ));
        me.done = true;
        // Unlike `read_to_string`, an I/O error keeps the (valid) part of the line read so
        // far, as tokio's `read_line` does.
        let utf8 = restore_string(me.output, std::mem::take(&mut me.bytes), me.start_len, true);
        Poll::Ready(match (res, utf8) {
            (Ok(n), Ok(())) => Ok(n),
            (Ok(_), Err(why)) => Err(invalid_utf8(why)),
            (Err(e), _) => Err(e),
        })
    }
}

impl<R: ?Sized> Drop for ReadLine<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            let mut bytes = std::mem::take(&mut self.bytes);
            bytes.truncate(self.start_len);
            *self.output = String::from_utf8(bytes).expect("the original string was valid UTF-8");
        }
    }
}
