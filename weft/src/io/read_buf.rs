//! [`ReadBuf`]: a byte buffer that tracks which part is filled and which part is initialised.

use std::fmt;
use std::mem::MaybeUninit;

/// A wrapper around a byte buffer that is incrementally filled and initialised.
///
/// The buffer has three regions, each a prefix of the next:
///
/// ```text
/// [             capacity              ]
/// [ filled |         unfilled         ]
/// [    initialized    | uninitialized ]
/// ```
///
/// A reader writes into the unfilled part and then advances the filled cursor. Keeping track of
/// the initialised prefix lets a buffer be reused across reads without zeroing it again.
///
/// # Examples
///
/// ```
/// use weft::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"hello");
/// assert_eq!(buf.filled(), b"hello");
/// assert_eq!(buf.remaining(), 3);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// Creates a new `ReadBuf` from a fully initialised buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let buf = weft::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.capacity(), 4);
    /// assert_eq!(buf.initialized().len(), 4);
    /// ```
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        ReadBuf {
            buf: slice_to_uninit_mut(buf),
            filled: 0,
            initialized,
        }
    }

    /// Creates a new `ReadBuf` from a buffer that may be uninitialised.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let buf = weft::io::ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.capacity(), 4);
    /// assert!(buf.initialized().is_empty());
    /// ```
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// Returns the total capacity of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 16];
    /// assert_eq!(weft::io::ReadBuf::new(&mut storage).capacity(), 16);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Returns the filled part of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 16];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// assert_eq!(buf.filled(), b"ab");
    /// ```
    #[inline]
    pub fn filled(&self) -> &[u8] {
        let slice = &self.buf[..self.filled];
        // SAFETY: `filled <= initialized`, so every byte of this prefix has been initialised.
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the filled part of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 16];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// buf.filled_mut()[0] = b'x';
    /// assert_eq!(buf.filled(), b"xb");
    /// ```
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.filled];
        // SAFETY: `filled <= initialized`, so every byte of this prefix has been initialised.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a new `ReadBuf` over the first `n` bytes of the unfilled part of this one.
    ///
    /// The new buffer starts empty; what is read into it is not reflected in `self`'s cursors
    /// (callers advance `self` by the amount filled).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 16];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// let sub = buf.take(4);
    /// assert_eq!(sub.capacity(), 4);
    /// assert!(sub.filled().is_empty());
    /// ```
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = std::cmp::min(self.remaining(), n);
        let initialized = self.initialized - self.filled;
        let buf = &mut self.buf[self.filled..self.filled + max];
        let mut sub = ReadBuf::uninit(buf);
        sub.initialized = std::cmp::min(initialized, max);
        sub
    }

    /// Returns the initialised part of the buffer (it includes the filled part).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [7u8; 3];
    /// let buf = weft::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialized(), &[7, 7, 7]);
    /// ```
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        let slice = &self.buf[..self.initialized];
        // SAFETY: the first `initialized` bytes have been initialised (type invariant).
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the initialised part of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 3];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.initialized_mut()[2] = 9;
    /// assert_eq!(buf.initialized(), &[0, 0, 9]);
    /// ```
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.initialized];
        // SAFETY: the first `initialized` bytes have been initialised (type invariant).
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a mutable reference to the whole buffer, including its uninitialised part.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialise any byte that has been initialised (for example by
    /// writing `MaybeUninit::uninit()` into it).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 3];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// // SAFETY: only initialised bytes are written.
    /// let inner = unsafe { buf.inner_mut() };
    /// assert_eq!(inner.len(), 3);
    /// ```
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// Returns a mutable reference to the unfilled part, which may be uninitialised.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialise any byte that has been initialised.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 3];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.advance(1);
    /// // SAFETY: nothing is written.
    /// assert_eq!(unsafe { buf.unfilled_mut() }.len(), 2);
    /// ```
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Returns the unfilled part, initialising (zeroing) it first if needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.initialize_unfilled(), &[0, 0, 0, 0]);
    /// ```
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// Returns the first `n` bytes of the unfilled part, initialising (zeroing) them first if
    /// needed.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialize_unfilled_to(2).len(), 2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(
            self.remaining() >= n,
            "ReadBuf::initialize_unfilled_to: n ({n}) exceeds the remaining capacity ({})",
            self.remaining()
        );
        let end = self.filled + n;
        if self.initialized < end {
            let uninit = &mut self.buf[self.initialized..end];
            // SAFETY: `uninit` is an in-bounds slice of `MaybeUninit<u8>`, for which any bytes
            // (here zeroes) are valid.
            unsafe { std::ptr::write_bytes(uninit.as_mut_ptr(), 0, uninit.len()) };
            self.initialized = end;
        }
        let slice = &mut self.buf[self.filled..end];
        // SAFETY: the bytes up to `end <= initialized` were initialised above or before.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns the number of bytes at the end of the buffer that have not been filled yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.advance(3);
    /// assert_eq!(buf.remaining(), 1);
    /// ```
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Clears the buffer, resetting the filled part to empty (the initialised part is kept).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// buf.clear();
    /// assert!(buf.filled().is_empty());
    /// assert_eq!(buf.initialized().len(), 4);
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Advances the filled cursor by `n` bytes.
    ///
    /// If the filled part grows past the initialised part, the initialised part grows with it.
    ///
    /// # Panics
    ///
    /// Panics if the filled part would grow past the initialised part (the bytes in between
    /// would be read uninitialised), or on overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.initialize_unfilled()[..2].copy_from_slice(b"hi");
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"hi");
    /// ```
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let new = self
            .filled
            .checked_add(n)
            .expect("ReadBuf::advance: filled length overflows usize");
        self.set_filled(new);
    }

    /// Sets the size of the filled part of the buffer.
    ///
    /// Shrinking keeps the initialised part; growing requires the new filled part to be
    /// initialised already.
    ///
    /// # Panics
    ///
    /// Panics if `n` is greater than the initialised part.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.set_filled(3);
    /// assert_eq!(buf.filled().len(), 3);
    /// buf.set_filled(1);
    /// assert_eq!(buf.filled().len(), 1);
    /// ```
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "ReadBuf::set_filled: filled ({n}) must not exceed the initialised part ({})",
            self.initialized
        );
        self.filled = n;
    }

    /// Asserts that the first `n` unfilled bytes are initialised.
    ///
    /// `ReadBuf` assumes the bytes are never de-initialised, so this never shrinks the
    /// initialised part.
    ///
    /// # Safety
    ///
    /// The caller must have initialised the `n` bytes after the filled part.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// // SAFETY: the two bytes are written right before they are declared initialised.
    /// unsafe {
    ///     buf.unfilled_mut()[0].write(1);
    ///     buf.unfilled_mut()[1].write(2);
    ///     buf.assume_init(2);
    /// }
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), &[1, 2]);
    /// ```
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        let new = self.filled + n;
        if new > self.initialized {
            self.initialized = new;
        }
    }

    /// Appends data to the buffer, advancing the filled and initialised cursors.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `buf.len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// buf.put_slice(b"cd");
    /// assert_eq!(buf.filled(), b"abcd");
    /// ```
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            self.remaining() >= buf.len(),
            "ReadBuf::put_slice: buf.len() ({}) exceeds the remaining capacity ({})",
            buf.len(),
            self.remaining()
        );
        let end = self.filled + buf.len();
        // SAFETY: `filled + buf.len() <= capacity` (asserted above), so the destination is in
        // bounds of `self.buf`; `buf` is a shared slice and cannot overlap our exclusive one.
        unsafe {
            let dst = self.buf.as_mut_ptr().add(self.filled) as *mut u8;
            std::ptr::copy_nonoverlapping(buf.as_ptr(), dst, buf.len());
        }
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

