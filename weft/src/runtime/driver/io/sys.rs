//! The few raw system calls the reactor's users need and no dependency wraps.

use std::io;
use std::os::fd::RawFd;

/// `SO_PEERCRED` of a connected Unix socket: `(uid, gid, pid)`.
pub(crate) fn peer_cred(fd: RawFd) -> io::Result<(u32, u32, i32)> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes and `len` is the size of `cred`, as
    // getsockopt(SO_PEERCRED) requires; an invalid `fd` only makes the call fail.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((cred.uid, cred.gid, cred.pid))
}
