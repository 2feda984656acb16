//! Runtimes and `LocalSet`s kept in thread-locals drop cleanly at thread exit; a finished
//! `spawn_blocking` wakes a paused runtime; panics carry tokio's messages and the caller's
//! location. On both schedulers.

mod support;

use std::cell::RefCell;

#[test]
fn runtime_and_local_set_in_thread_locals() {
    thread_local! {
        static RT: RefCell<Option<weft::runtime::Runtime>> = const { RefCell::new(None) };
        static LOCAL: weft::task::LocalSet = weft::task::LocalSet::new();
    }
    for multi in [false, true] {
        std::thread::spawn(move || {
            let rt = if multi {
                support::multi_thread()
            } else {
                support::current_thread()
            };
            LOCAL.with(|l| {
                l.block_on(&rt, async {
                    weft::task::spawn_local(async {}).await.unwrap()
                })
            });
            LOCAL.with(|l| drop(l.spawn_local(std::future::pending::<()>())));
            RT.with(|c| *c.borrow_mut() = Some(rt));
        })
        .join()
        .unwrap();
    }
}

#[weft::test(start_paused = true)]
async fn finished_blocking_task_wakes_a_paused_runtime() {
    let t0 = std::time::Instant::now();
    let job =
        weft::task::spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(1)));
    weft::time::sleep(std::time::Duration::from_secs(15)).await;
    job.await.unwrap();
    assert!(t0.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
#[should_panic(expected = "A Tokio 1.x context was found, but timers are disabled")]
fn timer_on_a_runtime_without_time() {
    weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
)]
fn spawn_outside_a_runtime() {
    drop(weft::spawn(async {}));
}

#[test]
fn pause_twice_panics() {
    let err = std::panic::catch_unwind(|| {
        support::current_thread().block_on(async {
            weft::time::pause();
            weft::time::pause();
        })
    });
    assert!(err.is_err());
}
