//! `Builder::dump_on_signal`: a task dump when the process receives a signal, as Go prints
//! every goroutine on `SIGQUIT`.
//!
//! The listener cannot be a task of the runtime it dumps: the dump is wanted most when every
//! worker is stuck, and then no task of that runtime runs. So it is a thread of its own with a
//! small current-thread runtime (I/O only, detector off) that awaits the signal through
//! `weft::signal` and reads the dump from the task lists, which needs no worker (see
//! [`Dump`]). The thread holds the runtime's diagnostics weakly and ends when the runtime
//! shuts down.

use super::{Dump, RuntimeDiag};
use crate::signal::unix::{signal, SignalKind};
use crate::sync::oneshot;
use std::future::{poll_fn, Future};
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::Poll;
use std::thread::JoinHandle;

/// The user's hook for signal-triggered dumps.
pub(crate) type DumpHook = Arc<dyn Fn(&Dump) + Send + Sync>;

/// What `Builder::dump_on_signal` / `on_signal_dump` set.
#[derive(Clone)]
pub(crate) struct DumpSignal {
    pub(crate) signal: SignalKind,
    pub(crate) hook: Option<DumpHook>,
}

impl std::fmt::Debug for DumpSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DumpSignal")
            .field("signal", &self.signal)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

/// The listening thread; dropping `stop` ends it.
pub(crate) struct SignalThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SignalThread {
    /// Starts the thread and waits until its signal handler is installed, so a signal sent
    /// after `Builder::build` returns is never missed.
    pub(crate) fn start(diag: Weak<RuntimeDiag>, config: DumpSignal) -> io::Result<SignalThread> {
        let (stop_tx, stop_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("weft-dump-signal".into())
            .spawn(move || listen(diag, config, stop_rx, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(SignalThread {
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "dump_on_signal: the listening thread ended before it installed its handler",
                ))
            }
        }
    }

    /// Ends the thread and waits for it (it only ever waits on the signal or on `stop`).
    pub(crate) fn stop(mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            // Stopping from the listener itself (a hook that drops the runtime) must not
            // join its own thread.
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
    }
}

fn listen(
    diag: Weak<RuntimeDiag>,
    config: DumpSignal,
    mut stop: oneshot::Receiver<()>,
    ready: std::sync::mpsc::Sender<io::Result<()>>,
) {
    let rt = match crate::runtime::Builder::new_current_thread()
        .enable_io()
        .long_poll_threshold(None)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    rt.block_on(async move {
        let mut sig = match signal(config.signal) {
            Ok(s) => s,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        loop {
            let got = poll_fn(|cx| {
                if Pin::new(&mut stop).poll(cx).is_ready() {
                    return Poll::Ready(false);
                }
                sig.poll_recv(cx).map(|s| s.is_some())
            })
            .await;
            if !got {
                return;
            }
            let Some(diag) = diag.upgrade() else { return };
            let dump = Dump::collect(Some(&diag));
            drop(diag);
            match &config.hook {
                Some(hook) => {
                    let _ = catch_unwind(AssertUnwindSafe(|| hook(&dump)));
                }
                None => eprintln!("{dump}"),
            }
        }
    });
}
