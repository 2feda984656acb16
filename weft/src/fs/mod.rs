//! Asynchronous file system operations.
//!
//! Every function here mirrors its `std::fs` namesake. On Linux, [`File`]'s reads, writes and
//! syncs go through the runtime's io_uring (set up and probed on first use; see
//! [`Builder::disable_io_uring`](crate::runtime::Builder::disable_io_uring)); everything else,
//! and everything where io_uring is unavailable, runs on the runtime's blocking thread pool
//! (see [`spawn_blocking`](crate::task::spawn_blocking)). Either way a slow disk never stalls
//! a worker thread. These functions must be called from inside a weft runtime.
//!
//! [`File`] differs from tokio's in one respect: it keeps **no hidden write-behind buffer**.
//! When a write completes, its bytes have been handed to the kernel; dropping the `File` right
//! afterwards loses nothing.
//!
//! ```
//! # weft::runtime::Runtime::new().unwrap().block_on(async {
//! let dir = std::env::temp_dir().join(format!("weft-doc-fs-{}", std::process::id()));
//! weft::fs::create_dir_all(&dir).await?;
//! let path = dir.join("hello.txt");
//! weft::fs::write(&path, b"hello").await?;
//! assert_eq!(weft::fs::read_to_string(&path).await?, "hello");
//! weft::fs::remove_dir_all(&dir).await?;
//! # Ok::<_, std::io::Error>(())
//! # }).unwrap();
//! ```

mod dir_builder;
mod file;
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) mod nowait;
mod open_options;
mod ops;
mod read_dir;

pub use self::dir_builder::DirBuilder;
pub use self::file::File;
pub use self::open_options::OpenOptions;
pub use self::ops::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions, symlink,
    symlink_metadata, try_exists, write,
};
pub use self::read_dir::{read_dir, DirEntry, ReadDir};
/// Timestamps to set with [`File::set_times`]: std's own type, as tokio's `FileTimes` mirrors
/// it (same constructor and setters), so a tokio program's `FileTimes::new().set_modified(t)`
/// compiles unchanged.
pub use std::fs::FileTimes;

use std::io;

/// Runs a blocking file system call on the blocking pool and waits for it.
///
/// The closure owns everything it touches, so dropping the returned future never leaves the
/// call with a dangling reference: the call finishes on its own and its result is dropped.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match crate::task::spawn_blocking(f).await {
        Ok(res) => res,
        Err(e) => Err(join_error(e)),
    }
}

pub(crate) fn join_error(e: crate::task::JoinError) -> io::Error {
    io::Error::other(format!("blocking file system task failed: {e}"))
}
