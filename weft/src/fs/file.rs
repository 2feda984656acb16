//! [`File`]: an open file driven from async code.

mod attrs;
mod buf;
#[cfg(target_os = "linux")]
mod fast_path;
#[allow(unsafe_code)]
mod fd;
mod pending;

use self::buf::Buf;
#[cfg(target_os = "linux")]
use self::fast_path::{fast_path, is_unsupported, read_cached, write_cached};
use self::pending::{apply_seek, Op, Pending};
use super::{asyncify, OpenOptions};
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use crate::sync::Mutex;
use std::fmt;
use std::fs::{Metadata, Permissions};
use std::future::poll_fn;
use std::io::{self, Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// The most one read or write moves in one trip to the blocking pool (tokio's number).
const MAX_BUF: usize = 2 * 1024 * 1024;

/// An open file; the async version of [`std::fs::File`].
///
/// Open one with [`File::open`], [`File::create`], [`File::create_new`] or [`OpenOptions`].
/// Read, write and seek it through [`AsyncReadExt`](crate::io::AsyncReadExt),
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) and [`AsyncSeekExt`](crate::io::AsyncSeekExt).
///
/// # io_uring (Linux) or the blocking pool
///
/// On Linux, reads, writes, `read_at`/`write_at` and `sync_all`/`sync_data` are submitted to
/// the runtime's io_uring: a read the page cache can serve completes inside one system call,
/// on the worker, with no thread hand-off. Where io_uring is missing, forbidden (`ENOSYS`,
/// `EPERM`: seccomp, `kernel.io_uring_disabled`) or turned off with
/// [`Builder::disable_io_uring`](crate::runtime::Builder::disable_io_uring), and for the
/// other operations (open, metadata, `set_len`, seeks relative to the end), the call runs on
/// the blocking thread pool, as in tokio. Either way each operation owns its buffer, so a
/// dropped future never leaves the kernel writing into freed memory, and a descriptor is
/// never closed while the kernel still uses it.
///
/// # No write-behind buffer (unlike tokio)
///
/// tokio's `File::poll_write` copies the bytes into an internal buffer and reports them
/// written before the system call has run; a `File` dropped before `flush` can lose them, and
/// a write error shows up on a later call. weft's `File` does **not** do this: when
/// `poll_write` returns `Ready(Ok(n))` (when `write` / `write_all` completes), those `n` bytes
/// have been handed to the kernel by `write(2)`. Dropping the `File` right afterwards loses
/// nothing; `flush` only waits for an operation a cancelled future left running. (Bytes in
/// the kernel are not necessarily on disk: [`sync_all`](File::sync_all) is still needed for
/// durability.)
///
/// # Cancellation
///
/// A write that is in flight when its future is dropped still runs to completion, with its
/// own buffer; so does a read on the blocking pool (on io_uring a dropped read is cancelled
/// if the kernel has not finished it). The next operation on the `File` waits for it:
///
/// - a read's bytes are kept and returned by the next `poll_read` (nothing read is lost);
/// - a write's bytes land in the file. If the next `poll_write` is called with the same bytes
///   (the usual retry), it reports that write's result instead of writing them twice;
///   otherwise it goes on with the new bytes (and reports the old write's error, if any);
/// - a seek (through [`AsyncSeek::poll_complete`]) waits for the operation first, so the
///   position it starts from accounts for it.
///
/// # Seeking
///
/// A seek to an absolute position (`SeekFrom::Start`, or `SeekFrom::Current` right after one)
/// completes at once, without a trip to the blocking pool, once the descriptor is known to
/// be seekable: the `lseek(2)` runs with the next read or write, just before it. Random reads
/// (seek + read) thus cost one trip to the blocking pool each, or one `lseek` and one
/// io_uring submission on the worker. Until then the descriptor's own offset, as seen
/// through [`as_raw_fd`](std::os::unix::io::AsRawFd::as_raw_fd), may lag behind;
/// [`try_clone`](File::try_clone), [`into_std`](File::into_std) and
/// [`try_into_std`](File::try_into_std) apply it first.
///
/// # Positional I/O (weft extension)
///
/// [`read_at`](File::read_at) and [`write_at`](File::write_at) read and write at an offset
/// without moving the cursor (`pread(2)` / `pwrite(2)`), take `&self`, and can run
/// concurrently. tokio has no equivalent.
///
/// # Examples
/// ```
/// use weft::fs::File;
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-file-{}", std::process::id()));
/// let mut f = File::create(&path).await?;
/// f.write_all(b"hello, file").await?;
/// drop(f); // nothing is lost: the bytes are already in the kernel
///
/// let mut s = String::new();
/// File::open(&path).await?.read_to_string(&mut s).await?;
/// assert_eq!(s, "hello, file");
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    inner: Mutex<Inner>,
    /// The most one read or write moves ([`File::set_max_buf_size`]).
    max_buf_size: usize,
}

