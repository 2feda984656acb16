//! Asynchronous file system operations.
//!
//! Every function here mirrors its `std::fs` namesake. On Linux, [`File`]'s reads, writes and
//! syncs go through the runtime's io_uring (set up and probed on first use; see
//! [`Builder::disable_io_uring`](crate::runtime::Builder::disable_io_uring)); everything else,
//! and everything where io_uring is unavailable, runs on the runtime's blocking thread pool
//! (see [`spawn_blocking`](crate::task::spawn_blocking)). Either way a slow disk never stalls
//! a worker thread. These functions must be called from inside a weft runtime.
//!
//! # Where weft differs from tokio on purpose
//!
//! - [`File`] keeps **no hidden write-behind buffer**. When a write completes, its bytes have
//!   been handed to the kernel; dropping the `File` right afterwards loses nothing.
//! - **Errors name the path.** Every function that takes a path ([`read`], [`metadata`],
//!   [`read_dir`], [`File::open`], [`OpenOptions::open`], [`DirBuilder::create`], …, and
//!   [`DirEntry::metadata`]) fails with an [`io::Error`] whose message names the operation
//!   and the path, ``failed to open `/x/y`: No such file or directory (os error 2)``, where
//!   std and tokio say only the part after the colon. The [`kind()`](io::Error::kind) is
//!   std's. The payload is a [`PathError`], which holds the original error; because an
//!   `io::Error` with a payload reports no [`raw_os_error()`](io::Error::raw_os_error) of its
//!   own, code that matches on errno (`ENOTDIR`, `ELOOP`) calls [`raw_os_error`] (this
//!   module's), which looks through the payload, instead of the method:
//!
//! ```
//! # weft::runtime::Runtime::new().unwrap().block_on(async {
//! let err = weft::fs::read_dir("/etc/passwd").await.unwrap_err();
//! assert_eq!(err.to_string(), "failed to read directory `/etc/passwd`: Not a directory (os error 20)");
//! assert_eq!(weft::fs::raw_os_error(&err), Some(libc::ENOTDIR));
//! # });
//! ```
//!
//! Errors of operations on an open [`File`] (read, write, seek, sync, `metadata`) have no path
//! to name and are std's, unchanged.
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
mod error;
mod file;
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) mod nowait;
mod open_options;
mod ops;
mod read_dir;

pub use self::dir_builder::DirBuilder;
pub use self::error::{raw_os_error, PathError};
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
use std::path::Path;

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

/// [`asyncify`] for a call on one path: a failure becomes a [`PathError`] naming `op` and
/// `path` (the join error of a cancelled call too).
pub(crate) async fn asyncify_path<F, T>(op: &'static str, path: &Path, f: F) -> io::Result<T>
where
    F: FnOnce(&Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let owned = path.to_owned();
    asyncify(move || f(&owned))
        .await
        .map_err(|e| error::wrap(op, path, e))
}

/// [`asyncify_path`] for a call on two paths (`copy`, `rename`, the links).
pub(crate) async fn asyncify_paths<F, T>(
    op: &'static str,
    from: &Path,
    to: &Path,
    f: F,
) -> io::Result<T>
where
    F: FnOnce(&Path, &Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let (a, b) = (from.to_owned(), to.to_owned());
    asyncify(move || f(&a, &b))
        .await
        .map_err(|e| error::wrap2(op, from, Some(to), e))
}

pub(crate) fn join_error(e: crate::task::JoinError) -> io::Error {
    io::Error::other(format!("blocking file system task failed: {e}"))
}
