//! The long-poll detector: a task that blocks its worker is reported while it still blocks,
//! by id, name and spawn location, with its thread's kernel state and a backtrace taken
//! during the stall; on both schedulers and in a `LocalSet`. Timeouts here only catch hangs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;
use weft::runtime::{Builder, LongPollKind, LongPollReport, Runtime};

const HANG: Duration = Duration::from_secs(20);

/// Reports seen by the hook so far (all tests' runtimes; each test waits for its own).
static SEEN: AtomicUsize = AtomicUsize::new(0);

/// The tests in this file run one at a time, so `SEEN` counts one runtime's reports.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Blocks the thread in `std::thread::sleep` until `n` more reports have been seen (so the
/// stall lasts as long as the detector needs, whatever the machine's load), at most `HANG`.
fn sleep_until_reported(n: usize) {
    let target = SEEN.load(Ordering::SeqCst) + n;
    let start = std::time::Instant::now();
    while SEEN.load(Ordering::SeqCst) < target && start.elapsed() < HANG {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn runtime(multi: bool, tx: mpsc::Sender<LongPollReport>) -> Runtime {
    let mut b = if multi {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        Builder::new_current_thread()
    };
    // The default threshold (10 ms): the detector is on without being asked.
    b.enable_all()
        .long_poll_rate_limit(1000)
        .on_long_poll(move |r| {
            // Counted before it is sent: a test that has received its last report must not
            // see this runtime's count move afterwards (the next test's spinner would stop).
            SEEN.fetch_add(1, Ordering::SeqCst);
            let _ = tx.send(r.clone());
        })
        .build()
        .unwrap()
}

/// The first `Stalled` report, then everything up to its `Ended`.
fn reports(rx: &mpsc::Receiver<LongPollReport>) -> (LongPollReport, Vec<LongPollReport>) {
    let first = loop {
        let r = rx.recv_timeout(HANG).expect("no long-poll report");
        if r.kind == LongPollKind::Stalled {
            break r;
        }
    };
    let mut rest = Vec::new();
    loop {
        let r = rx.recv_timeout(HANG).expect("no end record");
        let end = r.kind == LongPollKind::Ended;
        rest.push(r);
        if end {
            return (first, rest);
        }
    }
}

fn check_sleeper(first: &LongPollReport, rest: &[LongPollReport], id: weft::task::Id, line: u32) {
    assert_eq!(first.task_id, Some(id), "{first}");
    assert_eq!(first.task_name.as_deref(), Some("sleepy"), "{first}");
    let at = first.spawned_at.expect("spawn location");
    assert!(at.file().ends_with("rt_long_poll.rs"), "{first}");
    assert_eq!(at.line(), line, "{first}");
    assert!(first.in_poll >= first.threshold, "{first}");
    assert!(first.thread_id > 0);
    // Blocked in nanosleep: the kernel says sleeping, and the stack shows std's sleep. The
    // thread wakes every 50 ms to look at the count, so one capture may catch it just
    // awake (`R`); of the first report and its follow-ups, one must show the sleep.
    let in_sleep = |r: &LongPollReport| {
        r.kernel.state == 'S'
            && r.backtrace.frames.iter().any(|f| {
                f.symbol
                    .as_deref()
                    .is_some_and(|s| s.contains("std::thread") && s.ends_with("sleep"))
            })
    };
    assert!(
        in_sleep(first)
            || rest
                .iter()
                .any(|r| r.kind != LongPollKind::Ended && in_sleep(r)),
        "no report shows the thread asleep in std::thread::sleep:\n{first}"
    );
    assert!(rest.iter().any(|r| r.kind == LongPollKind::StillStalled));
    let end = rest.last().unwrap();
    assert_eq!(end.task_id, Some(id));
    assert!(end.in_poll >= end.threshold, "{end}");
}

/// Runs `task` to completion on another thread (a current-thread runtime only runs tasks
/// inside `block_on`) while this one collects the reports.
fn drive<T: Send>(
    rt: &Runtime,
    task: weft::task::JoinHandle<T>,
    rx: &mpsc::Receiver<LongPollReport>,
) -> (LongPollReport, Vec<LongPollReport>) {
    std::thread::scope(|s| {
        let t = s.spawn(|| rt.block_on(task).unwrap());
        let out = reports(rx);
        t.join().unwrap();
        out
    })
}

fn sleeper(multi: bool) {
    let (tx, rx) = mpsc::channel();
    let rt = runtime(multi, tx);
    let line = line!() + 3;
    let task = weft::task::Builder::new()
        .name("sleepy")
        .spawn_on(async { sleep_until_reported(2) }, rt.handle())
        .unwrap();
    let id = task.id();
    let (first, rest) = drive(&rt, task, &rx);
    check_sleeper(&first, &rest, id, line);
}

#[test]
fn sleeping_task_is_reported_current_thread() {
    let _serial = serial();
    sleeper(false);
}

#[test]
fn sleeping_task_is_reported_multi_thread() {
    let _serial = serial();
    sleeper(true);
}

#[test]
fn sleeping_task_is_reported_in_local_set() {
    let _serial = serial();
    let (tx, rx) = mpsc::channel();
    let rt = runtime(false, tx);
    let local = weft::task::LocalSet::new();
    let line = line!() + 5;
    let id = local.block_on(&rt, async {
        let v = std::rc::Rc::new(2); // !Send
        let task = weft::task::Builder::new()
            .name("sleepy")
            .spawn_local(async move { sleep_until_reported(*v) })
            .unwrap();
        let id = task.id();
        task.await.unwrap();
        id
    });
    let (first, rest) = reports(&rx);
    check_sleeper(&first, &rest, id, line);
}

/// A task spinning in user code is not in a system call: its registers come from the
/// capture signal.
fn spinner(multi: bool) {
    let (tx, rx) = mpsc::channel();
    let rt = runtime(multi, tx);
    let task = rt.spawn(async {
        let start = std::time::Instant::now();
        let mut n = 0u64;
        let target = SEEN.load(Ordering::SeqCst) + 1;
        while SEEN.load(Ordering::SeqCst) < target && start.elapsed() < HANG {
            n = std::hint::black_box(n + 1);
        }
    });
    let id = task.id();
    let (first, _) = drive(&rt, task, &rx);
    assert_eq!(first.task_id, Some(id), "{first}");
    assert_eq!(first.kernel.state, 'R', "{first}");
    assert!(first.backtrace.method.contains("signal"), "{first}");
    assert!(!first.backtrace.frames.is_empty(), "{first}");
    assert!(first.backtrace.contains("rt_long_poll"), "{first}");
}

#[test]
fn spinning_task_is_reported_current_thread() {
    let _serial = serial();
    spinner(false);
}

#[test]
fn spinning_task_is_reported_multi_thread() {
    let _serial = serial();
    spinner(true);
}

/// The current-thread `block_on` future itself is watched too.
#[test]
fn blocking_block_on_future_is_reported() {
    let _serial = serial();
    let (tx, rx) = mpsc::channel();
    let rt = runtime(false, tx);
    rt.block_on(async { sleep_until_reported(1) });
    let (first, _) = reports(&rx);
    assert_eq!(first.task_id, None, "{first}");
    assert!(first.to_string().contains("block_on future"), "{first}");
}

/// `None` turns the detector off; `block_in_place` is not a long poll.
#[test]
fn off_and_block_in_place_are_quiet() {
    let _serial = serial();
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    let rt = Builder::new_current_thread()
        .long_poll_threshold(None)
        .on_long_poll(move |r| {
            let _ = tx2.send(r.clone());
        })
        .build()
        .unwrap();
    rt.block_on(async {
        weft::spawn(async { std::thread::sleep(Duration::from_millis(60)) }).await
    })
    .unwrap();
    drop(rt);
    let rt = runtime(true, tx);
    rt.block_on(async {
        weft::spawn(async {
            weft::task::block_in_place(|| std::thread::sleep(Duration::from_millis(60)))
        })
        .await
    })
    .unwrap();
    drop(rt);
    assert!(rx.try_recv().is_err(), "unexpected report");
}