impl ReadBuf<'_> {
    /// Lets `f` fill a sub-buffer over the first `max` unfilled bytes (see [`take`](Self::take)),
    /// then advances `self` by what `f` filled and keeps what it initialised.
    ///
    /// Adapters that cap a read (`Take`, `Chain`…) use it to pass part of their buffer down.
    ///
    /// # Panics
    ///
    /// Panics if `f` replaced the sub-buffer with one over other memory.
    pub(crate) fn with_sub_buf<T>(
        &mut self,
        max: usize,
        f: impl FnOnce(&mut ReadBuf<'_>) -> T,
    ) -> T {
        let mut sub = self.take(max);
        let ptr = sub.filled().as_ptr();
        let out = f(&mut sub);
        assert_eq!(
            ptr,
            sub.filled().as_ptr(),
            "AsyncRead::poll_read replaced the ReadBuf it was given with another buffer"
        );
        let filled = sub.filled().len();
        let init = sub.initialized().len();
        // SAFETY: `sub` covers the memory right after `self`'s filled part (its start pointer is
        // unchanged), and its first `init` bytes are initialised.
        unsafe { self.assume_init(init) };
        self.advance(filled);
        out
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

fn slice_to_uninit_mut(slice: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has the same layout as `u8`, and `ReadBuf` never writes an
    // uninitialised value into a byte that was initialised (the `inner_mut`/`unfilled_mut`
    // contracts forbid callers to), so the original `&mut [u8]` stays valid afterwards.
    unsafe { &mut *(slice as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

/// # Safety
///
/// Every byte of `slice` must be initialised.
unsafe fn slice_assume_init(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: same layout, and the caller promises every byte is initialised.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// # Safety
///
/// Every byte of `slice` must be initialised.
unsafe fn slice_assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: same layout, and the caller promises every byte is initialised.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_limits_and_keeps_init() {
        let mut storage = [0u8; 8];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"abc");
        let mut sub = buf.take(100);
        assert_eq!(sub.capacity(), 5);
        assert_eq!(sub.initialized().len(), 5);
        sub.put_slice(b"de");
        let n = sub.filled().len();
        buf.advance(n);
        assert_eq!(buf.filled(), b"abcde");
    }

    #[test]
    fn uninit_grows_initialized() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert_eq!(buf.initialize_unfilled_to(3), &[0, 0, 0]);
        assert_eq!(buf.initialized().len(), 3);
        buf.advance(2);
        buf.clear();
        assert_eq!(buf.initialized().len(), 3);
    }

    #[test]
    #[should_panic(expected = "set_filled")]
    fn advance_past_init_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.advance(1);
    }
}
