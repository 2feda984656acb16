//! A `File`'s timestamps and its per-operation size limit.

use super::{asyncify, complete_inflight, File};
use crate::fs::FileTimes;
use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use std::time::SystemTime;

impl File {
    /// Changes the file's access and modification times; the async version of
    /// [`std::fs::File::set_times`]. Times left unset in `times` are not changed.
    ///
    /// Waits first for an operation a dropped future left running, so a write finishing
    /// afterwards cannot overwrite the timestamps set here.
    ///
    /// # Errors
    /// What `futimens(2)` reports: `PermissionDenied` when the caller does not own the file,
    /// for instance. A `File` opened read-only may still set its times if the caller owns it.
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still change the times.
    ///
    /// # Examples
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use weft::fs::FileTimes;
    ///
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-times-{}", std::process::id()));
    /// let f = weft::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    /// f.set_times(FileTimes::new().set_accessed(when).set_modified(when)).await?;
    /// let meta = f.metadata().await?;
    /// assert_eq!(meta.modified()?, when);
    /// assert_eq!(meta.accessed()?, when);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        poll_fn(|cx| complete_inflight(&mut inner, cx)).await;
        let std = Arc::clone(&self.std);
        // Held until the call is done, so no read or write of this `File` starts meanwhile.
        let res = asyncify(move || std.set_times(times)).await;
        drop(inner);
        res
    }

    /// Changes the file's modification time; [`set_times`](File::set_times) with only the
    /// modification time set, as [`std::fs::File::set_modified`].
    ///
    /// # Errors
    /// As [`set_times`](File::set_times).
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still change the time.
    ///
    /// # Examples
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-mtime-{}", std::process::id()));
    /// let f = weft::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400);
    /// f.set_modified(when).await?;
    /// assert_eq!(f.metadata().await?.modified()?, when);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time)).await
    }

    /// Sets the most bytes one read or write moves (2 MiB unless changed, tokio's default):
    /// a `read` into a larger buffer returns at most this many bytes, a `write` of more
    /// writes at most this many (and `write_all` loops). [`try_clone`](File::try_clone)
    /// keeps the setting.
    ///
    /// # Panics
    /// If `max_buf_size` is 0 (with tokio's message, "`max_buf_size` must be greater than 0").
    ///
    /// # Examples
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let path = std::env::temp_dir().join(format!("weft-doc-maxbuf-{}", std::process::id()));
    /// let mut f = weft::fs::File::create(&path).await?;
    /// f.set_max_buf_size(4);
    /// assert_eq!(f.max_buf_size(), 4);
    /// assert_eq!(f.write(b"hello").await?, 4);
    /// weft::fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// The most bytes one read or write moves; see
    /// [`set_max_buf_size`](File::set_max_buf_size).
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let f = weft::fs::File::open(".").await?;
    /// assert_eq!(f.max_buf_size(), 2 * 1024 * 1024);
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}
