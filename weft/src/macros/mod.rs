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
}
