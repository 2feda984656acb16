//! [`stdin`], [`stdout`] and [`stderr`]: the process's standard streams, read and written on
//! the blocking pool.

use super::blocking::Blocking;
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A handle to the standard input of the process, created by [`stdin`].
///
/// Reads run on the blocking pool, one at a time. A read that is waiting for input cannot be
/// interrupted: dropping the handle or the future leaves the blocking thread waiting until
/// input arrives or stdin is closed, and the input it then reads is lost. For an interactive
/// program, prefer one long-lived `Stdin` (or a dedicated thread).
///
/// # Examples
///
/// ```no_run
/// use weft::io::{AsyncBufReadExt, BufReader};
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     let mut lines = BufReader::new(weft::io::stdin()).lines();
///     while let Some(line) = lines.next_line().await? {
///         println!("got: {line}");
///     }
///     Ok(())
/// })
/// # }
/// ```
#[derive(Debug)]
pub struct Stdin {
    std: Blocking<io::Stdin>,
}

/// A handle to the standard output of the process, created by [`stdout`].
///
/// Writes run on the blocking pool. A write returns as soon as its data is handed over, and
/// an error is reported by the next call: call [`flush`](crate::io::AsyncWriteExt::flush) to
/// know that the data was written. Separate handles (and `println!`) may interleave.
///
/// # Examples
///
/// ```no_run
/// use weft::io::AsyncWriteExt;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     let mut out = weft::io::stdout();
///     out.write_all(b"hello, world\n").await?;
///     out.flush().await?;
///     Ok(())
/// })
/// # }
/// ```
#[derive(Debug)]
pub struct Stdout {
    std: Blocking<io::Stdout>,
}

/// A handle to the standard error of the process, created by [`stderr`].
///
/// Behaves as [`Stdout`]: flush to know the data was written.
///
/// # Examples
///
/// ```no_run
/// use weft::io::AsyncWriteExt;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     let mut err = weft::io::stderr();
///     err.write_all(b"warning\n").await?;
///     err.flush().await?;
///     Ok(())
/// })
/// # }
/// ```
#[derive(Debug)]
pub struct Stderr {
    std: Blocking<io::Stderr>,
}

/// Returns a handle to the standard input of the process (see [`Stdin`]).
///
/// # Examples
///
/// ```no_run
/// use weft::io::AsyncReadExt;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     let mut input = String::new();
///     weft::io::stdin().read_to_string(&mut input).await?;
///     Ok(())
/// })
/// # }
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
    }
}

/// Returns a handle to the standard output of the process (see [`Stdout`]).
///
/// # Examples
///
/// ```no_run
/// use weft::io::AsyncWriteExt;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     weft::io::stdout().write_all(b"hi\n").await
/// })
/// # }
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new(io::stdout()),
    }
}

/// Returns a handle to the standard error of the process (see [`Stderr`]).
///
/// # Examples
///
/// ```no_run
/// use weft::io::AsyncWriteExt;
///
/// # fn main() -> std::io::Result<()> {
/// let rt = weft::runtime::Runtime::new()?;
/// rt.block_on(async {
///     weft::io::stderr().write_all(b"oops\n").await
/// })
/// # }
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new(io::stderr()),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_read(cx, buf)
    }
}

macro_rules! forward_write {
    ($ty:ty) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.std).poll_write(cx, buf)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.std).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                Pin::new(&mut self.std).poll_shutdown(cx)
            }
        }
    };
}

forward_write!(Stdout);
forward_write!(Stderr);

/// Unix descriptor access, as tokio offers it.
#[cfg(unix)]
#[allow(unsafe_code)]
mod sys {
    use super::{Stderr, Stdin, Stdout};
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

    macro_rules! as_fd {
        ($ty:ty, $fd:expr) => {
            impl AsRawFd for $ty {
                fn as_raw_fd(&self) -> RawFd {
                    $fd
                }
            }

            impl AsFd for $ty {
                fn as_fd(&self) -> BorrowedFd<'_> {
                    // SAFETY: descriptors 0, 1 and 2 stay open for the life of the process
                    // (std's own `Stdin`/`Stdout`/`Stderr` rely on the same), so the borrow
                    // cannot outlive them.
                    unsafe { BorrowedFd::borrow_raw($fd) }
                }
            }
        };
    }

    as_fd!(Stdin, libc::STDIN_FILENO);
    as_fd!(Stdout, libc::STDOUT_FILENO);
    as_fd!(Stderr, libc::STDERR_FILENO);
}