struct Inner {
    state: State,
    /// The error of a write whose future was dropped, reported by the next write or flush.
    last_err: Option<io::Error>,
    /// The position the last completed seek returned.
    pos: u64,
    /// An absolute seek not yet applied to the descriptor: the next operation that uses the
    /// cursor does the `lseek` on the blocking pool just before its read or write, which
    /// saves a trip to the pool per seek (random reads are seek + read).
    seek_to: Option<u64>,
    /// A real `lseek` has succeeded on this descriptor, so deferring one to an absolute
    /// position cannot turn an error `start_seek` would report (`ESPIPE`) into a late one.
    seekable: bool,
    /// io_uring refused this descriptor (`EINVAL`): its operations use the blocking pool.
    no_ring: bool,
    /// `RWF_NOWAIT` is unsupported here: skip the page-cache fast path.
    no_nowait: bool,
}

enum State {
    /// `None` only while a poll is moving the buffer into an operation.
    Idle(Option<Buf>),
    Busy(Pending),
}

impl File {
    /// Opens a file read-only; the async version of [`std::fs::File::open`].
    ///
    /// # Errors
    /// `NotFound` for a missing file, `PermissionDenied`, `InvalidInput` for a path with an
    /// interior NUL byte. Opening a directory succeeds (as in std); reading it then fails with
    /// `IsADirectory`.
    ///
    /// # Cancel safety
    /// Not cancel safe in the sense that the open still happens; its descriptor is closed,
    /// never leaked.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::File::open("/no/such/file").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # });
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens a file write-only, creating it or truncating it to length 0; the async version
    /// of [`std::fs::File::create`].
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still create or truncate the file.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-create-{}", std::process::id()));
    /// let f = weft::fs::File::create(&path).await?;
    /// assert_eq!(f.metadata().await?.len(), 0);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates a new file read-write, failing with `AlreadyExists` if it exists (atomically);
    /// the async version of [`std::fs::File::create_new`].
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still create the file.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-cnew-{}", std::process::id()));
    /// weft::fs::File::create_new(&path).await?;
    /// let err = weft::fs::File::create_new(&path).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Returns a blank [`OpenOptions`]; the same as `OpenOptions::new()`.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::options().read(true).open(".").await?;
    /// assert!(f.metadata().await?.is_dir());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open [`std::fs::File`]. Its cursor is where reads and writes start.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let std = std::fs::File::open(".")?;
    /// let f = weft::fs::File::from_std(std);
    /// assert!(f.metadata().await?.is_dir());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(std: std::fs::File) -> File {
        File::with_seekable(std, false)
    }

    /// A regular file or directory just opened: known to be seekable, so its first seek to a
    /// known position is deferred too.
    pub(crate) fn from_std_seekable(std: std::fs::File) -> File {
        File::with_seekable(std, true)
    }

    fn with_seekable(std: std::fs::File, seekable: bool) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner {
                state: State::Idle(Some(Buf::default())),
                last_err: None,
                pos: 0,
                seek_to: None,
                seekable,
                no_ring: false,
                no_nowait: false,
            }),
            max_buf_size: MAX_BUF,
        }
    }

    /// Queries the file's metadata; the async version of [`std::fs::File::metadata`].
    ///
    /// # Cancel safety
    /// Cancel safe: it changes nothing.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::open(".").await?;
    /// assert!(f.metadata().await?.is_dir());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// Creates a new `File` sharing the same open file description (cursor included); the
    /// async version of [`std::fs::File::try_clone`].
    ///
    /// # Cancel safety
    /// Cancel safe: a dropped call's duplicate descriptor is closed.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::open(".").await?;
    /// let g = f.try_clone().await?;
    /// assert_eq!(f.metadata().await?.ino(), g.metadata().await?.ino());
    /// # use std::os::unix::fs::MetadataExt;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        // The clone shares the cursor, so it must see this File's position.
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| complete_inflight(&mut inner, cx)).await;
        let seek_to = inner.seek_to.take();
        let back = match &mut inner.state {
            State::Idle(Some(buf)) => buf.discard_read(),
            _ => 0,
        };
        drop(inner);
        let std = Arc::clone(&self.std);
        let dup = asyncify(move || {
            apply_seek(&std, seek_to, back)?;
            std.try_clone()
        })
        .await?;
        let mut dup = File::from_std(dup);
        dup.max_buf_size = self.max_buf_size;
        Ok(dup)
    }

    /// Waits for any operation a dropped future left running, then turns the `File` back
    /// into a [`std::fs::File`] whose cursor is where this `File`'s reads would go on.
    ///
    /// If a [`read_at`](File::read_at)/[`write_at`](File::write_at) or another call whose
    /// future was dropped still holds the descriptor, the returned file is a duplicate
    /// (`dup(2)`) of it, sharing the same cursor.
    ///
    /// # Cancel safety
    /// Dropping the future drops the `File`.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::open(".").await?;
    /// let std: std::fs::File = f.into_std().await;
    /// assert!(std.metadata()?.is_dir());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn into_std(mut self) -> std::fs::File {
        poll_fn(|cx| complete_inflight(self.inner.get_mut(), cx)).await;
        // Best effort: the caller gets the file either way, and an lseek by a negative amount
        // within the bytes just read cannot fail on a regular file.
        let _ = self.rewind_read_ahead();
        match Arc::try_unwrap(self.std) {
            Ok(std) => std,
            Err(shared) => shared
                .try_clone()
                .expect("File::into_std: duplicating a descriptor still in use failed"),
        }
    }

    /// Turns the `File` back into a [`std::fs::File`] at once, or gives it back if an
    /// operation is still in flight (or the descriptor is still shared with a running call).
    ///
    /// # Errors
    /// Returns `Err(self)` while an operation is in flight.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::open(".").await?;
    /// let std = f.try_into_std().expect("no operation in flight");
    /// assert!(std.metadata()?.is_dir());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<std::fs::File, Self> {
        if matches!(self.inner.get_mut().state, State::Busy(_)) {
            return Err(self);
        }
        let _ = self.rewind_read_ahead();
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(std) => Err(File {
                std,
                inner: self.inner,
                max_buf_size: self.max_buf_size,
            }),
        }
    }

    /// Brings the kernel's cursor to this `File`'s logical position: applies a deferred seek,
    /// or moves back over bytes read ahead of the caller (and drops them). Only an `lseek`,
    /// which does no I/O, so it is fine to call off the blocking pool.
    fn rewind_read_ahead(&mut self) -> io::Result<()> {
        let inner = self.inner.get_mut();
        if let Some(to) = inner.seek_to.take() {
            (&*self.std).seek(SeekFrom::Start(to))?;
        }
        if let State::Idle(Some(buf)) = &mut inner.state {
            let back = buf.discard_read();
            if back != 0 {
                (&*self.std).seek(SeekFrom::Current(back))?;
            }
        }
        Ok(())
    }

    /// Truncates or extends the file to `size` bytes (extending with zeros, sparsely where
    /// the file system can); the async version of [`std::fs::File::set_len`]. The cursor does
    /// not move. Waits first for an operation a dropped future left running.
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still change the length.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-setlen-{}", std::process::id()));
    /// let f = weft::fs::File::create(&path).await?;
    /// f.set_len(4096).await?;
    /// assert_eq!(f.metadata().await?.len(), 4096);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| complete_inflight(&mut inner, cx)).await;
        let back = match &mut inner.state {
            State::Idle(Some(buf)) => buf.discard_read(),
            _ => 0,
        };
        let seek_to = inner.seek_to.take();
        let std = Arc::clone(&self.std);
        asyncify(move || {
            apply_seek(&std, seek_to, back)?;
            std.set_len(size)
        })
        .await
    }

    /// Changes the file's permissions; the async version of
    /// [`std::fs::File::set_permissions`].
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still change them.
    ///
    /// # Examples
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-fperm-{}", std::process::id()));
    /// let f = weft::fs::File::create(&path).await?;
    /// f.set_permissions(std::fs::Permissions::from_mode(0o600)).await?;
    /// assert_eq!(f.metadata().await?.permissions().mode() & 0o777, 0o600);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Waits for any operation a dropped future left running, then flushes the file's data
    /// and metadata to the device (`fsync(2)`); the async version of
    /// [`std::fs::File::sync_all`].
    ///
    /// # Cancel safety
    /// Not cancel safe in the sense that the sync still runs; it is harmless to repeat.
    ///
    /// # Examples
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-sync-{}", std::process::id()));
    /// let mut f = weft::fs::File::create(&path).await?;
    /// f.write_all(b"durable").await?;
    /// f.sync_all().await?;
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        self.sync(false).await
    }

    /// As [`sync_all`](File::sync_all) but without metadata that is not needed to read the
    /// data back (`fdatasync(2)`); the async version of [`std::fs::File::sync_data`].
    ///
    /// # Cancel safety
    /// Not cancel safe in the sense that the sync still runs; it is harmless to repeat.
    ///
    /// # Examples
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-sdata-{}", std::process::id()));
    /// let mut f = weft::fs::File::create(&path).await?;
    /// f.write_all(b"durable").await?;
    /// f.sync_data().await?;
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        self.sync(true).await
    }

    async fn sync(&self, data_only: bool) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| complete_inflight(&mut inner, cx)).await;
        if let Some(e) = inner.last_err.take() {
            return Err(e);
        }
        let no_ring = inner.no_ring;
        drop(inner);
        #[cfg(target_os = "linux")]
        if let Some(ring) = (!no_ring).then(crate::runtime::current::uring).flatten() {
            return ring
                .fsync(Arc::clone(&self.std), data_only)
                .await
                .0
                .map(drop);
        }
        let _ = no_ring;
        let std = Arc::clone(&self.std);
        asyncify(move || {
            if data_only {
                std.sync_data()
            } else {
                std.sync_all()
            }
        })
        .await
    }

    /// Reads up to `buf.len()` bytes at `offset` without using or moving the cursor
    /// (`pread(2)`), returning how many were read (0 at or past the end). **A weft extension:**
    /// tokio's `File` has no positional I/O.
    ///
    /// Takes `&self`, so several can run at once on one `File`.
    ///
    /// # Cancel safety
    /// Cancel safe: the read goes into a buffer the operation owns; if the future is dropped,
    /// nothing is copied into `buf` and the bytes read are discarded.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-rat-{}", std::process::id()));
    /// weft::fs::write(&path, b"0123456789").await?;
    /// let f = weft::fs::File::open(&path).await?;
    /// let mut buf = [0u8; 3];
    /// assert_eq!(f.read_at(&mut buf, 4).await?, 3);
    /// assert_eq!(&buf, b"456");
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let std = Arc::clone(&self.std);
        let len = std::cmp::min(buf.len(), self.max_buf_size);
        #[cfg(target_os = "linux")]
        if let Some(ring) = self.ring() {
            let (res, owned) = ring
                .read(Arc::clone(&std), vec![0; len], len, Some(offset))
                .await;
            if !is_unsupported(&res) {
                let n = res?;
                buf[..n].copy_from_slice(&owned[..n]);
                return Ok(n);
            }
        }
        let owned = asyncify(move || {
            let mut owned = vec![0u8; len];
            let n = loop {
                match std.read_at(&mut owned, offset) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    res => break res?,
                }
            };
            owned.truncate(n);
            Ok(owned)
        })
        .await?;
        buf[..owned.len()].copy_from_slice(&owned);
        Ok(owned.len())
    }

    /// Writes up to `buf.len()` bytes at `offset` without using or moving the cursor
    /// (`pwrite(2)`), returning how many were written. When it returns, those bytes are in the
    /// kernel. **A weft extension:** tokio's `File` has no positional I/O.
    ///
    /// On Linux, a file opened with `append` ignores `offset` and appends (a `pwrite(2)`
    /// quirk). Takes `&self`, so several can run at once on one `File`.
    ///
    /// # Cancel safety
    /// Not cancel safe: the bytes are copied before the write starts, and a dropped call
    /// still writes them.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-wat-{}", std::process::id()));
    /// weft::fs::write(&path, b"0123456789").await?;
    /// let f = weft::fs::OpenOptions::new().write(true).open(&path).await?;
    /// assert_eq!(f.write_at(b"ab", 2).await?, 2);
    /// assert_eq!(weft::fs::read(&path).await?, b"01ab456789");
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn write_at(&self, buf: &[u8], offset: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let std = Arc::clone(&self.std);
        #[allow(unused_mut)]
        let mut owned = buf[..std::cmp::min(buf.len(), self.max_buf_size)].to_vec();
        #[cfg(target_os = "linux")]
        if let Some(ring) = self.ring() {
            let len = owned.len();
            let (res, back) = ring
                .write(Arc::clone(&std), owned, 0, len, Some(offset))
                .await;
            if !is_unsupported(&res) {
                return res;
            }
            owned = back;
        }
        asyncify(move || loop {
            match std.write_at(&owned, offset) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        })
        .await
    }

    /// The runtime's io_uring for positional I/O, unless this descriptor refused it.
    #[cfg(target_os = "linux")]
    fn ring(&self) -> Option<Arc<crate::runtime::driver::uring::Ring>> {
        // `try_lock`: positional I/O does not wait for the cursor's operations; a busy cursor
        // only means the flag is read on a later call.
        match self.inner.try_lock() {
            Ok(inner) if inner.no_ring => None,
            _ => crate::runtime::current::uring(),
        }
    }
}

