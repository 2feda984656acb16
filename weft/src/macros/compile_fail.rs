//! Compile-fail checks for the macros, run as doctests (`cargo test --doc`).
//!
//! Each case uses `crate = "fake"`, a stand-in runtime, so that the only possible error is
//! the one under test (the first case shows the same set-up compiling). The exact messages
//! are not checked here; they are listed in the attribute docs.

#![allow(dead_code)]

/// Compiles, as a control for the cases below (same stand-in runtime).
///
/// ```
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", flavor = "multi_thread", worker_threads = 2)]
/// async fn main() -> Result<(), std::num::ParseIntError> {
///     let _: u8 = "1".parse()?;
///     Ok(())
/// }
/// ```
pub struct Case0;

/// Not async.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake")]
/// fn main() {}
/// ```
pub struct Case1;

/// Main with arguments.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake")]
/// async fn main(_x: u32) {}
/// ```
pub struct Case2;

/// Unknown option.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", bogus = 1)]
/// async fn main() {}
/// ```
pub struct Case3;

/// Unknown flavor.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", flavor = "fast")]
/// async fn main() {}
/// ```
pub struct Case4;

/// Worker_threads on current_thread.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", flavor = "current_thread", worker_threads = 2)]
/// async fn main() {}
/// ```
pub struct Case5;

/// Worker_threads = 0.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", worker_threads = 0)]
/// async fn main() {}
/// ```
pub struct Case6;

/// Worker_threads not an integer.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", worker_threads = "2")]
/// async fn main() {}
/// ```
pub struct Case7;

/// Start_paused on multi_thread.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", start_paused = true)]
/// async fn main() {}
/// ```
pub struct Case8;

/// Start_paused not a bool.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", flavor = "current_thread", start_paused = 1)]
/// async fn main() {}
/// ```
pub struct Case9;

/// Option without a value.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", current_thread)]
/// async fn main() {}
/// ```
pub struct Case10;

/// Option set twice.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake", flavor = "multi_thread", flavor = "multi_thread")]
/// async fn main() {}
/// ```
pub struct Case11;

/// Second #[test] attribute.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::test(crate = "fake")]
/// #[test]
/// async fn t() {}
/// # fn main() {}
/// ```
pub struct Case12;

/// Test that is not async.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::test(crate = "fake")]
/// fn t() {}
/// # fn main() {}
/// ```
pub struct Case13;

/// Body does not match the return type.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// #[weft::main(crate = "fake")]
/// async fn main() -> u32 {
///     "not a number"
/// }
/// ```
pub struct Case14;

/// Select! with no branches.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// # fn main() {}
/// async fn f() {
///     weft::select! {}
/// }
/// ```
pub struct Case15;

/// Select! with more than 64 branches.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// # fn main() {}
/// async fn f() {
///     use std::future::ready;
///     weft::select! {
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///         _ = ready(()) => {}
///     }
/// }
/// ```
pub struct Case16;

/// Join! with more than 64 futures.
///
/// ```compile_fail
/// # mod fake { pub mod runtime {
/// #     pub struct Builder;
/// #     impl Builder {
/// #         pub fn new_current_thread() -> Self { Builder }
/// #         pub fn new_multi_thread() -> Self { Builder }
/// #         pub fn worker_threads(&mut self, _: usize) -> &mut Self { self }
/// #         pub fn start_paused(&mut self, _: bool) -> &mut Self { self }
/// #         pub fn enable_all(&mut self) -> &mut Self { self }
/// #         pub fn build(&mut self) -> std::io::Result<Runtime> { Ok(Runtime) }
/// #     }
/// #     pub struct Runtime;
/// #     impl Runtime {
/// #         pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
/// #             futures::executor::block_on(f)
/// #         }
/// #     }
/// # } }
/// # fn main() {}
/// async fn f() {
///     use std::future::ready;
///     weft::join!(ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()), ready(()));
/// }
/// ```
pub struct Case17;
