//! The one-call file system functions: each runs its `std::fs` namesake on the blocking pool.
//! On an io_uring runtime, `read` and `read_to_string` of a small file the kernel has cached
//! (path and data) run on the worker instead, with system calls that never wait for a disk.
//!
//! # Errors
//!
//! Each fails as its `std::fs` namesake does, with the same [`kind()`](io::Error::kind); the
//! error's payload is a [`PathError`](super::PathError) naming the operation and the path(s).
//!
//! # Cancel safety
//!
//! None of these is cancel safe in the sense that dropping the future undoes the call: the
//! system call, once started on the blocking pool, runs to completion and only its result is
//! dropped. Dropping the future never leaves a dangling buffer or a leaked descriptor.

use super::{asyncify, asyncify_path, asyncify_paths};
use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

/// Reads the entire contents of a file into a byte vector; the async version of
/// [`std::fs::read`].
///
/// # Errors
/// As [`std::fs::read`]: `NotFound` for a missing file, `PermissionDenied`, `InvalidInput`
/// for a path with an interior NUL byte, and so on.
///
/// # Cancel safety
/// Not cancel safe: a dropped call still reads the file to the end on the blocking pool.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-read-{}", std::process::id()));
/// weft::fs::write(&path, [1u8, 2, 3]).await?;
/// assert_eq!(weft::fs::read(&path).await?, [1, 2, 3]);
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    #[cfg(target_os = "linux")]
    if let Some((file, len)) = open_small_cached(path) {
        return read_cached_to_end(file, len)
            .await
            .map_err(|e| super::error::wrap("read", path, e));
    }
    asyncify_path("read", path, |p| std::fs::read(p)).await
}

/// Files up to this size that are fully cached are read on the worker: one `openat2` and a
/// couple of `preadv2` calls, which cost less than a trip to the blocking pool. Larger ones
/// go to the pool so that one task does not hold a worker for long.
#[cfg(target_os = "linux")]
const SMALL_FILE: u64 = 1 << 20;

/// On an io_uring runtime, a small regular file whose path is cached, opened on the worker.
#[cfg(target_os = "linux")]
fn open_small_cached(path: &Path) -> Option<(std::fs::File, u64)> {
    if !crate::runtime::current::has_uring() {
        return None;
    }
    match super::nowait::open_cached(path, libc::O_RDONLY)? {
        (file, meta) if meta.is_file() && meta.len() <= SMALL_FILE => Some((file, meta.len())),
        _ => None,
    }
}

/// Reads `file` to the end with `preadv2(RWF_NOWAIT)`; whatever is not cached (or does not
/// fit the small-file limit after all) is read on the blocking pool.
#[cfg(target_os = "linux")]
async fn read_cached_to_end(file: std::fs::File, len: u64) -> io::Result<Vec<u8>> {
    // Several system calls in a row: let the scheduler run others if the budget is spent.
    crate::task::consume_budget().await;
    // One byte more than the size, so the read that finds the end needs no second buffer.
    let mut buf = vec![0u8; len as usize + 1];
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if buf.len() as u64 > SMALL_FILE {
                break;
            }
            buf.resize(buf.len() * 2, 0);
        }
        match super::nowait::read_nowait(&file, &mut buf[filled..], None) {
            Ok(0) => {
                buf.truncate(filled);
                return Ok(buf);
            }
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Unsupported
                ) =>
            {
                break
            }
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    asyncify(move || {
        std::io::Read::read_to_end(&mut &file, &mut buf)?;
        Ok(buf)
    })
    .await
}

/// Reads the entire contents of a file into a string; the async version of
/// [`std::fs::read_to_string`].
///
/// # Errors
/// As [`std::fs::read_to_string`]; contents that are not UTF-8 give `InvalidData`.
///
/// # Cancel safety
/// Not cancel safe: a dropped call still reads the file on the blocking pool.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-rts-{}", std::process::id()));
/// weft::fs::write(&path, "text").await?;
/// assert_eq!(weft::fs::read_to_string(&path).await?, "text");
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    #[cfg(target_os = "linux")]
    if let Some((file, len)) = open_small_cached(path) {
        let text = read_cached_to_end(file, len).await.and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                )
            })
        });
        return text.map_err(|e| super::error::wrap("read", path, e));
    }
    asyncify_path("read", path, |p| std::fs::read_to_string(p)).await
}

