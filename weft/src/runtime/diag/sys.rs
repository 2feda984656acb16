//! The detector's system calls: thread ids, the register-capture signal, `dladdr`.
//!
//! How a running thread's backtrace is captured without unwinding in a signal handler: the
//! monitor sends the stalled thread [`capture_signal`] with `tgkill`; the handler (below) only
//! stores the interrupted stack and instruction pointers into two atomics, sets a flag, and
//! then spins on another atomic (bounded) until the monitor says it has copied the stack. The
//! handler calls nothing but `gettid` and atomic operations, all async-signal-safe. While it
//! waits, the interrupted frames above the saved stack pointer cannot change, so the monitor
//! reads a consistent copy of them through `/proc/self/mem` (a read by the kernel: no unsafe
//! memory access, even if the guess at the stack's extent were wrong) and does the scanning
//! and symbolising on its own thread. A thread blocked in a system call is never signalled
//! (that would make the call fail with `EINTR` in code that may not expect it): the kernel
//! reports its stack and instruction pointers in `/proc/self/task/TID/syscall`.

use crate::runtime::driver::clock::system_now;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicU8, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// The calling thread's OS id.
pub(crate) fn gettid() -> i32 {
    // SAFETY: `gettid` takes no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as i32 }
}

/// Flag states of the one capture in flight.
const IDLE: u8 = 0;
const REQUESTED: u8 = 1;
const CAPTURED: u8 = 2;
const RELEASED: u8 = 3;

static TARGET: AtomicI32 = AtomicI32::new(0);
static STATE: AtomicU8 = AtomicU8::new(IDLE);
static SP: AtomicU64 = AtomicU64::new(0);
static PC: AtomicU64 = AtomicU64::new(0);
/// Serialises captures between monitors of different runtimes.
static CAPTURE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The real-time signal the detector uses: `SIGRTMAX - 3` (glibc reserves the lowest ones;
/// weft's `signal` module is for the user's signals and does not touch real-time ones).
pub(crate) fn capture_signal() -> i32 {
    libc::SIGRTMAX() - 3
}

/// Installs the capture handler once; false if another handler was already there (then we
/// leave it alone and capture no running thread).
fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        let sig = capture_signal();
        // SAFETY: zeroed `sigaction` is a valid "no handler" value to read the old one into.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: querying the current disposition; `old` is a valid out-pointer.
        if unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } != 0
            || old.sa_sigaction != libc::SIG_DFL
        {
            return false;
        }
        // SAFETY: as above.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = handler as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        // SAFETY: `sa.sa_mask` is a valid set to empty.
        unsafe { libc::sigemptyset(&mut sa.sa_mask) };
        // SAFETY: installs a handler that only does async-signal-safe work (see the module
        // docs); `sa` is fully initialised.
        unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) == 0 }
    })
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
extern "C" fn handler(_sig: i32, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    if TARGET.load(Ordering::Acquire) != gettid() || STATE.load(Ordering::Acquire) != REQUESTED {
        return;
    }
    // SAFETY: with SA_SIGINFO the kernel passes the interrupted context as the third
    // argument, a valid `ucontext_t` for the duration of the handler.
    let uc = unsafe { &*(ctx as *const libc::ucontext_t) };
    SP.store(
        uc.uc_mcontext.gregs[libc::REG_RSP as usize] as u64,
        Ordering::Relaxed,
    );
    PC.store(
        uc.uc_mcontext.gregs[libc::REG_RIP as usize] as u64,
        Ordering::Relaxed,
    );
    STATE.store(CAPTURED, Ordering::Release);
    // Hold the interrupted frames still while the monitor copies them: at most ~50 ms
    // (counted in spins: the handler reads no clock).
    for _ in 0..50_000_000u64 {
        if STATE.load(Ordering::Acquire) == RELEASED {
            break;
        }
        std::hint::spin_loop();
    }
    STATE.store(IDLE, Ordering::Release);
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
extern "C" fn handler(_sig: i32, _info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {}

/// Interrupts thread `tid` (of this process), and while it is held in the handler calls
/// `copy(sp, pc)`. None if the handler could not be installed or did not answer in time.
pub(crate) fn with_interrupted<R>(tid: i32, copy: impl FnOnce(u64, u64) -> R) -> Option<R> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) || !install() {
        return None;
    }
    let _one = CAPTURE.lock().unwrap_or_else(|e| e.into_inner());
    // A handler from a timed-out capture may still be finishing.
    let start = system_now();
    while STATE.load(Ordering::Acquire) != IDLE {
        if system_now().saturating_duration_since(start) > Duration::from_millis(100) {
            return None;
        }
        std::thread::yield_now();
    }
    TARGET.store(tid, Ordering::Release);
    STATE.store(REQUESTED, Ordering::Release);
    // SAFETY: plain system call; a wrong tid only fails with ESRCH.
    let rc = unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), tid, capture_signal()) };
    if rc != 0 {
        STATE.store(IDLE, Ordering::Release);
        return None;
    }
    let start = system_now();
    while STATE.load(Ordering::Acquire) != CAPTURED {
        if system_now().saturating_duration_since(start) > Duration::from_millis(20) {
            // The thread did not run the handler in time (descheduled, or signals blocked);
            // withdraw the request so a late handler returns at once.
            if STATE
                .compare_exchange(REQUESTED, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return None;
            }
        }
        std::hint::spin_loop();
    }
    let out = copy(SP.load(Ordering::Relaxed), PC.load(Ordering::Relaxed));
    STATE.store(RELEASED, Ordering::Release);
    Some(out)
}

/// The dynamic symbol containing `addr` and its start, for code outside the executable
/// (libc, other shared objects).
pub(crate) fn dladdr(addr: u64) -> Option<(String, u64)> {
    // SAFETY: zeroed `Dl_info` is a valid out-parameter.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: `dladdr` only looks the address up in the loader's tables; it never reads
    // through it.
    let ok = unsafe { libc::dladdr(addr as *const libc::c_void, &mut info) };
    if ok == 0 || info.dli_sname.is_null() {
        return None;
    }
    // SAFETY: a non-null `dli_sname` is a NUL-terminated string owned by the loader, valid
    // while the object stays loaded (we copy it at once).
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_sname) }
        .to_string_lossy()
        .into_owned();
    Some((name, info.dli_saddr as u64))
}
