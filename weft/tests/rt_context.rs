//! The runtime context where tokio has it: inside `spawn_blocking`, `worker_index`,
//! `is_rt_shutdown_err`, `block_in_place` refused inside a `LocalSet`, `spawn_local` on a
//! `LocalRuntime` from any of its tasks. On both schedulers.

mod support;

use std::rc::Rc;
use weft::runtime::{Builder, Handle, LocalRuntime};
use weft::task::LocalSet;

rt_test! {
    /// The blocking closure runs in the runtime's context: it can spawn, find the handle and
    /// create I/O resources, as in tokio.
    async fn spawn_inside_spawn_blocking() {
        let outer = Handle::current().id();
        let (id, out) = weft::task::spawn_blocking(|| {
            let id = Handle::current().id();
            let task = weft::spawn(async { 6 * 7 });
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let listener = weft::net::TcpListener::from_std(listener).unwrap();
            drop(listener);
            (id, Handle::current().block_on(task).unwrap())
        })
        .await
        .unwrap();
        assert_eq!(id, outer);
        assert_eq!(out, 42);
    }

    async fn worker_index_on_workers() {
        let flavor = Handle::current().runtime_flavor();
        let workers = Handle::current().metrics().num_workers();
        let index = weft::spawn(async { weft::runtime::worker_index() }).await.unwrap();
        assert!(matches!(index, Some(i) if i < workers), "{index:?}");
        let in_blocking = weft::task::spawn_blocking(weft::runtime::worker_index).await.unwrap();
        assert_eq!(in_blocking, None);
        // `block_on` itself is the worker only on the current-thread runtime.
        let here = weft::runtime::worker_index();
        match flavor {
            weft::runtime::RuntimeFlavor::CurrentThread => assert_eq!(here, Some(0)),
            _ => assert_eq!(here, None),
        }
    }

    /// A listener whose runtime is gone fails with an error `is_rt_shutdown_err` recognises;
    /// other errors are not it.
    async fn shutdown_error_is_recognised() {
        let listener = std::thread::spawn(|| {
            let rt = support::current_thread();
            let l = rt.block_on(weft::net::TcpListener::bind("127.0.0.1:0")).unwrap();
            drop(rt);
            l
        })
        .join()
        .unwrap();
        let err = listener.accept().await.unwrap_err();
        assert!(weft::runtime::is_rt_shutdown_err(&err), "{err}");
        assert!(!weft::runtime::is_rt_shutdown_err(&std::io::Error::other(err.to_string())));
        let join_err = weft::spawn(async { panic!("x") }).await.unwrap_err();
        assert!(!weft::runtime::is_rt_shutdown_err(&join_err.into()));
    }

    /// Blocking in place inside a `LocalSet` would stall the set's other tasks: it panics
    /// (with tokio's words), in `run_until` and in a local task.
    async fn block_in_place_in_local_set_panics() {
        let local = LocalSet::new();
        let res = local
            .run_until(async {
                std::panic::catch_unwind(|| weft::task::block_in_place(|| {})).map_err(|e| {
                    e.downcast_ref::<&str>().map(|s| s.to_string()).unwrap_or_default()
                })
            })
            .await;
        let msg = res.unwrap_err();
        assert!(msg.contains("can call blocking only when running on the multi-threaded runtime"), "{msg}");
        let task = local.spawn_local(async { weft::task::block_in_place(|| {}) });
        local.await;
        assert!(task.await.unwrap_err().is_panic());
    }
}

#[test]
fn worker_index_outside_and_in_handle_block_on() {
    assert_eq!(weft::runtime::worker_index(), None);
    let rt = Builder::new_current_thread().build().unwrap();
    assert_eq!(
        rt.handle()
            .block_on(async { weft::runtime::worker_index() }),
        None
    );
    let rt = support::multi_thread();
    assert_eq!(
        rt.handle()
            .block_on(async { weft::runtime::worker_index() }),
        None
    );
}

/// On a `LocalRuntime`, `spawn_local` works from `Send` tasks of the runtime and under
/// `enter()`, not only inside `block_on`'s own future.
#[test]
fn spawn_local_on_local_runtime_from_a_send_task() {
    let rt = LocalRuntime::new().unwrap();
    let from_guard = {
        let _guard = rt.enter();
        weft::task::spawn_local(async { Rc::new(1) })
    };
    let out = rt.block_on(async move {
        let a = *from_guard.await.unwrap();
        let b = weft::spawn(async {
            // A `Send` task; what it spawns locally runs on this thread too.
            let inner = weft::task::spawn_local(async { *Rc::new(2) });
            inner.await.unwrap()
        })
        .await
        .unwrap();
        a + b
    });
    assert_eq!(out, 3);
}

#[test]
#[should_panic(expected = "Local tasks can only be spawned on a LocalRuntime from the thread")]
fn spawn_local_from_another_thread_panics() {
    let (tx, rx) = std::sync::mpsc::channel();
    let owner = std::thread::spawn(move || {
        let rt = LocalRuntime::new().unwrap();
        tx.send(rt.handle().clone()).unwrap();
        // Keep the runtime alive until the other thread tried.
        std::thread::park();
    });
    let handle = rx.recv().unwrap();
    let _guard = handle.enter();
    let res = std::panic::catch_unwind(|| drop(weft::task::spawn_local(async {})));
    owner.thread().unpark();
    owner.join().unwrap();
    std::panic::resume_unwind(res.unwrap_err());
}

#[test]
#[should_panic(
    expected = "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
)]
fn spawn_local_outside_panics() {
    support::current_thread().block_on(async {
        drop(weft::task::spawn_local(async {}));
    });
}
