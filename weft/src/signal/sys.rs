//! The process-wide signal handler: it records which signal arrived and writes a byte into a
//! self-pipe whose read end the reactor watches. Everything here is async-signal-safe: atomic
//! stores and one `write(2)`.

use std::io;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Signal numbers are `1..NSIG` on Linux (`_NSIG` is 65, real-time signals included).
pub(crate) const NSIG: usize = 65;

/// Signals whose handler must stay the default one: catching them is either impossible
/// (`SIGKILL`, `SIGSTOP`) or unsound (the faults, which re-trigger on return).
const FORBIDDEN: [c_int; 5] = [
    libc::SIGKILL,
    libc::SIGSTOP,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGSEGV,
];

/// The pipe's write end, `-1` until the pipe exists.
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);
/// Set by the handler, taken by whoever drains the pipe.
static PENDING: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
/// The handler that was installed before ours, forwarded to so that another library's
/// handler keeps working: its `sa_sigaction` value and whether it wants `SA_SIGINFO`.
static PREVIOUS: [AtomicUsize; NSIG] = [const { AtomicUsize::new(0) }; NSIG];
static PREVIOUS_SIGINFO: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
/// Which signals have our handler; written under `INSTALL_LOCK`.
static INSTALLED: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
static INSTALL_LOCK: Mutex<()> = Mutex::new(());

/// Publishes the pipe's write end to the handler. Called once, before any handler exists.
pub(crate) fn set_write_fd(fd: c_int) {
    WRITE_FD.store(fd, Ordering::Release);
}

/// Whether `signum` arrived since the last call (and forgets it).
pub(crate) fn take_pending(signum: usize) -> bool {
    PENDING[signum].swap(false, Ordering::AcqRel)
}

/// Validates `signum`: in range and catchable.
pub(crate) fn check(signum: c_int) -> io::Result<usize> {
    if signum <= 0 || signum as usize >= NSIG || FORBIDDEN.contains(&signum) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to register signal {signum}: it is out of range or cannot be caught"),
        ));
    }
    Ok(signum as usize)
}

/// Installs the handler for `signum` (once; later calls do nothing). The default action of
/// the signal is gone for good after this, as with tokio.
pub(crate) fn install(signum: c_int) -> io::Result<()> {
    let index = check(signum)?;
    if INSTALLED[index].load(Ordering::Acquire) {
        return Ok(());
    }
    let _guard = INSTALL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if INSTALLED[index].load(Ordering::Acquire) {
        return Ok(());
    }
    // SAFETY: `sigaction` is plain old data; all-zero is a valid value (empty mask, no flags).
    let mut new: libc::sigaction = unsafe { std::mem::zeroed() };
    new.sa_sigaction = on_signal as *const () as usize;
    new.sa_flags = libc::SA_RESTART | libc::SA_SIGINFO;
    // SAFETY: `new.sa_mask` is a valid, writable sigset_t.
    unsafe { libc::sigemptyset(&mut new.sa_mask) };
    // SAFETY: as above, all-zero is a valid `sigaction` for the kernel to overwrite.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // Record the previous handler before ours can run: the handler reads `PREVIOUS`. A
    // signal landing between the two `sigaction` calls below sees our handler forward
    // to whatever was there, which is the behaviour it had anyway.
    // SAFETY: a null `act` only queries; `old` is valid for writes.
    if unsafe { libc::sigaction(signum, std::ptr::null(), &mut old) } != 0 {
        return Err(io::Error::last_os_error());
    }
    PREVIOUS[index].store(old.sa_sigaction, Ordering::Release);
    PREVIOUS_SIGINFO[index].store(old.sa_flags & libc::SA_SIGINFO != 0, Ordering::Release);
    // SAFETY: `new` is fully initialised and `on_signal` is async-signal-safe (atomics and
    // `write(2)` only); `old` is valid for writes.
    if unsafe { libc::sigaction(signum, &new, &mut old) } != 0 {
        return Err(io::Error::last_os_error());
    }
    INSTALLED[index].store(true, Ordering::Release);
    Ok(())
}

extern "C" fn on_signal(signum: c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: `__errno_location` returns this thread's errno slot; the handler must leave
    // errno as it found it, since it interrupts arbitrary code.
    let errno = unsafe { *libc::__errno_location() };
    if signum > 0 && (signum as usize) < NSIG {
        let index = signum as usize;
        PENDING[index].store(true, Ordering::Release);
        let fd = WRITE_FD.load(Ordering::Acquire);
        if fd >= 0 {
            let byte = 1u8;
            // SAFETY: `fd` is the pipe's write end, kept open for the life of the process;
            // `byte` is valid for a 1-byte read. A full pipe (EAGAIN) is fine: it is already
            // readable, and `PENDING` holds which signal arrived.
            unsafe { libc::write(fd, &byte as *const u8 as *const libc::c_void, 1) };
        }
        let previous = PREVIOUS[index].load(Ordering::Acquire);
        if previous != libc::SIG_DFL && previous != libc::SIG_IGN && previous != 0 {
            if PREVIOUS_SIGINFO[index].load(Ordering::Acquire) {
                // SAFETY: `previous` was installed with SA_SIGINFO, so it has this signature;
                // we forward the kernel's own arguments.
                let f: extern "C" fn(c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { std::mem::transmute(previous) };
                f(signum, info, context);
            } else {
                // SAFETY: without SA_SIGINFO a handler takes only the signal number.
                let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(previous) };
                f(signum);
            }
        }
    }
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}
