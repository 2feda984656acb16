//! Unix signals: [`signal`] returns a [`Signal`] that yields once per (coalesced) delivery
//! of one [`SignalKind`].

use super::registry::Listener;
use std::fmt;
use std::io;
use std::os::raw::c_int;
use std::task::{Context, Poll};

/// A kind of Unix signal to listen for.
///
/// ```
/// use weft::signal::unix::SignalKind;
/// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
/// assert_eq!(SignalKind::from_raw(libc::SIGHUP), SignalKind::hangup());
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Any signal by number, for platform-specific signals (real-time signals included).
    ///
    /// ```
    /// use weft::signal::unix::SignalKind;
    /// let kind = SignalKind::from_raw(libc::SIGRTMIN());
    /// assert_eq!(kind.as_raw_value(), libc::SIGRTMIN());
    /// ```
    pub const fn from_raw(signum: c_int) -> Self {
        Self(signum)
    }

    /// The signal's number.
    ///
    /// ```
    /// use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired. Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    /// ```
    pub const fn alarm() -> Self {
        Self(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process changed state. Ignored by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::child().as_raw_value(), libc::SIGCHLD);
    /// ```
    pub const fn child() -> Self {
        Self(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal disconnected. Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn hangup() -> Self {
        Self(libc::SIGHUP)
    }

    /// `SIGINFO`: a status request (BSDs, macOS, illumos). Ignored by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::info().as_raw_value(), libc::SIGINFO);
    /// ```
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> Self {
        Self(libc::SIGINFO)
    }

    /// `SIGINT`: interrupt (ctrl-c). Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn interrupt() -> Self {
        Self(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a file descriptor. Ignored by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::io().as_raw_value(), libc::SIGIO);
    /// ```
    pub const fn io() -> Self {
        Self(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe without a reader. Terminates the process by default
    /// (Rust programs start with it ignored).
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    /// ```
    pub const fn pipe() -> Self {
        Self(libc::SIGPIPE)
    }

    /// `SIGQUIT`: quit, with a core dump by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn quit() -> Self {
        Self(libc::SIGQUIT)
    }

    /// `SIGTERM`: a request to shut down. Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn terminate() -> Self {
        Self(libc::SIGTERM)
    }

    /// `SIGUSR1`: user defined. Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::user_defined1().as_raw_value(), libc::SIGUSR1);
    /// ```
    pub const fn user_defined1() -> Self {
        Self(libc::SIGUSR1)
    }

    /// `SIGUSR2`: user defined. Terminates the process by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::user_defined2().as_raw_value(), libc::SIGUSR2);
    /// ```
    pub const fn user_defined2() -> Self {
        Self(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size. Ignored by default.
    ///
    /// ```
    /// assert_eq!(weft::signal::unix::SignalKind::window_change().as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn window_change() -> Self {
        Self(libc::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> Self {
        Self::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> Self {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal, created by [`signal`].
///
/// Every `Signal` for a kind sees every delivery of it. Deliveries that arrive before the
/// listener polls again are coalesced into one notification (the kernel coalesces too), so
/// count events, not signals. A delivery that arrives any time after [`signal`] returned is
/// reported by the next [`recv`](Signal::recv), even if no `recv` was running.
///
/// ```no_run
/// use weft::signal::unix::{signal, SignalKind};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let mut hangups = signal(SignalKind::hangup())?;
/// while hangups.recv().await.is_some() {
///     println!("reloading configuration");
/// }
/// # Ok(()) }
/// ```
#[must_use = "signals are only seen by polling `recv`"]
pub struct Signal {
    listener: Listener,
}

/// Starts listening for `kind`.
///
/// The first call for a kind installs a process-wide handler that stays for the life of
/// the process: from then on the signal's default action (often: terminate) no longer
/// happens, even after every `Signal` is dropped. A handler that was installed before
/// (by another library) is still called.
///
/// # Errors
/// `InvalidInput` for a signal that cannot or must not be caught (`SIGKILL`, `SIGSTOP`,
/// `SIGILL`, `SIGFPE`, `SIGSEGV`) or a number out of range; the OS error if installing the
/// handler or creating the self-pipe fails.
///
/// # Panics
/// Outside a weft runtime with I/O enabled.
///
/// ```
/// use weft::signal::unix::{signal, SignalKind};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let mut usr1 = signal(SignalKind::user_defined1())?;
/// // SAFETY: kill(2) has no memory-safety preconditions.
/// unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
/// assert_eq!(usr1.recv().await, Some(()));
///
/// let err = signal(SignalKind::from_raw(libc::SIGKILL)).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok(()) }
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    Ok(Signal {
        listener: Listener::new(kind.0)?,
    })
}

impl Signal {
    /// Waits for the next delivery of the signal.
    ///
    /// Returns `Some(())` per (coalesced) delivery. Unlike tokio, where it never returns
    /// `None`, it returns `None` once the runtime the `Signal` was created in has shut down,
    /// since no delivery can be reported any more.
    ///
    /// # Cancel safety
    /// Cancel safe: if `recv` loses a `select!`, no delivery is lost; the next `recv`
    /// reports it.
    ///
    /// ```
    /// use weft::signal::unix::{signal, SignalKind};
    ///
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut usr2 = signal(SignalKind::user_defined2())?;
    /// // SAFETY: kill(2) has no memory-safety preconditions.
    /// unsafe { libc::kill(libc::getpid(), libc::SIGUSR2) };
    /// usr2.recv().await;
    /// # Ok(()) }
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery: `Ready(Some(()))` if the signal arrived since the last
    /// `Ready`, `Pending` (and the waker is woken on the next delivery) otherwise,
    /// `Ready(None)` once the runtime has shut down.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll};
    /// use weft::signal::unix::Signal;
    ///
    /// struct NextSignal<'a>(&'a mut Signal);
    ///
    /// impl Future for NextSignal<'_> {
    ///     type Output = Option<()>;
    ///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
    ///         self.0.poll_recv(cx)
    ///     }
    /// }
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut sig = weft::signal::unix::signal(weft::signal::unix::SignalKind::user_defined1())?;
    /// // SAFETY: kill(2) has no memory-safety preconditions.
    /// unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
    /// assert_eq!(NextSignal(&mut sig).await, Some(()));
    /// # Ok(()) }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.listener.poll_recv(cx)
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal").finish_non_exhaustive()
    }
}
