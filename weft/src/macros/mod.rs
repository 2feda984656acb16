//! `select!`, `join!`, `try_join!` and `pin!`, and what their expansions need.
//!
//! The macros are `#[macro_export]`ed, so they live at the crate root (`weft::select!`). Their
//! expansions reach helpers through `$crate::macros::support`, which is public only so that
//! the expansions in users' crates can name it; it is not part of weft's API.

#[cfg(doctest)]
mod compile_fail;
mod join;
mod maybe_done;
mod pin;
mod select;
mod try_join;

#[doc(hidden)]
pub mod support;

// The macros expanded inside weft itself, where weft's own lints (and clippy's) apply to the
// expansion: keeps them warning-free for internal use.
#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use std::future::{pending, ready};

    #[test]
    fn expansions_are_lint_clean_inside_the_crate() {
        block_on(async {
            let v = crate::select! {
                Some(v) = ready(Some(1)) => v,
                _ = pending::<()>() => 0,
            };
            assert_eq!(v, 1);
            let v = crate::select! {
                biased;
                mut x = ready(1) => { x += 1; x }
                else => 0,
            };
            assert_eq!(v, 2);
            let single = crate::select! { v = ready(3) => v };
            assert_eq!(single, 3);
            assert_eq!(crate::join!(ready(1), ready(2)), (1, 2));
            assert_eq!(crate::join!(ready(1)), (1,));
            assert_eq!(crate::join!(biased; ready(1)), (1,));
            let r: Result<(u8, u8), ()> = crate::try_join!(ready(Ok(1)), ready(Ok(2)));
            assert_eq!(r, Ok((1, 2)));
            let fut = ready(4);
            crate::pin!(fut);
            assert_eq!(fut.await, 4);
        });
    }

    /// A waker that counts its wakes.
    fn counting_waker() -> (
        std::task::Waker,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        struct Count(Arc<AtomicUsize>);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let n = Arc::new(AtomicUsize::new(0));
        (Arc::new(Count(n.clone())).into(), n)
    }

    #[test]
    fn select_yields_when_the_budget_is_spent() {
        use std::future::Future;
        use std::sync::atomic::Ordering;
        use std::task::{Context, Poll};

        let (waker, wakes) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        crate::runtime::coop::budget(|| {
            // Spend the whole budget, as a busy task would.
            while let Poll::Ready(mut restore) = crate::runtime::coop::poll_proceed(&mut cx) {
                restore.made_progress();
            }
            let wakes_before = wakes.load(Ordering::SeqCst);
            let polled = std::cell::Cell::new(false);
            let fut = async {
                crate::select! {
                    _ = async { polled.set(true) } => 1,
                }
            };
            let mut fut = std::pin::pin!(fut);
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            assert!(!polled.get(), "no branch is polled without budget");
            assert_eq!(
                wakes.load(Ordering::SeqCst),
                wakes_before + 1,
                "the task is woken to run again"
            );

            // With a fresh budget (the next poll of the task) it completes.
            crate::runtime::coop::budget(|| {
                assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(1));
            });
        });
    }
}
