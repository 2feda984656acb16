//! I/O utilities: the extension traits and the adapters built on the core traits.

mod async_buf_read_ext;
mod async_read_ext;
mod async_write_ext;
mod buf_read;
mod buf_reader;
mod buf_stream;
mod buf_writer;
#[cfg(feature = "bytes")]
#[allow(unsafe_code)]
mod bytes_io;
mod chain;
mod copy;
mod copy_bidirectional;
mod duplex;
mod empty;
#[allow(unsafe_code)]
mod fill_buf;
mod join;
mod lines;
#[allow(unsafe_code)]
mod pin;
mod read;
mod seek;
mod split;
mod take;
#[allow(unsafe_code)]
mod vec_read;
mod write;

pub use async_buf_read_ext::AsyncBufReadExt;
pub use async_read_ext::AsyncReadExt;
pub use async_write_ext::AsyncWriteExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::{copy, copy_buf};
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use duplex::{duplex, simplex, DuplexStream, SimplexStream};
pub use empty::{empty, repeat, sink, Empty, Repeat, Sink};
pub use join::{join, Join};
pub use lines::{Lines, Split};
pub use seek::AsyncSeekExt;
pub use split::{split, ReadHalf, WriteHalf};
pub use take::Take;

pub(crate) use pin::pin_as_deref_mut;
