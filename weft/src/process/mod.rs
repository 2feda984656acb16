//! Asynchronous child processes.
//!
//! [`Command`] mirrors [`std::process::Command`]; [`Command::spawn`] returns a [`Child`]
//! whose [`wait`](Child::wait) is a future, with its piped stdio as async I/O
//! ([`ChildStdin`], [`ChildStdout`], [`ChildStderr`]).
//!
//! Reaping: on Linux each child is watched through a pidfd registered with the reactor, so
//! its exit wakes exactly the task waiting for it; where `pidfd_open` is unavailable (old
//! kernels, seccomp) `SIGCHLD` is used instead. A [`Child`] dropped before it was reaped
//! keeps running (unless [`kill_on_drop`](Command::kill_on_drop) was set) and is reaped in
//! the background once it exits, so no zombie is left behind.
//!
//! ```
//! use weft::process::Command;
//!
//! # #[weft::main] async fn main() -> std::io::Result<()> {
//! let output = Command::new("echo").arg("hello").output().await?;
//! assert!(output.status.success());
//! assert_eq!(output.stdout, b"hello\n");
//! # Ok(()) }
//! ```

mod reap;
mod stdio;
#[allow(unsafe_code)]
mod unix;

pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

use crate::io::AsyncRead;
use reap::Reaper;
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};

/// A builder for a child process, like [`std::process::Command`] (which it wraps), whose
/// [`spawn`](Command::spawn), [`status`](Command::status) and [`output`](Command::output)
/// are asynchronous.
///
/// ```
/// use weft::process::Command;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let status = Command::new("sh").args(["-c", "exit 3"]).status().await?;
/// assert_eq!(status.code(), Some(3));
/// # Ok(()) }
/// ```
pub struct Command {
    std: std::process::Command,
    kill_on_drop: bool,
}

impl Command {
    /// A command that runs `program` (looked up in `PATH` if it has no `/`), with no
    /// arguments, the parent's environment and working directory, and stdio inherited
    /// for `spawn`/`status` (`output` captures stdout and stderr).
    ///
    /// ```
    /// let cmd = weft::process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_program(), "ls");
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// The wrapped std command.
    ///
    /// ```
    /// let mut cmd = weft::process::Command::new("ls");
    /// cmd.arg("-l");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["-l"]);
    /// ```
    pub fn as_std(&self) -> &std::process::Command {
        &self.std
    }

    /// The wrapped std command, mutably (for options weft does not mirror).
    ///
    /// ```
    /// let mut cmd = weft::process::Command::new("ls");
    /// cmd.as_std_mut().arg("-a");
    /// assert_eq!(cmd.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    /// Unwraps the std command (dropping the `kill_on_drop` setting, which std lacks).
    ///
    /// ```
    /// let std_cmd: std::process::Command = weft::process::Command::new("ls").into_std();
    /// assert_eq!(std_cmd.get_program(), "ls");
    /// ```
    pub fn into_std(self) -> std::process::Command {
        self.std
    }

