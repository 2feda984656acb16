//! The parent's ends of a child's pipes: [`ChildStdin`], [`ChildStdout`], [`ChildStderr`],
//! non-blocking and registered with the reactor.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::runtime::driver::io::PollEvented;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

/// One end of a pipe as a mio source. A `File` gives `Read`/`Write` on `&Pipe` (what
/// `PollEvented` needs) with plain `read(2)`/`write(2)`.
#[derive(Debug)]
pub(crate) struct Pipe {
    file: File,
}

impl Pipe {
    /// Takes over a blocking pipe end and makes it non-blocking.
    fn new(fd: OwnedFd) -> io::Result<Pipe> {
        set_nonblocking(fd, true).map(|fd| Pipe {
            file: File::from(fd),
        })
    }

    fn register(fd: OwnedFd) -> io::Result<PollEvented<Pipe>> {
        PollEvented::new(Pipe::new(fd)?, crate::runtime::current::io())
    }
}

/// Sets or clears `O_NONBLOCK` through mio's pipe type (which does the `fcntl`).
fn set_nonblocking(fd: OwnedFd, nonblocking: bool) -> io::Result<OwnedFd> {
    let pipe = mio::unix::pipe::Receiver::from(fd);
    pipe.set_nonblocking(nonblocking)?;
    Ok(OwnedFd::from(pipe))
}

/// Deregisters the pipe and hands back its descriptor in blocking mode, which is what
/// virtually every program expects of an inherited stdio descriptor.
fn into_blocking_fd(io: PollEvented<Pipe>) -> io::Result<OwnedFd> {
    let pipe = io.into_inner()?;
    set_nonblocking(OwnedFd::from(pipe.file), false)
}

impl mio::event::Source for Pipe {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.file.as_raw_fd()).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.file.as_raw_fd()).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        mio::unix::SourceFd(&self.file.as_raw_fd()).deregister(registry)
    }
}

impl Read for &Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.file).read(buf)
    }
}

impl Write for &Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.file).write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        (&self.file).write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

macro_rules! pipe_type {
    ($(#[$doc:meta])* $name:ident, $std:ty, $example:literal) => {
        $(#[$doc])*
        pub struct $name {
            io: PollEvented<Pipe>,
        }

        impl $name {
            pub(crate) fn wrap(std: $std) -> io::Result<Self> {
                Ok($name {
                    io: Pipe::register(OwnedFd::from(std))?,
                })
            }

            /// Wraps a std pipe handle, making it non-blocking and registering it with the
            /// current runtime's reactor.
            ///
            /// # Panics
            /// Outside a weft runtime with I/O enabled.
            ///
            /// ```
            /// use std::process::Stdio;
            /// # #[weft::main] async fn main() -> std::io::Result<()> {
            #[doc = $example]
            /// # Ok(()) }
            /// ```
            #[track_caller]
            pub fn from_std(inner: $std) -> io::Result<Self> {
                Self::wrap(inner)
            }

            /// Deregisters the pipe and returns its descriptor, back in blocking mode.
            ///
            /// ```
            /// use std::process::Stdio;
            /// use std::os::fd::OwnedFd;
            /// # #[weft::main] async fn main() -> std::io::Result<()> {
            #[doc = $example]
            /// let fd: OwnedFd = pipe.into_owned_fd()?;
            /// # drop(fd);
            /// # Ok(()) }
            /// ```
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                into_blocking_fd(self.io)
            }
        }

        impl TryInto<Stdio> for $name {
            type Error = io::Error;

            /// Hands the pipe to another child as one of its stdio streams (in blocking
            /// mode), e.g. to connect two children's stdout and stdin.
            fn try_into(self) -> io::Result<Stdio> {
                self.into_owned_fd().map(Stdio::from)
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.io.file.as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.io.file.as_fd()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("fd", &self.as_raw_fd())
                    .finish()
            }
        }
    };
}

pipe_type!(
    /// The parent's end of a child's stdin pipe: an [`AsyncWrite`]. Dropping it closes the
    /// pipe, so the child reads end of file ([`Child::wait`](super::Child::wait) drops it
    /// for you). `poll_shutdown` does nothing; drop the handle to close.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::io::AsyncWriteExt;
    /// use weft::process::Command;
    ///
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    /// let mut stdin = child.stdin.take().unwrap();
    /// stdin.write_all(b"hello").await?;
    /// drop(stdin);
    /// assert!(child.wait().await?.success());
    /// # Ok(()) }
    /// ```
    ChildStdin,
    std::process::ChildStdin,
    "let mut std_child = std::process::Command::new(\"cat\").stdin(Stdio::piped()).spawn()?;\nlet pipe = weft::process::ChildStdin::from_std(std_child.stdin.take().unwrap())?;"
);

pipe_type!(
    /// The parent's end of a child's stdout pipe: an [`AsyncRead`] that reads end of file
    /// once the child (and every process it shared the pipe with) closed it.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::io::AsyncReadExt;
    /// use weft::process::Command;
    ///
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn()?;
    /// let mut out = String::new();
    /// child.stdout.take().unwrap().read_to_string(&mut out).await?;
    /// assert_eq!(out, "hi\n");
    /// child.wait().await?;
    /// # Ok(()) }
    /// ```
    ChildStdout,
    std::process::ChildStdout,
    "let mut std_child = std::process::Command::new(\"true\").stdout(Stdio::piped()).spawn()?;\nlet pipe = weft::process::ChildStdout::from_std(std_child.stdout.take().unwrap())?;\n# std_child.wait()?;"
);

pipe_type!(
    /// The parent's end of a child's stderr pipe: an [`AsyncRead`].
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::io::AsyncReadExt;
    /// use weft::process::Command;
    ///
    /// # #[weft::main] async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sh").args(["-c", "echo oops >&2"]).stderr(Stdio::piped()).spawn()?;
    /// let mut err = String::new();
    /// child.stderr.take().unwrap().read_to_string(&mut err).await?;
    /// assert_eq!(err, "oops\n");
    /// child.wait().await?;
    /// # Ok(()) }
    /// ```
    ChildStderr,
    std::process::ChildStderr,
    "let mut std_child = std::process::Command::new(\"true\").stderr(Stdio::piped()).spawn()?;\nlet pipe = weft::process::ChildStderr::from_std(std_child.stderr.take().unwrap())?;\n# std_child.wait()?;"
);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_slice(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }
}
