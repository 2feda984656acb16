//! The page-cache fast path of a `File` on an io_uring runtime: one non-blocking system call
//! on the worker for data the kernel already holds, before anything is handed to the ring.

use super::{apply_seek, Inner};
use crate::io::ReadBuf;
use std::io;
use std::task::{ready, Context, Poll};

/// The read fast path (io_uring runtimes only, so that `disable_io_uring` really means the
/// blocking pool): reads what the page cache holds straight into `dst` with one
/// `preadv2(RWF_NOWAIT)` on this thread. After an absolute seek it reads at that offset and
/// keeps the seek deferred (moved past the bytes read) instead of calling `lseek`.
/// `Ready(None)`: not cached, or unsupported; use the ring.
pub(super) fn read_cached(
    std: &std::fs::File,
    inner: &mut Inner,
    cx: &mut Context<'_>,
    dst: &mut ReadBuf<'_>,
    len: usize,
) -> Poll<Option<io::Result<()>>> {
    if !fast_path(inner) {
        return Poll::Ready(None);
    }
    // One system call that never waits: spend budget as a read from a socket would.
    let mut coop = ready!(crate::runtime::coop::poll_proceed(cx));
    let res = crate::fs::nowait::read_nowait(std, dst.initialize_unfilled_to(len), inner.seek_to);
    Poll::Ready(match res {
        Ok(n) => {
            dst.advance(n);
            if let Some(at) = &mut inner.seek_to {
                *at += n as u64;
            }
            coop.made_progress();
            Some(Ok(()))
        }
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            inner.no_nowait = true;
            None
        }
        Err(e) => Some(Err(e)),
    })
}

/// Whether this `File` tries the page cache first (io_uring runtimes only).
pub(super) fn fast_path(inner: &Inner) -> bool {
    !inner.no_nowait && !inner.no_ring && crate::runtime::current::has_uring()
}

/// The write fast path, as [`read_cached`]: applies the pending seek (writes always go
/// through the cursor, which `O_APPEND` needs), then one `pwritev2(RWF_NOWAIT)`.
/// `None`: the seek is applied, the write must go to the ring.
pub(super) fn write_cached(
    std: &std::fs::File,
    inner: &mut Inner,
    src: &[u8],
    seek_to: Option<u64>,
    back: i64,
) -> Option<io::Result<usize>> {
    if let Err(e) = apply_seek(std, seek_to, back) {
        return Some(Err(e));
    }
    match crate::fs::nowait::write_nowait(std, src) {
        Ok(n) => Some(Ok(n)),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            inner.no_nowait = true;
            None
        }
        Err(e) => Some(Err(e)),
    }
}

/// io_uring does not handle this descriptor (no `read_iter`/`write_iter`): use the pool.
pub(super) fn is_unsupported<T>(res: &io::Result<T>) -> bool {
    matches!(res, Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::EOPNOTSUPP)))
}