    /// Adds one argument (passed as is: no shell quoting or splitting).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("echo").arg("a b").output().await?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # Ok(()) }
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds several arguments.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("echo").args(["a", "b"]).output().await?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # Ok(()) }
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("sh")
    ///     .args(["-c", "echo $GREETING"])
    ///     .env("GREETING", "hi")
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"hi\n");
    /// # Ok(()) }
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("sh")
    ///     .args(["-c", "echo $A$B"])
    ///     .envs([("A", "1"), ("B", "2")])
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"12\n");
    /// # Ok(()) }
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes a variable from the child's environment.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("sh")
    ///     .args(["-c", "echo ${HOME:-unset}"])
    ///     .env_remove("HOME")
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"unset\n");
    /// # Ok(()) }
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what `env`/`envs` add).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("/usr/bin/env").env_clear().env("ONLY", "1").output().await?;
    /// assert_eq!(out.stdout, b"ONLY=1\n");
    /// # Ok(()) }
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("pwd").current_dir("/").output().await?;
    /// assert_eq!(out.stdout, b"/\n");
    /// # Ok(()) }
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Configures the child's stdin ([`Stdio::piped`] gives [`Child::stdin`]).
    ///
    /// ```
    /// use std::process::Stdio;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let status = weft::process::Command::new("cat").stdin(Stdio::null()).status().await?;
    /// assert!(status.success());
    /// # Ok(()) }
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Configures the child's stdout ([`Stdio::piped`] gives [`Child::stdout`]).
    ///
    /// ```
    /// use std::process::Stdio;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let child = weft::process::Command::new("echo").stdout(Stdio::piped()).spawn()?;
    /// let out = child.wait_with_output().await?;
    /// assert_eq!(out.stdout, b"\n");
    /// # Ok(()) }
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Configures the child's stderr ([`Stdio::piped`] gives [`Child::stderr`]).
    ///
    /// ```
    /// use std::process::Stdio;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let status = weft::process::Command::new("ls").arg("/nonexistent").stderr(Stdio::null()).status().await?;
    /// assert!(!status.success());
    /// # Ok(()) }
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] (or the `status`/`output` future) before the child
    /// exited sends it `SIGKILL`. Off by default, as in std: a dropped child keeps running
    /// (and is still reaped when it exits).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let child = weft::process::Command::new("sleep").arg("1000").kill_on_drop(true).spawn()?;
    /// drop(child); // `sleep` is killed and reaped in the background
    /// # Ok(()) }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// What [`kill_on_drop`](Command::kill_on_drop) was set to (`false` by default).
    ///
    /// ```
    /// let mut cmd = weft::process::Command::new("true");
    /// assert!(!cmd.get_kill_on_drop());
    /// cmd.kill_on_drop(true);
    /// assert!(cmd.get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Runs the child as user `id` (`setuid`; needs the privilege to).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// // SAFETY: getuid has no preconditions.
    /// let me = unsafe { libc::getuid() };
    /// let out = weft::process::Command::new("id").arg("-u").uid(me).output().await?;
    /// assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), me.to_string());
    /// # Ok(()) }
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// Runs the child with group `id` (`setgid`; needs the privilege to).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// // SAFETY: getgid has no preconditions.
    /// let group = unsafe { libc::getgid() };
    /// let out = weft::process::Command::new("id").arg("-g").gid(group).output().await?;
    /// assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), group.to_string());
    /// # Ok(()) }
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// Sets the child's `argv[0]` (what it sees as its own name).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("sh").arg0("renamed").args(["-c", "echo $0"]).output().await?;
    /// assert_eq!(out.stdout, b"renamed\n");
    /// # Ok(()) }
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Puts the child in process group `pgroup` (`0`: a new group whose id is the child's
    /// pid), e.g. so that a terminal's ctrl-c does not reach it.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("true").process_group(0).spawn()?;
    /// assert!(child.wait().await?.success());
    /// # Ok(()) }
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Starts the child and returns a handle to it. Piped stdio is registered with the
    /// current runtime's reactor.
    ///
    /// The child keeps running if the [`Child`] is dropped (unless
    /// [`kill_on_drop`](Command::kill_on_drop)); it is reaped in the background either way.
    ///
    /// # Errors
    /// Whatever std's `spawn` reports: `NotFound` for a missing program,
    /// `PermissionDenied` for one that is not executable, `WouldBlock` when the process
    /// limit is reached.
    ///
    /// # Panics
    /// Outside a weft runtime with I/O enabled (checked before the child is started).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").spawn()?;
    /// assert!(child.wait().await?.success());
    ///
    /// let err = Command::new("/no/such/program").spawn().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let runtime = crate::runtime::Handle::current();
        let reactor = crate::runtime::current::io();
        reap::reap_orphans();
        let mut std_child = self.std.spawn()?;
        let stdin = std_child.stdin.take();
        let stdout = std_child.stdout.take();
        let stderr = std_child.stderr.take();
        // From here on the reaper owns the child: if wrapping a pipe fails, dropping it
        // kills (with kill_on_drop) and reaps as usual.
        let reaper = Reaper::new(std_child, self.kill_on_drop, runtime, reactor)?;
        Ok(Child {
            stdin: stdin.map(ChildStdin::wrap).transpose()?,
            stdout: stdout.map(ChildStdout::wrap).transpose()?,
            stderr: stderr.map(ChildStderr::wrap).transpose()?,
            child: FusedChild::Running(reaper),
        })
    }

    /// Runs the child to completion and returns its exit status. stdin, stdout and stderr
    /// are inherited unless configured otherwise; any pipe set up is closed right after
    /// the spawn, so the child cannot block on it.
    ///
    /// Dropping the future does not kill the child unless
    /// [`kill_on_drop`](Command::kill_on_drop) is set.
    ///
    /// # Cancel safety
    /// Not cancel safe in the sense that the result is lost: the child keeps running (or is
    /// killed, with `kill_on_drop`) and is reaped in the background.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let status = weft::process::Command::new("false").status().await?;
    /// assert_eq!(status.code(), Some(1));
    /// # Ok(()) }
    /// ```
    pub fn status(&mut self) -> impl std::future::Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async {
            let mut child = child?;
            drop(child.stdin.take());
            drop(child.stdout.take());
            drop(child.stderr.take());
            child.wait().await
        }
    }

    /// Runs the child to completion and collects its output.
    ///
    /// Like tokio (unlike std), this always sets stdout and stderr to [`Stdio::piped`],
    /// overriding an earlier setting; stdin stays as configured (inherited by default).
    /// Use [`spawn`](Command::spawn) with [`Child::wait_with_output`] for other set-ups.
    ///
    /// # Cancel safety
    /// Not cancel safe in the sense that the output is lost: the child keeps running (or is
    /// killed, with `kill_on_drop`) and is reaped in the background.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let out = weft::process::Command::new("sh").args(["-c", "echo out; echo err >&2"]).output().await?;
    /// assert_eq!(out.stdout, b"out\n");
    /// assert_eq!(out.stderr, b"err\n");
    /// # Ok(()) }
    /// ```
    pub fn output(&mut self) -> impl std::future::Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async { child?.wait_with_output().await }
    }
}

