//! Unix pipes and FIFOs: the writing end ([`Sender`]) and the reading end ([`Receiver`]),
//! from [`pipe`] (an anonymous pipe), [`OpenOptions`] (a FIFO by path) or an open file.
//!
//! ```
//! use weft::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[weft::main] async fn main() -> std::io::Result<()> {
//! let (mut tx, mut rx) = weft::net::unix::pipe::pipe()?;
//! tx.write_all(b"through the pipe").await?;
//! drop(tx); // the reader sees end of stream once every writer is gone
//! let mut got = String::new();
//! rx.read_to_string(&mut got).await?;
//! assert_eq!(got, "through the pipe");
//! # Ok(()) }
//! ```

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::sys;
use crate::runtime::driver::io::{Direction, PollEvented};
use mio::unix::pipe as mio_pipe;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A new anonymous pipe: what is written to the [`Sender`] is read from the [`Receiver`].
/// Both ends are non-blocking and close-on-exec.
///
/// # Panics
///
/// Outside a runtime with I/O enabled.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut tx, mut rx) = weft::net::unix::pipe::pipe()?;
/// tx.write_all(b"ping").await?;
/// let mut buf = [0u8; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(()) }
/// ```
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (tx, rx) = mio_pipe::new()?;
    let tx = Sender::from_mio(tx)?;
    // An empty pipe has room: writable now, without waiting for the reactor's first event.
    tx.io.registration().assume_ready(Ready::WRITABLE);
    Ok((tx, Receiver::from_mio(rx)?))
}

/// Options for opening a FIFO (a named pipe) as a [`Sender`] or [`Receiver`]: the file is
/// opened non-blocking and, unless [`unchecked`](Self::unchecked), checked to be a FIFO.
///
/// Opening the sending end of a FIFO that no process has open for reading fails with
/// `ENXIO` (the kernel's rule for non-blocking opens), unless
/// [`read_write`](Self::read_write) is set.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// use weft::net::unix::pipe;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("weft-doc-fifo-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("fifo");
/// let status = std::process::Command::new("mkfifo").arg(&path).status()?;
/// assert!(status.success());
///
/// let mut rx = pipe::OpenOptions::new().open_receiver(&path)?;
/// let mut tx = pipe::OpenOptions::new().open_sender(&path)?;
/// tx.write_all(b"fifo").await?;
/// let mut buf = [0u8; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"fifo");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    read_write: bool,
    unchecked: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Sender,
    Receiver,
}

impl OpenOptions {
    /// Options with everything off: open one end only, and check that the file is a FIFO.
    ///
    /// ```
    /// let options = weft::net::unix::pipe::OpenOptions::new();
    /// # drop(options);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Opens the FIFO for reading and writing (Linux). A receiver opened so never sees end
    /// of stream when the last writer goes (it is a writer itself), so it can wait for the
    /// next one; a sender opened so does not fail when no reader is there yet.
    ///
    /// ```
    /// let mut options = weft::net::unix::pipe::OpenOptions::new();
    /// options.read_write(true);
    /// ```
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips the check that the opened file is a FIFO (a character device can stand in for
    /// one, for example).
    ///
    /// ```
    /// let mut options = weft::net::unix::pipe::OpenOptions::new();
    /// options.unchecked(true);
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as the reading end.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let err = weft::net::unix::pipe::OpenOptions::new().open_receiver("/").unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput); // not a FIFO
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), End::Receiver)?;
        Receiver::from_file_unchecked(file)
    }

    /// Opens the FIFO at `path` as the writing end.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("weft-doc-fifo-tx-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("fifo");
    /// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// // Nobody reads yet: a plain sender open fails, a read-write one does not.
    /// assert!(weft::net::unix::pipe::OpenOptions::new().open_sender(&path).is_err());
    /// let tx = weft::net::unix::pipe::OpenOptions::new()
    ///     .read_write(true)
    ///     .open_sender(&path)?;
    /// # drop(tx); std::fs::remove_dir_all(&dir)?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), End::Sender)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, end: End) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == End::Receiver || self.read_write)
            .write(end == End::Sender || self.read_write)
            .custom_flags(libc::O_NONBLOCK);
        let file = options.open(path)?;
        if !self.unchecked && !is_fifo(&file)? {
            return Err(not_a_pipe());
        }
        Ok(file)
    }
}

fn is_fifo(file: &File) -> io::Result<bool> {
    Ok(file.metadata()?.file_type().is_fifo())
}

fn not_a_pipe() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a pipe")
}

