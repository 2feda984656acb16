//! Procedural macros for weft: `#[weft::main]` and `#[weft::test]`.
//!
//! Use them through the `weft` crate (`#[weft::main]`, `#[weft::test]`), not directly.
//!
//! The attributes are parsed by hand from `proc_macro` tokens: they take a handful of
//! `name = literal` options and only need to find the `async` keyword, the signature and the
//! body of the function, which keeps weft free of `syn`/`quote` and their compile time.

#![warn(missing_docs)]

mod entry;
mod select;

use proc_macro::TokenStream;

/// Marks an `async fn main` to run on a weft runtime.
///
/// The function body runs inside `Runtime::block_on` on a runtime built with
/// `weft::runtime::Builder`, with all drivers enabled. This:
///
/// ```
/// #[weft::main]
/// async fn main() {
///     println!("hello");
/// }
/// ```
///
/// is equivalent to:
///
/// ```
/// fn main() {
///     weft::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(async {
///             println!("hello");
///         })
/// }
/// ```
///
/// # Options
///
/// - `flavor = "multi_thread"` (the default), `flavor = "current_thread"`, or
///   `flavor = "local"`: a current-thread runtime built with `Builder::build_local` (a
///   `LocalRuntime`), so the body can `weft::task::spawn_local` without a `LocalSet`.
/// - `worker_threads = N`: number of worker threads (multi-thread flavor only; `N > 0`).
///   Defaults to the number of CPUs.
/// - `start_paused = true`: start with the clock paused (current-thread and local flavors).
/// - `unhandled_panic = "ignore"` (the default) or `"shutdown_runtime"`: what a panic in a
///   spawned task does (current-thread and local flavors; see `Builder::unhandled_panic`).
/// - `name = "..."`: the runtime's name (`Builder::name`).
/// - `crate = "path"`: where to find weft. The generated code uses `::weft` (`::tokio` when the
///   attribute is reached through the `tokio` compatibility crate); set this when weft is
///   behind another name: a renamed dependency (`rt = { package = "weft", .. }` needs
///   `crate = "rt"`), a re-export, or weft itself (`crate = "crate"`).
///
/// `main` may return a value, for example a `Result`; it is what `block_on` returns.
///
/// ```
/// #[weft::main(flavor = "current_thread")]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let n: u32 = "42".parse()?;
///     assert_eq!(n, 42);
///     Ok(())
/// }
/// ```
///
/// A function that is not `async`, a `main` that takes arguments, an unknown option or a
/// malformed value are compile errors that point at the offending tokens.
// The doc shows the `fn main` the attribute expands to.
#[allow(clippy::needless_doctest_main)]
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, entry(entry::Kind::Main, "weft"))
}

/// Marks an `async fn` as a test that runs on a weft runtime.
///
/// Adds `#[test]` and runs the body inside `Runtime::block_on` on a fresh runtime. The
/// default flavor is `current_thread`; the options are those of [`macro@main`].
/// Other attributes (`#[should_panic]`, `#[ignore]`, …) are kept.
///
/// ```no_run
/// #[weft::test]
/// async fn adds() {
///     assert_eq!(async { 1 + 1 }.await, 2);
/// }
///
/// #[weft::test(flavor = "multi_thread", worker_threads = 2)]
/// #[should_panic(expected = "boom")]
/// async fn panics() {
///     panic!("boom");
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, entry(entry::Kind::Test, "weft"))
}

/// `#[tokio::main]` as the `tokio` compatibility crate (`compat/tokio`) re-exports it: the same
/// attribute as [`macro@main`], whose generated code names `::tokio` unless `crate = "..."`
/// says otherwise.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn tokio_main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, entry(entry::Kind::Main, "tokio"))
}

/// `#[tokio::test]` as the `tokio` compatibility crate re-exports it; see [`macro@tokio_main`].
#[doc(hidden)]
#[proc_macro_attribute]
pub fn tokio_test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, entry(entry::Kind::Test, "tokio"))
}

fn entry(kind: entry::Kind, crate_name: &'static str) -> entry::Entry {
    entry::Entry { kind, crate_name }
}

/// Implementation detail of `weft::select!`: a branch pattern without `ref`/`mut` binding
/// modifiers, so it can be tested against a reference to the branch output without moving it.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_clean_pattern(input: TokenStream) -> TokenStream {
    select::clean_pattern(input)
}
