//! `pin!`.

/// Pins a value on the stack.
///
/// Calls to `async fn` return anonymous [`Future`] values that are `!Unpin`. These values
/// must be pinned before they can be polled, for example with `(&mut fut).await` in a
/// [`select!`] loop. `pin!(fut)` moves `fut` into the stack frame and shadows the name with a
/// `Pin<&mut _>` to it, so the original can never be moved again.
///
/// Several values can be pinned at once, `pin!(a, b)`, and values can be declared and pinned
/// in one go with `let` statements.
///
/// [`Future`]: std::future::Future
/// [`select!`]: crate::select!
///
/// # Examples
///
/// ```
/// async fn my_async_fn() -> u32 {
///     3
/// }
///
/// #[weft::main]
/// async fn main() {
///     let future = my_async_fn();
///     weft::pin!(future);
///     // `future` is now `Pin<&mut impl Future<Output = u32>>`: it can be polled by reference.
///     assert_eq!((&mut future).await, 3);
/// }
/// ```
///
/// Declaring and pinning in one step:
///
/// ```
/// #[weft::main]
/// async fn main() {
///     weft::pin! {
///         let a = async { 1 };
///         let b = async { 2 };
///     }
///     assert_eq!(a.await + b.await, 3);
/// }
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        // `core::pin::pin!` moves the value into a temporary that lives as long as this
        // binding; shadowing the name means nothing can move it again.
        #[allow(unused_mut)]
        let mut $x = $crate::macros::support::pin!($x);
    )* };
    ($(
        let $x:ident = $init:expr;
    )*) => { $(
        let $x = $init;
        $crate::pin!($x);
    )* };
}
