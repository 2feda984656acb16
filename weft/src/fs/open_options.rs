//! [`OpenOptions`]: how to open a file.

use super::{asyncify_path, File};
use std::io;
use std::path::Path;

/// Options and flags for opening a [`File`]; the async version of [`std::fs::OpenOptions`].
///
/// Build it with [`OpenOptions::new`] (or [`File::options`]), set flags, then call
/// [`open`](OpenOptions::open). On Unix, [`mode`](OpenOptions::mode) and
/// [`custom_flags`](OpenOptions::custom_flags) do what `std::os::unix::fs::OpenOptionsExt`
/// does.
///
/// # Examples
/// ```
/// use weft::fs::OpenOptions;
/// use weft::io::AsyncWriteExt;
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("weft-doc-oo-{}", std::process::id()));
/// let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&path).await?;
/// f.write_all(b"one").await?;
/// let mut f = OpenOptions::new().append(true).open(&path).await?;
/// f.write_all(b"two").await?;
/// assert_eq!(weft::fs::read(&path).await?, b"onetwo");
/// weft::fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions, Flags);

/// The flags set so far, which std's `OpenOptions` does not let us read back; they decide
/// whether an open may take the cached fast path (`fs::nowait::open_cached`).
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    read: bool,
    write: bool,
    append: bool,
    /// Anything that creates, truncates, or sets custom flags; or built from std's
    /// `OpenOptions`, whose flags are unknown. Such opens always go to the blocking pool.
    pool_only: bool,
}

impl OpenOptions {
    /// Creates a blank set of options: every flag off.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.read(true);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new(), Flags::default())
    }

    /// Sets read access.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.read(true);
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self.1.read = read;
        self
    }

    /// Sets write access.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.write(true);
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self.1.write = write;
        self
    }

    /// Sets append mode: every write goes to the end of the file. Implies write access.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.append(true);
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self.1.append = append;
        self
    }

    /// Truncates an existing file to length 0 on open (needs write access).
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.write(true).truncate(true);
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self.1.pool_only |= truncate;
        self
    }

    /// Creates the file if it does not exist (needs write or append access).
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.write(true).create(true);
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self.1.pool_only |= create;
        self
    }

    /// Creates a new file, failing with `AlreadyExists` if it exists (atomically). `create`
    /// and `truncate` are ignored when this is set.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.write(true).create_new(true);
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self.1.pool_only |= create_new;
        self
    }

    /// Sets the mode bits a newly created file gets (before the umask); the default is
    /// `0o666`. As `std::os::unix::fs::OpenOptionsExt::mode`.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.write(true).create(true).mode(0o600);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Passes extra flags to `open(2)` (for example `libc::O_NOFOLLOW`); the access-mode bits
    /// are masked off. As `std::os::unix::fs::OpenOptionsExt::custom_flags`.
    ///
    /// ```
    /// let mut opts = weft::fs::OpenOptions::new();
    /// opts.read(true).custom_flags(libc::O_NOFOLLOW);
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self.1.pool_only |= flags != 0;
        self
    }

    /// Opens the file at `path` with these options.
    ///
    /// # Errors
    /// As [`std::fs::OpenOptions::open`]: `NotFound`, `PermissionDenied`, `AlreadyExists`
    /// (with `create_new`), `InvalidInput` for contradictory flags or a path with an interior
    /// NUL byte.
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may still create or truncate the file; the descriptor
    /// it opens is closed, never leaked.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::OpenOptions::new().read(true).open("/no/such/file").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # });
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        #[cfg(target_os = "linux")]
        if let Some(file) = self.open_cached(path.as_ref()) {
            return Ok(file);
        }
        let opts = self.0.clone();
        let std = asyncify_path("open", path.as_ref(), move |p| opts.open(p)).await?;
        Ok(File::from_std(std))
    }

    /// On an io_uring runtime, opens an existing file whose path the kernel has cached right
    /// here, without a trip to the blocking pool (see `fs::nowait::open_cached`).
    #[cfg(target_os = "linux")]
    fn open_cached(&self, path: &Path) -> Option<File> {
        let f = self.1;
        let access = match (f.read, f.write || f.append) {
            _ if f.pool_only => return None,
            (true, false) => libc::O_RDONLY,
            (false, true) => libc::O_WRONLY,
            (true, true) => libc::O_RDWR,
            (false, false) => return None,
        };
        let flags = access | if f.append { libc::O_APPEND } else { 0 };
        if !crate::runtime::current::has_uring() {
            return None;
        }
        let (std, meta) = super::nowait::open_cached(path, flags)?;
        Some(if meta.is_file() {
            File::from_std_seekable(std)
        } else {
            File::from_std(std)
        })
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions::new()
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(
            options,
            Flags {
                pool_only: true,
                ..Flags::default()
            },
        )
    }
}
