//! [`BufStream`]: read and write buffers around one stream.

use super::buf_reader::BufReader;
use super::buf_writer::BufWriter;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

pin_project! {
    /// Buffers both directions of a stream that is read and written: a
    /// [`BufReader`] around a [`BufWriter`].
    ///
    /// As with `BufWriter`, flush before dropping it, or buffered writes are lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, AsyncWriteExt, BufStream};
    ///
    /// # futures::executor::block_on(async {
    /// let (client, server) = weft::io::duplex(64);
    /// let mut client = BufStream::new(client);
    /// let mut server = BufStream::new(server);
    /// client.write_all(b"ping\n").await?;
    /// client.flush().await?;
    /// let mut line = String::new();
    /// server.read_line(&mut line).await?;
    /// assert_eq!(line, "ping\n");
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    pub struct BufStream<RW> {
        #[pin]
        inner: BufReader<BufWriter<RW>>,
    }
}

impl<RW: AsyncRead + AsyncWrite> BufStream<RW> {
    /// Wraps `stream` with default-sized (8 KiB) read and write buffers.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let _stream = weft::io::BufStream::new(a);
    /// ```
    pub fn new(stream: RW) -> BufStream<RW> {
        BufStream {
            inner: BufReader::new(BufWriter::new(stream)),
        }
    }

    /// Wraps `stream` with a read buffer of `reader_capacity` bytes and a write buffer of
    /// `writer_capacity` bytes.
    ///
    /// # Panics
    ///
    /// If `reader_capacity` is zero, as [`BufReader::with_capacity`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let _stream = weft::io::BufStream::with_capacity(128, 256, a);
    /// ```
    #[track_caller]
    pub fn with_capacity(
        reader_capacity: usize,
        writer_capacity: usize,
        stream: RW,
    ) -> BufStream<RW> {
        BufStream {
            inner: BufReader::with_capacity(
                reader_capacity,
                BufWriter::with_capacity(writer_capacity, stream),
            ),
        }
    }
}

impl<RW> BufStream<RW> {
    /// Gets a reference to the inner stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let stream = weft::io::BufStream::new(a);
    /// let _inner: &weft::io::DuplexStream = stream.get_ref();
    /// ```
    pub fn get_ref(&self) -> &RW {
        self.inner.get_ref().get_ref()
    }

    /// Gets a mutable reference to the inner stream. Using it directly bypasses the buffers.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let mut stream = weft::io::BufStream::new(a);
    /// let _inner: &mut weft::io::DuplexStream = stream.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut RW {
        self.inner.get_mut().get_mut()
    }

    /// Gets a pinned mutable reference to the inner stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let (a, _b) = weft::io::duplex(64);
    /// let mut stream = pin!(weft::io::BufStream::new(a));
    /// let _inner = stream.as_mut().get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut RW> {
        self.project().inner.get_pin_mut().get_pin_mut()
    }

    /// Consumes the `BufStream`, returning the inner stream. Buffered data in both directions
    /// is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = weft::io::duplex(64);
    /// let _a = weft::io::BufStream::new(a).into_inner();
    /// ```
    pub fn into_inner(self) -> RW {
        self.inner.into_inner().into_inner()
    }
}

impl<RW> From<BufReader<BufWriter<RW>>> for BufStream<RW> {
    fn from(b: BufReader<BufWriter<RW>>) -> Self {
        BufStream { inner: b }
    }
}

impl<RW> From<BufWriter<BufReader<RW>>> for BufStream<RW> {
    /// Swaps the two layers, keeping the data buffered in each.
    fn from(b: BufWriter<BufReader<RW>>) -> Self {
        let BufWriter {
            inner:
                BufReader {
                    inner,
                    buf: rbuf,
                    pos,
                    cap,
                    seek_state: rseek_state,
                },
            buf: wbuf,
            written,
            seek_state: wseek_state,
        } = b;
        BufStream {
            inner: BufReader {
                inner: BufWriter {
                    inner,
                    buf: wbuf,
                    written,
                    seek_state: wseek_state,
                },
                buf: rbuf,
                pos,
                cap,
                seek_state: rseek_state,
            },
        }
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncWrite for BufStream<RW> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncRead for BufStream<RW> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.project().inner.poll_read(cx, buf)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncBufRead for BufStream<RW> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.project().inner.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().inner.consume(amt)
    }
}

impl<RW: AsyncRead + AsyncWrite + AsyncSeek> AsyncSeek for BufStream<RW> {
    /// Starts a seek: relative seeks account for buffered read data, and buffered writes are
    /// written out first; both buffers are empty afterwards.
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        self.project().inner.start_seek(pos)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.project().inner.poll_complete(cx)
    }
}
