//! Waiting for a child to exit, and making sure every child is reaped.
//!
//! A [`Reaper`] owns the `std::process::Child` and something that says when to look again:
//! a pidfd registered with the reactor (Linux ≥ 5.3: it becomes readable when the child
//! exits) or, where `pidfd_open` is missing or forbidden, a `SIGCHLD` listener. Looking is
//! always `waitpid(pid, WNOHANG)` through std, so a spurious wake-up costs one syscall.
//!
//! A reaper dropped before its child was reaped hands the child to a small task on the
//! runtime it was spawned in, which waits for the exit and reaps it. If that runtime is
//! gone (or shuts down while waiting), the child goes to a process-wide orphan queue that
//! every later `Command::spawn` sweeps with `WNOHANG`, as tokio does. No zombie is left for
//! longer than the gap between the child's exit and the next reap opportunity.

use super::unix::pidfd_open;
use crate::io::Interest;
use crate::runtime::driver::io::PollEvented;
use crate::signal::unix::{signal, Signal, SignalKind};
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitStatus;
use std::sync::Mutex;
use std::task::{ready, Context, Poll};

/// What wakes a waiting task when the child may have exited.
enum Waiter {
    Pidfd(PollEvented<Pidfd>),
    Sigchld(Signal),
}

pub(crate) struct Reaper {
    /// `None` once reaped (or handed over).
    inner: Option<Inner>,
    kill_on_drop: bool,
    /// Set on the reaper owned by an orphan task, whose drop must not spawn another task.
    orphan: bool,
}

struct Inner {
    child: std::process::Child,
    waiter: Waiter,
    runtime: crate::runtime::Handle,
}

impl Reaper {
    /// Watches `child`, which was just spawned, with a pidfd if the kernel allows one, else
    /// with `SIGCHLD`.
    ///
    /// `runtime` and `reactor` are the current ones, looked up by the caller before it
    /// spawned the child (so that a call outside a runtime panics before there is a child).
    pub(crate) fn new(
        child: std::process::Child,
        kill_on_drop: bool,
        runtime: crate::runtime::Handle,
        reactor: crate::runtime::driver::io::Handle,
    ) -> io::Result<Reaper> {
        Reaper::with(child, kill_on_drop, runtime, reactor, true)
    }

    pub(crate) fn with(
        mut child: std::process::Child,
        kill_on_drop: bool,
        runtime: crate::runtime::Handle,
        reactor: crate::runtime::driver::io::Handle,
        use_pidfd: bool,
    ) -> io::Result<Reaper> {
        let waiter = Reaper::waiter(child.id(), reactor, use_pidfd);
        let waiter = match waiter {
            Ok(waiter) => waiter,
            Err(e) => {
                // The child must not outlive our ability to reap it unseen.
                let _ = child.kill();
                push_orphan(child);
                return Err(e);
            }
        };
        Ok(Reaper {
            inner: Some(Inner {
                child,
                waiter,
                runtime,
            }),
            kill_on_drop,
            orphan: false,
        })
    }

    fn waiter(
        pid: u32,
        reactor: crate::runtime::driver::io::Handle,
        use_pidfd: bool,
    ) -> io::Result<Waiter> {
        if use_pidfd {
            // The child is not reaped yet, so its pid cannot have been reused.
            if let Ok(fd) = pidfd_open(pid) {
                return PollEvented::new_with_interest(Pidfd(fd), Interest::READABLE, reactor)
                    .map(Waiter::Pidfd);
            }
        }
        // The child may already have exited: `poll_wait` looks with WNOHANG before waiting
        // for the first SIGCHLD, so an earlier exit is not missed.
        signal(SignalKind::child()).map(Waiter::Sigchld)
    }

    /// The child's pid until it has been reaped.
    pub(crate) fn id(&self) -> Option<u32> {
        self.inner.as_ref().map(|inner| inner.child.id())
    }

    /// Sends `SIGKILL` unless the child was already reaped.
    pub(crate) fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Some(inner) => inner.child.kill(),
            None => Ok(()),
        }
    }

    /// Reaps the child if it has exited.
    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let Some(inner) = &mut self.inner else {
            return Err(io::Error::other("the child was already reaped"));
        };
        let status = inner.child.try_wait()?;
        if status.is_some() {
            // Drops the pidfd / SIGCHLD listener now; nothing is left to wait for.
            self.inner = None;
        }
        Ok(status)
    }

    /// Waits for the child to exit and reaps it.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        loop {
            let Some(inner) = self.inner.as_mut() else {
                return Poll::Ready(Err(io::Error::other("the child was already reaped")));
            };
            match &mut inner.waiter {
                Waiter::Pidfd(pidfd) => {
                    // A pidfd is readable once the child exited, and registering reports an
                    // exit that happened before: no `waitpid` is needed until then.
                    let event = ready!(pidfd.registration().poll_read_ready(cx))?;
                    match inner.child.try_wait()? {
                        Some(status) => {
                            self.inner = None;
                            return Poll::Ready(Ok(status));
                        }
                        // Not reapable after all (cannot happen for our own child): wait for
                        // the next event instead of spinning.
                        None => pidfd.registration().clear_readiness(event),
                    }
                }
                Waiter::Sigchld(sigchld) => {
                    // The SIGCHLD that announced this child may predate the listener, so
                    // look before each wait.
                    if let Some(status) = inner.child.try_wait()? {
                        self.inner = None;
                        return Poll::Ready(Ok(status));
                    }
                    if ready!(sigchld.poll_recv(cx)).is_none() {
                        return Poll::Ready(Err(crate::runtime::driver::io::gone()));
                    }
                }
            }
        }
    }

    pub(crate) async fn wait(&mut self) -> io::Result<ExitStatus> {
        std::future::poll_fn(|cx| self.poll_wait(cx)).await
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let Some(mut inner) = self.inner.take() else {
            return;
        };
        if self.kill_on_drop {
            let _ = inner.child.kill();
        }
        if !matches!(inner.child.try_wait(), Ok(None)) {
            // Reaped just now (or not our child any more): nothing to do.
            return;
        }
        if self.orphan {
            push_orphan(inner.child);
            return;
        }
        let runtime = inner.runtime.clone();
        let mut orphan = Reaper {
            inner: Some(inner),
            kill_on_drop: false,
            orphan: true,
        };
        // On a runtime that is shutting down the task is dropped at once, and its reaper's
        // drop puts the child in the orphan queue.
        drop(runtime.spawn(async move {
            let _ = orphan.wait().await;
        }));
    }
}

