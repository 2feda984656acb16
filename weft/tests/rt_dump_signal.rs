//! `Builder::dump_on_signal`: a real signal sent to this process produces a task dump, on both
//! schedulers and in a `LocalSet`, also while every worker is stuck in a poll.
//!
//! A signal reaches every listener in the process, so the tests in this file take one lock
//! and run one at a time.

use std::sync::mpsc as std_mpsc;
use std::sync::Mutex;
use std::time::Duration;
use weft::runtime::{Builder, Dump, Runtime, TaskState};
use weft::signal::unix::SignalKind;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Long enough never to fire on a loaded machine; only a broken dump path waits this long.
const GIVE_UP: Duration = Duration::from_secs(60);

fn runtime(workers: Option<usize>) -> (Runtime, std_mpsc::Receiver<Dump>) {
    let (tx, rx) = std_mpsc::channel();
    let tx = Mutex::new(tx);
    let mut b = match workers {
        Some(n) => {
            let mut b = Builder::new_multi_thread();
            b.worker_threads(n);
            b
        }
        None => Builder::new_current_thread(),
    };
    let rt = b
        .enable_all()
        .dump_on_signal(SignalKind::user_defined2())
        .on_signal_dump(move |d| {
            let _ = tx.lock().unwrap().send(d.clone());
        })
        .build()
        .unwrap();
    (rt, rx)
}

fn raise() {
    // SAFETY: `kill` on our own pid with a signal the runtime has a handler for.
    let rc = unsafe { libc::kill(libc::getpid(), libc::SIGUSR2) };
    assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
}

/// Sends the signal until a dump shows a task named `name` for which `want` holds (the task
/// may not have reached its await when the first signal arrives).
fn dump_until(
    rx: &std_mpsc::Receiver<Dump>,
    name: &str,
    want: impl Fn(&weft::runtime::TaskDump) -> bool,
) -> Dump {
    for _ in 0..1000 {
        raise();
        let dump = rx.recv_timeout(GIVE_UP).expect("no dump after the signal");
        let found = dump
            .tasks
            .iter()
            .any(|t| t.name.as_deref() == Some(name) && want(t));
        if found {
            return dump;
        }
        std::thread::yield_now();
    }
    panic!("no dump showed {name} as wanted");
}

fn waiting_receiver_is_dumped(workers: Option<usize>) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (rt, dumps) = runtime(workers);
    let (tx, mut rx) = weft::sync::mpsc::channel::<u8>(1);
    let task = {
        let _guard = rt.enter();
        weft::task::Builder::new()
            .name("signal-receiver")
            .spawn(async move { rx.recv().await })
            .unwrap()
    };
    let id = task.id();
    // A current-thread runtime runs tasks only inside `block_on`: signal from another thread.
    let checker = std::thread::spawn(move || {
        let dump = dump_until(&dumps, "signal-receiver", |t| {
            t.state == TaskState::Idle && t.waiting_on.is_some()
        });
        tx.try_send(7).unwrap();
        dump
    });
    assert_eq!(rt.block_on(task).unwrap(), Some(7));
    let dump = checker.join().unwrap();
    let t = dump.tasks.iter().find(|t| t.id == id).unwrap();
    assert!(t.spawned_at.file().ends_with("rt_dump_signal.rs"));
    assert_eq!(
        t.waiting_on.as_ref().map(|w| w.what),
        Some("mpsc::Receiver::recv"),
        "{dump}"
    );
    let text = dump.to_string();
    assert!(text.contains("signal-receiver"), "{text}");
}

#[test]
fn waiting_receiver_is_dumped_current_thread() {
    waiting_receiver_is_dumped(None);
}

#[test]
fn waiting_receiver_is_dumped_multi_thread() {
    waiting_receiver_is_dumped(Some(2));
}

#[test]
fn dump_arrives_while_every_worker_is_blocked() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (rt, dumps) = runtime(Some(2));
    let (started_tx, started_rx) = std_mpsc::channel::<()>();
    let mut releases = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..2 {
        let (release_tx, release_rx) = std_mpsc::channel::<()>();
        releases.push(release_tx);
        let started = started_tx.clone();
        let _guard = rt.enter();
        tasks.push(
            weft::task::Builder::new()
                .name(&format!("blocker-{i}"))
                .spawn(async move {
                    started.send(()).unwrap();
                    // Blocks the worker thread on purpose: the dump must not need it.
                    release_rx.recv_timeout(GIVE_UP).unwrap();
                })
                .unwrap(),
        );
    }
    for _ in 0..2 {
        started_rx.recv_timeout(GIVE_UP).unwrap();
    }
    let dump = dump_until(&dumps, "blocker-1", |t| {
        matches!(t.state, TaskState::Running { .. })
    });
    let running = dump
        .tasks
        .iter()
        .filter(|t| matches!(t.state, TaskState::Running { worker: Some(_) }))
        .count();
    assert_eq!(running, 2, "{dump}");
    for r in &releases {
        r.send(()).unwrap();
    }
    for t in tasks {
        rt.block_on(t).unwrap();
    }
}

#[test]
fn block_on_future_blocked_on_current_thread_still_dumps_local_set_tasks() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (rt, dumps) = runtime(None);
    let local = weft::task::LocalSet::new();
    let (tx, mut rx) = weft::sync::mpsc::channel::<u8>(1);
    let waiter = local.spawn_local(async move { rx.recv().await });
    let id = waiter.id();
    let (release_tx, release_rx) = std_mpsc::channel::<()>();
    let checker = std::thread::spawn(move || {
        // The runtime's only thread is blocked below; the dump still lists the set's task.
        let mut dump;
        loop {
            raise();
            dump = dumps.recv_timeout(GIVE_UP).expect("no dump");
            if dump.tasks.iter().any(|t| t.id == id) {
                break;
            }
            std::thread::yield_now();
        }
        release_tx.send(()).unwrap();
        dump
    });
    local.block_on(&rt, async move {
        // Let the set's task run to its await first.
        weft::task::yield_now().await;
        release_rx.recv_timeout(GIVE_UP).unwrap();
        tx.try_send(1).unwrap();
        assert_eq!(waiter.await.unwrap(), Some(1));
    });
    let dump = checker.join().unwrap();
    let t = dump.tasks.iter().find(|t| t.id == id).unwrap();
    assert_eq!(t.list, "LocalSet");
}

#[test]
fn uncatchable_signal_fails_build() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let err = Builder::new_current_thread()
        .enable_all()
        .dump_on_signal(SignalKind::from_raw(libc::SIGKILL))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("signal 9"), "{err}");
}

#[test]
fn listener_thread_ends_with_the_runtime() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let count = || {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path().join("comm")).ok())
            .filter(|c| c.trim_end() == "weft-dump-signa")
            .count()
    };
    let before = count();
    let (rt, _dumps) = runtime(Some(1));
    assert_eq!(count(), before + 1);
    drop(rt);
    assert_eq!(count(), before);
}
