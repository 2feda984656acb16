//! [`DirBuilder`]: how to create a directory.

use super::asyncify_path;
use std::io;
use std::path::Path;

/// Creates directories with options; the async version of [`std::fs::DirBuilder`].
///
/// # Examples
/// ```
/// use weft::fs::DirBuilder;
///
/// # weft::runtime::Runtime::new().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("weft-doc-db-{}", std::process::id()));
/// DirBuilder::new().recursive(true).create(top.join("a/b")).await?;
/// assert!(weft::fs::metadata(top.join("a/b")).await?.is_dir());
/// weft::fs::remove_dir_all(&top).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// Creates a builder with default settings: not recursive, mode `0o777` (before the umask).
    ///
    /// ```
    /// let builder = weft::fs::DirBuilder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Self {
        DirBuilder::default()
    }

    /// Creates missing parent directories too; an existing directory is then not an error.
    ///
    /// ```
    /// let mut builder = weft::fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// Sets the mode bits new directories get (before the umask). As
    /// `std::os::unix::fs::DirBuilderExt::mode`.
    ///
    /// ```
    /// let mut builder = weft::fs::DirBuilder::new();
    /// builder.mode(0o700);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Creates the directory at `path` with these options.
    ///
    /// # Errors
    /// As [`std::fs::DirBuilder::create`]: `AlreadyExists` (when not recursive), `NotFound`
    /// for a missing parent (when not recursive), `PermissionDenied`.
    ///
    /// # Cancel safety
    /// Not cancel safe: a dropped call may have created some directories.
    ///
    /// # Examples
    /// ```
    /// # weft::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = std::env::temp_dir().join(format!("weft-doc-dbc-{}", std::process::id()));
    /// weft::fs::DirBuilder::new().create(&dir).await?;
    /// weft::fs::remove_dir(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify_path("create directory", path.as_ref(), move |p| {
            builder.create(p)
        })
        .await
    }
}
