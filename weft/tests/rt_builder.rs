//! `Builder::{name, on_thread_park, on_thread_unpark, max_io_events_per_tick,
//! unhandled_panic}`, `Handle::{id, name}`: on both schedulers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::runtime::{Builder, Runtime, UnhandledPanic};

/// A builder of each scheduler, with everything enabled.
fn builders() -> [(&'static str, Builder); 2] {
    let mut ct = Builder::new_current_thread();
    ct.enable_all();
    let mut mt = Builder::new_multi_thread();
    mt.worker_threads(2).enable_all();
    [("current_thread", ct), ("multi_thread", mt)]
}

#[test]
fn name_and_id() {
    for (flavor, mut b) in builders() {
        let named = b.name(format!("rt-{flavor}")).build().unwrap();
        let (_, mut b2) = builders().into_iter().find(|(f, _)| *f == flavor).unwrap();
        let unnamed = b2.build().unwrap();
        assert_eq!(
            named.handle().name(),
            Some(&*format!("rt-{flavor}")),
            "{flavor}"
        );
        assert_eq!(unnamed.handle().name(), None, "{flavor}");
        // The id is the runtime's: the same from every handle, inside and outside.
        let inside = named.block_on(async { weft::runtime::Handle::current().id() });
        assert_eq!(inside, named.handle().id(), "{flavor}");
        assert_eq!(named.handle().clone().id(), named.handle().id(), "{flavor}");
        assert_ne!(named.handle().id(), unnamed.handle().id(), "{flavor}");
        assert!(named.handle().id().to_string().parse::<u64>().is_ok());
    }
}

#[test]
#[should_panic(expected = "runtime name shouldn't be empty")]
fn empty_name_panics() {
    Builder::new_current_thread().name("  ");
}

/// Park hooks run on the worker threads, before and after each park; a task spawned by the
/// park hook runs (the worker does not sleep past it).
#[test]
fn park_hooks_run_and_can_spawn() {
    for (flavor, mut b) in builders() {
        let parks = Arc::new(AtomicUsize::new(0));
        let unparks = Arc::new(AtomicUsize::new(0));
        let spawned = Arc::new(weft::sync::Notify::new());
        let once = Arc::new(AtomicBool::new(false));
        let rt = b
            .on_thread_park({
                let parks = parks.clone();
                let spawned = spawned.clone();
                let once = once.clone();
                move || {
                    parks.fetch_add(1, Ordering::SeqCst);
                    if !once.swap(true, Ordering::SeqCst) {
                        let spawned = spawned.clone();
                        weft::spawn(async move { spawned.notify_one() });
                    }
                }
            })
            .on_thread_unpark({
                let unparks = unparks.clone();
                move || {
                    unparks.fetch_add(1, Ordering::SeqCst);
                }
            })
            .build()
            .unwrap();
        // Nothing else wakes this: only the task the park hook spawns.
        rt.block_on(async {
            weft::spawn(async move { spawned.notified().await })
                .await
                .unwrap()
        });
        drop(rt);
        assert!(parks.load(Ordering::SeqCst) >= 1, "{flavor}");
        assert!(unparks.load(Ordering::SeqCst) >= 1, "{flavor}");
    }
}

/// A park hook that wakes the `block_on` future keeps the current-thread runtime from
/// sleeping (the checks for work come after the hook).
#[test]
fn park_hook_wakes_block_on() {
    let notify = Arc::new(weft::sync::Notify::new());
    let rt = Builder::new_current_thread()
        .enable_all()
        .on_thread_park({
            let notify = notify.clone();
            let once = AtomicBool::new(false);
            move || {
                if !once.swap(true, Ordering::SeqCst) {
                    notify.notify_one();
                }
            }
        })
        .build()
        .unwrap();
    rt.block_on(notify.notified());
}

/// With one event per driver poll, many connections still all make progress.
#[test]
fn one_io_event_per_tick() {
    for (flavor, mut b) in builders() {
        let rt = b.max_io_events_per_tick(1).build().unwrap();
        rt.block_on(async {
            let listener = weft::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = weft::spawn(async move {
                for _ in 0..8 {
                    let (mut s, _) = listener.accept().await.unwrap();
                    weft::spawn(async move {
                        let mut buf = [0u8; 4];
                        while s.read_exact(&mut buf).await.is_ok() {
                            s.write_all(&buf).await.unwrap();
                        }
                    });
                }
            });
            let clients: Vec<_> = (0..8)
                .map(|_| {
                    weft::spawn(async move {
                        let mut s = weft::net::TcpStream::connect(addr).await.unwrap();
                        for _ in 0..8 {
                            s.write_all(b"ping").await.unwrap();
                            let mut buf = [0u8; 4];
                            s.read_exact(&mut buf).await.unwrap();
                            assert_eq!(&buf, b"ping");
                        }
                    })
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            server.await.unwrap();
        });
        drop(rt);
        let _ = flavor;
    }
}

#[test]
#[should_panic(expected = "max_io_events_per_tick must be non-zero")]
fn zero_io_events_per_tick_panics() {
    Builder::new_multi_thread().max_io_events_per_tick(0);
}

fn shutdown_on_panic_rt() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .unhandled_panic(UnhandledPanic::ShutdownRuntime)
        .build()
        .unwrap()
}

/// `ShutdownRuntime`: a panicking task cancels the others and the `block_on` panics, even
/// when the panic's `JoinHandle` was dropped; so does every later `block_on`.
#[test]
fn unhandled_panic_shuts_the_runtime_down() {
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let rt = shutdown_on_panic_rt();
    let other_dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(other_dropped.clone());
    rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            drop(weft::spawn(async { panic!("boom") }));
            std::future::pending::<()>().await
        })
    }))
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("runtime is configured to shut down on unhandled panic"),
        "{msg}"
    );
    assert!(other_dropped.load(Ordering::SeqCst));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rt.block_on(async {})));
    assert!(again.is_err());
}

/// `Ignore` (the default) on both schedulers: the panic only reaches its `JoinHandle`.
#[test]
fn unhandled_panic_ignore_keeps_running() {
    for (flavor, mut b) in builders() {
        let rt = b.unhandled_panic(UnhandledPanic::Ignore).build().unwrap();
        let out = rt.block_on(async {
            let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
            assert!(err.is_panic());
            weft::spawn(async { 7 }).await.unwrap()
        });
        assert_eq!(out, 7, "{flavor}");
    }
}

#[test]
#[should_panic(expected = "only supported in current thread runtime")]
fn shutdown_runtime_on_multi_thread_panics() {
    Builder::new_multi_thread().unhandled_panic(UnhandledPanic::ShutdownRuntime);
}

#[test]
fn runtime_and_handle_are_unwind_safe() {
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    fn sync<T: Sync>() {}
    unwind_safe::<Runtime>();
    unwind_safe::<weft::runtime::Handle>();
    sync::<weft::runtime::EnterGuard<'static>>();
}

/// The attribute arguments reach the builder.
#[weft::test(flavor = "current_thread", name = "named-by-attr")]
async fn test_attribute_name() {
    assert_eq!(
        weft::runtime::Handle::current().name(),
        Some("named-by-attr")
    );
}

#[weft::test(flavor = "multi_thread", worker_threads = 2, name = "mt-named")]
async fn test_attribute_name_multi_thread() {
    assert_eq!(weft::runtime::Handle::current().name(), Some("mt-named"));
}

#[weft::test(flavor = "current_thread", unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "runtime is configured to shut down on unhandled panic")]
async fn test_attribute_unhandled_panic() {
    weft::spawn(async { panic!("boom") });
    std::future::pending::<()>().await;
}
