//! `#[weft::main]` / `#[weft::test]` expansions, checked against a stand-in runtime given with
//! `crate = "..."`: it records which `Builder` methods the generated code calls, and blocks on
//! the body with `futures`' executor. (The real-runtime checks are in `macros_rt.rs`.)

use std::cell::RefCell;

/// A stand-in for `weft`: just `runtime::Builder` and a runtime with `block_on`.
mod fake {
    pub mod runtime {
        use std::cell::RefCell;
        use std::future::Future;

        thread_local! {
            pub static CALLS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
        }

        fn record(call: impl Into<String>) {
            CALLS.with(|c| c.borrow_mut().push(call.into()));
        }

        pub struct Builder(());
        pub struct Runtime(());

        impl Builder {
            pub fn new_current_thread() -> Builder {
                record("new_current_thread");
                Builder(())
            }
            pub fn new_multi_thread() -> Builder {
                record("new_multi_thread");
                Builder(())
            }
            pub fn worker_threads(&mut self, n: usize) -> &mut Builder {
                record(format!("worker_threads({n})"));
                self
            }
            pub fn start_paused(&mut self, paused: bool) -> &mut Builder {
                record(format!("start_paused({paused})"));
                self
            }
            pub fn enable_all(&mut self) -> &mut Builder {
                record("enable_all");
                self
            }
            pub fn build(&mut self) -> std::io::Result<Runtime> {
                record("build");
                Ok(Runtime(()))
            }
        }

        impl Runtime {
            pub fn block_on<F: Future>(&self, f: F) -> F::Output {
                record("block_on");
                futures::executor::block_on(f)
            }
        }
    }
}

fn calls() -> Vec<String> {
    fake::runtime::CALLS.with(|c| c.borrow().clone())
}

fn clear() {
    fake::runtime::CALLS.with(|c| c.borrow_mut().clear());
}

#[weft::main(crate = "fake")]
async fn main_default() -> u32 {
    7
}

#[weft::main(crate = "fake", flavor = "current_thread")]
async fn main_current_thread() {}

#[weft::main(crate = "crate::fake", flavor = "multi_thread", worker_threads = 3)]
async fn main_workers() {}

#[weft::main(crate = "fake", start_paused = true, flavor = "current_thread")]
async fn main_paused() {}

#[weft::main(crate = "fake")]
async fn main_result(fail: bool) -> Result<u32, Box<dyn std::error::Error>> {
    if fail {
        let n: u32 = "not a number".parse()?;
        return Ok(n);
    }
    Ok("5".parse::<u32>()?)
}

#[test]
fn main_defaults_to_multi_thread_and_returns_the_body_value() {
    clear();
    assert_eq!(main_default(), 7);
    assert_eq!(
        calls(),
        ["new_multi_thread", "enable_all", "build", "block_on"]
    );
}

#[test]
fn main_flavor_current_thread() {
    clear();
    main_current_thread();
    assert_eq!(
        calls(),
        ["new_current_thread", "enable_all", "build", "block_on"]
    );
}

#[test]
fn main_worker_threads() {
    clear();
    main_workers();
    assert_eq!(
        calls(),
        [
            "new_multi_thread",
            "worker_threads(3)",
            "enable_all",
            "build",
            "block_on"
        ]
    );
}

#[test]
fn start_paused_is_emitted_only_when_asked() {
    clear();
    main_paused();
    assert_eq!(
        calls(),
        [
            "new_current_thread",
            "start_paused(true)",
            "enable_all",
            "build",
            "block_on"
        ]
    );
}

#[test]
fn main_with_result_and_question_mark() {
    assert_eq!(main_result(false).unwrap(), 5);
    let err = main_result(true).unwrap_err();
    assert!(err.to_string().contains("invalid digit"), "{err}");
}

// `#[weft::test]` adds `#[test]` itself; these are run by the harness.

thread_local! {
    static TEST_RAN: RefCell<bool> = const { RefCell::new(false) };
}

#[weft::test(crate = "fake")]
async fn test_defaults_to_current_thread() {
    // The body runs inside block_on, after the builder calls.
    assert_eq!(
        calls(),
        ["new_current_thread", "enable_all", "build", "block_on"]
    );
}

#[weft::test(crate = "fake", flavor = "multi_thread", worker_threads = 2)]
async fn test_multi_thread_with_workers() {
    assert_eq!(
        calls(),
        [
            "new_multi_thread",
            "worker_threads(2)",
            "enable_all",
            "build",
            "block_on"
        ]
    );
}

#[weft::test(crate = "fake")]
#[should_panic(expected = "boom from the body")]
async fn test_should_panic_is_kept() {
    panic!("boom from the body");
}

#[weft::test(crate = "fake")]
async fn test_returning_result() -> Result<(), String> {
    TEST_RAN.with(|r| *r.borrow_mut() = true);
    Ok(())
}

#[weft::test(crate = "fake")]
#[ignore = "checks that #[ignore] is kept"]
async fn test_ignore_is_kept() {
    panic!("an ignored test must not run");
}

#[weft::test(crate = "fake")]
async fn test_with_inner_attribute_and_await() {
    #![allow(unused_variables)]
    let unused = 1;
    let v = async { 40 }.await + 2;
    assert_eq!(v, 42);
}

#[weft::test(crate = "fake")]
async fn test_generic_param_style_body_can_return_early() {
    if calls().is_empty() {
        unreachable!("block_on was recorded before the body");
    }
    return;
}
