//! Rescue: while a poll blocks a multi-thread worker past the long-poll threshold, the tasks
//! waiting behind it on that worker (its LIFO slot, its run queue) run on the other workers.
//! On the current-thread scheduler there is no other thread: the report says nothing was
//! rescued, and the work runs once the stall ends.

use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use weft::runtime::{Builder, LongPollKind, LongPollReport, Runtime};
use weft::sync::oneshot;

/// Only a broken rescue waits this long.
const GIVE_UP: Duration = Duration::from_secs(60);

type Reports = Arc<Mutex<Vec<LongPollReport>>>;

fn runtime(workers: Option<usize>) -> (Runtime, Reports) {
    let reports: Reports = Arc::default();
    let r = reports.clone();
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
        .long_poll_threshold(Some(Duration::from_millis(5)))
        .long_poll_rate_limit(1000)
        .on_long_poll(move |rep| r.lock().unwrap().push(rep.clone()))
        .build()
        .unwrap();
    (rt, reports)
}

fn wait_for_report(reports: &Reports) {
    let deadline = std::time::Instant::now() + GIVE_UP;
    while std::time::Instant::now() < deadline {
        if reports
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.kind == LongPollKind::Stalled)
        {
            return;
        }
        std::thread::yield_now();
    }
    panic!("no long-poll report in {GIVE_UP:?}");
}

/// `a` wakes `b` into its worker's LIFO slot and then blocks the worker until `b` has run.
/// Without a rescue `b` could only run on `a`'s worker, after `a`'s poll: never.
fn woken_task_behind_a_stall_runs_elsewhere(workers: usize) {
    let (rt, reports) = runtime(Some(workers));
    let ran = rt.block_on(async {
        let (ready_tx, ready_rx) = oneshot::channel::<()>();
        let (go_tx, go_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = std_mpsc::channel::<()>();
        let b = weft::spawn(async move {
            ready_tx.send(()).unwrap();
            go_rx.await.unwrap();
            done_tx.send(()).unwrap();
        });
        let seen = reports.clone();
        let a = weft::task::Builder::new()
            .name("stalls")
            .spawn(async move {
                ready_rx.await.unwrap();
                go_tx.send(()).unwrap();
                // Blocks this worker on purpose, until `b` ran somewhere else, and then until
                // the monitor has reported the stall (a report about a poll that has ended
                // by the time it is written is dropped).
                let ran = done_rx.recv_timeout(GIVE_UP).is_ok();
                wait_for_report(&seen);
                ran
            })
            .unwrap();
        let ran = a.await.unwrap();
        b.await.unwrap();
        ran
    });
    assert!(ran, "the task woken before the stall never ran");
    let reports = reports.lock().unwrap();
    let stalled: Vec<_> = reports
        .iter()
        .filter(|r| r.task_name.as_deref() == Some("stalls") && r.kind != LongPollKind::Ended)
        .collect();
    assert!(!stalled.is_empty(), "no long-poll report");
    assert!(
        stalled.iter().map(|r| r.rescued).sum::<usize>() >= 1,
        "{stalled:?}"
    );
    assert!(
        stalled[0].to_string().contains("rescued: 1 task(s)"),
        "{}",
        stalled[0]
    );
}

#[test]
fn woken_task_behind_a_stall_runs_elsewhere_2_workers() {
    woken_task_behind_a_stall_runs_elsewhere(2);
}

#[test]
fn woken_task_behind_a_stall_runs_elsewhere_4_workers() {
    woken_task_behind_a_stall_runs_elsewhere(4);
}

/// A stall with nothing queued behind it rescues nothing (and wakes nobody).
#[test]
fn stall_with_nothing_behind_it_rescues_nothing() {
    let (rt, reports) = runtime(Some(2));
    let (release_tx, release_rx) = std_mpsc::channel::<()>();
    let watcher = {
        let reports = reports.clone();
        std::thread::spawn(move || {
            // Releases the stall once the monitor has reported it.
            wait_for_report(&reports);
            release_tx.send(()).unwrap();
        })
    };
    rt.block_on(async {
        weft::spawn(async move {
            release_rx.recv_timeout(GIVE_UP).unwrap();
        })
        .await
        .unwrap();
    });
    watcher.join().unwrap();
    let reports = reports.lock().unwrap();
    let first = reports
        .iter()
        .find(|r| r.kind == LongPollKind::Stalled)
        .expect("a report");
    assert_eq!(first.rescued, 0, "{first}");
}

/// The current-thread scheduler has no other thread: nothing is rescued, and the task behind
/// the stall runs after it.
#[test]
fn current_thread_reports_no_rescue_and_runs_the_work_after_the_stall() {
    let (rt, reports) = runtime(None);
    let (release_tx, release_rx) = std_mpsc::channel::<()>();
    let watcher = {
        let reports = reports.clone();
        std::thread::spawn(move || {
            // Releases the stall once the monitor has reported it.
            wait_for_report(&reports);
            release_tx.send(()).unwrap();
        })
    };
    let order = rt.block_on(async {
        let (tx, rx) = oneshot::channel::<&'static str>();
        let behind = weft::spawn(async move { rx.await.unwrap() });
        let stall = weft::spawn(async move {
            tx.send("behind ran").unwrap();
            release_rx.recv_timeout(GIVE_UP).unwrap();
            "stall ended"
        });
        (stall.await.unwrap(), behind.await.unwrap())
    });
    watcher.join().unwrap();
    assert_eq!(order, ("stall ended", "behind ran"));
    let reports = reports.lock().unwrap();
    assert!(reports.iter().all(|r| r.rescued == 0), "{reports:?}");
    assert!(reports.iter().any(|r| r.kind == LongPollKind::Stalled));
}