impl From<std::process::Command> for Command {
    /// Wraps a std command (with `kill_on_drop` off).
    fn from(std: std::process::Command) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("std", &self.std)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}

enum FusedChild {
    Running(Reaper),
    Done(ExitStatus),
}

/// A running (or finished) child process, from [`Command::spawn`].
///
/// Dropping a `Child` does not kill the process unless
/// [`Command::kill_on_drop`] was set; either way it is reaped once it exits.
///
/// ```
/// use std::process::Stdio;
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// use weft::process::Command;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("tr").arg("a-z").arg("A-Z")
///     .stdin(Stdio::piped())
///     .stdout(Stdio::piped())
///     .spawn()?;
/// child.stdin.take().unwrap().write_all(b"shout").await?; // dropped: tr sees EOF
/// let mut out = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut out).await?;
/// assert_eq!(out, "SHOUT");
/// assert!(child.wait().await?.success());
/// # Ok(()) }
/// ```
pub struct Child {
    child: FusedChild,
    /// The child's stdin, if it was configured with [`Stdio::piped`].
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, if it was configured with [`Stdio::piped`].
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, if it was configured with [`Stdio::piped`].
    pub stderr: Option<ChildStderr>,
}

impl Child {
    /// The child's process id, or `None` once it has been reaped (by `wait` or a
    /// successful `try_wait`), since the id may then belong to another process.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("true").spawn()?;
    /// assert!(child.id().is_some());
    /// child.wait().await?;
    /// assert_eq!(child.id(), None);
    /// # Ok(()) }
    /// ```
    pub fn id(&self) -> Option<u32> {
        match &self.child {
            FusedChild::Running(reaper) => reaper.id(),
            FusedChild::Done(_) => None,
        }
    }

