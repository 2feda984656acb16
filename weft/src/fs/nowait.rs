//! System calls that never wait for a disk: the fast paths a `File` (and `fs::read`) take on
//! an io_uring runtime before handing work to the ring or the blocking pool. Each answers
//! `WouldBlock` when the data or the path is not in the kernel's caches, and `Unsupported`
//! where the kernel lacks the feature.

use std::ffi::CString;
use std::fs::File as StdFile;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, FromRawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The page-cache fast path in front of the ring: `preadv2(RWF_NOWAIT)` reads what is cached
/// straight into the caller's buffer, on the calling thread, in one system call, and fails
/// with `WouldBlock` instead of waiting for a disk. At `offset`, or at the cursor (moving it)
/// when `None`. `Unsupported` where the kernel or file system lacks `RWF_NOWAIT`.
pub(crate) fn read_nowait(
    file: &StdFile,
    buf: &mut [u8],
    offset: Option<u64>,
) -> io::Result<usize> {
    let iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let offset = offset.map_or(-1, |o| o as libc::off_t);
    let n = loop {
        // SAFETY: `iov` describes `buf`, which is valid for writes of `buf.len()` bytes for
        // the whole call; the call is synchronous and keeps no reference after it returns.
        let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, offset, libc::RWF_NOWAIT) };
        if n >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            break n;
        }
    };
    nowait_result(n)
}

/// `pwritev2(RWF_NOWAIT)` at the cursor: the write fast path, as [`read_nowait`].
pub(crate) fn write_nowait(file: &StdFile, buf: &[u8]) -> io::Result<usize> {
    let iov = libc::iovec {
        iov_base: buf.as_ptr().cast_mut().cast(),
        iov_len: buf.len(),
    };
    let n = loop {
        // SAFETY: `iov` describes `buf`, valid for reads of `buf.len()` bytes for the whole
        // call (the kernel only reads through it); the call keeps no reference after it
        // returns.
        let n = unsafe { libc::pwritev2(file.as_raw_fd(), &iov, 1, -1, libc::RWF_NOWAIT) };
        if n >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            break n;
        }
    };
    nowait_result(n)
}

fn nowait_result(n: isize) -> io::Result<usize> {
    if n >= 0 {
        return Ok(n as usize);
    }
    let e = io::Error::last_os_error();
    Err(match e.raw_os_error() {
        Some(libc::EOPNOTSUPP | libc::ENOSYS) => io::Error::new(
            io::ErrorKind::Unsupported,
            "RWF_NOWAIT is not supported for this file",
        ),
        _ => e,
    })
}

/// The kernel's `struct open_how` (openat2(2)); libc's is non-exhaustive.
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// `openat2` with `RESOLVE_CACHED` failed with ENOSYS/EINVAL once (a kernel before 5.12):
/// stop trying.
static NO_CACHED_OPEN: AtomicBool = AtomicBool::new(false);

/// Opens `path` on the calling thread if the kernel can resolve it from its caches alone
/// (`openat2(RESOLVE_CACHED)`, Linux 5.12+) and it is a regular file or a directory; `None`
/// otherwise (nothing cached, an error, a FIFO or device, which might block on open or read),
/// and the caller opens it on the blocking pool, which also gives the authoritative error.
/// `flags` are the access mode and `O_APPEND`; creating or truncating is never done here.
/// Returns the file and its metadata.
pub(crate) fn open_cached(path: &Path, flags: libc::c_int) -> Option<(StdFile, std::fs::Metadata)> {
    if NO_CACHED_OPEN.load(Ordering::Relaxed) {
        return None;
    }
    let path = CString::new(path.as_os_str().as_bytes()).ok()?;
    // O_NONBLOCK: even a FIFO or a device (refused below) must not block the open itself.
    let how = OpenHow {
        flags: (flags | libc::O_CLOEXEC | libc::O_NONBLOCK) as u64,
        mode: 0,
        resolve: libc::RESOLVE_CACHED,
    };
    // SAFETY: `path` is a NUL-terminated string and `how` a valid `open_how` whose size is
    // passed with it; both outlive the call, which keeps no reference to them.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            path.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if fd < 0 {
        if matches!(
            io::Error::last_os_error().raw_os_error(),
            Some(libc::ENOSYS | libc::EINVAL)
        ) {
            NO_CACHED_OPEN.store(true, Ordering::Relaxed);
        }
        return None;
    }
    // SAFETY: `fd` was just returned by openat2 and is owned by nothing else.
    let file = unsafe { StdFile::from_raw_fd(fd as libc::c_int) };
    let meta = file.metadata().ok()?;
    if !(meta.is_file() || meta.is_dir()) {
        return None;
    }
    // Regular files ignore O_NONBLOCK, but it would show in `fcntl(F_GETFL)`: take it off so
    // the descriptor is exactly what std would have opened.
    // SAFETY: F_SETFL on a descriptor we own, with flags from F_GETFL; no memory is passed.
    let ok = unsafe {
        let fl = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        fl >= 0 && libc::fcntl(file.as_raw_fd(), libc::F_SETFL, fl & !libc::O_NONBLOCK) == 0
    };
    ok.then_some((file, meta))
}
