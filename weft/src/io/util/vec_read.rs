//! Reading into the spare capacity of a `Vec<u8>` without zeroing it on every read.

use crate::io::{AsyncRead, ReadBuf};
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The smallest spare capacity offered to a reader: a vector with less room grows by at least
/// this much, or (see `VecRead::probe`) is first probed with a read of this size.
const NUM_BYTES: usize = 32;

/// What a sequence of reads into one vector remembers between calls.
#[derive(Debug)]
pub(crate) struct VecRead {
    /// The bytes after `buf.len()` that earlier calls left initialised, so a reader that
    /// initialises its whole buffer (through `ReadBuf::initialize_unfilled`) does not zero the
    /// same memory again on every call. Reset whenever the vector grows.
    spare_init: usize,
    /// The vector's capacity when the reads began.
    start_cap: usize,
}

impl VecRead {
    /// For reads into a vector that now has `capacity`.
    pub(crate) fn new(capacity: usize) -> VecRead {
        VecRead {
            spare_init: 0,
            start_cap: capacity,
        }
    }

    /// Whether to read into a small stack buffer before growing the vector, as tokio does: a
    /// vector still at the capacity it came with and nearly full may well be exactly the size
    /// of what is left, and growing it (doubling) just to read end of file would waste that.
    fn probe(&self, buf: &Vec<u8>) -> bool {
        buf.capacity() - buf.len() < NUM_BYTES
            && buf.capacity() == self.start_cap
            && self.start_cap >= NUM_BYTES
    }
}

/// Reads once from `reader` into the spare capacity of `buf`, growing `buf` first if it has
/// less than `NUM_BYTES` of room, and returns how many bytes were appended.
pub(crate) fn poll_read_to_vec<R: AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    state: &mut VecRead,
) -> Poll<io::Result<usize>> {
    if state.probe(buf) {
        let mut small = [MaybeUninit::<u8>::uninit(); NUM_BYTES];
        let mut small_buf = ReadBuf::uninit(&mut small);
        ready!(reader.poll_read(cx, &mut small_buf))?;
        let got = small_buf.filled();
        if got.len() > buf.capacity() - buf.len() {
            buf.reserve(NUM_BYTES);
            state.spare_init = 0;
        } else {
            state.spare_init = state.spare_init.saturating_sub(got.len());
        }
        buf.extend_from_slice(got);
        return Poll::Ready(Ok(got.len()));
    }
    if buf.capacity() - buf.len() < NUM_BYTES {
        buf.reserve(NUM_BYTES);
        // A reallocation does not promise to preserve the bytes past `len`.
        state.spare_init = 0;
    }
    let spare_init = &mut state.spare_init;
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