/// Polls the in-flight operation, if any, to completion and leaves the state idle. A read's
/// bytes stay buffered; a write's or seek's result is recorded.
fn complete_inflight(inner: &mut Inner, cx: &mut Context<'_>) -> Poll<()> {
    if let State::Busy(pending) = &mut inner.state {
        let (op, buf) = match ready!(pending.poll(cx, &mut inner.no_ring)) {
            Ok(done) => done,
            Err(e) => (Op::Write(Err(e)), Buf::default()),
        };
        inner.finish(op, buf);
    }
    Poll::Ready(())
}

impl Inner {
    /// Records a finished operation whose caller is not there to take its result.
    fn finish(&mut self, op: Op, mut buf: Buf) {
        match op {
            Op::Read(Ok(_)) => {}
            Op::Read(Err(_)) => buf.clear(),
            Op::Write(res) => {
                buf.clear();
                if let Err(e) = res {
                    self.last_err = Some(e);
                }
            }
            Op::Seek(res) => {
                if let Ok(pos) = res {
                    self.pos = pos;
                    self.seekable = true;
                }
            }
        }
        self.state = State::Idle(Some(buf));
    }

    /// Takes the idle buffer (for an operation to own).
    fn take_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => buf.take().unwrap_or_default(),
            State::Busy(_) => unreachable!("File: taking the buffer while an operation runs"),
        }
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        loop {
            match &mut inner.state {
                State::Idle(buf) => {
                    let buf_ref = buf.get_or_insert_with(Buf::default);
                    if !buf_ref.is_empty() {
                        buf_ref.copy_to(dst);
                        return Poll::Ready(Ok(()));
                    }
                    if dst.remaining() == 0 {
                        return Poll::Ready(Ok(()));
                    }
                    let len = std::cmp::min(dst.remaining(), me.max_buf_size);
                    #[cfg(target_os = "linux")]
                    if let Some(res) = ready!(read_cached(&me.std, inner, cx, dst, len)) {
                        return Poll::Ready(res);
                    }
                    let buf = inner.take_buf();
                    let seek_to = inner.seek_to.take();
                    match Pending::read(&me.std, buf, len, seek_to, inner.no_ring) {
                        Ok(pending) => inner.state = State::Busy(pending),
                        Err((e, buf)) => {
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(Err(e));
                        }
                    }
                }
                State::Busy(pending) => {
                    let (op, mut buf) = match ready!(pending.poll(cx, &mut inner.no_ring)) {
                        Ok(done) => done,
                        Err(e) => {
                            inner.state = State::Idle(Some(Buf::default()));
                            return Poll::Ready(Err(e));
                        }
                    };
                    match op {
                        Op::Read(Ok(_)) => {
                            buf.copy_to(dst);
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(Ok(()));
                        }
                        Op::Read(Err(e)) => {
                            buf.clear();
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(Err(e));
                        }
                        // Left running by a dropped future: record it and start our read.
                        op => inner.finish(op, buf),
                    }
                }
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        loop {
            match &mut inner.state {
                State::Idle(_) => {
                    if let Some(e) = inner.last_err.take() {
                        return Poll::Ready(Err(e));
                    }
                    if src.is_empty() {
                        return Poll::Ready(Ok(0));
                    }
                    // Budget first, before anything that cannot be undone.
                    #[cfg(target_os = "linux")]
                    let mut coop = match fast_path(inner) {
                        true => Some(ready!(crate::runtime::coop::poll_proceed(cx))),
                        false => None,
                    };
                    let mut buf = inner.take_buf();
                    #[allow(unused_mut)]
                    let (mut back, mut seek_to) = (buf.discard_read(), inner.seek_to.take());
                    let src = &src[..std::cmp::min(src.len(), me.max_buf_size)];
                    #[cfg(target_os = "linux")]
                    if let Some(coop) = &mut coop {
                        if let Some(res) = write_cached(&me.std, inner, src, seek_to, back) {
                            if res.is_ok() {
                                coop.made_progress();
                            }
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(res);
                        }
                        (seek_to, back) = (None, 0);
                    }
                    buf.fill_from(src);
                    match Pending::write(&me.std, buf, seek_to, back, inner.no_ring) {
                        Ok(pending) => inner.state = State::Busy(pending),
                        Err((e, mut buf)) => {
                            buf.clear();
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(Err(e));
                        }
                    }
                }
                State::Busy(pending) => {
                    let (op, mut buf) = match ready!(pending.poll(cx, &mut inner.no_ring)) {
                        Ok(done) => done,
                        Err(e) => {
                            inner.state = State::Idle(Some(Buf::default()));
                            return Poll::Ready(Err(e));
                        }
                    };
                    match op {
                        // Our write (re-polled with the same bytes) or a retry of a dropped
                        // one with the same bytes: either way these bytes are written.
                        Op::Write(res) if !buf.is_empty() && src.starts_with(buf.bytes()) => {
                            buf.clear();
                            inner.state = State::Idle(Some(buf));
                            return Poll::Ready(res);
                        }
                        op => inner.finish(op, buf),
                    }
                }
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let inner = self.get_mut().inner.get_mut();
        ready!(complete_inflight(inner, cx));
        Poll::Ready(match inner.last_err.take() {
            Some(e) => Err(e),
            None => Ok(()),
        })
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut pos: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        if let State::Busy(_) = inner.state {
            return Err(io::Error::other(
                "another file operation is in flight: call poll_complete before start_seek",
            ));
        }
        let mut buf = inner.take_buf();
        let back = buf.discard_read();
        if let SeekFrom::Current(off) = &mut pos {
            *off += back;
        }
        // An absolute target is known without asking the kernel: defer the lseek to the next
        // operation (see `Inner::seek_to`).
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(off) => inner
                .seek_to
                .and_then(|at| (at as i64).checked_add(off))
                .and_then(|n| u64::try_from(n).ok()),
            SeekFrom::End(_) => None,
        };
        if let Some(n) = target.filter(|&n| inner.seekable && n <= i64::MAX as u64) {
            inner.seek_to = Some(n);
            inner.pos = n;
            inner.state = State::Idle(Some(buf));
            return Ok(());
        }
        let seek_to = match pos {
            SeekFrom::End(_) => None,
            _ => inner.seek_to.take(),
        };
        inner.seek_to = None;
        inner.state = State::Busy(Pending::seek(&me.std, buf, seek_to, pos));
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let inner = self.get_mut().inner.get_mut();
        loop {
            match &mut inner.state {
                State::Idle(_) => return Poll::Ready(Ok(inner.pos)),
                State::Busy(pending) => {
                    let (op, buf) = match ready!(pending.poll(cx, &mut inner.no_ring)) {
                        Ok(done) => done,
                        Err(e) => {
                            inner.state = State::Idle(Some(Buf::default()));
                            return Poll::Ready(Err(e));
                        }
                    };
                    if let Op::Seek(res) = op {
                        inner.state = State::Idle(Some(buf));
                        if let Ok(pos) = &res {
                            inner.pos = *pos;
                            inner.seekable = true;
                        }
                        return Poll::Ready(res);
                    }
                    inner.finish(op, buf);
                }
            }
        }
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> Self {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for File {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        self.std.as_fd()
    }
}
