//! `select!`: branch choice, patterns, preconditions, `else`, `biased;`, fairness, drop order.
//!
//! These run on `futures::executor::block_on` (the macro polls in the caller's task, whatever
//! the executor); the runtime-specific checks are in `macros_rt.rs`.

use futures::executor::block_on;
use std::cell::Cell;
use std::future::{pending, ready, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Ready on the `n`-th poll (1-based).
struct ReadyAfter {
    polls_left: u32,
}

impl Future for ReadyAfter {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls_left -= 1;
        if self.polls_left == 0 {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn ready_after(n: u32) -> ReadyAfter {
    ReadyAfter { polls_left: n }
}

#[test]
fn first_ready_branch_wins_and_handler_gets_binding() {
    let out = block_on(async {
        weft::select! {
            v = pending::<u32>() => v,
            v = ready(5u32) => v * 2,
        }
    });
    assert_eq!(out, 10);
}

#[test]
fn single_branch() {
    assert_eq!(
        block_on(async {
            weft::select! { v = ready(3) => v }
        }),
        3
    );
}

#[test]
fn later_completion_wins_when_others_pending() {
    let out = block_on(async {
        weft::select! {
            _ = pending::<()>() => "pending",
            _ = ready_after(3) => "third poll",
        }
    });
    assert_eq!(out, "third poll");
}

#[test]
fn non_matching_pattern_disables_branch_and_others_continue() {
    let out = block_on(async {
        weft::select! {
            Some(v) = ready(None::<u32>) => v,
            _ = ready_after(2) => 99,
        }
    });
    assert_eq!(out, 99);
}

#[test]
fn else_runs_when_all_patterns_fail() {
    let out = block_on(async {
        weft::select! {
            Some(v) = ready(None::<u32>) => v,
            Ok(v) = ready(Err::<u32, ()>(())) => v,
            else => 7,
        }
    });
    assert_eq!(out, 7);
}

#[test]
fn precondition_false_disables_branch_without_polling() {
    let polled = Cell::new(false);
    let out = block_on(async {
        weft::select! {
            v = async { polled.set(true); 1 }, if false => v,
            v = ready_after(2), if true => { let () = v; 2 },
        }
    });
    assert_eq!(out, 2);
    assert!(
        !polled.get(),
        "a disabled branch's future must not be polled"
    );
}

#[test]
fn disabled_branch_future_is_still_evaluated() {
    let evaluated = Cell::new(false);
    let out = block_on(async {
        weft::select! {
            _ = { evaluated.set(true); ready(()) }, if false => 1,
            else => 2,
        }
    });
    assert_eq!(out, 2);
    assert!(evaluated.get());
}

#[test]
fn preconditions_run_before_futures_are_created() {
    let order = std::cell::RefCell::new(Vec::new());
    block_on(async {
        weft::select! {
            _ = { order.borrow_mut().push("fut a"); ready(()) }, if { order.borrow_mut().push("cond a"); true } => {},
            _ = { order.borrow_mut().push("fut b"); ready(()) }, if { order.borrow_mut().push("cond b"); true } => {},
        }
    });
    assert_eq!(*order.borrow(), ["cond a", "cond b", "fut a", "fut b"]);
}

#[test]
fn else_only() {
    assert_eq!(
        block_on(async {
            weft::select! { else => 4 }
        }),
        4
    );
    assert_eq!(
        block_on(async {
            weft::select! { biased; else => 5, }
        }),
        5
    );
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn all_disabled_without_else_panics() {
    block_on(async {
        weft::select! {
            Some(v) = ready(None::<u32>) => v,
            v = ready(1), if false => v,
        }
    });
}

#[test]
fn biased_polls_in_order() {
    for _ in 0..100 {
        let out = block_on(async {
            weft::select! {
                biased;
                _ = ready(()) => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
            }
        });
        assert_eq!(out, 0);
    }
}

#[test]
fn biased_records_poll_order() {
    let order = std::cell::RefCell::new(Vec::new());
    let probe = |i: u32| {
        let order = &order;
        std::future::poll_fn(move |_| {
            order.borrow_mut().push(i);
            Poll::<()>::Pending
        })
    };
    block_on(async {
        weft::select! {
            biased;
            _ = probe(0) => {},
            _ = probe(1) => {},
            _ = probe(2) => {},
            _ = ready(()) => {},
        }
    });
    assert_eq!(*order.borrow(), [0, 1, 2]);
}

#[test]
fn unbiased_start_is_random_and_every_branch_wins() {
    // Every branch is always ready, so the winner is the branch polled first.
    let mut wins = [0u32; 4];
    for _ in 0..400 {
        let i = block_on(async {
            weft::select! {
                _ = ready(()) => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
                _ = ready(()) => 3,
            }
        });
        wins[i] += 1;
    }
    assert!(
        wins.iter().all(|&w| w > 0),
        "some branch never won: {wins:?}"
    );
}

#[test]
fn losing_futures_are_dropped_before_the_handler_runs() {
    struct Flag(Rc<Cell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = Rc::new(Cell::new(false));
    let flag = Flag(dropped.clone());
    let seen_in_handler = block_on(async {
        weft::select! {
            _ = async move { let _f = flag; pending::<()>().await } => unreachable!(),
            _ = ready(()) => dropped.get(),
        }
    });
    assert!(seen_in_handler);
}

#[test]
fn handler_can_borrow_what_the_future_borrowed_mutably() {
    let mut value = 1;
    block_on(async {
        weft::select! {
            _ = async { value += 1 } => { value += 10 },
        }
    });
    assert_eq!(value, 12);
}

#[test]
fn handler_may_break_continue_and_return() {
    let out = block_on(async {
        let mut n = 0;
        loop {
            weft::select! {
                _ = ready(()), if n < 3 => { n += 1; continue; }
                else => break n * 100,
            }
        }
    });
    assert_eq!(out, 300);

    async fn early() -> Result<u32, &'static str> {
        weft::select! {
            r = ready(Err("bad")) => { let _: u32 = r?; }
        }
        Ok(1)
    }
    assert_eq!(block_on(early()), Err("bad"));
}

#[test]
fn mut_and_ref_bindings() {
    let out = block_on(async {
        weft::select! {
            (mut a, ref b) = ready((1, String::from("x"))) => { a += 1; format!("{a}{b}") }
        }
    });
    assert_eq!(out, "2x");
}

#[test]
fn or_patterns_and_non_copy_outputs() {
    #[allow(dead_code)]
    enum E {
        A(String),
        B(String),
        C,
    }
    let out = block_on(async {
        weft::select! {
            E::A(s) | E::B(s) = ready(E::B("b".to_string())) => s,
            else => String::from("none"),
        }
    });
    assert_eq!(out, "b");
}

#[test]
fn reuse_a_pinned_future_across_iterations() {
    let out = block_on(async {
        let slow = ready_after(5);
        weft::pin!(slow);
        let mut ticks = 0;
        let mut done = false;
        loop {
            weft::select! {
                biased;
                _ = &mut slow, if !done => { done = true; }
                _ = ready(()), if !done => { ticks += 1; }
                else => break ticks,
            }
        }
    });
    assert!(out >= 1);
}

#[test]
fn into_future_values_are_accepted() {
    struct Seven;
    impl std::future::IntoFuture for Seven {
        type Output = u32;
        type IntoFuture = std::future::Ready<u32>;
        fn into_future(self) -> Self::IntoFuture {
            ready(7)
        }
    }
    assert_eq!(
        block_on(async {
            weft::select! { v = Seven => v }
        }),
        7
    );
}

#[test]
fn sixty_four_branches() {
    let out = block_on(async {
        weft::select! {
            biased;
            _ = pending::<()>() => 0, _ = pending::<()>() => 1, _ = pending::<()>() => 2, _ = pending::<()>() => 3,
            _ = pending::<()>() => 4, _ = pending::<()>() => 5, _ = pending::<()>() => 6, _ = pending::<()>() => 7,
            _ = pending::<()>() => 8, _ = pending::<()>() => 9, _ = pending::<()>() => 10, _ = pending::<()>() => 11,
            _ = pending::<()>() => 12, _ = pending::<()>() => 13, _ = pending::<()>() => 14, _ = pending::<()>() => 15,
            _ = pending::<()>() => 16, _ = pending::<()>() => 17, _ = pending::<()>() => 18, _ = pending::<()>() => 19,
            _ = pending::<()>() => 20, _ = pending::<()>() => 21, _ = pending::<()>() => 22, _ = pending::<()>() => 23,
            _ = pending::<()>() => 24, _ = pending::<()>() => 25, _ = pending::<()>() => 26, _ = pending::<()>() => 27,
            _ = pending::<()>() => 28, _ = pending::<()>() => 29, _ = pending::<()>() => 30, _ = pending::<()>() => 31,
            _ = pending::<()>() => 32, _ = pending::<()>() => 33, _ = pending::<()>() => 34, _ = pending::<()>() => 35,
            _ = pending::<()>() => 36, _ = pending::<()>() => 37, _ = pending::<()>() => 38, _ = pending::<()>() => 39,
            _ = pending::<()>() => 40, _ = pending::<()>() => 41, _ = pending::<()>() => 42, _ = pending::<()>() => 43,
            _ = pending::<()>() => 44, _ = pending::<()>() => 45, _ = pending::<()>() => 46, _ = pending::<()>() => 47,
            _ = pending::<()>() => 48, _ = pending::<()>() => 49, _ = pending::<()>() => 50, _ = pending::<()>() => 51,
            _ = pending::<()>() => 52, _ = pending::<()>() => 53, _ = pending::<()>() => 54, _ = pending::<()>() => 55,
            _ = pending::<()>() => 56, _ = pending::<()>() => 57, _ = pending::<()>() => 58, _ = pending::<()>() => 59,
            _ = pending::<()>() => 60, _ = pending::<()>() => 61, _ = pending::<()>() => 62, v = ready(63) => v,
        }
    });
    assert_eq!(out, 63);
}

#[test]
fn mut_ref_patterns_inside_enums() {
    block_on(async {
        weft::select! {
            Some(mut foo) = async { Some("1".to_string()) } => {
                foo.push('1');
                assert_eq!(foo, "11");
            }
        };
        weft::select! {
            Some(ref foo) = async { Some("1".to_string()) } => {
                assert_eq!(foo, "1");
            }
        };
        weft::select! {
            Some(ref mut foo) = async { Some("1".to_string()) } => {
                foo.push('1');
                assert_eq!(foo, "11");
            }
        };
    });
}

#[test]
fn temporary_lifetime_extension_of_the_async_expression() {
    block_on(async {
        weft::select! {
            () = &mut std::future::ready(()) => {},
        }
    });
}

#[test]
fn nested_select_and_join() {
    let out = block_on(async {
        weft::select! {
            x = async {
                weft::select! {
                    y = async { weft::join!(ready(1), ready(2)) } => y.0 + y.1,
                }
            } => x * 10,
        }
    });
    assert_eq!(out, 30);
}

#[test]
fn branch_forms_with_and_without_commas() {
    let out = block_on(async {
        let a = weft::select! { v = ready(1) => v, };
        let b = weft::select! { v = ready(2) => { v } };
        let c = weft::select! { v = ready(3) => { v }, };
        let d = weft::select! {
            v = ready(4), if true => { v }
            w = pending::<u32>(), if true => w
        };
        a + b + c + d
    });
    assert_eq!(out, 10);
}
