//! Shared test helpers: every runtime test runs on both schedulers.
#![allow(dead_code)]

/// A current-thread runtime with everything enabled.
pub fn current_thread() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a current-thread runtime")
}

/// A two-worker multi-thread runtime with everything enabled.
pub fn multi_thread() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("building a multi-thread runtime")
}

/// A current-thread runtime with everything enabled but io_uring: files use the blocking pool.
pub fn current_thread_no_uring() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .disable_io_uring()
        .build()
        .expect("building a current-thread runtime")
}

/// A two-worker multi-thread runtime with everything enabled but io_uring.
pub fn multi_thread_no_uring() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .disable_io_uring()
        .build()
        .expect("building a multi-thread runtime")
}

/// Like [`rt_test!`], for file system tests: four tests per body, both schedulers, with files
/// on io_uring (where the kernel allows it) and forced onto the blocking pool:
/// `NAME::{current_thread, multi_thread, current_thread_no_uring, multi_thread_no_uring}`.
#[macro_export]
macro_rules! fs_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block $($rest:tt)*) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$attr])*
            #[test]
            fn current_thread() {
                $crate::support::current_thread().block_on(async $body)
            }

            $(#[$attr])*
            #[test]
            fn multi_thread() {
                $crate::support::multi_thread().block_on(async $body)
            }

            $(#[$attr])*
            #[test]
            fn current_thread_no_uring() {
                $crate::support::current_thread_no_uring().block_on(async $body)
            }

            $(#[$attr])*
            #[test]
            fn multi_thread_no_uring() {
                $crate::support::multi_thread_no_uring().block_on(async $body)
            }
        }
        fs_test! { $($rest)* }
    };
    () => {};
}

/// Defines one test per scheduler: `NAME::current_thread` and `NAME::multi_thread`.
///
/// ```ignore
/// rt_test! {
///     async fn spawn_returns_value() {
///         assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
///     }
/// }
/// ```
#[macro_export]
macro_rules! rt_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block $($rest:tt)*) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$attr])*
            #[test]
            fn current_thread() {
                $crate::support::current_thread().block_on(async $body)
            }

            $(#[$attr])*
            #[test]
            fn multi_thread() {
                $crate::support::multi_thread().block_on(async $body)
            }
        }
        rt_test! { $($rest)* }
    };
    () => {};
}
