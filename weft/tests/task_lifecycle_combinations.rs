//! Every combination of how a task's life can go, on each scheduler (current-thread, a one-worker
//! and a two-worker multi-thread runtime): the future completes, panics in `poll` or never
//! completes; its drop and its output's drop may panic; the `JoinHandle` is awaited, dropped
//! before the task runs, dropped after it finished, or kept until the runtime is dropped; and
//! the task is aborted never, before its first poll, while pending, or after it finished.
//!
//! A panic in the future's destructor after `Ready` used to drop the output outside the
//! harness's `catch_unwind`, so an output whose destructor also panicked unwound into the
//! scheduler (out of `block_on`, or killing a worker and hanging the runtime).
//!
//! For each combination: the future is dropped exactly once and the output (if one was made)
//! exactly once, by the time the runtime is gone; a panic in either drop never escapes into the
//! runtime or aborts the process; and an awaited handle reports what happened (the value, a
//! panic, or a cancellation).

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Body {
    Ready,
    PanicOnPoll,
    PendingForever,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Handle {
    Await,
    DropAtOnce,
    DropAfterDone,
    KeepPastRuntime,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Abort {
    Never,
    AtOnce,
    WhilePending,
    AfterDone,
}

#[derive(Clone, Copy, Debug)]
struct Case {
    body: Body,
    future_drop_panics: bool,
    output_drop_panics: bool,
    handle: Handle,
    abort: Abort,
}

#[derive(Default)]
struct Counts {
    futures_dropped: AtomicUsize,
    outputs_made: AtomicUsize,
    outputs_dropped: AtomicUsize,
}

struct Output {
    counts: Arc<Counts>,
    panics: bool,
}

impl Drop for Output {
    fn drop(&mut self) {
        self.counts.outputs_dropped.fetch_add(1, Ordering::SeqCst);
        if self.panics && !std::thread::panicking() {
            panic!("output drop panics (on purpose)");
        }
    }
}

struct TestFuture {
    case: Case,
    counts: Arc<Counts>,
    polled: Option<weft::sync::oneshot::Sender<()>>,
}

impl Future for TestFuture {
    type Output = Output;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Output> {
        if let Some(tx) = self.polled.take() {
            let _ = tx.send(());
        }
        match self.case.body {
            Body::Ready => {
                self.counts.outputs_made.fetch_add(1, Ordering::SeqCst);
                Poll::Ready(Output {
                    counts: self.counts.clone(),
                    panics: self.case.output_drop_panics,
                })
            }
            Body::PanicOnPoll => panic!("poll panics (on purpose)"),
            // Never woken: only an abort or the runtime's shutdown ends it.
            Body::PendingForever => Poll::Pending,
        }
    }
}

impl Drop for TestFuture {
    fn drop(&mut self) {
        self.counts.futures_dropped.fetch_add(1, Ordering::SeqCst);
        if self.case.future_drop_panics && !std::thread::panicking() {
            panic!("future drop panics (on purpose)");
        }
    }
}

/// Waits (yielding, never sleeping) until the task has finished.
async fn until_finished(handle: &weft::task::JoinHandle<Output>) {
    while !handle.is_finished() {
        weft::task::yield_now().await;
    }
}

/// Whether a case can run at all: a task that never completes cannot be awaited unless it is
/// aborted, and "after done" needs a task that finishes.
fn meaningful(case: &Case) -> bool {
    let finishes = case.body != Body::PendingForever;
    let aborted_before_done = matches!(case.abort, Abort::AtOnce | Abort::WhilePending);
    if case.abort == Abort::AfterDone || case.handle == Handle::DropAfterDone {
        // Needs a handle to watch and a task that ends on its own.
        if !finishes || case.handle == Handle::DropAtOnce {
            return false;
        }
    }
    if case.abort == Abort::WhilePending && case.body != Body::PendingForever {
        return false; // only a pending task can be aborted "while pending" deterministically
    }
    if case.handle == Handle::Await && !finishes && !aborted_before_done {
        return false;
    }
    if case.handle == Handle::DropAtOnce && matches!(case.abort, Abort::WhilePending) {
        return false; // aborting needs the handle
    }
    true
}

fn run_case(rt: weft::runtime::Runtime, case: Case) {
    let counts = Arc::new(Counts::default());
    let (polled_tx, polled_rx) = weft::sync::oneshot::channel();
    let fut = TestFuture {
        case,
        counts: counts.clone(),
        polled: Some(polled_tx),
    };
    let kept = rt.block_on(async {
        let handle = weft::spawn(fut);
        if case.abort == Abort::AtOnce {
            handle.abort();
        }
        match case.abort {
            Abort::WhilePending => {
                polled_rx.await.expect("the task was polled");
                handle.abort();
            }
            Abort::AfterDone => {
                until_finished(&handle).await;
                handle.abort();
            }
            _ => {}
        }
        match case.handle {
            Handle::Await => {
                let result = handle.await;
                check_result(&case, result);
                None
            }
            Handle::DropAtOnce => {
                drop(handle);
                None
            }
            Handle::DropAfterDone => {
                until_finished(&handle).await;
                drop(handle);
                None
            }
            Handle::KeepPastRuntime => Some(handle),
        }
    });
    drop(rt);
    drop(kept);
    let futures = counts.futures_dropped.load(Ordering::SeqCst);
    let made = counts.outputs_made.load(Ordering::SeqCst);
    let outputs = counts.outputs_dropped.load(Ordering::SeqCst);
    assert_eq!(futures, 1, "{case:?}: future dropped {futures} times");
    assert!(made <= 1, "{case:?}: {made} outputs made");
    assert_eq!(
        outputs, made,
        "{case:?}: {made} outputs made, {outputs} dropped"
    );
}

fn check_result(case: &Case, result: Result<Output, weft::task::JoinError>) {
    match result {
        Ok(out) => {
            assert_eq!(
                case.body,
                Body::Ready,
                "{case:?}: Ok from a task that cannot finish"
            );
            assert_ne!(case.abort, Abort::WhilePending, "{case:?}");
            // The output's drop may panic on purpose; that is the caller's panic, not the
            // runtime's, so it is caught here.
            let dropped = catch_unwind(AssertUnwindSafe(|| drop(out)));
            assert_eq!(dropped.is_err(), case.output_drop_panics, "{case:?}");
        }
        Err(e) if e.is_panic() => {
            // A panic in poll, or a panic in the future's drop after it completed.
            assert!(
                case.body == Body::PanicOnPoll || case.future_drop_panics,
                "{case:?}: unexpected panic"
            );
        }
        Err(e) => {
            assert!(e.is_cancelled(), "{case:?}: {e:?}");
            assert_ne!(
                case.abort,
                Abort::Never,
                "{case:?}: cancelled without an abort"
            );
        }
    }
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for body in [Body::Ready, Body::PanicOnPoll, Body::PendingForever] {
        for future_drop_panics in [false, true] {
            for output_drop_panics in [false, true] {
                if output_drop_panics && body != Body::Ready {
                    continue;
                }
                for handle in [
                    Handle::Await,
                    Handle::DropAtOnce,
                    Handle::DropAfterDone,
                    Handle::KeepPastRuntime,
                ] {
                    for abort in [
                        Abort::Never,
                        Abort::AtOnce,
                        Abort::WhilePending,
                        Abort::AfterDone,
                    ] {
                        let case = Case {
                            body,
                            future_drop_panics,
                            output_drop_panics,
                            handle,
                            abort,
                        };
                        if meaningful(&case) {
                            cases.push(case);
                        }
                    }
                }
            }
        }
    }
    cases
}

fn quiet_panics() {
    // The on-purpose panics would print a message each; keep the test output readable.
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .unwrap_or_default();
            if !msg.contains("(on purpose)") {
                default(info);
            }
        }));
    });
}

fn run_all(make: fn() -> weft::runtime::Runtime) {
    quiet_panics();
    let cases = all_cases();
    assert!(cases.len() > 40, "only {} cases", cases.len());
    for case in cases {
        run_case(make(), case);
    }
}

#[test]
fn current_thread() {
    run_all(|| {
        weft::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    });
}

#[test]
fn multi_thread_one_worker() {
    run_all(|| {
        weft::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    });
}

#[test]
fn multi_thread() {
    run_all(|| {
        weft::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
}
