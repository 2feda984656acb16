//! The buffer a `File` operation owns while it runs.

use crate::io::ReadBuf;
use std::io::{self, Read, Write};

/// Between operations it holds only bytes read ahead of the caller (from a read whose future
/// was dropped); after a write it briefly holds the written bytes so a retried `poll_write`
/// can recognise them.
///
/// `storage` only grows (up to the largest request) and stays initialised, so a read does not
/// zero its buffer each time; the live bytes are `storage[pos..len]`.
#[derive(Default)]
pub(super) struct Buf {
    pub(super) storage: Vec<u8>,
    pub(super) pos: usize,
    pub(super) len: usize,
}

impl Buf {
    pub(super) fn is_empty(&self) -> bool {
        self.pos == self.len
    }

    pub(super) fn clear(&mut self) {
        self.pos = 0;
        self.len = 0;
    }

    pub(super) fn bytes(&self) -> &[u8] {
        &self.storage[self.pos..self.len]
    }

    pub(super) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = std::cmp::min(self.len - self.pos, dst.remaining());
        dst.put_slice(&self.storage[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.clear();
        }
    }

    /// Drops the unread bytes, returning how far the kernel's cursor is ahead of the caller's.
    pub(super) fn discard_read(&mut self) -> i64 {
        let ahead = (self.len - self.pos) as i64;
        self.clear();
        -ahead
    }

    /// Makes `storage` at least `len` bytes long.
    pub(super) fn reserve(&mut self, len: usize) {
        if self.storage.len() < len {
            self.storage.resize(len, 0);
        }
    }

    pub(super) fn fill_from(&mut self, src: &[u8]) {
        self.reserve(src.len());
        self.storage[..src.len()].copy_from_slice(src);
        self.pos = 0;
        self.len = src.len();
    }

    pub(super) fn read_from(&mut self, file: &std::fs::File, len: usize) -> io::Result<usize> {
        self.reserve(len);
        let dst = &mut self.storage[..len];
        let res = loop {
            match (&*file).read(dst) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        self.pos = 0;
        self.len = *res.as_ref().unwrap_or(&0);
        res
    }

    /// Writes as much of the buffer as the kernel takes: all of it unless an error or a
    /// zero-length write stops it, in which case the bytes written so far are reported and
    /// the error is left for the caller's next write.
    pub(super) fn write_to(&self, file: &std::fs::File) -> io::Result<usize> {
        let bytes = self.bytes();
        let mut done = 0;
        while done < bytes.len() {
            match (&*file).write(&bytes[done..]) {
                Ok(0) if done == 0 => return Err(io::ErrorKind::WriteZero.into()),
                Ok(0) => break,
                Ok(k) => done += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }
}
