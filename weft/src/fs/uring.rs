//! Completion-based file reads and writes over io_uring (Linux). **Not wired into `File` yet**:
//! a `Ring` is only created by a run-time probe and used by this module's tests.
//!
//! One `Ring` owns an `IoUring` whose fd is registered with the reactor through
//! [`AsyncFd`]: the kernel makes the fd readable when completions are queued, so a parked
//! worker wakes for them like for any socket. Each operation owns its buffer and an `Arc` of
//! its file; if its future is dropped while the kernel still works on it, both move into the
//! operation's slot and are freed only when the completion arrives: the kernel never writes
//! into freed memory and the descriptor is never closed (and reused) under it.
//!
//! `AsyncFd` wakes only the last task that polled its readiness, so whichever operation
//! finishes (or is dropped) hands that role to another waiting operation by waking it; that
//! task re-registers and reaps the next completions for everyone.

use crate::io::unix::AsyncFd;
use crate::loom::sync::Mutex;
use io_uring::{opcode, register::Probe, types, IoUring};
use std::any::Any;
use std::fs::File as StdFile;
use std::future::Future;
use std::io;
use std::os::unix::io::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Submission/completion queue depth.
const ENTRIES: u32 = 256;

pub(crate) struct Ring {
    /// Declared first so the reactor registration goes before the ring fd closes.
    fd: AsyncFd<RawFd>,
    inner: Mutex<Inner>,
}

struct Inner {
    uring: IoUring,
    slots: Vec<Slot>,
    free: Vec<usize>,
}

enum Slot {
    Free,
    /// In flight; the waker of the task that last polled it.
    Waiting(Option<Waker>),
    /// The kernel's result (a byte count, or a negated errno).
    Done(i32),
    /// In flight, its future dropped: what the kernel uses, kept alive until the completion.
    Abandoned(#[allow(dead_code)] Box<dyn Any + Send>),
}

impl Ring {
    /// Sets up a ring if this kernel (and its seccomp policy) allows io_uring and supports
    /// the opcodes used here. `ENOSYS`, `EPERM` and missing opcodes all mean "use the blocking
    /// pool"; the error says which. Must run inside a runtime (the fd joins its reactor).
    pub(crate) fn probe() -> io::Result<Ring> {
        let uring = IoUring::new(ENTRIES)?;
        let mut probe = Probe::new();
        uring.submitter().register_probe(&mut probe)?;
        for (code, name) in [
            (opcode::Read::CODE, "READ"),
            (opcode::Write::CODE, "WRITE"),
            (opcode::Fsync::CODE, "FSYNC"),
        ] {
            if !probe.is_supported(code) {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("io_uring lacks IORING_OP_{name}"),
                ));
            }
        }
        let fd = AsyncFd::new(uring.as_raw_fd())?;
        Ok(Ring {
            fd,
            inner: Mutex::new(Inner {
                uring,
                slots: Vec::new(),
                free: Vec::new(),
            }),
        })
    }

    /// Reads up to `len` bytes at `offset` into `buf` (resized to `len`), like `pread(2)`.
    pub(crate) fn read_at(
        self: &Arc<Self>,
        file: Arc<StdFile>,
        mut buf: Vec<u8>,
        len: usize,
        offset: u64,
    ) -> Op {
        buf.resize(len, 0);
        let entry = opcode::Read::new(types::Fd(file.as_raw_fd()), buf.as_mut_ptr(), len as u32)
            .offset(offset)
            .build();
        self.submit(entry, file, buf)
    }

    /// Writes `buf` at `offset`, like `pwrite(2)`.
    pub(crate) fn write_at(self: &Arc<Self>, file: Arc<StdFile>, buf: Vec<u8>, offset: u64) -> Op {
        let entry = opcode::Write::new(types::Fd(file.as_raw_fd()), buf.as_ptr(), buf.len() as u32)
            .offset(offset)
            .build();
        self.submit(entry, file, buf)
    }

    fn submit(
        self: &Arc<Self>,
        entry: io_uring::squeue::Entry,
        file: Arc<StdFile>,
        buf: Vec<u8>,
    ) -> Op {
        let mut inner = self.inner.lock();
        let index = match inner.free.pop() {
            Some(i) => {
                inner.slots[i] = Slot::Waiting(None);
                i
            }
            None => {
                inner.slots.push(Slot::Waiting(None));
                inner.slots.len() - 1
            }
        };
        let entry = entry.user_data(index as u64);
        let mut res = Ok(());
        loop {
            // SAFETY: the entry points into `buf` (heap memory that does not move when the
            // Vec is moved) and at `file`'s descriptor. Both go into the returned `Op`, and if
            // it is dropped before the completion, into `Slot::Abandoned`; a slot is freed
            // only after its completion is reaped, and `Ring`'s drop waits for every
            // completion. So both outlive the kernel's use of them.
            let pushed = unsafe { inner.uring.submission().push(&entry) };
            if pushed.is_ok() {
                break;
            }
            // Queue full: hand what is queued to the kernel and retry.
            if let Err(e) = inner.uring.submit() {
                res = Err(e);
                break;
            }
        }
        if res.is_ok() {
            res = inner.uring.submit().map(|_| ());
        }
        if let Err(e) = res {
            // Not submitted: the kernel holds no reference, the slot can go.
            inner.slots[index] = Slot::Free;
            inner.free.push(index);
            return Op {
                ring: Arc::clone(self),
                index: None,
                data: Some((file, buf)),
                err: Some(e),
            };
        }
        drop(inner);
        Op {
            ring: Arc::clone(self),
            index: Some(index),
            data: Some((file, buf)),
            err: None,
        }
    }
}

