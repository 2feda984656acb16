//! `task_local!`: the value is visible exactly while its scope is entered, travels with the
//! future, nests, and is dropped where tokio drops it.

use futures::executor::block_on;
use std::cell::RefCell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll};

weft::task_local! {
    static NUMBER: u32;
    /// Documented, public key.
    pub static NAME: String;
}

weft::task_local! {
    static LOG_ON_DROP: DropLogger
}

/// Yields once (pending, wakes itself), then completes.
fn yield_once() -> impl Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}

fn noop_cx() -> Context<'static> {
    Context::from_waker(futures::task::noop_waker_ref())
}

#[test]
fn value_visible_only_while_polled() {
    let fut = NUMBER.scope(7, async {
        assert_eq!(NUMBER.get(), 7);
        yield_once().await;
        assert_eq!(NUMBER.get(), 7);
        NUMBER.get() + 1
    });
    let mut fut = pin!(fut);
    let mut cx = noop_cx();
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    // Between polls the value is back inside the future.
    assert!(NUMBER.try_get().is_err());
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(8));
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn nested_scopes_restore_the_outer_value() {
    block_on(NUMBER.scope(1, async {
        assert_eq!(NUMBER.get(), 1);
        NUMBER
            .scope(2, async {
                assert_eq!(NUMBER.get(), 2);
                yield_once().await;
                assert_eq!(NUMBER.get(), 2);
            })
            .await;
        assert_eq!(NUMBER.get(), 1);
    }));
}

#[test]
fn interleaved_futures_each_see_their_own_value() {
    let a = NUMBER.scope(1, async {
        for _ in 0..3 {
            assert_eq!(NUMBER.get(), 1);
            yield_once().await;
        }
        NUMBER.get()
    });
    let b = NUMBER.scope(2, async {
        for _ in 0..3 {
            assert_eq!(NUMBER.get(), 2);
            yield_once().await;
        }
        NUMBER.get()
    });
    assert_eq!(block_on(async { weft::join!(a, b) }), (1, 2));
}

#[test]
fn different_keys_are_independent() {
    block_on(NUMBER.scope(
        3,
        NAME.scope("n".into(), async {
            assert_eq!(NUMBER.get(), 3);
            assert_eq!(NAME.with(|s| s.clone()), "n");
        }),
    ));
}

#[test]
fn value_travels_with_the_future_across_threads() {
    let fut = NUMBER.scope(9, async {
        yield_once().await;
        NUMBER.get()
    });
    let mut fut = Box::pin(fut);
    assert!(fut.as_mut().poll(&mut noop_cx()).is_pending());
    let out = std::thread::spawn(move || block_on(fut)).join().unwrap();
    assert_eq!(out, 9);
}

#[test]
fn sync_scope_sets_and_clears() {
    assert_eq!(NUMBER.sync_scope(4, || NUMBER.get()), 4);
    assert!(NUMBER.try_get().is_err());
    let nested = NUMBER.sync_scope(1, || NUMBER.sync_scope(2, || NUMBER.get()) + NUMBER.get());
    assert_eq!(nested, 3);
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn with_outside_scope_panics() {
    NUMBER.with(|_| ());
}

#[test]
#[should_panic(
    expected = "cannot enter a task-local scope while the task-local storage is borrowed"
)]
fn scope_inside_with_panics() {
    NUMBER.sync_scope(1, || NUMBER.with(|_| NUMBER.sync_scope(2, || ())));
}

#[test]
fn value_restored_after_a_panic_inside_the_scope() {
    let res = std::panic::catch_unwind(|| NUMBER.sync_scope(1, || panic!("inside")));
    assert!(res.is_err());
    assert!(NUMBER.try_get().is_err());
    let res = std::panic::catch_unwind(|| {
        NUMBER.sync_scope(1, || {
            let _ = std::panic::catch_unwind(|| NUMBER.sync_scope(2, || panic!("inner")));
            NUMBER.get()
        })
    });
    assert_eq!(res.unwrap(), 1);
}

#[test]
fn access_error_display() {
    let err = NUMBER.try_with(|_| ()).unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    assert_eq!(format!("{err:?}"), "AccessError");
}

struct DropLogger(Rc<RefCell<Vec<String>>>, &'static str);

impl Drop for DropLogger {
    fn drop(&mut self) {
        // Whether the task-local is visible while this value is dropped.
        let visible = LOG_ON_DROP.try_with(|_| ()).is_ok();
        self.0
            .borrow_mut()
            .push(format!("{} dropped, key visible: {visible}", self.1));
    }
}

#[test]
fn dropping_unfinished_future_drops_it_inside_the_scope_then_the_value() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let inner = DropLogger(log.clone(), "future state");
    let fut = LOG_ON_DROP.scope(DropLogger(log.clone(), "value"), async move {
        let _held = inner;
        std::future::pending::<()>().await;
    });
    let mut fut = Box::pin(fut);
    assert!(fut.as_mut().poll(&mut noop_cx()).is_pending());
    drop(fut);
    assert_eq!(
        *log.borrow(),
        [
            "future state dropped, key visible: true",
            "value dropped, key visible: false"
        ]
    );
}

#[test]
fn completed_future_is_dropped_inside_the_scope() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let inner = DropLogger(log.clone(), "future state");
    let fut = LOG_ON_DROP.scope(DropLogger(log.clone(), "value"), async move {
        let _held = inner;
    });
    let mut fut = Box::pin(fut);
    assert!(fut.as_mut().poll(&mut noop_cx()).is_ready());
    assert_eq!(*log.borrow(), ["future state dropped, key visible: true"]);
    let value = fut
        .as_mut()
        .take_value()
        .expect("value still there after completion");
    assert_eq!(value.1, "value");
    assert!(fut.as_mut().take_value().is_none());
}

#[test]
fn take_value_before_polling_runs_the_future_without_a_value() {
    let mut fut = Box::pin(NUMBER.scope(5, async { NUMBER.try_get() }));
    assert_eq!(fut.as_mut().take_value(), Some(5));
    assert!(block_on(fut).is_err());
}

#[test]
#[should_panic(expected = "`TaskLocalFuture` polled after completion")]
fn poll_after_completion_panics() {
    let mut fut = Box::pin(NUMBER.scope(5, async {}));
    let mut cx = noop_cx();
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    let _ = fut.as_mut().poll(&mut cx);
}

#[test]
fn debug_formats() {
    let fut = NUMBER.scope(5, async {});
    assert_eq!(format!("{fut:?}"), "TaskLocalFuture { value: 5 }");
    assert_eq!(format!("{:?}", NUMBER), "LocalKey { .. }");
    let mut fut: Pin<Box<_>> = Box::pin(fut);
    fut.as_mut().take_value();
    assert_eq!(format!("{fut:?}"), "TaskLocalFuture { value: <taken> }");
}

#[test]
fn the_future_type_is_nameable_at_tokios_paths() {
    let fut: weft::task::futures::TaskLocalFuture<u32, std::future::Ready<()>> =
        NUMBER.scope(1, std::future::ready(()));
    block_on(fut);
    let _: &weft::task::LocalKey<u32> = &NUMBER;
}
