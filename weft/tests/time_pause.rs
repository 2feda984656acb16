//! Paused time: `pause`, `resume`, `advance`, auto-advance, `start_paused`.
//!
//! Paused time needs the current-thread runtime (as in tokio): on the multi-thread runtime
//! `pause` panics, which is tested here.
mod support;

use weft::time::{self, sleep, Duration, Instant};

#[test]
fn pause_advance_resume() {
    support::current_thread().block_on(async {
        time::pause();
        let start = Instant::now();
        assert_eq!(Instant::now(), start, "paused clock moved");
        time::advance(Duration::from_secs(7)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(7));
        time::resume();
        sleep(Duration::from_millis(1)).await;
        assert!(start.elapsed() > Duration::from_secs(7));
    });
}

#[test]
fn advance_fires_timers_in_deadline_order() {
    support::current_thread().block_on(async {
        time::pause();
        let order = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
        let mut handles = vec![];
        for ms in [30u64, 10, 20] {
            let order = order.clone();
            handles.push(weft::spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                order.lock().unwrap().push(ms);
            }));
        }
        // Let the tasks register their sleeps.
        weft::task::yield_now().await;
        time::advance(Duration::from_millis(25)).await;
        assert_eq!(*order.lock().unwrap(), vec![10, 20]);
        time::advance(Duration::from_millis(5)).await;
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![10, 20, 30]);
    });
}

#[test]
fn start_paused_auto_advances_when_idle() {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(async {
            let start = Instant::now();
            let a = weft::spawn(sleep(Duration::from_secs(60)));
            let b = weft::spawn(sleep(Duration::from_secs(3600)));
            a.await.unwrap();
            assert_eq!(start.elapsed(), Duration::from_secs(60));
            b.await.unwrap();
            assert_eq!(start.elapsed(), Duration::from_secs(3600));
        });
}

#[test]
#[should_panic(expected = "current_thread")]
fn pause_on_multi_thread_panics() {
    support::multi_thread().block_on(async {
        time::pause();
    });
}

#[test]
#[should_panic(expected = "already frozen")]
fn pause_twice_panics() {
    support::current_thread().block_on(async {
        time::pause();
        time::pause();
    });
}

#[test]
#[should_panic(expected = "not frozen")]
fn advance_without_pause_panics() {
    support::current_thread().block_on(async {
        time::advance(Duration::from_secs(1)).await;
    });
}

#[weft::test(start_paused = true)]
async fn test_macro_start_paused() {
    let start = Instant::now();
    sleep(Duration::from_secs(86400)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(86400));
}

/// As tokio: `build()` refuses paused time on a multi-thread runtime, saying why.
#[test]
fn start_paused_on_multi_thread_is_rejected_by_build() {
    let err = weft::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("current_thread"), "{err}");
}

/// A blocking task holds auto-advance back: paused time must not jump past a timeout while
/// the runtime waits for a closure on the blocking pool.
#[test]
fn paused_clock_waits_for_blocking_tasks() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let work = weft::task::spawn_blocking(move || rx.recv().unwrap());
        // Released from another OS thread after the timeout future is already waiting.
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            tx.send(()).unwrap();
        });
        let res = weft::time::timeout(std::time::Duration::from_secs(3600), work).await;
        assert!(
            res.is_ok(),
            "paused clock auto-advanced past a running blocking task"
        );
        releaser.join().unwrap();
    });
}
