//! A `File` made from a raw or owned descriptor, as tokio's `File` can be.

use super::File;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

/// Takes ownership of the descriptor; the same as
/// `File::from_std(std::fs::File::from(fd))`.
///
/// ```
/// use std::os::fd::OwnedFd;
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let fd: OwnedFd = std::fs::File::open(".")?.into();
/// let f = weft::fs::File::from(fd);
/// assert!(f.metadata().await?.is_dir());
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
impl From<OwnedFd> for File {
    fn from(fd: OwnedFd) -> File {
        File::from_std(std::fs::File::from(fd))
    }
}

/// Takes ownership of a raw descriptor, under the contract of
/// [`std::fs::File::from_raw_fd`]: `fd` must be open and owned by nobody else.
///
/// ```
/// use std::os::fd::{FromRawFd, IntoRawFd};
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let raw = std::fs::File::open(".")?.into_raw_fd();
/// // SAFETY: `raw` was just released by its only owner.
/// let f = unsafe { weft::fs::File::from_raw_fd(raw) };
/// assert!(f.metadata().await?.is_dir());
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
impl FromRawFd for File {
    unsafe fn from_raw_fd(fd: RawFd) -> File {
        // SAFETY: the caller upholds `FromRawFd`'s contract (an open descriptor nobody else
        // owns), which is exactly what `std::fs::File::from_raw_fd` requires.
        File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
    }
}
