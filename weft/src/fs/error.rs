//! [`PathError`]: the payload of every error a path-taking `weft::fs` function returns, so the
//! message names the operation and the path.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong in a path-taking `weft::fs` call: the operation, the path (two for
/// `copy`, `rename` and the link functions) and the original error.
///
/// It is the payload of the [`io::Error`] those functions return: the error keeps the
/// original [`kind()`](io::Error::kind), and its message reads
/// ``failed to open `/x/y`: No such file or directory (os error 2)``. std and tokio give
/// only the second half.
///
/// The price: an `io::Error` with a payload has no [`raw_os_error()`](io::Error::raw_os_error)
/// of its own. The original error, errno included, is [`PathError::source_error`]; the
/// shortcut [`raw_os_error`](super::raw_os_error) looks through the payload.
///
/// # Examples
/// ```
/// use weft::fs::PathError;
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let err = weft::fs::read("/no/such/file").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// assert!(err.to_string().starts_with("failed to read `/no/such/file`: "));
/// let inner = err.get_ref().and_then(|e| e.downcast_ref::<PathError>()).unwrap();
/// assert_eq!(inner.path(), std::path::Path::new("/no/such/file"));
/// assert_eq!(inner.source_error().raw_os_error(), Some(libc::ENOENT));
/// assert_eq!(weft::fs::raw_os_error(&err), Some(libc::ENOENT));
/// # });
/// ```
#[derive(Debug)]
pub struct PathError {
    op: &'static str,
    path: PathBuf,
    to: Option<PathBuf>,
    source: io::Error,
}

impl PathError {
    /// The operation that failed, as the message words it: `"open"`, `"read"`,
    /// `"remove directory"`, …
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::File::open("/no/such/file").await.unwrap_err();
    /// let inner = err.get_ref().unwrap().downcast_ref::<weft::fs::PathError>().unwrap();
    /// assert_eq!(inner.op(), "open");
    /// # });
    /// ```
    pub fn op(&self) -> &str {
        self.op
    }

    /// The path the operation was given (the source, for the two-path operations).
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::metadata("/no/such/file").await.unwrap_err();
    /// let inner = err.get_ref().unwrap().downcast_ref::<weft::fs::PathError>().unwrap();
    /// assert_eq!(inner.path(), std::path::Path::new("/no/such/file"));
    /// # });
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The destination of `copy`, `rename`, `hard_link` and `symlink`; `None` for the others.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::rename("/no/such/a", "/no/such/b").await.unwrap_err();
    /// let inner = err.get_ref().unwrap().downcast_ref::<weft::fs::PathError>().unwrap();
    /// assert_eq!(inner.to_path(), Some(std::path::Path::new("/no/such/b")));
    /// # });
    /// ```
    pub fn to_path(&self) -> Option<&Path> {
        self.to.as_deref()
    }

    /// The error the system call returned, as std would have given it: its
    /// [`raw_os_error()`](io::Error::raw_os_error) is the errno.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::read_dir("/no/such/dir").await.unwrap_err();
    /// let inner = err.get_ref().unwrap().downcast_ref::<weft::fs::PathError>().unwrap();
    /// assert_eq!(inner.source_error().raw_os_error(), Some(libc::ENOENT));
    /// # });
    /// ```
    pub fn source_error(&self) -> &io::Error {
        &self.source
    }

    /// Takes the original error out.
    ///
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = weft::fs::read("/no/such/file").await.unwrap_err();
    /// let inner = err.into_inner().unwrap().downcast::<weft::fs::PathError>().unwrap();
    /// assert_eq!(inner.into_source().raw_os_error(), Some(libc::ENOENT));
    /// # });
    /// ```
    pub fn into_source(self) -> io::Error {
        self.source
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to {} `{}`", self.op, self.path.display())?;
        if let Some(to) = &self.to {
            write!(f, " to `{}`", to.display())?;
        }
        write!(f, ": {}", self.source)
    }
}

impl Error for PathError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

/// The OS error code behind `err`, also when it carries a [`PathError`]: what
/// [`io::Error::raw_os_error`] gives for std's and tokio's file system errors.
///
/// # Examples
/// ```
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let err = weft::fs::read_dir("/etc/passwd").await.unwrap_err();
/// assert_eq!(err.raw_os_error(), None); // the payload hides it
/// assert_eq!(weft::fs::raw_os_error(&err), Some(libc::ENOTDIR));
/// assert_eq!(weft::fs::raw_os_error(&std::io::Error::from_raw_os_error(2)), Some(2));
/// # });
/// ```
pub fn raw_os_error(err: &io::Error) -> Option<i32> {
    err.raw_os_error().or_else(|| {
        err.get_ref()?
            .downcast_ref::<PathError>()?
            .source
            .raw_os_error()
    })
}

/// `e` as the error of `op` on `path`, with the same kind.
pub(crate) fn wrap(op: &'static str, path: &Path, e: io::Error) -> io::Error {
    wrap2(op, path, None, e)
}

/// `e` as the error of `op` from `path` to `to`, with the same kind.
pub(crate) fn wrap2(op: &'static str, path: &Path, to: Option<&Path>, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        PathError {
            op,
            path: path.to_owned(),
            to: to.map(Path::to_owned),
            source: e,
        },
    )
}