impl fmt::Debug for Reaper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reaper")
            .field("pid", &self.id())
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}

/// A pidfd as a mio source.
struct Pidfd(OwnedFd);

impl mio::event::Source for Pidfd {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).deregister(registry)
    }
}

/// Children nobody waits for any more whose runtime is gone.
static ORPHANS: Mutex<Vec<std::process::Child>> = Mutex::new(Vec::new());

fn push_orphan(child: std::process::Child) {
    let mut orphans = ORPHANS.lock().unwrap_or_else(|e| e.into_inner());
    orphans.push(child);
    reap_locked(&mut orphans);
}

/// Reaps every queued orphan that has exited (`WNOHANG`; never blocks).
pub(crate) fn reap_orphans() {
    let mut orphans = ORPHANS.lock().unwrap_or_else(|e| e.into_inner());
    if !orphans.is_empty() {
        reap_locked(&mut orphans);
    }
}

fn reap_locked(orphans: &mut Vec<std::process::Child>) {
    // Keep those still running; drop those reaped or no longer ours (ECHILD).
    orphans.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
}

#[cfg(all(test, not(weft_loom)))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    fn on_both_schedulers(
        f: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>,
    ) {
        let current = crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        current.block_on(f());
        let multi = crate::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        multi.block_on(f());
    }

    fn reaper(cmd: &mut std::process::Command, use_pidfd: bool) -> Reaper {
        let runtime = crate::runtime::Handle::current();
        let reactor = crate::runtime::current::io();
        let child = cmd.spawn().unwrap();
        Reaper::with(child, false, runtime, reactor, use_pidfd).unwrap()
    }

    #[test]
    fn sigchld_fallback_waits_for_exit_codes_and_signals() {
        on_both_schedulers(|| {
            Box::pin(async {
                let mut r = reaper(
                    std::process::Command::new("sh").args(["-c", "exit 7"]),
                    false,
                );
                assert!(matches!(
                    r.inner.as_ref().unwrap().waiter,
                    Waiter::Sigchld(_)
                ));
                assert_eq!(r.wait().await.unwrap().code(), Some(7));
                assert_eq!(r.id(), None);

                let mut r = reaper(std::process::Command::new("sleep").arg("1000"), false);
                r.start_kill().unwrap();
                assert_eq!(r.wait().await.unwrap().signal(), Some(libc::SIGKILL));
            })
        });
    }

    #[test]
    fn sigchld_fallback_many_children_at_once() {
        on_both_schedulers(|| {
            Box::pin(async {
                let mut tasks = Vec::new();
                for i in 0..8 {
                    let mut r = reaper(
                        std::process::Command::new("sh")
                            .arg("-c")
                            .arg(format!("exit {i}")),
                        false,
                    );
                    tasks.push(crate::spawn(async move { r.wait().await.unwrap().code() }));
                }
                for (i, task) in tasks.into_iter().enumerate() {
                    assert_eq!(task.await.unwrap(), Some(i as i32));
                }
            })
        });
    }

    #[test]
    fn pidfd_is_used_where_the_kernel_has_it() {
        let child = std::process::Command::new("true").spawn().unwrap();
        let available = pidfd_open(child.id()).is_ok();
        let mut child = child;
        child.wait().unwrap();
        if !available {
            eprintln!("pidfd_open unavailable here: only the SIGCHLD fallback is exercised");
            return;
        }
        on_both_schedulers(|| {
            Box::pin(async {
                let mut r = reaper(&mut std::process::Command::new("true"), true);
                assert!(matches!(r.inner.as_ref().unwrap().waiter, Waiter::Pidfd(_)));
                assert!(r.wait().await.unwrap().success());
            })
        });
    }

    #[test]
    fn orphan_queue_reaps_exited_children() {
        let mut child = std::process::Command::new("sleep")
            .arg("1000")
            .spawn()
            .unwrap();
        let pid = child.id();
        child.kill().unwrap();
        push_orphan(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "orphan {pid} not reaped"
            );
            std::thread::yield_now();
            reap_orphans();
        }
    }
}
