//! `Pin::as_deref_mut` for the crate's minimum Rust version (it became stable in 1.84).

use std::ops::DerefMut;
use std::pin::Pin;

/// Turns `Pin<&mut Pin<P>>` into `Pin<&mut P::Target>`.
pub(crate) fn pin_as_deref_mut<P: DerefMut>(pin: Pin<&mut Pin<P>>) -> Pin<&mut P::Target> {
    // SAFETY: the inner `Pin<P>` is only borrowed, never moved out of, and `Pin::as_mut` keeps
    // its pointee pinned, so no pinned value can move through the returned reference.
    unsafe { pin.get_unchecked_mut() }.as_mut()
}