/// Checks that `fd` is a pipe opened for `end`, and makes it non-blocking.
fn check_pipe(fd: OwnedFd, end: End) -> io::Result<OwnedFd> {
    let file = File::from(fd);
    if !is_fifo(&file)? {
        return Err(not_a_pipe());
    }
    let flags = sys::fd_flags(file.as_fd())?;
    let mode = flags & libc::O_ACCMODE;
    let ok = match end {
        End::Sender => mode == libc::O_WRONLY || mode == libc::O_RDWR,
        End::Receiver => mode == libc::O_RDONLY || mode == libc::O_RDWR,
    };
    if !ok {
        let want = match end {
            End::Sender => "not in O_WRONLY or O_RDWR access mode",
            End::Receiver => "not in O_RDONLY or O_RDWR access mode",
        };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, want));
    }
    sys::set_nonblocking(file.as_fd(), true)?;
    Ok(OwnedFd::from(file))
}

fn into_blocking(fd: OwnedFd) -> io::Result<OwnedFd> {
    sys::set_nonblocking(fd.as_fd(), false)?;
    Ok(fd)
}

/// The writing end of a pipe, written through [`AsyncWrite`] or the `try_write` family.
/// Writing after every reader is gone fails with `BrokenPipe`.
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut tx, rx) = weft::net::unix::pipe::pipe()?;
/// tx.write_all(b"x").await?;
/// drop(rx);
/// let err = tx.write_all(b"y").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Sender {
    io: PollEvented<mio_pipe::Sender>,
}

impl Sender {
    #[track_caller]
    fn from_mio(tx: mio_pipe::Sender) -> io::Result<Sender> {
        let io =
            PollEvented::new_with_interest(tx, Interest::WRITABLE, crate::runtime::current::io())?;
        Ok(Sender { io })
    }

    /// Wraps an open file that must be a pipe or FIFO opened for writing; it is made
    /// non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::create(std::env::temp_dir().join("weft-doc-not-a-pipe"))?;
    /// let err = weft::net::unix::pipe::Sender::from_file(file).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// Wraps an open descriptor that must be a pipe or FIFO opened for writing; it is made
    /// non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = tx.into_blocking_fd()?;
    /// let tx = weft::net::unix::pipe::Sender::from_owned_fd(fd)?;
    /// # drop(tx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(check_pipe(owned_fd, End::Sender)?)
    }

    /// Wraps an open file without checking it: the caller makes sure it is the writing end
    /// of a pipe and non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_nonblocking_fd()?);
    /// let tx = weft::net::unix::pipe::Sender::from_file_unchecked(file)?;
    /// # drop(tx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(file.into())
    }

    /// Wraps an open descriptor without checking it: the caller makes sure it is the
    /// writing end of a pipe and non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// let tx = weft::net::unix::pipe::Sender::from_owned_fd_unchecked(fd)?;
    /// # drop(tx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        Sender::from_mio(mio_pipe::Sender::from(owned_fd))
    }

    /// Waits for readiness matching `interest` (only writability, and the reader going
    /// away, are ever reported on a sender); returns what is ready.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses no readiness.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// assert!(tx.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the pipe has room (or the reader is gone).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_write(b"hi")?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for write readiness; only the waker of the last call is kept.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// std::future::poll_fn(|cx| tx.poll_write_ready(cx)).await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Writes what fits without waiting: `WouldBlock` if the pipe is full.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_write(b"hello")?, 5);
    /// # Ok(()) }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Vectored form of [`try_write`](Self::try_write).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let bufs = [std::io::IoSlice::new(b"he"), std::io::IoSlice::new(b"llo")];
    /// assert_eq!(tx.try_write_vectored(&bufs)?, 5);
    /// # Ok(()) }
    /// ```
    pub fn try_write_vectored(&self, buf: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(buf))
    }

    /// Runs `f` (a non-blocking write-side operation on the pipe's descriptor) if the pipe
    /// was last reported writable; `WouldBlock` from `f` clears that readiness.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let n = tx.try_io(|| Ok(7))?;
    /// assert_eq!(n, 7);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io.registration().try_io(Interest::WRITABLE, f)
    }

    /// Deregisters the sender and returns its descriptor in blocking mode.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let mut file = std::fs::File::from(tx.into_blocking_fd()?);
    /// std::io::Write::write_all(&mut file, b"blocking now")?;
    /// # Ok(()) }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        into_blocking(self.into_nonblocking_fd()?)
    }

    /// Deregisters the sender and returns its descriptor, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(sys::into_owned_fd(self.io.into_inner()?))
    }
}

impl AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || (&*self.io).write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || (&*self.io).write_vectored(bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the kernel's pipe buffer.
        Poll::Ready(Ok(()))
    }

    /// Does nothing: a pipe has no half-close; drop the sender to give the reader end of
    /// stream.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsRawFd for Sender {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Sender {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

