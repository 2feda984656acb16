//! The unsafe corner of `process`: `pidfd_open(2)` and [`Command::pre_exec`].

use super::Command;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;

/// A pidfd for `pid`: it becomes readable when the process exits. `Err` where the kernel
/// lacks `pidfd_open` (before Linux 5.3) or a seccomp filter forbids it; callers then fall
/// back to `SIGCHLD`.
#[cfg(target_os = "linux")]
pub(crate) fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    let pid = libc::pid_t::try_from(pid)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "pid out of range"))?;
    // SAFETY: pidfd_open takes a pid and flags by value and touches no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: on success the kernel returned a new descriptor that nobody else owns; it is
    // close-on-exec (pidfd_open always sets O_CLOEXEC).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) })
}

/// No pidfds off Linux: always the `SIGCHLD` fallback.
#[cfg(not(target_os = "linux"))]
pub(crate) fn pidfd_open(_pid: u32) -> io::Result<OwnedFd> {
    Err(io::ErrorKind::Unsupported.into())
}

impl Command {
    /// Schedules a closure to run in the child just before `exec`, after `fork` (std's
    /// [`CommandExt::pre_exec`]).
    ///
    /// # Safety
    /// The closure runs in a forked copy of a multi-threaded process: it may only call
    /// async-signal-safe functions (no allocation, no locks another thread may have held),
    /// and must not touch resources shared with the parent in ways that break them. See
    /// std's documentation for the full contract.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut cmd = weft::process::Command::new("true");
    /// // SAFETY: setsid is async-signal-safe and affects only the child.
    /// unsafe {
    ///     cmd.pre_exec(|| {
    ///         if libc::setsid() == -1 {
    ///             return Err(std::io::Error::last_os_error());
    ///         }
    ///         Ok(())
    ///     });
    /// }
    /// assert!(cmd.status().await?.success());
    /// # Ok(()) }
    /// ```
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract, which is std's.
        unsafe { self.std.pre_exec(f) };
        self
    }
}