impl Inner {
    /// Takes every queued completion: records results, wakes their tasks, frees abandoned
    /// operations' buffers.
    fn reap(&mut self) {
        let mut cq = self.uring.completion();
        cq.sync();
        let done: Vec<(usize, i32)> = cq
            .by_ref()
            .map(|cqe| (cqe.user_data() as usize, cqe.result()))
            .collect();
        drop(cq);
        for (index, result) in done {
            match std::mem::replace(&mut self.slots[index], Slot::Free) {
                Slot::Waiting(waker) => {
                    self.slots[index] = Slot::Done(result);
                    if let Some(w) = waker {
                        w.wake();
                    }
                }
                Slot::Abandoned(_) => self.free.push(index),
                other => self.slots[index] = other,
            }
        }
    }

    /// Wakes one waiting operation so that it takes over watching the ring fd.
    fn hand_off(&mut self) {
        for slot in &mut self.slots {
            if let Slot::Waiting(w @ Some(_)) = slot {
                w.take().expect("checked").wake();
                return;
            }
        }
    }

    fn in_flight(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Waiting(_) | Slot::Abandoned(_)))
            .count()
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // The kernel may still be reading into abandoned buffers: wait for every completion
        // before the slots (and the buffers in them) are freed.
        let mut inner = self.inner.lock();
        loop {
            inner.reap();
            let n = inner.in_flight();
            if n == 0 || inner.uring.submit_and_wait(1).is_err() {
                break;
            }
        }
    }
}

/// One read or write in flight; resolves to its result and its buffer.
pub(crate) struct Op {
    ring: Arc<Ring>,
    /// `None` once finished (or if submission failed).
    index: Option<usize>,
    data: Option<(Arc<StdFile>, Vec<u8>)>,
    err: Option<io::Error>,
}

impl Future for Op {
    type Output = (io::Result<usize>, Vec<u8>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = &mut *self;
        let Some(index) = me.index else {
            let (_, buf) = me.data.take().expect("Op polled after completion");
            let err = me
                .err
                .take()
                .unwrap_or_else(|| io::Error::other("io_uring op failed"));
            return Poll::Ready((Err(err), buf));
        };
        loop {
            {
                let mut inner = me.ring.inner.lock();
                // Reading the completion queue is a look at shared memory, no system call;
                // reads served from the page cache often complete during submission, and
                // this returns them without a round trip through the reactor.
                if matches!(inner.slots[index], Slot::Waiting(_)) {
                    inner.reap();
                }
                match &mut inner.slots[index] {
                    Slot::Done(result) => {
                        let result = *result;
                        inner.slots[index] = Slot::Free;
                        inner.free.push(index);
                        inner.hand_off();
                        drop(inner);
                        me.index = None;
                        let (_, mut buf) = me.data.take().expect("Op data present while in flight");
                        let res = if result < 0 {
                            Err(io::Error::from_raw_os_error(-result))
                        } else {
                            if buf.len() > result as usize {
                                buf.truncate(result as usize);
                            }
                            Ok(result as usize)
                        };
                        return Poll::Ready((res, buf));
                    }
                    Slot::Waiting(waker) => *waker = Some(cx.waker().clone()),
                    Slot::Free | Slot::Abandoned(_) => {
                        unreachable!("Op's slot reused while in flight")
                    }
                }
            }
            match me.ring.fd.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(mut guard)) => {
                    // Clear first, then drain: a completion queued after the drain sets the
                    // readiness again, so none is missed.
                    guard.clear_ready();
                    me.ring.inner.lock().reap();
                }
                Poll::Ready(Err(e)) => {
                    // The reactor is gone (runtime shutting down): the operation stays in
                    // flight; its buffer is kept by the slot until the ring is dropped.
                    return Poll::Ready((Err(e), Vec::new()));
                }
            }
        }
    }
}

