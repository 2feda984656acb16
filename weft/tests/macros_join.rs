//! `join!`, `try_join!` and `pin!` on `futures::executor::block_on` (they poll in the caller's
//! task, whatever the executor); the runtime-specific checks are in `macros_rt.rs`.

use futures::executor::block_on;
use std::cell::RefCell;
use std::future::{pending, ready, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Records its index each time it is polled; ready after `polls` polls.
struct Probe {
    id: u32,
    polls: u32,
    log: Rc<RefCell<Vec<u32>>>,
}

impl Future for Probe {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.log.borrow_mut().push(self.id);
        self.polls -= 1;
        if self.polls == 0 {
            Poll::Ready(self.id)
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn probe(id: u32, polls: u32, log: &Rc<RefCell<Vec<u32>>>) -> Probe {
    Probe {
        id,
        polls,
        log: log.clone(),
    }
}

#[test]
fn join_returns_all_outputs_in_order() {
    let out = block_on(async { weft::join!(async { 1 }, ready("two"), async { 3.0 }) });
    assert_eq!(out, (1, "two", 3.0));
}

#[test]
fn join_empty_and_single() {
    let () = block_on(async { weft::join!() });
    let () = block_on(async { weft::join!(biased;) });
    assert_eq!(block_on(async { weft::join!(ready(1)) }), (1,));
    assert_eq!(block_on(async { weft::join!(ready(1),) }), (1,));
}

#[test]
fn join_waits_for_the_slowest_and_polls_each_until_done() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let out = block_on(async { weft::join!(probe(0, 1, &log), probe(1, 3, &log)) });
    assert_eq!(out, (0, 1));
    let log = log.borrow();
    assert_eq!(
        log.iter().filter(|&&i| i == 0).count(),
        1,
        "a done future is not polled again"
    );
    assert_eq!(log.iter().filter(|&&i| i == 1).count(), 3);
}

#[test]
fn join_rotates_the_first_future_polled() {
    let log = Rc::new(RefCell::new(Vec::new()));
    block_on(async { weft::join!(probe(0, 3, &log), probe(1, 3, &log), probe(2, 3, &log)) });
    assert_eq!(*log.borrow(), [0, 1, 2, 1, 2, 0, 2, 0, 1]);
}

#[test]
fn join_biased_always_starts_with_the_first() {
    let log = Rc::new(RefCell::new(Vec::new()));
    block_on(async {
        weft::join!(biased; probe(0, 3, &log), probe(1, 3, &log), probe(2, 3, &log))
    });
    assert_eq!(*log.borrow(), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
}

#[test]
fn join_drops_a_future_when_it_completes() {
    struct Guard(Rc<RefCell<Vec<&'static str>>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.borrow_mut().push("guard dropped");
        }
    }
    struct HoldsGuard(#[allow(dead_code)] Option<Guard>);
    impl Future for HoldsGuard {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Ready(())
        }
    }
    let log = Rc::new(RefCell::new(Vec::new()));
    let guard = HoldsGuard(Some(Guard(log.clone())));
    let log2 = log.clone();
    block_on(async {
        weft::join!(biased; guard, async {
            // Yield once so the first future completes while this one is still running.
            let mut yielded = false;
            std::future::poll_fn(|cx| {
                if yielded {
                    Poll::Ready(())
                } else {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            })
            .await;
            log2.borrow_mut().push("second done");
        })
    });
    assert_eq!(*log.borrow(), ["guard dropped", "second done"]);
}

#[test]
fn try_join_all_ok() {
    let out = block_on(async {
        weft::try_join!(async { Ok::<_, String>(1) }, async { Ok::<_, String>("a") })
    });
    assert_eq!(out, Ok((1, "a")));
}

#[test]
fn try_join_empty() {
    let out: Result<(), ()> = block_on(async { weft::try_join!() });
    assert_eq!(out, Ok(()));
}

#[test]
fn try_join_short_circuits_on_first_error() {
    let out = block_on(async {
        weft::try_join!(async { pending::<Result<u32, &str>>().await }, async {
            Err::<u32, _>("boom")
        },)
    });
    assert_eq!(out, Err("boom"));
}

#[test]
fn try_join_error_after_others_succeed() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let out = block_on(async {
        weft::try_join!(biased; async { Ok::<u32, &str>(probe(0, 1, &l).await) }, async {
            probe(1, 3, &l).await;
            Err::<u32, _>("late")
        })
    });
    assert_eq!(out, Err("late"));
}

#[test]
fn try_join_biased_first_error_wins() {
    let out =
        block_on(async { weft::try_join!(biased; ready(Err::<(), _>(1)), ready(Err::<(), _>(2))) });
    assert_eq!(out, Err(1));
}

#[test]
fn pin_macro_forms() {
    block_on(async {
        let fut = async { 1 };
        weft::pin!(fut);
        assert_eq!((&mut fut).await, 1);

        let (a, b) = (async { 2 }, async { 3 });
        weft::pin!(a, b);
        assert_eq!(a.as_mut().await + b.as_mut().await, 5);

        weft::pin! {
            let c = async { 4 };
            let d = async { 5 };
        }
        assert_eq!(c.await + d.await, 9);
    });
}
