//! [`copy_bidirectional`]: two copies at once, between two streams.

use super::buf_reader::DEFAULT_BUF_SIZE;
use super::copy::CopyBuffer;
use crate::io::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

enum TransferState {
    Running(CopyBuffer),
    ShuttingDown(u64),
    Done(u64),
}

/// Copies from `r` to `w` until `r` ends, then shuts `w` down (so its peer sees end of file).
fn transfer_one_direction<A, B>(
    cx: &mut Context<'_>,
    state: &mut TransferState,
    r: &mut A,
    w: &mut B,
) -> Poll<io::Result<u64>>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    loop {
        match state {
            TransferState::Running(buf) => {
                let count = ready!(buf.poll_copy(cx, Pin::new(&mut *r), Pin::new(&mut *w)))?;
                *state = TransferState::ShuttingDown(count);
            }
            TransferState::ShuttingDown(count) => {
                ready!(Pin::new(&mut *w).poll_shutdown(cx))?;
                *state = TransferState::Done(*count);
            }
            TransferState::Done(count) => return Poll::Ready(Ok(*count)),
        }
    }
}

/// Copies data in both directions between `a` and `b` until both reach end of file; returns
/// `(bytes a→b, bytes b→a)`.
///
/// When one side reaches end of file, the other side's write half is shut down and the copy
/// in the other direction goes on. Each direction uses an 8 KiB buffer.
///
/// # Errors
///
/// The first error of either direction ends both copies and is returned; data buffered then
/// is lost.
///
/// # Cancel safety
///
/// This function is not cancel safe: if it is used as a branch of `select!` and another branch
/// completes first, data read but not yet written is lost.
///
/// # Examples
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # futures::executor::block_on(async {
/// let (mut client, mut proxy_a) = weft::io::duplex(64);
/// let (mut proxy_b, mut server) = weft::io::duplex(64);
///
/// client.write_all(b"request").await?;
/// client.shutdown().await?;
/// server.write_all(b"response").await?;
/// server.shutdown().await?;
///
/// let (to_server, to_client) =
///     weft::io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await?;
/// assert_eq!((to_server, to_client), (7, 8));
///
/// let mut got = String::new();
/// client.read_to_string(&mut got).await?;
/// assert_eq!(got, "response");
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_impl(
        a,
        b,
        CopyBuffer::new(DEFAULT_BUF_SIZE),
        CopyBuffer::new(DEFAULT_BUF_SIZE),
    )
    .await
}

/// Like [`copy_bidirectional`], with a buffer of `a_to_b_buf_size` bytes for the copy from `a`
/// to `b` and `b_to_a_buf_size` bytes for the other direction.
///
/// # Panics
///
/// Panics if a buffer size is 0.
///
/// # Cancel safety
///
/// As [`copy_bidirectional`]: not cancel safe.
///
/// # Examples
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # futures::executor::block_on(async {
/// let (mut client, mut a) = weft::io::duplex(64);
/// let (mut b, mut server) = weft::io::duplex(64);
/// client.shutdown().await?;
/// server.write_all(b"hi").await?;
/// server.shutdown().await?;
/// let counts = weft::io::copy_bidirectional_with_sizes(&mut a, &mut b, 16, 16).await?;
/// assert_eq!(counts, (0, 2));
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "`a_to_b_buf_size` must be greater than 0"
    );
    assert!(
        b_to_a_buf_size > 0,
        "`b_to_a_buf_size` must be greater than 0"
    );
    copy_bidirectional_impl(
        a,
        b,
        CopyBuffer::new(a_to_b_buf_size),
        CopyBuffer::new(b_to_a_buf_size),
    )
    .await
}

async fn copy_bidirectional_impl<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buffer: CopyBuffer,
    b_to_a_buffer: CopyBuffer,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = TransferState::Running(a_to_b_buffer);
    let mut b_to_a = TransferState::Running(b_to_a_buffer);
    poll_fn(|cx| {
        let a_to_b = transfer_one_direction(cx, &mut a_to_b, a, b)?;
        let b_to_a = transfer_one_direction(cx, &mut b_to_a, b, a)?;
        // Both are polled every time so each registers its wake-up; finish when both are done.
        let a_to_b = ready!(a_to_b);
        let b_to_a = ready!(b_to_a);
        Poll::Ready(Ok((a_to_b, b_to_a)))
    })
    .await
}