    /// Sends `SIGKILL` to the child without waiting for it to die. Does nothing once the
    /// child has been reaped. Call [`wait`](Child::wait) (or use [`kill`](Child::kill)) to
    /// reap it; otherwise it is reaped in the background after the `Child` is dropped.
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("sleep").arg("1000").spawn()?;
    /// child.start_kill()?;
    /// assert_eq!(child.wait().await?.signal(), Some(libc::SIGKILL));
    /// # Ok(()) }
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.child {
            FusedChild::Running(reaper) => reaper.start_kill(),
            FusedChild::Done(_) => Ok(()),
        }
    }

    /// Sends `SIGKILL` and waits for the child to exit (std's `kill` does not wait; its
    /// equivalent is [`start_kill`](Child::start_kill)).
    ///
    /// # Cancel safety
    /// Cancel safe: the signal is sent at the first poll; dropping the future afterwards
    /// only stops waiting, and the child is still reaped later.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("sleep").arg("1000").spawn()?;
    /// child.kill().await?;
    /// assert!(child.try_wait()?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit and returns its status; later calls return the same
    /// status. Closes the child's stdin first (drops [`Child::stdin`]) so a child reading
    /// its input cannot deadlock against a parent waiting for it; take `stdin` out first
    /// to keep it open.
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future loses nothing; a later `wait` picks up where it left.
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("sh").args(["-c", "kill -TERM $$"]).spawn()?;
    /// let status = child.wait().await?;
    /// assert_eq!(status.signal(), Some(libc::SIGTERM));
    /// assert_eq!(child.wait().await?, status);
    /// # Ok(()) }
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        match &mut self.child {
            FusedChild::Done(status) => Ok(*status),
            FusedChild::Running(reaper) => {
                let status = reaper.wait().await?;
                self.child = FusedChild::Done(status);
                Ok(status)
            }
        }
    }

    /// Reaps the child if it has exited (`Ok(Some(status))`), else `Ok(None)` at once.
    /// Repeats the same status once it has one. Unlike `wait`, it neither closes stdin nor
    /// arranges a wake-up.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = weft::process::Command::new("sleep").arg("1000").kill_on_drop(true).spawn()?;
    /// assert_eq!(child.try_wait()?, None);
    /// # Ok(()) }
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.child {
            FusedChild::Done(status) => Ok(Some(*status)),
            FusedChild::Running(reaper) => {
                let status = reaper.try_wait()?;
                if let Some(status) = status {
                    self.child = FusedChild::Done(status);
                }
                Ok(status)
            }
        }
    }

    /// Waits for the child to exit while reading all of its stdout and stderr (those that
    /// are piped; the others come back empty). stdin is closed first. Reading and waiting
    /// run together, so a child that writes more than a pipe holds cannot deadlock.
    ///
    /// # Cancel safety
    /// Not cancel safe: output read so far is lost; the child is reaped in the background.
    ///
    /// ```
    /// use std::process::Stdio;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let child = weft::process::Command::new("seq").arg("3").stdout(Stdio::piped()).spawn()?;
    /// let out = child.wait_with_output().await?;
    /// assert_eq!(out.stdout, b"1\n2\n3\n");
    /// assert!(out.stderr.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        use crate::io::AsyncReadExt;

        async fn read_all<R: AsyncRead + Unpin>(pipe: Option<R>) -> io::Result<Vec<u8>> {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut buf).await?;
            }
            Ok(buf)
        }

        drop(self.stdin.take());
        let stdout = read_all(self.stdout.take());
        let stderr = read_all(self.stderr.take());
        let (status, stdout, stderr) = crate::try_join!(self.wait(), stdout, stderr)?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Child");
        match &self.child {
            FusedChild::Running(reaper) => d.field("child", reaper),
            FusedChild::Done(status) => d.field("status", status),
        };
        d.field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