/// Writes a slice as the entire contents of a file, creating or truncating it; the async
/// version of [`std::fs::write`].
///
/// When the future completes, the bytes are in the kernel (not necessarily on disk: use
/// [`File::sync_all`](super::File::sync_all) for that).
///
/// # Cancel safety
/// Not cancel safe: the contents are copied before the call starts, and a dropped call still
/// writes them.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-write-{}", std::process::id()));
/// weft::fs::write(&path, b"abc").await?;
/// assert_eq!(std::fs::read(&path)?, b"abc");
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let contents = contents.as_ref().to_owned();
    asyncify_path("write", path.as_ref(), |p| std::fs::write(p, contents)).await
}

/// Copies the contents and permissions of one file to another, returning the number of bytes
/// copied; the async version of [`std::fs::copy`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call still copies on the blocking pool.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("weft-doc-cp-a-{}", std::process::id())),
///               dir.join(format!("weft-doc-cp-b-{}", std::process::id())));
/// weft::fs::write(&a, b"copy me").await?;
/// assert_eq!(weft::fs::copy(&a, &b).await?, 7);
/// assert_eq!(weft::fs::read(&b).await?, b"copy me");
/// weft::fs::remove_file(&a).await?;
/// weft::fs::remove_file(&b).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    asyncify_paths("copy", from.as_ref(), to.as_ref(), |a, b| {
        std::fs::copy(a, b)
    })
    .await
}

/// Creates a new, empty directory; the async version of [`std::fs::create_dir`].
///
/// # Errors
/// `AlreadyExists` if the path exists; `NotFound` if a parent is missing.
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still create the directory.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("weft-doc-mkdir-{}", std::process::id()));
/// weft::fs::create_dir(&dir).await?;
/// assert!(weft::fs::metadata(&dir).await?.is_dir());
/// weft::fs::remove_dir(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    asyncify_path("create directory", path.as_ref(), |p| {
        std::fs::create_dir(p)
    })
    .await
}

/// Creates a directory and all of its missing parents; the async version of
/// [`std::fs::create_dir_all`]. An existing directory is not an error.
///
/// # Cancel safety
/// Not cancel safe: a dropped call may have created some of the directories.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("weft-doc-mkdirs-{}", std::process::id()));
/// weft::fs::create_dir_all(top.join("a/b/c")).await?;
/// assert!(weft::fs::metadata(top.join("a/b/c")).await?.is_dir());
/// weft::fs::remove_dir_all(&top).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    asyncify_path("create directory", path.as_ref(), |p| {
        std::fs::create_dir_all(p)
    })
    .await
}

/// Removes a file; the async version of [`std::fs::remove_file`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still remove the file.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-rm-{}", std::process::id()));
/// weft::fs::write(&path, b"").await?;
/// weft::fs::remove_file(&path).await?;
/// assert!(!weft::fs::try_exists(&path).await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    asyncify_path("remove file", path.as_ref(), |p| std::fs::remove_file(p)).await
}

/// Removes an empty directory; the async version of [`std::fs::remove_dir`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still remove the directory.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("weft-doc-rmdir-{}", std::process::id()));
/// weft::fs::create_dir(&dir).await?;
/// weft::fs::remove_dir(&dir).await?;
/// assert!(!weft::fs::try_exists(&dir).await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    asyncify_path("remove directory", path.as_ref(), |p| {
        std::fs::remove_dir(p)
    })
    .await
}

/// Removes a directory and everything in it; the async version of
/// [`std::fs::remove_dir_all`]. Symbolic links inside are removed, not followed.
///
/// # Cancel safety
/// Not cancel safe: a dropped call may have removed part of the tree.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("weft-doc-rmall-{}", std::process::id()));
/// weft::fs::create_dir_all(top.join("x")).await?;
/// weft::fs::write(top.join("x/f"), b"1").await?;
/// weft::fs::remove_dir_all(&top).await?;
/// assert!(!weft::fs::try_exists(&top).await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    asyncify_path("remove directory", path.as_ref(), |p| {
        std::fs::remove_dir_all(p)
    })
    .await
}