/// The reading end of a pipe, read through [`AsyncRead`] or the `try_read` family. It reads
/// end of stream (`Ok(0)`) once every writer is gone.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main] async fn main() -> std::io::Result<()> {
/// let (mut tx, mut rx) = weft::net::unix::pipe::pipe()?;
/// tx.write_all(b"last words").await?;
/// drop(tx);
/// let mut all = Vec::new();
/// rx.read_to_end(&mut all).await?;
/// assert_eq!(all, b"last words");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Receiver {
    io: PollEvented<mio_pipe::Receiver>,
}

impl Receiver {
    #[track_caller]
    fn from_mio(rx: mio_pipe::Receiver) -> io::Result<Receiver> {
        let io =
            PollEvented::new_with_interest(rx, Interest::READABLE, crate::runtime::current::io())?;
        Ok(Receiver { io })
    }

    /// Wraps an open file that must be a pipe or FIFO opened for reading; it is made
    /// non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::open("/")?;
    /// let err = weft::net::unix::pipe::Receiver::from_file(file).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// Wraps an open descriptor that must be a pipe or FIFO opened for reading; it is made
    /// non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = rx.into_blocking_fd()?;
    /// let rx = weft::net::unix::pipe::Receiver::from_owned_fd(fd)?;
    /// # drop(rx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(check_pipe(owned_fd, End::Receiver)?)
    }

    /// Wraps an open file without checking it: the caller makes sure it is the reading end
    /// of a pipe and non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_nonblocking_fd()?);
    /// let rx = weft::net::unix::pipe::Receiver::from_file_unchecked(file)?;
    /// # drop(rx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(file.into())
    }

    /// Wraps an open descriptor without checking it: the caller makes sure it is the
    /// reading end of a pipe and non-blocking.
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O enabled.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// let rx = weft::net::unix::pipe::Receiver::from_owned_fd_unchecked(fd)?;
    /// # drop(rx);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Receiver::from_mio(mio_pipe::Receiver::from(owned_fd))
    }

    /// Waits for readiness matching `interest` (readability, or every writer gone);
    /// returns what is ready.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses no readiness.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, Interest};
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = weft::net::unix::pipe::pipe()?;
    /// tx.write_all(b"x").await?;
    /// assert!(rx.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the pipe has data (or every writer is gone).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = weft::net::unix::pipe::pipe()?;
    /// tx.write_all(b"x").await?;
    /// rx.readable().await?;
    /// assert_eq!(rx.try_read(&mut [0u8; 4])?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for read readiness; only the waker of the last call is kept.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// assert!(rx.poll_read_ready(&mut cx).is_pending());
    /// # Ok(()) }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Reads what is available without waiting: `WouldBlock` if nothing is, `Ok(0)` once
    /// every writer is gone.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let err = rx.try_read(&mut [0u8; 4]).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(()) }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Vectored form of [`try_read`](Self::try_read).
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
    /// let mut bufs = [std::io::IoSliceMut::new(&mut a), std::io::IoSliceMut::new(&mut b)];
    /// assert!(rx.try_read_vectored(&mut bufs).is_err());
    /// # Ok(()) }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        use std::io::Read;
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Reads what is available into the spare capacity of `buf` (not zeroed first) without
    /// waiting, and advances it: `WouldBlock` if nothing is available.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = weft::net::unix::pipe::pipe()?;
    /// tx.write_all(b"bytes").await?;
    /// let mut buf = bytes::BytesMut::with_capacity(16);
    /// rx.readable().await?;
    /// assert_eq!(rx.try_read_buf(&mut buf)?, 5);
    /// assert_eq!(&buf[..], b"bytes");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || sys::read_buf(&*self.io, buf))
    }

    /// Runs `f` (a non-blocking read-side operation on the pipe's descriptor) if the pipe
    /// was last reported readable; `WouldBlock` from `f` clears that readiness.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = weft::net::unix::pipe::pipe()?;
    /// tx.write_all(b"x").await?;
    /// rx.readable().await?;
    /// assert_eq!(rx.try_io(|| Ok(1))?, 1);
    /// # Ok(()) }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io.registration().try_io(Interest::READABLE, f)
    }

    /// Deregisters the receiver and returns its descriptor in blocking mode.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = weft::net::unix::pipe::pipe()?;
    /// drop(tx);
    /// let mut file = std::fs::File::from(rx.into_blocking_fd()?);
    /// assert_eq!(std::io::Read::read(&mut file, &mut [0u8; 4])?, 0);
    /// # Ok(()) }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        into_blocking(self.into_nonblocking_fd()?)
    }

    /// Deregisters the receiver and returns its descriptor, still non-blocking.
    ///
    /// ```
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = weft::net::unix::pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # Ok(()) }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(sys::into_owned_fd(self.io.into_inner()?))
    }
}

impl AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Read, || sys::read_read_buf(&*self.io, buf))
    }
}

impl AsRawFd for Receiver {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Receiver {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
