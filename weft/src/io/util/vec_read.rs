//! Reading into the spare capacity of a `Vec<u8>` without zeroing it on every read.

use crate::io::{AsyncRead, ReadBuf};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The smallest spare capacity offered to a reader: a full vector grows by at least this much.
const MIN_GROWTH: usize = 32;

/// Reads once from `reader` into the spare capacity of `buf`, growing `buf` first if it is full,
/// and returns how many bytes were appended.
///
/// `spare_init` counts the bytes after `buf.len()` that earlier calls left initialised, so a
/// reader that initialises its whole buffer (through `ReadBuf::initialize_unfilled`) does not
/// zero the same memory again on every call. The caller keeps it across calls for the same
/// vector and starts it at 0.
pub(crate) fn poll_read_to_vec<R: AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    spare_init: &mut usize,
) -> Poll<io::Result<usize>> {
    if buf.capacity() == buf.len() {
        buf.reserve(MIN_GROWTH);
        // A reallocation does not promise to preserve the bytes past `len`.
        *spare_init = 0;
    }
    let len = buf.len();
    let spare = buf.spare_capacity_mut();
    let spare_ptr = spare.as_ptr() as *const u8;
    let init = std::cmp::min(*spare_init, spare.len());
    let mut read_buf = ReadBuf::uninit(spare);
    // SAFETY: `spare_init` bytes past `len` were initialised by an earlier call on this same
    // allocation (it is reset whenever the vector grows), and bytes are never de-initialised.
    unsafe { read_buf.assume_init(init) };

    let res = reader.poll_read(cx, &mut read_buf);

    // A reader may replace the `ReadBuf` with one over other memory; trusting its cursors then
    // would expose uninitialised bytes of `buf`.
    assert_eq!(
        read_buf.filled().as_ptr(),
        spare_ptr,
        "AsyncRead::poll_read replaced the ReadBuf it was given with another buffer"
    );
    let n = read_buf.filled().len();
    let now_init = read_buf.initialized().len();
    *spare_init = now_init - n;
    ready!(res)?;
    // SAFETY: the reader filled (so initialised) the first `n` bytes of the spare capacity,
    // which is the memory right after `len` (checked above), and `len + n <= capacity`.
    unsafe { buf.set_len(len + n) };
    Poll::Ready(Ok(n))
}