/// Renames a file or directory, replacing `to` if it exists; the async version of
/// [`std::fs::rename`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still rename.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("weft-doc-mv-a-{}", std::process::id())),
///               dir.join(format!("weft-doc-mv-b-{}", std::process::id())));
/// weft::fs::write(&a, b"x").await?;
/// weft::fs::rename(&a, &b).await?;
/// assert!(!weft::fs::try_exists(&a).await? && weft::fs::try_exists(&b).await?);
/// weft::fs::remove_file(&b).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    asyncify_paths("rename", from.as_ref(), to.as_ref(), |a, b| {
        std::fs::rename(a, b)
    })
    .await
}

/// Returns the metadata of a path, following symbolic links; the async version of
/// [`std::fs::metadata`].
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let meta = weft::fs::metadata(std::env::temp_dir()).await?;
/// assert!(meta.is_dir());
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    asyncify_path("get metadata of", path.as_ref(), |p| std::fs::metadata(p)).await
}

/// Returns the metadata of a path without following a final symbolic link; the async version
/// of [`std::fs::symlink_metadata`].
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let meta = weft::fs::symlink_metadata(std::env::temp_dir()).await?;
/// assert!(!meta.file_type().is_file());
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    asyncify_path("get metadata of", path.as_ref(), |p| {
        std::fs::symlink_metadata(p)
    })
    .await
}

/// Returns the canonical, absolute form of a path with every symbolic link resolved; the async
/// version of [`std::fs::canonicalize`].
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let abs = weft::fs::canonicalize(".").await?;
/// assert!(abs.is_absolute());
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    asyncify_path("canonicalize", path.as_ref(), |p| std::fs::canonicalize(p)).await
}

/// Creates a hard link `dst` to the file `src`; the async version of [`std::fs::hard_link`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still create the link.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("weft-doc-ln-a-{}", std::process::id())),
///               dir.join(format!("weft-doc-ln-b-{}", std::process::id())));
/// weft::fs::write(&a, b"shared").await?;
/// weft::fs::hard_link(&a, &b).await?;
/// assert_eq!(weft::fs::read(&b).await?, b"shared");
/// weft::fs::remove_file(&a).await?;
/// weft::fs::remove_file(&b).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn hard_link(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    asyncify_paths("hard-link", src.as_ref(), dst.as_ref(), |a, b| {
        std::fs::hard_link(a, b)
    })
    .await
}

/// Creates a symbolic link `dst` pointing at `src`; the async version of
/// [`std::os::unix::fs::symlink`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still create the link.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let link = dir.join(format!("weft-doc-symlink-{}", std::process::id()));
/// weft::fs::symlink(&dir, &link).await?;
/// assert_eq!(weft::fs::read_link(&link).await?, dir);
/// weft::fs::remove_file(&link).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[cfg(unix)]
pub async fn symlink(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    asyncify_paths("symlink", src.as_ref(), dst.as_ref(), |a, b| {
        std::os::unix::fs::symlink(a, b)
    })
    .await
}

/// Reads the target of a symbolic link; the async version of [`std::fs::read_link`].
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let link = std::env::temp_dir().join(format!("weft-doc-readlink-{}", std::process::id()));
/// weft::fs::symlink("target-name", &link).await?;
/// assert_eq!(weft::fs::read_link(&link).await?, std::path::Path::new("target-name"));
/// weft::fs::remove_file(&link).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    asyncify_path("read link", path.as_ref(), |p| std::fs::read_link(p)).await
}

/// Changes the permissions of a file or directory; the async version of
/// [`std::fs::set_permissions`].
///
/// # Cancel safety
/// Not cancel safe: a dropped call may still change them.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-chmod-{}", std::process::id()));
/// weft::fs::write(&path, b"").await?;
/// let mut perms = weft::fs::metadata(&path).await?.permissions();
/// perms.set_readonly(true);
/// weft::fs::set_permissions(&path, perms).await?;
/// assert!(weft::fs::metadata(&path).await?.permissions().readonly());
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    asyncify_path("set permissions of", path.as_ref(), |p| {
        std::fs::set_permissions(p, perm)
    })
    .await
}

/// Returns `Ok(true)` if the path points at an existing entity, `Ok(false)` for a broken
/// symbolic link or a missing path, and an error when existence cannot be determined (for
/// example no permission to search a parent); the async version of [`std::fs::exists`].
///
/// # Cancel safety
/// Cancel safe: it changes nothing.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// assert!(weft::fs::try_exists(std::env::temp_dir()).await?);
/// assert!(!weft::fs::try_exists("/definitely/not/here").await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    asyncify_path("check existence of", path.as_ref(), |p| p.try_exists()).await
}
