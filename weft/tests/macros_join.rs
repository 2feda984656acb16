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

#[test]
fn sixty_four_futures() {
    let t = block_on(async {
        weft::join!(
            ready(0u32),
            ready(1u32),
            ready(2u32),
            ready(3u32),
            ready(4u32),
            ready(5u32),
            ready(6u32),
            ready(7u32),
            ready(8u32),
            ready(9u32),
            ready(10u32),
            ready(11u32),
            ready(12u32),
            ready(13u32),
            ready(14u32),
            ready(15u32),
            ready(16u32),
            ready(17u32),
            ready(18u32),
            ready(19u32),
            ready(20u32),
            ready(21u32),
            ready(22u32),
            ready(23u32),
            ready(24u32),
            ready(25u32),
            ready(26u32),
            ready(27u32),
            ready(28u32),
            ready(29u32),
            ready(30u32),
            ready(31u32),
            ready(32u32),
            ready(33u32),
            ready(34u32),
            ready(35u32),
            ready(36u32),
            ready(37u32),
            ready(38u32),
            ready(39u32),
            ready(40u32),
            ready(41u32),
            ready(42u32),
            ready(43u32),
            ready(44u32),
            ready(45u32),
            ready(46u32),
            ready(47u32),
            ready(48u32),
            ready(49u32),
            ready(50u32),
            ready(51u32),
            ready(52u32),
            ready(53u32),
            ready(54u32),
            ready(55u32),
            ready(56u32),
            ready(57u32),
            ready(58u32),
            ready(59u32),
            ready(60u32),
            ready(61u32),
            ready(62u32),
            ready(63u32)
        )
    });
    assert_eq!((t.0, t.31, t.63), (0, 31, 63));
    let r: Result<_, ()> = block_on(async {
        weft::try_join!(
            ready(Ok(0u32)),
            ready(Ok(1u32)),
            ready(Ok(2u32)),
            ready(Ok(3u32)),
            ready(Ok(4u32)),
            ready(Ok(5u32)),
            ready(Ok(6u32)),
            ready(Ok(7u32)),
            ready(Ok(8u32)),
            ready(Ok(9u32)),
            ready(Ok(10u32)),
            ready(Ok(11u32)),
            ready(Ok(12u32)),
            ready(Ok(13u32)),
            ready(Ok(14u32)),
            ready(Ok(15u32)),
            ready(Ok(16u32)),
            ready(Ok(17u32)),
            ready(Ok(18u32)),
            ready(Ok(19u32)),
            ready(Ok(20u32)),
            ready(Ok(21u32)),
            ready(Ok(22u32)),
            ready(Ok(23u32)),
            ready(Ok(24u32)),
            ready(Ok(25u32)),
            ready(Ok(26u32)),
            ready(Ok(27u32)),
            ready(Ok(28u32)),
            ready(Ok(29u32)),
            ready(Ok(30u32)),
            ready(Ok(31u32)),
            ready(Ok(32u32)),
            ready(Ok(33u32)),
            ready(Ok(34u32)),
            ready(Ok(35u32)),
            ready(Ok(36u32)),
            ready(Ok(37u32)),
            ready(Ok(38u32)),
            ready(Ok(39u32)),
            ready(Ok(40u32)),
            ready(Ok(41u32)),
            ready(Ok(42u32)),
            ready(Ok(43u32)),
            ready(Ok(44u32)),
            ready(Ok(45u32)),
            ready(Ok(46u32)),
            ready(Ok(47u32)),
            ready(Ok(48u32)),
            ready(Ok(49u32)),
            ready(Ok(50u32)),
            ready(Ok(51u32)),
            ready(Ok(52u32)),
            ready(Ok(53u32)),
            ready(Ok(54u32)),
            ready(Ok(55u32)),
            ready(Ok(56u32)),
            ready(Ok(57u32)),
            ready(Ok(58u32)),
            ready(Ok(59u32)),
            ready(Ok(60u32)),
            ready(Ok(61u32)),
            ready(Ok(62u32)),
            ready(Ok(63u32))
        )
    });
    assert_eq!(r.unwrap().63, 63);
}