impl Drop for Op {
    fn drop(&mut self) {
        let Some(index) = self.index.take() else {
            return;
        };
        let mut inner = self.ring.inner.lock();
        match &inner.slots[index] {
            Slot::Done(_) => {
                inner.slots[index] = Slot::Free;
                inner.free.push(index);
            }
            _ => {
                let data: Box<dyn Any + Send> = Box::new(self.data.take());
                inner.slots[index] = Slot::Abandoned(data);
            }
        }
        inner.hand_off();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtimes() -> Vec<crate::runtime::Runtime> {
        vec![
            crate::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            crate::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        ]
    }

    fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("weft-uring-{name}-{}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn open_fds() -> usize {
        std::fs::read_dir("/proc/self/fd").unwrap().count()
    }

    /// The ring, or `None` (with a note) where io_uring is unavailable.
    fn ring() -> Option<Arc<Ring>> {
        match Ring::probe() {
            Ok(r) => Some(Arc::new(r)),
            Err(e) => {
                println!("note: io_uring unavailable here ({e}); the blocking pool would be used");
                None
            }
        }
    }

    #[test]
    fn read_and_write_at_offsets() {
        for rt in runtimes() {
            rt.block_on(async {
                let Some(ring) = ring() else { return };
                let path = temp_file("rw", b"0123456789");
                let file = Arc::new(
                    std::fs::OpenOptions::new()
                        .read(true)
                        .write(true)
                        .open(&path)
                        .unwrap(),
                );
                let (n, buf) = ring.read_at(file.clone(), Vec::new(), 4, 3).await;
                assert_eq!(n.unwrap(), 4);
                assert_eq!(buf, b"3456");
                let (n, _) = ring.write_at(file.clone(), b"ab".to_vec(), 8).await;
                assert_eq!(n.unwrap(), 2);
                assert_eq!(std::fs::read(&path).unwrap(), b"01234567ab");
                let (n, buf) = ring.read_at(file.clone(), Vec::new(), 4, 100).await;
                assert_eq!((n.unwrap(), buf.len()), (0, 0));
                std::fs::remove_file(&path).unwrap();
            });
        }
    }

    #[test]
    fn errors_come_back_as_io_errors() {
        for rt in runtimes() {
            rt.block_on(async {
                let Some(ring) = ring() else { return };
                let path = temp_file("err", b"x");
                let ro = Arc::new(std::fs::File::open(&path).unwrap());
                let (res, _) = ring.write_at(ro, b"no".to_vec(), 0).await;
                assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::EBADF));
                std::fs::remove_file(&path).unwrap();
            });
        }
    }

    #[test]
    fn many_concurrent_ops_from_many_tasks() {
        for rt in runtimes() {
            rt.block_on(async {
                let Some(ring) = ring() else { return };
                let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
                let path = temp_file("many", &data);
                let file = Arc::new(std::fs::File::open(&path).unwrap());
                let mut handles = Vec::new();
                for t in 0..16u64 {
                    let (ring, file) = (ring.clone(), file.clone());
                    handles.push(crate::spawn(async move {
                        for i in 0..50u64 {
                            let off = (t * 7919 + i * 4099) % ((1 << 20) - 4096);
                            let (n, buf) = ring.read_at(file.clone(), Vec::new(), 4096, off).await;
                            assert_eq!(n.unwrap(), 4096);
                            let want: Vec<u8> =
                                (off..off + 4096).map(|i| (i % 251) as u8).collect();
                            assert_eq!(buf, want);
                        }
                    }));
                }
                for h in handles {
                    h.await.unwrap();
                }
                std::fs::remove_file(&path).unwrap();
            });
        }
    }

    #[test]
    fn dropped_ops_keep_buffers_alive_and_leak_no_fd() {
        for rt in runtimes() {
            rt.block_on(async {
                let Some(ring) = ring() else { return };
                let path = temp_file("drop", &vec![9u8; 1 << 20]);
                let mut fds = Vec::new();
                for _ in 0..64 {
                    let file = Arc::new(std::fs::File::open(&path).unwrap());
                    fds.push(file.as_raw_fd());
                    let mut op = ring.read_at(file, Vec::new(), 1 << 20, 0);
                    // Poll once so it is in flight, then drop it (file handle included).
                    let waker = futures_noop_waker();
                    let _ = Pin::new(&mut op).poll(&mut Context::from_waker(&waker));
                    drop(op);
                }
                // A later op reaps the abandoned completions.
                let file = Arc::new(std::fs::File::open(&path).unwrap());
                let (n, _) = ring.read_at(file, Vec::new(), 16, 0).await;
                assert_eq!(n.unwrap(), 16);
                // Abandoned ops keep their files open until they complete; dropping the ring
                // waits for them all. Then no descriptor refers to the file any more (other
                // tests in this process may reuse the numbers, for other files).
                drop(ring);
                for fd in fds {
                    let target = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
                    assert_ne!(target.as_deref(), Some(path.as_path()), "fd {fd} leaked");
                }
                std::fs::remove_file(&path).unwrap();
            });
        }
    }

    fn futures_noop_waker() -> Waker {
        struct Noop;
        impl std::task::Wake for Noop {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        Waker::from(std::sync::Arc::new(Noop))
    }
}
