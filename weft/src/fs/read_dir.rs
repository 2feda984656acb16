//! [`read_dir`], [`ReadDir`] and [`DirEntry`].

use super::{asyncify, asyncify_path, join_error};
use crate::task::JoinHandle;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Entries fetched per trip to the blocking pool: one trip per entry would cost a thread
/// hand-off each.
const CHUNK: usize = 32;

/// Returns a stream over the entries of a directory; the async version of
/// [`std::fs::read_dir`]. The entries come in no particular order; `.` and `..` are skipped.
///
/// # Errors
/// `NotFound` for a missing path, `NotADirectory` for a file, `PermissionDenied`.
///
/// # Cancel safety
/// Cancel safe: it changes nothing (a dropped call's directory handle is closed).
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("weft-doc-readdir-{}", std::process::id()));
/// weft::fs::create_dir_all(&dir).await?;
/// weft::fs::write(dir.join("a"), b"").await?;
/// let mut entries = weft::fs::read_dir(&dir).await?;
/// let entry = entries.next_entry().await?.unwrap();
/// assert_eq!(entry.file_name(), "a");
/// assert!(entries.next_entry().await?.is_none());
/// weft::fs::remove_dir_all(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let std = asyncify_path("read directory", path.as_ref(), |p| std::fs::read_dir(p)).await?;
    Ok(ReadDir(State::Idle(Some(Batch {
        buf: VecDeque::with_capacity(CHUNK),
        std,
        done: false,
    }))))
}

/// The entries of a directory, fetched a batch at a time on the blocking pool; returned by
/// [`read_dir`].
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let mut entries = weft::fs::read_dir(std::env::temp_dir()).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     let _ = entry.path();
/// }
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[must_use = "a ReadDir does nothing unless polled"]
pub struct ReadDir(State);

struct Batch {
    buf: VecDeque<io::Result<DirEntry>>,
    std: std::fs::ReadDir,
    done: bool,
}

enum State {
    /// `None` only while a poll is moving the batch into a fetch.
    Idle(Option<Batch>),
    Fetching(JoinHandle<Batch>),
    /// The fetching task failed and took the directory handle with it.
    Broken,
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

impl ReadDir {
    /// Returns the next entry, or `None` at the end of the directory.
    ///
    /// # Cancel safety
    /// Cancel safe: a batch being fetched when the future is dropped is kept for the next
    /// call, so no entry is lost.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let mut n = 0;
    /// while entries.next_entry().await?.is_some() {
    ///     n += 1;
    /// }
    /// assert!(n > 0);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(Some(entry)))`, `Ready(Ok(None))` at the end,
    /// `Ready(Err(e))` for an error reading one entry (later calls go on with the next), or
    /// `Pending` after arranging for `cx`'s waker to be woken.
    ///
    /// Only the waker of the most recent call is woken.
    ///
    /// # Examples
    /// ```
    /// use std::future::poll_fn;
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let first = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    /// assert!(first.is_some());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Idle(batch) => {
                    let b = batch.as_mut().expect("ReadDir batch present while idle");
                    if let Some(entry) = b.buf.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if b.done {
                        return Poll::Ready(Ok(None));
                    }
                    let mut b = batch.take().expect("ReadDir batch present while idle");
                    self.0 = State::Fetching(crate::task::spawn_blocking(move || {
                        fetch(&mut b);
                        b
                    }));
                }
                State::Fetching(handle) => match ready!(Pin::new(handle).poll(cx)) {
                    Ok(batch) => self.0 = State::Idle(Some(batch)),
                    Err(e) => {
                        self.0 = State::Broken;
                        return Poll::Ready(Err(join_error(e)));
                    }
                },
                State::Broken => return Poll::Ready(Ok(None)),
            }
        }
    }
}

fn fetch(b: &mut Batch) {
    for _ in 0..CHUNK {
        match b.std.next() {
            Some(entry) => b.buf.push_back(entry.map(|std| {
                let file_type = std.file_type().ok();
                DirEntry {
                    std: Arc::new(std),
                    file_type,
                }
            })),
            None => {
                b.done = true;
                return;
            }
        }
    }
}

/// One entry of a directory, yielded by [`ReadDir`].
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let mut entries = weft::fs::read_dir(".").await?;
/// if let Some(entry) = entries.next_entry().await? {
///     println!("{:?} {:?}", entry.file_name(), entry.file_type().await?);
/// }
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Read from `d_type` when the batch was fetched; `None` if that failed.
    file_type: Option<FileType>,
}

impl DirEntry {
    /// The full path of the entry: the `read_dir` path joined with the file name.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert!(entry.path().starts_with("."));
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The bare file name of the entry, without any leading path.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert_eq!(Some(entry.file_name().as_os_str()), entry.path().file_name());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The inode number of the entry, as `std::os::unix::fs::DirEntryExt::ino`.
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert_eq!(entry.ino(), weft::fs::symlink_metadata(entry.path()).await?.ino());
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The metadata of the entry, not following a symbolic link (as
    /// [`std::fs::DirEntry::metadata`]).
    ///
    /// # Cancel safety
    /// Cancel safe: it changes nothing.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// let _len = entry.metadata().await?.len();
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata())
            .await
            .map_err(|e| super::error::wrap("get metadata of", &self.path(), e))
    }

    /// The type of the entry, not following a symbolic link. Usually known without a system
    /// call (Linux reports it with the directory listing).
    ///
    /// # Cancel safety
    /// Cancel safe: it changes nothing.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = std::env::temp_dir().join(format!("weft-doc-ft-{}", std::process::id()));
    /// weft::fs::create_dir_all(dir.join("sub")).await?;
    /// let entry = weft::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    /// assert!(entry.file_type().await?.is_dir());
    /// weft::fs::remove_dir_all(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(t) = self.file_type {
            return Ok(t);
        }
        let std = Arc::clone(&self.std);
        asyncify(move || std.file_type())
            .await
            .map_err(|e| super::error::wrap("get file type of", &self.path(), e))
    }
}
