//! [`Chain`]: one reader followed by another.

use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};
use pin_project_lite::pin_project;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// A reader that reads all of a first reader, then all of a second one.
    ///
    /// Created by [`AsyncReadExt::chain`](crate::io::AsyncReadExt::chain).
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # futures::executor::block_on(async {
    /// let a: &[u8] = b"hello ";
    /// let b: &[u8] = b"world";
    /// let mut s = String::new();
    /// a.chain(b).read_to_string(&mut s).await?;
    /// assert_eq!(s, "hello world");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    #[must_use = "readers do nothing unless you read from them"]
    pub struct Chain<T, U> {
        #[pin]
        first: T,
        #[pin]
        second: U,
        done_first: bool,
    }
}

pub(crate) fn chain<T: AsyncRead, U: AsyncRead>(first: T, second: U) -> Chain<T, U> {
    Chain {
        first,
        second,
        done_first: false,
    }
}

impl<T: AsyncRead, U: AsyncRead> Chain<T, U> {
    /// Gets references to the two readers.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let a: &[u8] = b"a";
    /// let b: &[u8] = b"b";
    /// let chain = a.chain(b);
    /// assert_eq!(chain.get_ref(), (&&b"a"[..], &&b"b"[..]));
    /// ```
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// Gets mutable references to the two readers. Reading from them directly may confuse the
    /// chain.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let a: &[u8] = b"a";
    /// let b: &[u8] = b"b";
    /// let mut chain = a.chain(b);
    /// let (_first, _second) = chain.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// Gets pinned mutable references to the two readers.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    /// use weft::io::AsyncReadExt;
    ///
    /// let a: &[u8] = b"a";
    /// let b: &[u8] = b"b";
    /// let mut chain = pin!(a.chain(b));
    /// let (_first, _second) = chain.as_mut().get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>) {
        let me = self.project();
        (me.first, me.second)
    }

    /// Consumes the `Chain`, returning the two readers.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let a: &[u8] = b"a";
    /// let b: &[u8] = b"b";
    /// let (first, second) = a.chain(b).into_inner();
    /// assert_eq!((first, second), (&b"a"[..], &b"b"[..]));
    /// ```
    pub fn into_inner(self) -> (T, U) {
        (self.first, self.second)
    }
}

impl<T: AsyncRead, U: AsyncRead> AsyncRead for Chain<T, U> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.project();
        if !*me.done_first {
            let before = buf.filled().len();
            ready!(me.first.poll_read(cx, buf))?;
            // An empty read into a buffer with room is the first reader's end of file.
            if buf.filled().len() > before || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            *me.done_first = true;
        }
        me.second.poll_read(cx, buf)
    }
}

impl<T: AsyncBufRead, U: AsyncBufRead> AsyncBufRead for Chain<T, U> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if !*me.done_first {
            match ready!(me.first.poll_fill_buf(cx))? {
                [] => *me.done_first = true,
                buf => return Poll::Ready(Ok(buf)),
            }
        }
        me.second.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        if *me.done_first {
            me.second.consume(amt)
        } else {
            me.first.consume(amt)
        }
    }
}
