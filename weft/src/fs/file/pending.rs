//! The one operation a `File` has in flight: on the runtime's io_uring where it has one, on
//! the blocking pool otherwise.

use super::buf::Buf;
use crate::fs::join_error;
use crate::task::JoinHandle;
use std::fs::File as StdFile;
use std::future::Future;
use std::io::{self, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

#[cfg(target_os = "linux")]
use crate::runtime::driver::uring::{self, Ring};

/// What a finished operation returned.
pub(super) enum Op {
    Read(io::Result<usize>),
    Write(io::Result<usize>),
    Seek(io::Result<u64>),
}

pub(super) enum Pending {
    Pool(JoinHandle<(Op, Buf)>),
    #[cfg(target_os = "linux")]
    Ring {
        op: uring::Op,
        file: Arc<StdFile>,
        /// Bytes asked for (a read) or handed over (a write).
        len: usize,
        write: bool,
    },
}

/// Where the next operation goes: the runtime's ring, unless this `File` found that its
/// descriptor cannot use io_uring.
#[cfg(target_os = "linux")]
fn ring(no_ring: bool) -> Option<Arc<Ring>> {
    if no_ring {
        None
    } else {
        crate::runtime::current::uring()
    }
}

impl Pending {
    /// Reads up to `len` bytes at the cursor, after moving it to `seek_to`.
    ///
    /// On the ring, the seek runs here, on the calling thread: `lseek(2)` to an absolute
    /// position only sets a field in the kernel's open file and never waits for a disk.
    pub(super) fn read(
        file: &Arc<StdFile>,
        mut buf: Buf,
        len: usize,
        seek_to: Option<u64>,
        no_ring: bool,
    ) -> Result<Pending, (io::Error, Buf)> {
        buf.clear();
        #[cfg(target_os = "linux")]
        if let Some(ring) = ring(no_ring) {
            if let Err(e) = apply_seek(file, seek_to, 0) {
                return Err((e, buf));
            }
            buf.reserve(len);
            return Ok(Pending::Ring {
                op: ring.read(Arc::clone(file), buf.storage, len, None),
                file: Arc::clone(file),
                len,
                write: false,
            });
        }
        let file = Arc::clone(file);
        Ok(Pending::Pool(crate::task::spawn_blocking(move || {
            let res = apply_seek(&file, seek_to, 0).and_then(|()| buf.read_from(&file, len));
            (Op::Read(res), buf)
        })))
    }

    /// Writes `buf`'s bytes at the cursor, after moving it to `seek_to` or back by `-back`
    /// (over bytes read ahead). As with reads, on the ring the seek runs here.
    pub(super) fn write(
        file: &Arc<StdFile>,
        buf: Buf,
        seek_to: Option<u64>,
        back: i64,
        no_ring: bool,
    ) -> Result<Pending, (io::Error, Buf)> {
        #[cfg(target_os = "linux")]
        if let Some(ring) = ring(no_ring) {
            if let Err(e) = apply_seek(file, seek_to, back) {
                return Err((e, buf));
            }
            let len = buf.len;
            return Ok(Pending::Ring {
                op: ring.write(Arc::clone(file), buf.storage, 0, len, None),
                file: Arc::clone(file),
                len,
                write: true,
            });
        }
        let file = Arc::clone(file);
        Ok(Pending::Pool(crate::task::spawn_blocking(move || {
            let res = apply_seek(&file, seek_to, back).and_then(|()| buf.write_to(&file));
            (Op::Write(res), buf)
        })))
    }

    /// Seeks on the blocking pool (a seek relative to the end asks the file system for the
    /// size, which may wait for a server), after moving to `seek_to`.
    pub(super) fn seek(
        file: &Arc<StdFile>,
        buf: Buf,
        seek_to: Option<u64>,
        pos: SeekFrom,
    ) -> Pending {
        let file = Arc::clone(file);
        Pending::Pool(crate::task::spawn_blocking(move || {
            let res = apply_seek(&file, seek_to, 0).and_then(|()| (&*file).seek(pos));
            (Op::Seek(res), buf)
        }))
    }

    /// Waits for the operation. If io_uring turns out not to support this descriptor (a
    /// device without `read_iter`, say), sets `no_ring` and redoes the operation on the
    /// blocking pool: nothing was read or written, the cursor has not moved.
    pub(super) fn poll(
        &mut self,
        cx: &mut Context<'_>,
        no_ring: &mut bool,
    ) -> Poll<io::Result<(Op, Buf)>> {
        loop {
            match self {
                Pending::Pool(handle) => {
                    return Poll::Ready(ready!(Pin::new(handle).poll(cx)).map_err(join_error));
                }
                #[cfg(target_os = "linux")]
                Pending::Ring {
                    op,
                    file,
                    len,
                    write,
                } => {
                    let (res, storage) = ready!(Pin::new(op).poll(cx));
                    let unsupported = super::is_unsupported(&res);
                    // A write's buffer keeps its bytes (a retried `poll_write` recognises
                    // them); a read's holds what was read.
                    let live = match (&res, *write) {
                        (_, true) => *len,
                        (Ok(n), false) => *n,
                        (Err(_), false) => 0,
                    };
                    let buf = Buf {
                        storage,
                        pos: 0,
                        len: live,
                    };
                    if unsupported {
                        *no_ring = true;
                        let file = Arc::clone(file);
                        let started = if *write {
                            Pending::write(&file, buf, None, 0, true)
                        } else {
                            Pending::read(&file, buf, *len, None, true)
                        };
                        *self = started.unwrap_or_else(|_| unreachable!("no seek to fail"));
                        continue;
                    }
                    let op = if *write {
                        Op::Write(res)
                    } else {
                        Op::Read(res)
                    };
                    return Poll::Ready(Ok((op, buf)));
                }
            }
        }
    }
}

/// Moves the descriptor's cursor to where the `File` logically is: to a deferred absolute
/// position, or back over read-ahead bytes.
pub(super) fn apply_seek(file: &StdFile, seek_to: Option<u64>, back: i64) -> io::Result<()> {
    if let Some(to) = seek_to {
        (&*file).seek(SeekFrom::Start(to))?;
    } else if back != 0 {
        (&*file).seek(SeekFrom::Current(back))?;
    }
    Ok(())
}
