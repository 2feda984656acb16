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

/// One test per runtime constructor named in the brackets (functions of this module), in a
/// module named after the body: `runtime_tests! { [current_thread, multi_thread] async fn x() {..} }`
/// gives `x::current_thread` and `x::multi_thread`. [`rt_test!`] and [`fs_test!`] fill in the
/// list.
#[macro_export]
macro_rules! runtime_tests {
    // The attributes travel as one token tree so they can be repeated per runtime.
    (@mod [$($rt:ident),+] $attrs:tt $name:ident $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::runtime_tests!(@one $attrs $body $rt); )+
        }
    };
    (@one [$($attrs:tt)*] $body:block $rt:ident) => {
        $($attrs)*
        #[test]
        fn $rt() {
            $crate::support::$rt().block_on(async $body)
        }
    };
    ([$($rt:ident),+] $(#[$attr:meta])* async fn $name:ident() $body:block $($rest:tt)*) => {
        $crate::runtime_tests!(@mod [$($rt),+] [$(#[$attr])*] $name $body);
        $crate::runtime_tests! { [$($rt),+] $($rest)* }
    };
    ([$($rt:ident),+]) => {};
}

/// Like [`rt_test!`], for file system tests: four tests per body, both schedulers, with files
/// on io_uring (where the kernel allows it) and forced onto the blocking pool:
/// `NAME::{current_thread, multi_thread, current_thread_no_uring, multi_thread_no_uring}`.
#[macro_export]
macro_rules! fs_test {
    ($($t:tt)*) => {
        $crate::runtime_tests! {
            [current_thread, multi_thread, current_thread_no_uring, multi_thread_no_uring]
            $($t)*
        }
    };
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
    ($($t:tt)*) => {
        $crate::runtime_tests! { [current_thread, multi_thread] $($t)* }
    };
}

/// A directory under the system temp dir, unique per test (and per test binary), removed on
/// drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "weft-{}-{}-{}",
            env!("CARGO_CRATE_NAME"),
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
