//! Procedural macros for weft: `#[weft::main]` and `#[weft::test]`.
//!
//! Use them through the `weft` crate (`#[weft::main]`, `#[weft::test]`), not directly.
//!
//! The attributes are parsed by hand from `proc_macro` tokens: they take a handful of
//! `name = literal` options and only need to find the `async` keyword, the signature and the
//! body of the function, which keeps weft free of `syn`/`quote` and their compile time.

#![warn(missing_docs)]

mod crate_name;
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
/// - `flavor = "multi_thread"` (the default) or `flavor = "current_thread"`.
/// - `worker_threads = N`: number of worker threads (multi-thread flavor only; `N > 0`).
///   Defaults to the number of CPUs.
/// - `start_paused = true`: start with the clock paused (current-thread flavor only).
/// - `crate = "path"`: where to find weft. By default the generated code uses `::weft`, or
///   the dependency's name when the caller's `Cargo.toml` renames it
///   (`tokio = { package = "weft", .. }` gives `::tokio`); set this when neither works, for
///   example inside weft itself (`crate = "crate"`) or behind a re-export.
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
    entry::expand(args, item, entry::Kind::Main)
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
    entry::expand(args, item, entry::Kind::Test)
}

/// Implementation detail of `weft::select!`: a branch pattern without `ref`/`mut` binding
/// modifiers, so it can be tested against a reference to the branch output without moving it.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_clean_pattern(input: TokenStream) -> TokenStream {
    select::clean_pattern(input)
}
