//! TCP: [`TcpListener`], [`TcpStream`], [`TcpSocket`] and the halves of a split stream.

pub(crate) use listener::is_resource_exhaustion;
mod listener;
mod socket;
pub mod split;
pub mod split_owned;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use stream::TcpStream;
