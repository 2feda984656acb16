//! Asynchronous I/O: traits, helpers and type definitions.
//!
//! This module mirrors `tokio::io`. The core traits are [`AsyncRead`], [`AsyncWrite`],
//! [`AsyncBufRead`] and [`AsyncSeek`]: the asynchronous counterparts of `std::io::Read`,
//! `Write`, `BufRead` and `Seek`. Their methods are poll functions; programs call the `async`
//! methods of the extension traits ([`AsyncReadExt`], [`AsyncWriteExt`], [`AsyncBufReadExt`],
//! [`AsyncSeekExt`]) instead.
//!
//! Besides the traits:
//!
//! - buffering: [`BufReader`], [`BufWriter`], [`BufStream`], and line/segment readers
//!   ([`Lines`], [`Split`]);
//! - copying: [`copy`], [`copy_buf`], [`copy_bidirectional`];
//! - in-memory pipes: [`duplex`] ([`DuplexStream`]) and [`simplex`] ([`SimplexStream`]);
//! - adapters: [`split`] ([`ReadHalf`], [`WriteHalf`]), [`join`], `take`/`chain` ([`Take`],
//!   [`Chain`]), and the trivial [`empty`], [`sink`], [`repeat`];
//! - the process's standard streams: [`stdin`], [`stdout`], [`stderr`] (on the blocking pool).
//!
//! Features: `bytes` (enabled by `io-util` and `full`, as in tokio) adds `read_buf`/`write_buf`/`write_all_buf` over `bytes`
//! buffers; `futures-io` (on by default) makes these types implement the `futures` I/O traits
//! too and adds the `compat` adapters.
//!
//! ```
//! use weft::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # futures::executor::block_on(async {
//! let mut out = Vec::new();
//! out.write_all(b"hello").await?;
//! let mut reader = &out[..];
//! let mut s = String::new();
//! reader.read_to_string(&mut s).await?;
//! assert_eq!(s, "hello");
//! # Ok::<_, std::io::Error>(())
//! # }).unwrap();
//! ```

mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;
mod blocking;
#[cfg(feature = "futures-io")]
pub mod compat;
mod futures_io;
#[allow(unsafe_code)]
mod read_buf;
mod stdio;
mod util;

pub use self::async_buf_read::AsyncBufRead;
pub use self::async_read::AsyncRead;
pub use self::async_seek::AsyncSeek;
pub use self::async_write::AsyncWrite;
// For the I/O types of other modules (sockets, files…); unused without `futures-io`.
#[allow(unused_imports)]
pub(crate) use self::futures_io::impl_futures_io;
pub use self::read_buf::ReadBuf;
pub use self::stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};

pub use self::util::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, join, repeat,
    simplex, sink, split, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufStream, BufWriter, Chain, DuplexStream, Empty, Join, Lines, ReadHalf, Repeat, SimplexStream,
    Sink, Split, Take, WriteHalf,
};

pub use std::io::{Error, ErrorKind, Result, SeekFrom};

// Reactor (issue 3, reactor helper).
mod interest;
pub use interest::Interest;
mod ready;
pub use ready::Ready;
#[allow(unsafe_code)]
mod async_fd;

/// Unix-specific I/O: [`AsyncFd`](unix::AsyncFd), readiness-based I/O on any file descriptor.
pub mod unix {
    #[allow(deprecated)]
    pub use super::async_fd::AsyncFdTryNewError;
    pub use super::async_fd::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError, TryIoError,
    };
}
